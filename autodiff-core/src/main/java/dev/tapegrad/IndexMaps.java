package dev.tapegrad;

import dev.tapegrad.kernels.Gather;

/**
 * The linear pair every data-movement op of {@link ArrayOps} and {@link IndexOps} is built from:
 * {@code gatherFlat} ({@code out[k] = x[map[k]]}, zero where {@code map[k] < 0}) and its transpose
 * {@code scatterAddFlat} ({@code out[map[k]] += x[k]}). Each is the other's VJP and its own JVP
 * (applied to the tangent), so every op composed from them differentiates to any order in both
 * modes. The maps are computed and validated by the public functions before anything is recorded.
 */
final class IndexMaps {
    private IndexMaps() {}

    /** Attributes: the flat map, the shape of the gathered-from (or scattered-into) tensor. */
    private record FlatMap(int[] map, int[] otherShape) {}

    static final Op GATHER_FLAT = new Op("gatherFlat") {
        @Override
        Tensor[] vjp(Node call, Tensor g) {
            FlatMap m = call.attrs();
            return new Tensor[] {scatter(g, m.map(), m.otherShape())};
        }

        @Override
        Tensor jvp(Node call, Tensor[] t) {
            FlatMap m = call.attrs();
            return gather(t[0], m.map(), call.output.shape);
        }
    };

    static final Op SCATTER_ADD_FLAT = new Op("scatterAddFlat") {
        @Override
        Tensor[] vjp(Node call, Tensor g) {
            FlatMap m = call.attrs();
            return new Tensor[] {gather(g, m.map(), call.input(0).shape)};
        }

        @Override
        Tensor jvp(Node call, Tensor[] t) {
            FlatMap m = call.attrs();
            return scatter(t[0], m.map(), call.output.shape);
        }
    };

    /** {@code out[k] = x.flat[map[k]]} (0 for a negative entry), of shape {@code outShape}; map entries must be valid. */
    static Tensor gather(Tensor x, int[] map, int[] outShape) {
        double[] out = Gather.gather(x.data, map);
        return GATHER_FLAT.finish(new FlatMap(map, x.shape.clone()), new Tensor(out, outShape.clone()), x);
    }

    /** {@code out.flat[map[k]] += x.flat[k]} into zeros of shape {@code outShape}. */
    static Tensor scatter(Tensor x, int[] map, int[] outShape) {
        double[] out = Gather.scatterAdd(x.data, map, Shapes.size(outShape));
        return SCATTER_ADD_FLAT.finish(new FlatMap(map, x.shape.clone()), new Tensor(out, outShape.clone()), x);
    }

    /** Where output element {@code idx} comes from: a flat source index, or −1 for a zero. */
    @FunctionalInterface
    interface Source {
        int at(int[] idx);
    }

    /** The map of an output of shape {@code outShape}: {@code f} applied to each multi-index in row-major order. */
    static int[] map(int[] outShape, Source f) {
        int n = Shapes.size(outShape);
        int[] map = new int[n];
        int r = outShape.length;
        int[] idx = new int[r];
        for (int k = 0; k < n; k++) {
            map[k] = f.at(idx);
            for (int ax = r - 1; ax >= 0; ax--) {
                if (++idx[ax] < outShape[ax]) {
                    break;
                }
                idx[ax] = 0;
            }
        }
        return map;
    }

    /** Where output coordinate {@code c} on axis {@code axis} comes from in the input: a coordinate, or −1 for a zero. */
    @FunctionalInterface
    interface AxisSource {
        int at(int axis, int c);
    }

    /**
     * The map of an op that moves each axis independently (flip, roll, repeat, tile, pad, strided
     * slicing): input coordinate {@code f.at(axis, c)} for output coordinate {@code c}; any −1 makes a zero.
     */
    static int[] perAxis(int[] inShape, int[] outShape, AxisSource f) {
        int[] st = Shapes.strides(inShape);
        return map(outShape, idx -> {
            int o = 0;
            for (int i = 0; i < idx.length; i++) {
                int c = f.at(i, idx[i]);
                if (c < 0) {
                    return -1;
                }
                o += c * st[i];
            }
            return o;
        });
    }

    /** Flat row-major offset of {@code idx} in {@code shape} (strides given). */
    static int offset(int[] idx, int[] strides) {
        int o = 0;
        for (int i = 0; i < idx.length; i++) {
            o += idx[i] * strides[i];
        }
        return o;
    }

    /**
     * The integer values of an index tensor, negative ones wrapped (numpy: {@code -n ≤ i < n}).
     *
     * @throws IllegalArgumentException naming the op, the index, the axis and the shape if one is
     *                                  not an integer or out of range
     */
    static int[] indices(String op, Tensor index, int axis, int[] shape) {
        int n = axis < 0 ? Shapes.size(shape) : shape[axis];
        double[] v = index.data;
        int[] out = new int[v.length];
        for (int k = 0; k < v.length; k++) {
            double d = v[k];
            if (d != Math.rint(d) || Double.isInfinite(d)) {
                throw new IllegalArgumentException(op + ": index " + d + " is not an integer (index shape "
                        + Shapes.str(index.shape) + ")");
            }
            if (d < -n || d >= n) {
                throw new IllegalArgumentException(op + ": index " + (long) d + " is out of range for "
                        + (axis < 0 ? "the " + n + " elements" : "axis " + axis + " of size " + n)
                        + " of shape " + Shapes.str(shape));
            }
            out[k] = (int) (d < 0 ? d + n : d);
        }
        return out;
    }
}
