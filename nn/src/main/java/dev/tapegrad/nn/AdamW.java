package dev.tapegrad.nn;

import dev.tapegrad.Tensor;
import java.util.List;

/**
 * AdamW (Loshchilov and Hutter, 2019), as PyTorch's {@code torch.optim.AdamW}: the weights decay
 * w ← w − ηλw before the {@link Adam} step, instead of λw being added to the gradient. Default
 * λ = 0.01 (PyTorch's).
 *
 * <pre>{@code Optimizer opt = new AdamW(model.parameters(), 1e-3).weightDecay(0.05); }</pre>
 */
public final class AdamW extends Adam {

    /** AdamW with learning rate η, λ = 0.01 and Adam's default β₁, β₂, ε. */
    public AdamW(List<Tensor> parameters, double learningRate) {
        super("AdamW", parameters, learningRate);
        weightDecay(0.01);
    }

    @Override
    boolean decoupled() {
        return true;
    }
}
