package dev.tapegrad.nn;

import dev.tapegrad.Tensor;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Weight initialisers, each drawing from an explicit seeded {@link RandomGenerator} so that the
 * same seed gives the same weights. Fan-in and fan-out are those of a layer {@code y = x·W} with
 * {@code W} of shape [fanIn, fanOut].
 *
 * <pre>{@code
 * Tensor w = Init.xavierUniform().create(rng, 784, 128, 784, 128);
 * Linear layer = new Linear(784, 128, true, Init.heNormal(), Init.zeros(), rng);
 * }</pre>
 */
@FunctionalInterface
public interface Init {

    /**
     * A tensor of {@code shape} for a layer with the given fan-in and fan-out.
     *
     * @param rng    the source of randomness (advanced by the draw)
     * @param fanIn  number of inputs of the layer
     * @param fanOut number of outputs of the layer
     * @param shape  shape of the tensor to create
     */
    Tensor create(RandomGenerator rng, int fanIn, int fanOut, int... shape);

    /** Uniform on [lo, hi). */
    static Init uniform(double lo, double hi) {
        if (!(lo <= hi)) {
            throw new IllegalArgumentException("Init.uniform: lo " + lo + " is not at most hi " + hi);
        }
        return (rng, fanIn, fanOut, shape) -> Tensor.rand(rng, shape).mul(hi - lo).add(lo);
    }

    /** Normal with the given mean and standard deviation. */
    static Init normal(double mean, double std) {
        if (!(std >= 0)) {
            throw new IllegalArgumentException("Init.normal: standard deviation " + std + " is negative or NaN");
        }
        return (rng, fanIn, fanOut, shape) -> Tensor.randn(rng, shape).mul(std).add(mean);
    }

    /** All zeros (draws nothing from the generator). */
    static Init zeros() {
        return (rng, fanIn, fanOut, shape) -> Tensor.zeros(shape);
    }

    /** Every element equal to {@code value} (draws nothing). */
    static Init constant(double value) {
        return (rng, fanIn, fanOut, shape) -> Tensor.full(value, shape);
    }

    /** Glorot and Bengio (2010): U(−a, a) with a = √(6 / (fanIn + fanOut)). */
    static Init xavierUniform() {
        return (rng, fanIn, fanOut, shape) -> {
            double a = Math.sqrt(6.0 / positive("xavierUniform", fanIn + fanOut, shape));
            return uniform(-a, a).create(rng, fanIn, fanOut, shape);
        };
    }

    /** Glorot and Bengio (2010): N(0, 2 / (fanIn + fanOut)). */
    static Init xavierNormal() {
        return (rng, fanIn, fanOut, shape) -> normal(0, Math.sqrt(2.0 / positive("xavierNormal", fanIn + fanOut, shape)))
                .create(rng, fanIn, fanOut, shape);
    }

    /** He et al. (2015), for ReLU layers: U(−a, a) with a = √(6 / fanIn) (PyTorch's kaiming_uniform_, gain √2). */
    static Init heUniform() {
        return (rng, fanIn, fanOut, shape) -> {
            double a = Math.sqrt(6.0 / positive("heUniform", fanIn, shape));
            return uniform(-a, a).create(rng, fanIn, fanOut, shape);
        };
    }

    /** He et al. (2015), for ReLU layers: N(0, 2 / fanIn). */
    static Init heNormal() {
        return (rng, fanIn, fanOut, shape) -> normal(0, Math.sqrt(2.0 / positive("heNormal", fanIn, shape)))
                .create(rng, fanIn, fanOut, shape);
    }

    /**
     * PyTorch's {@code kaiming_uniform_(a)} (fan-in mode, leaky-relu gain): U(−b, b) with
     * b = √(2 / (1 + a²))·√(3 / fanIn). {@code a = √5} is PyTorch's default for {@code nn.Linear}
     * and {@code nn.Conv*} weights, which equals {@link #lecunUniform()}; {@code a = 0} is
     * {@link #heUniform()}.
     */
    static Init kaimingUniform(double a) {
        return (rng, fanIn, fanOut, shape) -> {
            double b = Math.sqrt(2.0 / (1 + a * a)) * Math.sqrt(3.0 / positive("kaimingUniform", fanIn, shape));
            return uniform(-b, b).create(rng, fanIn, fanOut, shape);
        };
    }

    /**
     * PyTorch's default for {@code nn.Linear} weights and biases: U(−1/√fanIn, 1/√fanIn) (for the
     * weight this is {@code kaiming_uniform_(a=√5)}, for the bias PyTorch's explicit bound; the
     * same as {@code nn.Conv*} with fanIn = in_channels/groups·kernel size). Recurrent layers use
     * U(−1/√hidden, 1/√hidden) for every weight and bias; Embedding N(0, 1); BatchNorm and
     * LayerNorm ones and zeros. (Keras' {@code lecun_uniform}, √(3/fanIn), is a different bound.)
     */
    static Init lecunUniform() {
        return (rng, fanIn, fanOut, shape) -> {
            double a = 1.0 / Math.sqrt(positive("lecunUniform", fanIn, shape));
            return uniform(-a, a).create(rng, fanIn, fanOut, shape);
        };
    }

    private static int positive(String name, int fan, int[] shape) {
        if (fan <= 0) {
            throw new IllegalArgumentException("Init." + name + ": fan " + fan + " must be positive (shape "
                    + Arrays.toString(shape) + ")");
        }
        return fan;
    }
}
