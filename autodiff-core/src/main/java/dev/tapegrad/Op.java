package dev.tapegrad;

/**
 * The definition of one primitive op: its name, its vector-Jacobian product (reverse mode) and its
 * Jacobian-vector product (forward mode), both written with Tensor ops so that they are
 * differentiable again, in either mode. Each family file ({@code UnaryOps}, {@code BinaryOps},
 * {@code ShapeOps}, {@code ReduceOps}, {@code MatMulOp}, ...) holds its ops' definitions next to
 * their forward kernel calls and their test metadata; {@link OpRegistry} lists them all.
 *
 * <p>An op's public function computes the output with a kernel on {@code double[]}, then calls
 * {@link #finish}: that one call records the op on every open tape that tracks an input and
 * propagates forward-mode tangents. Nothing else in the library records or differentiates.
 *
 * <p>Users do not subclass Op; their own primitives are {@link DifferentiableFunction}s.
 */
public abstract class Op {
    private final String name;

    Op(String name) {
        this.name = name;
        OpRegistry.register(this);
    }

    /** Constructor for ops that are not built in (a {@link DifferentiableFunction}'s node). */
    Op(String name, boolean builtIn) {
        this.name = name;
        if (builtIn) {
            OpRegistry.register(this);
        }
    }

    /** The op's name, as it appears on the tape, in errors and in the op table. */
    public final String name() {
        return name;
    }

    /**
     * Vector-Jacobian product: given the gradient {@code g} of the output, one gradient per input
     * (null where the input needs none, see {@link Node#needsGrad}), each of its input's shape.
     */
    abstract Tensor[] vjp(Node call, Tensor g);

    /**
     * Jacobian-vector product: the output's tangent from the inputs' tangents ({@code null} for an
     * input whose tangent is zero; at least one is not null); null means a zero tangent.
     */
    abstract Tensor jvp(Node call, Tensor[] tangents);

    /** Records {@code out = this(a)} where needed and propagates tangents; returns {@code out}. */
    final Tensor finish(Object attrs, Tensor out, Tensor a) {
        if (!(a.requiresGrad || a.node != null || a.duals != null)) {
            return out;
        }
        return finishAll(attrs, out, new Tensor[] {a});
    }

    /** {@link #finish(Object, Tensor, Tensor)} for two inputs. */
    final Tensor finish(Object attrs, Tensor out, Tensor a, Tensor b) {
        if (!(a.requiresGrad || a.node != null || a.duals != null || b.requiresGrad || b.node != null || b.duals != null)) {
            return out;
        }
        return finishAll(attrs, out, new Tensor[] {a, b});
    }

    /** {@link #finish(Object, Tensor, Tensor)} for any number of inputs (the array is kept). */
    final Tensor finishAll(Object attrs, Tensor out, Tensor[] in) {
        boolean candidate = false, tangents = false;
        for (Tensor t : in) {
            candidate |= t.requiresGrad || t.node != null;
            tangents |= t.duals != null;
        }
        if (candidate) {
            Tape.record(this, attrs, out, in);
        }
        if (tangents) {
            ForwardMode.propagate(this, attrs, out, in);
        }
        return out;
    }

    @Override
    public String toString() {
        return name;
    }
}
