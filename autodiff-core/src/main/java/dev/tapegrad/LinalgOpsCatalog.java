package dev.tapegrad;

import dev.tapegrad.testing.Domain;
import dev.tapegrad.testing.Gen;
import dev.tapegrad.testing.OpTest;
import dev.tapegrad.testing.ShapeGenerator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The op-table entries and expression names of {@link LinalgOps}. inv, solve, det and slogdet are
 * checked on {@code I + E} with every entry of {@code E} in [-0.2, 0.2] and {@code n ≤ 4}: strictly
 * diagonally dominant, so well conditioned, wherever the expression-tree generator draws E.
 */
final class LinalgOpsCatalog {
    private LinalgOpsCatalog() {}

    private static final Domain VALUES = Domain.free(-3, 3);
    /** Entries of E in I + E; strict, so expression trees map their values into it. */
    private static final Domain PERTURBATION = Domain.strict(-0.2, 0.2);

    private static void add(List<OpTest> out, String name, String description, Domain[] domains, ShapeGenerator shapes,
                            String params, java.util.function.Function<Tensor[], Tensor> fn) {
        out.add(OpTest.of(name, description, domains, shapes, (s, rng) -> new OpTest.Bound(params, fn)));
    }

    private static Domain[] values(int n) {
        Domain[] d = new Domain[n];
        Arrays.fill(d, VALUES);
        return d;
    }

    /** Shape pairs from a list of forms (each a function of a few random dims). */
    private static ShapeGenerator pairs(java.util.function.Function<int[], int[][]>... forms) {
        return rng -> forms[rng.nextInt(forms.length)].apply(Gen.shape(rng, 4, 3));
    }

    /** A stack of square matrices: batch rank 0 or 1, n in [1, 4]. */
    private static int[] square(RandomGenerator rng) {
        int n = 1 + rng.nextInt(4);
        return rng.nextBoolean() ? new int[] {n, n} : new int[] {1 + rng.nextInt(3), n, n};
    }

    /** {@code I + e} for a stack of square matrices {@code e}. */
    static Tensor nearIdentity(Tensor e) {
        int[] s = e.shape();
        if (s.length < 2) {
            throw new IllegalArgumentException("needs a stack of square matrices, got shape " + Arrays.toString(s));
        }
        return e.add(Tensor.eye(s[s.length - 1]));
    }

    private static void einsum(List<OpTest> out, String subscripts, ShapeGenerator shapes) {
        int arity = shapes.shapes(java.util.random.RandomGenerator.of("L64X128MixRandom")).length;
        add(out, "einsum(" + subscripts + ")", "LinalgOps.einsum(\"" + subscripts + "\", ...)", values(arity), shapes,
                "", in -> LinalgOps.einsum(subscripts, in));
    }

    @SuppressWarnings("unchecked")
    static final OpRegistry.Family FAMILY = new OpRegistry.Family() {
        @Override
        public List<OpTest> tests() {
            List<OpTest> out = new ArrayList<>();
            add(out, "dot", "LinalgOps.dot(a, b): numpy's forms (1-D·1-D, 2-D·2-D, N-D·1-D, N-D·M-D, scalar)", values(2),
                    pairs(d -> new int[][] {{d[0]}, {d[0]}}, d -> new int[][] {{d[0], d[1]}, {d[1], d[2]}},
                            d -> new int[][] {{d[3], d[0], d[1]}, {d[1]}}, d -> new int[][] {{d[0], d[1]}, {d[3], d[1], d[2]}},
                            d -> new int[][] {{}, {d[0], d[1]}}), "", in -> LinalgOps.dot(in[0], in[1]));
            add(out, "inner", "LinalgOps.inner(a, b): sum over the last axes", values(2),
                    pairs(d -> new int[][] {{d[0]}, {d[0]}}, d -> new int[][] {{d[1], d[0]}, {d[2], d[3], d[0]}}),
                    "", in -> LinalgOps.inner(in[0], in[1]));
            add(out, "outer", "LinalgOps.outer(a, b) of the flattened operands", values(2),
                    rng -> new int[][] {Gen.nonEmptyShape(rng), Gen.nonEmptyShape(rng)}, "", in -> LinalgOps.outer(in[0], in[1]));
            add(out, "tensordot(int)", "LinalgOps.tensordot(a, b, 2)", values(2),
                    pairs(d -> new int[][] {{d[0], d[1], d[2]}, {d[1], d[2], d[3]}}, d -> new int[][] {{d[1], d[2]}, {d[1], d[2]}}),
                    "axes=2", in -> LinalgOps.tensordot(in[0], in[1], 2));
            add(out, "tensordot(axes)", "LinalgOps.tensordot(a, b, {0, -1}, {2, 0})", values(2),
                    pairs(d -> new int[][] {{d[0], d[3], d[1]}, {d[1], d[2], d[0]}}),
                    "axesA=[0, -1], axesB=[2, 0]", in -> LinalgOps.tensordot(in[0], in[1], new int[] {0, -1}, new int[] {2, 0}));
            einsum(out, "ij,jk->ik", pairs(d -> new int[][] {{d[0], d[1]}, {d[1], d[2]}}));
            einsum(out, "ij,jk", pairs(d -> new int[][] {{d[0], d[1]}, {d[1], d[2]}}));
            einsum(out, "ii->i", pairs(d -> new int[][] {{d[0], d[0]}}));
            einsum(out, "ii", pairs(d -> new int[][] {{d[0], d[0]}}));
            einsum(out, "bij,bjk->bik", pairs(d -> new int[][] {{d[3], d[0], d[1]}, {d[3], d[1], d[2]}}));
            einsum(out, "...ij,...jk->...ik", pairs(d -> new int[][] {{d[3], 1, d[0], d[1]}, {2, d[1], d[2]}}));
            einsum(out, "i,j->ij", pairs(d -> new int[][] {{d[0]}, {d[1]}}));
            einsum(out, "ijk->kj", pairs(d -> new int[][] {{d[0], d[1], d[2]}}));
            einsum(out, "ij,ij,j->i", pairs(d -> new int[][] {{d[0], d[1]}, {d[0], d[1]}, {d[1]}}));
            einsum(out, "iij->ji", pairs(d -> new int[][] {{d[0], d[0], d[1]}}));
            Domain[] one = {PERTURBATION};
            add(out, "inv", "LinalgOps.inv(I + E), E small (well conditioned)", one, rng -> new int[][] {square(rng)},
                    "", in -> LinalgOps.inv(nearIdentity(in[0])));
            add(out, "solve", "LinalgOps.solve(I + E, B), B a matrix (n, k)", new Domain[] {PERTURBATION, VALUES},
                    rng -> {
                        int[] a = square(rng);
                        int[] b = a.clone();
                        b[b.length - 1] = 1 + rng.nextInt(3);
                        return new int[][] {a, b};
                    }, "", in -> LinalgOps.solve(nearIdentity(in[0]), in[1]));
            add(out, "solve(vector)", "LinalgOps.solve(I + E, b), b a vector (n)", new Domain[] {PERTURBATION, VALUES},
                    rng -> {
                        int[] a = square(rng);
                        return new int[][] {a, Arrays.copyOf(a, a.length - 1)};
                    }, "", in -> LinalgOps.solve(nearIdentity(in[0]), in[1]));
            add(out, "det", "LinalgOps.det(I + E)", one, rng -> new int[][] {square(rng)},
                    "", in -> LinalgOps.det(nearIdentity(in[0])));
            add(out, "slogdet", "LinalgOps.slogdet(J·(I + E))[1], J negating the first row: a negative determinant", one,
                    rng -> new int[][] {square(rng)}, "", in -> {
                        Tensor a = nearIdentity(in[0]);
                        int n = a.shape(-1);
                        double[] j = new double[n];
                        Arrays.fill(j, 1);
                        j[0] = -1;
                        return LinalgOps.slogdet(a.mul(Tensor.of(j, n, 1)))[1];
                    });
            return out;
        }

        @Override
        public List<OpRegistry.NamedFunction> functions() {
            return List.of(
                    new OpRegistry.NamedFunction("inv", 1, "LinalgOps.inv(x)", in -> LinalgOps.inv(in[0])),
                    new OpRegistry.NamedFunction("det", 1, "LinalgOps.det(x)", in -> LinalgOps.det(in[0])),
                    new OpRegistry.NamedFunction("dot", 2, "LinalgOps.dot(a, b)", in -> LinalgOps.dot(in[0], in[1])),
                    new OpRegistry.NamedFunction("outer", 2, "LinalgOps.outer(a, b)", in -> LinalgOps.outer(in[0], in[1])));
        }
    };
}
