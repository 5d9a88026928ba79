package dev.tapegrad.spark;

import org.apache.spark.Partitioner;

/** Sends each sample, keyed by its index, to the barrier task that holds its shard. */
final class ShardPartitioner extends Partitioner {

    private static final long serialVersionUID = 1L;
    private final ShardLayout layout;

    ShardPartitioner(ShardLayout layout) {
        this.layout = layout;
    }

    @Override
    public int numPartitions() {
        return layout.workers();
    }

    @Override
    public int getPartition(Object key) {
        return layout.workerOf(layout.shardOf((Long) key));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ShardPartitioner p && p.layout.equals(layout);
    }

    @Override
    public int hashCode() {
        return layout.hashCode();
    }
}
