package dev.tapegrad.nn;

import dev.tapegrad.Tensor;
import java.util.Objects;

/**
 * What a {@link Loss} compares a model's output with: class labels, target values, or both. A
 * batch of a data set can implement this interface directly (so that a training loop passes it
 * to the loss as it is), or be wrapped with {@link #of(int[])} / {@link #of(Tensor)}.
 */
public interface Targets {

    /** Class labels, one per sample (row of the output), or null if the targets are not classes. */
    int[] labels();

    /** Target values (regression targets, one-hot or soft class probabilities), or null if none. */
    Tensor values();

    /** Targets that are class labels (not copied: do not change the array while it is in use). */
    static Targets of(int[] labels) {
        Objects.requireNonNull(labels, "Targets.of: labels are null");
        return new Targets() {
            @Override public int[] labels() { return labels; }
            @Override public Tensor values() { return null; }
        };
    }

    /** Targets that are values (a tensor of the output's shape). */
    static Targets of(Tensor values) {
        Objects.requireNonNull(values, "Targets.of: values are null");
        return new Targets() {
            @Override public int[] labels() { return null; }
            @Override public Tensor values() { return values; }
        };
    }
}
