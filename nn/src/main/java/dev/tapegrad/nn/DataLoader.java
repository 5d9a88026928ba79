package dev.tapegrad.nn;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.random.RandomGenerator;

/**
 * Iterates over a data set in mini-batches. With a random generator, each pass (each call of
 * {@link #iterator()}) draws a fresh permutation from it, so a seeded generator gives the same
 * sequence of epochs on every run; without one the samples come in order.
 *
 * <pre>{@code
 * RandomGenerator rng = RandomGeneratorFactory.of("L64X128MixRandom").create(42);
 * for (Batch b : DataLoader.of(train, 32, rng)) { ... }   // last batch may be smaller
 * }</pre>
 */
public final class DataLoader implements Iterable<Batch> {

    private final Dataset dataset;
    private final int batchSize;
    private final RandomGenerator rng;
    private final boolean dropLast;

    private DataLoader(Dataset dataset, int batchSize, RandomGenerator rng, boolean dropLast) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("DataLoader: batch size must be positive, got " + batchSize);
        }
        this.dataset = dataset;
        this.batchSize = batchSize;
        this.rng = rng;
        this.dropLast = dropLast;
    }

    /**
     * A shuffling loader: every pass is a new permutation drawn from {@code rng}.
     *
     * @param dataset   the samples
     * @param batchSize samples per batch (the last batch holds the remainder)
     * @param rng       the source of the permutations; seed it for reproducible runs
     * @return the loader
     */
    public static DataLoader of(Dataset dataset, int batchSize, RandomGenerator rng) {
        return new DataLoader(dataset, batchSize, rng, false);
    }

    /**
     * A loader that keeps the data set's order (for evaluation).
     *
     * @param dataset   the samples
     * @param batchSize samples per batch
     * @return the loader
     */
    public static DataLoader sequential(Dataset dataset, int batchSize) {
        return new DataLoader(dataset, batchSize, null, false);
    }

    /**
     * @return a loader like this one that skips a last batch smaller than the batch size
     */
    public DataLoader dropLast() {
        return new DataLoader(dataset, batchSize, rng, true);
    }

    /** @return the number of batches in one pass */
    public int batchCount() {
        int n = dataset.size();
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    /** @return the batch size */
    public int batchSize() {
        return batchSize;
    }

    /** @return the data set */
    public Dataset dataset() {
        return dataset;
    }

    /**
     * Starts a pass. A shuffling loader draws its permutation now.
     *
     * @return the batches of one pass
     */
    @Override
    public Iterator<Batch> iterator() {
        int n = dataset.size();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        if (rng != null) {
            shuffle(order, rng);
        }
        int batches = batchCount();
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < batches;
            }

            @Override
            public Batch next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                int from = next * batchSize;
                int to = Math.min(n, from + batchSize);
                next++;
                int[] idx = new int[to - from];
                System.arraycopy(order, from, idx, 0, idx.length);
                return dataset.batch(idx);
            }
        };
    }

    /**
     * Fisher–Yates shuffle in place (the same algorithm on every JVM, so a seed fixes the result).
     *
     * @param a   the array to permute
     * @param rng the source of randomness
     */
    public static void shuffle(int[] a, RandomGenerator rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
