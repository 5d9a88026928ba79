package dev.tapegrad;

import dev.tapegrad.testing.Domain;
import dev.tapegrad.testing.Gen;
import dev.tapegrad.testing.OpTest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Ops that move values without computing new ones: reshape, permute, broadcastTo, slice, concat
 * (and transpose, squeeze, unsqueeze, stack composed from them). They are linear, so each JVP is
 * the op itself applied to the tangent, and each VJP is another shape op (its transpose): all of
 * them differentiate to any order, in both modes.
 */
public final class ShapeOps {
    private ShapeOps() {}

    static final Op RESHAPE = new Op("reshape") {
        @Override
        Tensor[] vjp(Node call, Tensor g) {
            return new Tensor[] {g.reshape(call.input(0).shape)};
        }

        @Override
        Tensor jvp(Node call, Tensor[] t) {
            return t[0].reshape(call.output.shape);
        }
    };

    /** Attributes of permute: the permutation and its inverse. */
    private record Permutation(int[] perm, int[] inverse) {}

    static final Op PERMUTE = new Op("permute") {
        @Override
        Tensor[] vjp(Node call, Tensor g) {
            Permutation p = call.attrs();
            return new Tensor[] {g.permute(p.inverse())};
        }

        @Override
        Tensor jvp(Node call, Tensor[] t) {
            Permutation p = call.attrs();
            return t[0].permute(p.perm());
        }
    };

    static final Op BROADCAST_TO = new Op("broadcastTo") {
        @Override
        Tensor[] vjp(Node call, Tensor g) {
            return new Tensor[] {BinaryOps.unbroadcast(g, call.input(0).shape)};
        }

        @Override
        Tensor jvp(Node call, Tensor[] t) {
            return t[0].broadcastTo(call.output.shape);
        }
    };

    /** Attributes of slice: the axis and the range kept. */
    private record Range(int axis, int from, int to) {}

    static final Op SLICE = new Op("slice") {
        @Override
        Tensor[] vjp(Node call, Tensor g) {
            // the gradient is g placed back between zeros: concat differentiates again
            Range r = call.attrs();
            int[] inShape = call.input(0).shape;
            int[] sb = inShape.clone();
            sb[r.axis()] = r.from();
            int[] sa = inShape.clone();
            sa[r.axis()] = inShape[r.axis()] - r.to();
            return new Tensor[] {Tensor.concat(r.axis(), Tensor.zeros(sb), g, Tensor.zeros(sa))};
        }

        @Override
        Tensor jvp(Node call, Tensor[] t) {
            Range r = call.attrs();
            return t[0].slice(r.axis(), r.from(), r.to());
        }
    };

    /** Attributes of concat: the axis and where each input starts along it. */
    private record Pieces(int axis, int[] starts) {}

    static final Op CONCAT = new Op("concat") {
        @Override
        Tensor[] vjp(Node call, Tensor g) {
            Pieces p = call.attrs();
            Tensor[] gs = new Tensor[call.inputs.length];
            for (int i = 0; i < gs.length; i++) {
                if (call.needsGrad(i)) {
                    gs[i] = g.slice(p.axis(), p.starts()[i], p.starts()[i + 1]);
                }
            }
            return gs;
        }

        @Override
        Tensor jvp(Node call, Tensor[] t) {
            Pieces p = call.attrs();
            Tensor[] ts = new Tensor[t.length];
            for (int i = 0; i < t.length; i++) {
                ts[i] = ForwardMode.orZeros(t[i], call.input(i).shape);
            }
            return Tensor.concat(p.axis(), ts);
        }
    };

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
        return RESHAPE.finish(null, new Tensor(x.data, shape), x);  // values are immutable, so sharing is safe
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
        return PERMUTE.finish(new Permutation(perm, inverse), new Tensor(out, outShape), x);
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
        return BROADCAST_TO.finish(null, new Tensor(out, target), x);
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
        return SLICE.finish(new Range(ax, f, t), new Tensor(out, outShape), x);
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
        return CONCAT.finishAll(new Pieces(ax, starts), new Tensor(out, outShape), ts.clone());
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

    // ---------------------------------------------------------------- the family's tests and names

    private static final Domain VALUES = Domain.free(-3, 3);

    private static Domain[] domains(Domain... d) {
        return d;
    }

    private static void add(List<OpTest> out, String name, String description, Domain[] domains,
                            dev.tapegrad.testing.ShapeGenerator shapes, OpTest.Binder binder) {
        out.add(OpTest.of(name, description, domains, shapes, binder));
    }

    static final OpRegistry.Family FAMILY = new OpRegistry.Family() {
        @Override
        public List<OpTest> tests() {
            List<OpTest> out = new ArrayList<>();
            // ---- shape ops
            add(out, "transpose", "x.transpose(): swaps the last two axes", domains(VALUES), rng -> new int[][] {Gen.shape(rng, rng.nextInt(5), 3)},
                    (s, rng) -> new OpTest.Bound("", in -> in[0].transpose()));
            add(out, "permute", "x.permute(axes), axes possibly negative", domains(VALUES), rng -> new int[][] {Gen.shape(rng, 1 + rng.nextInt(4), 3)},
                    (s, rng) -> {
                        int r = s[0].length;
                        if (r == 0) {
                            throw new IllegalArgumentException("permute: a scalar has no axes to permute");
                        }
                        int[] perm = Gen.permutation(rng, r);
                        for (int i = 0; i < r; i++) {
                            perm[i] = rng.nextBoolean() ? perm[i] - r : perm[i];
                        }
                        return new OpTest.Bound("axes=" + Arrays.toString(perm), in -> in[0].permute(perm));
                    });
            add(out, "reshape", "x.reshape(shape), one entry possibly -1", domains(VALUES), rng -> new int[][] {Gen.anyShape(rng)},
                    (s, rng) -> {
                        int[] target = Gen.factorise(rng, Gen.size(s[0]));
                        if (target.length > 0 && rng.nextInt(3) == 0 && Gen.size(target) > 0) {
                            target[rng.nextInt(target.length)] = -1;
                        }
                        return new OpTest.Bound("shape=" + Arrays.toString(target), in -> in[0].reshape(target));
                    });
            add(out, "broadcastTo", "x.broadcastTo(shape)", domains(VALUES),
                    rng -> new int[][] {Gen.broadcastVariant(rng, Gen.shape(rng, rng.nextInt(3), 3))},
                    (s, rng) -> {
                        int[] target = Gen.expand(rng, s[0]);
                        return new OpTest.Bound("shape=" + Arrays.toString(target), in -> in[0].broadcastTo(target));
                    });
            add(out, "slice", "x.slice(axis, from, to), negative bounds included", domains(VALUES),
                    rng -> new int[][] {Gen.shape(rng, 1 + rng.nextInt(3), 4)},
                    (s, rng) -> {
                        int ax = Gen.randomAxis(rng, s[0].length);
                        int d = s[0][ax < 0 ? ax + s[0].length : ax];
                        int from = rng.nextInt(d + 1);
                        int to = from + rng.nextInt(d - from + 1);
                        int f = from < d && rng.nextBoolean() ? from - d : from;
                        int t = to < d && rng.nextBoolean() ? to - d : to;
                        return new OpTest.Bound("axis=" + ax + ", from=" + f + ", to=" + t, in -> in[0].slice(ax, f, t));
                    });
            add(out, "concat", "Tensor.concat(axis, a, b, c)", domains(VALUES, VALUES, VALUES),
                    rng -> {
                        int[] base = Gen.shape(rng, 1 + rng.nextInt(3), 3);
                        int ax = rng.nextInt(base.length);
                        int[][] shapes = new int[3][];
                        for (int i = 0; i < 3; i++) {
                            shapes[i] = base.clone();
                            shapes[i][ax] = 1 + rng.nextInt(3);
                        }
                        return shapes;
                    },
                    (s, rng) -> {
                        List<Integer> axes = new ArrayList<>();
                        int r = s[0].length;
                        for (int ax = 0; ax < r; ax++) {
                            boolean ok = true;
                            for (int[] other : s) {
                                ok &= other.length == r;
                                for (int d = 0; ok && d < r; d++) {
                                    ok = d == ax || other[d] == s[0][d];
                                }
                            }
                            if (ok) {
                                axes.add(ax);
                            }
                        }
                        if (axes.isEmpty()) {
                            throw new IllegalArgumentException("concat: shapes " + Arrays.deepToString(s) + " agree on no axis");
                        }
                        int ax0 = axes.get(rng.nextInt(axes.size()));
                        int ax = rng.nextBoolean() ? ax0 - r : ax0;
                        return new OpTest.Bound("axis=" + ax, in -> Tensor.concat(ax, in));
                    });
            add(out, "stack", "Tensor.stack(axis, a, b)", domains(VALUES, VALUES),
                    rng -> {
                        int[] s = Gen.anyShape(rng);
                        return new int[][] {s, s.clone()};
                    },
                    (s, rng) -> {
                        int ax = Gen.randomAxis(rng, s[0].length + 1);
                        return new OpTest.Bound("axis=" + ax, in -> Tensor.stack(ax, in));
                    });
            add(out, "unsqueeze", "x.unsqueeze(axis)", domains(VALUES), rng -> new int[][] {Gen.anyShape(rng)},
                    (s, rng) -> {
                        int ax = Gen.randomAxis(rng, s[0].length + 1);
                        return new OpTest.Bound("axis=" + ax, in -> in[0].unsqueeze(ax));
                    });
            add(out, "squeeze", "x.squeeze(axis) of a size-1 axis", domains(VALUES),
                    rng -> {
                        int[] s = Gen.shape(rng, rng.nextInt(3), 3);
                        int at = rng.nextInt(s.length + 1);
                        int[] t = new int[s.length + 1];
                        for (int i = 0, j = 0; i < t.length; i++) {
                            t[i] = i == at ? 1 : s[j++];
                        }
                        return new int[][] {t};
                    },
                    (s, rng) -> {
                        List<Integer> ones = new ArrayList<>();
                        for (int i = 0; i < s[0].length; i++) {
                            if (s[0][i] == 1) {
                                ones.add(i);
                            }
                        }
                        if (ones.isEmpty()) {
                            throw new IllegalArgumentException("squeeze: shape " + Arrays.toString(s[0]) + " has no axis of size 1");
                        }
                        int a = ones.get(rng.nextInt(ones.size()));
                        int ax = rng.nextBoolean() ? a - s[0].length : a;
                        return new OpTest.Bound("axis=" + ax, in -> in[0].squeeze(ax));
                    });


            return out;
        }

        @Override
        public List<OpRegistry.NamedFunction> functions() {
            return List.of(new OpRegistry.NamedFunction("transpose", 1, "x.transpose(): swaps the last two axes",
                    in -> in[0].transpose()));
        }
    };
}
