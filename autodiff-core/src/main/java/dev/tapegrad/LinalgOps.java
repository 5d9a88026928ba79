package dev.tapegrad;

import dev.tapegrad.kernels.Linalg;
import java.util.Arrays;

/**
 * Linear algebra: dot, inner, outer, tensordot and einsum (all composed from reshape, permute,
 * diagonal, sum and matmul, so both derivatives come from those ops), and inv, solve, det,
 * slogdet: primitives on stacks of square matrices (the last two axes; leading axes are a batch)
 * computed with an LU factorisation with partial pivoting. Their derivatives are the standard
 * ones, written with Tensor ops (so they differentiate again):
 * inv: VJP {@code −A⁻ᵀ·G·A⁻ᵀ}, JVP {@code −A⁻¹·dA·A⁻¹}; solve ({@code X = A⁻¹B}): VJP
 * {@code G_B = A⁻ᵀ·G}, {@code G_A = −G_B·Xᵀ}, JVP {@code A⁻¹(dB − dA·X)}; det: VJP
 * {@code g·det·A⁻ᵀ}, JVP {@code det·tr(A⁻¹dA)}; slogdet's log|det|: VJP {@code g·A⁻ᵀ}, JVP
 * {@code tr(A⁻¹dA)}.
 *
 * <p>A singular matrix, or one singular within rounding (a pivot at most {@code n·ε·max|a_ij|}),
 * is an error naming the op, the matrix of the stack and the shape, for all four (det too: its
 * value there would be 0, but its gradient, the adjugate, is not what this formula computes).
 *
 * <pre>{@code
 * Tensor a = Tensor.matrix(new double[][] {{4, 1}, {2, 3}});
 * LinalgOps.det(a);                                   // 10
 * LinalgOps.solve(a, Tensor.vector(1, 2));            // a⁻¹·b
 * LinalgOps.einsum("ij,jk->ik", a, a);                // a·a
 * }</pre>
 */
public final class LinalgOps {
    private LinalgOps() {}

    static final OpRegistry.Family FAMILY = LinalgOpsCatalog.FAMILY;

    static final Op INV = new Op("inv") {
        @Override
        Tensor[] vjp(Node call, Tensor g) {
            Tensor yt = call.output.transpose();
            return new Tensor[] {yt.matmul(g).matmul(yt).neg()};
        }

        @Override
        Tensor jvp(Node call, Tensor[] t) {
            Tensor y = call.output;
            return y.matmul(t[0]).matmul(y).neg();
        }
    };

    static final Op SOLVE = new Op("solve") {
        @Override
        Tensor[] vjp(Node call, Tensor g) {
            Tensor gb = solve(call.input(0).transpose(), g);
            Tensor ga = call.needsGrad(0) ? gb.matmul(call.output.transpose()).neg() : null;
            return new Tensor[] {ga, call.needsGrad(1) ? gb : null};
        }

        @Override
        Tensor jvp(Node call, Tensor[] t) {
            Tensor rhs = t[1];
            if (t[0] != null) {
                Tensor ax = t[0].matmul(call.output);
                rhs = rhs == null ? ax.neg() : rhs.sub(ax);
            }
            return solve(call.input(0), rhs);
        }
    };

    static final Op DET = new Op("det") {
        @Override
        Tensor[] vjp(Node call, Tensor g) {
            Tensor scale = g.mul(call.output).unsqueeze(-1).unsqueeze(-1);
            return new Tensor[] {scale.mul(inv(call.input(0)).transpose())};
        }

        @Override
        Tensor jvp(Node call, Tensor[] t) {
            return call.output.mul(traceOfProduct(call.input(0), t[0]));
        }
    };

    static final Op LOG_ABS_DET = new Op("logAbsDet") {
        @Override
        Tensor[] vjp(Node call, Tensor g) {
            return new Tensor[] {g.unsqueeze(-1).unsqueeze(-1).mul(inv(call.input(0)).transpose())};
        }

        @Override
        Tensor jvp(Node call, Tensor[] t) {
            return traceOfProduct(call.input(0), t[0]);
        }
    };

    /** {@code tr(A⁻¹·dA)} per matrix, as {@code Σ (A⁻ᵀ ∘ dA)}. */
    private static Tensor traceOfProduct(Tensor a, Tensor da) {
        return inv(a).transpose().mul(da).sum(-1).sum(-1);
    }

    /** A factored stack of square matrices. */
    private record Factored(double[] lu, int[] piv, int[] signs, int batch, int n, int[] batchShape) {}

    private static Factored factor(String op, Tensor a) {
        int r = a.rank();
        if (r < 2 || a.shape[r - 1] != a.shape[r - 2]) {
            throw new IllegalArgumentException(op + ": needs a square matrix (or a stack of them in the last two axes), got shape "
                    + Shapes.str(a.shape));
        }
        int n = a.shape[r - 1];
        int[] batchShape = Arrays.copyOf(a.shape, r - 2);
        int batch = Shapes.size(batchShape);
        double[] lu = new double[a.size()];
        int[] piv = new int[batch * n];
        int[] signs = new int[batch];
        int bad = n == 0 ? -1 : Linalg.luBatch(a.data, batch, n, lu, piv, signs);
        if (n == 0) {
            Arrays.fill(signs, 1);
        }
        if (bad >= 0) {
            throw new IllegalArgumentException(op + ": the matrix" + (batch > 1 ? " at batch index " + bad : "")
                    + " of shape " + Shapes.str(a.shape) + " is singular (or singular within rounding: a pivot at most n·ε·max|a_ij|)");
        }
        return new Factored(lu, piv, signs, batch, n, batchShape);
    }

    /** The inverse of a square matrix (or of each in a stack); singular input is an error. */
    public static Tensor inv(Tensor a) {
        Factored f = factor("inv", a);
        double[] out = Linalg.inverse(f.lu(), f.piv(), f.batch(), f.n());
        return INV.finish(null, new Tensor(out, a.shape.clone()), a);
    }

    /**
     * {@code X} with {@code A·X = B}: {@code b} is a matrix {@code (..., n, k)} with the same batch
     * axes as {@code a}, or (PyTorch's rule) a vector {@code (..., n)} when it has one axis fewer than {@code a}.
     */
    public static Tensor solve(Tensor a, Tensor b) {
        int r = a.rank();
        if (r >= 2 && b.rank() == r - 1) {
            return solve(a, b.unsqueeze(-1)).squeeze(-1);
        }
        boolean fits = r >= 2 && b.rank() == r && Arrays.equals(Arrays.copyOf(a.shape, r - 1), Arrays.copyOf(b.shape, r - 1));
        if (!fits) {
            throw new IllegalArgumentException("solve: shapes " + Shapes.str(a.shape) + " and " + Shapes.str(b.shape)
                    + " do not fit: b must be (..., n, k) or (..., n) with the batch axes of a (..., n, n)");
        }
        Factored f = factor("solve", a);
        int k = b.shape[r - 1];
        double[] out = Linalg.solve(f.lu(), f.piv(), f.batch(), f.n(), b.data, k);
        return SOLVE.finish(null, new Tensor(out, b.shape.clone()), a, b);
    }

    /** The determinant of a square matrix (or of each in a stack: the batch shape); singular input is an error. */
    public static Tensor det(Tensor a) {
        Factored f = factor("det", a);
        double[] out = new double[f.batch()];
        Linalg.determinants(f.lu(), f.signs(), f.batch(), f.n(), false, out, null);
        return DET.finish(null, new Tensor(out, f.batchShape()), a);
    }

    /**
     * numpy's {@code slogdet}: {@code {sign, log|det|}} of a square matrix (or of each in a stack),
     * so that {@code det = sign·exp(log|det|)} without overflow. {@code sign} (±1) is a constant;
     * {@code log|det|} has the gradient {@code A⁻ᵀ}. Singular input is an error.
     */
    public static Tensor[] slogdet(Tensor a) {
        Factored f = factor("slogdet", a);
        double[] out = new double[f.batch()], sign = new double[f.batch()];
        Linalg.determinants(f.lu(), f.signs(), f.batch(), f.n(), true, out, sign);
        Tensor logAbs = LOG_ABS_DET.finish(null, new Tensor(out, f.batchShape()), a);
        return new Tensor[] {Tensor.of(sign, f.batchShape()), logAbs};
    }

    /**
     * numpy's {@code dot}: scalars multiply; 1-D·1-D is the inner product; otherwise the sum over
     * the last axis of {@code a} and the second-to-last of {@code b} (its only axis if 1-D).
     */
    public static Tensor dot(Tensor a, Tensor b) {
        if (a.rank() == 0 || b.rank() == 0) {
            return a.mul(b);
        }
        return tensordot(a, b, new int[] {-1}, new int[] {b.rank() == 1 ? 0 : -2});
    }

    /** numpy's {@code inner}: the sum over the last axes of both (scalars multiply). */
    public static Tensor inner(Tensor a, Tensor b) {
        if (a.rank() == 0 || b.rank() == 0) {
            return a.mul(b);
        }
        return tensordot(a, b, new int[] {-1}, new int[] {-1});
    }

    /** numpy's {@code outer}: {@code out[i, j] = a.flat[i] · b.flat[j]}. */
    public static Tensor outer(Tensor a, Tensor b) {
        return a.reshape(a.size(), 1).mul(b.reshape(1, b.size()));
    }

    /** numpy's {@code tensordot(a, b, axes)}: the sum over the last {@code axes} axes of {@code a} and the first of {@code b}. */
    public static Tensor tensordot(Tensor a, Tensor b, int axes) {
        if (axes < 0 || axes > a.rank() || axes > b.rank()) {
            throw new IllegalArgumentException("tensordot: " + axes + " axes for shapes " + Shapes.str(a.shape)
                    + " and " + Shapes.str(b.shape));
        }
        int[] aa = new int[axes], bb = new int[axes];
        for (int i = 0; i < axes; i++) {
            aa[i] = a.rank() - axes + i;
            bb[i] = i;
        }
        return tensordot(a, b, aa, bb);
    }

    /**
     * numpy's {@code tensordot(a, b, (axesA, axesB))}: the sum over the paired axes; the result has
     * {@code a}'s remaining axes, then {@code b}'s.
     */
    public static Tensor tensordot(Tensor a, Tensor b, int[] axesA, int[] axesB) {
        String shapes = " (shapes " + Shapes.str(a.shape) + " and " + Shapes.str(b.shape) + ", axes "
                + Arrays.toString(axesA) + " and " + Arrays.toString(axesB) + ")";
        if (axesA.length != axesB.length) {
            throw new IllegalArgumentException("tensordot: different numbers of axes" + shapes);
        }
        int q = axesA.length;
        boolean[] ca = new boolean[a.rank()], cb = new boolean[b.rank()];
        int[] pa = new int[a.rank()], pb = new int[b.rank()];
        int k = 1;
        for (int i = 0; i < q; i++) {
            int x = Shapes.axis("tensordot", axesA[i], a.rank()), y = Shapes.axis("tensordot", axesB[i], b.rank());
            if (ca[x] || cb[y] || a.shape[x] != b.shape[y]) {
                throw new IllegalArgumentException("tensordot: axis " + axesA[i] + " of a and " + axesB[i]
                        + " of b " + (ca[x] || cb[y] ? "repeat an axis" : "differ in size") + shapes);
            }
            ca[x] = true;
            cb[y] = true;
            pa[a.rank() - q + i] = x;
            pb[i] = y;
            k *= a.shape[x];
        }
        int m = 1, n = 1;
        int[] outShape = new int[a.rank() + b.rank() - 2 * q];
        int o = 0;
        for (int i = 0, j = 0; i < a.rank(); i++) {
            if (!ca[i]) {
                pa[j++] = i;
                m *= a.shape[i];
                outShape[o++] = a.shape[i];
            }
        }
        for (int i = 0, j = q; i < b.rank(); i++) {
            if (!cb[i]) {
                pb[j++] = i;
                n *= b.shape[i];
                outShape[o++] = b.shape[i];
            }
        }
        Tensor a2 = a.permute(pa).reshape(m, k), b2 = b.permute(pb).reshape(k, n);
        return a2.matmul(b2).reshape(outShape);
    }

    /**
     * numpy's {@code einsum}: implicit ({@code "ij,jk"}: the labels that occur once, in alphabetical
     * order) and explicit ({@code "ij,jk->ik"}) output, {@code "..."} for broadcast leading axes
     * (sizes equal or 1), repeated labels in one operand taking diagonals ({@code "ii->i"}, and
     * {@code "ii"} the trace), and sums over labels absent from the output (broadcast axes too, when an
     * explicit output has no {@code "..."}). Computed with diagonal,
     * sum, permute, reshape and batched matmul, contracting left to right. Subscripts that do not
     * fit the operands are an error naming the subscripts and the shapes.
     */
    public static Tensor einsum(String subscripts, Tensor... operands) {
        return Einsum.apply(subscripts, operands);
    }
}
