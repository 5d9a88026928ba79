package dev.tapegrad.spark;

import java.io.Serializable;
import java.util.Arrays;

/**
 * One labelled sample as it travels through Spark: its features and its class.
 *
 * @param x     the features (not copied)
 * @param label the class, 0-based
 */
public record Sample(double[] x, int label) implements Serializable {

    /**
     * @throws IllegalArgumentException if the features are null or the label is negative
     */
    public Sample {
        if (x == null) {
            throw new IllegalArgumentException("Sample: features are null");
        }
        if (label < 0) {
            throw new IllegalArgumentException("Sample: label " + label + " is negative (classes are 0, 1, ...)");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Sample s && s.label == label && Arrays.equals(s.x, x);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(x) + label;
    }

    @Override
    public String toString() {
        return "Sample[" + Arrays.toString(x) + " -> " + label + "]";
    }
}
