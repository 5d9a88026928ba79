package dev.tapegrad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapegrad.testing.GradCheck;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.junit.jupiter.api.Test;

/** LinalgOps against closed forms and explicit loops. */
class LinalgOpsTest {
    private static final RandomGenerator RNG = RandomGeneratorFactory.of("L64X128MixRandom").create(7);

    private static void close(Tensor expected, Tensor actual, double tol) {
        assertArrayEquals(expected.shape(), actual.shape());
        assertArrayEquals(expected.toArray(), actual.toArray(), tol);
    }

    /** A reference einsum: loops over every assignment of the labels (no ellipsis). */
    private static Tensor loops(String eq, int[] outShapeOrder, Tensor... ops) {
        String[] sides = eq.split("->", -1);
        String[] terms = sides[0].split(",");
        String outTerm = sides[1];
        String all = (sides[0].replace(",", "") + outTerm).chars().distinct()
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        int[] size = new int[all.length()];
        for (int t = 0; t < terms.length; t++) {
            for (int a = 0; a < terms[t].length(); a++) {
                size[all.indexOf(terms[t].charAt(a))] = ops[t].shape(a);
            }
        }
        int[] outShape = new int[outTerm.length()];
        for (int a = 0; a < outShape.length; a++) {
            outShape[a] = size[all.indexOf(outTerm.charAt(a))];
        }
        double[] out = new double[Math.max(1, java.util.Arrays.stream(outShape).reduce(1, (p, q) -> p * q))];
        int[] v = new int[all.length()];
        while (true) {
            double prod = 1;
            for (int t = 0; t < terms.length; t++) {
                int[] idx = new int[terms[t].length()];
                for (int a = 0; a < idx.length; a++) {
                    idx[a] = v[all.indexOf(terms[t].charAt(a))];
                }
                prod *= ops[t].get(idx);
            }
            int o = 0;
            for (int a = 0; a < outTerm.length(); a++) {
                o = o * outShape[a] + v[all.indexOf(outTerm.charAt(a))];
            }
            out[o] += prod;
            int k = all.length() - 1;
            while (k >= 0 && ++v[k] == size[k]) {
                v[k--] = 0;
            }
            if (k < 0) {
                break;
            }
        }
        return Tensor.of(out, outShape);
    }

    @Test
    void einsumMatchesExplicitLoops() {
        Tensor a = Tensor.randn(RNG, 3, 4), b = Tensor.randn(RNG, 4, 5), c = Tensor.randn(RNG, 3, 3);
        Tensor v = Tensor.randn(RNG, 4), w = Tensor.randn(RNG, 3), t3 = Tensor.randn(RNG, 2, 3, 4), u3 = Tensor.randn(RNG, 2, 4, 5);
        Tensor d = Tensor.randn(RNG, 3, 3, 4);
        Object[][] cases = {
            {"ij,jk->ik", new Tensor[] {a, b}}, {"ij->ji", new Tensor[] {a}}, {"ii->i", new Tensor[] {c}},
            {"ii->", new Tensor[] {c}}, {"ij->", new Tensor[] {a}}, {"ij->j", new Tensor[] {a}},
            {"i,i->", new Tensor[] {v, v}}, {"i,j->ij", new Tensor[] {w, v}}, {"bij,bjk->bik", new Tensor[] {t3, u3}},
            {"ij,j->i", new Tensor[] {a, v}}, {"ijk->kj", new Tensor[] {t3}}, {"iij->ji", new Tensor[] {d}},
            {"ij,kj,k->i", new Tensor[] {a, Tensor.randn(RNG, 2, 4), Tensor.randn(RNG, 2)}},
            {"bij,bkj->bik", new Tensor[] {t3, Tensor.randn(RNG, 2, 5, 4)}},
        };
        for (Object[] c0 : cases) {
            String eq = (String) c0[0];
            Tensor[] ops = (Tensor[]) c0[1];
            close(loops(eq, null, ops), LinalgOps.einsum(eq, ops), 1e-12);
        }
        // implicit output: alphabetical order of the labels that occur once; "ii" is the trace
        close(loops("ij,jk->ik", null, a, b), LinalgOps.einsum("ij,jk", a, b), 1e-12);
        close(loops("ij->ji", null, a), LinalgOps.einsum("ji", a), 1e-12);
        assertEquals(c.get(0, 0) + c.get(1, 1) + c.get(2, 2), LinalgOps.einsum("ii", c).item(), 1e-12);
        // ellipsis broadcasting: a stack of 2 against one matrix, and a size-1 batch axis
        Tensor batch = Tensor.randn(RNG, 2, 1, 3, 4);
        Tensor e = LinalgOps.einsum("...ij,...jk->...ik", batch, Tensor.randn(RNG, 3, 4, 5));
        assertArrayEquals(new int[] {2, 3, 3, 5}, e.shape());
        Tensor m = Tensor.randn(RNG, 3, 4, 5);
        close(batch.matmul(m), LinalgOps.einsum("...ij,...jk->...ik", batch, m), 1e-12);
        close(batch.matmul(m), LinalgOps.einsum("...ij,...jk", batch, m), 1e-12);
    }

    @Test
    void einsumErrorsNameTheSubscriptsAndShapes() {
        Tensor a = Tensor.zeros(2, 3), b = Tensor.zeros(4, 5);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LinalgOps.einsum("ij,jk->ik", a, b));
        assertTrue(e.getMessage().contains("ij,jk->ik") && e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4, 5]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LinalgOps.einsum("ijk->i", a));
        assertThrows(IllegalArgumentException.class, () -> LinalgOps.einsum("ij->q", a));
        assertThrows(IllegalArgumentException.class, () -> LinalgOps.einsum("ij,jk", a));
        assertThrows(IllegalArgumentException.class, () -> LinalgOps.einsum("i1->i", a));
    }

    @Test
    void dotInnerOuterTensordotMatchNumpyShapes() {
        Tensor a = Tensor.randn(RNG, 2, 3), b = Tensor.randn(RNG, 3, 4), v = Tensor.randn(RNG, 3);
        close(a.matmul(b), LinalgOps.dot(a, b), 1e-12);
        close(a.matmul(v), LinalgOps.dot(a, v), 1e-12);
        assertEquals(v.mul(v).sum().item(), LinalgOps.dot(v, v).item(), 1e-12);
        close(a.mul(3), LinalgOps.dot(Tensor.scalar(3), a), 1e-12);
        Tensor s = Tensor.randn(RNG, 5, 3, 4);
        assertArrayEquals(new int[] {2, 5, 4}, LinalgOps.dot(a, s).shape());  // numpy: a.shape[:-1] + s.shape[:-2] + s.shape[-1:]
        close(a, LinalgOps.inner(a, Tensor.eye(3)), 1e-12);
        close(LinalgOps.einsum("i,j->ij", a.reshape(6), v), LinalgOps.outer(a, v), 1e-12);
        Tensor x = Tensor.randn(RNG, 2, 3, 4), y = Tensor.randn(RNG, 3, 4, 5);
        close(LinalgOps.einsum("ijk,jkl->il", x, y), LinalgOps.tensordot(x, y, 2), 1e-12);
        Tensor z = Tensor.randn(RNG, 5, 2, 3);
        close(LinalgOps.einsum("ijk,lij->kl", x, z), LinalgOps.tensordot(x, z, new int[] {0, 1}, new int[] {1, 2}), 1e-12);
    }

    @Test
    void inverseSolveAndDeterminantsMatchClosedForms() {
        Tensor a = Tensor.eye(4).add(Tensor.randn(RNG, 4, 4).mul(0.3));
        close(Tensor.eye(4), LinalgOps.inv(a).matmul(a), 1e-12);
        close(Tensor.eye(4), a.matmul(LinalgOps.inv(a)), 1e-12);
        Tensor b = Tensor.randn(RNG, 4), bm = Tensor.randn(RNG, 4, 2);
        close(LinalgOps.inv(a).matmul(b), LinalgOps.solve(a, b), 1e-12);
        close(LinalgOps.inv(a).matmul(bm), LinalgOps.solve(a, bm), 1e-12);
        Tensor stack = Tensor.eye(3).add(Tensor.randn(RNG, 2, 3, 3).mul(0.3));
        close(Tensor.eye(3).broadcastTo(2, 3, 3), LinalgOps.inv(stack).matmul(stack), 1e-12);
        assertEquals(-2.0, LinalgOps.det(Tensor.matrix(new double[][] {{1, 2}, {3, 4}})).item(), 1e-12);
        assertEquals(10.0, LinalgOps.det(Tensor.matrix(new double[][] {{4, 1}, {2, 3}})).item(), 1e-12);
        // needs a row interchange: det [[0,1],[1,0]] = -1
        assertEquals(-1.0, LinalgOps.det(Tensor.matrix(new double[][] {{0, 1}, {1, 0}})).item(), 1e-15);
        // triangular: the product of the diagonal
        Tensor tri = Tensor.matrix(new double[][] {{2, 5, -1}, {0, -3, 7}, {0, 0, 0.5}});
        assertEquals(-3.0, LinalgOps.det(tri).item(), 1e-12);
        assertEquals(-3.0, LinalgOps.det(ArrayOps.T(tri)).item(), 1e-12);
        Tensor[] sl = LinalgOps.slogdet(tri);
        assertEquals(-1.0, sl[0].item());
        assertEquals(Math.log(3.0), sl[1].item(), 1e-12);
        Tensor[] batch = LinalgOps.slogdet(stack);
        close(LinalgOps.det(stack), batch[0].mul(batch[1].exp()), 1e-12);
        // the singularity test is relative to the matrix's own scale: a tiny but regular matrix is fine
        assertEquals(1e-40, LinalgOps.det(Tensor.eye(2).mul(1e-20)).item(), 1e-52);
        // det(2I) for n = 600 overflows no slogdet: 600·log 2
        assertEquals(600 * Math.log(2), LinalgOps.slogdet(Tensor.eye(600).mul(2))[1].item(), 1e-9);
    }

    @Test
    void singularMatricesAreErrorsNamingTheOpAndShape() {
        Tensor sing = Tensor.matrix(new double[][] {{1, 2, 3}, {4, 5, 6}, {7, 8, 9}});
        for (Runnable r : new Runnable[] {() -> LinalgOps.inv(sing), () -> LinalgOps.det(sing), () -> LinalgOps.slogdet(sing),
                () -> LinalgOps.solve(sing, Tensor.ones(3))}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
            assertTrue(e.getMessage().contains("[3, 3]") && e.getMessage().contains("singular"), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LinalgOps.inv(Tensor.zeros(2, 2)));
        assertTrue(e.getMessage().startsWith("inv:"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LinalgOps.inv(Tensor.zeros(2, 3)));
        assertThrows(IllegalArgumentException.class, () -> LinalgOps.solve(Tensor.eye(3), Tensor.ones(2)));
        // nothing is recorded on the failure
        Tensor x = sing.requiresGrad(true);
        try (Tape tape = Tape.record()) {
            assertThrows(IllegalArgumentException.class, () -> LinalgOps.inv(x));
            assertEquals(0, tape.size());
        }
    }

    @Test
    void secondOrderOfTheMatrixFunctions() {
        Tensor e = Tensor.randn(RNG, 3, 3).mul(0.2);
        Tensor b = Tensor.randn(RNG, 3, 2);
        // both modes, to second order (reverse over reverse, forward over forward, and mixed)
        GradCheck.assertGrads(in -> LinalgOps.inv(Tensor.eye(3).add(in[0])).sum(), e);
        GradCheck.assertGrads(in -> LinalgOps.det(Tensor.eye(3).add(in[0])), e);
        GradCheck.assertGrads(in -> LinalgOps.solve(Tensor.eye(3).add(in[0]), in[1]).square().sum(), e, b);
        GradCheck.assertGrads(in -> LinalgOps.slogdet(Tensor.eye(3).add(in[0]).neg())[1], e);
        GradCheck.assertGrads(in -> LinalgOps.einsum("ij,jk,kl->il", in[0], in[1], in[1].transpose()), e, b);
    }
}
