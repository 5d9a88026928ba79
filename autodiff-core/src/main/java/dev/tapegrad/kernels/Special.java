package dev.tapegrad.kernels;

/**
 * Scalar kernels of the math ops that Java's {@link Math} lacks: erf and erfc (W. J. Cody's rational
 * Chebyshev approximations, Math. Comp. 23 (1969) 631–637, as in his SPECFUN routine CALERF;
 * ~1e-16 relative), every derivative of the normalised sinc, numpy's remainder, and the scans and
 * masked select of the reductions. They know nothing of tapes.
 */
public final class Special {
    private Special() {}

    // ------------------------------------------------------------------ erf and erfc (Cody)

    private static final double[] A = {3.16112374387056560e00, 1.13864154151050156e02, 3.77485237685302021e02,
        3.20937758913846947e03, 1.85777706184603153e-1};
    private static final double[] B = {2.36012909523441209e01, 2.44024637934444173e02, 1.28261652607737228e03,
        2.84423683343917062e03};
    private static final double[] C = {5.64188496988670089e-1, 8.88314979438837594e00, 6.61191906371416295e01,
        2.98635138197400131e02, 8.81952221241769090e02, 1.71204761263407058e03, 2.05107837782607147e03,
        1.23033935479799725e03, 2.15311535474403846e-8};
    private static final double[] D = {1.57449261107098347e01, 1.17693950891312499e02, 5.37181101862009858e02,
        1.62138957456669019e03, 3.29079923573345963e03, 4.36261909014324716e03, 3.43936767414372164e03,
        1.23033935480374942e03};
    private static final double[] P = {3.05326634961232344e-1, 3.60344899949804439e-1, 1.25781726111229246e-1,
        1.60837851487422766e-2, 6.58749161529837803e-4, 1.63153871373020978e-2};
    private static final double[] Q = {2.56852019228982242e00, 1.87295284992346047e00, 5.27905102951428412e-1,
        6.05183413124413191e-2, 2.33520497626869185e-3};
    private static final double THRESH = 0.46875, XBIG = 26.543, INV_SQRT_PI = 0.5641895835477562869480794515607726;

    /** erf on |x| ≤ 0.46875: x·R(x²). */
    private static double erfSmall(double x) {
        double y = Math.abs(x);
        double z = y > 1.11e-16 ? y * y : 0.0;
        double num = A[4] * z, den = z;
        for (int i = 0; i < 3; i++) {
            num = (num + A[i]) * z;
            den = (den + B[i]) * z;
        }
        return x * (num + A[3]) / (den + B[3]);
    }

    /** erfc(y) for y &gt; 0.46875, without cancellation: exp(−y²) (split for accuracy) times a rational function. */
    private static double erfcLarge(double y) {
        if (y >= XBIG) {
            return 0.0;
        }
        double r;
        if (y <= 4.0) {
            double num = C[8] * y, den = y;
            for (int i = 0; i < 7; i++) {
                num = (num + C[i]) * y;
                den = (den + D[i]) * y;
            }
            r = (num + C[7]) / (den + D[7]);
        } else {
            double z = 1.0 / (y * y);
            double num = P[5] * z, den = z;
            for (int i = 0; i < 4; i++) {
                num = (num + P[i]) * z;
                den = (den + Q[i]) * z;
            }
            r = (INV_SQRT_PI - z * (num + P[4]) / (den + Q[4])) / y;
        }
        // exp(−y²) as exp(−t²)·exp(−(y−t)(y+t)) with t = y rounded down to 1/16: y² itself would lose bits
        double t = Math.floor(y * 16.0) / 16.0;
        double del = (y - t) * (y + t);
        return Math.exp(-t * t) * Math.exp(-del) * r;
    }

    /** The error function erf(x) = 2/√π ∫₀ˣ e^(−t²) dt; odd, ±1 at ±∞, NaN for NaN. */
    public static double erf(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        double y = Math.abs(x);
        if (y <= THRESH) {
            return erfSmall(x);
        }
        double v = (0.5 - erfcLarge(y)) + 0.5;
        return x < 0 ? -v : v;
    }

    /** The complementary error function 1 − erf(x), accurate in the right tail (no cancellation). */
    public static double erfc(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        double y = Math.abs(x);
        if (y <= THRESH) {
            return 1.0 - erfSmall(x);
        }
        double r = erfcLarge(y);
        return x < 0 ? 2.0 - r : r;
    }

    // ------------------------------------------------------------------ sinc and its derivatives

    /**
     * The n-th derivative of numpy's sinc(x) = sin(πx)/(πx) (value 1 at 0), stable near 0. With
     * z = πx and g(z) = sin z / z = ∫₀¹ cos(zt) dt: g⁽ⁿ⁾(z) = ∫₀¹ tⁿ cos(zt + nπ/2) dt, summed as a
     * power series for |z| &lt; max(1, n) and by the upward recurrence
     * I_n = (sin(z + nπ/2) − n·I_{n−1})/z (which does not amplify errors when |z| ≥ n) otherwise.
     */
    public static double sincDerivative(int n, double x) {
        if (!Double.isFinite(x)) {
            return Double.isNaN(x) ? x : 0.0;
        }
        double z = Math.PI * x;
        double g;
        if (Math.abs(z) < Math.max(1.0, n)) {
            g = sincSeries(n, z);
        } else {
            double s = Math.sin(z), c = Math.cos(z);
            g = s / z;
            for (int k = 1; k <= n; k++) {
                double shifted = switch (k & 3) {
                    case 0 -> s;
                    case 1 -> c;
                    case 2 -> -s;
                    default -> -c;
                };
                g = (shifted - k * g) / z;
            }
        }
        return n == 0 ? g : Math.pow(Math.PI, n) * g;
    }

    /** Σ_k (−1)ᵏ z^(2k−n) / ((2k−n)!·(2k+1)) over 2k ≥ n: the n-th derivative of sin z / z term by term. */
    private static double sincSeries(int n, double z) {
        int k = (n + 1) / 2;
        int m = 2 * k - n;
        double p = m == 0 ? 1.0 : z;  // z^m / m!
        double sum = 0;
        for (int terms = 0; terms < 200; terms++) {
            double term = ((k & 1) == 0 ? p : -p) / (2 * k + 1);
            sum += term;
            if (m > Math.abs(z) && Math.abs(term) <= 1e-17 * Math.abs(sum)) {
                break;
            }
            p *= z * z / ((m + 1.0) * (m + 2.0));
            m += 2;
            k++;
        }
        return sum;
    }

    // ------------------------------------------------------------------ remainders

    /** numpy's remainder: a − floor(a/b)·b computed as C's fmod, then moved to the divisor's sign. */
    public static double mod(double a, double b) {
        double r = a % b;
        if (r != 0) {
            if ((b < 0) != (r < 0)) {
                r += b;
            }
        } else {
            r = Math.copySign(0.0, b);
        }
        return r;
    }

    // ------------------------------------------------------------------ scans along an axis

    /** Cumulative sums of each {@code [outer, n, inner]} slice, from the start or (reverse) from the end. */
    public static void cumsum(double[] x, int outer, int n, int inner, boolean reverse, double[] out) {
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                double s = 0;
                for (int j = 0; j < n; j++) {
                    int k = reverse ? n - 1 - j : j;
                    int at = (o * n + k) * inner + i;
                    s += x[at];
                    out[at] = s;
                }
            }
        }
    }

    /** Cumulative products of each {@code [outer, n, inner]} slice. */
    public static void cumprod(double[] x, int outer, int n, int inner, double[] out) {
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                double p = 1;
                for (int k = 0; k < n; k++) {
                    int at = (o * n + k) * inner + i;
                    p *= x[at];
                    out[at] = p;
                }
            }
        }
    }

    /**
     * The gradient of cumprod without division, exact with zeros: for y_j = Π_{k≤j} x_k,
     * ∂/∂x_i = P_{i−1}·S_i with P the exclusive prefix product and S_i = g_i + x_{i+1}·S_{i+1}.
     */
    public static void cumprodGrad(double[] x, double[] g, int outer, int n, int inner, double[] out) {
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                double s = 0;
                for (int k = n - 1; k >= 0; k--) {
                    int at = (o * n + k) * inner + i;
                    s = k == n - 1 ? g[at] : g[at] + x[at + inner] * s;
                    out[at] = s;
                }
                double p = 1;
                for (int k = 0; k < n; k++) {
                    int at = (o * n + k) * inner + i;
                    out[at] *= p;
                    p *= x[at];
                }
            }
        }
    }

    // ------------------------------------------------------------------ select and arg-reductions

    /**
     * {@code out = mask ? a : b} with broadcasting: each input's strides over the output shape (0 on
     * broadcast axes). A mask value is true when it is not 0 (NaN is true, as numpy's truthiness).
     */
    public static void select(double[] m, int[] ms, double[] a, int[] as, double[] b, int[] bs, int[] shape, double[] out) {
        int n = out.length, rank = shape.length;
        int[] idx = new int[rank];
        int mo = 0, ao = 0, bo = 0;
        for (int i = 0; i < n; i++) {
            out[i] = m[mo] != 0 ? a[ao] : b[bo];
            for (int ax = rank - 1; ax >= 0; ax--) {
                idx[ax]++;
                mo += ms[ax];
                ao += as[ax];
                bo += bs[ax];
                if (idx[ax] < shape[ax]) {
                    break;
                }
                mo -= ms[ax] * shape[ax];
                ao -= as[ax] * shape[ax];
                bo -= bs[ax] * shape[ax];
                idx[ax] = 0;
            }
        }
    }

    /**
     * Index of the first maximum (or minimum) of each {@code [outer, n, inner]} slice, as numpy:
     * the first NaN wins if there is one.
     */
    public static void argmax(double[] x, int outer, int n, int inner, boolean min, double[] out) {
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int best = 0;
                double bv = x[o * n * inner + i];
                for (int k = 1; k < n && !Double.isNaN(bv); k++) {
                    double v = x[(o * n + k) * inner + i];
                    if (Double.isNaN(v) || (min ? v < bv : v > bv)) {
                        best = k;
                        bv = v;
                    }
                }
                out[o * inner + i] = best;
            }
        }
    }
}
