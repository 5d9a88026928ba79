package dev.tapegrad.nn;

import dev.tapegrad.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A recurrent layer over whole sequences ({@link RNN}, {@link LSTM}, {@link GRU}), batch-first as
 * PyTorch's {@code batch_first=True}: input {@code [N, T, F]}, output {@code [N, T, H]} (the last
 * layer's hidden state at every step) and the last state of every layer ({@code h}, and {@code c}
 * for an LSTM, each {@code [layers, N, H]}). Parameters are PyTorch's, by name and shape:
 * {@code weight_ih_l0} [G·H, F], {@code weight_hh_l0} [G·H, H], {@code bias_ih_l0},
 * {@code bias_hh_l0} [G·H], then {@code …_l1} for a second layer (whose input is the first
 * layer's output), all drawn from U(−1/√H, 1/√H).
 *
 * <pre>{@code
 * LSTM lstm = new LSTM(2, 32, rng);
 * Recurrent.Output out = lstm.run(x, null);              // x: [N, T, 2]; null: zero initial state
 * Tensor all = out.output();                              // [N, T, 32]
 * Tensor last = out.last().h();                           // [1, N, 32]
 * Module net = new Sequential(lstm, Recurrent.lastStep(), new Linear(32, 1, rng));   // forward = output
 * }</pre>
 *
 * <p>The steps are unrolled on the tape, so backpropagation through time is the tape's ordinary
 * replay (and differentiates again). Not supported: bidirectional layers, dropout between layers.
 */
public abstract class Recurrent extends Module {
    private final CellKind kind;
    private final int inputSize;
    private final int hiddenSize;
    private final int layers;
    private final boolean bias;
    private final Tensor[] weights;

    /**
     * The output of a recurrent layer.
     *
     * @param output the last layer's hidden state at every step, [N, T, H]
     * @param last   the state after the last step, [layers, N, H] for h (and c)
     */
    public record Output(Tensor output, RecurrentState last) {
    }

    Recurrent(CellKind kind, int inputSize, int hiddenSize, int layers, boolean bias, RandomGenerator rng) {
        checkSizes(kind.label, inputSize, hiddenSize, layers);
        this.kind = kind;
        this.inputSize = inputSize;
        this.hiddenSize = hiddenSize;
        this.layers = layers;
        this.bias = bias;
        this.weights = new Tensor[4 * layers];
        Init init = defaultInit(hiddenSize);
        int g = kind.gates * hiddenSize;
        for (int l = 0; l < layers; l++) {
            int in = l == 0 ? inputSize : hiddenSize;
            weights[4 * l] = registerParameter("weight_ih_l" + l, init.create(rng, in, g, g, in));
            weights[4 * l + 1] = registerParameter("weight_hh_l" + l, init.create(rng, hiddenSize, g, g, hiddenSize));
            if (bias) {
                weights[4 * l + 2] = registerParameter("bias_ih_l" + l, init.create(rng, in, g, g));
                weights[4 * l + 3] = registerParameter("bias_hh_l" + l, init.create(rng, hiddenSize, g, g));
            }
        }
    }

    /** PyTorch's initialisation of every recurrent weight and bias: U(−1/√H, 1/√H). */
    static Init defaultInit(int hiddenSize) {
        double k = 1.0 / Math.sqrt(hiddenSize);
        return Init.uniform(-k, k);
    }

    static void checkSizes(String name, int inputSize, int hiddenSize, int layers) {
        if (inputSize <= 0 || hiddenSize <= 0 || layers <= 0) {
            throw new IllegalArgumentException(name + ": input size " + inputSize + ", hidden size " + hiddenSize
                    + " and layers " + layers + " must be positive");
        }
    }

    static void checkState(String name, CellKind kind, RecurrentState s, int[] shape) {
        boolean ok = Arrays.equals(s.h().shape(), shape) && ((kind == CellKind.LSTM) == (s.c() != null));
        if (!ok) {
            throw new IllegalArgumentException(name + ": state h " + Arrays.toString(s.h().shape())
                    + (s.c() == null ? ", no c" : ", c " + Arrays.toString(s.c().shape())) + " must be "
                    + Arrays.toString(shape) + (kind == CellKind.LSTM ? " for both h and c" : " with no c"));
        }
    }

    /** Number of input features F. */
    public final int inputSize() {
        return inputSize;
    }

    /** Number of hidden units H. */
    public final int hiddenSize() {
        return hiddenSize;
    }

    /** Number of stacked layers. */
    public final int layers() {
        return layers;
    }

    /**
     * Runs the layer over a sequence.
     *
     * @param x       the input, [N, T, F] (batch first), T ≥ 1
     * @param initial the initial state, [layers, N, H] (h and, for an LSTM, c), or null for zeros
     * @return the outputs at every step and the last state
     * @throws IllegalArgumentException if a shape does not fit, naming the layer and the shapes
     */
    public final Output run(Tensor x, RecurrentState initial) {
        return run(kind, toString(), x, initial, weights);
    }

    /** The output at every step, [N, T, H] (the last state is dropped: use {@link #run}). */
    @Override
    public Tensor forward(Tensor x) {
        return run(x, null).output();
    }

    /**
     * A module that keeps the last time step of a sequence: [N, T, H] to [N, H], to put a
     * classifier or regressor after a sequence layer in a {@link Sequential}.
     */
    public static Module lastStep() {
        return Module.of("lastStep", y -> {
            if (y.rank() != 3 || y.shape(1) == 0) {
                throw new IllegalArgumentException("lastStep: input of shape " + Arrays.toString(y.shape())
                        + " must be [N, T, H] with T > 0");
            }
            int t = y.shape(1);
            return y.slice(1, t - 1, t).squeeze(1);
        });
    }

    /**
     * The sequence layer as a function of its weights (four per layer, in the order of the
     * parameters; biases null for none), shared by the module and the gradient tests.
     */
    static Output run(CellKind kind, String name, Tensor x, RecurrentState initial, Tensor[] w) {
        int layers = w.length / 4;
        int hidden = w[1].shape(1);
        int inputSize = w[0].shape(1);
        if (x.rank() != 3 || x.shape(2) != inputSize || x.shape(1) == 0 || x.shape(0) == 0) {
            throw new IllegalArgumentException(name + ": input of shape " + Arrays.toString(x.shape())
                    + " must be [N, T, " + inputSize + "] (batch first) with N, T > 0");
        }
        int n = x.shape(0), steps = x.shape(1);
        if (initial != null) {
            checkState(name, kind, initial, new int[] {layers, n, hidden});
        }
        List<Tensor> inputs = new ArrayList<>(steps);
        for (int t = 0; t < steps; t++) {
            inputs.add(x.slice(1, t, t + 1).reshape(n, inputSize));
        }
        Tensor[] lastH = new Tensor[layers];
        Tensor[] lastC = new Tensor[layers];
        for (int l = 0; l < layers; l++) {
            kind.checkWeights(name + " layer " + l, w[4 * l], w[4 * l + 1], w[4 * l + 2], w[4 * l + 3]);
            CellKind.Prepared p = kind.prepare(w[4 * l], w[4 * l + 1], w[4 * l + 2], w[4 * l + 3]);
            RecurrentState s = initial == null ? null : new RecurrentState(layerOf(initial.h(), l, layers),
                    initial.c() == null ? null : layerOf(initial.c(), l, layers));
            List<Tensor> outs = new ArrayList<>(steps);
            for (Tensor xt : inputs) {
                s = kind.step(p, xt, s);
                outs.add(s.h());
            }
            lastH[l] = s.h();
            lastC[l] = s.c();
            inputs = outs;
        }
        Tensor output = Tensor.stack(1, inputs.toArray(new Tensor[0]));
        Tensor h = Tensor.stack(0, lastH);
        Tensor c = kind == CellKind.LSTM ? Tensor.stack(0, lastC) : null;
        return new Output(output, new RecurrentState(h, c));
    }

    private static Tensor layerOf(Tensor state, int l, int layers) {
        return layers == 1 ? state.squeeze(0) : state.slice(0, l, l + 1).squeeze(0);
    }

    @Override
    public String toString() {
        return kind.label + "(" + inputSize + ", " + hiddenSize + (layers > 1 ? ", layers=" + layers : "")
                + (bias ? "" : ", bias=false") + (kind == CellKind.RNN_RELU ? ", relu" : "") + ")";
    }
}
