package dev.tapegrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapegrad.testing.GradCheck;
import dev.tapegrad.Tensor;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.junit.jupiter.api.Test;

/**
 * RNN, LSTM and GRU cells and sequence layers: against a plain-double implementation of PyTorch's
 * equations (gate order included), PyTorch's parameter names, shapes and initial range, and
 * backpropagation through time against central differences, first and second order, on short
 * sequences (T = 3 and 4) with the initial state and every weight as inputs.
 */
class RecurrentTest {

    static RandomGenerator rng(long seed) {
        return RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
    }

    static double sigmoid(double v) {
        return 1 / (1 + Math.exp(-v));
    }

    /** Row r of W [rows, cols] times v. */
    static double dot(double[] w, int r, int cols, double[] v) {
        double s = 0;
        for (int k = 0; k < cols; k++) {
            s += w[r * cols + k] * v[k];
        }
        return s;
    }

    /**
     * PyTorch's documented equations on plain doubles, one sample: returns {h', c'} (c' null
     * unless LSTM). w = {weight_ih, weight_hh, bias_ih, bias_hh} flattened.
     */
    static double[][] reference(CellKind kind, double[][] w, double[] x, double[] h, double[] c) {
        int hid = h.length, f = x.length;
        double[] h2 = new double[hid];
        double[] c2 = kind == CellKind.LSTM ? new double[hid] : null;
        for (int j = 0; j < hid; j++) {
            if (kind == CellKind.RNN_TANH || kind == CellKind.RNN_RELU) {
                double pre = dot(w[0], j, f, x) + w[2][j] + dot(w[1], j, hid, h) + w[3][j];
                h2[j] = kind == CellKind.RNN_TANH ? Math.tanh(pre) : Math.max(0, pre);
            } else if (kind == CellKind.LSTM) {
                double[] g = new double[4];
                for (int k = 0; k < 4; k++) {
                    int r = k * hid + j;
                    g[k] = dot(w[0], r, f, x) + w[2][r] + dot(w[1], r, hid, h) + w[3][r];
                }
                double i = sigmoid(g[0]), fo = sigmoid(g[1]), gg = Math.tanh(g[2]), o = sigmoid(g[3]);
                c2[j] = fo * c[j] + i * gg;
                h2[j] = o * Math.tanh(c2[j]);
            } else {
                int rr = j, zr = hid + j, nr = 2 * hid + j;
                double r = sigmoid(dot(w[0], rr, f, x) + w[2][rr] + dot(w[1], rr, hid, h) + w[3][rr]);
                double z = sigmoid(dot(w[0], zr, f, x) + w[2][zr] + dot(w[1], zr, hid, h) + w[3][zr]);
                double n = Math.tanh(dot(w[0], nr, f, x) + w[2][nr] + r * (dot(w[1], nr, hid, h) + w[3][nr]));
                h2[j] = (1 - z) * n + z * h[j];
            }
        }
        return new double[][] {h2, c2};
    }

    static double[] row(Tensor t, int r) {
        int cols = t.shape(t.rank() - 1);
        double[] out = new double[cols];
        System.arraycopy(t.toArray(), r * cols, out, 0, cols);
        return out;
    }

    static double[][] weightsOf(Module m, String suffix) {
        Map<String, Tensor> p = m.namedParameters();
        return new double[][] {p.get("weight_ih" + suffix).toArray(), p.get("weight_hh" + suffix).toArray(),
                p.get("bias_ih" + suffix).toArray(), p.get("bias_hh" + suffix).toArray()};
    }

    @Test
    void everySequenceLayerFollowsPytorchsEquationsStepByStep() {
        int n = 2, steps = 4, f = 3, hid = 5;
        Tensor x = Tensor.randn(rng(1), n, steps, f);
        List<Recurrent> layers = List.of(new RNN(f, hid, rng(2)), new RNN(f, hid, 1, true, true, rng(3)),
                new LSTM(f, hid, rng(4)), new GRU(f, hid, rng(5)));
        List<CellKind> kinds = List.of(CellKind.RNN_TANH, CellKind.RNN_RELU, CellKind.LSTM, CellKind.GRU);
        for (int k = 0; k < layers.size(); k++) {
            Recurrent layer = layers.get(k);
            CellKind kind = kinds.get(k);
            boolean lstm = kind == CellKind.LSTM;
            Tensor h0 = Tensor.randn(rng(10 + k), 1, n, hid).mul(0.5);
            Tensor c0 = lstm ? Tensor.randn(rng(20 + k), 1, n, hid).mul(0.5) : null;
            Recurrent.Output out = layer.run(x, new RecurrentState(h0, c0));
            assertArrayEquals(new int[] {n, steps, hid}, out.output().shape());
            assertArrayEquals(new int[] {1, n, hid}, out.last().h().shape());
            assertEquals(lstm, out.last().c() != null);
            double[][] w = weightsOf(layer, "_l0");
            for (int b = 0; b < n; b++) {
                double[] h = row(h0.reshape(n, hid), b);
                double[] c = lstm ? row(c0.reshape(n, hid), b) : null;
                for (int t = 0; t < steps; t++) {
                    double[] xt = row(x.slice(0, b, b + 1).slice(1, t, t + 1).reshape(1, f), 0);
                    double[][] s = reference(kind, w, xt, h, c);
                    h = s[0];
                    c = s[1];
                    assertArrayEquals(h, row(out.output().slice(0, b, b + 1).slice(1, t, t + 1).reshape(1, hid), 0), 1e-13,
                            layer + " sample " + b + " step " + t);
                }
                assertArrayEquals(h, row(out.last().h().reshape(n, hid), b), 1e-13);
                if (lstm) {
                    assertArrayEquals(c, row(out.last().c().reshape(n, hid), b), 1e-13);
                }
            }
        }
    }

    @Test
    void cellsEqualTheSequenceLayersOneStepAtATime() {
        int n = 3, steps = 3, f = 2, hid = 4;
        Tensor x = Tensor.randn(rng(7), n, steps, f);
        List<RecurrentCell> cells = List.of(new RNNCell(f, hid, rng(8)), new LSTMCell(f, hid, rng(8)), new GRUCell(f, hid, rng(8)));
        List<Recurrent> layers = List.of(new RNN(f, hid, rng(8)), new LSTM(f, hid, rng(8)), new GRU(f, hid, rng(8)));
        for (int k = 0; k < cells.size(); k++) {
            RecurrentCell cell = cells.get(k);
            // same seed, same draw order: the same weights under the cell's and the layer's names
            assertArrayEquals(cell.namedParameters().get("weight_hh").toArray(),
                    layers.get(k).namedParameters().get("weight_hh_l0").toArray());
            RecurrentState s = null;
            for (int t = 0; t < steps; t++) {
                s = cell.step(x.slice(1, t, t + 1).reshape(n, f), s);
            }
            Recurrent.Output out = layers.get(k).run(x, null);
            assertArrayEquals(out.last().h().toArray(), s.h().toArray(), 1e-15, cell.toString());
            assertArrayEquals(out.output().slice(1, steps - 1, steps).toArray(), s.h().toArray(), 1e-15);
            assertArrayEquals(s.h().toArray(), Recurrent.lastStep().forward(layers.get(k).forward(x)).toArray(), 1e-15);
        }
        assertArrayEquals(new int[] {n, hid}, cells.get(0).forward(Tensor.ones(n, f)).shape());
    }

    @Test
    void parametersHavePytorchsNamesShapesAndInitialRange() {
        LSTM lstm = new LSTM(3, 16, 2, true, rng(1));
        Map<String, Tensor> p = lstm.namedParameters();
        assertEquals(List.of("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0",
                "weight_ih_l1", "weight_hh_l1", "bias_ih_l1", "bias_hh_l1"), List.copyOf(p.keySet()));
        assertArrayEquals(new int[] {64, 3}, p.get("weight_ih_l0").shape());
        assertArrayEquals(new int[] {64, 16}, p.get("weight_hh_l0").shape());
        assertArrayEquals(new int[] {64, 16}, p.get("weight_ih_l1").shape());
        assertArrayEquals(new int[] {64}, p.get("bias_hh_l1").shape());
        double max = 0;
        for (Tensor t : p.values()) {
            for (double v : t.toArray()) {
                max = Math.max(max, Math.abs(v));
            }
        }
        assertTrue(max <= 0.25 && max > 0.24, "U(-1/sqrt(16), 1/sqrt(16)): max |w| = " + max);
        assertEquals(List.of("weight_ih", "weight_hh"), List.copyOf(new GRUCell(2, 3, false, rng(1)).namedParameters().keySet()));
        assertArrayEquals(new int[] {9, 2}, new GRUCell(2, 3, rng(1)).namedParameters().get("weight_ih").shape());
        assertArrayEquals(new int[] {3, 3}, new RNN(2, 3, rng(1)).namedParameters().get("weight_hh_l0").shape());
        assertEquals("LSTM(3, 16, layers=2)", lstm.toString());
    }

    @Test
    void aTwoLayerStackFeedsTheFirstLayersOutputsToTheSecond() {
        int n = 2, steps = 3;
        Tensor x = Tensor.randn(rng(3), n, steps, 2);
        GRU two = new GRU(2, 3, 2, true, rng(4));
        GRU first = new GRU(2, 3, rng(4));           // draws the same first-layer weights
        GRU second = new GRU(3, 3, rng(5));
        Map<String, Tensor> p = two.namedParameters();
        for (Map.Entry<String, Tensor> e : second.namedParameters().entrySet()) {
            double[] src = p.get(e.getKey().replace("_l0", "_l1")).toArray();
            System.arraycopy(src, 0, e.getValue().leafValues(), 0, src.length);
        }
        Recurrent.Output a = two.run(x, null);
        Recurrent.Output b1 = first.run(x, null);
        Recurrent.Output b2 = second.run(b1.output(), null);
        assertArrayEquals(b2.output().toArray(), a.output().toArray(), 1e-15);
        assertArrayEquals(Tensor.concat(0, b1.last().h(), b2.last().h()).toArray(), a.last().h().toArray(), 1e-15);
        assertArrayEquals(new int[] {2, n, 3}, a.last().h().shape());
    }

    @Test
    void badShapesAreRefusedWithTheLayerAndTheShapes() {
        LSTM lstm = new LSTM(3, 4, rng(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> lstm.run(Tensor.zeros(2, 5, 2), null));
        assertTrue(e.getMessage().contains("LSTM(3, 4)") && e.getMessage().contains("[2, 5, 2]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> lstm.run(Tensor.zeros(2, 5, 3), RecurrentState.of(Tensor.zeros(1, 2, 4))));
        assertTrue(e.getMessage().contains("[1, 2, 4] for both h and c"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new GRU(3, 4, rng(1)).run(Tensor.zeros(2, 5, 3),
                RecurrentState.of(Tensor.zeros(2, 4))));
        assertTrue(e.getMessage().contains("GRU(3, 4)") && e.getMessage().contains("[1, 2, 4]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new RNNCell(3, 4, rng(1)).step(Tensor.zeros(2, 2), null));
        assertTrue(e.getMessage().contains("RNNCell(3, 4)") && e.getMessage().contains("[2, 2]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new LSTM(0, 4, rng(1)));
        assertThrows(IllegalArgumentException.class, () -> Recurrent.lastStep().forward(Tensor.zeros(2, 3)));
        assertNull(RecurrentState.of(Tensor.zeros(1)).c());
    }

    /**
     * Backpropagation through time: the Jacobian of every output step and of the last state with
     * respect to the input sequence, the initial state and every weight, and the second
     * derivatives, against central differences.
     */
    @Test
    void gradientsThroughTimeMatchCentralDifferencesFirstAndSecondOrder() {
        int n = 2, f = 2, hid = 3;
        for (CellKind kind : CellKind.values()) {
            int steps = kind == CellKind.LSTM ? 3 : 4;
            int g = kind.gates * hid;
            boolean lstm = kind == CellKind.LSTM;
            RandomGenerator r = rng(kind.ordinal() + 40);
            Tensor x = Tensor.randn(r, n, steps, f);
            Tensor h0 = Tensor.randn(r, 1, n, hid).mul(0.5);
            Tensor c0 = Tensor.randn(r, 1, n, hid).mul(0.5);
            // relu cells: keep the pre-activations away from the kink (positive biases)
            double shift = kind == CellKind.RNN_RELU ? 0.8 : 0;
            Tensor[] w = {Tensor.randn(r, g, f).mul(0.6), Tensor.randn(r, g, hid).mul(0.6),
                    Tensor.randn(r, g).mul(0.3).add(shift), Tensor.randn(r, g).mul(0.3)};
            java.util.function.Function<Tensor[], Tensor> fn = in -> {
                RecurrentState s0 = new RecurrentState(in[1], lstm ? in[6] : null);
                Recurrent.Output o = Recurrent.run(kind, kind.name(), in[0], s0, new Tensor[] {in[2], in[3], in[4], in[5]});
                Tensor all = Tensor.concat(0, o.output().reshape(-1), o.last().h().reshape(-1));
                return lstm ? Tensor.concat(0, all, o.last().c().reshape(-1)) : all;
            };
            Tensor[] inputs = {x, h0, w[0], w[1], w[2], w[3], c0};
            GradCheck.Result first = GradCheck.check(fn, inputs);
            assertTrue(first.passed(), kind + "\n" + first);
            java.util.function.Function<Tensor[], Tensor> scalar = in -> fn.apply(in).square().sum();
            GradCheck.Result second = GradCheck.checkSecondOrder(scalar, inputs);
            assertTrue(second.passed(), kind + " (second order)\n" + second);
        }
    }

    @Test
    void aModulesGradientWithRespectToItsInputMatchesCentralDifferences() {
        LSTM lstm = new LSTM(2, 3, rng(9));
        GradCheck.assertGradients(in -> lstm.forward(in[0]).square().sum(), Tensor.randn(rng(10), 2, 4, 2));
        GRUCell cell = new GRUCell(2, 3, rng(11));
        GradCheck.assertSecondOrder(in -> cell.step(in[0], RecurrentState.of(in[1])).h().sum(),
                Tensor.randn(rng(12), 2, 2), Tensor.randn(rng(13), 2, 3));
    }
}
