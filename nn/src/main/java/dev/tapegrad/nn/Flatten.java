package dev.tapegrad.nn;

import dev.tapegrad.Tensor;
import java.util.Arrays;

/**
 * Merges the axes {@code startDim .. endDim} into one, as PyTorch's {@code nn.Flatten} (default
 * 1 to −1: {@code [N, C, H, W]} to {@code [N, C·H·W]}). Negative axes count from the end.
 */
public final class Flatten extends Module {
    private final int startDim;
    private final int endDim;

    /** Flattens every axis after the first (PyTorch's default). */
    public Flatten() {
        this(1, -1);
    }

    /** Flattens the axes {@code startDim} to {@code endDim}, both inclusive. */
    public Flatten(int startDim, int endDim) {
        this.startDim = startDim;
        this.endDim = endDim;
    }

    @Override
    public Tensor forward(Tensor x) {
        int r = x.rank();
        int s = startDim < 0 ? startDim + r : startDim;
        int e = endDim < 0 ? endDim + r : endDim;
        if (r == 0 || s < 0 || e >= r || s > e) {
            throw new IllegalArgumentException(this + ": axes " + startDim + " to " + endDim + " do not fit input of shape "
                    + Arrays.toString(x.shape()));
        }
        int[] shape = x.shape();
        int[] out = new int[r - (e - s)];
        int merged = 1;
        for (int i = s; i <= e; i++) {
            merged *= shape[i];
        }
        System.arraycopy(shape, 0, out, 0, s);
        out[s] = merged;
        System.arraycopy(shape, e + 1, out, s + 1, r - e - 1);
        return x.reshape(out);
    }

    @Override
    public String toString() {
        return startDim == 1 && endDim == -1 ? "Flatten" : "Flatten(" + startDim + ", " + endDim + ")";
    }
}
