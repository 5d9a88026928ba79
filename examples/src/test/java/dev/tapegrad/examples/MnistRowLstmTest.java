package dev.tapegrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapegrad.nn.Dataset;
import dev.tapegrad.nn.data.DataSources;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The row-by-row LSTM classifier at a reduced size: the embedded UCI digits (8 rows of 8 pixels,
 * always present) instead of MNIST's 28 × 28, 32 units, 6 epochs. The full-size run on the MNIST
 * files (≥ 95 % on the test files) is {@link MnistRowLstm#main}.
 */
class MnistRowLstmTest {

    static Dataset scaled(Dataset d) {
        return d.withFeatures(Arrays.stream(d.featuresCopy()).map(v -> v / 16).toArray());
    }

    @Test
    void anLstmReadingTheRowsOfTheDigitsClassifiesThem() throws Exception {
        DataSources.TrainTest tt = DataSources.load("digits");
        MnistRowLstm.Result r = MnistRowLstm.run(scaled(tt.train()), scaled(tt.test()),
                new MnistRowLstm.Config(32, 6, 32, 1e-2, 1), null);
        System.out.printf("MnistRowLstmTest: 8 steps of 8 pixels, test accuracy %.2f%%, epoch times %s s%n",
                100 * r.testAccuracy(), Arrays.toString(Arrays.stream(r.history().seconds()).map(s -> Math.round(s * 10) / 10.0).toArray()));
        assertTrue(r.testAccuracy() >= 0.85, "test accuracy " + r.testAccuracy());
        assertEquals(r.testAccuracy(), r.testByEpoch()[5], 0.0);
        assertTrue(r.history().loss()[5] < r.history().loss()[0] / 3, Arrays.toString(r.history().loss()));
        assertThrows(IllegalArgumentException.class, () -> MnistRowLstm.run(tt.train().withFeatures(tt.train().featuresCopy()),
                Dataset.of(dev.tapegrad.Tensor.zeros(2, 64), new int[] {0, 1}), new MnistRowLstm.Config(4, 1, 8, 1e-2, 1), null));
    }
}
