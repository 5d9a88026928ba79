package dev.tapegrad.nn;

import dev.tapegrad.Tensor;
import java.util.Arrays;

/**
 * The four recurrent cells as plain functions of Tensor ops, in PyTorch's formulation and gate
 * order, so that cells and sequence layers share one definition (and tests can check it against
 * central differences with the weights as inputs). Weights are PyTorch's: {@code weight_ih}
 * [G·H, F], {@code weight_hh} [G·H, H], {@code bias_ih} and {@code bias_hh} [G·H], with G gates.
 */
enum CellKind {
    /** h' = tanh(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh). */
    RNN_TANH(1, "RNN"),
    /** h' = relu(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh). */
    RNN_RELU(1, "RNN"),
    /** Gates i, f, g, o (PyTorch's order); c' = f c + i g, h' = o tanh(c'). */
    LSTM(4, "LSTM"),
    /** Gates r, z, n (PyTorch's order); n = tanh(W_in x + b_in + r (W_hn h + b_hn)), h' = (1 − z) n + z h. */
    GRU(3, "GRU");

    final int gates;
    final String label;

    CellKind(int gates, String label) {
        this.gates = gates;
        this.label = label;
    }

    /**
     * The weights of one cell, transposed once per forward pass rather than once per step, and
     * with the two biases summed where the cell only uses their sum.
     */
    record Prepared(Tensor wIhT, Tensor wHhT, Tensor bias, Tensor bIh, Tensor bHh, int hidden) {
    }

    /** Prepares {@code weightIh, weightHh, biasIh, biasHh} (biases null for a cell without bias). */
    Prepared prepare(Tensor wIh, Tensor wHh, Tensor bIh, Tensor bHh) {
        int h = wHh.shape(1);
        Tensor sum = bIh == null ? null : (this == GRU ? null : bIh.add(bHh));
        return new Prepared(wIh.transpose(), wHh.transpose(), sum, bIh, bHh, h);
    }

    /**
     * One time step: {@code x} [N, F] and the state ([N, H] each; null state means zeros) to the new
     * state.
     */
    RecurrentState step(Prepared w, Tensor x, RecurrentState s) {
        int n = x.shape(0), hidden = w.hidden();
        Tensor h = s == null ? Tensor.zeros(n, hidden) : s.h();
        switch (this) {
            case RNN_TANH:
            case RNN_RELU: {
                Tensor pre = addBias(x.matmul(w.wIhT()).add(h.matmul(w.wHhT())), w.bias());
                return RecurrentState.of(this == RNN_TANH ? pre.tanh() : pre.relu());
            }
            case LSTM: {
                Tensor c = s == null ? Tensor.zeros(n, hidden) : s.c();
                Tensor g = addBias(x.matmul(w.wIhT()).add(h.matmul(w.wHhT())), w.bias());
                Tensor in = g.slice(1, 0, hidden).sigmoid();
                Tensor forget = g.slice(1, hidden, 2 * hidden).sigmoid();
                Tensor cand = g.slice(1, 2 * hidden, 3 * hidden).tanh();
                Tensor out = g.slice(1, 3 * hidden, 4 * hidden).sigmoid();
                Tensor c2 = forget.mul(c).add(in.mul(cand));
                return new RecurrentState(out.mul(c2.tanh()), c2);
            }
            case GRU: {
                Tensor gi = addBias(x.matmul(w.wIhT()), w.bIh());
                Tensor gh = addBias(h.matmul(w.wHhT()), w.bHh());
                Tensor r = gi.slice(1, 0, hidden).add(gh.slice(1, 0, hidden)).sigmoid();
                Tensor z = gi.slice(1, hidden, 2 * hidden).add(gh.slice(1, hidden, 2 * hidden)).sigmoid();
                Tensor cand = gi.slice(1, 2 * hidden, 3 * hidden).add(r.mul(gh.slice(1, 2 * hidden, 3 * hidden))).tanh();
                return RecurrentState.of(cand.add(z.mul(h.sub(cand))));   // (1 − z) n + z h
            }
            default:
                throw new AssertionError(this);
        }
    }

    private static Tensor addBias(Tensor t, Tensor b) {
        return b == null ? t : t.add(b);
    }

    /** Checks the weight shapes of a cell with {@code input} features and {@code hidden} units. */
    void checkWeights(String name, Tensor wIh, Tensor wHh, Tensor bIh, Tensor bHh) {
        int gh = wHh.rank() == 2 ? wHh.shape(0) : -1;
        int hidden = gh / gates;
        boolean ok = wIh.rank() == 2 && wHh.rank() == 2 && gh == gates * wHh.shape(1) && wIh.shape(0) == gh
                && (bIh == null) == (bHh == null)
                && (bIh == null || (Arrays.equals(bIh.shape(), new int[] {gh}) && Arrays.equals(bHh.shape(), new int[] {gh})));
        if (!ok) {
            throw new IllegalArgumentException(name + ": weights of shapes weight_ih " + Arrays.toString(wIh.shape())
                    + ", weight_hh " + Arrays.toString(wHh.shape()) + ", bias_ih " + shape(bIh) + ", bias_hh " + shape(bHh)
                    + " do not fit " + gates + " gate(s): need [" + gates + "·H, F], [" + gates + "·H, H], [" + gates
                    + "·H], [" + gates + "·H] (H = " + hidden + ")");
        }
    }

    static String shape(Tensor t) {
        return t == null ? "none" : Arrays.toString(t.shape());
    }
}
