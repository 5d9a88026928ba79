package dev.tapegrad.nn;

import dev.tapegrad.Conv;
import dev.tapegrad.Tensor;
import java.util.random.RandomGenerator;

/**
 * A 1-D convolution layer as PyTorch's {@code nn.Conv1d}: input {@code [N, in, W]}, weight
 * {@code [out, in/groups, k]}, optional bias {@code [out]}, output {@code [N, out, ow]}; PyTorch's
 * default initialisation U(±1/√fanIn) for both, {@code fanIn = in/groups·k}.
 *
 * <pre>{@code
 * Conv1d conv = new Conv1d(3, 8, 5, 1, 2, 1, 1, true, rng);
 * Tensor y = conv.forward(x);                      // [N, 3, 100] -> [N, 8, 100]
 * }</pre>
 */
public final class Conv1d extends Module {
    private final int in;
    private final int out;
    private final int kernel;
    private final int stride;
    private final int padding;
    private final int dilation;
    private final int groups;
    private final Tensor weight;
    private final Tensor bias;

    /**
     * @throws IllegalArgumentException if a size is not positive or the channels are not divisible by groups
     */
    public Conv1d(int in, int out, int kernel, int stride, int padding, int dilation, int groups, boolean bias,
                  RandomGenerator rng) {
        ConvLayers.check("Conv1d", in, out, groups, 1, new int[] {kernel}, new int[] {stride}, new int[] {padding},
                new int[] {dilation});
        this.in = in;
        this.out = out;
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        this.dilation = dilation;
        this.groups = groups;
        int fanIn = in / groups * kernel;
        this.weight = registerParameter("weight", Init.lecunUniform().create(rng, fanIn, out / groups * kernel,
                out, in / groups, kernel));
        this.bias = bias ? registerParameter("bias", Init.lecunUniform().create(rng, fanIn, out, out)) : null;
    }

    /** The weight [out, in/groups, k] (the live parameter). */
    public Tensor weight() {
        return weight;
    }

    /** The bias [out], or null. */
    public Tensor bias() {
        return bias;
    }

    @Override
    public Tensor forward(Tensor x) {
        if (x.rank() != 3 || x.shape(1) != in) {
            throw new IllegalArgumentException(this + ": input of shape " + java.util.Arrays.toString(x.shape())
                    + " must be [N, " + in + ", W]");
        }
        return Conv.conv1d(x, weight, bias, stride, padding, dilation, groups);
    }

    @Override
    public String toString() {
        return "Conv1d(" + in + ", " + out + ", kernel=" + kernel + ConvLayers.options(new int[] {stride}, new int[] {padding},
                new int[] {dilation}, groups) + (bias == null ? ", bias=false" : "") + ")";
    }
}
