package dev.tapegrad.kernels;

/**
 * Elementwise kernels on plain {@code double[]}: one tight loop per function, so that the JIT
 * compiles each loop for one operation. The autodiff layer calls these; they know nothing of tapes.
 */
public final class Elementwise {
    private Elementwise() {}

    /** The binary operations with a tight loop of their own, for {@link #binary}. */
    public enum Binary { ADD, SUB, MUL, DIV, MAX, MIN }

    /** The unary functions with a tight loop of their own, for {@link #unary}. */
    public enum Unary { NEG, SQUARE, SQRT, ABS, EXP, LOG, TANH, SIGMOID, RELU, SOFTPLUS, SIGN, STEP, RECIPROCAL }

    /** The fused backward rules of {@link #unaryGrad}. */
    public enum UnaryGrad { TANH_GRAD, SIGMOID_GRAD, RELU_GRAD }

    /** {@code out[i] = f(x[i])} for the unary function with the given code. */
    public static void unary(Unary code, double[] x, double[] out) {
        int n = x.length;
        switch (code) {
            case NEG -> { for (int i = 0; i < n; i++) out[i] = -x[i]; }
            case SQUARE -> { for (int i = 0; i < n; i++) out[i] = x[i] * x[i]; }
            case SQRT -> { for (int i = 0; i < n; i++) out[i] = Math.sqrt(x[i]); }
            case ABS -> { for (int i = 0; i < n; i++) out[i] = Math.abs(x[i]); }
            case EXP -> { for (int i = 0; i < n; i++) out[i] = Math.exp(x[i]); }
            case LOG -> { for (int i = 0; i < n; i++) out[i] = Math.log(x[i]); }
            case TANH -> { for (int i = 0; i < n; i++) out[i] = Math.tanh(x[i]); }
            case SIGMOID -> { for (int i = 0; i < n; i++) out[i] = sigmoid(x[i]); }
            case RELU -> { for (int i = 0; i < n; i++) out[i] = x[i] > 0 || x[i] != x[i] ? x[i] : 0.0; }  // NaN stays NaN, as numpy and PyTorch
            case SOFTPLUS -> { for (int i = 0; i < n; i++) out[i] = softplus(x[i]); }
            case SIGN -> { for (int i = 0; i < n; i++) out[i] = x[i] > 0 ? 1.0 : x[i] < 0 ? -1.0 : 0.0; }
            case STEP -> { for (int i = 0; i < n; i++) out[i] = x[i] > 0 ? 1.0 : 0.0; }
            case RECIPROCAL -> { for (int i = 0; i < n; i++) out[i] = 1.0 / x[i]; }
        }
    }

    /**
     * Fused backward rules: {@code TANH_GRAD} gives {@code g·(−y² + 1)}, {@code SIGMOID_GRAD} gives
     * {@code g·(y·(−y + 1))}, {@code RELU_GRAD} gives {@code g·step(y)} (y &gt; 0 exactly where x &gt; 0), written in the order of the composed Tensor ops so that the results
     * are bit-identical to them.
     */
    public static void unaryGrad(UnaryGrad code, double[] y, double[] g, double[] out) {
        int n = out.length;
        switch (code) {
            case TANH_GRAD -> { for (int i = 0; i < n; i++) out[i] = g[i] * (-(y[i] * y[i]) + 1.0); }
            case RELU_GRAD -> { for (int i = 0; i < n; i++) out[i] = g[i] * (y[i] > 0 ? 1.0 : 0.0); }
            case SIGMOID_GRAD -> { for (int i = 0; i < n; i++) out[i] = g[i] * (y[i] * (-y[i] + 1.0)); }
        }
    }

    /** The two gradients of a product in one pass: {@code ga[i] = g[i]·b[i]}, {@code gb[i] = g[i]·a[i]}. */
    public static void mulGrads(double[] g, double[] a, double[] b, double[] ga, double[] gb) {
        for (int i = 0; i < g.length; i++) {
            double gi = g[i];
            ga[i] = gi * b[i];
            gb[i] = gi * a[i];
        }
    }

    /** Logistic function without overflow in either tail. */
    public static double sigmoid(double x) {
        if (x >= 0) {
            return 1.0 / (1.0 + Math.exp(-x));
        }
        double e = Math.exp(x);
        return e / (1.0 + e);
    }

    /** log(1 + e^x) as max(x, 0) + log1p(e^-|x|): no overflow for large x, full precision for very negative x. */
    public static double softplus(double x) {
        return Math.max(x, 0.0) + Math.log1p(Math.exp(-Math.abs(x)));
    }

    /** {@code out[i] = x[i]^p}, with the convention x^0 = 1 (also for x = 0). */
    public static void pow(double[] x, double p, double[] out) {
        int n = x.length;
        if (p == 2.0) {
            for (int i = 0; i < n; i++) out[i] = x[i] * x[i];
        } else if (p == 1.0) {
            System.arraycopy(x, 0, out, 0, n);
        } else {
            for (int i = 0; i < n; i++) out[i] = Math.pow(x[i], p);
        }
    }

    /** {@code out[i] = min(max(x[i], lo), hi)}. */
    public static void clamp(double[] x, double lo, double hi, double[] out) {
        for (int i = 0; i < x.length; i++) {
            double v = x[i];
            out[i] = v < lo ? lo : v > hi ? hi : v;
        }
    }

    /** 1 where lo &lt;= x &lt;= hi (closed interval, as PyTorch's clamp gradient), else 0. NaN gives 0. */
    public static void insideMask(double[] x, double lo, double hi, double[] out) {
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] >= lo && x[i] <= hi ? 1.0 : 0.0;
        }
    }

    /**
     * Broadcasting binary operation. {@code aStrides} and {@code bStrides} are the inputs' strides
     * over the output shape, 0 on broadcast axes. The loop runs over rows of the last axis and picks
     * one of four tight inner loops (both contiguous, one side repeated, or both repeated).
     */
    public static void binary(Binary code, double[] a, int[] aStrides, double[] b, int[] bStrides,
                              int[] outShape, double[] out) {
        int n = out.length;
        if (n == 0) {
            return;
        }
        int rank = outShape.length;
        if (rank == 0) {
            out[0] = apply(code, a[0], b[0]);
            return;
        }
        if (a.length == n && b.length == n) {
            rowLoop(code, a, 0, 1, b, 0, 1, out, 0, n);
            return;
        }
        int last = outShape[rank - 1];
        int sa = aStrides[rank - 1], sb = bStrides[rank - 1];
        int rows = n / Math.max(last, 1);
        int[] idx = new int[rank];
        int ao = 0, bo = 0;
        for (int r = 0; r < rows; r++) {
            rowLoop(code, a, ao, sa, b, bo, sb, out, r * last, last);
            // advance the multi-index over all axes but the last
            for (int ax = rank - 2; ax >= 0; ax--) {
                idx[ax]++;
                ao += aStrides[ax];
                bo += bStrides[ax];
                if (idx[ax] < outShape[ax]) {
                    break;
                }
                ao -= aStrides[ax] * outShape[ax];
                bo -= bStrides[ax] * outShape[ax];
                idx[ax] = 0;
            }
        }
    }

    /**
     * {@code out[i] = a[i] op b[0]} (bScalar) or {@code out[i] = a[0] op b[i]}: the broadcast of a
     * one-element operand, without stride arrays.
     */
    public static void binaryWithScalar(Binary code, double[] a, double[] b, boolean bScalar, double[] out) {
        int n = out.length;
        if (bScalar) {
            rowLoop(code, a, 0, 1, b, 0, 0, out, 0, n);
        } else {
            rowLoop(code, a, 0, 0, b, 0, 1, out, 0, n);
        }
    }

    private static double apply(Binary code, double x, double y) {
        return switch (code) {
            case ADD -> x + y;
            case SUB -> x - y;
            case MUL -> x * y;
            case DIV -> x / y;
            case MAX -> Math.max(x, y);
            case MIN -> Math.min(x, y);
        };
    }

    private static void rowLoop(Binary code, double[] a, int ao, int sa, double[] b, int bo, int sb,
                                double[] out, int oo, int n) {
        if (sa == 1 && sb == 1) {
            switch (code) {
                case ADD -> { for (int i = 0; i < n; i++) out[oo + i] = a[ao + i] + b[bo + i]; }
                case SUB -> { for (int i = 0; i < n; i++) out[oo + i] = a[ao + i] - b[bo + i]; }
                case MUL -> { for (int i = 0; i < n; i++) out[oo + i] = a[ao + i] * b[bo + i]; }
                case DIV -> { for (int i = 0; i < n; i++) out[oo + i] = a[ao + i] / b[bo + i]; }
                case MAX -> { for (int i = 0; i < n; i++) out[oo + i] = Math.max(a[ao + i], b[bo + i]); }
                case MIN -> { for (int i = 0; i < n; i++) out[oo + i] = Math.min(a[ao + i], b[bo + i]); }
            }
        } else if (sa == 1) {
            double y = b[bo];
            switch (code) {
                case ADD -> { for (int i = 0; i < n; i++) out[oo + i] = a[ao + i] + y; }
                case SUB -> { for (int i = 0; i < n; i++) out[oo + i] = a[ao + i] - y; }
                case MUL -> { for (int i = 0; i < n; i++) out[oo + i] = a[ao + i] * y; }
                case DIV -> { for (int i = 0; i < n; i++) out[oo + i] = a[ao + i] / y; }
                default -> { for (int i = 0; i < n; i++) out[oo + i] = apply(code, a[ao + i], y); }
            }
        } else if (sb == 1) {
            double x = a[ao];
            switch (code) {
                case ADD -> { for (int i = 0; i < n; i++) out[oo + i] = x + b[bo + i]; }
                case SUB -> { for (int i = 0; i < n; i++) out[oo + i] = x - b[bo + i]; }
                case MUL -> { for (int i = 0; i < n; i++) out[oo + i] = x * b[bo + i]; }
                case DIV -> { for (int i = 0; i < n; i++) out[oo + i] = x / b[bo + i]; }
                default -> { for (int i = 0; i < n; i++) out[oo + i] = apply(code, x, b[bo + i]); }
            }
        } else {
            double v = apply(code, a[ao], b[bo]);
            for (int i = 0; i < n; i++) out[oo + i] = v;
        }
    }

    /**
     * Tie-splitting mask for maximum/minimum: 1 where {@code a} wins, 0.5 where a == b, 0 where b wins.
     * Strides as in {@link #binary}; {@code max} selects maximum (true) or minimum (false).
     */
    public static void winnerMask(boolean max, double[] a, int[] aStrides, double[] b, int[] bStrides,
                                  int[] outShape, double[] out) {
        int rank = outShape.length;
        int[] idx = new int[rank];
        int ao = 0, bo = 0;
        for (int i = 0; i < out.length; i++) {
            double x = a[ao], y = b[bo];
            out[i] = x == y ? 0.5 : (max ? x > y : x < y) ? 1.0 : 0.0;
            for (int ax = rank - 1; ax >= 0; ax--) {
                idx[ax]++;
                ao += aStrides[ax];
                bo += bStrides[ax];
                if (idx[ax] < outShape[ax]) {
                    break;
                }
                ao -= aStrides[ax] * outShape[ax];
                bo -= bStrides[ax] * outShape[ax];
                idx[ax] = 0;
            }
        }
    }

    /**
     * {@code out[i] = f(x[i])}: the kernel of an elementwise function without a loop of its own
     * (sin, erf, ...), where the function itself costs far more than the call.
     */
    public static void map(java.util.function.DoubleUnaryOperator f, double[] x, double[] out) {
        for (int i = 0; i < x.length; i++) {
            out[i] = f.applyAsDouble(x[i]);
        }
    }

    /** {@code out = f(a, b)} with broadcasting, strides as in {@link #binary}; for functions without a loop of their own. */
    public static void zip(java.util.function.DoubleBinaryOperator f, double[] a, int[] aStrides, double[] b, int[] bStrides,
                           int[] outShape, double[] out) {
        int n = out.length;
        if (n == 0) {
            return;
        }
        if (a.length == n && b.length == n) {
            for (int i = 0; i < n; i++) {
                out[i] = f.applyAsDouble(a[i], b[i]);
            }
            return;
        }
        int rank = outShape.length;
        int[] idx = new int[rank];
        int ao = 0, bo = 0;
        for (int i = 0; i < n; i++) {
            out[i] = f.applyAsDouble(a[ao], b[bo]);
            for (int ax = rank - 1; ax >= 0; ax--) {
                idx[ax]++;
                ao += aStrides[ax];
                bo += bStrides[ax];
                if (idx[ax] < outShape[ax]) {
                    break;
                }
                ao -= aStrides[ax] * outShape[ax];
                bo -= bStrides[ax] * outShape[ax];
                idx[ax] = 0;
            }
        }
    }
}
