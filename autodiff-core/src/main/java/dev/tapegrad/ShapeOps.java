package dev.tapegrad;

import java.util.Arrays;

/**
 * Ops that move values without computing new ones: reshape, permute, broadcastTo, slice, concat
 * (and transpose, squeeze, unsqueeze, stack composed from them). Each backward is another shape
 * op, so all of them differentiate to any order.
 */
final class ShapeOps {
    private ShapeOps() {}

    static Tensor reshape(Tensor x, int[] newShape) {
        int[] shape = newShape.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] == -1) {
                if (infer >= 0) {
                    throw new IllegalArgumentException("reshape: shape " + Arrays.toString(newShape)
                            + " has more than one -1 (input shape " + Shapes.str(x.shape) + ")");
                }
                infer = i;
            } else if (shape[i] < 0) {
                throw new IllegalArgumentException("reshape: negative dimension in " + Arrays.toString(newShape)
                        + " (input shape " + Shapes.str(x.shape) + ")");
            } else {
                known *= shape[i];
            }
        }
        if (infer >= 0) {
            if (known == 0 || x.size() % known != 0) {
                throw new IllegalArgumentException("reshape: cannot infer -1 in " + Arrays.toString(newShape)
                        + " for " + x.size() + " elements of shape " + Shapes.str(x.shape));
            }
            shape[infer] = (int) (x.size() / known);
            known *= shape[infer];
        }
        if (known != x.size()) {
            throw new IllegalArgumentException("reshape: shape " + Arrays.toString(newShape) + " holds " + known
                    + " elements but the input of shape " + Shapes.str(x.shape) + " has " + x.size());
        }
        if (Shapes.same(shape, x.shape)) {
            return x;
        }
        Tensor y = new Tensor(x.data, shape);  // values are immutable, so sharing is safe
        int[] inShape = x.shape;
        return Tape.record("reshape", y, (node, g) -> new Tensor[] {g.reshape(inShape)}, x);
    }

    static Tensor unsqueeze(Tensor x, int axis) {
        int r = x.rank();
        int ax = Shapes.axis("unsqueeze", axis, r + 1);
        int[] s = new int[r + 1];
        for (int i = 0, j = 0; i <= r; i++) {
            s[i] = i == ax ? 1 : x.shape[j++];
        }
        return reshape(x, s);
    }

    static Tensor squeeze(Tensor x, int axis) {
        int ax = Shapes.axis("squeeze", axis, x.rank());
        if (x.shape[ax] != 1) {
            throw new IllegalArgumentException("squeeze: axis " + axis + " of shape " + Shapes.str(x.shape)
                    + " has size " + x.shape[ax] + ", not 1");
        }
        return reshape(x, Shapes.withoutAxis(x.shape, ax));
    }

    static Tensor transpose(Tensor x) {
        int r = x.rank();
        if (r < 2) {
            return x;
        }
        int[] axes = new int[r];
        for (int i = 0; i < r; i++) {
            axes[i] = i;
        }
        axes[r - 2] = r - 1;
        axes[r - 1] = r - 2;
        return permute(x, axes);
    }

    static Tensor permute(Tensor x, int[] axes) {
        int r = x.rank();
        if (axes.length != r) {
            throw new IllegalArgumentException("permute: " + Arrays.toString(axes) + " names " + axes.length
                    + " axes but the tensor of shape " + Shapes.str(x.shape) + " has " + r);
        }
        int[] perm = new int[r];
        boolean[] seen = new boolean[r];
        for (int i = 0; i < r; i++) {
            int a = axes[i] < 0 ? axes[i] + r : axes[i];
            if (a < 0 || a >= r || seen[a]) {
                throw new IllegalArgumentException("permute: " + Arrays.toString(axes)
                        + " is not a permutation of the axes of shape " + Shapes.str(x.shape));
            }
            seen[a] = true;
            perm[i] = a;
        }
        boolean identity = true;
        for (int i = 0; i < r; i++) {
            identity &= perm[i] == i;
        }
        if (identity) {
            return x;
        }
        int[] outShape = new int[r];
        int[] inStrides = Shapes.strides(x.shape);
        int[] srcStrides = new int[r];
        for (int i = 0; i < r; i++) {
            outShape[i] = x.shape[perm[i]];
            srcStrides[i] = inStrides[perm[i]];
        }
        double[] out = new double[x.size()];
        stridedCopy(x.data, srcStrides, outShape, out);
        int[] inverse = new int[r];
        for (int i = 0; i < r; i++) {
            inverse[perm[i]] = i;
        }
        Tensor y = new Tensor(out, outShape);
        return Tape.record("permute", y, (node, g) -> new Tensor[] {g.permute(inverse)}, x);
    }

    /** {@code out[i...] = src[Σ i_d · strides_d]} over {@code shape} in row-major order. */
    private static void stridedCopy(double[] src, int[] strides, int[] shape, double[] out) {
        int n = out.length;
        if (n == 0) {
            return;
        }
        int r = shape.length;
        if (r == 0) {
            out[0] = src[0];
            return;
        }
        int last = shape[r - 1], ls = strides[r - 1];
        int[] idx = new int[r];
        int off = 0;
        for (int o = 0; o < n; o += last) {
            for (int j = 0; j < last; j++) {
                out[o + j] = src[off + j * ls];
            }
            for (int ax = r - 2; ax >= 0; ax--) {
                idx[ax]++;
                off += strides[ax];
                if (idx[ax] < shape[ax]) {
                    break;
                }
                off -= strides[ax] * shape[ax];
                idx[ax] = 0;
            }
        }
    }

    static Tensor broadcastTo(Tensor x, int[] shape) {
        Shapes.sizeChecked("broadcastTo", shape);
        if (!Shapes.broadcastableTo(x.shape, shape)) {
            throw new IllegalArgumentException("broadcastTo: shape " + Shapes.str(x.shape)
                    + " cannot be broadcast to " + Arrays.toString(shape));
        }
        if (Shapes.same(x.shape, shape)) {
            return x;
        }
        int[] target = shape.clone();
        double[] out = new double[Shapes.size(target)];
        stridedCopy(x.data, Shapes.broadcastStrides(x.shape, target), target, out);
        Tensor y = new Tensor(out, target);
        int[] inShape = x.shape;
        return Tape.record("broadcastTo", y, (node, g) -> new Tensor[] {BinaryOps.unbroadcast(g, inShape)}, x);
    }

    static Tensor slice(Tensor x, int axis, int from, int to) {
        int ax = Shapes.axis("slice", axis, x.rank());
        int dim = x.shape[ax];
        int f = from < 0 ? from + dim : from;
        int t = to < 0 ? to + dim : to;
        if (f < 0 || t > dim || f > t) {
            throw new IllegalArgumentException("slice: range [" + from + ", " + to + ") is out of bounds for axis "
                    + axis + " of size " + dim + " in shape " + Shapes.str(x.shape));
        }
        if (f == 0 && t == dim) {
            return x;
        }
        int outer = Shapes.outer(x.shape, ax), inner = Shapes.inner(x.shape, ax);
        int[] outShape = x.shape.clone();
        outShape[ax] = t - f;
        double[] out = new double[Shapes.size(outShape)];
        int chunk = (t - f) * inner;
        for (int o = 0; o < outer; o++) {
            System.arraycopy(x.data, (o * dim + f) * inner, out, o * chunk, chunk);
        }
        Tensor y = new Tensor(out, outShape);
        int[] inShape = x.shape;
        int before = f, after = dim - t;
        return Tape.record("slice", y, (node, g) -> {
            // the gradient is g placed back between zeros: concat differentiates again
            int[] sb = inShape.clone();
            sb[ax] = before;
            int[] sa = inShape.clone();
            sa[ax] = after;
            return new Tensor[] {Tensor.concat(ax, Tensor.zeros(sb), g, Tensor.zeros(sa))};
        }, x);
    }

    static Tensor concat(int axis, Tensor[] ts) {
        if (ts.length == 0) {
            throw new IllegalArgumentException("concat: no tensors given");
        }
        int r = ts[0].rank();
        int ax = Shapes.axis("concat", axis, r);
        int total = 0;
        for (int i = 0; i < ts.length; i++) {
            Tensor t = ts[i];
            boolean ok = t.rank() == r;
            for (int d = 0; ok && d < r; d++) {
                ok = d == ax || t.shape[d] == ts[0].shape[d];
            }
            if (!ok) {
                throw new IllegalArgumentException("concat: along axis " + axis + ", shape " + Shapes.str(t.shape)
                        + " (tensor " + i + ") does not match shape " + Shapes.str(ts[0].shape)
                        + " (tensor 0) on the other axes");
            }
            total += t.shape[ax];
        }
        if (ts.length == 1) {
            return ts[0];
        }
        int[] outShape = ts[0].shape.clone();
        outShape[ax] = total;
        int outer = Shapes.outer(outShape, ax), inner = Shapes.inner(outShape, ax);
        double[] out = new double[Shapes.size(outShape)];
        int rowLen = total * inner;
        int pos = 0;
        int[] starts = new int[ts.length + 1];
        for (int i = 0; i < ts.length; i++) {
            int len = ts[i].shape[ax] * inner;
            for (int o = 0; o < outer; o++) {
                System.arraycopy(ts[i].data, o * len, out, o * rowLen + pos, len);
            }
            pos += len;
            starts[i + 1] = starts[i] + ts[i].shape[ax];
        }
        Tensor y = new Tensor(out, outShape);
        Tensor[] inputs = ts.clone();
        return Tape.record("concat", y, (node, g) -> {
            Tensor[] gs = new Tensor[inputs.length];
            for (int i = 0; i < inputs.length; i++) {
                if (node.needsGrad(i)) {
                    gs[i] = g.slice(ax, starts[i], starts[i + 1]);
                }
            }
            return gs;
        }, inputs);
    }

    static Tensor stack(int axis, Tensor[] ts) {
        if (ts.length == 0) {
            throw new IllegalArgumentException("stack: no tensors given");
        }
        int ax = Shapes.axis("stack", axis, ts[0].rank() + 1);
        for (int i = 1; i < ts.length; i++) {
            if (!Arrays.equals(ts[i].shape, ts[0].shape)) {
                throw new IllegalArgumentException("stack: shape " + Shapes.str(ts[i].shape) + " (tensor " + i
                        + ") differs from shape " + Shapes.str(ts[0].shape) + " (tensor 0)");
            }
        }
        Tensor[] expanded = new Tensor[ts.length];
        for (int i = 0; i < ts.length; i++) {
            expanded[i] = unsqueeze(ts[i], ax);
        }
        return concat(ax, expanded);
    }
}
