package dev.tapegrad.spark;

import dev.tapegrad.nn.Dataset;

import java.io.Serializable;
import java.util.List;

/**
 * A small in-memory data set in a serializable form (nn's {@link Dataset} is not serializable),
 * for the validation set that every task evaluates.
 *
 * @param name        the data set's name
 * @param features    flat row-major features
 * @param sampleShape the shape of one sample
 * @param labels      the labels
 * @param classNames  the class names
 */
record LocalData(String name, double[] features, int[] sampleShape, int[] labels, List<String> classNames)
        implements Serializable {

    static LocalData of(Dataset d) {
        return d == null ? null : new LocalData(d.name(), d.featuresCopy(), d.sampleShape(), d.labels(),
                List.copyOf(d.classNames()));
    }

    Dataset toDataset() {
        return new Dataset(name, features, sampleShape, labels, classNames);
    }
}
