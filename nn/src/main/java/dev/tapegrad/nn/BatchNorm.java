package dev.tapegrad.nn;

import dev.tapegrad.Tensor;
import java.util.Arrays;

/**
 * Batch normalisation (Ioffe and Szegedy, 2015) over the channel axis 1, as PyTorch's
 * {@code BatchNorm1d} / {@code BatchNorm2d} ({@link BatchNorm1d}, {@link BatchNorm2d}). In training
 * mode each channel is normalised with the mean and the <em>biased</em> variance of the batch
 * (over every axis but 1), and the running estimates are updated with the <em>unbiased</em>
 * variance: {@code running = (1 − momentum)·running + momentum·batch}. In evaluation mode the
 * running estimates are used and nothing is updated. Then {@code y = x̂·weight + bias} per
 * channel ({@code weight} ones and {@code bias} zeros at first, as PyTorch).
 *
 * <p>Parameters {@code weight}, {@code bias} [C] (if affine) and buffers {@code running_mean}
 * (zeros) and {@code running_var} (ones) [C], PyTorch's names, saved and loaded with the model.
 * The gradient flows through the batch statistics (the tape differentiates the mean and
 * variance), so first and second derivatives are the exact ones of the normalisation.
 */
public abstract class BatchNorm extends Module {
    /** PyTorch's default ε, added to the variance. */
    public static final double DEFAULT_EPS = 1e-5;
    /** PyTorch's default momentum of the running estimates. */
    public static final double DEFAULT_MOMENTUM = 0.1;

    private final String name;
    private final int channels;
    private final double eps;
    private final double momentum;
    private final Tensor weight;
    private final Tensor bias;
    private final Tensor runningMean;
    private final Tensor runningVar;

    BatchNorm(String name, int channels, double eps, double momentum, boolean affine) {
        if (channels <= 0) {
            throw new IllegalArgumentException(name + ": number of features " + channels + " must be positive");
        }
        if (!(eps > 0) || !(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException(name + ": eps " + eps + " must be positive and momentum " + momentum
                    + " in [0, 1]");
        }
        this.name = name;
        this.channels = channels;
        this.eps = eps;
        this.momentum = momentum;
        this.weight = affine ? registerParameter("weight", Tensor.ones(channels)) : null;
        this.bias = affine ? registerParameter("bias", Tensor.zeros(channels)) : null;
        this.runningMean = registerBuffer("running_mean", Tensor.zeros(channels));
        this.runningVar = registerBuffer("running_var", Tensor.ones(channels));
    }

    /** True if {@code rank} is an input rank this layer accepts. */
    abstract boolean acceptsRank(int rank);

    /** The input shapes this layer accepts, for messages. */
    abstract String expectedShapes();

    /** The scale [C], or null without affine parameters. */
    public final Tensor weight() {
        return weight;
    }

    /** The shift [C], or null without affine parameters. */
    public final Tensor bias() {
        return bias;
    }

    /** The running mean [C] (the live buffer). */
    public final Tensor runningMean() {
        return runningMean;
    }

    /** The running (unbiased) variance [C] (the live buffer). */
    public final Tensor runningVar() {
        return runningVar;
    }

    @Override
    public final Tensor forward(Tensor x) {
        if (!acceptsRank(x.rank()) || x.shape(1) != channels) {
            throw new IllegalArgumentException(this + ": input of shape " + Arrays.toString(x.shape()) + " must be "
                    + expectedShapes() + " with C = " + channels);
        }
        if (!isTraining()) {
            return normalize(x, runningMean, runningVar, weight, bias, eps);
        }
        int perChannel = x.size() / channels;
        if (perChannel < 2) {
            throw new IllegalArgumentException(this + ": input of shape " + Arrays.toString(x.shape())
                    + " has one value per channel; training mode needs more than one (as PyTorch)");
        }
        Tensor[] stats = batchStatistics(x);
        update(stats[0].toArray(), stats[1].toArray(), perChannel);
        return affine(x.sub(stats[0]).div(stats[1].add(eps).sqrt()), weight, bias);
    }

    /** Mean and biased variance over every axis but 1, each of shape [1, C, 1, ...]. */
    static Tensor[] batchStatistics(Tensor x) {
        Tensor mean = x;
        for (int a = 0; a < x.rank(); a++) {
            if (a != 1) {
                mean = mean.mean(a, true);
            }
        }
        Tensor var = x.sub(mean).square();
        for (int a = 0; a < x.rank(); a++) {
            if (a != 1) {
                var = var.mean(a, true);
            }
        }
        return new Tensor[] {mean, var};
    }

    /** Training-mode batch normalisation as a function, for the gradient tests. */
    static Tensor train(Tensor x, Tensor weight, Tensor bias, double eps) {
        Tensor[] s = batchStatistics(x);
        return affine(x.sub(s[0]).div(s[1].add(eps).sqrt()), weight, bias);
    }

    /** Normalisation with given per-channel statistics [C] (the evaluation mode). */
    static Tensor normalize(Tensor x, Tensor mean, Tensor var, Tensor weight, Tensor bias, double eps) {
        int[] shape = channelShape(x);
        return affine(x.sub(mean.reshape(shape)).div(var.add(eps).sqrt().reshape(shape)), weight, bias);
    }

    private static Tensor affine(Tensor xHat, Tensor weight, Tensor bias) {
        if (weight == null) {
            return xHat;
        }
        int[] shape = channelShape(xHat);
        return xHat.mul(weight.reshape(shape)).add(bias.reshape(shape));
    }

    /** [1, C, 1, ...] for broadcasting a per-channel vector against {@code x}. */
    private static int[] channelShape(Tensor x) {
        int[] s = new int[x.rank()];
        Arrays.fill(s, 1);
        s[1] = x.shape(1);
        return s;
    }

    private void update(double[] mean, double[] biasedVar, int n) {
        double[] rm = runningMean.leafValues();
        double[] rv = runningVar.leafValues();
        double unbias = n / (n - 1.0);
        for (int c = 0; c < channels; c++) {
            rm[c] = (1 - momentum) * rm[c] + momentum * mean[c];
            rv[c] = (1 - momentum) * rv[c] + momentum * biasedVar[c] * unbias;
        }
    }

    @Override
    public String toString() {
        return name + "(" + channels + (weight == null ? ", affine=false" : "") + ")";
    }
}
