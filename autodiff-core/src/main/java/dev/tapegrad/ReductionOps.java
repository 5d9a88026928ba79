package dev.tapegrad;

import dev.tapegrad.kernels.Reductions;
import dev.tapegrad.kernels.Special;
import java.util.Arrays;

/**
 * numpy's reductions over one axis, several axes ({@code int[]}, negative allowed, any order) or the
 * whole tensor, with {@code keepDims}; cumulative sums and products; arg-reductions; norms. Several
 * axes are moved to the end and merged into one (a permute and a reshape, both exact), so that
 * max and min split the gradient 1/k over the k ties of the whole reduced group. Composites of
 * existing ops get both derivatives from them; cumsum and cumprod are primitives.
 *
 * <pre>{@code
 * Tensor s = ReductionOps.std(x, new int[] {0, 2}, 1, false);   // numpy: x.std(axis=(0, 2), ddof=1)
 * Tensor n = ReductionOps.norm(x, Double.POSITIVE_INFINITY);
 * int i = ReductionOps.argmax(x);
 * }</pre>
 */
public final class ReductionOps {
    private ReductionOps() {}

    // ---------------------------------------------------------------- several axes as one

    /** How a reduction over {@code axes} of {@code shape} runs: the input permuted and reshaped to [kept..., n]. */
    record Plan(String op, int[] shape, int[] axes, int[] perm, int[] kept, int n, int[] keptDims) {
        Tensor merge(Tensor x) {
            int[] merged = Arrays.copyOf(kept, kept.length + 1);
            merged[kept.length] = n;
            return x.permute(perm).reshape(merged);
        }

        /** A result of shape {@code kept}, reshaped with the reduced axes kept as size 1 if asked. */
        Tensor finish(Tensor r, boolean keepDims) {
            return keepDims ? r.reshape(keptDims) : r;
        }

        String where() {
            return "axes " + Arrays.toString(axes) + " of shape " + Shapes.str(shape);
        }
    }

    /**
     * The plan of reducing {@code axes} of a tensor of {@code shape}.
     *
     * @throws IllegalArgumentException naming the op and the shape for an axis out of range or repeated
     */
    static Plan plan(String op, int[] shape, int[] axes) {
        int r = shape.length;
        boolean[] reduced = new boolean[r];
        for (int a : axes) {
            if (a < -r || a >= r) {
                throw new IllegalArgumentException(op + ": axis " + a + " is out of range for shape " + Shapes.str(shape)
                        + " (rank " + r + (r == 0 ? ", a scalar has no axes" : ", valid: " + (-r) + " to " + (r - 1)) + ")");
            }
            int ax = a < 0 ? a + r : a;
            if (reduced[ax]) {
                throw new IllegalArgumentException(op + ": axis " + a + " is repeated in " + Arrays.toString(axes)
                        + " for shape " + Shapes.str(shape));
            }
            reduced[ax] = true;
        }
        int[] perm = new int[r];
        int[] kept = new int[r - axes.length];
        int[] keptDims = shape.clone();
        int k = 0, n = 1;
        for (int i = 0; i < r; i++) {
            if (!reduced[i]) {
                kept[k] = shape[i];
                perm[k++] = i;
            }
        }
        for (int i = 0; i < r; i++) {
            if (reduced[i]) {
                perm[k++] = i;
                n *= shape[i];
                keptDims[i] = 1;
            }
        }
        return new Plan(op, shape.clone(), axes.clone(), perm, kept, n, keptDims);
    }

    static int[] allAxes(Tensor x) {
        return allAxes(x.rank());
    }

    private static void requireNonEmpty(Plan p) {
        if (p.n() == 0) {
            throw new IllegalArgumentException(p.op() + ": the reduced " + p.where() + " hold no elements");
        }
    }

    // ---------------------------------------------------------------- sum, mean, max, min

    /** Sum of all elements (a scalar); 0 for an empty tensor. */
    public static Tensor sum(Tensor x) { return x.sum(); }

    /** Sum over several axes (none: x itself), which are removed. */
    public static Tensor sum(Tensor x, int... axes) { return sum(x, axes, false); }

    /** Sum over several axes, kept with size 1 if {@code keepDims}. */
    public static Tensor sum(Tensor x, int[] axes, boolean keepDims) {
        Plan p = plan("sum", x.shape, axes);
        return p.finish(p.merge(x).sum(-1), keepDims);
    }

    /** Mean of all elements; NaN for an empty tensor (0/0, as numpy). */
    public static Tensor mean(Tensor x) { return x.mean(); }

    /** Mean over several axes, which are removed. */
    public static Tensor mean(Tensor x, int... axes) { return mean(x, axes, false); }

    /** Mean over several axes, kept with size 1 if {@code keepDims}. */
    public static Tensor mean(Tensor x, int[] axes, boolean keepDims) {
        Plan p = plan("mean", x.shape, axes);
        return p.finish(p.merge(x).sum(-1).div(p.n()), keepDims);
    }

    /** Maximum of all elements; the gradient splits 1/k over k tied maxima. */
    public static Tensor max(Tensor x) { return max(x, allAxes(x), false); }

    /** Maximum over several axes, which are removed; ties over the whole reduced group split 1/k. */
    public static Tensor max(Tensor x, int... axes) { return max(x, axes, false); }

    /** Maximum over several axes, kept with size 1 if {@code keepDims}; ties split 1/k. */
    public static Tensor max(Tensor x, int[] axes, boolean keepDims) {
        Plan p = plan("max", x.shape, axes);
        requireNonEmpty(p);
        return p.finish(p.merge(x).max(-1), keepDims);
    }

    /** Minimum of all elements; the gradient splits 1/k over k tied minima. */
    public static Tensor min(Tensor x) { return min(x, allAxes(x), false); }

    /** Minimum over several axes, which are removed; ties split 1/k. */
    public static Tensor min(Tensor x, int... axes) { return min(x, axes, false); }

    /** Minimum over several axes, kept with size 1 if {@code keepDims}; ties split 1/k. */
    public static Tensor min(Tensor x, int[] axes, boolean keepDims) {
        Plan p = plan("min", x.shape, axes);
        requireNonEmpty(p);
        return p.finish(p.merge(x).neg().max(-1).neg(), keepDims);
    }

    // ---------------------------------------------------------------- prod, cumsum, cumprod

    /** Product of all elements; 1 for an empty tensor. The gradient is exact with zeros (see {@link #cumprod}). */
    public static Tensor prod(Tensor x) { return prod(x, allAxes(x), false); }

    /** Product along one or more axes, which are removed. */
    public static Tensor prod(Tensor x, int... axes) { return prod(x, axes, false); }

    /**
     * Product over several axes, kept with size 1 if {@code keepDims}; 1 over an empty group. The
     * gradient of each element is the product of the others, computed without dividing by it, so
     * it is exact with zeros: at a single zero it is the product of the others, with two or more
     * zeros it is 0.
     */
    public static Tensor prod(Tensor x, int[] axes, boolean keepDims) {
        Plan p = plan("prod", x.shape, axes);
        Tensor m = p.merge(x);
        int n = p.n();
        Tensor r = n == 0 ? m.sum(-1).mul(0.0).add(1.0) : cumprod(m, -1).slice(-1, n - 1, n).reshape(p.kept());
        return p.finish(r, keepDims);
    }

    /** Attributes of a scan: its axis (normalised) and direction. */
    private record Scan(int axis, boolean reverse) {}

    static final Op CUMSUM = new Op("cumsum") {
        @Override
        Tensor[] vjp(Node call, Tensor g) {
            Scan s = call.attrs();
            return new Tensor[] {scanSum(g, s.axis(), !s.reverse())};
        }

        @Override
        Tensor jvp(Node call, Tensor[] t) {
            Scan s = call.attrs();
            return scanSum(t[0], s.axis(), s.reverse());
        }
    };

    /** Cumulative sums along {@code axis}, from the start or from the end. */
    static Tensor scanSum(Tensor x, int axis, boolean reverse) {
        int ax = Shapes.axis("cumsum", axis, x.rank());
        double[] out = new double[x.data.length];
        Special.cumsum(x.data, Shapes.outer(x.shape, ax), x.shape[ax], Shapes.inner(x.shape, ax), reverse, out);
        return CUMSUM.finish(new Scan(ax, reverse), new Tensor(out, x.shape), x);
    }

    /** numpy's cumsum along an axis (same shape); gradient: the reverse cumulative sum. */
    public static Tensor cumsum(Tensor x, int axis) { return scanSum(x, axis, false); }

    static final Op CUMPROD = new Op("cumprod") {
        @Override
        Tensor[] vjp(Node call, Tensor g) {
            Tensor x = call.input(0);
            int ax = call.attrs();
            if (Tensor.plain(x, g)) {  // nothing records: the O(n) kernel, same rule
                double[] out = new double[x.data.length];
                Special.cumprodGrad(x.data, g.data, Shapes.outer(x.shape, ax), x.shape[ax], Shapes.inner(x.shape, ax), out);
                return new Tensor[] {new Tensor(out, x.shape)};
            }
            return new Tensor[] {weights(x, ax).mul(g.unsqueeze(ax)).sum(ax + 1)};
        }

        @Override
        Tensor jvp(Node call, Tensor[] t) {
            int ax = call.attrs();
            return weights(call.input(0), ax).mul(t[0].unsqueeze(ax + 1)).sum(ax);
        }

        /**
         * W[..., i, j, ...] = ∂y_j/∂x_i = Π_{k ≤ j, k ≠ i} x_k for i ≤ j, else 0 (axes ax and ax+1):
         * the cumulative product of x with x_i replaced by 1, so no division by x_i (exact with zeros).
         */
        private Tensor weights(Tensor x, int ax) {
            int n = x.shape[ax];
            int[] square = new int[x.rank() + 1];
            Arrays.fill(square, 1);
            square[ax] = n;
            square[ax + 1] = n;
            double[] eye = new double[n * n], upper = new double[n * n];
            for (int i = 0; i < n; i++) {
                eye[i * n + i] = 1;
                for (int j = i; j < n; j++) {
                    upper[i * n + j] = 1;
                }
            }
            Tensor id = new Tensor(eye, square);
            Tensor a = x.unsqueeze(ax).mul(id.neg().add(1.0)).add(id);
            return cumprod(a, ax + 1).mul(new Tensor(upper, square));
        }
    };

    /**
     * numpy's cumprod along an axis (same shape). The gradient and the tangent use
     * ∂y_j/∂x_i = Π_{k ≤ j, k ≠ i} x_k, computed without dividing by x_i, so they are exact with
     * zeros (a one-pass kernel when nothing records, else Tensor ops in O(n²) per slice).
     */
    public static Tensor cumprod(Tensor x, int axis) {
        int ax = Shapes.axis("cumprod", axis, x.rank());
        double[] out = new double[x.data.length];
        Special.cumprod(x.data, Shapes.outer(x.shape, ax), x.shape[ax], Shapes.inner(x.shape, ax), out);
        return CUMPROD.finish(ax, new Tensor(out, x.shape), x);
    }

    // ---------------------------------------------------------------- var and std

    /** Variance of all elements (ddof 0). */
    public static Tensor var(Tensor x) { return var(x, allAxes(x), 0, false); }

    /**
     * Variance over several axes, Σ(x − mean)²/(n − ddof) (ddof 1: the unbiased estimate), kept with
     * size 1 if {@code keepDims}.
     *
     * @throws IllegalArgumentException if ddof is negative or not below the number n of reduced elements
     */
    public static Tensor var(Tensor x, int[] axes, int ddof, boolean keepDims) {
        Plan p = plan("var", x.shape, axes);
        return p.finish(variance(p, x, ddof), keepDims);
    }

    private static Tensor variance(Plan p, Tensor x, int ddof) {
        if (ddof < 0 || ddof >= p.n()) {
            throw new IllegalArgumentException(p.op() + ": ddof " + ddof + " must be at least 0 and below the "
                    + p.n() + " elements of the reduced " + p.where());
        }
        Tensor m = p.merge(x);
        Tensor d = m.sub(m.mean(-1, true));
        return d.square().sum(-1).div(p.n() - ddof);
    }

    /** Standard deviation of all elements (ddof 0); gradient 0 where the variance is exactly 0. */
    public static Tensor std(Tensor x) { return std(x, allAxes(x), 0, false); }

    /**
     * Standard deviation over several axes, √var with the same ddof rule. Its gradient is 0 (the
     * minimum-norm subgradient), not NaN, where the variance is exactly 0 (a constant slice).
     */
    public static Tensor std(Tensor x, int[] axes, int ddof, boolean keepDims) {
        Plan p = plan("std", x.shape, axes);
        return p.finish(safeRoot(variance(p, x, ddof), 2.0), keepDims);
    }

    /** s^(1/p) with gradient 0 where s = 0 (where the root's own derivative is infinite): both branches guarded. */
    private static Tensor safeRoot(Tensor s, double p) {
        Tensor positive = MathOps.gt(s, ZERO);
        Tensor safe = MathOps.where(positive, s, ONE);
        Tensor root = p == 2.0 ? safe.sqrt() : safe.pow(1.0 / p);
        return MathOps.where(positive, root, ZERO);
    }

    private static final Tensor ZERO = Tensor.scalar(0.0), ONE = Tensor.scalar(1.0);

    // ---------------------------------------------------------------- logSumExp

    /** log Σ exp over all elements, with the max shift; −Infinity for an empty tensor. */
    public static Tensor logSumExp(Tensor x) { return logSumExp(x, allAxes(x), false); }

    /** log Σ exp over several axes, kept with size 1 if {@code keepDims}; gradient softmax over the group. */
    public static Tensor logSumExp(Tensor x, int[] axes, boolean keepDims) {
        Plan p = plan("logSumExp", x.shape, axes);
        return p.finish(p.merge(x).logSumExp(-1), keepDims);
    }

    /** scipy's {@code logsumexp(x, b=b)} over all elements: log Σ b·eˣ, b broadcast against x. */
    public static Tensor logSumExp(Tensor x, Tensor b) {
        return logSumExp(x, b, allAxes(Math.max(x.rank(), b.rank())), false);
    }

    /**
     * scipy's {@code logsumexp(x, axis=axes, b=b)}: log Σ b·eˣ over several axes of the broadcast
     * shape of x and b. Computed as M + log Σ b·e^(x − M) with M the group's maximum of x held
     * constant (exact for any constant, and no overflow). Gradients b·e^(x−M)/Σ for x and
     * e^(x−M)/Σ for b, finite also where b = 0 (such terms drop out). A negative sum gives NaN (as
     * scipy without return_sign).
     *
     * @throws IllegalArgumentException naming both shapes if they do not broadcast
     */
    public static Tensor logSumExp(Tensor x, Tensor b, int[] axes, boolean keepDims) {
        int[] os = Shapes.broadcast("logSumExp", x.shape, b.shape);
        Plan p = plan("logSumExp", os, axes);
        Tensor xb = Shapes.same(x.shape, os) ? x : x.broadcastTo(os);
        Tensor bb = Shapes.same(b.shape, os) ? b : b.broadcastTo(os);
        Tensor mx = p.merge(xb), mb = p.merge(bb);
        int groups = Shapes.size(p.kept());
        double[] shift = new double[groups];
        Reductions.max(mx.data, groups, p.n(), 1, shift);
        for (int i = 0; i < groups; i++) {
            shift[i] = Double.isFinite(shift[i]) ? shift[i] : 0.0;  // as scipy: an all −inf or +inf group is not shifted
        }
        int[] kept1 = Arrays.copyOf(p.kept(), p.kept().length + 1);
        kept1[p.kept().length] = 1;
        Tensor m = new Tensor(shift, kept1);
        Tensor r = mb.mul(mx.sub(m).exp()).sum(-1).log().add(new Tensor(shift, p.kept()));
        return p.finish(r, keepDims);
    }

    private static int[] allAxes(int rank) {
        int[] a = new int[rank];
        for (int i = 0; i < rank; i++) {
            a[i] = i;
        }
        return a;
    }

    // ---------------------------------------------------------------- argmax, argmin

    /** Flat (row-major) index of the first maximum, as numpy's {@code argmax()}; a NaN counts as the maximum. No gradient. */
    public static int argmax(Tensor x) { return argFlat("argmax", x, false); }

    /** Flat index of the first minimum, as numpy's {@code argmin()}; a NaN counts as the minimum. No gradient. */
    public static int argmin(Tensor x) { return argFlat("argmin", x, true); }

    /** Indices of the first maxima along an axis, as an integer-valued constant tensor (the axis removed). */
    public static Tensor argmax(Tensor x, int axis) { return argAlong("argmax", x, axis, false, false); }

    /** {@link #argmax(Tensor, int)}, keeping the axis with size 1 if {@code keepDims}. */
    public static Tensor argmax(Tensor x, int axis, boolean keepDims) { return argAlong("argmax", x, axis, keepDims, false); }

    /** Indices of the first minima along an axis, as an integer-valued constant tensor (the axis removed). */
    public static Tensor argmin(Tensor x, int axis) { return argAlong("argmin", x, axis, false, true); }

    /** {@link #argmin(Tensor, int)}, keeping the axis with size 1 if {@code keepDims}. */
    public static Tensor argmin(Tensor x, int axis, boolean keepDims) { return argAlong("argmin", x, axis, keepDims, true); }

    private static int argFlat(String op, Tensor x, boolean min) {
        if (x.data.length == 0) {
            throw new IllegalArgumentException(op + ": tensor of shape " + Shapes.str(x.shape) + " is empty");
        }
        double[] out = new double[1];
        Special.argmax(x.data, 1, x.data.length, 1, min, out);
        return (int) out[0];
    }

    private static Tensor argAlong(String op, Tensor x, int axis, boolean keepDims, boolean min) {
        int ax = Shapes.axis(op, axis, x.rank());
        if (x.shape[ax] == 0) {
            throw new IllegalArgumentException(op + ": axis " + axis + " of shape " + Shapes.str(x.shape) + " is empty");
        }
        int outer = Shapes.outer(x.shape, ax), inner = Shapes.inner(x.shape, ax);
        double[] out = new double[outer * inner];
        Special.argmax(x.data, outer, x.shape[ax], inner, min, out);
        return new Tensor(out, keepDims ? Shapes.withAxisKept(x.shape, ax) : Shapes.withoutAxis(x.shape, ax));
    }

    // ---------------------------------------------------------------- norms

    /** The 2-norm of all elements (the Frobenius norm of a matrix); gradient x/‖x‖, and 0 at x = 0. */
    public static Tensor norm(Tensor x) { return norm(x, 2.0, allAxes(x), false); }

    /** The p-norm of all elements (see {@link #norm(Tensor, double, int[], boolean)}). */
    public static Tensor norm(Tensor x, double p) { return norm(x, p, allAxes(x), false); }

    /** The Frobenius norm: the 2-norm of all elements. */
    public static Tensor frobenius(Tensor x) { return norm(x, 2.0, allAxes(x), false); }

    /** The Frobenius norm over the given axes (the 2-norm of the elements of each group). */
    public static Tensor frobenius(Tensor x, int[] axes, boolean keepDims) { return norm(x, 2.0, axes, keepDims); }

    /**
     * The vector p-norm (Σ|x|ᵖ)^(1/p) of the elements of each group over {@code axes} (entrywise,
     * like torch.linalg.vector_norm), for any p &gt; 0, and p = ±Infinity (max |x|, min |x|; ties split
     * 1/k). Computed as M·(Σ(|x|/M)ᵖ)^(1/p) with M the group's max |x| held constant, so it neither
     * overflows nor underflows. Gradients: where the norm is not differentiable the minimum-norm
     * subgradient, 0: at x = 0 (the whole group zero) for every p, and at an element equal to 0 for
     * p ≤ 1 (|x|ᵖ has an infinite or undefined slope there).
     *
     * @throws IllegalArgumentException for p ≤ 0 or NaN, or p = ±Infinity over an empty group
     */
    public static Tensor norm(Tensor x, double p, int[] axes, boolean keepDims) {
        Plan plan = plan("norm", x.shape, axes);
        if (p == Double.NEGATIVE_INFINITY) {
            requireNonEmpty(plan);
            return plan.finish(plan.merge(x).abs().neg().max(-1).neg(), keepDims);
        }
        if (!(p > 0)) {
            throw new IllegalArgumentException("norm: p = " + p + " is not positive (input shape " + Shapes.str(x.shape) + ")");
        }
        Tensor a = plan.merge(x).abs();
        if (Double.isInfinite(p)) {
            requireNonEmpty(plan);
            return plan.finish(a.max(-1), keepDims);
        }
        if (p == 1.0) {
            return plan.finish(a.sum(-1), keepDims);
        }
        int groups = Shapes.size(plan.kept());
        double[] scale = new double[groups];
        Reductions.max(a.data, groups, plan.n(), 1, scale);
        for (int i = 0; i < groups; i++) {
            scale[i] = scale[i] > 0 && scale[i] < Double.POSITIVE_INFINITY ? scale[i] : 1.0;
        }
        int[] kept1 = Arrays.copyOf(plan.kept(), plan.kept().length + 1);
        kept1[plan.kept().length] = 1;
        Tensor q = a.div(new Tensor(scale, kept1));
        Tensor terms;
        if (p == 2.0) {
            terms = q.square();
        } else if (p > 1.0) {
            terms = q.pow(p);
        } else {  // |x|ᵖ for p < 1 has an infinite slope at 0: both branches guarded
            Tensor nonzero = MathOps.ne(q, ZERO);
            terms = MathOps.where(nonzero, MathOps.where(nonzero, q, ONE).pow(p), ZERO);
        }
        Tensor r = safeRoot(terms.sum(-1), p).mul(new Tensor(scale, plan.kept()));
        return plan.finish(r, keepDims);
    }

    // ---------------------------------------------------------------- the family's tests and names

    /** The test entries and named functions, in {@link ReductionEntries} to keep this file to the ops. */
    static final OpRegistry.Family FAMILY = ReductionEntries.FAMILY;
}
