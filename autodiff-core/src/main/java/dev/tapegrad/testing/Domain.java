package dev.tapegrad.testing;

import java.util.random.RandomGenerator;

/**
 * Where an input's values are drawn from in an op's tests: uniform on [lo, hi], at least
 * {@code kinkMargin} away from each kink. A {@code strict} domain is one outside which the op is
 * undefined or ill-behaved (log, sqrt, pow, a denominator, exp's overflow): the expression-tree
 * generator maps values into it, above the last kink.
 *
 * @param lo         lower end
 * @param hi         upper end
 * @param kinks      points where the op is not differentiable (or singular)
 * @param kinkMargin distance kept from the kinks when sampling
 * @param strict     whether values must stay inside [lo, hi]
 */
public record Domain(double lo, double hi, double[] kinks, double kinkMargin, boolean strict) {
    /** A domain without kinks where any real value is acceptable. */
    public static Domain free(double lo, double hi) {
        return new Domain(lo, hi, new double[0], 0, false);
    }

    /** A domain without kinks that values must not leave. */
    public static Domain strict(double lo, double hi) {
        return new Domain(lo, hi, new double[0], 0, true);
    }

    /** This domain with kinks at {@code points}, sampled {@link OpCatalog#SMOOTH_MARGIN} away from them. */
    public Domain withKinks(double... points) {
        return new Domain(lo, hi, points.clone(), OpCatalog.SMOOTH_MARGIN, strict);
    }

    /** Distance from {@code v} to the nearest kink (+Infinity without kinks). */
    public double distanceToKinks(double v) {
        double d = Double.POSITIVE_INFINITY;
        for (double k : kinks) {
            d = Math.min(d, Math.abs(v - k));
        }
        return d;
    }

    /** A uniform sample from [lo, hi] at least {@code kinkMargin} away from every kink. */
    public double sample(RandomGenerator rng) {
        for (int attempt = 0; attempt < 10_000; attempt++) {
            double v = lo + (hi - lo) * rng.nextDouble();
            if (distanceToKinks(v) >= kinkMargin) {
                return v;
            }
        }
        throw new IllegalStateException("domain [" + lo + ", " + hi + "] has no room away from its kinks");
    }

    /** The part of the domain above its last kink, where a tree generator maps strict inputs. */
    public double smoothLo() {
        double l = lo;
        for (double k : kinks) {
            l = Math.max(l, k + kinkMargin);
        }
        return l;
    }
}
