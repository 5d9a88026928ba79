package dev.tapegrad.nn.data;

import dev.tapegrad.nn.Dataset;

/**
 * Normalisation to [0, 1]: maps each feature's training-set range {@code [min, max]} linearly
 * onto [0, 1] and applies the same map to other sets (whose values may then fall outside
 * [0, 1]). A feature constant in the training set is only shifted.
 *
 * <pre>{@code
 * MinMaxScaler m = MinMaxScaler.fit(train);
 * Dataset a = m.apply(train), b = m.apply(test);
 * }</pre>
 */
public final class MinMaxScaler {

    private final double[] min;
    private final double[] range;

    /**
     * @param min   per-feature minimum
     * @param range per-feature {@code max - min} (positive)
     */
    public MinMaxScaler(double[] min, double[] range) {
        if (min.length != range.length) {
            throw new IllegalArgumentException("MinMaxScaler: " + min.length + " minima but " + range.length + " ranges");
        }
        for (int j = 0; j < range.length; j++) {
            if (!(range[j] > 0) || !Double.isFinite(min[j])) {
                throw new IllegalArgumentException("MinMaxScaler: feature " + j + " has minimum " + min[j] + " and range "
                        + range[j] + "; need a finite minimum and a positive range");
            }
        }
        this.min = min.clone();
        this.range = range.clone();
    }

    /**
     * Fits each feature's minimum and range.
     *
     * @param data the training set
     * @return the fitted scaler
     */
    public static MinMaxScaler fit(Dataset data) {
        int d = data.featureCount();
        double[] lo = new double[d];
        double[] hi = new double[d];
        java.util.Arrays.fill(lo, Double.POSITIVE_INFINITY);
        java.util.Arrays.fill(hi, Double.NEGATIVE_INFINITY);
        for (int i = 0; i < data.size(); i++) {
            for (int j = 0; j < d; j++) {
                double v = data.feature(i, j);
                lo[j] = Math.min(lo[j], v);
                hi[j] = Math.max(hi[j], v);
            }
        }
        double[] range = new double[d];
        for (int j = 0; j < d; j++) {
            range[j] = hi[j] - lo[j] > 1e-12 ? hi[j] - lo[j] : 1.0;
        }
        return new MinMaxScaler(lo, range);
    }

    /**
     * @param data a data set with the same number of features
     * @return {@code (x - min) / range}, feature by feature
     */
    public Dataset apply(Dataset data) {
        int d = data.featureCount();
        if (d != min.length) {
            throw new IllegalArgumentException("MinMaxScaler: fitted on " + min.length + " features, data set "
                    + data.name() + " has " + d);
        }
        double[] x = data.featuresCopy();
        for (int i = 0; i < x.length; i++) {
            int j = i % d;
            x[i] = (x[i] - min[j]) / range[j];
        }
        return data.withFeatures(x);
    }

    /** @return a copy of the per-feature minima */
    public double[] min() {
        return min.clone();
    }

    /** @return a copy of the per-feature ranges */
    public double[] range() {
        return range.clone();
    }
}
