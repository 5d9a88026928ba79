package dev.tapegrad.spark;

import dev.tapegrad.nn.DataLoader;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * The global batches of a run as one worker sees them: every epoch draws the same permutation of
 * all {@code n} sample indices that {@link dev.tapegrad.nn.Trainer#fit(dev.tapegrad.nn.Dataset)}
 * would draw with the same seed ({@link DataLoader}'s Fisher–Yates shuffle from an
 * {@code L64X128MixRandom} generator), cuts it into batches of {@code batchSize}, and keeps, per
 * shard this worker holds, the indices that fall in that shard (in permutation order, relative to
 * the shard's first sample). Each pass ({@link #iterator()}) is the next epoch.
 */
final class GlobalBatches implements Iterable<GlobalBatches.Step> {

    /**
     * One step as this worker sees it.
     *
     * @param size  samples in the whole global batch
     * @param local for each shard of this worker, the shard-relative indices of its samples in the batch
     */
    record Step(int size, int[][] local) {
    }

    private final ShardLayout layout;
    private final int batchSize;
    private final int firstShard;
    private final int endShard;
    private final RandomGenerator rng;

    GlobalBatches(ShardLayout layout, int batchSize, long seed, int worker) {
        this.layout = layout;
        this.batchSize = batchSize;
        this.firstShard = layout.firstShard(worker);
        this.endShard = layout.firstShard(worker + 1);
        this.rng = RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
    }

    /** @return batches per epoch */
    int batchCount() {
        return (int) ((layout.n() + batchSize - 1) / batchSize);
    }

    @Override
    public Iterator<Step> iterator() {
        int n = (int) layout.n();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        DataLoader.shuffle(order, rng);
        int batches = batchCount();
        int own = endShard - firstShard;
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < batches;
            }

            @Override
            public Step next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                int from = next * batchSize;
                int to = Math.min(n, from + batchSize);
                next++;
                int[] counts = new int[own];
                for (int k = from; k < to; k++) {
                    int s = layout.shardOf(order[k]) - firstShard;
                    if (s >= 0 && s < own) {
                        counts[s]++;
                    }
                }
                int[][] local = new int[own][];
                for (int s = 0; s < own; s++) {
                    local[s] = new int[counts[s]];
                    counts[s] = 0;
                }
                for (int k = from; k < to; k++) {
                    int s = layout.shardOf(order[k]) - firstShard;
                    if (s >= 0 && s < own) {
                        local[s][counts[s]++] = (int) (order[k] - layout.start(s + firstShard));
                    }
                }
                return new Step(to - from, local);
            }
        };
    }
}
