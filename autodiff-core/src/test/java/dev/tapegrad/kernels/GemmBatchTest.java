package dev.tapegrad.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The batched product against one {@link MatMul#gemm} call per matrix (itself checked against a
 * naive loop in {@link MatMulKernelTest}) and against the naive loop directly: broadcast batch
 * axes, every transpose form, bit-identical results for 1 thread and several (small products run
 * in parallel across the batch, large ones inside each product), and errors that name the shapes.
 */
class GemmBatchTest {

    @AfterEach
    void restore() {
        Parallel.setThreads(Runtime.getRuntime().availableProcessors());
    }

    /** The batched call and the per-matrix calls on the same operands; they must agree bit for bit. */
    private static void compare(int[] batch, int[] sa, int[] sb, int m, int k, int n, boolean ta, boolean tb, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int count = 1, na = 1, nb = 1;
        for (int d = 0; d < batch.length; d++) {
            count *= batch[d];
            na += (batch[d] - 1) * sa[d];
            nb += (batch[d] - 1) * sb[d];
        }
        double[] a = MatMulKernelTest.random(rng, na * m * k), b = MatMulKernelTest.random(rng, nb * k * n);
        double[] c = new double[count * m * n];
        MatMul.gemmBatch(a, ta, b, tb, c, m, k, n, batch, sa, sb);
        double[] want = new double[count * m * n];
        for (int t = 0; t < count; t++) {
            int ia = 0, ib = 0, rem = t, inner = count;
            for (int d = 0; d < batch.length; d++) {
                inner /= batch[d];
                int idx = rem / inner;
                rem %= inner;
                ia += idx * sa[d];
                ib += idx * sb[d];
            }
            MatMul.gemm(a, ia * m * k, ta, b, ib * k * n, tb, want, t * m * n, m, k, n);
            double[] naive = MatMulKernelTest.naive(a, ia * m * k, ta, b, ib * k * n, tb, m, k, n);
            for (int i = 0; i < m * n; i++) {
                assertTrue(Math.abs(naive[i] - c[t * m * n + i]) <= 4e-15 * k, "product " + t + " element " + i);
            }
        }
        assertArrayEquals(want, c, 0.0, "batch and one call per matrix differ");
    }

    @Test
    void matchesOneCallPerMatrixWithBroadcasting() {
        long seed = 1;
        for (int threads : new int[] {1, 2, 3}) {
            Parallel.setThreads(threads);
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    // many small products (parallel across the batch), B shared by all of them
                    compare(new int[] {40}, new int[] {1}, new int[] {0}, 12, 30, 20, ta, tb, seed++);
                    // two batch axes, each operand broadcast along one of them
                    compare(new int[] {3, 5}, new int[] {1, 0}, new int[] {0, 1}, 9, 17, 25, ta, tb, seed++);
                    // a few large products (each one parallel inside)
                    compare(new int[] {2}, new int[] {1}, new int[] {1}, 100, 130, 90, ta, tb, seed++);
                    // an empty batch and empty matrices
                    compare(new int[] {0}, new int[] {1}, new int[] {1}, 4, 4, 4, ta, tb, seed++);
                    compare(new int[] {3}, new int[] {1}, new int[] {1}, 4, 0, 5, ta, tb, seed++);
                }
            }
        }
    }

    @Test
    void oneThreadAndSeveralGiveIdenticalBits() {
        SplittableRandom rng = new SplittableRandom(3);
        int count = 64, m = 16, k = 48, n = 24;
        double[] a = MatMulKernelTest.random(rng, count * m * k), b = MatMulKernelTest.random(rng, count * k * n);
        Parallel.setThreads(1);
        double[] one = new double[count * m * n];
        MatMul.gemmBatch(a, false, b, true, one, m, k, n, new int[] {count}, new int[] {1}, new int[] {1});
        for (int threads : new int[] {2, 5}) {
            Parallel.setThreads(threads);
            double[] many = new double[count * m * n];
            MatMul.gemmBatch(a, false, b, true, many, m, k, n, new int[] {count}, new int[] {1}, new int[] {1});
            assertArrayEquals(one, many, 0.0, threads + " threads");
        }
    }

    @Test
    void badArgumentsNameTheShapes() {
        double[] x = new double[24];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MatMul.gemmBatch(x, false, x, false, x, 2, 3, 4, new int[] {2}, new int[] {1, 0}, new int[] {1}));
        assertTrue(e.getMessage().startsWith("gemmBatch: batch shape [2]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> MatMul.gemmBatch(x, false, x, false, x, 2, 3, 4, new int[] {3}, new int[] {1}, new int[] {1}));
        assertTrue(e.getMessage().contains("[2,3]·[3,4]") && e.getMessage().contains("hold 24"), e.getMessage());
    }
}
