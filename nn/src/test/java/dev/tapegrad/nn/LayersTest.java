package dev.tapegrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapegrad.testing.GradCheck;
import dev.tapegrad.Tape;
import dev.tapegrad.Tensor;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.junit.jupiter.api.Test;

/** Embedding, Flatten, Residual, Module.predict and the PyTorch-style initialisers. */
class LayersTest {

    static RandomGenerator rng(long seed) {
        return RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
    }

    @Test
    void embeddingLooksUpRowsAndSumsTheGradientsOfRepeatedIndices() {
        Tensor table = Tensor.matrix(new double[][] {{1, 2}, {3, 4}, {5, 6}});
        Embedding emb = new Embedding(table);
        Tensor v = emb.forward(Tensor.matrix(new double[][] {{2, 0, 2}, {1, 1, 0}}));
        assertArrayEquals(new int[] {2, 3, 2}, v.shape());
        assertArrayEquals(new double[] {5, 6, 1, 2, 5, 6, 3, 4, 3, 4, 1, 2}, v.toArray());
        assertArrayEquals(new double[] {3, 4, 5, 6}, emb.lookup(1, 2).toArray());
        try (Tape tape = Tape.record()) {
            tape.backward(emb.forward(Tensor.vector(2, 0, 2, 2)).sum());
        }
        assertArrayEquals(new double[] {1, 1, 0, 0, 3, 3}, emb.weight().grad().toArray());   // counts per row
        GradCheck.assertGradients(in -> Embedding.lookup(in[0], new int[] {2, 0, 2, 1}, new int[] {2, 2}).square().sum(), table);
        GradCheck.assertSecondOrder(in -> Embedding.lookup(in[0], new int[] {2, 0, 2, 1}, new int[] {4}).tanh().sum(), table);
        for (double bad : new double[] {3, -1, 0.5, Double.NaN}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> emb.forward(Tensor.vector(0, bad)));
            assertTrue(e.getMessage().contains("Embedding(3, 2)") && e.getMessage().contains("position 1")
                    && e.getMessage().contains("[0, 3)"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> emb.lookup(0, 7));
        // PyTorch's N(0, 1) init
        double[] w = new Embedding(100, 50, rng(1)).weight().toArray();
        double m = 0, s = 0;
        for (double d : w) {
            m += d / w.length;
        }
        for (double d : w) {
            s += (d - m) * (d - m) / w.length;
        }
        assertEquals(0, m, 0.05);
        assertEquals(1, s, 0.05);
    }

    @Test
    void embeddingPaddingRowStartsAtZeroAndGetsNoGradient() {
        Embedding emb = new Embedding(5, 3, 0, rng(4));
        assertArrayEquals(new double[] {0, 0, 0}, emb.lookup(0).toArray(), 0.0);
        assertEquals(0, emb.paddingIndex());
        // a padding row with a value (PyTorch keeps whatever it holds) is looked up as a constant
        Embedding given = new Embedding(Tensor.matrix(new double[][] {{1, 2}, {3, 4}, {5, 6}}), 1);
        Tensor v;
        try (Tape tape = Tape.record()) {
            v = given.forward(Tensor.vector(1, 2, 1, 0));
            tape.backward(v.mul(Tensor.vector(1, 10).reshape(1, 2)).sum());
        }
        assertArrayEquals(new double[] {3, 4, 5, 6, 3, 4, 1, 2}, v.toArray(), 0.0);
        assertArrayEquals(new double[] {1, 10, 0, 0, 1, 10}, given.weight().grad().toArray(), 0.0);
        assertTrue(given.toString().contains("padding 1"), given.toString());
        assertThrows(IllegalArgumentException.class, () -> new Embedding(5, 3, 5, rng(1)));
        assertThrows(IllegalArgumentException.class, () -> new Embedding(Tensor.zeros(2, 2), -2));
    }

    @Test
    void flattenMergesTheGivenAxes() {
        Tensor x = Tensor.arange(24).reshape(2, 3, 2, 2);
        assertArrayEquals(new int[] {2, 12}, new Flatten().forward(x).shape());
        assertArrayEquals(new int[] {6, 2, 2}, new Flatten(0, 1).forward(x).shape());
        assertArrayEquals(new int[] {2, 3, 4}, new Flatten(-2, -1).forward(x).shape());
        assertArrayEquals(x.toArray(), new Flatten().forward(x).toArray());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Flatten(2, 5).forward(x));
        assertTrue(e.getMessage().contains("[2, 3, 2, 2]"), e.getMessage());
    }

    @Test
    void residualAddsTheShortcutAndItsGradientIsTheBodysPlusTheIdentity() {
        Linear body = new Linear(Tensor.matrix(new double[][] {{1, 2}, {3, 4}}), null);
        Residual r = new Residual(body);
        Tensor x = Tensor.matrix(new double[][] {{1, -1}});
        assertArrayEquals(new double[] {1 - 3 + 1, 2 - 4 - 1}, r.forward(x).toArray());
        Tensor g = Numeric.tapeGradient(in -> r.forward(in[0]).sum(), x)[0];
        assertArrayEquals(new double[] {1 + 2 + 1, 3 + 4 + 1}, g.toArray());
        assertEquals(java.util.List.of("body.weight"), java.util.List.copyOf(r.namedParameters().keySet()));
        Residual proj = new Residual(new Linear(3, 2, rng(1)), new Linear(3, 2, false, rng(2)));
        assertArrayEquals(new int[] {4, 2}, proj.forward(Tensor.ones(4, 3)).shape());
        GradCheck.assertSecondOrder(in -> new Residual(Module.of("tanh", Tensor::tanh)).forward(in[0]).square().sum(),
                Tensor.randn(rng(3), 2, 3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Residual(new Linear(3, 2, rng(1))).forward(Tensor.ones(4, 3)));
        assertTrue(e.getMessage().contains("[4, 2]") && e.getMessage().contains("[4, 3]"), e.getMessage());
    }

    @Test
    void predictRunsInEvaluationModeWithoutRecordingAndRestoresTheMode() {
        Module net = new Sequential(new Linear(3, 4, rng(1)), new Dropout(0.5, rng(2)), new BatchNorm1d(4));
        Tensor x = Tensor.randn(rng(3), 5, 3);
        double[] before = ((BatchNorm1d) ((Sequential) net).layers().get(2)).runningMean().toArray();
        try (Tape tape = Tape.record()) {
            Tensor y = net.predict(x);
            assertFalse(y.requiresGrad(), "predict records nothing");
        }
        assertTrue(net.isTraining());
        assertArrayEquals(before, ((BatchNorm1d) ((Sequential) net).layers().get(2)).runningMean().toArray());
        net.eval();
        assertArrayEquals(net.forward(x).toArray(), net.predict(x).toArray());
        assertFalse(net.isTraining());
    }

    @Test
    void kaimingUniformWithASqrt5IsPytorchsLinearDefault() {
        // gain √(2/(1+a²)) = √(1/3), bound gain·√(3/fanIn) = 1/√fanIn: the same draws as lecunUniform
        Tensor a = Init.kaimingUniform(Math.sqrt(5)).create(rng(4), 25, 7, 25, 7);
        Tensor b = Init.lecunUniform().create(rng(4), 25, 7, 25, 7);
        assertArrayEquals(b.toArray(), a.toArray(), 1e-15);
        double max = 0;
        for (double v : Init.kaimingUniform(0).create(rng(5), 24, 3, 2000).toArray()) {
            max = Math.max(max, Math.abs(v));
        }
        assertTrue(max <= 0.5 && max > 0.49, "a = 0: bound √(6/24) = 0.5, max " + max);
    }
}
