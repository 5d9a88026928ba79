package dev.tapegrad.kernels;

/**
 * Dense linear algebra on row-major {@code double[]} stacks of square matrices: LU factorisation
 * with partial pivoting (Doolittle, row interchanges), and from it solves, inverses and
 * determinants. Each matrix {@code b} of a stack of {@code batch} {@code n×n} matrices starts at
 * {@code b·n·n}.
 *
 * <p>A matrix is treated as singular when a pivot is at most {@code n · ε · max|a_ij|} in
 * magnitude (ε the double epsilon): such a matrix is singular within rounding of its own entries,
 * and its inverse would be dominated by rounding error. The factorisation then returns 0 as its
 * sign and leaves the caller to report the error.
 */
public final class Linalg {
    private Linalg() {}

    private static final double EPS = Math.ulp(1.0);

    /**
     * Factors the {@code n×n} matrix at {@code a[off...]} in place into {@code P·A = L·U} (unit lower
     * L below the diagonal, U on and above it), recording the row taken at step k in {@code piv[k]}.
     *
     * @return the sign of the permutation (+1 or −1), or 0 if the matrix is (numerically) singular
     */
    public static int lu(double[] a, int off, int n, int[] piv) {
        double scale = 0;
        for (int i = 0; i < n * n; i++) {
            scale = Math.max(scale, Math.abs(a[off + i]));
        }
        double tol = n * EPS * scale;
        if (n > 0 && !(scale > 0)) {
            return 0;  // zero matrix (or NaN entries)
        }
        int sign = 1;
        for (int k = 0; k < n; k++) {
            int p = k;
            double best = Math.abs(a[off + k * n + k]);
            for (int i = k + 1; i < n; i++) {
                double v = Math.abs(a[off + i * n + k]);
                if (v > best) {
                    best = v;
                    p = i;
                }
            }
            piv[k] = p;
            if (!(best > tol)) {
                return 0;
            }
            if (p != k) {
                sign = -sign;
                for (int j = 0; j < n; j++) {
                    double t = a[off + k * n + j];
                    a[off + k * n + j] = a[off + p * n + j];
                    a[off + p * n + j] = t;
                }
            }
            double pivot = a[off + k * n + k];
            for (int i = k + 1; i < n; i++) {
                double l = a[off + i * n + k] / pivot;
                a[off + i * n + k] = l;
                if (l != 0) {
                    for (int j = k + 1; j < n; j++) {
                        a[off + i * n + j] -= l * a[off + k * n + j];
                    }
                }
            }
        }
        return sign;
    }

    /**
     * Solves {@code A·X = B} for the {@code n×k} right-hand sides at {@code b[boff...]} in place,
     * given the factors of {@link #lu} at {@code lu[off...]}.
     */
    public static void luSolve(double[] lu, int off, int n, int[] piv, double[] b, int boff, int k) {
        for (int i = 0; i < n; i++) {  // apply the row interchanges in order
            int p = piv[i];
            if (p != i) {
                for (int j = 0; j < k; j++) {
                    double t = b[boff + i * k + j];
                    b[boff + i * k + j] = b[boff + p * k + j];
                    b[boff + p * k + j] = t;
                }
            }
        }
        for (int i = 0; i < n; i++) {  // L·Y = P·B, L unit lower
            for (int m = 0; m < i; m++) {
                double l = lu[off + i * n + m];
                if (l != 0) {
                    for (int j = 0; j < k; j++) {
                        b[boff + i * k + j] -= l * b[boff + m * k + j];
                    }
                }
            }
        }
        for (int i = n - 1; i >= 0; i--) {  // U·X = Y
            for (int m = i + 1; m < n; m++) {
                double u = lu[off + i * n + m];
                if (u != 0) {
                    for (int j = 0; j < k; j++) {
                        b[boff + i * k + j] -= u * b[boff + m * k + j];
                    }
                }
            }
            double d = lu[off + i * n + i];
            for (int j = 0; j < k; j++) {
                b[boff + i * k + j] /= d;
            }
        }
    }

    /**
     * Factors every matrix of a stack: a copy of {@code a} holding the factors, the pivots in
     * {@code piv} ({@code batch·n}) and the permutation signs in {@code signs}.
     *
     * @return the index of the first singular matrix, or −1 if none is
     */
    public static int luBatch(double[] a, int batch, int n, double[] factors, int[] piv, int[] signs) {
        System.arraycopy(a, 0, factors, 0, batch * n * n);
        int[] p = new int[n];
        for (int b = 0; b < batch; b++) {
            signs[b] = lu(factors, b * n * n, n, p);
            if (signs[b] == 0) {
                return b;
            }
            System.arraycopy(p, 0, piv, b * n, n);
        }
        return -1;
    }

    /** {@code X = A⁻¹·B} for each matrix of a factored stack; {@code B} is {@code batch × n × k}. */
    public static double[] solve(double[] factors, int[] piv, int batch, int n, double[] rhs, int k) {
        double[] x = rhs.clone();
        int[] p = new int[n];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(piv, b * n, p, 0, n);
            luSolve(factors, b * n * n, n, p, x, b * n * k, k);
        }
        return x;
    }

    /** The inverse of each matrix of a factored stack. */
    public static double[] inverse(double[] factors, int[] piv, int batch, int n) {
        double[] eye = new double[batch * n * n];
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < n; i++) {
                eye[b * n * n + i * n + i] = 1;
            }
        }
        return solve(factors, piv, batch, n, eye, n);
    }

    /**
     * {@code out[b] = sign_b · Π u_ii} (the determinant) or, with {@code log}, {@code Σ log|u_ii|}
     * (its log-magnitude; the sign is then {@code signs[b] · Π sign(u_ii)}, written to {@code sign}).
     */
    public static void determinants(double[] factors, int[] signs, int batch, int n, boolean log,
                                    double[] out, double[] sign) {
        for (int b = 0; b < batch; b++) {
            double acc = log ? 0 : signs[b];
            double s = signs[b];
            for (int i = 0; i < n; i++) {
                double u = factors[b * n * n + i * n + i];
                if (log) {
                    acc += Math.log(Math.abs(u));
                    s *= Math.signum(u);
                } else {
                    acc *= u;
                }
            }
            out[b] = acc;
            if (sign != null) {
                sign[b] = s;
            }
        }
    }
}
