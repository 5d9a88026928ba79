package dev.tapegrad.nn;

/** How a loss combines the per-sample (or per-element) losses, as PyTorch's {@code reduction}. */
public enum Reduction {
    /** The average (the default). */
    MEAN,
    /** The sum. */
    SUM,
    /** No reduction: one loss per sample (per element for elementwise losses). */
    NONE,
    /** The sum divided by the size of the first axis (the batch): only for {@link Losses#klDiv}, as PyTorch. */
    BATCHMEAN
}
