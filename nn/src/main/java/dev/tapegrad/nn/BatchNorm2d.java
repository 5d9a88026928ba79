package dev.tapegrad.nn;

/**
 * Batch normalisation of {@code [N, C, H, W]} inputs per channel C (statistics over N, H and W),
 * as PyTorch's {@code nn.BatchNorm2d}; see {@link BatchNorm} for training and evaluation behaviour.
 */
public final class BatchNorm2d extends BatchNorm {

    /** With PyTorch's defaults: ε = 1e−5, momentum 0.1, affine. */
    public BatchNorm2d(int channels) {
        this(channels, DEFAULT_EPS, DEFAULT_MOMENTUM, true);
    }

    /**
     * @param channels number of channels C
     * @param eps      added to the variance, positive
     * @param momentum weight of the batch in the running estimates, in [0, 1]
     * @param affine   whether to learn a per-channel scale and shift
     */
    public BatchNorm2d(int channels, double eps, double momentum, boolean affine) {
        super("BatchNorm2d", channels, eps, momentum, affine);
    }

    @Override
    boolean acceptsRank(int rank) {
        return rank == 4;
    }

    @Override
    String expectedShapes() {
        return "[N, C, H, W]";
    }
}
