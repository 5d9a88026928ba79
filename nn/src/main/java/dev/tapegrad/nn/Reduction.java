package dev.tapegrad.nn;

/** How a loss combines the per-sample (or per-element) losses, as PyTorch's {@code reduction}. */
public enum Reduction {
    /** The average (the default). */
    MEAN,
    /** The sum. */
    SUM,
    /** No reduction: one loss per sample (per element for elementwise losses). */
    NONE
}
