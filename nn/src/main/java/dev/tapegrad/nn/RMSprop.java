package dev.tapegrad.nn;

import dev.tapegrad.Tensor;
import java.util.List;

/**
 * RMSprop (Tieleman and Hinton, 2012), as PyTorch's {@code torch.optim.RMSprop}: with g ← g + λw,
 * v ← αv + (1−α)g², and w ← w − η·g/(√v + ε); with momentum μ &gt; 0 a buffer
 * b ← μb + g/(√v + ε) and w ← w − ηb. Defaults α = 0.99, ε = 1e−8.
 *
 * <pre>{@code Optimizer opt = new RMSprop(model.parameters(), 1e-2).alpha(0.9); }</pre>
 */
public final class RMSprop extends Optimizer {
    private double alpha = 0.99;
    private double epsilon = 1e-8;
    private double momentum;
    private double weightDecay;
    private final double[][] square;
    private final double[][] buffer;

    /** RMSprop with learning rate η and the default α, ε. */
    public RMSprop(List<Tensor> parameters, double learningRate) {
        super("RMSprop", parameters, learningRate);
        square = new double[parameters.size()][];
        buffer = new double[parameters.size()][];
    }

    /** Decay α of the running mean of squared gradients, in [0, 1). Returns this. */
    public RMSprop alpha(double a) {
        checkBeta("RMSprop", "alpha", a);
        this.alpha = a;
        return this;
    }

    /** ε added to √v (positive). Returns this. */
    public RMSprop epsilon(double eps) {
        if (!(eps > 0)) {
            throw new IllegalArgumentException("RMSprop: epsilon " + eps + " must be positive");
        }
        this.epsilon = eps;
        return this;
    }

    /** Momentum μ in [0, 1). Returns this. */
    public RMSprop momentum(double mu) {
        checkBeta("RMSprop", "momentum", mu);
        this.momentum = mu;
        return this;
    }

    /** L2 penalty λ added to the gradient. Returns this. */
    public RMSprop weightDecay(double lambda) {
        checkNonNegative("RMSprop", "weight decay", lambda);
        this.weightDecay = lambda;
        return this;
    }

    @Override
    protected void update(int index, double[] w, double[] g) {
        double lr = learningRate();
        double[] v = state(square, index);
        double[] b = momentum > 0 ? state(buffer, index) : null;
        for (int k = 0; k < w.length; k++) {
            double gk = g[k] + weightDecay * w[k];
            v[k] = alpha * v[k] + (1 - alpha) * gk * gk;
            double d = gk / (Math.sqrt(v[k]) + epsilon);
            if (b != null) {
                b[k] = momentum * b[k] + d;
                d = b[k];
            }
            w[k] -= lr * d;
        }
    }

    @Override
    protected java.util.Map<String, double[][]> stateTables() {
        return java.util.Map.of("square_avg", square, "momentum_buffer", buffer);
    }
}
