package dev.tapegrad.nn;

import dev.tapegrad.Tensor;
import java.util.random.RandomGenerator;

/**
 * Inverted dropout (Srivastava et al., 2014): in training mode each element is zeroed with
 * probability p and the survivors are scaled by 1/(1 − p), so that the expected value is
 * unchanged; in evaluation mode it is the identity. The mask is drawn from the given seeded
 * generator, so a rerun with the same seed drops the same elements.
 *
 * <pre>{@code
 * Module net = new Sequential(new Linear(784, 256, rng), Activation.relu(), new Dropout(0.5, rng), new Linear(256, 10, rng));
 * net.eval();   // dropout off
 * }</pre>
 */
public final class Dropout extends Module {
    private final double p;
    private final RandomGenerator rng;

    /**
     * @param p   drop probability in [0, 1)
     * @param rng source of the masks
     */
    public Dropout(double p, RandomGenerator rng) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("Dropout: probability " + p + " must be in [0, 1)");
        }
        this.p = p;
        this.rng = rng;
    }

    /** The drop probability. */
    public double probability() {
        return p;
    }

    @Override
    public Tensor forward(Tensor x) {
        if (!isTraining() || p == 0) {
            return x;
        }
        double scale = 1.0 / (1.0 - p);
        double[] mask = new double[x.size()];
        for (int i = 0; i < mask.length; i++) {
            mask[i] = rng.nextDouble() < p ? 0.0 : scale;
        }
        return x.mul(Tensor.of(mask, x.shape()));
    }

    @Override
    public String toString() {
        return "Dropout(" + p + ")";
    }
}
