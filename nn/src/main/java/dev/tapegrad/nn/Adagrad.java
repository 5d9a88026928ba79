package dev.tapegrad.nn;

import dev.tapegrad.Tensor;
import java.util.List;

/**
 * Adagrad (Duchi, Hazan and Singer, 2011), as PyTorch's {@code torch.optim.Adagrad}: with
 * g ← g + λw, the sum s ← s + g² and w ← w − η·g/(√s + ε). Default ε = 1e−10, initial sum 0.
 *
 * <pre>{@code Optimizer opt = new Adagrad(model.parameters(), 1e-2); }</pre>
 */
public final class Adagrad extends Optimizer {
    private double epsilon = 1e-10;
    private double weightDecay;
    private final double[][] sums;

    /** Adagrad with learning rate η. */
    public Adagrad(List<Tensor> parameters, double learningRate) {
        super("Adagrad", parameters, learningRate);
        sums = new double[parameters.size()][];
    }

    /** ε added to √s (positive). Returns this. */
    public Adagrad epsilon(double eps) {
        if (!(eps > 0)) {
            throw new IllegalArgumentException("Adagrad: epsilon " + eps + " must be positive");
        }
        this.epsilon = eps;
        return this;
    }

    /** L2 penalty λ added to the gradient. Returns this. */
    public Adagrad weightDecay(double lambda) {
        checkNonNegative("Adagrad", "weight decay", lambda);
        this.weightDecay = lambda;
        return this;
    }

    @Override
    protected void update(int index, double[] w, double[] g) {
        double lr = learningRate();
        double[] s = state(sums, index);
        for (int k = 0; k < w.length; k++) {
            double gk = g[k] + weightDecay * w[k];
            s[k] += gk * gk;
            w[k] -= lr * gk / (Math.sqrt(s[k]) + epsilon);
        }
    }

    @Override
    protected java.util.Map<String, double[][]> stateTables() {
        return java.util.Map.of("sum", sums);
    }
}
