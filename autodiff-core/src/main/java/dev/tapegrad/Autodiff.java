package dev.tapegrad;

import java.util.function.Function;

/**
 * Function transformations in the style of JAX: gradients (reverse mode), Jacobian-vector products
 * (forward mode), Hessian-vector products, Hessians and Jacobians of functions written with Tensor
 * ops.
 *
 * <p>They compose: when a transformed function runs while a tape is recording, its gradient
 * computation is recorded too, so it can be differentiated again.
 *
 * <pre>{@code
 * Function<Tensor, Tensor> f   = x -> x.pow(3).sum();
 * Function<Tensor, Tensor> df  = Autodiff.grad(f);                          // 3x²
 * Function<Tensor, Tensor> d2f = Autodiff.grad(x -> df.apply(x).sum());     // 6x
 * Tensor hv = Autodiff.hessianVectorProduct(f, x, v);                        // 6x ⊙ v
 * Autodiff.ValueAndTangent yt = Autodiff.jvp(t -> t.tanh(), x, v);          // tanh x, (1 − tanh²x) ⊙ v
 * }</pre>
 *
 * <p>Forward mode costs one pass per input direction and reverse mode one pass per output: for a
 * scalar loss of many inputs use {@link #grad}; for few inputs and many outputs, {@link #jvp} or
 * {@link #jacfwd}.
 */
public final class Autodiff {
    private Autodiff() {}

    /** A value together with its gradient, as returned by {@link #valueAndGrad}. */
    public record ValueAndGrad(Tensor value, Tensor grad) {}

    /** A function's value together with its directional derivative, as returned by {@link #jvp}. */
    public record ValueAndTangent(Tensor value, Tensor tangent) {}

    /**
     * Forward mode: {@code f(x)} and the Jacobian-vector product {@code J_f(x)·v}, in one forward
     * pass that carries the tangent {@code v} along (JAX's {@code jax.jvp}). {@code v} has x's shape;
     * the tangent has f(x)'s shape. Transformations nest (a JVP of a JVP) and compose with reverse
     * mode: inside a recording tape the tangent is recorded and can be differentiated.
     *
     * <pre>{@code
     * ValueAndTangent r = Autodiff.jvp(t -> t.pow(3).sum(), Tensor.vector(1, 2), Tensor.vector(1, 0));
     * r.tangent();   // 3
     * }</pre>
     */
    public static ValueAndTangent jvp(Function<Tensor, Tensor> f, Tensor x, Tensor v) {
        return jvp(in -> f.apply(in[0]), new Tensor[] {x}, new Tensor[] {v});
    }

    /**
     * Forward mode for a function of several inputs: {@code f(xs)} and
     * {@code Σ_i ∂f/∂x_i · vs[i]}, one tangent per input (each of its input's shape).
     */
    public static ValueAndTangent jvp(Function<Tensor[], Tensor> f, Tensor[] xs, Tensor[] vs) {
        if (xs.length != vs.length) {
            throw new IllegalArgumentException("jvp: " + xs.length + " inputs but " + vs.length + " tangents");
        }
        for (int i = 0; i < xs.length; i++) {
            if (!java.util.Arrays.equals(xs[i].shape, vs[i].shape)) {
                throw new IllegalArgumentException("jvp: tangent " + i + " of shape " + Shapes.str(vs[i].shape)
                        + " does not match input " + i + " of shape " + Shapes.str(xs[i].shape));
            }
        }
        ForwardMode.Level level = ForwardMode.open();
        try {
            Tensor[] seeded = new Tensor[xs.length];
            for (int i = 0; i < xs.length; i++) {
                seeded[i] = ForwardMode.seed(xs[i], vs[i], level);
            }
            Tensor y = f.apply(seeded);
            if (y == null) {
                throw new IllegalArgumentException("jvp: the function returned null");
            }
            Tensor t = ForwardMode.tangent(y, level);
            ForwardMode.strip(y, level);
            return new ValueAndTangent(y, t != null ? t : Tensor.zeros(y.shape));
        } finally {
            ForwardMode.close(level);
        }
    }

    /**
     * The Jacobian of {@code g} at {@code x} by forward mode, column by column (one JVP per input
     * element), of shape g(x).shape ++ x.shape: the same matrix as {@link #jacobian}, cheaper when
     * x has fewer elements than g(x) (JAX's {@code jacfwd}).
     */
    public static Tensor jacfwd(Function<Tensor, Tensor> g, Tensor x) {
        int n = x.size();
        Tensor[] columns = new Tensor[n];
        int[] yShape = null;
        for (int j = 0; j < n; j++) {
            double[] e = new double[n];
            e[j] = 1.0;
            Tensor t = jvp(g, x, new Tensor(e, x.shape)).tangent();
            yShape = t.shape;
            columns[j] = t.reshape(-1);
        }
        if (n == 0) {
            yShape = g.apply(x).shape;
        }
        int[] outShape = new int[yShape.length + x.rank()];
        System.arraycopy(yShape, 0, outShape, 0, yShape.length);
        System.arraycopy(x.shape, 0, outShape, yShape.length, x.rank());
        if (n == 0 || Shapes.size(yShape) == 0) {
            return Tensor.zeros(outShape);
        }
        return Tensor.stack(1, columns).reshape(outShape);
    }

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
     * The Hessian of the scalar-valued {@code f} at {@code x} applied to {@code v}, forward over
     * reverse: the JVP of the gradient along v, one reverse pass that carries a tangent, without
     * forming the Hessian.
     */
    public static Tensor hessianVectorProduct(Function<Tensor, Tensor> f, Tensor x, Tensor v) {
        if (!java.util.Arrays.equals(x.shape, v.shape)) {
            throw new IllegalArgumentException("hessianVectorProduct: vector of shape " + Shapes.str(v.shape)
                    + " does not match the input of shape " + Shapes.str(x.shape));
        }
        return jvp(grad(f), x, v).tangent();
    }

    /**
     * The same Hessian-vector product by reverse over reverse: the gradient of ⟨∇f(x), v⟩ (two
     * reverse passes). For checking {@link #hessianVectorProduct} against an independent route.
     */
    public static Tensor hessianVectorProductReverse(Function<Tensor, Tensor> f, Tensor x, Tensor v) {
        if (!java.util.Arrays.equals(x.shape, v.shape)) {
            throw new IllegalArgumentException("hessianVectorProductReverse: vector of shape " + Shapes.str(v.shape)
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
            return (nested ? tape.retainGraph() : tape.createGraph()).zerosForConstants();
        }

        @Override
        public void close() {
            if (nested) {
                tape.close();
            }
        }
    }
}
