package dev.tapegrad.kernels;

/**
 * Reductions along one axis of a row-major array viewed as {@code [outer, n, inner]}. Sums run in
 * index order, so results do not depend on how work is split.
 */
public final class Reductions {
    private Reductions() {}

    /** Sum of all elements in index order. */
    public static double sumAll(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v;
        }
        return s;
    }

    /** {@code out[o, i] = sum_k x[o, k, i]}. */
    public static void sum(double[] x, int outer, int n, int inner, double[] out) {
        if (inner == 1) {
            for (int o = 0; o < outer; o++) {
                double s = 0;
                int base = o * n;
                for (int k = 0; k < n; k++) {
                    s += x[base + k];
                }
                out[o] = s;
            }
            return;
        }
        java.util.Arrays.fill(out, 0.0);
        for (int o = 0; o < outer; o++) {
            int ob = o * inner;
            for (int k = 0; k < n; k++) {
                int xb = (o * n + k) * inner;
                for (int i = 0; i < inner; i++) {
                    out[ob + i] += x[xb + i];
                }
            }
        }
    }

    /** {@code out[o, i] = max_k x[o, k, i]}; NaN if any element is NaN; -Infinity for n = 0. */
    public static void max(double[] x, int outer, int n, int inner, double[] out) {
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                double m = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < n; k++) {
                    double v = x[(o * n + k) * inner + i];
                    if (v > m || Double.isNaN(v)) {
                        m = v;
                        if (Double.isNaN(v)) {
                            break;
                        }
                    }
                }
                out[o * inner + i] = m;
            }
        }
    }

    /**
     * Mask of the maxima with ties split: {@code 1/k} at each of the k positions equal to the maximum
     * along the axis, 0 elsewhere.
     */
    public static void argmaxMask(double[] x, double[] max, int outer, int n, int inner, double[] out) {
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                double m = max[o * inner + i];
                int count = 0;
                for (int k = 0; k < n; k++) {
                    if (x[(o * n + k) * inner + i] == m) {
                        count++;
                    }
                }
                double w = count == 0 ? 0.0 : 1.0 / count;
                for (int k = 0; k < n; k++) {
                    int j = (o * n + k) * inner + i;
                    out[j] = x[j] == m ? w : 0.0;
                }
            }
        }
    }

    /**
     * log(sum(exp(x))) along the axis with the max shift. A slice that is all -Infinity gives
     * -Infinity; one that contains +Infinity gives +Infinity.
     */
    public static void logSumExp(double[] x, int outer, int n, int inner, double[] out) {
        double[] m = new double[outer * inner];
        max(x, outer, n, inner, m);
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                double mx = m[o * inner + i];
                if (Double.isInfinite(mx)) {
                    out[o * inner + i] = mx;
                    continue;
                }
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += Math.exp(x[(o * n + k) * inner + i] - mx);
                }
                out[o * inner + i] = mx + Math.log(s);
            }
        }
    }

    /**
     * Softmax along the axis with the max shift. A slice that is all -Infinity gives zeros (it has no
     * mass), which makes the gradient of logsumexp there 0, as DESIGN's convention asks.
     */
    public static void softmax(double[] x, int outer, int n, int inner, double[] out) {
        double[] m = new double[outer * inner];
        max(x, outer, n, inner, m);
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                double mx = m[o * inner + i];
                if (mx == Double.NEGATIVE_INFINITY) {
                    for (int k = 0; k < n; k++) {
                        out[(o * n + k) * inner + i] = 0.0;
                    }
                    continue;
                }
                double s = 0;
                for (int k = 0; k < n; k++) {
                    int j = (o * n + k) * inner + i;
                    double e = Math.exp(x[j] - mx);
                    out[j] = e;
                    s += e;
                }
                double inv = 1.0 / s;
                for (int k = 0; k < n; k++) {
                    out[(o * n + k) * inner + i] *= inv;
                }
            }
        }
    }
}
