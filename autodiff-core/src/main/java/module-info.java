/**
 * Tapegrad's core: float64 tensors, the tape, forward mode, the op catalogue and the gradient
 * checker. Exports the API ({@code dev.tapegrad}) and the test framework users run on their own
 * functions ({@code dev.tapegrad.testing}); the kernels on {@code double[]} stay internal.
 */
module dev.tapegrad.core {
    requires static jdk.incubator.vector;

    exports dev.tapegrad;
    exports dev.tapegrad.testing;
}
