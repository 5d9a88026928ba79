package dev.tapegrad.nn;

/**
 * Hooks a {@link Trainer} calls while it trains: for progress bars, logging, custom schedules or
 * stopping rules. Every method has an empty default; implement the ones you need.
 *
 * <pre>{@code
 * Trainer t = Trainer.builder(model, opt, Losses::crossEntropy)
 *     .callback(new TrainingCallback() {
 *         @Override public void onEpochEnd(History.Epoch e, History h) { System.out.println(e.loss()); }
 *     })
 *     .build();
 * }</pre>
 */
public interface TrainingCallback {

    /**
     * Called once before the first epoch.
     *
     * @param epochs          the planned number of epochs
     * @param batchesPerEpoch batches per epoch
     * @param samplesPerEpoch training samples per epoch
     */
    default void onTrainBegin(int epochs, int batchesPerEpoch, int samplesPerEpoch) {
    }

    /**
     * Called at the start of each epoch.
     *
     * @param epoch 1-based epoch number
     */
    default void onEpochBegin(int epoch) {
    }

    /**
     * Called after each optimizer step.
     *
     * @param epoch     1-based epoch number
     * @param batch     1-based batch number within the epoch
     * @param loss      the batch's loss
     * @param batchSize the number of samples in the batch
     */
    default void onBatchEnd(int epoch, int batch, double loss, int batchSize) {
    }

    /**
     * Called after each optimizer step, with the number of the batch's samples the model (before
     * the step) classified correctly. By default calls {@link #onBatchEnd(int, int, double, int)}.
     *
     * @param epoch     1-based epoch number
     * @param batch     1-based batch number within the epoch
     * @param loss      the batch's loss
     * @param batchSize the number of samples in the batch
     * @param correct   how many of them had their label as the largest output
     */
    default void onBatchEnd(int epoch, int batch, double loss, int batchSize, int correct) {
        onBatchEnd(epoch, batch, loss, batchSize);
    }

    /**
     * Called after each epoch's validation, with the epoch already appended to the history.
     *
     * @param epoch   the epoch's figures
     * @param history the history so far
     */
    default void onEpochEnd(History.Epoch epoch, History history) {
    }

    /**
     * Asked after each epoch: returning true ends training (like early stopping).
     *
     * @param history the history so far
     * @return whether to stop now
     */
    default boolean shouldStop(History history) {
        return false;
    }

    /**
     * Called once when training ends (normally or early), after the best weights were restored.
     *
     * @param history the complete history
     */
    default void onTrainEnd(History history) {
    }
}
