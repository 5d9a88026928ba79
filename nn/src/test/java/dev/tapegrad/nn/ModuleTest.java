package dev.tapegrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapegrad.Tape;
import dev.tapegrad.Tensor;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.junit.jupiter.api.Test;

class ModuleTest {

    static RandomGenerator rng(long seed) {
        return RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
    }

    /** A custom module written from Tensor ops: y = x ⊙ gain + shift, with a nested Linear. */
    static final class Affine extends Module {
        final Tensor gain = registerParameter("gain", Tensor.vector(1, 2));
        final Tensor shift = registerParameter("shift", Tensor.vector(0.5, -0.5));
        final Linear inner = registerModule("inner", new Linear(Tensor.eye(2), null));

        @Override
        public Tensor forward(Tensor x) {
            return inner.forward(x).mul(gain).add(shift);
        }
    }

    @Test
    void linearComputesXTimesWPlusBWithWeightInOut() {
        Linear l = new Linear(Tensor.matrix(new double[][] {{1, 2, 3}, {4, 5, 6}}), Tensor.vector(0.1, 0.2, 0.3));
        assertEquals(2, l.inFeatures());
        assertEquals(3, l.outFeatures());
        Tensor y = l.forward(Tensor.matrix(new double[][] {{1, 1}, {2, -1}}));
        assertArrayEquals(new double[] {5.1, 7.2, 9.3, -1.9, -0.8, 0.3}, y.toArray(), 1e-15);
        assertArrayEquals(new int[] {3}, l.forward(Tensor.vector(1, 0)).shape());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> l.forward(Tensor.zeros(4, 3)));
        assertTrue(e.getMessage().contains("Linear(2, 3)") && e.getMessage().contains("[4, 3]"), e.getMessage());
        // gradients reach weight and bias: dW = xᵀ·1, db = column sums
        Tensor x = Tensor.matrix(new double[][] {{1, 1}, {2, -1}});
        try (Tape tape = Tape.record()) {
            tape.backward(l.forward(x).sum());
        }
        assertArrayEquals(new double[] {3, 3, 3, 0, 0, 0}, l.weight().grad().toArray(), 1e-15);
        assertArrayEquals(new double[] {2, 2, 2}, l.bias().grad().toArray(), 1e-15);
    }

    @Test
    void defaultLinearInitIsUniformWithinOneOverSqrtInAndSeeded() {
        Linear a = new Linear(100, 50, rng(3));
        Linear b = new Linear(100, 50, rng(3));
        assertArrayEquals(a.weight().toArray(), b.weight().toArray());
        assertArrayEquals(a.bias().toArray(), b.bias().toArray());
        double bound = 0.1;
        double max = 0;
        for (double v : a.weight().toArray()) {
            max = Math.max(max, Math.abs(v));
        }
        assertTrue(max <= bound && max > 0.09, "max |w| = " + max);
        assertNotEquals(a.weight().toArray()[0], new Linear(100, 50, rng(4)).weight().toArray()[0]);
        assertEquals(100 * 50 + 50, a.parameterCount());
        assertEquals(100 * 50, new Linear(100, 50, false, rng(1)).parameterCount());
    }

    @Test
    void namedParametersAreDepthFirstInRegistrationOrder() {
        Module m = new Sequential(new Linear(3, 4, rng(1)), Activation.tanh(), new Affine(), new PReLU(2), new Linear(2, 1, false, rng(2)));
        // Sequential(Linear(3,4), tanh, Affine expects 2 inputs ...) -- only the names matter here
        Map<String, Tensor> named = m.namedParameters();
        assertEquals(List.of("0.weight", "0.bias", "2.gain", "2.shift", "2.inner.weight", "3.weight", "4.weight"),
                List.copyOf(named.keySet()));
        assertEquals(12 + 4 + 2 + 2 + 4 + 2 + 2, m.parameterCount());
        List<Tensor> ps = m.parameters();
        assertSame(named.get("2.gain"), ps.get(2));
        for (Tensor p : ps) {
            assertTrue(p.requiresGrad() && p.isLeaf());
        }
        assertEquals("Sequential(Linear(3, 4), tanh, Affine(Linear(2, 2, bias=false)), PReLU(2), Linear(2, 1, bias=false))",
                m.toString());
    }

    @Test
    void aSharedLayerIsListedOnceAndTrainedOnce() {
        Linear tied = new Linear(2, 2, rng(4));
        Module net = new Sequential(tied, Activation.tanh(), tied);
        assertEquals(List.of("0.weight", "0.bias"), List.copyOf(net.namedParameters().keySet()));
        assertEquals(6, net.parameterCount());
        new SGD(net.parameters(), 0.1);   // no duplicate
    }

    @Test
    void customModulesAndLambdaModulesTrainThroughTheTape() {
        Affine a = new Affine();
        Module sq = Module.of("square", Tensor::square);
        Module net = new Sequential(a, sq);
        Tensor x = Tensor.matrix(new double[][] {{1, 2}, {3, 4}});
        try (Tape tape = Tape.record()) {
            tape.backward(net.forward(x).sum());
        }
        // y = (x ⊙ gain + shift)²; dy/dgain_j = Σ_i 2(x_ij gain_j + shift_j) x_ij
        double g0 = 2 * (1 * 1 + 0.5) * 1 + 2 * (3 * 1 + 0.5) * 3;
        double g1 = 2 * (2 * 2 - 0.5) * 2 + 2 * (4 * 2 - 0.5) * 4;
        assertArrayEquals(new double[] {g0, g1}, a.gain.grad().toArray(), 1e-12);
        net.zeroGrad();
        assertEquals(null, a.gain.grad());
        assertEquals("square", sq.toString());
    }

    @Test
    void registrationRejectsDuplicatesDotsAndRecordedTensors() {
        class Bad extends Module {
            @Override public Tensor forward(Tensor x) { return x; }
        }
        Bad b = new Bad();
        b.registerParameter("w", Tensor.zeros(1));
        assertThrows(IllegalArgumentException.class, () -> b.registerParameter("w", Tensor.zeros(1)));
        assertThrows(IllegalArgumentException.class, () -> b.registerParameter("a.b", Tensor.zeros(1)));
        assertThrows(IllegalArgumentException.class, () -> b.registerModule("self", b));
        Tensor leaf = Tensor.zeros(2).requiresGrad(true);
        try (Tape tape = Tape.record()) {
            Tensor recorded = leaf.add(1.0);
            assertThrows(IllegalArgumentException.class, () -> b.registerParameter("r", recorded));
        }
        assertThrows(IllegalArgumentException.class, Sequential::new);
    }

    @Test
    void trainAndEvalReachEverySubModuleAndDropoutIsIdentityInEval() {
        Dropout d = new Dropout(0.5, rng(9));
        Module net = new Sequential(new Linear(4, 4, rng(1)), new Sequential(Activation.relu(), d));
        assertTrue(d.isTraining());
        net.eval();
        assertFalse(d.isTraining());
        Tensor x = Tensor.ones(1000);
        assertSame(x, d.forward(x));
        net.train();
        assertTrue(d.isTraining());
        double[] y = d.forward(x).toArray();
        int zeros = 0;
        for (double v : y) {
            assertTrue(v == 0 || v == 2.0);
            zeros += v == 0 ? 1 : 0;
        }
        assertTrue(zeros > 430 && zeros < 570, "dropped " + zeros + " of 1000");
        // same seed, same mask
        assertArrayEquals(new Dropout(0.5, rng(9)).forward(x).toArray(), y);
        assertThrows(IllegalArgumentException.class, () -> new Dropout(1.0, rng(1)));
        // gradient flows through the kept elements, scaled
        Tensor w = Tensor.ones(6).requiresGrad(true);
        Dropout d2 = new Dropout(0.25, rng(5));
        Tensor out;
        try (Tape tape = Tape.record()) {
            out = d2.forward(w);
            tape.backward(out.sum());
        }
        assertArrayEquals(out.toArray(), w.grad().toArray());
    }

    @Test
    void initialisersHaveThePublishedSpreadsAndAreSeeded() {
        int fanIn = 400, fanOut = 200;
        Object[][] cases = {
            {Init.xavierUniform(), 2.0 / (fanIn + fanOut), Math.sqrt(6.0 / (fanIn + fanOut))},
            {Init.xavierNormal(), 2.0 / (fanIn + fanOut), Double.NaN},
            {Init.heUniform(), 2.0 / fanIn, Math.sqrt(6.0 / fanIn)},
            {Init.heNormal(), 2.0 / fanIn, Double.NaN},
            {Init.lecunUniform(), 1.0 / (3.0 * fanIn), 1 / Math.sqrt(fanIn)},
        };
        for (Object[] c : cases) {
            Init init = (Init) c[0];
            double[] w = init.create(rng(11), fanIn, fanOut, fanIn, fanOut).toArray();
            assertArrayEquals(w, init.create(rng(11), fanIn, fanOut, fanIn, fanOut).toArray());
            double mean = 0, var = 0, max = 0;
            for (double v : w) {
                mean += v / w.length;
                max = Math.max(max, Math.abs(v));
            }
            for (double v : w) {
                var += (v - mean) * (v - mean) / w.length;
            }
            double expectedVar = (double) c[1];
            assertEquals(0, mean, 4 * Math.sqrt(expectedVar / w.length));
            assertEquals(expectedVar, var, 0.02 * expectedVar);   // 80,000 samples: ~0.5 % standard error
            if (!Double.isNaN((double) c[2])) {
                assertTrue(max <= (double) c[2]);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> Init.heNormal().create(rng(1), 0, 3, 0, 3));
    }
}
