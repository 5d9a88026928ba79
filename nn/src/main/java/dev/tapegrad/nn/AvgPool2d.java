package dev.tapegrad.nn;

import dev.tapegrad.Conv;
import dev.tapegrad.Tensor;

/**
 * 2-D average pooling as PyTorch's {@code nn.AvgPool2d} (floor mode; zero padding counts in the mean, {@code count_include_pad=True}). No parameters.
 *
 * <pre>{@code
 * Module pool = new AvgPool2d(2);   // kernel 2, stride 2: [N, C, 28, 28] -> [N, C, 14, 14]
 * }</pre>
 */
public final class AvgPool2d extends Module {
    private final int[] kernel;
    private final int[] stride;
    private final int[] padding;

    /** A square kernel, stride = kernel, no padding. */
    public AvgPool2d(int kernel) {
        this(kernel, kernel, 0);
    }

    /** A square kernel with the given stride and padding. */
    public AvgPool2d(int kernel, int stride, int padding) {
        this(new int[] {kernel, kernel}, new int[] {stride, stride}, new int[] {padding, padding});
    }

    /** Sizes as {height, width}. @throws IllegalArgumentException if a size is not positive (padding: negative) */
    public AvgPool2d(int[] kernel, int[] stride, int[] padding) {
        ConvLayers.checkSizes("AvgPool2d", 2, kernel, stride, padding, new int[] {1, 1});
        this.kernel = kernel.clone();
        this.stride = stride.clone();
        this.padding = padding.clone();
    }

    @Override
    public Tensor forward(Tensor x) {
        return Conv.avgPool2d(x, kernel, stride, padding);
    }

    @Override
    public String toString() {
        return "AvgPool2d(" + ConvLayers.str(kernel)
                + (java.util.Arrays.equals(stride, kernel) ? "" : ", stride=" + ConvLayers.str(stride))
                + (padding[0] == 0 && padding[1] == 0 ? "" : ", padding=" + ConvLayers.str(padding)) + ")";
    }
}
