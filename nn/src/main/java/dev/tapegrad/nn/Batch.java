package dev.tapegrad.nn;

import dev.tapegrad.Tensor;

/**
 * One mini-batch: the inputs as a {@code [batchSize, features...]} tensor and the integer class
 * labels of its rows.
 *
 * <pre>{@code
 * for (Batch b : DataLoader.of(train, 32, rng)) {
 *     Tensor logits = model.forward(b.x());   // b.x(): [32, 64]
 *     int[] y = b.labels();                   // 32 labels
 * }
 * }</pre>
 *
 * <p>A batch is the {@link Targets} of a loss as it is: {@code loss.apply(model.forward(b.x()), b)}.
 *
 * @param x      the inputs, one row per sample (never recording: a plain value)
 * @param labels the class label of each row, {@code labels.length == x.shape(0)}
 */
public record Batch(Tensor x, int[] labels) implements Targets {

    /**
     * Checks that there is one label per row.
     *
     * @param x      the inputs, one row per sample
     * @param labels the class label of each row
     * @throws IllegalArgumentException if the label count differs from the row count
     */
    public Batch {
        if (x.rank() < 1 || x.shape(0) != labels.length) {
            throw new IllegalArgumentException("Batch: " + labels.length + " labels for inputs of shape "
                    + java.util.Arrays.toString(x.shape()) + "; need one label per row");
        }
    }

    /** @return no target values: a batch's targets are its class labels */
    @Override
    public Tensor values() {
        return null;
    }

    /** @return the number of samples in this batch */
    public int size() {
        return labels.length;
    }
}
