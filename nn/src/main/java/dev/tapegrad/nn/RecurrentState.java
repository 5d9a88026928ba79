package dev.tapegrad.nn;

import java.util.Arrays;
import dev.tapegrad.Tensor;

/**
 * The state a recurrent layer carries from one time step to the next: the hidden state {@code h}
 * and, for an LSTM, the cell state {@code c} (null for RNN and GRU).
 *
 * <p>For a cell ({@link RNNCell}, {@link LSTMCell}, {@link GRUCell}) both are {@code [N, H]}; for
 * a sequence layer ({@link RNN}, {@link LSTM}, {@link GRU}) they are {@code [layers, N, H]}, as
 * PyTorch's {@code h_n} and {@code c_n} (also with batch-first input).
 *
 * @param h the hidden state
 * @param c the cell state of an LSTM, or null
 */
public record RecurrentState(Tensor h, Tensor c) {

    /**
     * Checks that {@code h} is given and that {@code c}, if given, has its shape.
     *
     * @param h the hidden state
     * @param c the cell state of an LSTM, or null
     */
    public RecurrentState {
        if (h == null) {
            throw new IllegalArgumentException("RecurrentState: the hidden state h is null");
        }
        if (c != null && !Arrays.equals(h.shape(), c.shape())) {
            throw new IllegalArgumentException("RecurrentState: h of shape " + Arrays.toString(h.shape())
                    + " and c of shape " + Arrays.toString(c.shape()) + " differ");
        }
    }

    /**
     * A hidden state without a cell state (RNN, GRU).
     *
     * @param h the hidden state
     * @return the state
     */
    public static RecurrentState of(Tensor h) {
        return new RecurrentState(h, null);
    }
}
