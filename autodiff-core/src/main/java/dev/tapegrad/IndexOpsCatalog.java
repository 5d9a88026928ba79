package dev.tapegrad;

import dev.tapegrad.testing.Gen;
import dev.tapegrad.testing.OpTest;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

import static dev.tapegrad.ArrayOpsCatalog.add;
import static dev.tapegrad.ArrayOpsCatalog.bound;
import static dev.tapegrad.ArrayOpsCatalog.rank;

/**
 * The op-table entries and expression names of {@link IndexOps}. Index tensors are parameters
 * drawn by the binders (in range, negative half the time where allowed), not differentiable inputs.
 */
final class IndexOpsCatalog {
    private IndexOpsCatalog() {}

    /** An index tensor of the given shape with values in [0, n) (or [-n, n) with {@code negative}). */
    static Tensor indices(RandomGenerator rng, int[] shape, int n, boolean negative) {
        if (n <= 0 && Gen.size(shape) > 0) {
            throw new IllegalArgumentException("no valid index into an empty axis");
        }
        double[] v = new double[Gen.size(shape)];
        for (int i = 0; i < v.length; i++) {
            int k = rng.nextInt(n);
            v[i] = negative && rng.nextBoolean() ? k - n : k;
        }
        return Tensor.of(v, shape);
    }

    private static int norm(int[] s, int axis) {
        return axis < 0 ? axis + s.length : axis;
    }

    /** A shape no larger than {@code s} off {@code axis} (PyTorch's gather rule), any size along it. */
    private static int[] smallerOffAxis(RandomGenerator rng, int[] s, int axis) {
        int[] t = s.clone();
        for (int d = 0; d < t.length; d++) {
            t[d] = d == axis ? 1 + rng.nextInt(4) : 1 + rng.nextInt(s[d]);
        }
        return t;
    }

    /** Smallest gap between two values of one slice along {@code axis}: distance from a tie of sort. */
    static double sortMargin(Tensor x, int axis) {
        int[] s = x.shape();
        int ax = norm(s, axis), n = s[ax], outer = Gen.outer(s, ax), inner = Gen.inner(s, ax);
        double[] v = x.toArray();
        double gap = Double.POSITIVE_INFINITY;
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                for (int a = 0; a < n; a++) {
                    for (int b = a + 1; b < n; b++) {
                        gap = Math.min(gap, Math.abs(v[(o * n + a) * inner + i] - v[(o * n + b) * inner + i]));
                    }
                }
            }
        }
        return gap;
    }

    static final OpRegistry.Family FAMILY = new OpRegistry.Family() {
        @Override
        public List<OpTest> tests() {
            List<OpTest> out = new ArrayList<>();
            add(out, "gather", "IndexOps.gather(x, axis, index): PyTorch's, index no larger off the axis", rank(1, 3), (s, rng) -> {
                int a = Gen.randomAxis(rng, s.length), ax = norm(s, a);
                Tensor idx = indices(rng, smallerOffAxis(rng, s, ax), s[ax], true);
                return bound("axis=" + a + ", index shape " + java.util.Arrays.toString(idx.shape()), x -> IndexOps.gather(x, a, idx));
            });
            add(out, "takeAlongAxis", "IndexOps.takeAlongAxis(x, index, axis): numpy's, broadcasting off the axis", rank(1, 3), (s, rng) -> {
                int a = Gen.randomAxis(rng, s.length), ax = norm(s, a);
                int[] is = s.clone();
                for (int d = 0; d < is.length; d++) {
                    is[d] = d == ax ? 1 + rng.nextInt(4) : (rng.nextInt(3) == 0 ? 1 : s[d]);
                }
                Tensor idx = indices(rng, is, s[ax], true);
                return bound("axis=" + a + ", index shape " + java.util.Arrays.toString(is), x -> IndexOps.takeAlongAxis(x, idx, a));
            });
            add(out, "scatterAdd", "IndexOps.scatterAdd(src, axis, index, shape): gather's transpose, repeated indices add", rank(1, 3), (s, rng) -> {
                int a = Gen.randomAxis(rng, s.length), ax = norm(s, a);
                int[] target = s.clone();
                for (int d = 0; d < target.length; d++) {
                    target[d] = d == ax ? 1 + rng.nextInt(4) : s[d] + rng.nextInt(2);
                }
                int[] is = s.clone();
                for (int d = 0; d < is.length; d++) {
                    is[d] = 1 + rng.nextInt(s[d]);
                }
                Tensor idx = indices(rng, is, target[ax], false);
                return bound("axis=" + a + ", shape " + java.util.Arrays.toString(target), x -> IndexOps.scatterAdd(x, a, idx, target));
            });
            add(out, "take", "IndexOps.take(x, index): elements of the flattened x", rng -> new int[][] {Gen.nonEmptyShape(rng)}, (s, rng) -> {
                Tensor idx = indices(rng, Gen.shape(rng, rng.nextInt(3), 4), Gen.size(s), true);
                return bound("index shape " + java.util.Arrays.toString(idx.shape()), x -> IndexOps.take(x, idx));
            });
            add(out, "take(axis)", "IndexOps.take(x, index, axis): numpy's, slices along an axis", rank(1, 3), (s, rng) -> {
                int a = Gen.randomAxis(rng, s.length);
                Tensor idx = indices(rng, Gen.shape(rng, rng.nextInt(3), 3), s[norm(s, a)], true);
                return bound("axis=" + a + ", index shape " + java.util.Arrays.toString(idx.shape()), x -> IndexOps.take(x, idx, a));
            });
            add(out, "indexSelect", "IndexOps.indexSelect(x, axis, index) with a 1-D index", rank(1, 3), (s, rng) -> {
                int a = Gen.randomAxis(rng, s.length);
                Tensor idx = indices(rng, new int[] {1 + rng.nextInt(5)}, s[norm(s, a)], false);
                return bound("axis=" + a + ", index " + java.util.Arrays.toString(idx.toArray()), x -> IndexOps.indexSelect(x, a, idx));
            });
            add(out, "index", "IndexOps.index(x, idx): numpy's x[idx] along axis 0", rank(1, 3), (s, rng) -> {
                Tensor idx = indices(rng, Gen.shape(rng, rng.nextInt(3), 3), s[0], true);
                return bound("idx shape " + java.util.Arrays.toString(idx.shape()), x -> IndexOps.index(x, idx));
            });
            add(out, "index(rows,cols)", "IndexOps.index(x, rows, cols): numpy's x[rows, cols], broadcast pairs", rank(2, 3), (s, rng) -> {
                int[][] pair = Gen.broadcastPair(rng);
                Tensor rows = indices(rng, pair[0], s[0], true), cols = indices(rng, pair[1], s[1], true);
                return bound("rows shape " + java.util.Arrays.toString(pair[0]) + ", cols shape " + java.util.Arrays.toString(pair[1]),
                        x -> IndexOps.index(x, rows, cols));
            });
            add(out, "maskedSelect", "IndexOps.maskedSelect(x, mask): a 1-D result, mask broadcast", rng -> new int[][] {Gen.nonEmptyShape(rng)}, (s, rng) -> {
                int[] ms = Gen.broadcastVariant(rng, s);
                double[] m = new double[Gen.size(ms)];
                for (int i = 0; i < m.length; i++) {
                    m[i] = rng.nextInt(3) == 0 ? 0 : 1;
                }
                Tensor mask = Tensor.of(m, ms);
                return bound("mask " + mask, x -> IndexOps.maskedSelect(x, mask));
            });
            for (boolean desc : new boolean[] {false, true}) {
                add(out, desc ? "sort(descending)" : "sort", "IndexOps.sort(x, axis, " + desc + "): smooth away from ties", rank(1, 3), (s, rng) -> {
                    int a = Gen.randomAxis(rng, s.length);
                    return new OpTest.Bound("axis=" + a, in -> IndexOps.sort(in[0], a, desc), in -> sortMargin(in[0], a));
                });
            }
            return out;
        }

        @Override
        public List<OpRegistry.NamedFunction> functions() {
            return List.of(new OpRegistry.NamedFunction("sort", 1, "IndexOps.sort(x): ascending along the last axis", in -> IndexOps.sort(in[0])));
        }
    };
}
