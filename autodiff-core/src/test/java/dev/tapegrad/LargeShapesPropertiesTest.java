package dev.tapegrad;

import dev.tapegrad.testing.GradCheck;

import dev.tapegrad.testing.Gen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Shapes large enough to reach the kernels' blocked and parallel paths, checked in GradCheck's fast
 * mode (one random direction per input), with matmul values also compared with a naive triple loop.
 */
class LargeShapesPropertiesTest {
    private static final AtomicInteger CASES = new AtomicInteger();
    private static final GradCheck.Options FAST = GradCheck.Options.defaults().withFast(true);

    private static void assertFastCheckPasses(Function<Tensor[], Tensor> fn, String what, Tensor... inputs) {
        GradCheck.Result r = GradCheck.check(FAST, fn, inputs);
        CASES.incrementAndGet();
        assertTrue(r.passed(), () -> what + "\n" + r);
    }

    private static int size(RandomGenerator rng, int max) {
        return 1 + rng.nextInt(max);
    }

    @Property(tries = 8)
    void largeMatmulsInEveryForm(@ForAll long seed) {
        RandomGenerator rng = OpGradientPropertiesTest.rng(seed);
        int m = size(rng, 150), k = size(rng, 150), n = size(rng, 150), b = size(rng, 4);
        Tensor a = Tensor.randn(rng, m, k), w = Tensor.randn(rng, k, n);
        Tensor c = a.matmul(w);
        double[] ref = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    s += a.get(i, p) * w.get(p, j);
                }
                ref[i * n + j] = s;
            }
        }
        assertArrayEquals(ref, c.toArray(), 1e-10 * k);
        String shapes = "[" + m + "," + k + "]·[" + k + "," + n + "]";
        assertFastCheckPasses(in -> in[0].matmul(in[1]), "matmul " + shapes, a, w);
        assertFastCheckPasses(in -> in[0].matmul(in[1]), "matmul 1-D·2-D", Tensor.randn(rng, k), w);
        assertFastCheckPasses(in -> in[0].matmul(in[1]), "matmul 2-D·1-D", a, Tensor.randn(rng, k));
        Tensor batched = Tensor.randn(rng, b, 1, m, k), batchedW = Tensor.randn(rng, 2, k, n);
        Tensor bc = batched.matmul(batchedW);
        assertArrayEquals(new int[] {b, 2, m, n}, bc.shape());
        // one batch entry against the 2-D product
        assertArrayEquals(batched.slice(0, b - 1, b).reshape(m, k).matmul(batchedW.slice(0, 1, 2).reshape(k, n)).toArray(),
                bc.slice(0, b - 1, b).slice(1, 1, 2).reshape(m, n).toArray(), 1e-12);
        assertFastCheckPasses(in -> in[0].matmul(in[1]).tanh(), "batched matmul", batched, batchedW);
        assertFastCheckPasses(in -> in[0].transpose().matmul(in[1].transpose()), "matmul of transposes",
                Tensor.randn(rng, k, m), Tensor.randn(rng, n, k));
    }

    @Property(tries = 8)
    void largeBroadcastsAndReductions(@ForAll long seed) {
        RandomGenerator rng = OpGradientPropertiesTest.rng(seed);
        int r = size(rng, 300), c = size(rng, 300);
        Tensor col = Tensor.randn(rng, r, 1), row = Tensor.randn(rng, c), full = Tensor.randn(rng, r, c);
        assertFastCheckPasses(in -> in[0].add(in[1]).mul(in[2]).sigmoid(), "broadcast [r,1]+[c] times [r,c]", col, row, full);
        assertFastCheckPasses(in -> in[0].div(in[1].exp()).sub(in[2].square()), "div/sub broadcast", full, row, col);
        // ties (and near-ties) make the difference quotient meaningless: keep away from them, as the op table does
        Tensor b = Tensor.randn(rng, r, 1);
        double[] av = new double[r * c];
        for (int i = 0; i < av.length; i++) {
            av[i] = b.get(i / c, 0) + (rng.nextBoolean() ? 1 : -1) * (0.01 + rng.nextDouble());
        }
        Tensor a = Tensor.of(av, r, c);
        assertTrue(Gen.minAbsDifference(new Tensor[] {a, b}) >= 0.01 - 1e-12);
        assertFastCheckPasses(in -> in[0].maximum(in[1]).sub(in[0].minimum(in[1]).square()), "maximum/minimum broadcast", a, b);
        assertFastCheckPasses(in -> in[0].sum(0).add(in[0].mean(1).sum()), "sum and mean along axes", full);
        assertFastCheckPasses(in -> in[0].softmax(-1), "softmax rows", full);
        assertFastCheckPasses(in -> in[0].logSoftmax(0), "logSoftmax columns", full);
        assertFastCheckPasses(in -> in[0].logSumExp(1, true), "logSumExp", full);
        double[] spaced = new double[r * c];  // each row a shuffle of distinct, evenly spaced values
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < c; j++) {
                int swap = rng.nextInt(j + 1);
                spaced[i * c + j] = spaced[i * c + swap];
                spaced[i * c + swap] = -3 + 6.0 * j / c;
            }
        }
        Tensor rows = Tensor.of(spaced, r, c);
        assertTrue(c == 1 || Gen.topGap(spaced, r, c, 1, false) >= 6.0 / c - 1e-12);
        assertFastCheckPasses(in -> in[0].max(1).add(in[0].min(1)), "max and min along rows", rows);
        Tensor sums = full.sum(0);
        double expected = 0;
        for (int i = 0; i < r; i++) {
            expected += full.get(i, c - 1);
        }
        assertEquals(expected, sums.get(c - 1), 1e-9);
    }

    @AfterContainer
    static void report() {
        System.out.printf("LargeShapesPropertiesTest: %d fast-mode checks on large shapes%n", CASES.get());
    }
}
