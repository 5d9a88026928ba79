package dev.tapegrad.nn;

import dev.tapegrad.Tensor;
import java.util.Arrays;

/**
 * Reshapes the features of each sample, as PyTorch's {@code nn.Unflatten(1, shape)}:
 * {@code [N, F]} becomes {@code [N, shape...]} with {@code F = product(shape)}. It turns the flat
 * rows of a {@link Batch} into images for a convolution. No parameters.
 *
 * <pre>{@code
 * Module net = new Sequential(new Unflatten(1, 28, 28), new Conv2d(1, 6, 5, 1, 2, rng), ...);
 * }</pre>
 */
public final class Unflatten extends Module {
    private final int[] shape;
    private final int features;

    /** @throws IllegalArgumentException if the shape is empty or has a size below 1 */
    public Unflatten(int... shape) {
        if (shape.length == 0 || Arrays.stream(shape).anyMatch(s -> s < 1)) {
            throw new IllegalArgumentException("Unflatten: shape " + Arrays.toString(shape) + " must be non-empty and positive");
        }
        this.shape = shape.clone();
        this.features = Arrays.stream(shape).reduce(1, Math::multiplyExact);
    }

    /** The shape of one sample after this module. */
    public int[] shape() {
        return shape.clone();
    }

    @Override
    public Tensor forward(Tensor x) {
        if (x.rank() < 1 || x.size() != x.shape(0) * features) {
            throw new IllegalArgumentException(this + ": input of shape " + Arrays.toString(x.shape())
                    + " does not have " + features + " features per sample");
        }
        int[] out = new int[shape.length + 1];
        out[0] = x.shape(0);
        System.arraycopy(shape, 0, out, 1, shape.length);
        return x.reshape(out);
    }

    @Override
    public String toString() {
        return "Unflatten(" + Arrays.toString(shape) + ")";
    }
}
