package dev.tapegrad.nn;

import dev.tapegrad.Tensor;
import java.util.Arrays;

/**
 * One mini-batch: the inputs as a {@code [batchSize, features...]} tensor and the integer class
 * labels of its rows, or their target values ({@code [batchSize, ...]}: regression values,
 * sequences), or both.
 *
 * <pre>{@code
 * for (Batch b : DataLoader.of(train, 32, rng)) {
 *     Tensor logits = model.forward(b.x());   // b.x(): [32, 64]
 *     int[] y = b.labels();                   // 32 labels (null for a data set of target values)
 *     Tensor t = b.values();                  // the target rows (null for a labelled data set)
 * }
 * }</pre>
 *
 * <p>A batch is the {@link Targets} of a loss as it is: {@code loss.apply(model.forward(b.x()), b)}.
 *
 * @param x      the inputs, one row per sample (never recording: a plain value)
 * @param labels the class label of each row, {@code labels.length == x.shape(0)}, or null
 * @param values the target values, {@code values.shape(0) == x.shape(0)}, or null
 */
public record Batch(Tensor x, int[] labels, Tensor values) implements Targets {

    /**
     * Checks that there is one label and/or one target row per input row.
     *
     * @param x      the inputs, one row per sample
     * @param labels the class label of each row, or null
     * @param values the target values, one row per sample, or null
     * @throws IllegalArgumentException if the counts differ or there are neither labels nor values
     */
    public Batch {
        if (labels == null && values == null) {
            throw new IllegalArgumentException("Batch: neither labels nor target values for inputs of shape "
                    + Arrays.toString(x.shape()));
        }
        if (x.rank() < 1 || (labels != null && x.shape(0) != labels.length)) {
            throw new IllegalArgumentException("Batch: " + (labels == null ? "no" : labels.length) + " labels for inputs of shape "
                    + Arrays.toString(x.shape()) + "; need one label per row");
        }
        if (values != null && (values.rank() < 1 || values.shape(0) != x.shape(0))) {
            throw new IllegalArgumentException("Batch: target values of shape " + Arrays.toString(values.shape())
                    + " for inputs of shape " + Arrays.toString(x.shape()) + "; need one target row per input row");
        }
    }

    /**
     * A batch of labelled samples (no target values).
     *
     * @param x      the inputs, one row per sample
     * @param labels the class label of each row
     */
    public Batch(Tensor x, int[] labels) {
        this(x, java.util.Objects.requireNonNull(labels, "Batch: labels are null"), null);
    }

    /** @return the number of samples in this batch */
    public int size() {
        return x.shape(0);
    }
}
