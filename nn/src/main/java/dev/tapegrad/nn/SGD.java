package dev.tapegrad.nn;

import dev.tapegrad.Tensor;
import java.util.List;

/**
 * Stochastic gradient descent with optional momentum, Nesterov momentum and L2 weight decay,
 * following PyTorch's {@code torch.optim.SGD}: with g ← g + λw, the momentum buffer
 * b ← μb + g (b = g on the first step), the step direction d = g + μb (Nesterov) or b, and
 * w ← w − η·d. Without momentum, w ← w − η·g.
 *
 * <pre>{@code
 * Optimizer opt = new SGD(model.parameters(), 0.1).momentum(0.9).nesterov(true).weightDecay(5e-4);
 * }</pre>
 */
public final class SGD extends Optimizer {
    private double momentum;
    private boolean nesterov;
    private double weightDecay;
    private final double[][] buffers;

    /** Plain gradient descent with learning rate η. */
    public SGD(List<Tensor> parameters, double learningRate) {
        super("SGD", parameters, learningRate);
        buffers = new double[parameters.size()][];
    }

    /** Momentum μ in [0, 1) (0: none). Returns this. */
    public SGD momentum(double mu) {
        checkBeta("SGD", "momentum", mu);
        this.momentum = mu;
        return this;
    }

    /** Nesterov momentum (needs a momentum &gt; 0 to make a difference). Returns this. */
    public SGD nesterov(boolean on) {
        this.nesterov = on;
        return this;
    }

    /** L2 penalty λ added to the gradient (λw). Returns this. */
    public SGD weightDecay(double lambda) {
        checkNonNegative("SGD", "weight decay", lambda);
        this.weightDecay = lambda;
        return this;
    }

    @Override
    protected void update(int index, double[] w, double[] g) {
        double lr = learningRate();
        if (momentum == 0) {
            for (int k = 0; k < w.length; k++) {
                w[k] -= lr * (g[k] + weightDecay * w[k]);
            }
            return;
        }
        boolean first = buffers[index] == null;
        double[] b = state(buffers, index);
        for (int k = 0; k < w.length; k++) {
            double gk = g[k] + weightDecay * w[k];
            b[k] = first ? gk : momentum * b[k] + gk;
            double d = nesterov ? gk + momentum * b[k] : b[k];
            w[k] -= lr * d;
        }
    }

    @Override
    protected java.util.Map<String, double[][]> stateTables() {
        return java.util.Map.of("momentum_buffer", buffers);
    }
}
