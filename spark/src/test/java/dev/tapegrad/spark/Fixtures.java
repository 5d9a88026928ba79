package dev.tapegrad.spark;

import dev.tapegrad.nn.Activation;
import dev.tapegrad.nn.Adam;
import dev.tapegrad.nn.History;
import dev.tapegrad.nn.LearningRateSchedule;
import dev.tapegrad.nn.Linear;
import dev.tapegrad.nn.Losses;
import dev.tapegrad.nn.Module;
import dev.tapegrad.nn.Sequential;
import dev.tapegrad.nn.Trainer;
import dev.tapegrad.nn.data.DataSources;
import dev.tapegrad.nn.data.Standardizer;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.util.List;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Shared data, model and comparisons of the Spark tests. */
final class Fixtures {

    private Fixtures() {
    }

    static SparkSession session(String master) {
        return SparkSession.builder().master(master).appName("tapegrad-test")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "2")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .getOrCreate();
    }

    static RandomGenerator rng(long seed) {
        return RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
    }

    /** The embedded Iris training and test splits, standardised on the training split. */
    static dev.tapegrad.nn.Dataset[] iris() {
        try {
            DataSources.TrainTest tt = DataSources.load("iris");
            Standardizer z = Standardizer.fit(tt.train());
            return new dev.tapegrad.nn.Dataset[] {z.apply(tt.train()), z.apply(tt.test())};
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static final ModelFactory MLP = () -> {
        RandomGenerator r = rng(11);
        return new Sequential(new Linear(4, 8, r), Activation.tanh(), new Linear(8, 3, r));
    };
    static final OptimizerFactory ADAM = ps -> new Adam(ps, 0.02);
    static final SparkLoss CE = Losses::crossEntropy;
    static final LearningRateSchedule COSINE = LearningRateSchedule.cosine(0.02, 5, 0.002);

    static SparkTrainer.Builder spark() {
        return SparkTrainer.builder(MLP, ADAM, CE).epochs(6).batchSize(16).seed(5).schedule(COSINE);
    }

    /** The single-machine run that {@link #spark()} must equal: same data, order, seed, initial weights. */
    static Module local(dev.tapegrad.nn.Dataset train, dev.tapegrad.nn.Dataset validation, History[] history) {
        Module m = MLP.create();
        Trainer.Builder t = Trainer.builder(m, ADAM.create(m.parameters()), CE).epochs(6).batchSize(16).seed(5)
                .schedule(COSINE).validation(validation);
        History h = t.build().fit(train);
        if (history != null) {
            history[0] = h;
        }
        return m;
    }

    /** @return the largest |a - b| / |b| over all weights (|b| floored at 1e-300) */
    static double maxRelativeError(double[][] a, List<dev.tapegrad.Tensor> b) {
        double worst = 0;
        assertEquals(b.size(), a.length);
        for (int i = 0; i < a.length; i++) {
            double[] bv = b.get(i).toArray();
            assertEquals(bv.length, a[i].length);
            for (int k = 0; k < bv.length; k++) {
                worst = Math.max(worst, Math.abs(a[i][k] - bv[k]) / Math.max(Math.abs(bv[k]), 1e-300));
            }
        }
        return worst;
    }

    static void assertBitIdentical(double[][] a, double[][] b) {
        assertEquals(a.length, b.length);
        for (int i = 0; i < a.length; i++) {
            assertEquals(a[i].length, b[i].length);
            for (int k = 0; k < a[i].length; k++) {
                assertTrue(Double.doubleToRawLongBits(a[i][k]) == Double.doubleToRawLongBits(b[i][k]),
                        "parameter " + i + "[" + k + "]: " + a[i][k] + " vs " + b[i][k]);
            }
        }
    }
}
