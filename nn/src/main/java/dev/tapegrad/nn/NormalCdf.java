package dev.tapegrad.nn;

import dev.tapegrad.DifferentiableFunction;
import dev.tapegrad.Tensor;

/**
 * The standard normal cumulative distribution Φ(x) = ½·erfc(−x/√2), registered as one
 * differentiable primitive (Java has no erf): the forward kernel on plain doubles, the backward
 * Φ'(x) = φ(x) = e^(−x²/2)/√(2π) written with Tensor ops so that it differentiates again, and the
 * test metadata (domain [−8, 8], smooth everywhere) below. Exact GELU is x·Φ(x).
 */
final class NormalCdf {
    private NormalCdf() {}

    /** Inputs drawn from [LO, HI] in the tests; Φ is smooth everywhere (no kinks). */
    static final double LO = -8, HI = 8;

    private static final double INV_SQRT_2PI = 1.0 / Math.sqrt(2 * Math.PI);

    static final DifferentiableFunction FUNCTION = DifferentiableFunction.of("normalCdf",
        in -> {
            double[] x = in[0].toArray();
            double[] y = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                y[i] = cdf(x[i]);
            }
            return Tensor.of(y, in[0].shape());
        },
        (ctx, g) -> {
            Tensor x = ctx.input(0);
            return new Tensor[] {g.mul(x.square().mul(-0.5).exp().mul(INV_SQRT_2PI))};
        });

    /** Φ(x) for one double, accurate to a few ulps in the upper tail and ~1e-15 relative in the lower. */
    static double cdf(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        return 0.5 * erfc(-x / Math.sqrt(2));
    }

    /**
     * erfc(z): for |z| &lt; 2 as 1 − erf(z) with the everywhere-positive series
     * erf(z) = (2/√π)e^(−z²) Σ 2ⁿz^(2n+1)/(1·3···(2n+1)) (no cancellation); for z ≥ 2 by the
     * continued fraction erfc(z) = (e^(−z²)/√π)·1/(z + ½/(z + 1/(z + (3/2)/(z + ...)))) evaluated
     * with the modified Lentz method (no loss in the far tail); for z ≤ −2 as 2 − erfc(−z).
     */
    static double erfc(double z) {
        if (z <= -2) {
            return 2 - erfc(-z);
        }
        if (z < 2) {
            double term = z, sum = z, z2 = z * z;
            for (int n = 1; n < 200 && Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
                term *= 2 * z2 / (2 * n + 1);
                sum += term;
            }
            return 1 - 2 / Math.sqrt(Math.PI) * Math.exp(-z2) * sum;
        }
        if (z > 27) {
            return 0;  // below the smallest double
        }
        // Lentz: f = b0 + a1/(b1 + a2/(b2 + ...)) with b = z and a_k = k/2.
        double tiny = 1e-300;
        double f = z, c = z, d = 0;
        for (int k = 1; k < 500; k++) {
            double a = k / 2.0;
            d = z + a * d;
            d = Math.abs(d) < tiny ? tiny : d;
            c = z + a / c;
            c = Math.abs(c) < tiny ? tiny : c;
            d = 1 / d;
            double delta = c * d;
            f *= delta;
            if (Math.abs(delta - 1) < 1e-16) {
                break;
            }
        }
        return Math.exp(-z * z) / Math.sqrt(Math.PI) / f;
    }
}
