package dev.tapegrad.nn;

import java.util.random.RandomGenerator;

/**
 * An Elman recurrent cell as PyTorch's {@code nn.RNNCell}: {@code h' = tanh(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh)}
 * (or relu). See {@link RecurrentCell} for the parameters and {@link RNN} for whole sequences.
 */
public final class RNNCell extends RecurrentCell {

    /** A tanh cell with biases, initialised as PyTorch does. */
    public RNNCell(int inputSize, int hiddenSize, RandomGenerator rng) {
        this(inputSize, hiddenSize, true, false, rng);
    }

    /**
     * A cell with the given options.
     *
     * @param relu relu instead of tanh (PyTorch's {@code nonlinearity="relu"})
     */
    public RNNCell(int inputSize, int hiddenSize, boolean bias, boolean relu, RandomGenerator rng) {
        super(relu ? CellKind.RNN_RELU : CellKind.RNN_TANH, inputSize, hiddenSize, bias, rng);
    }
}
