package dev.tapegrad.nn;

import dev.tapegrad.Tensor;

/**
 * Flattens every axis after the first, as PyTorch's {@code nn.Flatten()} ({@code start_dim=1}):
 * {@code [N, C, H, W]} becomes {@code [N, C·H·W]}; a rank-1 input is returned as it is. No parameters.
 *
 * <pre>{@code
 * Module net = new Sequential(new Conv2d(1, 6, 5, 1, 2, rng), Activation.relu(), new Flatten(), new Linear(6 * 28 * 28, 10, rng));
 * }</pre>
 */
public final class Flatten extends Module {
    @Override
    public Tensor forward(Tensor x) {
        if (x.rank() == 0) {
            throw new IllegalArgumentException("Flatten: input of shape [] has no batch axis");
        }
        if (x.rank() <= 2) {
            return x;
        }
        return x.reshape(x.shape(0), x.size() / Math.max(1, x.shape(0)));
    }

    @Override
    public String toString() {
        return "Flatten";
    }
}
