package dev.tapegrad;

import java.util.Arrays;

/**
 * Shape and data-movement functions with numpy's meaning unless PyTorch's is stated: squeeze,
 * flatten, split/chunk, flip, roll, repeat (numpy's) and repeatTiles (PyTorch's {@code repeat}),
 * tile, pad, tril/triu, diag, diagonal, diagEmbed, trace, the full transpose {@link #T}, strided
 * slicing and moveaxis. All are linear: each is a reshape/permute/slice/concat of {@link Tensor}
 * or one gather by an index map (see {@code IndexMaps}), whose VJP is the matching scatter-add
 * and whose JVP is the same gather of the tangent, so every function here differentiates to any
 * order in both modes. Axes may be negative (counted from the end).
 *
 * <pre>{@code
 * Tensor x = Tensor.arange(6).reshape(2, 3);
 * ArrayOps.flip(x, 1);             // [[2, 1, 0], [5, 4, 3]]
 * ArrayOps.repeat(x, 2, 0);        // numpy: each row twice: rows 0, 0, 1, 1
 * ArrayOps.repeatTiles(x, 2, 1);   // PyTorch's x.repeat(2, 1): the whole block twice: rows 0, 1, 0, 1
 * ArrayOps.T(x);                   // shape [3, 2]
 * }</pre>
 */
public final class ArrayOps {
    private ArrayOps() {}

    static final OpRegistry.Family FAMILY = ArrayOpsCatalog.FAMILY;

    /** {@code x} with every axis of size 1 removed (numpy's {@code squeeze()}); a scalar stays a scalar. */
    public static Tensor squeeze(Tensor x) {
        int[] s = Arrays.stream(x.shape).filter(d -> d != 1).toArray();
        return x.reshape(s);
    }

    /** {@code x} as a 1-D tensor (a scalar becomes shape [1], as in PyTorch). */
    public static Tensor flatten(Tensor x) {
        return x.reshape(x.size());
    }

    /**
     * PyTorch's {@code flatten(start, end)}: axes {@code start..end} (inclusive, negative allowed)
     * merged into one. A scalar becomes shape [1].
     */
    public static Tensor flatten(Tensor x, int start, int end) {
        if (x.rank() == 0) {
            return x.reshape(1);
        }
        int r = x.rank();
        int s = Shapes.axis("flatten", start, r), e = Shapes.axis("flatten", end, r);
        if (s > e) {
            throw new IllegalArgumentException("flatten: start axis " + start + " comes after end axis " + end
                    + " in shape " + Shapes.str(x.shape));
        }
        int[] out = new int[r - (e - s)];
        int merged = 1;
        for (int i = s; i <= e; i++) {
            merged *= x.shape[i];
        }
        for (int i = 0, j = 0; i < r; i++) {
            if (i < s || i > e) {
                out[j++] = x.shape[i];
            } else if (i == s) {
                out[j++] = merged;
            }
        }
        return x.reshape(out);
    }

    /** Pieces of the given sizes along {@code axis} (PyTorch's {@code split(x, sizes, dim)}); they must sum to the axis size. */
    public static Tensor[] split(Tensor x, int[] sizes, int axis) {
        int ax = Shapes.axis("split", axis, x.rank());
        int total = 0;
        for (int s : sizes) {
            if (s < 0) {
                throw new IllegalArgumentException("split: negative size in " + Arrays.toString(sizes));
            }
            total += s;
        }
        if (total != x.shape[ax]) {
            throw new IllegalArgumentException("split: sizes " + Arrays.toString(sizes) + " sum to " + total
                    + " but axis " + axis + " of shape " + Shapes.str(x.shape) + " has size " + x.shape[ax]);
        }
        Tensor[] out = new Tensor[sizes.length];
        int from = 0;
        for (int i = 0; i < sizes.length; i++) {
            out[i] = x.slice(ax, from, from + sizes[i]);
            from += sizes[i];
        }
        return out;
    }

    /** PyTorch's {@code split(x, splitSize, dim)}: pieces of {@code splitSize} along {@code axis}, the last one smaller if need be. */
    public static Tensor[] split(Tensor x, int splitSize, int axis) {
        int ax = Shapes.axis("split", axis, x.rank());
        if (splitSize <= 0) {
            throw new IllegalArgumentException("split: split size " + splitSize + " must be positive (shape "
                    + Shapes.str(x.shape) + ")");
        }
        int n = x.shape[ax];
        int pieces = Math.max(1, (n + splitSize - 1) / splitSize);
        int[] sizes = new int[pieces];
        for (int i = 0; i < pieces; i++) {
            sizes[i] = Math.min(splitSize, n - i * splitSize);
        }
        return split(x, sizes, ax);
    }

    /**
     * numpy's {@code array_split(x, sections, axis)}: {@code sections} pieces, the first
     * {@code n % sections} one element longer (uneven sections allowed; some may be empty).
     */
    public static Tensor[] arraySplit(Tensor x, int sections, int axis) {
        int ax = Shapes.axis("arraySplit", axis, x.rank());
        if (sections <= 0) {
            throw new IllegalArgumentException("arraySplit: " + sections + " sections (shape " + Shapes.str(x.shape) + ")");
        }
        int n = x.shape[ax];
        int[] sizes = new int[sections];
        for (int i = 0; i < sections; i++) {
            sizes[i] = n / sections + (i < n % sections ? 1 : 0);
        }
        return split(x, sizes, ax);
    }

    /** PyTorch's {@code chunk(x, chunks, dim)}: pieces of {@code ceil(n / chunks)}, so possibly fewer than {@code chunks}. */
    public static Tensor[] chunk(Tensor x, int chunks, int axis) {
        int ax = Shapes.axis("chunk", axis, x.rank());
        if (chunks <= 0) {
            throw new IllegalArgumentException("chunk: " + chunks + " chunks (shape " + Shapes.str(x.shape) + ")");
        }
        return split(x, Math.max(1, (x.shape[ax] + chunks - 1) / chunks), ax);
    }

    /** {@code x} reversed along {@code axes} (all axes when none are given), numpy's {@code flip}. */
    public static Tensor flip(Tensor x, int... axes) {
        int r = x.rank();
        boolean[] flipped = new boolean[r];
        if (axes.length == 0) {
            Arrays.fill(flipped, true);
        }
        for (int a : axes) {
            flipped[Shapes.axis("flip", a, r)] = true;
        }
        int[] map = IndexMaps.perAxis(x.shape, x.shape, (i, c) -> flipped[i] ? x.shape[i] - 1 - c : c);
        return IndexMaps.gather(x, map, x.shape);
    }

    /** numpy's {@code roll(x, shift, axis)}: elements shifted forward by {@code shift} along {@code axis}, wrapping around. */
    public static Tensor roll(Tensor x, int shift, int axis) {
        int r = x.rank();
        int ax = Shapes.axis("roll", axis, r);
        int n = x.shape[ax];
        int[] map = IndexMaps.perAxis(x.shape, x.shape, (i, c) -> i == ax ? Math.floorMod(c - shift, n) : c);
        return IndexMaps.gather(x, map, x.shape);
    }

    /** numpy's {@code roll(x, shift)} without an axis: rolls the flattened tensor, then restores the shape. */
    public static Tensor roll(Tensor x, int shift) {
        return roll(flatten(x), shift, 0).reshape(x.shape);
    }

    /** numpy's {@code repeat(x, repeats, axis)}: each element repeated {@code repeats} times along {@code axis}. */
    public static Tensor repeat(Tensor x, int repeats, int axis) {
        int ax = Shapes.axis("repeat", axis, x.rank());
        int[] counts = new int[x.shape[ax]];
        Arrays.fill(counts, repeats);
        return repeat(x, counts, ax);
    }

    /** numpy's {@code repeat(x, repeats)} without an axis: the flattened tensor, each element repeated. */
    public static Tensor repeat(Tensor x, int repeats) {
        return repeat(flatten(x), repeats, 0);
    }

    /** numpy's {@code repeat(x, counts, axis)}: element {@code i} along {@code axis} repeated {@code counts[i]} times. */
    public static Tensor repeat(Tensor x, int[] counts, int axis) {
        int r = x.rank();
        int ax = Shapes.axis("repeat", axis, r);
        if (counts.length != x.shape[ax]) {
            throw new IllegalArgumentException("repeat: " + counts.length + " counts for axis " + axis + " of size "
                    + x.shape[ax] + " in shape " + Shapes.str(x.shape));
        }
        int total = 0;
        for (int c : counts) {
            if (c < 0) {
                throw new IllegalArgumentException("repeat: negative count in " + Arrays.toString(counts)
                        + " (shape " + Shapes.str(x.shape) + ")");
            }
            total += c;
        }
        int[] source = new int[total];
        for (int i = 0, k = 0; i < counts.length; i++) {
            for (int c = 0; c < counts[i]; c++) {
                source[k++] = i;
            }
        }
        int[] outShape = x.shape.clone();
        outShape[ax] = total;
        int[] map = IndexMaps.perAxis(x.shape, outShape, (i, c) -> i == ax ? source[c] : c);
        return IndexMaps.gather(x, map, outShape);
    }

    /**
     * PyTorch's {@code Tensor.repeat(reps)} (a tiling, unlike numpy's {@link #repeat}): the whole
     * tensor repeated {@code reps[i]} times along axis {@code i}; {@code reps} must name at least
     * as many axes as {@code x} has (new leading axes are added).
     */
    public static Tensor repeatTiles(Tensor x, int... reps) {
        if (reps.length < x.rank()) {
            throw new IllegalArgumentException("repeatTiles: " + reps.length + " repeat counts for shape "
                    + Shapes.str(x.shape) + ": need at least one per axis (PyTorch's repeat)");
        }
        return tile(x, reps);
    }

    /**
     * numpy's {@code tile(x, reps)}: the whole tensor repeated {@code reps[i]} times along axis
     * {@code i}; a shorter {@code reps} is padded with leading 1s, a longer one adds leading axes.
     */
    public static Tensor tile(Tensor x, int... reps) {
        for (int v : reps) {
            if (v < 0) {
                throw new IllegalArgumentException("tile: negative count in " + Arrays.toString(reps)
                        + " (shape " + Shapes.str(x.shape) + ")");
            }
        }
        int r = Math.max(reps.length, x.rank());
        int[] in = new int[r];
        int[] rp = new int[r];
        for (int i = 0; i < r; i++) {
            int xi = i - (r - x.rank()), ri = i - (r - reps.length);
            in[i] = xi >= 0 ? x.shape[xi] : 1;
            rp[i] = ri >= 0 ? reps[ri] : 1;
        }
        int[] outShape = new int[r];
        for (int i = 0; i < r; i++) {
            outShape[i] = in[i] * rp[i];
        }
        int[] map = IndexMaps.perAxis(in, outShape, (i, c) -> c % in[i]);
        return IndexMaps.gather(x, map, outShape);
    }

    /** {@link #pad(Tensor, int[][], double)} with zeros. */
    public static Tensor pad(Tensor x, int[][] widths) {
        return pad(x, widths, 0.0);
    }

    /**
     * numpy's {@code pad(x, widths, constant_values=value)}: {@code widths[i] = {before, after}}
     * elements of {@code value} added on axis {@code i} (one pair per axis, non-negative). The
     * gradient with respect to {@code x} is the unpadded part of the output's gradient.
     */
    public static Tensor pad(Tensor x, int[][] widths, double value) {
        int r = x.rank();
        if (widths.length != r) {
            throw new IllegalArgumentException("pad: " + widths.length + " width pairs for shape " + Shapes.str(x.shape)
                    + ": need one {before, after} pair per axis");
        }
        int[] outShape = new int[r];
        for (int i = 0; i < r; i++) {
            if (widths[i].length != 2 || widths[i][0] < 0 || widths[i][1] < 0) {
                throw new IllegalArgumentException("pad: width " + Arrays.toString(widths[i]) + " for axis " + i
                        + " of shape " + Shapes.str(x.shape) + " is not a non-negative {before, after} pair");
            }
            outShape[i] = x.shape[i] + widths[i][0] + widths[i][1];
        }
        int[] map = IndexMaps.perAxis(x.shape, outShape, (i, c) -> {
            int j = c - widths[i][0];
            return j < x.shape[i] ? j : -1;  // j < 0 is a zero too
        });
        Tensor out = IndexMaps.gather(x, map, outShape);
        if (value == 0) {
            return out;
        }
        double[] fill = new double[map.length];
        for (int k = 0; k < map.length; k++) {
            fill[k] = map[k] < 0 ? value : 0;
        }
        return out.add(Tensor.of(fill, outShape));
    }

    /** The lower triangle of the last two axes: entries with {@code j - i <= k} kept, the rest zero (numpy's {@code tril}). */
    public static Tensor tril(Tensor x, int k) {
        return triangle("tril", x, k, true);
    }

    /** The upper triangle of the last two axes: entries with {@code j - i >= k} kept, the rest zero (numpy's {@code triu}). */
    public static Tensor triu(Tensor x, int k) {
        return triangle("triu", x, k, false);
    }

    private static Tensor triangle(String op, Tensor x, int k, boolean lower) {
        int r = x.rank();
        if (r < 2) {
            throw new IllegalArgumentException(op + ": needs at least 2 axes, got shape " + Shapes.str(x.shape));
        }
        int[] map = IndexMaps.map(x.shape, idx -> {
            int d = idx[r - 1] - idx[r - 2];
            boolean keep = lower ? d <= k : d >= k;
            return keep ? IndexMaps.offset(idx, Shapes.strides(x.shape)) : -1;
        });
        return IndexMaps.gather(x, map, x.shape);
    }

    /**
     * numpy's {@code diag(x, k)}: of a 1-D {@code x}, the square matrix with {@code x} on diagonal
     * {@code k} (above the main one for k > 0); of a 2-D {@code x}, its diagonal {@code k} as 1-D.
     */
    public static Tensor diag(Tensor x, int k) {
        if (x.rank() == 1) {
            int m = x.shape[0] + Math.abs(k);
            int[] map = IndexMaps.map(new int[] {m, m}, idx -> idx[1] - idx[0] == k ? (k >= 0 ? idx[0] : idx[1]) : -1);
            return IndexMaps.gather(x, map, new int[] {m, m});
        }
        if (x.rank() == 2) {
            return diagonal(x, k, 0, 1);
        }
        throw new IllegalArgumentException("diag: needs a 1-D or 2-D tensor, got shape " + Shapes.str(x.shape));
    }

    /**
     * numpy's {@code diagonal(x, offset, axis1, axis2)}: the entries {@code x[..., i, ..., i + offset, ...]}
     * of the two axes, which are removed; the diagonal becomes the last axis.
     */
    public static Tensor diagonal(Tensor x, int offset, int axis1, int axis2) {
        int r = x.rank();
        if (r < 2) {
            throw new IllegalArgumentException("diagonal: needs at least 2 axes, got shape " + Shapes.str(x.shape));
        }
        int a1 = Shapes.axis("diagonal", axis1, r), a2 = Shapes.axis("diagonal", axis2, r);
        if (a1 == a2) {
            throw new IllegalArgumentException("diagonal: axis1 " + axis1 + " and axis2 " + axis2
                    + " are the same axis of shape " + Shapes.str(x.shape));
        }
        int len = Math.max(0, offset >= 0 ? Math.min(x.shape[a1], x.shape[a2] - offset)
                                          : Math.min(x.shape[a1] + offset, x.shape[a2]));
        int[] outShape = new int[r - 1];
        int[] rest = new int[r - 2];
        for (int i = 0, j = 0; i < r; i++) {
            if (i != a1 && i != a2) {
                rest[j] = i;
                outShape[j++] = x.shape[i];
            }
        }
        outShape[r - 2] = len;
        int[] st = Shapes.strides(x.shape);
        int[] map = IndexMaps.map(outShape, idx -> {
            int o = 0;
            for (int j = 0; j < r - 2; j++) {
                o += idx[j] * st[rest[j]];
            }
            int d = idx[r - 2];
            return o + (offset >= 0 ? d : d - offset) * st[a1] + (offset >= 0 ? d + offset : d) * st[a2];
        });
        return IndexMaps.gather(x, map, outShape);
    }

    /** {@link #diagonal(Tensor, int, int, int)} of the first two axes (numpy's default). */
    public static Tensor diagonal(Tensor x) {
        return diagonal(x, 0, 0, 1);
    }

    /**
     * PyTorch's {@code diag_embed(x, offset, dim1=-2, dim2=-1)}: the last axis of {@code x} placed on
     * diagonal {@code offset} of two new last axes, zeros elsewhere (the transpose of {@link #diagonal}).
     */
    public static Tensor diagEmbed(Tensor x, int offset) {
        if (x.rank() == 0) {
            throw new IllegalArgumentException("diagEmbed: needs at least 1 axis, got a scalar");
        }
        int r = x.rank();
        int n = x.shape[r - 1], m = n + Math.abs(offset);
        int[] outShape = Arrays.copyOf(x.shape, r + 1);
        outShape[r - 1] = m;
        outShape[r] = m;
        int[] st = Shapes.strides(x.shape);
        int[] map = IndexMaps.map(outShape, idx -> {
            int i = idx[r - 1], j = idx[r];
            if (j - i != offset) {
                return -1;
            }
            int o = 0;
            for (int a = 0; a < r - 1; a++) {
                o += idx[a] * st[a];
            }
            return o + (offset >= 0 ? i : j);
        });
        return IndexMaps.gather(x, map, outShape);
    }

    /** numpy's {@code trace} of a matrix (the sum of its diagonal); of more axes, of the first two. */
    public static Tensor trace(Tensor x) {
        return trace(x, 0, 0, 1);
    }

    /** numpy's {@code trace(x, offset, axis1, axis2)}: the sum of {@link #diagonal(Tensor, int, int, int)}. */
    public static Tensor trace(Tensor x, int offset, int axis1, int axis2) {
        return diagonal(x, offset, axis1, axis2).sum(-1);
    }

    /**
     * numpy's {@code x.T}: all axes reversed (a matrix transposed, a vector or scalar unchanged).
     * {@code Tensor.transpose()} swaps only the last two axes.
     */
    public static Tensor T(Tensor x) {
        int r = x.rank();
        int[] p = new int[r];
        for (int i = 0; i < r; i++) {
            p[i] = r - 1 - i;
        }
        return x.permute(p);
    }

    /**
     * Python's {@code x[start:stop:step]} along {@code axis}: {@code null} bounds take the defaults
     * for the step's sign, negative bounds count from the end, out-of-range bounds are clipped,
     * and a negative step walks backwards ({@code slice(x, 0, null, null, -1)} reverses).
     */
    public static Tensor slice(Tensor x, int axis, Integer start, Integer stop, int step) {
        int r = x.rank();
        int ax = Shapes.axis("slice", axis, r);
        if (step == 0) {
            throw new IllegalArgumentException("slice: step 0 along axis " + axis + " of shape " + Shapes.str(x.shape));
        }
        int n = x.shape[ax];
        int lo = step > 0 ? 0 : -1, hi = step > 0 ? n : n - 1;
        int s = start == null ? (step > 0 ? lo : hi) : clip(start < 0 ? start + n : start, lo, hi);
        int e = stop == null ? (step > 0 ? hi : lo) : clip(stop < 0 ? stop + n : stop, lo, hi);
        int len = step > 0 ? Math.max(0, (e - s + step - 1) / step) : Math.max(0, (s - e - step - 1) / -step);
        int[] outShape = x.shape.clone();
        outShape[ax] = len;
        int first = s;
        int[] map = IndexMaps.perAxis(x.shape, outShape, (i, c) -> i == ax ? first + c * step : c);
        return IndexMaps.gather(x, map, outShape);
    }

    private static int clip(int v, int lo, int hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    /** numpy's {@code moveaxis(x, source, destination)} for one axis. */
    public static Tensor moveaxis(Tensor x, int source, int destination) {
        return moveaxis(x, new int[] {source}, new int[] {destination});
    }

    /** numpy's {@code moveaxis}: axes {@code source[i]} moved to positions {@code destination[i]}, the others keeping their order. */
    public static Tensor moveaxis(Tensor x, int[] source, int[] destination) {
        int r = x.rank();
        if (source.length != destination.length) {
            throw new IllegalArgumentException("moveaxis: " + source.length + " source axes but " + destination.length
                    + " destinations (shape " + Shapes.str(x.shape) + ")");
        }
        int[] perm = new int[r];
        Arrays.fill(perm, -1);
        boolean[] moved = new boolean[r];
        for (int i = 0; i < source.length; i++) {
            int s = Shapes.axis("moveaxis", source[i], r), d = Shapes.axis("moveaxis", destination[i], r);
            if (moved[s] || perm[d] >= 0) {
                throw new IllegalArgumentException("moveaxis: repeated axis in source " + Arrays.toString(source)
                        + " or destination " + Arrays.toString(destination) + " (shape " + Shapes.str(x.shape) + ")");
            }
            moved[s] = true;
            perm[d] = s;
        }
        for (int i = 0, next = 0; i < r; i++) {
            if (perm[i] < 0) {
                while (moved[next]) {
                    next++;
                }
                perm[i] = next++;
            }
        }
        return x.permute(perm);
    }
}
