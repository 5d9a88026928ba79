package dev.tapegrad;

import java.util.function.Function;

/**
 * Function transformations in the style of JAX: gradients, Hessian-vector products, Hessians and
 * Jacobians of functions written with Tensor ops.
 *
 * <p>They compose: when a transformed function runs while a tape is recording, its gradient
 * computation is recorded too, so it can be differentiated again.
 *
 * <pre>{@code
 * Function<Tensor, Tensor> f   = x -> x.pow(3).sum();
 * Function<Tensor, Tensor> df  = Autodiff.grad(f);                          // 3x²
 * Function<Tensor, Tensor> d2f = Autodiff.grad(x -> df.apply(x).sum());     // 6x
 * Tensor hv = Autodiff.hessianVectorProduct(f, x, v);                        // 6x ⊙ v
 * }</pre>
 */
public final class Autodiff {
    private Autodiff() {}

    /** A value together with its gradient, as returned by {@link #valueAndGrad}. */
    public record ValueAndGrad(Tensor value, Tensor grad) {}

    /**
     * The gradient of a scalar-valued function, as a function of the same input. The result can be
     * transformed again ({@code grad(x -> grad(f).apply(x).sum())} is the sum of the Hessian's rows).
     */
    public static Function<Tensor, Tensor> grad(Function<Tensor, Tensor> f) {
        return x -> valueAndGradAt("grad", f, x).grad();
    }

    /** Like {@link #grad} but also returns f(x), computed once. */
    public static Function<Tensor, ValueAndGrad> valueAndGrad(Function<Tensor, Tensor> f) {
        return x -> valueAndGradAt("valueAndGrad", f, x);
    }

    /**
     * The Hessian of the scalar-valued {@code f} at {@code x} applied to {@code v}, as the gradient of
     * ⟨∇f(x), v⟩: one forward and two reverse passes, without forming the Hessian.
     */
    public static Tensor hessianVectorProduct(Function<Tensor, Tensor> f, Tensor x, Tensor v) {
        if (!java.util.Arrays.equals(x.shape, v.shape)) {
            throw new IllegalArgumentException("hessianVectorProduct: vector of shape " + Shapes.str(v.shape)
                    + " does not match the input of shape " + Shapes.str(x.shape));
        }
        Function<Tensor, Tensor> df = grad(f);
        return grad(z -> df.apply(z).mul(v).sum()).apply(x);
    }

    /** The Hessian of the scalar-valued {@code f} at {@code x}, of shape x.shape ++ x.shape. */
    public static Tensor hessian(Function<Tensor, Tensor> f, Tensor x) {
        return jacobian(grad(f), x);
    }

    /**
     * The vector-Jacobian product vᵀ·∂g/∂x of a function of any output shape; {@code v} has the
     * output's shape.
     */
    public static Tensor vjp(Function<Tensor, Tensor> g, Tensor x, Tensor v) {
        try (Scope s = new Scope(x)) {
            Tensor y = g.apply(s.input);
            if (!java.util.Arrays.equals(y.shape, v.shape)) {
                throw new IllegalArgumentException("vjp: vector of shape " + Shapes.str(v.shape)
                        + " does not match the output of shape " + Shapes.str(y.shape));
            }
            return s.replay().vjp(y, v, s.input)[0];
        }
    }

    /**
     * The Jacobian of {@code g} at {@code x}, of shape g(x).shape ++ x.shape, built row by row from
     * vector-Jacobian products (one reverse pass per output element).
     */
    public static Tensor jacobian(Function<Tensor, Tensor> g, Tensor x) {
        try (Scope s = new Scope(x)) {
            Tensor y = g.apply(s.input);
            int m = y.size();
            int[] outShape = new int[y.rank() + x.rank()];
            System.arraycopy(y.shape, 0, outShape, 0, y.rank());
            System.arraycopy(x.shape, 0, outShape, y.rank(), x.rank());
            Tensor[] rows = new Tensor[m];
            for (int i = 0; i < m; i++) {
                double[] e = new double[m];
                e[i] = 1.0;
                Tensor row = s.replay().vjp(y, new Tensor(e, y.shape), s.input)[0];
                rows[i] = row.reshape(1, -1);
            }
            if (m == 0) {
                return Tensor.zeros(outShape);
            }
            return Tensor.concat(0, rows).reshape(outShape);
        }
    }

    private static ValueAndGrad valueAndGradAt(String what, Function<Tensor, Tensor> f, Tensor x) {
        try (Scope s = new Scope(x)) {
            Tensor y = f.apply(s.input);
            if (y.size() != 1) {
                throw new IllegalArgumentException(what + ": the function must return a scalar, but returned shape "
                        + Shapes.str(y.shape) + " (use Autodiff.jacobian or Autodiff.vjp)");
            }
            Tensor g = s.replay().gradient(y, s.input)[0];
            return new ValueAndGrad(s.nested ? y.alias() : y, g);
        }
    }

    /**
     * Where a transformation runs. If this thread's tape is recording, the transformation records
     * on it (so the result stays differentiable); otherwise it opens a tape of its own.
     */
    private static final class Scope implements AutoCloseable {
        final Tape tape;
        final boolean nested;  // true: we opened the tape and close it
        final Tensor input;

        Scope(Tensor x) {
            Tape current = Tape.current();
            if (current != null && Tape.isRecording()) {
                tape = current;
                nested = false;
                input = current.tracks(x) ? x : x.alias().requiresGrad(true);
            } else {
                tape = Tape.record(Tape.Option.KEEP);
                nested = true;
                input = x.alias().requiresGrad(true);
            }
        }

        /** Outer recording: record the backward too. Own tape: keep nodes for several replays. */
        Tape.Replay replay() {
            return nested ? tape.retainGraph() : tape.createGraph();
        }

        @Override
        public void close() {
            if (nested) {
                tape.close();
            }
        }
    }
}
