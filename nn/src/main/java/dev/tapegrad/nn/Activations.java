package dev.tapegrad.nn;

import dev.tapegrad.Tensor;
import java.util.Arrays;

/**
 * Activation functions on tensors, composed from autodiff-core ops so that their gradients (and
 * second derivatives) come from the core's rules. {@link Activation} wraps each as a module.
 *
 * <p>The conventions at the kinks are PyTorch's (and match REFERENCES R5): leakyRelu, prelu and elu
 * are split as relu(x) + γ·h(clamp(x, −∞, 0)); relu has slope 0 at 0 and the closed clamp slope
 * 1, so the kink at 0 takes the negative side's slope γ. hardSigmoid and hardTanh are written as
 * {@code clamp(x) ⊙ slope + offset} with constant slope and offset tensors read off the input, so
 * their derivative is the slope on the open linear region and 0 at both kinks and outside; the
 * value is exact and the second derivative 0.
 *
 * <pre>{@code
 * Tensor h = Activations.leakyRelu(x.matmul(w), 0.01);
 * Tensor p = Activations.softmax(logits, -1);
 * }</pre>
 */
public final class Activations {
    private Activations() {}

    /** Default slope of {@link #hardSigmoid(Tensor)}: 0.25, as the course notes (R5) define it. */
    public static final double HARD_SIGMOID_SLOPE = 0.25;
    /** PyTorch's {@code hardsigmoid} slope, x/6 + 1/2. */
    public static final double PYTORCH_HARD_SIGMOID_SLOPE = 1.0 / 6.0;
    /** Default γ of {@link #leakyRelu(Tensor)}. */
    public static final double LEAKY_RELU_SLOPE = 0.01;

    /** Logistic σ(x) = 1/(1+e⁻ˣ); σ' = σ(1 − σ). */
    public static Tensor sigmoid(Tensor x) {
        return x.sigmoid();
    }

    /** Hyperbolic tangent; derivative 1 − tanh². */
    public static Tensor tanh(Tensor x) {
        return x.tanh();
    }

    /** max(0, x); derivative 1 for x &gt; 0, 0 for x ≤ 0 (0 at 0, as PyTorch). */
    public static Tensor relu(Tensor x) {
        return x.relu();
    }

    /** log(1 + eˣ), stable in both tails; derivative σ(x). */
    public static Tensor softplus(Tensor x) {
        return x.softplus();
    }

    /** Hard logistic max(min(0.25x + 0.5, 1), 0); derivative 0.25 on (−2, 2), 0 elsewhere (0 at ±2). */
    public static Tensor hardSigmoid(Tensor x) {
        return hardSigmoid(x, HARD_SIGMOID_SLOPE);
    }

    /**
     * max(min(s·x + 0.5, 1), 0) for a slope s &gt; 0 ({@link #PYTORCH_HARD_SIGMOID_SLOPE} = 1/6 gives
     * PyTorch's hardsigmoid); derivative s on the open interval (−0.5/s, 0.5/s), 0 elsewhere,
     * including the two kinks (as PyTorch).
     */
    public static Tensor hardSigmoid(Tensor x, double slope) {
        if (!(slope > 0) || Double.isInfinite(slope)) {
            throw new IllegalArgumentException("hardSigmoid: slope " + slope + " must be positive and finite (input shape "
                    + Arrays.toString(x.shape()) + ")");
        }
        double[] v = x.toArray();
        double[] s = new double[v.length];
        double[] c = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            double u = slope * v[i] + 0.5;
            if (u >= 1) {
                c[i] = 1;
            } else if (u > 0 || Double.isNaN(u)) {
                s[i] = slope;
                c[i] = 0.5;
            }
        }
        double half = 0.5 / slope;
        return piecewiseLinear(x.clamp(-half, half), s, c);
    }

    /** max(min(x, 1), −1); derivative 1 on (−1, 1), 0 elsewhere (0 at ±1, as PyTorch). */
    public static Tensor hardTanh(Tensor x) {
        return hardTanh(x, -1, 1);
    }

    /** max(min(x, hi), lo); derivative 1 on the open interval (lo, hi), 0 elsewhere. */
    public static Tensor hardTanh(Tensor x, double lo, double hi) {
        if (!(lo < hi)) {
            throw new IllegalArgumentException("hardTanh: lo " + lo + " must be below hi " + hi);
        }
        double[] v = x.toArray();
        double[] s = new double[v.length];
        double[] c = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            if (v[i] >= hi) {
                c[i] = hi;
            } else if (v[i] <= lo) {
                c[i] = lo;
            } else {
                s[i] = 1;  // inside, or NaN (which then propagates)
            }
        }
        return piecewiseLinear(x.clamp(lo, hi), s, c);
    }

    /** {@link #leakyRelu(Tensor, double)} with γ = 0.01. */
    public static Tensor leakyRelu(Tensor x) {
        return leakyRelu(x, LEAKY_RELU_SLOPE);
    }

    /** x for x &gt; 0, γx otherwise; derivative 1 for x &gt; 0 and γ for x ≤ 0 (γ at 0, as PyTorch). */
    public static Tensor leakyRelu(Tensor x, double gamma) {
        if (!Double.isFinite(gamma)) {
            throw new IllegalArgumentException("leakyRelu: slope " + gamma + " must be finite");
        }
        return x.relu().add(negativePart(x).mul(gamma));
    }

    /**
     * Parametric ReLU: x for x &gt; 0, γx otherwise, with γ a tensor that broadcasts against x (one
     * value per unit: shape [units] for inputs [..., units]). Derivatives: 1 or γ in x (γ at 0);
     * x for x ≤ 0 and 0 for x &gt; 0 in γ (as PyTorch).
     */
    public static Tensor prelu(Tensor x, Tensor gamma) {
        return x.relu().add(negativePart(x).mul(gamma));
    }

    /** {@link #elu(Tensor, double)} with γ = 1. */
    public static Tensor elu(Tensor x) {
        return elu(x, 1.0);
    }

    /**
     * x for x &gt; 0, γ(eˣ − 1) otherwise; derivative 1 for x &gt; 0 and γeˣ for x ≤ 0 (γ at 0, as
     * PyTorch). The exponential only sees min(x, 0), so large inputs cannot overflow.
     */
    public static Tensor elu(Tensor x, double gamma) {
        if (!Double.isFinite(gamma)) {
            throw new IllegalArgumentException("elu: γ " + gamma + " must be finite");
        }
        return x.relu().add(negativePart(x).exp().sub(1.0).mul(gamma));
    }

    /** SiLU (swish) x·σ(x); derivative σ(x)(1 + x(1 − σ(x))). */
    public static Tensor silu(Tensor x) {
        return x.mul(x.sigmoid());
    }

    /**
     * Exact GELU (Hendrycks and Gimpel, 2016; PyTorch's default): x·Φ(x), with Φ the standard
     * normal distribution function (a registered primitive whose derivative φ is written with
     * Tensor ops). Derivative Φ(x) + x·φ(x); smooth, so second derivatives are exact too.
     */
    public static Tensor gelu(Tensor x) {
        return x.mul(normalCdf(x));
    }

    /** The standard normal distribution function Φ(x) = ½·erfc(−x/√2); derivative φ(x) = e^(−x²/2)/√(2π). */
    public static Tensor normalCdf(Tensor x) {
        return NormalCdf.FUNCTION.apply(x);
    }

    /**
     * GELU in the tanh approximation of Hendrycks and Gimpel (PyTorch's {@code approximate="tanh"}):
     * 0.5x(1 + tanh(√(2/π)(x + 0.044715x³))); within 1e−3 of the exact x·Φ(x) everywhere.
     */
    public static Tensor geluTanh(Tensor x) {
        double k = Math.sqrt(2.0 / Math.PI);
        Tensor inner = x.add(x.pow(3).mul(0.044715)).mul(k);
        return x.mul(inner.tanh().add(1.0)).mul(0.5);
    }

    /** Softmax along {@code axis}: e^xᵢ / Σⱼ e^xⱼ with the max shift; ∂yᵢ/∂xⱼ = yᵢ(δᵢⱼ − yⱼ). */
    public static Tensor softmax(Tensor x, int axis) {
        return x.softmax(axis);
    }

    /** Log-softmax along {@code axis}: x − logsumexp(x), stable. */
    public static Tensor logSoftmax(Tensor x, int axis) {
        return x.logSoftmax(axis);
    }

    /**
     * min(x, 0) as clamp(x, −∞, 0), whose derivative is 1 on the closed half-line x ≤ 0; with
     * relu (derivative 0 at 0) it splits x so that the kink at 0 takes the negative side's slope.
     */
    private static Tensor negativePart(Tensor x) {
        return x.clamp(Double.NEGATIVE_INFINITY, 0.0);
    }

    /**
     * c ⊙ slope + offset, where c is the input clamped to the linear region (so that infinite
     * inputs give the finite plateau, not ∞·0) and slope/offset are constants of its shape.
     */
    private static Tensor piecewiseLinear(Tensor clamped, double[] slope, double[] offset) {
        int[] shape = clamped.shape();
        return clamped.mul(Tensor.of(slope, shape)).add(Tensor.of(offset, shape));
    }
}
