package dev.tapegrad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Replay on long chains, release after replay, and the shapes of broadcast gradients. */
class TapeReplayTest {

    @Test
    void aChainOfAMillionOpsReplaysOnTheDefaultStack() throws InterruptedException {
        AtomicReference<Object> outcome = new AtomicReference<>();
        // a fresh thread with the JVM's default stack size, whatever the test runner's thread has
        Thread t = new Thread(() -> {
            try {
                Tensor x = Tensor.scalar(0.7).requiresGrad(true);
                Tensor c = Tensor.scalar(1.000001);
                int ops = 1_000_000;
                try (Tape tape = Tape.record()) {
                    Tensor y = x;
                    for (int k = 0; k < ops / 2; k++) {
                        y = y.mul(c).neg();
                    }
                    assertEquals(ops, tape.size());
                    outcome.set(new double[] {y.item(), tape.gradient(y, x)[0].item()});
                }
            } catch (Throwable e) {
                outcome.set(e);
            }
        });
        t.start();
        t.join();
        if (outcome.get() instanceof Throwable e) {
            throw new AssertionError("replaying a chain of 1,000,000 ops failed: " + e, e);
        }
        double[] r = (double[]) outcome.get();
        // (−c)^500000 = c^500000: value 0.7·c^500000, gradient c^500000
        double factor = Math.pow(1.000001, 500_000);
        assertEquals(0.7 * factor, r[0], 1e-9 * factor);
        assertEquals(factor, r[1], 1e-9 * factor);
    }

    @Test
    void aReplayedTapeIsReleasedAndSaysHowToKeepIt() {
        Tensor x = Tensor.vector(1, 2).requiresGrad(true);
        try (Tape tape = Tape.record()) {
            Tensor y = x.square().sum();
            assertEquals(2, tape.size());
            assertArrayEquals(new double[] {2, 4}, tape.gradient(y, x)[0].toArray());
            assertEquals(0, tape.size());
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> tape.gradient(y, x));
            assertTrue(e.getMessage().contains("released"), e.getMessage());
            assertTrue(e.getMessage().contains("Tape.Option.KEEP"), e.getMessage());
            assertTrue(e.getMessage().contains("retainGraph"), e.getMessage());
            assertThrows(IllegalStateException.class, () -> tape.backward(y));
            // the tape goes on recording new work
            Tensor z = x.mul(3.0).sum();
            assertEquals(2, tape.size());
            assertArrayEquals(new double[] {3, 3}, tape.gradient(z, x)[0].toArray());
        }
    }

    @Test
    void backwardReleasesToo() {
        Tensor x = Tensor.vector(1, 2).requiresGrad(true);
        try (Tape tape = Tape.record()) {
            Tensor y = x.exp().sum();
            tape.backward(y);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> tape.backward(y));
            assertTrue(e.getMessage().contains("KEEP"), e.getMessage());
        }
        assertArrayEquals(new double[] {Math.E, Math.exp(2)}, x.grad().toArray(), 1e-15);
    }

    @Test
    void keepAndRetainGraphKeepTheNodes() {
        Tensor x = Tensor.vector(1, 2).requiresGrad(true);
        try (Tape tape = Tape.record(Tape.Option.KEEP)) {
            Tensor y = x.square().sum();
            int size = tape.size();
            for (int k = 0; k < 3; k++) {
                assertArrayEquals(new double[] {2, 4}, tape.gradient(y, x)[0].toArray());
                assertEquals(size, tape.size());
            }
            tape.backward(y);
            tape.backward(y);
            assertArrayEquals(new double[] {4, 8}, x.grad().toArray());
        }
        x.zeroGrad();
        assertNull(x.grad());
        try (Tape tape = Tape.record()) {
            Tensor y = x.square().sum();
            assertArrayEquals(new double[] {2, 4}, tape.retainGraph().gradient(y, x)[0].toArray());
            assertArrayEquals(new double[] {2, 4}, tape.retainGraph().gradient(y, x)[0].toArray());
            tape.retainGraph().backward(y);
            assertArrayEquals(new double[] {2, 4}, tape.gradient(y, x)[0].toArray());  // the last replay releases
            assertThrows(IllegalStateException.class, () -> tape.gradient(y, x));
            assertArrayEquals(new double[] {2, 4}, x.grad().toArray());
        }
    }

    @Test
    void broadcastGradientsKeepEachOperandsShape() {
        Tensor m = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3).requiresGrad(true);
        Tensor scalar = Tensor.scalar(2).requiresGrad(true);
        Tensor one = Tensor.vector(2).requiresGrad(true);
        Tensor oneByOne = Tensor.of(new double[] {2}, 1, 1).requiresGrad(true);
        Tensor row = Tensor.of(new double[] {1, 1, 1}, 1, 3).requiresGrad(true);
        Tensor col = Tensor.of(new double[] {1, 1}, 2, 1).requiresGrad(true);
        try (Tape tape = Tape.record()) {
            Tensor y = m.mul(scalar).add(m.mul(one)).add(m.mul(oneByOne)).add(m.mul(row)).add(m.mul(col)).sum();
            Tensor[] g = tape.gradient(y, m, scalar, one, oneByOne, row, col);
            assertArrayEquals(new int[] {2, 3}, g[0].shape());
            assertArrayEquals(new int[0], g[1].shape());
            assertEquals(21.0, g[1].item());
            assertArrayEquals(new int[] {1}, g[2].shape());
            assertEquals(21.0, g[2].item());
            assertArrayEquals(new int[] {1, 1}, g[3].shape());
            assertEquals(21.0, g[3].item());
            assertArrayEquals(new int[] {1, 3}, g[4].shape());
            assertArrayEquals(new double[] {5, 7, 9}, g[4].toArray());
            assertArrayEquals(new int[] {2, 1}, g[5].shape());
            assertArrayEquals(new double[] {6, 15}, g[5].toArray());
        }
        Tensor a = Tensor.zeros(3, 1).requiresGrad(true), b = Tensor.ones(1, 4).requiresGrad(true);
        Tensor batch = Tensor.ones(2, 1, 3, 4).requiresGrad(true), mat = Tensor.ones(4, 2).requiresGrad(true);
        Tensor vec = Tensor.ones(4).requiresGrad(true);
        try (Tape tape = Tape.record()) {
            Tensor y = a.add(b).sum().add(batch.matmul(mat).sum()).add(batch.matmul(vec).sum())
                    .add(scalar.broadcastTo(2, 2).sum());
            Tensor[] g = tape.gradient(y, a, b, batch, mat, vec, scalar);
            assertArrayEquals(new int[] {3, 1}, g[0].shape());
            assertArrayEquals(new double[] {4, 4, 4}, g[0].toArray());
            assertArrayEquals(new int[] {1, 4}, g[1].shape());
            assertArrayEquals(new int[] {2, 1, 3, 4}, g[2].shape());
            assertArrayEquals(new int[] {4, 2}, g[3].shape());
            assertArrayEquals(new double[] {6, 6, 6, 6, 6, 6, 6, 6}, g[3].toArray());
            assertArrayEquals(new int[] {4}, g[4].shape());
            assertArrayEquals(new int[0], g[5].shape());
            assertEquals(4.0, g[5].item());
        }
    }
}
