package dev.tapegrad;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Indexing with integer index tensors (tensors of integer values; negative indices count from the
 * end, numpy's {@code -n ≤ i < n}): gather / takeAlongAxis / take / indexSelect / integer-array
 * indexing, their transpose scatterAdd, oneHot, maskedSelect, and sort / argsort. Index inputs
 * are not differentiated (they are piecewise constant). Each differentiable function is one gather
 * or scatter-add by an index map: gather's VJP is the scatter-add of the gradient by the same
 * indices and scatterAdd's VJP is the gather, and each is its own JVP, so both derivatives hold
 * to any order. An index out of range is an error naming the op, the index, the axis and the
 * shape, thrown before anything is recorded.
 *
 * <pre>{@code
 * Tensor x = Tensor.matrix(new double[][] {{1, 2}, {3, 4}});
 * IndexOps.gather(x, 1, Tensor.matrix(new double[][] {{0, 0}, {1, 0}}));  // [[1, 1], [4, 3]]
 * IndexOps.sort(Tensor.vector(3, 1, 2), -1, false);                      // [1, 2, 3]
 * }</pre>
 */
public final class IndexOps {
    private IndexOps() {}

    static final OpRegistry.Family FAMILY = IndexOpsCatalog.FAMILY;

    /** The primitives every function here is built from; named so that loading this family registers them. */
    static final Op[] PRIMITIVES = {IndexMaps.GATHER_FLAT, IndexMaps.SCATTER_ADD_FLAT};

    /**
     * PyTorch's {@code gather(x, axis, index)}: {@code out[i][j][k] = x[i][index[i][j][k]][k]} (for
     * axis 1); {@code index} has {@code x}'s rank, and on every other axis a size at most {@code x}'s.
     * The output has {@code index}'s shape.
     */
    public static Tensor gather(Tensor x, int axis, Tensor index) {
        int ax = checkAlongAxis("gather", x.shape, index.shape, axis, false);
        int[] idx = IndexMaps.indices("gather", index, ax, x.shape);
        return IndexMaps.gather(x, alongAxisMap(x.shape, index.shape, index.shape, ax, idx), index.shape);
    }

    /**
     * numpy's {@code take_along_axis(x, index, axis)}: like {@link #gather}, but {@code index} and
     * {@code x} broadcast against each other on the axes other than {@code axis}.
     */
    public static Tensor takeAlongAxis(Tensor x, Tensor index, int axis) {
        int ax = checkAlongAxis("takeAlongAxis", x.shape, index.shape, axis, true);
        int[] idx = IndexMaps.indices("takeAlongAxis", index, ax, x.shape);
        int[] outShape = index.shape.clone();
        for (int d = 0; d < outShape.length; d++) {
            if (d != ax) {
                outShape[d] = Math.max(x.shape[d], index.shape[d]);
            }
        }
        return IndexMaps.gather(x, alongAxisMap(x.shape, index.shape, outShape, ax, idx), outShape);
    }

    /**
     * The transpose of {@link #gather}: zeros of {@code shape} with {@code src[i][j][k]} added at
     * {@code [i][index[i][j][k]][k]} (axis 1), repeated indices accumulating; PyTorch's
     * {@code zeros(shape).scatter_add(axis, index, src)}. Elements of {@code src} beyond
     * {@code index}'s shape are ignored, as in PyTorch.
     */
    public static Tensor scatterAdd(Tensor src, int axis, Tensor index, int... shape) {
        int ax = checkAlongAxis("scatterAdd", shape, index.shape, axis, false);
        for (int d = 0; d < Math.max(src.rank(), index.rank()); d++) {
            if (src.rank() != index.rank() || index.shape[d] > src.shape[d]) {
                throw new IllegalArgumentException("scatterAdd: index shape " + Shapes.str(index.shape)
                        + " does not fit inside src shape " + Shapes.str(src.shape));
            }
        }
        int[] idx = IndexMaps.indices("scatterAdd", index, ax, shape);
        int[] dst = alongAxisMap(shape, index.shape, index.shape, ax, idx);
        int[] ist = Shapes.strides(index.shape);
        int[] map = IndexMaps.map(src.shape, at -> {
            for (int d = 0; d < at.length; d++) {
                if (at[d] >= index.shape[d]) {
                    return -1;
                }
            }
            return dst[IndexMaps.offset(at, ist)];
        });
        return IndexMaps.scatter(src, map, shape);
    }

    /** PyTorch's {@code base.scatter_add(axis, index, src)}: {@code base} plus {@link #scatterAdd(Tensor, int, Tensor, int...)}. */
    public static Tensor scatterAdd(Tensor base, int axis, Tensor index, Tensor src) {
        return base.add(scatterAdd(src, axis, index, base.shape));
    }

    /** numpy's {@code take(x, index)}: elements of the flattened {@code x}; the output has {@code index}'s shape. */
    public static Tensor take(Tensor x, Tensor index) {
        int[] idx = IndexMaps.indices("take", index, -1, x.shape);
        return IndexMaps.gather(x, idx, index.shape);
    }

    /**
     * numpy's {@code take(x, index, axis)}: slices of {@code x} along {@code axis}; the output's shape
     * is {@code x.shape[:axis] + index.shape + x.shape[axis+1:]}.
     */
    public static Tensor take(Tensor x, Tensor index, int axis) {
        int r = x.rank();
        int ax = Shapes.axis("take", axis, r);
        int[] idx = IndexMaps.indices("take", index, ax, x.shape);
        int q = index.rank();
        int[] outShape = new int[r - 1 + q];
        System.arraycopy(x.shape, 0, outShape, 0, ax);
        System.arraycopy(index.shape, 0, outShape, ax, q);
        System.arraycopy(x.shape, ax + 1, outShape, ax + q, r - ax - 1);
        int[] st = Shapes.strides(x.shape), ist = Shapes.strides(index.shape);
        int[] map = IndexMaps.map(outShape, at -> {
            int o = 0;
            for (int d = 0; d < ax; d++) {
                o += at[d] * st[d];
            }
            int k = 0;
            for (int d = 0; d < q; d++) {
                k += at[ax + d] * ist[d];
            }
            o += idx[k] * st[ax];
            for (int d = ax + 1; d < r; d++) {
                o += at[d - 1 + q] * st[d];
            }
            return o;
        });
        return IndexMaps.gather(x, map, outShape);
    }

    /** PyTorch's {@code index_select(x, axis, index)} with a 1-D {@code index}: the slices {@code index[i]} along {@code axis}. */
    public static Tensor indexSelect(Tensor x, int axis, Tensor index) {
        if (index.rank() != 1) {
            throw new IllegalArgumentException("indexSelect: index must be 1-D, got shape " + Shapes.str(index.shape)
                    + " (input shape " + Shapes.str(x.shape) + ")");
        }
        return take(x, index, axis);
    }

    /** numpy's {@code x[index]} for an integer index tensor: {@link #take(Tensor, Tensor, int)} along axis 0. */
    public static Tensor index(Tensor x, Tensor index) {
        return take(x, index, 0);
    }

    /**
     * numpy's {@code x[rows, cols]} for two integer index tensors (broadcast against each other):
     * the elements (or trailing slices) {@code x[rows[k], cols[k], ...]}; the output's shape is the
     * broadcast shape followed by {@code x.shape[2:]}.
     */
    public static Tensor index(Tensor x, Tensor rows, Tensor cols) {
        if (x.rank() < 2) {
            throw new IllegalArgumentException("index: x[rows, cols] needs at least 2 axes, got shape " + Shapes.str(x.shape));
        }
        int[] b = Shapes.broadcast("index", rows.shape, cols.shape);
        int[] ri = IndexMaps.indices("index", rows, 0, x.shape), ci = IndexMaps.indices("index", cols, 1, x.shape);
        int[] rs = Shapes.broadcastStrides(rows.shape, b), cs = Shapes.broadcastStrides(cols.shape, b);
        int q = b.length, r = x.rank();
        int[] outShape = new int[q + r - 2];
        System.arraycopy(b, 0, outShape, 0, q);
        System.arraycopy(x.shape, 2, outShape, q, r - 2);
        int[] st = Shapes.strides(x.shape);
        int[] map = IndexMaps.map(outShape, at -> {
            int rk = 0, ck = 0;
            for (int d = 0; d < q; d++) {
                rk += at[d] * rs[d];
                ck += at[d] * cs[d];
            }
            int o = ri[rk] * st[0] + ci[ck] * st[1];
            for (int d = 2; d < r; d++) {
                o += at[q + d - 2] * st[d];
            }
            return o;
        });
        return IndexMaps.gather(x, map, outShape);
    }

    /**
     * PyTorch's {@code one_hot(index, numClasses)}: shape {@code index.shape + [numClasses]}, 1 at
     * each index, else 0 (a constant: no gradient). {@code numClasses = -1} takes the largest index + 1.
     */
    public static Tensor oneHot(Tensor index, int numClasses) {
        int n = numClasses;
        if (n < 0) {
            n = 0;
            for (double v : index.data) {
                n = (int) Math.max(n, v + 1);
            }
        }
        int[] idx = IndexMaps.indices("oneHot", index, 0, new int[] {n});
        for (int k = 0; k < idx.length; k++) {
            if (index.data[k] < 0) {
                throw new IllegalArgumentException("oneHot: index " + (long) index.data[k] + " is negative (index shape "
                        + Shapes.str(index.shape) + ", " + n + " classes)");
            }
        }
        double[] out = new double[idx.length * n];
        for (int k = 0; k < idx.length; k++) {
            out[k * n + idx[k]] = 1;
        }
        int[] shape = Arrays.copyOf(index.shape, index.rank() + 1);
        shape[index.rank()] = n;
        return Tensor.of(out, shape);
    }

    /**
     * PyTorch's {@code masked_select(x, mask)}: the elements of {@code x} where {@code mask} (broadcast
     * to {@code x}'s shape) is non-zero, in row-major order, as a 1-D tensor. The gradient flows to
     * the selected elements; the mask gets none.
     */
    public static Tensor maskedSelect(Tensor x, Tensor mask) {
        if (!Shapes.broadcastableTo(mask.shape, x.shape)) {
            throw new IllegalArgumentException("maskedSelect: mask shape " + Shapes.str(mask.shape)
                    + " does not broadcast to shape " + Shapes.str(x.shape));
        }
        int[] ms = Shapes.broadcastStrides(mask.shape, x.shape);
        int[] flags = IndexMaps.map(x.shape, at -> mask.data[IndexMaps.offset(at, ms)] != 0 ? 1 : 0);
        int count = 0;
        for (int f : flags) {
            count += f;
        }
        int[] map = new int[count];
        for (int k = 0, j = 0; k < flags.length; k++) {
            if (flags[k] != 0) {
                map[j++] = k;
            }
        }
        return IndexMaps.gather(x, map, new int[] {count});
    }

    /** {@link #sort(Tensor, int, boolean)} ascending along the last axis. */
    public static Tensor sort(Tensor x) {
        return sort(x, -1, false);
    }

    /**
     * The values of {@code x} sorted along {@code axis}, stably (equal values keep their order, also
     * when descending); NaN sorts as the largest value. The gradient flows through the
     * permutation: the VJP puts each gradient back where its value came from, the JVP permutes the
     * tangent. At ties the permutation is the stable one (a subgradient choice: the sorted values
     * are continuous there but not differentiable).
     */
    public static Tensor sort(Tensor x, int axis, boolean descending) {
        int ax = Shapes.axis("sort", axis, x.rank());
        int[] perm = permutation(x, ax, descending);
        int n = x.shape[ax], inner = Shapes.inner(x.shape, ax);
        int[] map = new int[perm.length];
        for (int k = 0; k < perm.length; k++) {
            int o = k / (n * inner), i = k % inner;
            map[k] = (o * n + perm[k]) * inner + i;
        }
        return IndexMaps.gather(x, map, x.shape);
    }

    /** The indices that sort {@code x} along {@code axis} (stable; see {@link #sort}) as an integer-valued tensor: no gradient. */
    public static Tensor argsort(Tensor x, int axis, boolean descending) {
        int ax = Shapes.axis("argsort", axis, x.rank());
        int[] perm = permutation(x, ax, descending);
        double[] out = new double[perm.length];
        for (int k = 0; k < perm.length; k++) {
            out[k] = perm[k];
        }
        return Tensor.of(out, x.shape);
    }

    /** For each element of the sorted output, the position along the axis it comes from. */
    private static int[] permutation(Tensor x, int ax, boolean descending) {
        int n = x.shape[ax], outer = Shapes.outer(x.shape, ax), inner = Shapes.inner(x.shape, ax);
        int[] perm = new int[x.size()];
        Integer[] order = new Integer[n];
        double[] v = new double[n];
        Comparator<Integer> cmp = descending ? (a, b) -> Double.compare(v[b], v[a]) : (a, b) -> Double.compare(v[a], v[b]);
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                for (int k = 0; k < n; k++) {
                    order[k] = k;
                    v[k] = x.data[(o * n + k) * inner + i];
                }
                Arrays.sort(order, cmp);  // a stable merge sort
                for (int k = 0; k < n; k++) {
                    perm[(o * n + k) * inner + i] = order[k];
                }
            }
        }
        return perm;
    }

    /** Validates gather-like shapes: same rank; off the axis, index ≤ x (or broadcastable when {@code broadcast}). */
    private static int checkAlongAxis(String op, int[] xShape, int[] iShape, int axis, boolean broadcast) {
        int r = xShape.length;
        int ax = Shapes.axis(op, axis, r);
        boolean ok = iShape.length == r;
        for (int d = 0; ok && d < r; d++) {
            if (d != ax) {
                ok = broadcast ? (iShape[d] == xShape[d] || iShape[d] == 1 || xShape[d] == 1) : iShape[d] <= xShape[d];
            }
        }
        if (!ok) {
            throw new IllegalArgumentException(op + ": index shape " + Shapes.str(iShape) + " does not fit shape "
                    + Shapes.str(xShape) + " along axis " + axis + (broadcast
                    ? " (same rank, the other axes broadcastable)" : " (same rank, no larger on the other axes)"));
        }
        return ax;
    }

    /** For each output position: the flat offset in {@code xShape} of {@code x[..., idx[...], ...]} (size-1 axes broadcast). */
    private static int[] alongAxisMap(int[] xShape, int[] iShape, int[] outShape, int ax, int[] idx) {
        int[] st = Shapes.strides(xShape), ist = Shapes.strides(iShape);
        return IndexMaps.map(outShape, at -> {
            int o = 0, k = 0;
            for (int d = 0; d < at.length; d++) {
                k += (iShape[d] == 1 ? 0 : at[d]) * ist[d];
                if (d != ax) {
                    o += (xShape[d] == 1 ? 0 : at[d]) * st[d];
                }
            }
            return o + idx[k] * st[ax];
        });
    }
}
