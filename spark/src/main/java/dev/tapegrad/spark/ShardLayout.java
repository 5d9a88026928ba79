package dev.tapegrad.spark;

import java.io.Serializable;

/**
 * How {@code n} samples, numbered in the order of the input, are cut into {@code shards}
 * contiguous shards and how the shards are dealt to {@code workers} barrier tasks (contiguous
 * runs of shards). The shards fix the order in which gradients are summed, so a result depends on
 * the shard count but not on the worker count.
 *
 * @param n       samples
 * @param shards  shards, 1 ≤ shards ≤ n
 * @param workers barrier tasks, 1 ≤ workers ≤ shards
 */
record ShardLayout(long n, int shards, int workers) implements Serializable {

    ShardLayout {
        if (n < 1 || shards < 1 || shards > n || workers < 1 || workers > shards) {
            throw new IllegalArgumentException("SparkTrainer: " + n + " samples cannot be cut into " + shards
                    + " shards for " + workers + " workers (need 1 <= workers <= shards <= samples)");
        }
    }

    /** @return the first sample of shard {@code s} (s may be {@code shards}: then n) */
    long start(int s) {
        return Math.floorDiv(s * n, (long) shards);
    }

    /** @return the shard that holds sample {@code i} */
    int shardOf(long i) {
        return (int) (((i + 1) * shards - 1) / n);
    }

    /** @return the worker that holds shard {@code s} */
    int workerOf(int s) {
        return (int) ((long) s * workers / shards);
    }

    /** @return the first shard of worker {@code w} (w may be {@code workers}: then shards) */
    int firstShard(int w) {
        return (int) (((long) w * shards + workers - 1) / workers);
    }
}
