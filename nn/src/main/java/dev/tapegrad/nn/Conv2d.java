package dev.tapegrad.nn;

import dev.tapegrad.Conv;
import dev.tapegrad.Tensor;
import java.util.random.RandomGenerator;

/**
 * A 2-D convolution layer as PyTorch's {@code nn.Conv2d}: input {@code [N, in, H, W]}, weight
 * {@code [out, in/groups, kh, kw]}, optional bias {@code [out]}, output {@code [N, out, oh, ow]}.
 * Weights and bias start as PyTorch's defaults: kaiming-uniform with a = √5 for the weight, which is
 * U(±1/√fanIn), and U(±1/√fanIn) for the bias, with {@code fanIn = in/groups·kh·kw}.
 *
 * <pre>{@code
 * Conv2d conv = new Conv2d(1, 6, 5, 1, 2, rng);    // 6 filters 5×5, stride 1, padding 2
 * Tensor y = conv.forward(x);                      // [N, 1, 28, 28] -> [N, 6, 28, 28]
 * }</pre>
 */
public final class Conv2d extends Module {
    private final int in;
    private final int out;
    private final int[] kernel;
    private final int[] stride;
    private final int[] padding;
    private final int[] dilation;
    private final int groups;
    private final Tensor weight;
    private final Tensor bias;

    /** A square kernel with a bias, no dilation, one group. */
    public Conv2d(int in, int out, int kernel, int stride, int padding, RandomGenerator rng) {
        this(in, out, new int[] {kernel, kernel}, new int[] {stride, stride}, new int[] {padding, padding},
                new int[] {1, 1}, 1, true, rng);
    }

    /**
     * The general layer; sizes are {height, width}.
     *
     * @throws IllegalArgumentException if a size is not positive or the channels are not divisible by groups
     */
    public Conv2d(int in, int out, int[] kernel, int[] stride, int[] padding, int[] dilation, int groups, boolean bias,
                  RandomGenerator rng) {
        ConvLayers.check("Conv2d", in, out, groups, 2, kernel, stride, padding, dilation);
        this.in = in;
        this.out = out;
        this.kernel = kernel.clone();
        this.stride = stride.clone();
        this.padding = padding.clone();
        this.dilation = dilation.clone();
        this.groups = groups;
        int fanIn = in / groups * kernel[0] * kernel[1];
        this.weight = registerParameter("weight", Init.lecunUniform().create(rng, fanIn, out / groups * kernel[0] * kernel[1],
                out, in / groups, kernel[0], kernel[1]));
        this.bias = bias ? registerParameter("bias", Init.lecunUniform().create(rng, fanIn, out, out)) : null;
    }

    /** The weight [out, in/groups, kh, kw] (the live parameter). */
    public Tensor weight() {
        return weight;
    }

    /** The bias [out], or null. */
    public Tensor bias() {
        return bias;
    }

    @Override
    public Tensor forward(Tensor x) {
        if (x.rank() != 4 || x.shape(1) != in) {
            throw new IllegalArgumentException(this + ": input of shape " + java.util.Arrays.toString(x.shape())
                    + " must be [N, " + in + ", H, W]");
        }
        return Conv.conv2d(x, weight, bias, stride, padding, dilation, groups);
    }

    @Override
    public String toString() {
        return "Conv2d(" + in + ", " + out + ", kernel=" + ConvLayers.str(kernel) + ConvLayers.options(stride, padding, dilation, groups)
                + (bias == null ? ", bias=false" : "") + ")";
    }
}
