package dev.tapegrad.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The blocked, packed, parallel gemm against a naive triple loop (plain multiply and add, an
 * independent reference), in all four transpose forms, at odd sizes and around the block edges
 * (MR, NR, KC, the small-product threshold), at offsets inside larger arrays as the batched matmul
 * uses them; and bit-identical results for 1 thread and several, and for every micro-kernel
 * (scalar and vector, at 256 and 512 bits, whatever this machine's width).
 */
class MatMulKernelTest {

    @AfterEach
    void restore() {
        Parallel.setThreads(Runtime.getRuntime().availableProcessors());
        MatMul.useKernel(MatMul.chosenKernel());
    }

    /** Every kernel the library has, vector ones only where the module is present (surefire adds it). */
    static java.util.List<Kernel> kernels() {
        java.util.List<Kernel> ks = new java.util.ArrayList<>(java.util.List.of(Kernel.SCALAR, Kernel.V256.scalar(), Kernel.V512.scalar()));
        if (VectorSupport.AVAILABLE) {
            ks.add(Kernel.V256);
            ks.add(Kernel.V512);
            ks.add(new Kernel(12, 16, 512));  // the other 512-bit tile (measured slower, kept for comparison)
        }
        return ks;
    }

    /** op(A)·op(B) by the definition; A is [m,k] or stored [k,m] if transA; B is [k,n] or stored [n,k]. */
    static double[] naive(double[] a, int aOff, boolean transA, double[] b, int bOff, boolean transB, int m, int k, int n) {
        double[] c = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    double av = transA ? a[aOff + p * m + i] : a[aOff + i * k + p];
                    double bv = transB ? b[bOff + j * k + p] : b[bOff + p * n + j];
                    s += av * bv;
                }
                c[i * n + j] = s;
            }
        }
        return c;
    }

    static double[] random(SplittableRandom rng, int size) {
        double[] x = new double[size];
        for (int i = 0; i < size; i++) {
            x[i] = rng.nextDouble(-1, 1);
        }
        return x;
    }

    /** Compares with the naive loop; the tolerance is a few ulps of the sum of |terms| (k·max|a|·max|b| ≤ k). */
    static void check(int m, int k, int n, boolean transA, boolean transB, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int aOff = rng.nextInt(3), bOff = rng.nextInt(3), cOff = rng.nextInt(3);
        double[] a = random(rng, aOff + m * k + 2);
        double[] b = random(rng, bOff + k * n + 2);
        double[] c = random(rng, cOff + m * n + 2);  // garbage that must be overwritten
        double before0 = cOff > 0 ? c[0] : 0, afterLast = c[cOff + m * n];
        MatMul.gemm(a, aOff, transA, b, bOff, transB, c, cOff, m, k, n);
        double[] want = naive(a, aOff, transA, b, bOff, transB, m, k, n);
        double tol = 1e-15 * 4 * Math.max(k, 1);
        for (int i = 0; i < m * n; i++) {
            double got = c[cOff + i];
            if (!(Math.abs(got - want[i]) <= tol)) {
                throw new AssertionError("gemm m=" + m + " k=" + k + " n=" + n + " transA=" + transA + " transB="
                        + transB + ": element " + i + " is " + got + ", naive loop gives " + want[i]);
            }
        }
        if (cOff > 0) {
            assertEquals(before0, c[0], "gemm wrote before its output range");
        }
        assertEquals(afterLast, c[cOff + m * n], "gemm wrote past its output range");
    }

    @Property(tries = 60)
    void matchesNaiveLoopAtRandomSizes(@ForAll @IntRange(min = 0, max = 70) int m, @ForAll @IntRange(min = 0, max = 70) int k,
                                       @ForAll @IntRange(min = 0, max = 70) int n, @ForAll boolean transA,
                                       @ForAll boolean transB, @ForAll long seed) {
        check(m, k, n, transA, transB, seed);
    }

    @Test
    void matchesNaiveLoopAroundBlockEdges() {
        int[] edges = {1, 5, 6, 7, 8, 9, 23, 25, 95, 97};
        long seed = 1;
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                for (int m : edges) {
                    for (int n : edges) {
                        check(m, 31, n, ta, tb, seed++);
                    }
                }
                // depth across the KC boundary and rows across several parallel blocks
                check(100, MatMul.KC - 1, 17, ta, tb, seed++);
                check(37, MatMul.KC + 1, 45, ta, tb, seed++);
                check(130, 2 * MatMul.KC + 3, 9, ta, tb, seed++);
                check(7, 600, 130, ta, tb, seed++);
                // wider than one packed panel of B (PANEL_MAX / k and NC columns)
                check(7, 2100, 2050, ta, tb, seed++);
            }
        }
    }

    @Test
    void everyKernelGivesTheSameBits() {
        SplittableRandom rng = new SplittableRandom(5);
        int m = 77, k = 140, n = 53;  // edge tiles in both directions for every tile shape, two depth blocks
        double[] a = random(rng, m * k), b = random(rng, k * n);
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                MatMul.useKernel(Kernel.SCALAR);
                double[] want = new double[m * n];
                MatMul.gemm(a, 0, ta, b, 0, tb, want, 0, m, k, n);
                for (Kernel kn : kernels()) {
                    MatMul.useKernel(kn);
                    double[] got = new double[m * n];
                    MatMul.gemm(a, 0, ta, b, 0, tb, got, 0, m, k, n);
                    assertArrayEquals(want, got, 0.0, kn + ", transA=" + ta + " transB=" + tb);
                }
            }
        }
    }

    /** gemm with the current kernel gives, bit for bit, each element's fma chain in p order from +0.0. */
    private static void assertFmaChains(double[] a, boolean ta, double[] b, boolean tb, int m, int k, int n, String what) {
        double[] got = new double[m * n];
        MatMul.gemm(a, 0, ta, b, 0, tb, got, 0, m, k, n);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0.0;
                for (int p = 0; p < k; p++) {
                    s = Math.fma(ta ? a[p * m + i] : a[i * k + p], tb ? b[j * k + p] : b[p * n + j], s);
                }
                assertEquals(s, got[i * n + j], 0.0, what + " at " + i + "," + j);
            }
        }
    }

    @Test
    void edgeStripsWrittenStraightIntoCGiveTheFmaChainsBits() {
        SplittableRandom rng = new SplittableRandom(11);
        // 24 + 16, 24 + 8 and 24 + 4 columns: the last strip runs a narrower kernel (8x16, 8x8, scalar
        // columns); 17 rows: full tiles and an edge row block; depth 150: two depth blocks (C reloaded)
        // 16 rows and depth 40: A read in place (whole strips, one depth block) on the 512-bit tile
        for (int[] mk : new int[][] {{17, MatMul.KC + 22}, {16, 40}}) {
            for (int n : new int[] {40, 32, 28, 24}) {
                int m = mk[0], k = mk[1];
                double[] a = random(rng, m * k), b = random(rng, k * n);
                for (Kernel kn : kernels()) {
                    MatMul.useKernel(kn);
                    assertFmaChains(a, false, b, false, m, k, n, kn + " n=" + n);
                }
            }
        }
        assertTrue(Kernel.V512.runsColumns(16) && Kernel.V512.runsColumns(8) && !Kernel.V512.runsColumns(4));
    }

    @Test
    void narrowProductsComputedTransposedGiveTheFmaChainsBits() {
        SplittableRandom rng = new SplittableRandom(9);
        int m = 300, k = 37, n = 5;  // few columns: computed as Cᵀ = op(B)ᵀ·op(A)ᵀ on every vector kernel
        double[] a = random(rng, m * k), b = random(rng, k * n);
        for (Kernel kn : kernels()) {
            MatMul.useKernel(kn);
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    assertFmaChains(a, ta, b, tb, m, k, n, kn + " transA=" + ta + " transB=" + tb);
                }
            }
        }
        assertTrue(MatMul.narrowOutput(m, n, Kernel.V512.scalar()) && !MatMul.narrowOutput(n, m, Kernel.V512.scalar()),
                "the 8x24 tiles take the transposed path for this shape, and only for it");
    }

    @Test
    void eachKernelMatchesTheNaiveLoop() {
        long seed = 100;
        for (Kernel kn : kernels()) {
            MatMul.useKernel(kn);
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    check(kn.mr * 3 + 1, MatMul.KC + 5, kn.nr * 2 + 3, ta, tb, seed++);
                    check(kn.mr, 40, kn.nr, ta, tb, seed++);
                }
            }
        }
    }

    @Test
    void kernelChoiceFollowsTheMachineAndTheProperty() {
        assertEquals(Kernel.V512, VectorSupport.choose(true, 512, null));
        assertEquals(Kernel.V256, VectorSupport.choose(true, 256, null));
        assertEquals(Kernel.SCALAR, VectorSupport.choose(true, 128, null));
        assertEquals(Kernel.SCALAR, VectorSupport.choose(false, 0, "512"));
        assertEquals(Kernel.V256, VectorSupport.choose(true, 512, "256"));
        assertEquals(Kernel.V512, VectorSupport.choose(true, 256, "512"));
        assertEquals(Kernel.V512, VectorSupport.choose(true, 512, "banana"));  // warns, keeps the machine's width
        assertEquals(MatMul.vectorBits(), MatMul.chosenKernel().bits);
        if (System.getProperty("tapegrad.vectorBits") == null && VectorSupport.AVAILABLE) {
            assertEquals(VectorSupport.preferredBits() >= 512 ? 512 : VectorSupport.preferredBits() >= 256 ? 256 : 0,
                    MatMul.vectorBits(), MatMul.kernelName());
        }
    }

    @Test
    void oneThreadAndSeveralGiveIdenticalBits() {
        SplittableRandom rng = new SplittableRandom(9);
        int m = 203, k = 300, n = 141;  // several row blocks, three depth blocks, edge tiles
        double[] a = random(rng, m * k), b = random(rng, k * n);
        for (Kernel kn : kernels()) {
            if (kn.bits == 0 && VectorSupport.AVAILABLE) {
                continue;  // the scalar code: the same blocking, covered by everyKernelGivesTheSameBits
            }
            MatMul.useKernel(kn);
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    Parallel.setThreads(1);
                    double[] one = new double[m * n];
                    MatMul.gemm(a, 0, ta, b, 0, tb, one, 0, m, k, n);
                    for (int threads : new int[] {2, 3}) {
                        Parallel.setThreads(threads);
                        double[] many = new double[m * n];
                        MatMul.gemm(a, 0, ta, b, 0, tb, many, 0, m, k, n);
                        assertArrayEquals(one, many, 0.0, kn + ", " + threads + " threads, transA=" + ta + " transB=" + tb);
                    }
                }
            }
        }
    }

    @Test
    void blockedAndSmallPathsGiveIdenticalBits() {
        // the same 20x20 product computed alone (small path) and as the top-left of a padded big one
        SplittableRandom rng = new SplittableRandom(11);
        int s = 20, big = 60;
        double[] a = new double[big * s], b = new double[s * big];
        double[] r = random(rng, 2 * s * s);
        for (int i = 0; i < s; i++) {
            for (int p = 0; p < s; p++) {
                a[i * s + p] = r[i * s + p];
                b[p * big + i] = r[s * s + p * s + i];
            }
        }
        double[] as = java.util.Arrays.copyOf(a, s * s);
        double[] bs = new double[s * s];
        for (int p = 0; p < s; p++) {
            System.arraycopy(b, p * big, bs, p * s, s);
        }
        double[] small = new double[s * s], blocked = new double[big * big];
        MatMul.gemm(as, 0, false, bs, 0, false, small, 0, s, s, s);
        MatMul.gemm(a, 0, false, b, 0, false, blocked, 0, big, s, big);
        assertTrue((long) s * s * s <= MatMul.SMALL && (long) big * big * s > MatMul.SMALL);
        for (int i = 0; i < s; i++) {
            for (int j = 0; j < s; j++) {
                assertEquals(small[i * s + j], blocked[i * big + j], 0.0);
            }
        }
    }

    @Test
    void parallelForEachRunsEveryTaskOnceAndRethrows() {
        Parallel.setThreads(3);
        int[] hits = new int[50];
        Parallel.forEach(50, t -> hits[t]++);
        for (int h : hits) {
            assertEquals(1, h);
        }
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> Parallel.forEach(10, t -> {
                    if (t == 7) {
                        throw new IllegalStateException("task 7");
                    }
                }));
        assertEquals("task 7", e.getMessage());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> Parallel.setThreads(0));
    }
}
