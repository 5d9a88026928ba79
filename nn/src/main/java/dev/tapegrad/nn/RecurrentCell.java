package dev.tapegrad.nn;

import dev.tapegrad.Tensor;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * One step of a recurrent network ({@link RNNCell}, {@link LSTMCell}, {@link GRUCell}): from an
 * input {@code x} [N, F] and a state ([N, H]) to the next state. Parameters are PyTorch's, by name
 * and shape: {@code weight_ih} [G·H, F], {@code weight_hh} [G·H, H], {@code bias_ih} and
 * {@code bias_hh} [G·H] (G gates), each drawn from U(−1/√H, 1/√H) as PyTorch does, so a
 * safetensors file of this cell has the layout of PyTorch's {@code state_dict}.
 *
 * <pre>{@code
 * LSTMCell cell = new LSTMCell(3, 8, rng);
 * RecurrentState s = null;                        // zeros
 * for (Tensor xt : steps) s = cell.step(xt, s);   // xt: [N, 3]; s.h(), s.c(): [N, 8]
 * }</pre>
 *
 * <p>Backpropagation through time is what the tape does with the unrolled steps; there is no
 * backward code here.
 */
public abstract class RecurrentCell extends Module {
    private final CellKind kind;
    private final int inputSize;
    private final int hiddenSize;
    private final Tensor weightIh;
    private final Tensor weightHh;
    private final Tensor biasIh;
    private final Tensor biasHh;

    RecurrentCell(CellKind kind, int inputSize, int hiddenSize, boolean bias, RandomGenerator rng) {
        Recurrent.checkSizes(kind.label + "Cell", inputSize, hiddenSize, 1);
        this.kind = kind;
        this.inputSize = inputSize;
        this.hiddenSize = hiddenSize;
        Init init = Recurrent.defaultInit(hiddenSize);
        int g = kind.gates * hiddenSize;
        this.weightIh = registerParameter("weight_ih", init.create(rng, inputSize, g, g, inputSize));
        this.weightHh = registerParameter("weight_hh", init.create(rng, hiddenSize, g, g, hiddenSize));
        this.biasIh = bias ? registerParameter("bias_ih", init.create(rng, inputSize, g, g)) : null;
        this.biasHh = bias ? registerParameter("bias_hh", init.create(rng, hiddenSize, g, g)) : null;
    }

    /** Number of input features F. */
    public final int inputSize() {
        return inputSize;
    }

    /** Number of hidden units H. */
    public final int hiddenSize() {
        return hiddenSize;
    }

    /**
     * One time step.
     *
     * @param x     the input, [N, F]
     * @param state the previous state ([N, H]; for an LSTM with {@code c}), or null for zeros
     * @return the new state
     * @throws IllegalArgumentException if a shape does not fit, naming the cell and the shapes
     */
    public final RecurrentState step(Tensor x, RecurrentState state) {
        String name = toString();
        if (x.rank() != 2 || x.shape(1) != inputSize) {
            throw new IllegalArgumentException(name + ": input of shape " + Arrays.toString(x.shape())
                    + " must be [N, " + inputSize + "]");
        }
        if (state != null) {
            Recurrent.checkState(name, kind, state, new int[] {x.shape(0), hiddenSize});
        }
        return kind.step(kind.prepare(weightIh, weightHh, biasIh, biasHh), x, state);
    }

    /** One step from the zero state; returns the new hidden state [N, H]. */
    @Override
    public Tensor forward(Tensor x) {
        return step(x, null).h();
    }

    @Override
    public String toString() {
        return kind.label + "Cell(" + inputSize + ", " + hiddenSize + (biasIh == null ? ", bias=false" : "")
                + (kind == CellKind.RNN_RELU ? ", relu" : "") + ")";
    }
}
