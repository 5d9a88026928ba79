package dev.tapegrad.nn;

import dev.tapegrad.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * A data set held in memory: {@code n} samples of {@code featureCount} float64 features each
 * (row-major), and per sample an integer class label (with the class names), or a target tensor
 * (regression values, sequences: {@link #targets()}, {@code [n, ...]}), or both.
 *
 * <p>Data sets are immutable. {@link #subset}, {@link #split} and the normalisers in
 * {@link dev.tapegrad.nn.data} return new data sets. The sample shape (for example {@code [28, 28]}
 * for IDX images) is kept for readers and pictures; {@link #x()} always flattens each sample to a
 * row, which is what a multi-layer perceptron wants.
 *
 * <pre>{@code
 * Dataset digits = EmbeddedDatasets.digits();
 * Dataset.Split s = digits.split(0.2, 42);          // fixed, seeded: 20 % held out
 * Tensor x = s.train().x();                          // [1438, 64]
 * Dataset fit = Dataset.of(inputs, values);           // regression: values [n, ...], no labels
 * }</pre>
 */
public final class Dataset {

    private final String name;
    private final double[] features;
    private final int[] labels;
    private final Tensor targets;
    private final int count;
    private final int[] sampleShape;
    private final int featureCount;
    private final List<String> classNames;

    /**
     * Creates a data set from a flat row-major feature array.
     *
     * @param name        a short name used in messages (for example the file it came from)
     * @param features    {@code labels.length * product(sampleShape)} values, row-major; not copied
     * @param sampleShape the shape of one sample, for example {@code [64]} or {@code [28, 28]}
     * @param labels      the class label of each sample, each in {@code [0, classNames.size())}; not copied
     * @param classNames  the name of each class
     * @throws IllegalArgumentException if the sizes disagree or a label is out of range
     */
    public Dataset(String name, double[] features, int[] sampleShape, int[] labels, List<String> classNames) {
        this(name, features, sampleShape, java.util.Objects.requireNonNull(labels, "Dataset " + name + ": labels are null"),
                classNames, null);
    }

    /**
     * Creates a data set with class labels, target values, or both.
     *
     * @param name        a short name used in messages
     * @param features    {@code n * product(sampleShape)} values, row-major; not copied
     * @param sampleShape the shape of one sample
     * @param labels      the class label of each sample (null for none); not copied
     * @param classNames  the name of each class (empty when there are no labels)
     * @param targets     target values {@code [n, ...]}, one row per sample (null for none)
     * @throws IllegalArgumentException if there are neither labels nor targets, the sizes disagree
     *                                  or a label is out of range
     */
    public Dataset(String name, double[] features, int[] sampleShape, int[] labels, List<String> classNames, Tensor targets) {
        if (labels == null && targets == null) {
            throw new IllegalArgumentException("Dataset " + name + ": neither labels nor targets");
        }
        if (targets != null && targets.rank() == 0) {
            throw new IllegalArgumentException("Dataset " + name + ": targets must be [n, ...], got a scalar");
        }
        if (labels != null && targets != null && targets.shape(0) != labels.length) {
            throw new IllegalArgumentException("Dataset " + name + ": " + labels.length + " labels but targets of shape "
                    + Arrays.toString(targets.shape()));
        }
        int n = labels != null ? labels.length : targets.shape(0);
        int perSample = 1;
        for (int d : sampleShape) {
            if (d <= 0) {
                throw new IllegalArgumentException("Dataset " + name + ": sample shape " + Arrays.toString(sampleShape)
                        + " has a non-positive dimension");
            }
            perSample *= d;
        }
        if ((long) perSample * n != features.length) {
            throw new IllegalArgumentException("Dataset " + name + ": " + features.length + " feature values for "
                    + n + " samples of shape " + Arrays.toString(sampleShape) + " (need "
                    + (long) perSample * n + ")");
        }
        if (labels != null && classNames.isEmpty()) {
            throw new IllegalArgumentException("Dataset " + name + ": no class names");
        }
        for (int i = 0; labels != null && i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classNames.size()) {
                throw new IllegalArgumentException("Dataset " + name + ": label " + labels[i] + " of sample " + i
                        + " is outside [0, " + classNames.size() + ")");
            }
        }
        this.name = name;
        this.features = features;
        this.labels = labels;
        this.targets = targets == null ? null : targets.detach();
        this.count = n;
        this.sampleShape = sampleShape.clone();
        this.featureCount = perSample;
        this.classNames = List.copyOf(classNames);
    }

    /**
     * Creates a data set from a {@code [n, features]} tensor and labels, with classes named
     * {@code "0" .. "k-1"} where {@code k} is one more than the largest label.
     *
     * @param x      the inputs, one row per sample (rank 2)
     * @param labels one label per row, non-negative
     * @return the data set
     */
    public static Dataset of(Tensor x, int[] labels) {
        if (x.rank() != 2) {
            throw new IllegalArgumentException("Dataset.of: inputs must be [n, features], got shape "
                    + Arrays.toString(x.shape()));
        }
        int classes = Arrays.stream(labels).max().orElse(0) + 1;
        return new Dataset("tensor", x.toArray(), new int[] {x.shape(1)}, labels.clone(), numberedClasses(classes));
    }

    /**
     * Creates a data set of inputs {@code [n, ...]} (each sample keeps its shape, e.g.
     * {@code [T, F]} for sequences) and target values {@code [n, ...]} without class labels, for
     * regression and sequence targets.
     *
     * @param x       the inputs, one sample per index of the first axis
     * @param targets the targets, one row per sample
     * @return the data set (values copied)
     */
    public static Dataset of(Tensor x, Tensor targets) {
        if (x.rank() < 1 || targets.rank() < 1 || x.shape(0) != targets.shape(0)) {
            throw new IllegalArgumentException("Dataset.of: inputs of shape " + Arrays.toString(x.shape())
                    + " and targets of shape " + Arrays.toString(targets.shape()) + " need the same first dimension");
        }
        int[] sample = x.rank() == 1 ? new int[] {1} : Arrays.copyOfRange(x.shape(), 1, x.rank());
        return new Dataset("tensor", x.toArray(), sample, null, List.of(), targets);
    }

    /**
     * @param count the number of classes
     * @return the names {@code "0", "1", ..., count-1}
     */
    public static List<String> numberedClasses(int count) {
        List<String> names = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            names.add(Integer.toString(i));
        }
        return names;
    }

    /** @return the name used in messages */
    public String name() {
        return name;
    }

    /** @return the number of samples */
    public int size() {
        return count;
    }

    /** @return the number of features per sample (the product of the sample shape) */
    public int featureCount() {
        return featureCount;
    }

    /** @return a copy of the shape of one sample */
    public int[] sampleShape() {
        return sampleShape.clone();
    }

    /** @return the number of classes (0 without labels) */
    public int classCount() {
        return classNames.size();
    }

    /** @return the class names, index = label */
    public List<String> classNames() {
        return classNames;
    }

    /** @return all inputs as a {@code [size, featureCount]} tensor (a fresh copy) */
    public Tensor x() {
        return Tensor.of(features.clone(), count, featureCount);
    }

    /** @return a copy of all labels, or null if the samples have no class labels */
    public int[] labels() {
        return labels == null ? null : labels.clone();
    }

    /** @return true if every sample has a class label */
    public boolean hasLabels() {
        return labels != null;
    }

    /** @return the target values {@code [n, ...]} (a plain value), or null if there are none */
    public Tensor targets() {
        return targets;
    }

    /**
     * @param sample a sample index
     * @return the label of that sample
     */
    public int label(int sample) {
        if (labels == null) {
            throw new IllegalStateException("Dataset " + name + ": no class labels (its targets are values)");
        }
        return labels[sample];
    }

    /**
     * @param sample  a sample index
     * @param feature a feature index in {@code [0, featureCount)}
     * @return that feature's value
     */
    public double feature(int sample, int feature) {
        return features[sample * featureCount + feature];
    }

    /**
     * Copies the features into a new flat row-major array (for normalisers and readers).
     *
     * @return {@code size() * featureCount()} values
     */
    public double[] featuresCopy() {
        return features.clone();
    }

    /**
     * Returns a data set with the same labels and class names and new feature values.
     *
     * @param newFeatures {@code size() * featureCount()} values, row-major; not copied
     * @return the new data set
     */
    public Dataset withFeatures(double[] newFeatures) {
        return new Dataset(name, newFeatures, sampleShape, labels, classNames, targets);
    }

    /**
     * Gathers the given samples, in the given order, into a batch.
     *
     * @param indices sample indices (repeats allowed)
     * @return the batch
     */
    public Batch batch(int[] indices) {
        double[] x = new double[indices.length * featureCount];
        int[] y = labels == null ? null : new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            int s = indices[i];
            if (s < 0 || s >= count) {
                throw new IndexOutOfBoundsException("Dataset " + name + ": sample " + s + " outside [0, " + count + ")");
            }
            System.arraycopy(features, s * featureCount, x, i * featureCount, featureCount);
            if (y != null) {
                y[i] = labels[s];
            }
        }
        return new Batch(Tensor.of(x, indices.length, featureCount), y, targetRows(indices));
    }

    /** The target rows of the given samples, or null without targets. */
    private Tensor targetRows(int[] indices) {
        if (targets == null) {
            return null;
        }
        int per = targets.size() / Math.max(count, 1);
        double[] all = targets.leafValues();
        double[] out = new double[indices.length * per];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(all, indices[i] * per, out, i * per, per);
        }
        int[] shape = targets.shape();
        shape[0] = indices.length;
        return Tensor.of(out, shape);
    }

    /**
     * @param indices the samples to keep, in order
     * @return a new data set holding those samples
     */
    public Dataset subset(int[] indices) {
        Batch b = batch(indices);
        return new Dataset(name, b.x().toArray(), sampleShape, b.labels(), classNames, b.values());
    }

    /**
     * @param from first sample (inclusive)
     * @param to   last sample (exclusive)
     * @return the samples {@code from .. to-1}
     */
    public Dataset slice(int from, int to) {
        if (from < 0 || to > count || from > to) {
            throw new IndexOutOfBoundsException("Dataset " + name + ": slice [" + from + ", " + to + ") of " + count + " samples");
        }
        int[] idx = new int[to - from];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = from + i;
        }
        return subset(idx);
    }

    /** A data set split in two parts. @param train the larger part @param held the held-out part */
    public record Split(Dataset train, Dataset held) {
    }

    /**
     * Splits the data set in two with a fixed seeded shuffle: the same seed always gives the same
     * split, whatever else the program does with random numbers. Each class is split in the same
     * proportion (stratified), so that a small held-out part still sees every class; a data set
     * without labels is shuffled as one group.
     *
     * @param heldFraction the fraction of samples held out, in (0, 1)
     * @param seed         the seed of the shuffle
     * @return the training part and the held-out part
     */
    public Split split(double heldFraction, long seed) {
        if (!(heldFraction > 0 && heldFraction < 1)) {
            throw new IllegalArgumentException("Dataset.split: fraction " + heldFraction + " is not in (0, 1)");
        }
        RandomGenerator rng = RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
        List<Integer> train = new ArrayList<>();
        List<Integer> held = new ArrayList<>();
        for (int c = 0; c < Math.max(1, classNames.size()); c++) {
            List<Integer> members = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                if (labels == null || labels[i] == c) {
                    members.add(i);
                }
            }
            int[] order = members.stream().mapToInt(Integer::intValue).toArray();
            DataLoader.shuffle(order, rng);
            int heldCount = (int) Math.round(order.length * heldFraction);
            for (int i = 0; i < order.length; i++) {
                (i < heldCount ? held : train).add(order[i]);
            }
        }
        int[] trainIdx = train.stream().mapToInt(Integer::intValue).sorted().toArray();
        int[] heldIdx = held.stream().mapToInt(Integer::intValue).sorted().toArray();
        if (trainIdx.length == 0 || heldIdx.length == 0) {
            throw new IllegalArgumentException("Dataset.split: " + count + " samples of " + name
                    + " are too few to hold out " + heldFraction);
        }
        return new Split(subset(trainIdx), subset(heldIdx));
    }

    @Override
    public String toString() {
        return "Dataset[" + name + ": " + count + " samples of " + Arrays.toString(sampleShape) + ", "
                + (labels != null ? classNames.size() + " classes" : "no labels")
                + (targets != null ? ", targets " + Arrays.toString(targets.shape()) : "") + "]";
    }
}
