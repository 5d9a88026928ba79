package dev.tapegrad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** The tape's former silent failures: each test failed before the fix it names. */
class TapeDefectsTest {

    @Test
    void replayingAnOuterTapeWhileAnInnerOneIsOpenRecordsNothingOnTheInnerOne() {
        Tensor p = Tensor.vector(2, 3).requiresGrad(true);
        try (Tape outer = Tape.record()) {
            Tensor loss = p.square().sum();
            try (Tape inner = Tape.record()) {
                Tensor g = outer.gradient(loss, p)[0];  // 2p, a constant: nothing asked to record it
                Tensor[] gg = inner.gradient(g.mul(p).sum(), p);
                assertArrayEquals(new double[] {4, 6}, gg[0].toArray(), 0.0);  // was [8, 12]
            }
        }
    }

    @Test
    void createGraphOnAnOuterTapeRecordsThereWhileAnInnerOneIsOpen() {
        Tensor p = Tensor.vector(2, 3).requiresGrad(true);
        try (Tape outer = Tape.record()) {
            Tensor loss = p.pow(3).sum();
            try (Tape inner = Tape.record()) {
                Tensor g = outer.createGraph().gradient(loss, p)[0];  // 3p², recorded on outer
                assertArrayEquals(new double[] {12, 27}, g.toArray(), 1e-12);
                Tensor gg = outer.gradient(g.sum(), p)[0];              // 6p; was zeros
                assertArrayEquals(new double[] {12, 18}, gg.toArray(), 1e-12);
                assertEquals(0, inner.size());
            }
        }
    }

    @Test
    void aLossThatTheTapeNeverRecordedIsAnError() {
        Tensor x = Tensor.vector(1, 2);  // wants no gradient
        try (Tape tape = Tape.record()) {
            Tensor loss = x.square().sum();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tape.backward(loss));
            assertTrue(e.getMessage().contains("not recorded on this tape"), e.getMessage());
            assertTrue(e.getMessage().contains("requiresGrad(true)"), e.getMessage());
        }
        Tensor w = Tensor.vector(1, 2).requiresGrad(true);
        Tensor outside = w.square().sum();  // no tape open: just computed
        try (Tape tape = Tape.record()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tape.gradient(outside, w));
            assertTrue(e.getMessage().contains("outside the tape"), e.getMessage());
        }
    }

    @Test
    void replayingAfterCloseSaysTheTapeIsClosedNotThatItWasReplayed() {
        Tensor w = Tensor.vector(1, 2).requiresGrad(true);
        Tape tape = Tape.record();
        Tensor loss = w.square().sum();
        tape.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> tape.backward(loss));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        assertFalse(e.getMessage().contains("already replayed"), e.getMessage());
        // a loss of a closed tape given to a new tape names the other tape
        try (Tape other = Tape.record()) {
            IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class, () -> other.backward(loss));
            assertTrue(e2.getMessage().contains("another tape"), e2.getMessage());
        }
        // and a second replay still says it was replayed
        try (Tape t = Tape.record()) {
            Tensor l = w.square().sum();
            t.backward(l);
            IllegalStateException e3 = assertThrows(IllegalStateException.class, () -> t.backward(l));
            assertTrue(e3.getMessage().contains("already replayed"), e3.getMessage());
        }
        w.zeroGrad();
    }

    @Test
    void threadsAccumulatingIntoOneLeafLoseNothing() throws Exception {
        int threads = 4, rounds = 500;
        Tensor w = Tensor.vector(1, 2, 3).requiresGrad(true);
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> ts = new ArrayList<>();
        List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < threads; t++) {
            Thread th = new Thread(() -> {
                try {
                    start.await();
                    for (int r = 0; r < rounds; r++) {
                        try (Tape tape = Tape.record()) {
                            tape.backward(w.sum());  // adds 1 to every element
                        }
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            });
            th.start();
            ts.add(th);
        }
        start.countDown();
        for (Thread th : ts) {
            th.join();
        }
        assertTrue(errors.isEmpty(), () -> errors.toString());
        assertArrayEquals(new double[] {threads * rounds, threads * rounds, threads * rounds}, w.grad().toArray(), 0.0);
    }

    @Test
    void fusedBackwardPathsAreBitIdenticalToTheComposedOps() {
        RandomGenerator rng = OpGradientPropertiesTest.rng(77);
        Tensor x = Tensor.randn(rng, 5, 7), y = Tensor.randn(rng, 5, 7), seed = Tensor.randn(rng, 5, 7);
        // relu at its kink, at NaN and with an infinite upstream gradient (0·∞ = NaN either way)
        x = withSpecials(x);
        seed = withSpecials(seed);
        List<java.util.function.Function<Tensor[], Tensor>> fns = List.of(
                in -> in[0].tanh(), in -> in[0].sigmoid(), in -> in[0].relu(), in -> in[0].mul(in[1]));
        for (var f : fns) {
            Tensor[] fused, composed;
            Tensor a = x.detach().requiresGrad(true), b = y.detach().requiresGrad(true);
            try (Tape tape = Tape.record()) {
                fused = tape.vjp(f.apply(new Tensor[] {a, b}), seed, a, b);  // plain replay: fused kernels
            }
            try (Tape tape = Tape.record()) {
                composed = tape.createGraph().vjp(f.apply(new Tensor[] {a, b}), seed, a, b);  // recorded: Tensor ops
            }
            for (int i = 0; i < 2; i++) {
                double[] u = fused[i].toArray(), v = composed[i].toArray();
                for (int k = 0; k < u.length; k++) {
                    assertEquals(Double.doubleToLongBits(v[k]), Double.doubleToLongBits(u[k]), "element " + k);  // any NaN equals any NaN
                }
            }
        }
    }

    /** A copy of t with 0, −0, NaN and ±∞ in its first five elements. */
    private static Tensor withSpecials(Tensor t) {
        double[] v = t.toArray();
        double[] specials = {0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        System.arraycopy(specials, 0, v, 0, specials.length);
        return Tensor.of(v, t.shape());
    }
}
