package dev.tapegrad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Each thread records and replays its own tapes; a tape cannot be replayed from another thread. */
class ThreadConfinementTest {

    private static double[] gradientOf(Tensor w, Tensor x) {
        Tensor leaf = w.detach().requiresGrad(true);
        try (Tape tape = Tape.record()) {
            Tensor y = x;
            for (int i = 0; i < 200; i++) {
                y = y.mul(leaf).add(x).tanh();
            }
            return tape.gradient(y.sum(), leaf)[0].toArray();
        }
    }

    @Test
    void threadsRecordTheirOwnTapesAtOnceWithIdenticalResults() throws Exception {
        Tensor w = Tensor.vector(0.3, -0.7, 1.1, 0.05);
        Tensor x = Tensor.vector(0.5, 0.25, -1, 2);
        double[] expected = gradientOf(w, x);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<double[]>> results = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                results.add(pool.submit(() -> gradientOf(w, x)));
            }
            for (Future<double[]> r : results) {
                assertArrayEquals(expected, r.get());  // bit-identical
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void aTapeRecordsNothingFromOtherThreadsAndRefusesReplayThere() throws Exception {
        Tensor w = Tensor.vector(1, 2).requiresGrad(true);
        try (Tape tape = Tape.record()) {
            Tensor y = w.square().sum();
            AtomicReference<Throwable> error = new AtomicReference<>();
            Thread other = new Thread(() -> {
                w.exp();  // no tape on this thread: just computes
                assertFalse(Tape.isRecording());
                try {
                    tape.backward(y);
                } catch (Throwable e) {
                    error.set(e);
                }
            });
            other.start();
            other.join();
            assertEquals(2, tape.size());  // square and sum; nothing from the other thread
            assertTrue(error.get() instanceof IllegalStateException && error.get().getMessage().contains("thread"),
                    String.valueOf(error.get()));
            tape.backward(y);
            assertArrayEquals(new double[] {2, 4}, w.grad().toArray());
        }
    }

    @Test
    void nestedTapesStackAndTheInnerOneRecords() {
        Tensor w = Tensor.vector(1, 2).requiresGrad(true);
        try (Tape outer = Tape.record()) {
            Tensor a = w.mul(3);
            try (Tape inner = Tape.record()) {
                Tensor b = w.mul(5).sum();
                assertEquals(2, inner.size());
                assertArrayEquals(new double[] {5, 5}, inner.gradient(b, w)[0].toArray());
            }
            assertEquals(1, outer.size());
            assertArrayEquals(new double[] {3, 3}, outer.gradient(a.sum(), w)[0].toArray());
        }
        assertFalse(Tape.isRecording());
    }
}
