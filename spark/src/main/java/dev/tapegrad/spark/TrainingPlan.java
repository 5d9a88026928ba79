package dev.tapegrad.spark;

import dev.tapegrad.nn.Trainer;

import java.io.Serializable;

/**
 * Everything a barrier task needs to run its replica, broadcast once per run: the factories, the
 * loss, the trainer's options, the driver's initial weights and the validation set.
 *
 * @param model          builds a replica
 * @param optimizer      builds its optimizer
 * @param loss           the loss
 * @param epochs         epochs (at most)
 * @param batchSize      global batch size
 * @param patience       early-stopping patience (0: none)
 * @param monitor        what picks the best epoch
 * @param restoreBest    whether the best epoch's weights are put back at the end
 * @param rates          the learning rate of each epoch, or null to keep the optimizer's
 * @param seed           seed of the batch order
 * @param classes        number of classes (labels are in [0, classes))
 * @param featureCount   features per sample
 * @param layout         shards and workers
 * @param initialWeights the driver's initial weights, one array per parameter
 * @param validation     the validation set, or null
 */
record TrainingPlan(ModelFactory model, OptimizerFactory optimizer, SparkLoss loss, int epochs, int batchSize,
                    int patience, Trainer.Monitor monitor, boolean restoreBest, double[] rates, long seed, int classes,
                    int featureCount, ShardLayout layout, double[][] initialWeights, LocalData validation)
        implements Serializable {
}
