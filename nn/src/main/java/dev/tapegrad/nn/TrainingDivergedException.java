package dev.tapegrad.nn;

/**
 * Thrown by {@link Trainer#fit} when a training loss is NaN or infinite. Training stops before the
 * optimizer step that would have spread the non-finite values into the weights, and the best
 * epoch's weights (if an epoch completed) are put back into the model before this is thrown.
 */
public final class TrainingDivergedException extends ArithmeticException {

    private static final long serialVersionUID = 1L;

    private final transient History history;
    private final int restoredEpoch;

    /**
     * @param message       what happened, where, and which weights the model now holds
     * @param history       the epochs completed before the failure
     * @param restoredEpoch the epoch whose weights were restored, or -1
     */
    public TrainingDivergedException(String message, History history, int restoredEpoch) {
        super(message);
        this.history = history;
        this.restoredEpoch = restoredEpoch;
    }

    /** @return the epochs completed before the failure */
    public History history() {
        return history;
    }

    /** @return the epoch whose weights the model holds now, or -1 if no epoch completed */
    public int restoredEpoch() {
        return restoredEpoch;
    }
}
