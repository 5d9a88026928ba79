package dev.tapegrad.nn;

import java.util.random.RandomGenerator;

/**
 * A gated recurrent unit (Cho et al., 2014) as PyTorch's {@code nn.GRUCell}: gates in the order
 * reset, update, new,
 * <pre>
 *   r = σ(x W_irᵀ + b_ir + h W_hrᵀ + b_hr)     z = σ(… z rows …)
 *   n = tanh(x W_inᵀ + b_in + r ⊙ (h W_hnᵀ + b_hn))
 *   h' = (1 − z) ⊙ n + z ⊙ h
 * </pre>
 * See {@link RecurrentCell} for the parameters and {@link GRU} for whole sequences.
 */
public final class GRUCell extends RecurrentCell {

    /** A cell with biases, initialised as PyTorch does. */
    public GRUCell(int inputSize, int hiddenSize, RandomGenerator rng) {
        this(inputSize, hiddenSize, true, rng);
    }

    /** A cell with or without biases. */
    public GRUCell(int inputSize, int hiddenSize, boolean bias, RandomGenerator rng) {
        super(CellKind.GRU, inputSize, hiddenSize, bias, rng);
    }
}
