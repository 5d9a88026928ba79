package dev.tapegrad;

import dev.tapegrad.kernels.Elementwise;
import dev.tapegrad.testing.Domain;
import dev.tapegrad.testing.Gen;
import dev.tapegrad.testing.OpTest;
import java.util.ArrayList;
import java.util.List;

/**
 * The elementwise unary ops. Each op sits in one place: its kernel, its chain rule
 * {@code u ↦ f'(x) ⊙ u} (written with Tensor ops from the input {@code x} and the output {@code y},
 * so that it is recorded and differentiated again; it gives both the VJP and the JVP) and its test
 * domain with the points where it is not smooth.
 *
 * <p>The functions are also {@link Tensor}'s instance methods: {@code UnaryOps.tanh(x)} is
 * {@code x.tanh()}.
 */
public final class UnaryOps {
    private UnaryOps() {}

    static final ElementwiseUnary NEG = new ElementwiseUnary("neg", Elementwise.Unary.NEG,
            (x, y, u) -> u.neg()).domain(Domain.free(-5, 5));
    static final ElementwiseUnary SQUARE = new ElementwiseUnary("square", Elementwise.Unary.SQUARE,
            (x, y, u) -> u.mul(x).mul(2.0)).domain(Domain.free(-5, 5));
    /** d√x = 1/(2√x): +Infinity at 0 (as PyTorch). */
    static final ElementwiseUnary SQRT = new ElementwiseUnary("sqrt", Elementwise.Unary.SQRT,
            (x, y, u) -> u.div(y.mul(2.0))).domain(Domain.strict(0.1, 5));
    /** d|x| = sign(x), 0 at 0. */
    static final ElementwiseUnary ABS = new ElementwiseUnary("abs", Elementwise.Unary.ABS,
            (x, y, u) -> u.mul(ElementwiseUnary.constant(Elementwise.Unary.SIGN, x))).domain(Domain.free(-5, 5).withKinks(0.0));
    static final ElementwiseUnary EXP = new ElementwiseUnary("exp", Elementwise.Unary.EXP,
            (x, y, u) -> u.mul(y)).domain(Domain.strict(-4, 4));
    static final ElementwiseUnary LOG = new ElementwiseUnary("log", Elementwise.Unary.LOG,
            (x, y, u) -> u.div(x)).domain(Domain.strict(0.1, 5));
    /** d tanh = 1 − tanh². */
    static final ElementwiseUnary TANH = new ElementwiseUnary("tanh", Elementwise.Unary.TANH,
            (x, y, u) -> u.mul(y.square().neg().add(1.0))).domain(Domain.free(-3, 3))
            .fusedBackward(Elementwise.UnaryGrad.TANH_GRAD);
    /** dσ = σ(1 − σ). */
    static final ElementwiseUnary SIGMOID = new ElementwiseUnary("sigmoid", Elementwise.Unary.SIGMOID,
            (x, y, u) -> u.mul(y.mul(y.neg().add(1.0)))).domain(Domain.free(-6, 6))
            .fusedBackward(Elementwise.UnaryGrad.SIGMOID_GRAD);
    /** d relu = 1 for x &gt; 0, else 0 (0 at the kink, as PyTorch). */
    static final ElementwiseUnary RELU = new ElementwiseUnary("relu", Elementwise.Unary.RELU,
            (x, y, u) -> u.mul(ElementwiseUnary.constant(Elementwise.Unary.STEP, x))).domain(Domain.free(-5, 5).withKinks(0.0))
            .fusedBackward(Elementwise.UnaryGrad.RELU_GRAD);
    /** d softplus = σ(x). */
    static final ElementwiseUnary SOFTPLUS = new ElementwiseUnary("softplus", Elementwise.Unary.SOFTPLUS,
            (x, y, u) -> u.mul(x.sigmoid())).domain(Domain.free(-6, 6));

    /** {@code -x}. */
    public static Tensor neg(Tensor x) { return NEG.apply(x); }
    /** {@code x²}; gradient 2x. */
    public static Tensor square(Tensor x) { return SQUARE.apply(x); }
    /** {@code √x}; gradient 1/(2√x), +Infinity at 0. */
    public static Tensor sqrt(Tensor x) { return SQRT.apply(x); }
    /** {@code |x|}; gradient sign(x), 0 at 0. */
    public static Tensor abs(Tensor x) { return ABS.apply(x); }
    /** {@code eˣ}. */
    public static Tensor exp(Tensor x) { return EXP.apply(x); }
    /** Natural logarithm. */
    public static Tensor log(Tensor x) { return LOG.apply(x); }
    /** Hyperbolic tangent; gradient 1 − tanh². */
    public static Tensor tanh(Tensor x) { return TANH.apply(x); }
    /** Logistic function 1/(1+e⁻ˣ), without overflow in either tail; gradient σ(1−σ). */
    public static Tensor sigmoid(Tensor x) { return SIGMOID.apply(x); }
    /** {@code max(x, 0)}; gradient 1 for x &gt; 0, 0 for x ≤ 0 (0 at the kink, as PyTorch); NaN stays NaN. */
    public static Tensor relu(Tensor x) { return RELU.apply(x); }
    /** {@code log(1+eˣ)} computed as max(x,0) + log1p(e^−|x|); gradient σ(x). */
    public static Tensor softplus(Tensor x) { return SOFTPLUS.apply(x); }

    // ---------------------------------------------------------------- pow and clamp: a parameter each

    /** Domain of {@code pow(x, p)} in the tests: x &gt; 0 so that every real p is defined. */
    static final double POW_LO = 0.2, POW_HI = 3.0;

    /** {@code xᵖ}; its chain rule p·xᵖ⁻¹ is written with pow itself, so it differentiates again. */
    static final Op POW = new Op("pow") {
        @Override
        Tensor[] vjp(Node call, Tensor g) {
            return new Tensor[] {chain(call.input(0), call.attrs(), g)};
        }

        @Override
        Tensor jvp(Node call, Tensor[] t) {
            return chain(call.input(0), call.attrs(), t[0]);
        }

        private Tensor chain(Tensor x, Double p, Tensor u) {
            return p == 0.0 ? Tensor.zeros(x.shape) : p == 1.0 ? u : u.mul(x.pow(p - 1.0)).mul(p);
        }
    };

    /**
     * {@code xᵖ} for a constant exponent. Gradient p·xᵖ⁻¹; for p = 0 the gradient is 0 everywhere
     * (including x = 0); for 0 &lt; p &lt; 1 it is +Infinity at x = 0.
     */
    public static Tensor pow(Tensor x, double p) {
        if (Double.isNaN(p)) {
            throw new IllegalArgumentException("pow: exponent is NaN (input shape " + Shapes.str(x.shape) + ")");
        }
        double[] out = new double[x.data.length];
        Elementwise.pow(x.data, p, out);
        return POW.finish(p, new Tensor(out, x.shape), x);
    }

    /** Domain of clamp in the tests, with kinks at the bounds -1 and 1. */
    static final double CLAMP_LO = -1.0, CLAMP_HI = 1.0;

    private record Bounds(double lo, double hi) {}

    /** Clamp's chain rule: 1 on the closed interval [lo, hi], as PyTorch, 0 outside. */
    static final Op CLAMP = new Op("clamp") {
        @Override
        Tensor[] vjp(Node call, Tensor g) {
            return new Tensor[] {g.mul(mask(call.input(0), call.attrs()))};
        }

        @Override
        Tensor jvp(Node call, Tensor[] t) {
            return t[0].mul(mask(call.input(0), call.attrs()));
        }

        private Tensor mask(Tensor x, Bounds b) {
            double[] m = new double[x.data.length];
            Elementwise.insideMask(x.data, b.lo(), b.hi(), m);
            return new Tensor(m, x.shape);
        }
    };

    /**
     * {@code min(max(x, lo), hi)}. Gradient 1 on the closed interval [lo, hi] (including the bounds,
     * as PyTorch), 0 outside.
     */
    public static Tensor clamp(Tensor x, double lo, double hi) {
        if (!(lo <= hi)) {
            throw new IllegalArgumentException("clamp: lower bound " + lo + " is not at most the upper bound "
                    + hi + " (input shape " + Shapes.str(x.shape) + ")");
        }
        double[] out = new double[x.data.length];
        Elementwise.clamp(x.data, lo, hi, out);
        return CLAMP.finish(new Bounds(lo, hi), new Tensor(out, x.shape), x);
    }

    // ---------------------------------------------------------------- the family's tests and names

    static final OpRegistry.Family FAMILY = new OpRegistry.Family() {
        /** Every elementwise unary op of every family (one entry each, from its definition), then pow and clamp. */
        @Override
        public List<OpTest> tests() {
            List<OpTest> out = new ArrayList<>();
            for (Op op : OpRegistry.ops()) {
                if (op instanceof ElementwiseUnary u) {
                    out.add(OpTest.unary(u.name(), u.description(), u.domain(), u::apply));
                }
            }
            Domain powDomain = Domain.strict(POW_LO, POW_HI);
            for (double p : new double[] {3, 2, 1, 0.5, 0, -1, -1.5, 2.5}) {
                String ps = TensorFormat.num(p);
                out.add(OpTest.unary("pow(" + ps + ")", "x.pow(" + ps + ")", powDomain, x -> x.pow(p)));
            }
            out.add(OpTest.of("clamp", "x.clamp(" + CLAMP_LO + ", " + CLAMP_HI + ")",
                    new Domain[] {Domain.free(2 * CLAMP_LO, 2 * CLAMP_HI).withKinks(CLAMP_LO, CLAMP_HI)},
                    rng -> new int[][] {Gen.anyShape(rng)},
                    (s, rng) -> new OpTest.Bound("", in -> in[0].clamp(CLAMP_LO, CLAMP_HI))));
            return out;
        }

        @Override
        public List<OpRegistry.NamedFunction> functions() {
            List<OpRegistry.NamedFunction> out = new ArrayList<>();
            for (Op op : OpRegistry.ops()) {
                if (op instanceof ElementwiseUnary u) {
                    out.add(new OpRegistry.NamedFunction(u.name(), 1, u.description(), in -> u.apply(in[0])));
                }
            }
            return out;
        }
    };
}
