package dev.tapegrad.nn;

import dev.tapegrad.Tensor;
import dev.tapegrad.nn.data.DataSources;
import dev.tapegrad.nn.data.Standardizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainerTest {

    @TempDir
    Path tmp;

    static RandomGenerator rng(long seed) {
        return RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
    }

    static Dataset[] iris() throws IOException {
        DataSources.TrainTest tt = DataSources.load("iris");
        Standardizer z = Standardizer.fit(tt.train());
        return new Dataset[] {z.apply(tt.train()), z.apply(tt.test())};
    }

    static Module mlp(long seed) {
        RandomGenerator r = rng(seed);
        return new Sequential(new Linear(4, 8, r), Activation.tanh(), new Linear(8, 3, r));
    }

    @Test
    void learnsIrisAndKeepsPlainNumbers() throws IOException {
        Dataset[] d = iris();
        Module model = mlp(1);
        History h = Trainer.builder(model, new Adam(model.parameters(), 0.02), Losses::crossEntropy)
                .epochs(30).batchSize(16).validation(d[1]).seed(3).build().fit(d[0]);
        assertEquals(30, h.epochs());
        assertTrue(h.loss()[29] < h.loss()[0] / 3, "loss should fall: " + h.loss()[0] + " -> " + h.loss()[29]);
        assertTrue(h.valAccuracy()[h.bestEpoch() - 1] >= 0.9, "validation accuracy " + h.valAccuracy()[h.bestEpoch() - 1]);
        assertFalse(model.isTraining(), "the trainer leaves the model in evaluation mode");
        for (History.Epoch e : h.records()) {
            assertTrue(e.seconds() > 0 && e.samplesPerSecond() > 0);
            assertEquals(0.02, e.learningRate());
        }
    }

    @Test
    void theBestEpochIsRestoredAndCheckpointed() throws IOException {
        Dataset[] d = iris();
        Module model = mlp(2);
        Path ckpt = tmp.resolve("best.safetensors");
        History h = Trainer.builder(model, new Adam(model.parameters(), 0.05), Losses::crossEntropy)
                .epochs(12).batchSize(8).validation(d[1]).checkpoint(ckpt).seed(4).build().fit(d[0]);
        int best = h.bestEpoch();
        double bestLoss = h.valLoss()[best - 1];
        for (double v : h.valLoss()) {
            assertTrue(v >= bestLoss);
        }
        // The model now holds the best epoch's weights: its validation loss is that epoch's, exactly.
        assertEquals(bestLoss, Trainer.evaluate(model, Losses::crossEntropy, d[1]).loss());
        Module reloaded = mlp(99);
        reloaded.load(ckpt);
        Tensor x = d[1].x();
        assertArrayEquals(model.forward(x).toArray(), reloaded.forward(x).toArray());
    }

    @Test
    void earlyStoppingEndsPatienceEpochsAfterTheBest() throws IOException {
        Dataset[] d = iris();
        // Validation labels shuffled: fitting the training set makes them worse, so the best comes early.
        int[] wrong = d[1].labels();
        DataLoader.shuffle(wrong, rng(5));
        Dataset noise = new Dataset("noise", d[1].featuresCopy(), d[1].sampleShape(), wrong, d[1].classNames());
        Module model = mlp(3);
        History h = Trainer.builder(model, new Adam(model.parameters(), 0.05), Losses::crossEntropy)
                .epochs(100).batchSize(8).validation(noise).earlyStopping(3).seed(6).build().fit(d[0]);
        assertTrue(h.stoppedEarly());
        assertEquals(h.bestEpoch() + 3, h.epochs());
    }

    @Test
    void scheduleCallbacksAndDeterminism() throws IOException {
        Dataset[] d = iris();
        List<String> events = new ArrayList<>();
        double[] batchLossSum = new double[1];
        int[] samples = new int[1];
        TrainingCallback spy = new TrainingCallback() {
            @Override
            public void onTrainBegin(int epochs, int batches, int n) {
                events.add("begin " + epochs + " " + batches + " " + n);
            }

            @Override
            public void onEpochBegin(int epoch) {
                events.add("epoch " + epoch);
                batchLossSum[0] = 0;
                samples[0] = 0;
            }

            @Override
            public void onBatchEnd(int epoch, int batch, double loss, int size) {
                batchLossSum[0] += loss * size;
                samples[0] += size;
            }

            @Override
            public void onEpochEnd(History.Epoch e, History h) {
                assertEquals(batchLossSum[0] / samples[0], e.loss(), 1e-12);
                events.add("end " + e.epoch() + " " + samples[0]);
            }

            @Override
            public void onTrainEnd(History h) {
                events.add("done " + h.epochs());
            }
        };
        LearningRateSchedule s = LearningRateSchedule.step(0.04, 2, 0.5);
        Module a = mlp(4);
        History ha = Trainer.builder(a, new SGD(a.parameters(), 1), Losses::crossEntropy)
                .epochs(4).batchSize(50).schedule(s).callback(spy).seed(8).build().fit(d[0]);
        assertArrayEquals(new double[] {0.04, 0.04, 0.02, 0.02}, ha.learningRate());
        int n = d[0].size();
        assertEquals(List.of("begin 4 " + ((n + 49) / 50) + " " + n, "epoch 1", "end 1 " + n, "epoch 2", "end 2 " + n,
                "epoch 3", "end 3 " + n, "epoch 4", "end 4 " + n, "done 4"), events);

        Module b = mlp(4);
        History hb = Trainer.builder(b, new SGD(b.parameters(), 1), Losses::crossEntropy)
                .epochs(4).batchSize(50).schedule(s).seed(8).build().fit(d[0]);
        assertArrayEquals(ha.loss(), hb.loss());
        assertArrayEquals(a.parameters().get(0).toArray(), b.parameters().get(0).toArray());
        Module c = mlp(4);
        History hc = Trainer.builder(c, new SGD(c.parameters(), 1), Losses::crossEntropy)
                .epochs(4).batchSize(50).schedule(s).seed(9).build().fit(d[0]);
        assertFalse(java.util.Arrays.equals(ha.loss(), hc.loss()), "another shuffling seed, another run");
    }

    @Test
    void historyCsvAndDivergence() throws IOException {
        Dataset[] d = iris();
        Module model = mlp(5);
        History h = Trainer.builder(model, new Adam(model.parameters(), 0.01), Losses::crossEntropy)
                .epochs(2).batchSize(30).seed(1).build().fit(d[0]);
        Path csv = tmp.resolve("h.csv");
        h.writeCsv(csv);
        List<String> lines = Files.readAllLines(csv);
        assertEquals(3, lines.size());
        String[] row = lines.get(2).split(",", -1);
        assertEquals("2", row[0]);
        assertEquals(h.loss()[1], Double.parseDouble(row[1]));
        assertEquals("", row[3], "no validation: empty cell, not NaN");

        Module wild = mlp(6);
        ArithmeticException e = assertThrows(ArithmeticException.class, () ->
                Trainer.builder(wild, new SGD(wild.parameters(), 0.1), (out, t) -> out.log().mean())
                        .epochs(3).batchSize(30).build().fit(d[0]));
        assertTrue(e.getMessage().contains("loss became NaN in epoch 1, batch 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Trainer.builder(wild, new SGD(wild.parameters(), 1),
                Losses::crossEntropy).epochs(0));
    }
}
