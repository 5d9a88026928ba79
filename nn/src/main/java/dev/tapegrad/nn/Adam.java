package dev.tapegrad.nn;

import dev.tapegrad.Tensor;
import java.util.List;

/**
 * Adam (Kingma and Ba, 2015), as PyTorch's {@code torch.optim.Adam}: with g ← g + λw (L2 weight
 * decay, 0 by default), m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ),
 * w ← w − η·m̂/(√v̂ + ε). Defaults β₁ = 0.9, β₂ = 0.999, ε = 1e−8.
 *
 * <pre>{@code Optimizer opt = new Adam(model.parameters(), 1e-3).betas(0.9, 0.99); }</pre>
 */
public class Adam extends Optimizer {
    private double beta1 = 0.9;
    private double beta2 = 0.999;
    private double epsilon = 1e-8;
    private double weightDecay;
    private final double[][] m;
    private final double[][] v;

    /** Adam with learning rate η and the default β₁, β₂, ε. */
    public Adam(List<Tensor> parameters, double learningRate) {
        this("Adam", parameters, learningRate);
    }

    Adam(String name, List<Tensor> parameters, double learningRate) {
        super(name, parameters, learningRate);
        m = new double[parameters.size()][];
        v = new double[parameters.size()][];
    }

    /** The decay rates β₁, β₂ of the moment estimates, each in [0, 1). Returns this. */
    public Adam betas(double beta1, double beta2) {
        checkBeta(getClass().getSimpleName(), "beta1", beta1);
        checkBeta(getClass().getSimpleName(), "beta2", beta2);
        this.beta1 = beta1;
        this.beta2 = beta2;
        return this;
    }

    /** ε added to √v̂ (positive). Returns this. */
    public Adam epsilon(double eps) {
        if (!(eps > 0)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": epsilon " + eps + " must be positive");
        }
        this.epsilon = eps;
        return this;
    }

    /**
     * Weight decay λ: for Adam an L2 penalty added to the gradient; for {@link AdamW} the
     * decoupled decay w ← w − ηλw. Returns this.
     */
    public Adam weightDecay(double lambda) {
        checkNonNegative(getClass().getSimpleName(), "weight decay", lambda);
        this.weightDecay = lambda;
        return this;
    }

    /** True for AdamW: decay applied to the weights, not added to the gradient. */
    boolean decoupled() {
        return false;
    }

    @Override
    protected void update(int index, double[] w, double[] g) {
        double lr = learningRate();
        int t = stepCount();
        double[] mi = state(m, index);
        double[] vi = state(v, index);
        double c1 = 1 - Math.pow(beta1, t);
        double c2 = 1 - Math.pow(beta2, t);
        boolean dec = decoupled();
        for (int k = 0; k < w.length; k++) {
            double gk = g[k];
            if (dec) {
                w[k] -= lr * weightDecay * w[k];
            } else {
                gk += weightDecay * w[k];
            }
            mi[k] = beta1 * mi[k] + (1 - beta1) * gk;
            vi[k] = beta2 * vi[k] + (1 - beta2) * gk * gk;
            double mHat = mi[k] / c1;
            double vHat = vi[k] / c2;
            w[k] -= lr * mHat / (Math.sqrt(vHat) + epsilon);
        }
    }

    @Override
    protected java.util.Map<String, double[][]> stateTables() {
        return java.util.Map.of("m", m, "v", v);
    }
}
