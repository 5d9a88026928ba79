package dev.tapegrad.nn.data;

import dev.tapegrad.nn.Dataset;

import java.nio.file.Path;

/**
 * Resolves a data specification, as the {@code tapegrad} command takes it, to a training and a
 * test set:
 *
 * <ul>
 *   <li>{@code digits} (the default): the embedded UCI digits, a fixed stratified 80/20 split;</li>
 *   <li>{@code iris}: the embedded Iris set, a fixed stratified 80/20 split;</li>
 *   <li>{@code idx:DIR}: MNIST-style IDX files in {@code DIR}, {@code train-*} and {@code t10k-*};</li>
 *   <li>{@code csv:FILE}: a CSV file (header detected, label in the last column unless told
 *       otherwise), a fixed
 *       stratified 80/20 split.</li>
 * </ul>
 *
 * The test split never depends on the training seed, so that runs with different seeds are
 * compared on the same test samples.
 *
 * <pre>{@code
 * DataSources.TrainTest d = DataSources.load("idx:data/fashion-mnist");
 * }</pre>
 */
public final class DataSources {

    /** Seed of the fixed train/test split of sets that come as one file. */
    public static final long TEST_SPLIT_SEED = 20_260_101L;
    /** Fraction of a one-file data set held out for testing. */
    public static final double TEST_FRACTION = 0.2;

    private DataSources() {
    }

    /**
     * A training set, a test set and the specification they came from.
     *
     * @param spec  the specification as given
     * @param train the training samples
     * @param test  the test samples
     */
    public record TrainTest(String spec, Dataset train, Dataset test) {
    }

    /**
     * Loads the training and test sets named by a specification.
     *
     * @param spec {@code digits}, {@code iris}, {@code idx:DIR} or {@code csv:FILE}
     * @return the two sets, raw (not yet scaled; IDX pixels are already in [0, 1])
     * @throws DataFileException        if a file is missing or corrupt
     * @throws IllegalArgumentException if the specification is not one of the four forms
     */
    public static TrainTest load(String spec) throws DataFileException {
        return load(spec, -1);
    }

    /**
     * Loads the training and test sets named by a specification, with the label of a CSV file in
     * the given column.
     *
     * @param spec        {@code digits}, {@code iris}, {@code idx:DIR} or {@code csv:FILE}
     * @param labelColumn the label column of a CSV file, 0-based; negative counts from the end
     *                    (-1, the last column, is the default); ignored for the other forms
     * @return the two sets, raw (not yet scaled; IDX pixels are already in [0, 1])
     * @throws DataFileException        if a file is missing or corrupt
     * @throws IllegalArgumentException if the specification is not one of the four forms
     */
    public static TrainTest load(String spec, int labelColumn) throws DataFileException {
        return load(spec, new Options(labelColumn, ',', 0));
    }

    /**
     * How to read a data file.
     *
     * @param labelColumn the label column of a CSV file, 0-based; negative counts from the end
     * @param delimiter   the field separator of a CSV file
     * @param classes     the number of classes (labels must be below it), or 0 for what the data
     *                    declares: 10 for IDX files, the labels found for CSV files
     */
    public record Options(int labelColumn, char delimiter, int classes) {
        /** The defaults: label last, comma-separated, classes from the data. */
        public static final Options DEFAULT = new Options(-1, ',', 0);
    }

    /**
     * Loads the training and test sets named by a specification, read with the given options.
     *
     * @param spec    {@code digits}, {@code iris}, {@code idx:DIR} or {@code csv:FILE}
     * @param options the label column, delimiter and class count
     * @return the two sets, raw (not yet scaled; IDX pixels are already in [0, 1])
     * @throws DataFileException        if a file is missing or corrupt, or a label is not below the class count
     * @throws IllegalArgumentException if the specification is not one of the four forms
     */
    public static TrainTest load(String spec, Options options) throws DataFileException {
        String s = spec.trim();
        int labelColumn = options.labelColumn();
        if (s.equals("digits")) {
            Dataset.Split split = EmbeddedDatasets.digits().split(TEST_FRACTION, TEST_SPLIT_SEED);
            return new TrainTest(s, split.train(), split.held());
        }
        if (s.equals("iris")) {
            Dataset.Split split = EmbeddedDatasets.iris().split(TEST_FRACTION, TEST_SPLIT_SEED);
            return new TrainTest(s, split.train(), split.held());
        }
        if (s.startsWith("idx:") && s.length() > 4) {
            Path dir = Path.of(s.substring(4));
            return new TrainTest(s, IdxReader.readDataset(dir, "train", options.classes()),
                    IdxReader.readDataset(dir, "t10k", options.classes()));
        }
        if (s.startsWith("csv:") && s.length() > 4) {
            Path file = Path.of(s.substring(4));
            Dataset all = CsvReader.builder().labelColumn(labelColumn).delimiter(options.delimiter())
                    .classes(options.classes()).build().read(file);
            Dataset.Split split;
            try {
                split = all.split(TEST_FRACTION, TEST_SPLIT_SEED);
            } catch (IllegalArgumentException e) {
                throw new DataFileException(file, "too few samples (" + all.size() + ") to hold out a test set");
            }
            return new TrainTest(s, split.train(), split.held());
        }
        throw new IllegalArgumentException("unknown data '" + spec + "': use digits, iris, idx:DIR or csv:FILE");
    }

}
