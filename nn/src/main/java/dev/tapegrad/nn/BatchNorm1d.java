package dev.tapegrad.nn;

/**
 * Batch normalisation of {@code [N, C]} or {@code [N, C, L]} inputs per feature C, as PyTorch's
 * {@code nn.BatchNorm1d}; see {@link BatchNorm} for training and evaluation behaviour.
 *
 * <pre>{@code
 * Module net = new Sequential(new Linear(64, 32, rng), new BatchNorm1d(32), Activation.relu(), new Linear(32, 10, rng));
 * }</pre>
 */
public final class BatchNorm1d extends BatchNorm {

    /** With PyTorch's defaults: ε = 1e−5, momentum 0.1, affine. */
    public BatchNorm1d(int features) {
        this(features, DEFAULT_EPS, DEFAULT_MOMENTUM, true);
    }

    /**
     * @param features number of features (channels) C
     * @param eps      added to the variance, positive
     * @param momentum weight of the batch in the running estimates, in [0, 1]
     * @param affine   whether to learn a per-feature scale and shift
     */
    public BatchNorm1d(int features, double eps, double momentum, boolean affine) {
        super("BatchNorm1d", features, eps, momentum, affine);
    }

    @Override
    boolean acceptsRank(int rank) {
        return rank == 2 || rank == 3;
    }

    @Override
    String expectedShapes() {
        return "[N, C] or [N, C, L]";
    }
}
