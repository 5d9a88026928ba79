package dev.tapegrad;

import dev.tapegrad.kernels.Elementwise;

/**
 * The elementwise unary ops. Each op sits in one place: the kernel it calls, its backward rule
 * (written with Tensor ops from the saved input {@code x} and output {@code y}, so that it can be
 * recorded and differentiated again), and its test metadata: the input domain and the points
 * where it is not smooth, which {@link OpCatalog} turns into generated test cases.
 */
abstract class UnaryOps {
    final String name;
    private final int kernel;
    /** Inputs are drawn from [lo, hi] in the property tests. */
    final double lo, hi;
    /** Points where the op is not differentiable; the tests keep a margin from them. */
    final double[] kinks;

    private UnaryOps(String name, int kernel, double lo, double hi, double... kinks) {
        this.name = name;
        this.kernel = kernel;
        this.lo = lo;
        this.hi = hi;
        this.kinks = kinks;
    }

    /** d(op)/dx applied to {@code g}, from the input {@code x} and the output {@code y}. */
    abstract Tensor backward(Tensor x, Tensor y, Tensor g);

    static final UnaryOps NEG = new UnaryOps("neg", Elementwise.NEG, -5, 5) {
        @Override Tensor backward(Tensor x, Tensor y, Tensor g) { return g.neg(); }
    };
    static final UnaryOps SQUARE = new UnaryOps("square", Elementwise.SQUARE, -5, 5) {
        @Override Tensor backward(Tensor x, Tensor y, Tensor g) { return g.mul(x).mul(2.0); }
    };
    /** d√x = 1/(2√x): +Infinity at 0 (as PyTorch). */
    static final UnaryOps SQRT = new UnaryOps("sqrt", Elementwise.SQRT, 0.1, 5) {
        @Override Tensor backward(Tensor x, Tensor y, Tensor g) { return g.div(y.mul(2.0)); }
    };
    /** d|x| = sign(x), 0 at 0. */
    static final UnaryOps ABS = new UnaryOps("abs", Elementwise.ABS, -5, 5, 0.0) {
        @Override Tensor backward(Tensor x, Tensor y, Tensor g) { return g.mul(constant(Elementwise.SIGN, x)); }
    };
    static final UnaryOps EXP = new UnaryOps("exp", Elementwise.EXP, -4, 4) {
        @Override Tensor backward(Tensor x, Tensor y, Tensor g) { return g.mul(y); }
    };
    static final UnaryOps LOG = new UnaryOps("log", Elementwise.LOG, 0.1, 5) {
        @Override Tensor backward(Tensor x, Tensor y, Tensor g) { return g.div(x); }
    };
    /** d tanh = 1 − tanh². */
    static final UnaryOps TANH = new UnaryOps("tanh", Elementwise.TANH, -3, 3) {
        @Override Tensor backward(Tensor x, Tensor y, Tensor g) {
            if (!Tape.isRecording()) {
                return fused(Elementwise.TANH_GRAD, y, g);
            }
            return g.mul(y.square().neg().add(1.0));
        }
    };
    /** dσ = σ(1 − σ). */
    static final UnaryOps SIGMOID = new UnaryOps("sigmoid", Elementwise.SIGMOID, -6, 6) {
        @Override Tensor backward(Tensor x, Tensor y, Tensor g) {
            if (!Tape.isRecording()) {
                return fused(Elementwise.SIGMOID_GRAD, y, g);
            }
            return g.mul(y.mul(y.neg().add(1.0)));
        }
    };
    /** d relu = 1 for x &gt; 0, else 0 (0 at the kink, as PyTorch). */
    static final UnaryOps RELU = new UnaryOps("relu", Elementwise.RELU, -5, 5, 0.0) {
        @Override Tensor backward(Tensor x, Tensor y, Tensor g) { return g.mul(constant(Elementwise.STEP, x)); }
    };
    /** d softplus = σ(x). */
    static final UnaryOps SOFTPLUS = new UnaryOps("softplus", Elementwise.SOFTPLUS, -6, 6) {
        @Override Tensor backward(Tensor x, Tensor y, Tensor g) { return g.mul(x.sigmoid()); }
    };

    /** Every op of this family, for the op table. */
    static final UnaryOps[] ALL = {NEG, SQUARE, SQRT, ABS, EXP, LOG, TANH, SIGMOID, RELU, SOFTPLUS};

    Tensor apply(Tensor x) {
        double[] out = new double[x.data.length];
        Elementwise.unary(kernel, x.data, out);
        Tensor y = new Tensor(out, x.shape);
        if (!Tape.mayRecord(x)) {
            return y;
        }
        return Tape.record(name, y, (node, g) -> new Tensor[] {backward(x, y, g)}, x);
    }

    /**
     * A backward rule computed in one pass when the replay records nothing (no higher order wanted):
     * the same arithmetic, in the same order, as the composed Tensor ops, so the values are identical.
     */
    static Tensor fused(int gradKernel, Tensor y, Tensor g) {
        double[] out = new double[g.data.length];
        Elementwise.unaryGrad(gradKernel, y.data, g.data, out);
        return new Tensor(out, g.shape);
    }

    /** A kernel's result as a constant tensor (a locally constant factor such as a step mask). */
    static Tensor constant(int kernel, Tensor x) {
        double[] out = new double[x.data.length];
        Elementwise.unary(kernel, x.data, out);
        return new Tensor(out, x.shape);
    }

    /** Domain of {@code pow(x, p)} in the tests: x &gt; 0 so that every real p is defined. */
    static final double POW_LO = 0.2, POW_HI = 3.0;

    /**
     * {@code xᵖ}; gradient p·xᵖ⁻¹, written with pow itself so it differentiates again. p = 0 gives
     * a zero gradient everywhere, including x = 0; 0 &lt; p &lt; 1 gives +Infinity at x = 0.
     */
    static Tensor pow(Tensor x, double p) {
        if (Double.isNaN(p)) {
            throw new IllegalArgumentException("pow: exponent is NaN (input shape " + Shapes.str(x.shape) + ")");
        }
        double[] out = new double[x.data.length];
        Elementwise.pow(x.data, p, out);
        Tensor y = new Tensor(out, x.shape);
        return Tape.record("pow", y, (node, g) -> new Tensor[] {
            p == 0.0 ? Tensor.zeros(x.shape) : p == 1.0 ? g : g.mul(x.pow(p - 1.0)).mul(p)}, x);
    }

    /** Domain of clamp in the tests, with kinks at the bounds -1 and 1. */
    static final double CLAMP_LO = -1.0, CLAMP_HI = 1.0;

    /** {@code min(max(x, lo), hi)}; gradient 1 on the closed interval [lo, hi], as PyTorch. */
    static Tensor clamp(Tensor x, double lo, double hi) {
        if (!(lo <= hi)) {
            throw new IllegalArgumentException("clamp: lower bound " + lo + " is not at most the upper bound "
                    + hi + " (input shape " + Shapes.str(x.shape) + ")");
        }
        double[] out = new double[x.data.length];
        Elementwise.clamp(x.data, lo, hi, out);
        Tensor y = new Tensor(out, x.shape);
        return Tape.record("clamp", y, (node, g) -> {
            double[] m = new double[x.data.length];
            Elementwise.insideMask(x.data, lo, hi, m);
            return new Tensor[] {g.mul(new Tensor(m, x.shape))};
        }, x);
    }
}
