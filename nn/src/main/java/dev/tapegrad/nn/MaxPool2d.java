package dev.tapegrad.nn;

import dev.tapegrad.Conv;
import dev.tapegrad.Tensor;

/**
 * 2-D max pooling as PyTorch's {@code nn.MaxPool2d} (floor mode; padding at most half the kernel, never chosen). A window with k tied maxima gives each 1/k of the gradient. No parameters.
 *
 * <pre>{@code
 * Module pool = new MaxPool2d(2);   // kernel 2, stride 2: [N, C, 28, 28] -> [N, C, 14, 14]
 * }</pre>
 */
public final class MaxPool2d extends Module {
    private final int[] kernel;
    private final int[] stride;
    private final int[] padding;

    /** A square kernel, stride = kernel, no padding. */
    public MaxPool2d(int kernel) {
        this(kernel, kernel, 0);
    }

    /** A square kernel with the given stride and padding. */
    public MaxPool2d(int kernel, int stride, int padding) {
        this(new int[] {kernel, kernel}, new int[] {stride, stride}, new int[] {padding, padding});
    }

    /** Sizes as {height, width}. @throws IllegalArgumentException if a size is not positive (padding: negative) */
    public MaxPool2d(int[] kernel, int[] stride, int[] padding) {
        ConvLayers.checkSizes("MaxPool2d", 2, kernel, stride, padding, new int[] {1, 1});
        this.kernel = kernel.clone();
        this.stride = stride.clone();
        this.padding = padding.clone();
    }

    @Override
    public Tensor forward(Tensor x) {
        return Conv.maxPool2d(x, kernel, stride, padding, new int[] {1, 1});
    }

    @Override
    public String toString() {
        return "MaxPool2d(" + ConvLayers.str(kernel)
                + (java.util.Arrays.equals(stride, kernel) ? "" : ", stride=" + ConvLayers.str(stride))
                + (padding[0] == 0 && padding[1] == 0 ? "" : ", padding=" + ConvLayers.str(padding)) + ")";
    }
}
