package dev.tapegrad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.junit.jupiter.api.Test;

/** IndexOps against closed forms: known values, transposition identities, stability, errors. */
class IndexOpsTest {
    private static final RandomGenerator RNG = RandomGeneratorFactory.of("L64X128MixRandom").create(3);

    private static Tensor m(double[][] rows) {
        return Tensor.matrix(rows);
    }

    @Test
    void gatherAndTakeMatchPytorchAndNumpy() {
        Tensor x = m(new double[][] {{1, 2}, {3, 4}});
        assertArrayEquals(new double[] {1, 1, 4, 3}, IndexOps.gather(x, 1, m(new double[][] {{0, 0}, {1, 0}})).toArray());
        assertArrayEquals(new double[] {1, 4, 3, 2}, IndexOps.gather(x, 0, m(new double[][] {{0, 1}, {1, 0}})).toArray());
        // take_along_axis with a broadcast index column
        Tensor t = IndexOps.takeAlongAxis(x, Tensor.of(new double[] {1}, 1, 1), 1);
        assertArrayEquals(new double[] {2, 4}, t.toArray());
        assertArrayEquals(new double[] {4, 1, 3}, IndexOps.take(x, Tensor.vector(3, 0, -2)).toArray());
        Tensor y = Tensor.arange(12).reshape(3, 4);
        Tensor cols = IndexOps.take(y, Tensor.vector(3, 0), 1);
        assertArrayEquals(new int[] {3, 2}, cols.shape());
        assertArrayEquals(new double[] {3, 0, 7, 4, 11, 8}, cols.toArray());
        assertArrayEquals(new double[] {8, 9, 10, 11, 0, 1, 2, 3}, IndexOps.indexSelect(y, 0, Tensor.vector(2, 0)).toArray());
        assertArrayEquals(new int[] {2, 2, 4}, IndexOps.index(y, m(new double[][] {{0, 1}, {2, -1}})).shape());
        // x[rows, cols] pairs: (0,1), (2,3), (1,0)
        assertArrayEquals(new double[] {1, 11, 4}, IndexOps.index(y, Tensor.vector(0, 2, 1), Tensor.vector(1, 3, 0)).toArray());
        // broadcast: rows as a column, cols as a row: a 2×2 block
        assertArrayEquals(new double[] {1, 3, 9, 11},
                IndexOps.index(y, Tensor.of(new double[] {0, 2}, 2, 1), Tensor.vector(1, 3)).toArray());
    }

    @Test
    void gatherAndScatterAddAreEachOthersTranspose() {
        for (int trial = 0; trial < 20; trial++) {
            int[] shape = {1 + RNG.nextInt(4), 1 + RNG.nextInt(4), 1 + RNG.nextInt(3)};
            int axis = RNG.nextInt(3);
            int[] is = shape.clone();
            is[axis] = 1 + RNG.nextInt(5);
            for (int d = 0; d < 3; d++) {
                if (d != axis) {
                    is[d] = 1 + RNG.nextInt(shape[d]);
                }
            }
            Tensor idx = IndexOpsCatalog.indices(RNG, is, shape[axis], false);
            Tensor v = Tensor.randn(RNG, shape), u = Tensor.randn(RNG, is);
            double lhs = IndexOps.scatterAdd(u, axis, idx, shape).mul(v).sum().item();
            double rhs = u.mul(IndexOps.gather(v, axis, idx)).sum().item();
            assertEquals(rhs, lhs, 1e-12, "⟨scatterAdd(u), v⟩ = ⟨u, gather(v)⟩");
        }
        // repeated indices accumulate
        Tensor s = IndexOps.scatterAdd(Tensor.vector(1, 2, 3), 0, Tensor.vector(1, 1, 0), 2);
        assertArrayEquals(new double[] {3, 3}, s.toArray());
        Tensor base = Tensor.ones(2);
        assertArrayEquals(new double[] {4, 4}, IndexOps.scatterAdd(base, 0, Tensor.vector(1, 1, 0), Tensor.vector(1, 2, 3)).toArray());
    }

    @Test
    void gatherGradientIsTheScatterAddOfTheSeed() {
        Tensor x = Tensor.randn(RNG, 3).requiresGrad(true);
        Tensor idx = Tensor.vector(2, 2, 0, 2);
        try (Tape tape = Tape.record()) {
            Tensor y = IndexOps.take(x, idx);
            tape.backward(y.sum());
        }
        assertArrayEquals(new double[] {1, 0, 3}, x.grad().toArray());
    }

    @Test
    void oneHotMaskedSelectArgsort() {
        Tensor oh = IndexOps.oneHot(Tensor.vector(2, 0, 1), 3);
        assertArrayEquals(new double[] {0, 0, 1, 1, 0, 0, 0, 1, 0}, oh.toArray());
        assertArrayEquals(new int[] {2, 4}, IndexOps.oneHot(Tensor.vector(3, 1), -1).shape());
        assertThrows(IllegalArgumentException.class, () -> IndexOps.oneHot(Tensor.vector(-1), 3));
        Tensor x = m(new double[][] {{1, -2}, {3, -4}});
        assertArrayEquals(new double[] {1, 3}, IndexOps.maskedSelect(x, x.maximum(Tensor.scalar(0))).toArray());
        // a mask row broadcast over the rows
        assertArrayEquals(new double[] {-2, -4}, IndexOps.maskedSelect(x, Tensor.vector(0, 1)).toArray());
        assertArrayEquals(new double[] {1, 2, 0}, IndexOps.argsort(Tensor.vector(3, 1, 2).neg(), -1, true).toArray());
    }

    @Test
    void sortIsStableAtTiesAndRoutesTheGradient() {
        Tensor x = Tensor.vector(2, 1, 2, 0, 1);
        assertArrayEquals(new double[] {3, 1, 4, 0, 2}, IndexOps.argsort(x, 0, false).toArray());  // ties keep their order
        assertArrayEquals(new double[] {0, 2, 1, 4, 3}, IndexOps.argsort(x, 0, true).toArray());   // also descending
        assertArrayEquals(new double[] {0, 1, 1, 2, 2}, IndexOps.sort(x).toArray());
        assertArrayEquals(new double[] {2, 2, 1, 1, 0}, IndexOps.sort(x, 0, true).toArray());
        assertArrayEquals(new double[] {1, 2, Double.NaN}, IndexOps.sort(Tensor.vector(Double.NaN, 2, 1)).toArray());
        // the gradient of the sorted values weighted by position: each input gets its output position's weight
        Tensor v = Tensor.vector(3, 1, 2).requiresGrad(true);
        try (Tape tape = Tape.record()) {
            tape.backward(IndexOps.sort(v).mul(Tensor.vector(10, 20, 30)).sum());
        }
        assertArrayEquals(new double[] {30, 10, 20}, v.grad().toArray());
        Tensor rows = m(new double[][] {{3, 1}, {0, 5}});
        assertArrayEquals(new double[] {0, 1, 3, 5}, IndexOps.sort(rows, 0, false).toArray());
    }

    @Test
    void outOfRangeIndicesNameTheOpIndexAxisAndShape() {
        Tensor x = Tensor.zeros(2, 3).requiresGrad(true);
        try (Tape tape = Tape.record()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> IndexOps.gather(x, 1, m(new double[][] {{0, 3}})));
            assertTrue(e.getMessage().startsWith("gather:") && e.getMessage().contains("index 3")
                    && e.getMessage().contains("axis 1") && e.getMessage().contains("[2, 3]"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> IndexOps.take(x, Tensor.vector(6)));
            assertTrue(e.getMessage().startsWith("take:") && e.getMessage().contains("index 6"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> IndexOps.indexSelect(x, 0, Tensor.vector(-3)));
            assertThrows(IllegalArgumentException.class, () -> IndexOps.take(x, Tensor.vector(0.5)));
            assertThrows(IllegalArgumentException.class, () -> IndexOps.scatterAdd(Tensor.ones(2), 0, Tensor.vector(0, 4), 3));
            assertThrows(IllegalArgumentException.class, () -> IndexOps.scatterAdd(Tensor.scalar(1), 0, Tensor.vector(0), 3));
            assertThrows(IllegalArgumentException.class, () -> IndexOps.gather(x, 0, Tensor.zeros(2, 4)));
            assertThrows(IllegalArgumentException.class, () -> IndexOps.maskedSelect(x, Tensor.ones(3, 2)));
            assertEquals(0, tape.size());
        }
    }
}
