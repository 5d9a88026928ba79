package dev.tapegrad.nn;

import dev.tapegrad.Tensor;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Checkpoints with optimizer state: 4 epochs straight equal 2 epochs, a checkpoint and 2 more, bit for bit. */
class TrainerResumeTest {

    @TempDir
    Path tmp;

    static Optimizer optimizer(String name, Module m) {
        switch (name) {
            case "adam":
                return new Adam(m.parameters(), 0.01);
            case "adamw":
                return new AdamW(m.parameters(), 0.01).weightDecay(0.01);
            case "sgd":
                return new SGD(m.parameters(), 0.05).momentum(0.9).nesterov(true);
            case "rmsprop":
                return new RMSprop(m.parameters(), 0.005).momentum(0.5);
            default:
                return new Adagrad(m.parameters(), 0.05);
        }
    }

    static Trainer.Builder builder(Module m, Optimizer o, Dataset val, int epochs) {
        return Trainer.builder(m, o, Losses::crossEntropy).epochs(epochs).batchSize(16).validation(val).seed(11)
                .schedule(LearningRateSchedule.cosine(o.learningRate(), 3, o.learningRate() / 10));
    }

    @ParameterizedTest
    @ValueSource(strings = {"adam", "adamw", "sgd", "rmsprop", "adagrad"})
    void twoEpochsThenResumingTwoMoreIsBitIdenticalToFourStraight(String opt) throws IOException {
        Dataset[] d = TrainerTest.iris();
        for (boolean restoreBest : new boolean[] {false, true}) {
            Module straight = TrainerTest.mlp(5);
            History hs = builder(straight, optimizer(opt, straight), d[1], 4).restoreBest(restoreBest).build().fit(d[0]);

            Path ck = tmp.resolve(opt + restoreBest + ".ckpt.safetensors");
            Module first = TrainerTest.mlp(5);
            builder(first, optimizer(opt, first), d[1], 2).restoreBest(restoreBest).saveState(ck).build().fit(d[0]);
            Module resumed = TrainerTest.mlp(77);   // other initial weights: everything must come from the checkpoint
            History hr = builder(resumed, optimizer(opt, resumed), d[1], 4).restoreBest(restoreBest)
                    .saveState(ck).resumeFrom(ck).build().fit(d[0]);

            Map<String, Tensor> a = straight.namedParameters();
            Map<String, Tensor> b = resumed.namedParameters();
            for (String name : a.keySet()) {
                assertArrayEquals(bits(a.get(name)), bits(b.get(name)), opt + " restoreBest=" + restoreBest + ": " + name);
            }
            assertEquals(4, hr.epochs());
            assertArrayEquals(hs.loss(), hr.loss(), opt);
            assertArrayEquals(hs.valLoss(), hr.valLoss(), opt);
            assertArrayEquals(hs.learningRate(), hr.learningRate(), opt);
            assertEquals(hs.bestEpoch(), hr.bestEpoch(), opt);
        }
    }

    static long[] bits(Tensor t) {
        return java.util.Arrays.stream(t.toArray()).mapToLong(Double::doubleToRawLongBits).toArray();
    }

    @ParameterizedTest
    @ValueSource(strings = {"adam", "sgd"})
    void optimizerStateRoundTripsAndIsChecked(String opt) throws IOException {
        Dataset[] d = TrainerTest.iris();
        Module m = TrainerTest.mlp(1);
        Optimizer o = optimizer(opt, m);
        Trainer.builder(m, o, Losses::crossEntropy).epochs(1).batchSize(32).build().fit(d[0]);
        Map<String, double[]> state = o.state();
        assertTrue(!state.isEmpty(), "a stateful optimizer has state after a step");
        Optimizer fresh = optimizer(opt, TrainerTest.mlp(2));
        fresh.loadState(o.stepCount(), state);
        assertEquals(o.stepCount(), fresh.stepCount());
        for (String k : state.keySet()) {
            assertArrayEquals(state.get(k), fresh.state().get(k), k);
        }
        String key = state.keySet().iterator().next();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> fresh.loadState(1, Map.of(key, new double[3])));
        assertTrue(e.getMessage().contains(key) && e.getMessage().contains("holds 3 values"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> fresh.loadState(1, Map.of("nope.0", new double[3])));
        assertTrue(e.getMessage().contains("no state entry 'nope.0'"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"model", "optimizer"})
    void aCheckpointOfAnotherModelOrOptimizerIsRefusedBeforeAnythingChanges(String what) throws IOException {
        Dataset[] d = TrainerTest.iris();
        Path ck = tmp.resolve(what + ".ckpt");
        Module m = TrainerTest.mlp(1);
        builder(m, new Adam(m.parameters(), 0.01), d[1], 1).saveState(ck).build().fit(d[0]);
        Module other = what.equals("model")
                ? new Sequential(new Linear(4, 5, TrainerTest.rng(1)), Activation.relu(), new Linear(5, 3, TrainerTest.rng(2)))
                : TrainerTest.mlp(3);
        Optimizer o = what.equals("model") ? new Adam(other.parameters(), 0.01) : new SGD(other.parameters(), 0.1);
        double[] before = other.parameters().get(0).toArray();
        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> builder(other, o, d[1], 2).resumeFrom(ck).build().fit(d[0]));
        assertTrue(e.getMessage().contains(ck.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(what.equals("model") ? "has shape" : "SGD"), e.getMessage());
        assertArrayEquals(before, other.parameters().get(0).toArray());
    }

    @org.junit.jupiter.api.Test
    void aRunThatStoppedEarlyStaysStoppedWhenResumed() throws IOException {
        Dataset[] d = TrainerTest.iris();
        Path ck = tmp.resolve("early.ckpt");
        Module m = TrainerTest.mlp(1);
        // a learning rate of 0 never improves on epoch 1: patience 1 stops after epoch 2
        History h = Trainer.builder(m, new SGD(m.parameters(), 0.0), Losses::crossEntropy).epochs(6).validation(d[1])
                .earlyStopping(1).saveState(ck).build().fit(d[0]);
        assertTrue(h.stoppedEarly());
        Module again = TrainerTest.mlp(1);
        History h2 = Trainer.builder(again, new SGD(again.parameters(), 0.0), Losses::crossEntropy).epochs(6)
                .validation(d[1]).earlyStopping(1).resumeFrom(ck).build().fit(d[0]);
        assertEquals(h.epochs(), h2.epochs());
        assertTrue(h2.stoppedEarly());
        assertTrue(Files.size(ck) > 0);
    }
}
