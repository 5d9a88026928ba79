package dev.tapegrad.nn;

import java.util.random.RandomGenerator;

/**
 * An Elman recurrent layer over whole sequences, as PyTorch's {@code nn.RNN(batch_first=True)}:
 * the {@link RNNCell} unrolled over time. See {@link Recurrent} for shapes and parameters.
 */
public final class RNN extends Recurrent {

    /** One tanh layer with biases, initialised as PyTorch does. */
    public RNN(int inputSize, int hiddenSize, RandomGenerator rng) {
        this(inputSize, hiddenSize, 1, true, false, rng);
    }

    /**
     * A stack of {@code layers} layers, each fed the previous layer's outputs.
     *
     * @param bias whether each layer has the biases {@code bias_ih_l*} and {@code bias_hh_l*}
     * @param relu relu instead of tanh (PyTorch's {@code nonlinearity="relu"})
     */
    public RNN(int inputSize, int hiddenSize, int layers, boolean bias, boolean relu, RandomGenerator rng) {
        super(relu ? CellKind.RNN_RELU : CellKind.RNN_TANH, inputSize, hiddenSize, layers, bias, rng);
    }
}
