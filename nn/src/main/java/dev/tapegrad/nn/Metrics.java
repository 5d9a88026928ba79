package dev.tapegrad.nn;

import dev.tapegrad.Tensor;
import java.util.Arrays;

/**
 * Classification metrics as plain numbers and arrays (never tensors, so nothing holds a graph).
 * Confusion matrices follow scikit-learn: row = true class, column = predicted class. A class that
 * is never predicted (or never present) has precision (recall) 0, as scikit-learn's default.
 *
 * <pre>{@code
 * double acc = Metrics.accuracy(model.forward(x), labels);
 * int[][] cm = Metrics.confusionMatrix(Metrics.argmax(model.forward(x)), labels, 10);
 * double[] f1 = Metrics.f1(cm);
 * }</pre>
 */
public final class Metrics {
    private Metrics() {}

    /**
     * Index of the largest value of each row of {@code scores} [B, C] (or the single row [C]);
     * the first one on ties, as numpy. NaN counts as larger than everything.
     */
    public static int[] argmax(Tensor scores) {
        if (scores.rank() < 1 || scores.rank() > 2 || scores.shape(-1) == 0) {
            throw new IllegalArgumentException("argmax: scores of shape " + Arrays.toString(scores.shape())
                    + " must be [C] or [B, C] with C > 0");
        }
        int c = scores.shape(-1);
        double[] v = scores.toArray();
        int b = v.length / c;
        int[] out = new int[b];
        for (int i = 0; i < b; i++) {
            int best = 0;
            double bv = v[i * c];
            for (int k = 1; k < c && !Double.isNaN(bv); k++) {
                double x = v[i * c + k];
                if (x > bv || Double.isNaN(x)) {
                    bv = x;
                    best = k;
                }
            }
            out[i] = best;
        }
        return out;
    }

    /** Fraction of rows of {@code scores} whose argmax is the label. */
    public static double accuracy(Tensor scores, int[] labels) {
        return accuracy(argmax(scores), labels);
    }

    /** Fraction of equal entries. */
    public static double accuracy(int[] predicted, int[] labels) {
        sameLength("accuracy", predicted, labels);
        if (labels.length == 0) {
            throw new IllegalArgumentException("accuracy: no samples");
        }
        int right = 0;
        for (int i = 0; i < labels.length; i++) {
            if (predicted[i] == labels[i]) {
                right++;
            }
        }
        return (double) right / labels.length;
    }

    /**
     * counts[true][predicted] over the samples.
     *
     * @throws IllegalArgumentException if a class is outside [0, classes)
     */
    public static int[][] confusionMatrix(int[] predicted, int[] labels, int classes) {
        sameLength("confusionMatrix", predicted, labels);
        if (classes <= 0) {
            throw new IllegalArgumentException("confusionMatrix: number of classes " + classes + " must be positive");
        }
        int[][] cm = new int[classes][classes];
        for (int i = 0; i < labels.length; i++) {
            int t = labels[i], p = predicted[i];
            if (t < 0 || t >= classes || p < 0 || p >= classes) {
                throw new IllegalArgumentException("confusionMatrix: sample " + i + " has label " + t + " and prediction "
                        + p + ", not both in [0, " + classes + ")");
            }
            cm[t][p]++;
        }
        return cm;
    }

    /** Per class: true positives / predicted positives (column sums); 0 where nothing was predicted. */
    public static double[] precision(int[][] cm) {
        int n = square(cm);
        double[] out = new double[n];
        for (int k = 0; k < n; k++) {
            long col = 0;
            for (int[] row : cm) {
                col += row[k];
            }
            out[k] = col == 0 ? 0.0 : (double) cm[k][k] / col;
        }
        return out;
    }

    /** Per class: true positives / actual positives (row sums); 0 where the class is absent. */
    public static double[] recall(int[][] cm) {
        int n = square(cm);
        double[] out = new double[n];
        for (int k = 0; k < n; k++) {
            long row = 0;
            for (int v : cm[k]) {
                row += v;
            }
            out[k] = row == 0 ? 0.0 : (double) cm[k][k] / row;
        }
        return out;
    }

    /** Per class: the harmonic mean 2PR/(P + R) of precision and recall; 0 where both are 0. */
    public static double[] f1(int[][] cm) {
        double[] p = precision(cm), r = recall(cm);
        double[] out = new double[p.length];
        for (int k = 0; k < p.length; k++) {
            out[k] = p[k] + r[k] == 0 ? 0.0 : 2 * p[k] * r[k] / (p[k] + r[k]);
        }
        return out;
    }

    /** Unweighted mean of the per-class F1 scores. */
    public static double macroF1(int[][] cm) {
        return Arrays.stream(f1(cm)).average().orElse(0.0);
    }

    /**
     * The matrix as aligned text with a header row of predicted classes, one row per true class:
     * <pre>
     * true\pred    0    1
     *         0   50    2
     *         1    3   45
     * </pre>
     */
    public static String confusionMatrixText(int[][] cm) {
        int n = square(cm);
        int width = 4;
        for (int[] row : cm) {
            for (int v : row) {
                width = Math.max(width, Integer.toString(v).length() + 1);
            }
        }
        StringBuilder sb = new StringBuilder(String.format("%9s", "true\\pred"));
        for (int k = 0; k < n; k++) {
            sb.append(String.format("%" + width + "d", k));
        }
        sb.append('\n');
        for (int t = 0; t < n; t++) {
            sb.append(String.format("%9d", t));
            for (int p = 0; p < n; p++) {
                sb.append(String.format("%" + width + "d", cm[t][p]));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private static int square(int[][] cm) {
        for (int[] row : cm) {
            if (row.length != cm.length) {
                throw new IllegalArgumentException("confusion matrix must be square: " + cm.length + " rows, a row of " + row.length);
            }
        }
        return cm.length;
    }

    private static void sameLength(String name, int[] predicted, int[] labels) {
        if (predicted.length != labels.length) {
            throw new IllegalArgumentException(name + ": " + predicted.length + " predictions for " + labels.length + " labels");
        }
    }
}
