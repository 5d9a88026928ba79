package dev.tapegrad.nn;

import dev.tapegrad.Tensor;
import java.util.Arrays;

/**
 * Layer normalisation (Ba, Kiros and Hinton, 2016) as PyTorch's {@code nn.LayerNorm}: each sample
 * is normalised over its last dimensions (the normalised shape) with their mean and biased
 * variance, {@code y = (x − mean)/√(var + ε)·weight + bias}, the same in training and evaluation
 * mode. {@code weight} (ones) and {@code bias} (zeros) have the normalised shape
 * (PyTorch's {@code elementwise_affine}).
 *
 * <pre>{@code
 * LayerNorm norm = new LayerNorm(64);       // x: [N, T, 64], normalised over the last axis
 * }</pre>
 */
public final class LayerNorm extends Module {
    private final int[] normalizedShape;
    private final double eps;
    private final Tensor weight;
    private final Tensor bias;

    /** Over the given trailing shape, with ε = 1e−5 and affine parameters (PyTorch's defaults). */
    public LayerNorm(int... normalizedShape) {
        this(normalizedShape, BatchNorm.DEFAULT_EPS, true);
    }

    /**
     * @param normalizedShape the trailing dimensions to normalise over, each positive
     * @param eps             added to the variance, positive
     * @param affine          whether to learn an elementwise scale and shift
     */
    public LayerNorm(int[] normalizedShape, double eps, boolean affine) {
        if (normalizedShape.length == 0 || Arrays.stream(normalizedShape).anyMatch(d -> d <= 0) || !(eps > 0)) {
            throw new IllegalArgumentException("LayerNorm: normalized shape " + Arrays.toString(normalizedShape)
                    + " must be non-empty with positive dimensions and eps " + eps + " positive");
        }
        this.normalizedShape = normalizedShape.clone();
        this.eps = eps;
        this.weight = affine ? registerParameter("weight", Tensor.ones(normalizedShape)) : null;
        this.bias = affine ? registerParameter("bias", Tensor.zeros(normalizedShape)) : null;
    }

    /** The scale (normalised shape), or null without affine parameters. */
    public Tensor weight() {
        return weight;
    }

    /** The shift (normalised shape), or null without affine parameters. */
    public Tensor bias() {
        return bias;
    }

    @Override
    public Tensor forward(Tensor x) {
        int k = normalizedShape.length;
        int[] shape = x.shape();
        if (shape.length < k || !Arrays.equals(Arrays.copyOfRange(shape, shape.length - k, shape.length), normalizedShape)) {
            throw new IllegalArgumentException(this + ": input of shape " + Arrays.toString(shape)
                    + " must end with " + Arrays.toString(normalizedShape));
        }
        return apply(x, k, weight, bias, eps);
    }

    /** Layer normalisation over the last {@code k} axes as a function, for the gradient tests. */
    static Tensor apply(Tensor x, int k, Tensor weight, Tensor bias, double eps) {
        int[] shape = x.shape();
        int lead = shape.length - k;
        int m = 1;
        for (int i = lead; i < shape.length; i++) {
            m *= shape[i];
        }
        int[] flat = Arrays.copyOf(shape, lead + 1);
        flat[lead] = m;
        Tensor y = x.reshape(flat);
        Tensor mean = y.mean(-1, true);
        Tensor centred = y.sub(mean);
        Tensor var = centred.square().mean(-1, true);
        Tensor out = centred.div(var.add(eps).sqrt()).reshape(shape);
        return weight == null ? out : out.mul(weight).add(bias);
    }

    @Override
    public String toString() {
        return "LayerNorm(" + Arrays.toString(normalizedShape) + (weight == null ? ", affine=false" : "") + ")";
    }
}
