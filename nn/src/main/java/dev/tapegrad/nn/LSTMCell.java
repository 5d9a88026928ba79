package dev.tapegrad.nn;

import java.util.random.RandomGenerator;

/**
 * A long short-term memory cell (Hochreiter and Schmidhuber, 1997, with the forget gate of Gers et
 * al., 2000), as PyTorch's {@code nn.LSTMCell}: gates in the order input, forget, cell, output,
 * <pre>
 *   i = σ(x W_iiᵀ + b_ii + h W_hiᵀ + b_hi)     f = σ(… f rows …)
 *   g = tanh(… g rows …)                        o = σ(… o rows …)
 *   c' = f ⊙ c + i ⊙ g                          h' = o ⊙ tanh(c')
 * </pre>
 * See {@link RecurrentCell} for the parameters and {@link LSTM} for whole sequences.
 */
public final class LSTMCell extends RecurrentCell {

    /** A cell with biases, initialised as PyTorch does. */
    public LSTMCell(int inputSize, int hiddenSize, RandomGenerator rng) {
        this(inputSize, hiddenSize, true, rng);
    }

    /** A cell with or without biases. */
    public LSTMCell(int inputSize, int hiddenSize, boolean bias, RandomGenerator rng) {
        super(CellKind.LSTM, inputSize, hiddenSize, bias, rng);
    }
}
