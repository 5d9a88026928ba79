package dev.tapegrad;

import dev.tapegrad.testing.Domain;
import dev.tapegrad.testing.Gen;
import dev.tapegrad.testing.OpTest;
import dev.tapegrad.testing.ShapeGenerator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/** The op-table entries and expression names of {@link ArrayOps} (its test metadata). */
final class ArrayOpsCatalog {
    private ArrayOpsCatalog() {}

    private static final Domain VALUES = Domain.free(-3, 3);

    /** Chooses the parameters of a one-input entry for a shape (shared with {@link IndexOpsCatalog}). */
    interface Param {
        OpTest.Bound bind(int[] s, RandomGenerator rng);
    }

    static void add(List<OpTest> out, String name, String description, ShapeGenerator shapes, Param p) {
        out.add(OpTest.of(name, description, new Domain[] {VALUES}, shapes, (s, rng) -> {
            if (s.length != 1) {
                throw new IllegalArgumentException(name + ": takes one input, got " + s.length + " shapes");
            }
            try {
                return p.bind(s[0], rng);
            } catch (IndexOutOfBoundsException | ArithmeticException unfit) {
                // a parameter drawn for a shape the op cannot take (an expression tree's shape, say)
                throw new IllegalArgumentException(name + ": no parameters fit shape " + java.util.Arrays.toString(s[0]), unfit);
            }
        }));
    }

    static ShapeGenerator rank(int lo, int hi) {
        return rng -> new int[][] {Gen.shape(rng, lo + rng.nextInt(hi - lo + 1), 4)};
    }

    static OpTest.Bound bound(String params, Function<Tensor, Tensor> f) {
        return new OpTest.Bound(params, in -> f.apply(in[0]));
    }

    /** The pieces joined again, each scaled differently, so a mixed-up piece would show. */
    static Tensor joined(Tensor[] pieces, int axis) {
        Tensor[] scaled = new Tensor[pieces.length];
        for (int i = 0; i < pieces.length; i++) {
            scaled[i] = pieces[i].mul(i + 1);
        }
        return Tensor.concat(axis, scaled);
    }

    private static int ax(int[] s, RandomGenerator rng) {
        return Gen.randomAxis(rng, s.length);
    }

    private static int dim(int[] s, int axis) {
        return s[axis < 0 ? axis + s.length : axis];
    }

    static final OpRegistry.Family FAMILY = new OpRegistry.Family() {
        @Override
        public List<OpTest> tests() {
            List<OpTest> out = new ArrayList<>();
            add(out, "squeeze()", "ArrayOps.squeeze(x): every size-1 axis removed",
                    rng -> new int[][] {Gen.shape(rng, rng.nextInt(4), 2)}, (s, rng) -> bound("", ArrayOps::squeeze));
            add(out, "flatten", "ArrayOps.flatten(x)", rng -> new int[][] {Gen.anyShape(rng)}, (s, rng) -> bound("", ArrayOps::flatten));
            add(out, "flatten(start,end)", "ArrayOps.flatten(x, start, end), PyTorch's", rank(1, 3), (s, rng) -> {
                int a = rng.nextInt(s.length), b = a + rng.nextInt(s.length - a);
                return bound("start=" + a + ", end=" + (b - s.length), x -> ArrayOps.flatten(x, a, b - s.length));
            });
            add(out, "split(sizes)", "ArrayOps.split(x, sizes, axis), PyTorch's, pieces joined again", rank(1, 3), (s, rng) -> {
                int a = ax(s, rng), n = dim(s, a);
                int first = rng.nextInt(n + 1);
                int[] sizes = {first, n - first};
                return bound("sizes=" + Arrays.toString(sizes) + ", axis=" + a, x -> joined(ArrayOps.split(x, sizes, a), a));
            });
            add(out, "split(size)", "ArrayOps.split(x, splitSize, axis), PyTorch's, pieces joined again", rank(1, 3), (s, rng) -> {
                int a = ax(s, rng), size = 1 + rng.nextInt(3);
                return bound("splitSize=" + size + ", axis=" + a, x -> joined(ArrayOps.split(x, size, a), a));
            });
            add(out, "arraySplit", "ArrayOps.arraySplit(x, sections, axis), numpy's (uneven), pieces joined again", rank(1, 3), (s, rng) -> {
                int a = ax(s, rng), k = 1 + rng.nextInt(3);
                return bound("sections=" + k + ", axis=" + a, x -> joined(ArrayOps.arraySplit(x, k, a), a));
            });
            add(out, "chunk", "ArrayOps.chunk(x, chunks, axis), PyTorch's, pieces joined again", rank(1, 3), (s, rng) -> {
                int a = ax(s, rng), k = 1 + rng.nextInt(3);
                return bound("chunks=" + k + ", axis=" + a, x -> joined(ArrayOps.chunk(x, k, a), a));
            });
            add(out, "flip", "ArrayOps.flip(x, axis)", rank(1, 3), (s, rng) -> {
                int a = ax(s, rng);
                return bound("axis=" + a, x -> ArrayOps.flip(x, a));
            });
            add(out, "flip()", "ArrayOps.flip(x): all axes", rng -> new int[][] {Gen.anyShape(rng)}, (s, rng) -> bound("", x -> ArrayOps.flip(x)));
            add(out, "roll(axis)", "ArrayOps.roll(x, shift, axis), shifts of either sign", rank(1, 3), (s, rng) -> {
                int a = ax(s, rng), shift = rng.nextInt(11) - 5;
                return bound("shift=" + shift + ", axis=" + a, x -> ArrayOps.roll(x, shift, a));
            });
            add(out, "roll", "ArrayOps.roll(x, shift): the flattened tensor", rank(1, 3), (s, rng) -> {
                int shift = rng.nextInt(11) - 5;
                return bound("shift=" + shift, x -> ArrayOps.roll(x, shift));
            });
            add(out, "repeat(axis)", "ArrayOps.repeat(x, repeats, axis): numpy's, each element repeated", rank(1, 3), (s, rng) -> {
                int a = ax(s, rng), k = rng.nextInt(4);
                return bound("repeats=" + k + ", axis=" + a, x -> ArrayOps.repeat(x, k, a));
            });
            add(out, "repeat(counts)", "ArrayOps.repeat(x, counts, axis): numpy's, per-element counts", rank(1, 3), (s, rng) -> {
                int a = ax(s, rng);
                int[] counts = new int[dim(s, a)];
                for (int i = 0; i < counts.length; i++) {
                    counts[i] = rng.nextInt(3);
                }
                return bound("counts=" + Arrays.toString(counts) + ", axis=" + a, x -> ArrayOps.repeat(x, counts, a));
            });
            add(out, "repeatTiles", "ArrayOps.repeatTiles(x, reps): PyTorch's Tensor.repeat, the whole tensor tiled",
                    rng -> new int[][] {Gen.shape(rng, rng.nextInt(3), 3)}, (s, rng) -> {
                int[] reps = Gen.shape(rng, s.length + rng.nextInt(2), 2);
                return bound("reps=" + Arrays.toString(reps), x -> ArrayOps.repeatTiles(x, reps));
            });
            add(out, "tile", "ArrayOps.tile(x, reps): numpy's, reps shorter or longer than the rank",
                    rng -> new int[][] {Gen.shape(rng, rng.nextInt(3), 3)}, (s, rng) -> {
                int[] reps = Gen.shape(rng, rng.nextInt(4), 2);
                return bound("reps=" + Arrays.toString(reps), x -> ArrayOps.tile(x, reps));
            });
            add(out, "pad", "ArrayOps.pad(x, widths, value): constant padding, widths per axis", rank(0, 3), (s, rng) -> {
                int[][] w = new int[s.length][];
                for (int i = 0; i < w.length; i++) {
                    w[i] = new int[] {rng.nextInt(3), rng.nextInt(3)};
                }
                double value = rng.nextBoolean() ? 0 : 1.5;
                return bound("widths=" + Arrays.deepToString(w) + ", value=" + value, x -> ArrayOps.pad(x, w, value));
            });
            add(out, "tril", "ArrayOps.tril(x, k) of the last two axes", rank(2, 3), (s, rng) -> {
                int k = rng.nextInt(5) - 2;
                return bound("k=" + k, x -> ArrayOps.tril(x, k));
            });
            add(out, "triu", "ArrayOps.triu(x, k) of the last two axes", rank(2, 3), (s, rng) -> {
                int k = rng.nextInt(5) - 2;
                return bound("k=" + k, x -> ArrayOps.triu(x, k));
            });
            add(out, "diag", "ArrayOps.diag(x, k): vector to matrix or matrix to vector", rank(1, 2), (s, rng) -> {
                int k = rng.nextInt(5) - 2;
                return bound("k=" + k, x -> ArrayOps.diag(x, k));
            });
            add(out, "diagonal", "ArrayOps.diagonal(x, offset, axis1, axis2)", rank(2, 3), (s, rng) -> {
                int[] p = Gen.permutation(rng, s.length);
                int off = rng.nextInt(5) - 2;
                return bound("offset=" + off + ", axis1=" + p[0] + ", axis2=" + p[1], x -> ArrayOps.diagonal(x, off, p[0], p[1]));
            });
            add(out, "diagEmbed", "ArrayOps.diagEmbed(x, offset): PyTorch's diag_embed", rank(1, 2), (s, rng) -> {
                int off = rng.nextInt(5) - 2;
                return bound("offset=" + off, x -> ArrayOps.diagEmbed(x, off));
            });
            add(out, "trace", "ArrayOps.trace(x) of a matrix", rank(2, 2), (s, rng) -> bound("", ArrayOps::trace));
            add(out, "T", "ArrayOps.T(x): all axes reversed (numpy's x.T)", rng -> new int[][] {Gen.anyShape(rng)},
                    (s, rng) -> bound("", ArrayOps::T));
            add(out, "slice(step)", "ArrayOps.slice(x, axis, start, stop, step): Python slicing, negative steps too", rank(1, 3), (s, rng) -> {
                int a = ax(s, rng), n = dim(s, a);
                int step = (1 + rng.nextInt(3)) * (rng.nextBoolean() ? 1 : -1);
                Integer start = rng.nextInt(3) == 0 ? null : rng.nextInt(2 * n + 3) - n - 1;
                Integer stop = rng.nextInt(3) == 0 ? null : rng.nextInt(2 * n + 3) - n - 1;
                return bound("axis=" + a + ", " + start + ":" + stop + ":" + step, x -> ArrayOps.slice(x, a, start, stop, step));
            });
            add(out, "moveaxis", "ArrayOps.moveaxis(x, source, destination)", rank(1, 4), (s, rng) -> {
                int src = ax(s, rng), dst = ax(s, rng);
                return bound("source=" + src + ", destination=" + dst, x -> ArrayOps.moveaxis(x, src, dst));
            });
            return out;
        }

        @Override
        public List<OpRegistry.NamedFunction> functions() {
            return List.of(
                    new OpRegistry.NamedFunction("T", 1, "ArrayOps.T(x): all axes reversed", in -> ArrayOps.T(in[0])),
                    new OpRegistry.NamedFunction("flatten", 1, "ArrayOps.flatten(x)", in -> ArrayOps.flatten(in[0])),
                    new OpRegistry.NamedFunction("squeezeall", 1, "ArrayOps.squeeze(x): size-1 axes removed", in -> ArrayOps.squeeze(in[0])),
                    new OpRegistry.NamedFunction("flip", 1, "ArrayOps.flip(x): all axes reversed in order", in -> ArrayOps.flip(in[0])),
                    new OpRegistry.NamedFunction("trace", 1, "ArrayOps.trace(x)", in -> ArrayOps.trace(in[0])));
        }
    };
}
