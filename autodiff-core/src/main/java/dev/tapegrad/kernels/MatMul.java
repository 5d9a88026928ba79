package dev.tapegrad.kernels;

/**
 * Dense matrix products on row-major {@code double[]} panels: {@code C = op(A) · op(B)} where
 * op is the identity or the transpose, so the backward pass needs no materialised transpose.
 */
public final class MatMul {
    private MatMul() {}

    /**
     * {@code c[cOff..] = op(a) · op(b)} with op(a) of shape [m, k] and op(b) of shape [k, n].
     * With {@code transA}, a is stored as [k, m]; with {@code transB}, b is stored as [n, k].
     * C is overwritten.
     */
    public static void gemm(double[] a, int aOff, boolean transA, double[] b, int bOff, boolean transB,
                            double[] c, int cOff, int m, int k, int n) {
        java.util.Arrays.fill(c, cOff, cOff + m * n, 0.0);
        if (!transB) {
            for (int i = 0; i < m; i++) {
                int ci = cOff + i * n;
                for (int p = 0; p < k; p++) {
                    double av = transA ? a[aOff + p * m + i] : a[aOff + i * k + p];
                    int bp = bOff + p * n;
                    for (int j = 0; j < n; j++) {
                        c[ci + j] += av * b[bp + j];
                    }
                }
            }
        } else {
            for (int i = 0; i < m; i++) {
                int ci = cOff + i * n;
                for (int j = 0; j < n; j++) {
                    int bj = bOff + j * k;
                    double s = 0;
                    if (transA) {
                        for (int p = 0; p < k; p++) {
                            s += a[aOff + p * m + i] * b[bj + p];
                        }
                    } else {
                        int ai = aOff + i * k;
                        for (int p = 0; p < k; p++) {
                            s += a[ai + p] * b[bj + p];
                        }
                    }
                    c[ci + j] = s;
                }
            }
        }
    }
}
