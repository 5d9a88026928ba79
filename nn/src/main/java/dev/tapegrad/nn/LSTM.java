package dev.tapegrad.nn;

import java.util.random.RandomGenerator;

/**
 * A long short-term memory layer over whole sequences, as PyTorch's {@code nn.LSTM(batch_first=True)}:
 * the {@link LSTMCell} unrolled over time, with h and c in the state. See {@link Recurrent} for shapes and parameters.
 */
public final class LSTM extends Recurrent {

    /** One layer with biases, initialised as PyTorch does. */
    public LSTM(int inputSize, int hiddenSize, RandomGenerator rng) {
        this(inputSize, hiddenSize, 1, true, rng);
    }

    /**
     * A stack of {@code layers} layers, each fed the previous layer's outputs.
     *
     * @param bias whether each layer has the biases {@code bias_ih_l*} and {@code bias_hh_l*}
     */
    public LSTM(int inputSize, int hiddenSize, int layers, boolean bias, RandomGenerator rng) {
        super(CellKind.LSTM, inputSize, hiddenSize, layers, bias, rng);
    }
}
