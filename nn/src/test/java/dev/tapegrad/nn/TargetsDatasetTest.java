package dev.tapegrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapegrad.Tensor;
import java.util.List;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.junit.jupiter.api.Test;

/** Data sets and batches of target values (regression, sequences) beside class labels, and prediction. */
class TargetsDatasetTest {

    static RandomGenerator rng(long seed) {
        return RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
    }

    @Test
    void aDatasetOfTargetValuesBatchesSubsetsAndSplitsItsRowsTogether() {
        Tensor x = Tensor.arange(12).reshape(6, 2);
        Tensor y = Tensor.arange(6).mul(10).reshape(6, 1);
        Dataset d = Dataset.of(x, y);
        assertEquals(6, d.size());
        assertFalse(d.hasLabels());
        assertNull(d.labels());
        assertEquals(0, d.classCount());
        Batch b = d.batch(new int[] {4, 1});
        assertNull(b.labels());
        assertArrayEquals(new double[] {8, 9, 2, 3}, b.x().toArray());
        assertArrayEquals(new double[] {40, 10}, b.values().toArray());
        assertEquals(2, b.size());
        Dataset.Split s = d.split(0.5, 1);
        assertEquals(3, s.train().size());
        for (Dataset part : List.of(s.train(), s.held())) {
            Batch all = part.batch(new int[] {0, 1, 2});
            for (int i = 0; i < 3; i++) {
                assertEquals(10 * all.x().get(i, 0) / 2, all.values().get(i, 0), 0.0, "rows stay with their targets");
            }
        }
        assertArrayEquals(new double[] {20, 30}, d.slice(2, 4).targets().toArray());
        // sequences keep their sample shape; targets may have any trailing shape
        Dataset seq = Dataset.of(Tensor.zeros(4, 5, 3), Tensor.ones(4, 5, 2));
        assertArrayEquals(new int[] {5, 3}, seq.sampleShape());
        assertArrayEquals(new int[] {2, 5, 2}, seq.batch(new int[] {0, 3}).values().shape());
        assertTrue(seq.toString().contains("targets [4, 5, 2]"), seq.toString());
        assertThrows(IllegalStateException.class, () -> d.label(0));
        assertThrows(IllegalArgumentException.class, () -> Dataset.of(x, Tensor.zeros(5, 1)));
        // labels and targets together
        Dataset both = new Dataset("both", x.toArray(), new int[] {2}, new int[] {0, 1, 0, 1, 0, 1}, Dataset.numberedClasses(2), y);
        Batch bb = both.batch(new int[] {5});
        assertArrayEquals(new int[] {1}, bb.labels());
        assertArrayEquals(new double[] {50}, bb.values().toArray());
        assertEquals(4, both.split(0.5, 2).held().size());   // stratified: round(1.5) of each class
    }

    @Test
    void batchesCheckTheirRowsAndTheLabelApiIsUnchanged() {
        Batch labelled = new Batch(Tensor.zeros(2, 3), new int[] {1, 0});
        assertNull(labelled.values());
        assertArrayEquals(new int[] {1, 0}, labelled.labels());
        assertThrows(IllegalArgumentException.class, () -> new Batch(Tensor.zeros(2, 3), new int[] {1}));
        assertThrows(IllegalArgumentException.class, () -> new Batch(Tensor.zeros(2, 3), null, Tensor.zeros(3, 1)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Batch(Tensor.zeros(2, 3), null, null));
        assertTrue(e.getMessage().contains("[2, 3]"), e.getMessage());
    }

    @Test
    void theTrainerFitsRegressionTargetsAndPredicts() {
        // y = 2·x0 − x1 + 0.5 plus nothing: a linear layer must find it
        RandomGenerator r = rng(3);
        Tensor x = Tensor.randn(r, 200, 2);
        Tensor y = x.matmul(Tensor.of(new double[] {2, -1}, 2, 1)).add(0.5);
        Dataset.Split s = Dataset.of(x, y).split(0.25, 4);
        Linear lin = new Linear(2, 1, rng(5));
        History h = Trainer.builder(lin, new Adam(lin.parameters(), 0.05), Losses::mse)
                .epochs(40).batchSize(16).validation(s.held()).seed(6).build().fit(s.train());
        assertTrue(Double.isNaN(h.accuracy()[0]) && Double.isNaN(h.valAccuracy()[0]), "no labels: accuracy NaN");
        assertTrue(h.valLoss()[h.bestEpoch() - 1] < 1e-4, "validation MSE " + h.valLoss()[h.bestEpoch() - 1]);
        assertArrayEquals(new double[] {2, -1}, lin.weight().toArray(), 0.02);
        assertFalse(History.summary(h.last(), 40).contains("acc"), History.summary(h.last(), 40));
        Tensor pred = Trainer.predict(lin, s.held());
        assertArrayEquals(new int[] {50, 1}, pred.shape());
        assertArrayEquals(s.held().targets().toArray(), pred.toArray(), 0.02);
        assertTrue(Double.isNaN(Trainer.evaluate(lin, Losses::mse, s.held()).accuracy()));
        assertThrows(IllegalArgumentException.class, () -> Trainer.builder(lin, new Adam(lin.parameters(), 0.05), Losses::mse)
                .monitor(Trainer.Monitor.VAL_ACCURACY).build().fit(s.train()));
        // Huber and L1 fit the Loss interface with the same data
        Linear robust = new Linear(2, 1, rng(7));
        Trainer.builder(robust, new Adam(robust.parameters(), 0.05), Losses::huber).epochs(30).batchSize(16).seed(8)
                .build().fit(s.train());
        assertTrue(Trainer.evaluate(robust, Losses::l1, s.held()).loss() < 0.05);
    }

    @Test
    void theTrainerRestoresTheBestEpochsRunningStatisticsWithItsWeights() {
        Tensor x = Tensor.randn(rng(9), 64, 3).mul(3).add(2);
        Tensor y = x.sum(1, true);
        BatchNorm1d bn = new BatchNorm1d(3);
        Module net = new Sequential(bn, new Linear(3, 1, rng(10)));
        List<double[]> means = new java.util.ArrayList<>();
        TrainingCallback record = new TrainingCallback() {
            @Override
            public void onEpochEnd(History.Epoch e, History h) {
                means.add(bn.runningMean().toArray());
            }
        };
        // a rate high enough that the training loss does not fall every epoch
        History h = Trainer.builder(net, new Adam(net.parameters(), 0.5), Losses::mse).epochs(6).batchSize(16).seed(1)
                .callback(record).build().fit(Dataset.of(x, y));
        assertArrayEquals(means.get(h.bestEpoch() - 1), bn.runningMean().toArray(), 0.0, "best epoch " + h.bestEpoch());
        assertTrue(means.get(0)[0] > 0.5, "the running mean moved from 0 towards the data's mean 2: " + means.get(0)[0]);
        assertEquals(6, net.namedState().size());   // 4 parameters, 2 buffers
    }
}
