package dev.tapegrad.nn;

import dev.tapegrad.Tensor;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * A fully connected layer {@code y = x·W + b} with {@code W} of shape [in, out] (so no transpose
 * is needed) and an optional bias of shape [out]. Accepts inputs of shape [in] or [..., in].
 *
 * <pre>{@code
 * Linear layer = new Linear(784, 128, rng);    // PyTorch's default init U(−1/√in, 1/√in)
 * Tensor y = layer.forward(x);                 // x: [batch, 784] -> y: [batch, 128]
 * }</pre>
 */
public final class Linear extends Module {
    private final int in;
    private final int out;
    private final Tensor weight;
    private final Tensor bias;

    /** A layer with a bias, both drawn from U(−1/√in, 1/√in) (PyTorch's default). */
    public Linear(int in, int out, RandomGenerator rng) {
        this(in, out, true, Init.lecunUniform(), Init.lecunUniform(), rng);
    }

    /** A layer with or without a bias, drawn from U(−1/√in, 1/√in). */
    public Linear(int in, int out, boolean bias, RandomGenerator rng) {
        this(in, out, bias, Init.lecunUniform(), Init.lecunUniform(), rng);
    }

    /**
     * A layer with the given initialisers (weight first, then bias, drawn from {@code rng} in that
     * order).
     *
     * @throws IllegalArgumentException if a size is not positive
     */
    public Linear(int in, int out, boolean bias, Init weightInit, Init biasInit, RandomGenerator rng) {
        if (in <= 0 || out <= 0) {
            throw new IllegalArgumentException("Linear: sizes in=" + in + ", out=" + out + " must be positive");
        }
        this.in = in;
        this.out = out;
        this.weight = registerParameter("weight", weightInit.create(rng, in, out, in, out));
        this.bias = bias ? registerParameter("bias", biasInit.create(rng, in, out, out)) : null;
    }

    /**
     * A layer with the given initial values (copied): {@code weight} of shape [in, out] and
     * {@code bias} of shape [out] or null for none.
     */
    public Linear(Tensor weight, Tensor bias) {
        if (weight.rank() != 2) {
            throw new IllegalArgumentException("Linear: weight of shape " + Arrays.toString(weight.shape())
                    + " must have rank 2 [in, out]");
        }
        this.in = weight.shape(0);
        this.out = weight.shape(1);
        if (bias != null && (bias.rank() != 1 || bias.shape(0) != out)) {
            throw new IllegalArgumentException("Linear: bias of shape " + Arrays.toString(bias.shape())
                    + " does not match weight of shape " + Arrays.toString(weight.shape()) + " (expected [" + out + "])");
        }
        this.weight = registerParameter("weight", Tensor.of(weight.toArray(), in, out));
        this.bias = bias == null ? null : registerParameter("bias", Tensor.of(bias.toArray(), out));
    }

    /** The weight [in, out] (the live parameter). */
    public Tensor weight() {
        return weight;
    }

    /** The bias [out], or null if the layer has none. */
    public Tensor bias() {
        return bias;
    }

    /** Number of inputs. */
    public int inFeatures() {
        return in;
    }

    /** Number of outputs. */
    public int outFeatures() {
        return out;
    }

    @Override
    public Tensor forward(Tensor x) {
        if (x.rank() == 0 || x.shape(-1) != in) {
            throw new IllegalArgumentException("Linear(" + in + ", " + out + "): input of shape "
                    + Arrays.toString(x.shape()) + " must end with " + in + " features");
        }
        Tensor y = x.matmul(weight);
        return bias == null ? y : y.add(bias);
    }

    @Override
    public String toString() {
        return "Linear(" + in + ", " + out + (bias == null ? ", bias=false" : "") + ")";
    }
}
