package dev.tapegrad.nn;

import java.util.random.RandomGenerator;

/**
 * A gated recurrent unit layer over whole sequences, as PyTorch's {@code nn.GRU(batch_first=True)}:
 * the {@link GRUCell} unrolled over time. See {@link Recurrent} for shapes and parameters.
 */
public final class GRU extends Recurrent {

    /** One layer with biases, initialised as PyTorch does. */
    public GRU(int inputSize, int hiddenSize, RandomGenerator rng) {
        this(inputSize, hiddenSize, 1, true, rng);
    }

    /**
     * A stack of {@code layers} layers, each fed the previous layer's outputs.
     *
     * @param bias whether each layer has the biases {@code bias_ih_l*} and {@code bias_hh_l*}
     */
    public GRU(int inputSize, int hiddenSize, int layers, boolean bias, RandomGenerator rng) {
        super(CellKind.GRU, inputSize, hiddenSize, layers, bias, rng);
    }
}
