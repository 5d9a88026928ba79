package dev.tapegrad.nn.data;

import dev.tapegrad.nn.Dataset;

/**
 * Standardisation: shifts and scales each feature to mean 0 and standard deviation 1, with the
 * statistics fitted on one data set (the training set) and applied unchanged to others
 * (validation, test), as one must to avoid peeking at the test set. A feature that is constant
 * in the training set is only shifted (its scale is taken as 1).
 *
 * <pre>{@code
 * Standardizer s = Standardizer.fit(train);
 * Dataset trainZ = s.apply(train), testZ = s.apply(test);
 * }</pre>
 */
public final class Standardizer {

    private final double[] mean;
    private final double[] std;

    /**
     * @param mean per-feature mean
     * @param std  per-feature standard deviation (positive)
     */
    public Standardizer(double[] mean, double[] std) {
        if (mean.length != std.length) {
            throw new IllegalArgumentException("Standardizer: " + mean.length + " means but " + std.length + " deviations");
        }
        for (int j = 0; j < std.length; j++) {
            if (!(std[j] > 0) || !Double.isFinite(mean[j])) {
                throw new IllegalArgumentException("Standardizer: feature " + j + " has mean " + mean[j] + " and deviation "
                        + std[j] + "; need a finite mean and a positive deviation");
            }
        }
        this.mean = mean.clone();
        this.std = std.clone();
    }

    /**
     * Fits the per-feature mean and (population) standard deviation.
     *
     * @param data the training set
     * @return the fitted standardiser
     */
    public static Standardizer fit(Dataset data) {
        int d = data.featureCount();
        int n = data.size();
        double[] mean = new double[d];
        double[] var = new double[d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                mean[j] += data.feature(i, j);
            }
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= n;
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                double c = data.feature(i, j) - mean[j];
                var[j] += c * c;
            }
        }
        double[] std = new double[d];
        for (int j = 0; j < d; j++) {
            double s = Math.sqrt(var[j] / n);
            std[j] = s > 1e-12 ? s : 1.0;
        }
        return new Standardizer(mean, std);
    }

    /**
     * @param data a data set with the same number of features
     * @return {@code (x - mean) / std}, feature by feature
     */
    public Dataset apply(Dataset data) {
        int d = data.featureCount();
        if (d != mean.length) {
            throw new IllegalArgumentException("Standardizer: fitted on " + mean.length + " features, data set "
                    + data.name() + " has " + d);
        }
        double[] x = data.featuresCopy();
        for (int i = 0; i < x.length; i++) {
            int j = i % d;
            x[i] = (x[i] - mean[j]) / std[j];
        }
        return data.withFeatures(x);
    }

    /** @return a copy of the per-feature means */
    public double[] mean() {
        return mean.clone();
    }

    /** @return a copy of the per-feature standard deviations */
    public double[] std() {
        return std.clone();
    }
}
