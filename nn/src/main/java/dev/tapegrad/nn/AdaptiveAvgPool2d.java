package dev.tapegrad.nn;

import dev.tapegrad.Conv;
import dev.tapegrad.Tensor;

/**
 * Adaptive 2-D average pooling as PyTorch's {@code nn.AdaptiveAvgPool2d}: any {@code [N, C, H, W]}
 * becomes {@code [N, C, outH, outW]}, bins as PyTorch chooses them (see
 * {@link Conv#adaptiveAvgPool2d}). No parameters.
 *
 * <pre>{@code
 * Module gap = new AdaptiveAvgPool2d(1, 1);        // global average pooling
 * }</pre>
 */
public final class AdaptiveAvgPool2d extends Module {
    private final int outH;
    private final int outW;

    /** @throws IllegalArgumentException if a size is not positive */
    public AdaptiveAvgPool2d(int outH, int outW) {
        if (outH < 1 || outW < 1) {
            throw new IllegalArgumentException("AdaptiveAvgPool2d: output size [" + outH + ", " + outW + "] must be positive");
        }
        this.outH = outH;
        this.outW = outW;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Conv.adaptiveAvgPool2d(x, outH, outW);
    }

    @Override
    public String toString() {
        return "AdaptiveAvgPool2d(" + outH + ", " + outW + ")";
    }
}
