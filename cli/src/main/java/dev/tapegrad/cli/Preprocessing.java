package dev.tapegrad.cli;

import dev.tapegrad.nn.Dataset;
import dev.tapegrad.nn.data.MinMaxScaler;
import dev.tapegrad.nn.data.Standardizer;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The feature scaling a model was trained with, fitted on the training set and stored in the
 * model file so that {@code tapegrad eval} applies exactly the same map: {@code x' = (x - shift) / scale}
 * per feature.
 *
 * @param kind  {@code none}, {@code standard} (mean 0, deviation 1) or {@code minmax} (to [0, 1])
 * @param shift per-feature shift (empty for none)
 * @param scale per-feature scale (empty for none)
 */
record Preprocessing(String kind, double[] shift, double[] scale) {

    static final String NONE = "none";

    /**
     * Fits the named scaling on a training set.
     *
     * @param kind  none, standard or minmax
     * @param train the training set
     * @return the fitted preprocessing
     */
    static Preprocessing fit(String kind, Dataset train) {
        switch (kind.toLowerCase(Locale.ROOT)) {
            case "none":
                return new Preprocessing(NONE, new double[0], new double[0]);
            case "standard":
                Standardizer s = Standardizer.fit(train);
                return new Preprocessing("standard", s.mean(), s.std());
            case "minmax":
                MinMaxScaler m = MinMaxScaler.fit(train);
                return new Preprocessing("minmax", m.min(), m.range());
            default:
                throw new CliException("usage: --normalize " + kind + " is not one of auto, none, standard, minmax");
        }
    }

    /**
     * @param data a data set with the fitted number of features
     * @return the scaled data set
     */
    Dataset apply(Dataset data) {
        if (kind.equals(NONE)) {
            return data;
        }
        if (data.featureCount() != shift.length) {
            throw new CliException("the model was trained on " + shift.length + " features per sample, data set "
                    + data.name() + " has " + data.featureCount());
        }
        return new Standardizer(shift, scale).apply(data);
    }

    void writeTo(Map<String, String> meta) {
        meta.put("normalize", kind);
        if (!kind.equals(NONE)) {
            meta.put("normalize.shift", join(shift));
            meta.put("normalize.scale", join(scale));
        }
    }

    static Preprocessing readFrom(Map<String, String> meta, String file) {
        String kind = meta.getOrDefault("normalize", NONE);
        if (kind.equals(NONE)) {
            return new Preprocessing(NONE, new double[0], new double[0]);
        }
        try {
            double[] shift = split(meta.get("normalize.shift"));
            double[] scale = split(meta.get("normalize.scale"));
            if (shift.length != scale.length) {
                throw new CliException(file + ": normalisation metadata holds " + shift.length + " shifts but "
                        + scale.length + " scales");
            }
            return new Preprocessing(kind, shift, scale);
        } catch (NumberFormatException | NullPointerException e) {
            throw new CliException(file + ": normalisation metadata is missing or not numeric");
        }
    }

    private static String join(double[] v) {
        return Arrays.stream(v).mapToObj(Double::toString).collect(Collectors.joining(","));
    }

    private static double[] split(String s) {
        return Arrays.stream(s.split(",")).mapToDouble(Double::parseDouble).toArray();
    }
}
