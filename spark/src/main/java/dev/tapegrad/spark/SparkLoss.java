package dev.tapegrad.spark;

import dev.tapegrad.nn.Loss;

import java.io.Serializable;

/**
 * A {@link Loss} that can be sent to Spark tasks: {@code SparkLoss ce = Losses::crossEntropy;}.
 * It must be a mean over the samples of the batch (every loss of {@code Losses} with its default
 * reduction is), because each worker weights its shard's loss by its share of the global batch.
 */
@FunctionalInterface
public interface SparkLoss extends Loss, Serializable {
}
