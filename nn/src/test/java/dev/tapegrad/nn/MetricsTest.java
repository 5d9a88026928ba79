package dev.tapegrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tapegrad.Tensor;
import org.junit.jupiter.api.Test;

class MetricsTest {

    @Test
    void argmaxTakesTheFirstOfTiedMaxima() {
        Tensor s = Tensor.of(new double[] {0.1, 0.7, 0.2, 3, 3, 1, -1, -2, -0.5}, 3, 3);
        assertArrayEquals(new int[] {1, 0, 2}, Metrics.argmax(s));
        assertArrayEquals(new int[] {2}, Metrics.argmax(Tensor.vector(1, 2, 5, 0)));
        assertThrows(IllegalArgumentException.class, () -> Metrics.argmax(Tensor.scalar(1)));
    }

    @Test
    void accuracyConfusionMatrixPrecisionRecallF1() {
        int[] truth = {0, 0, 0, 1, 1, 2, 2, 2, 2, 1};
        int[] pred = {0, 1, 0, 1, 1, 2, 0, 2, 1, 1};
        assertEquals(0.7, Metrics.accuracy(pred, truth), 1e-15);
        int[][] cm = Metrics.confusionMatrix(pred, truth, 4);
        assertArrayEquals(new int[] {2, 1, 0, 0}, cm[0]);
        assertArrayEquals(new int[] {0, 3, 0, 0}, cm[1]);
        assertArrayEquals(new int[] {1, 1, 2, 0}, cm[2]);
        assertArrayEquals(new int[] {0, 0, 0, 0}, cm[3]);
        // by hand: precision = tp / column sum, recall = tp / row sum
        assertArrayEquals(new double[] {2.0 / 3, 3.0 / 5, 1.0, 0}, Metrics.precision(cm), 1e-15);
        assertArrayEquals(new double[] {2.0 / 3, 1.0, 0.5, 0}, Metrics.recall(cm), 1e-15);
        assertArrayEquals(new double[] {2.0 / 3, 0.75, 2.0 / 3, 0}, Metrics.f1(cm), 1e-15);
        assertEquals((2.0 / 3 + 0.75 + 2.0 / 3) / 4, Metrics.macroF1(cm), 1e-15);
        String text = Metrics.confusionMatrixText(cm);
        assertEquals(5, text.split("\n").length);
        Tensor scores = Tensor.of(new double[] {0.9, 0.1, 0.3, 0.7, 0.6, 0.4}, 3, 2);
        assertEquals(2.0 / 3, Metrics.accuracy(scores, new int[] {0, 1, 1}), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> Metrics.confusionMatrix(pred, truth, 2));
        assertThrows(IllegalArgumentException.class, () -> Metrics.accuracy(new int[] {1}, new int[] {1, 2}));
    }
}
