package dev.tapegrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapegrad.testing.GradCheck;
import dev.tapegrad.Tape;
import dev.tapegrad.Tensor;
import java.util.List;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.junit.jupiter.api.Test;

/** The Gaussian RBF layer: closed forms, gradients of first and second order, initialisation, training. */
class RBFTest {
    private static RandomGenerator rng(long seed) {
        return RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
    }

    @Test
    void unitsAreGaussiansOfTheDistanceToTheirCentres() {
        Tensor c = Tensor.matrix(new double[][] {{0, 0}, {3, 4}});
        RBF rbf = new RBF(c, Tensor.vector(1, 2), false);
        // x at the first centre; 5 from the second (σ = 2): exp(−25/8)
        Tensor y = rbf.forward(Tensor.matrix(new double[][] {{0, 0}, {3, 3}}));
        assertArrayEquals(new int[] {2, 2}, y.shape());
        assertEquals(1.0, y.get(0, 0), 0);
        assertEquals(Math.exp(-25.0 / 8), y.get(0, 1), 1e-15);
        assertEquals(Math.exp(-18.0 / 2), y.get(1, 0), 1e-15);
        assertEquals(Math.exp(-1.0 / 8), y.get(1, 1), 1e-15);
        assertArrayEquals(new int[] {2}, rbf.forward(Tensor.vector(1, 1)).shape());
        assertArrayEquals(new double[] {1, 2}, rbf.sigma().toArray(), 1e-15);
    }

    @Test
    void gradientsOfFirstAndSecondOrderInInputsCentresAndWidths() {
        RandomGenerator r = rng(3);
        Tensor x = Tensor.randn(r, 5, 3), c = Tensor.randn(r, 4, 3), ls = Tensor.randn(r, 4).mul(0.3);
        Tensor w = Tensor.randn(r, 4, 2);
        GradCheck.assertGradients(in -> RBF.gaussian(in[0], in[1], in[2]), x, c, ls);
        GradCheck.assertSecondOrder(in -> RBF.gaussian(in[0], in[1], in[2]), x, c, ls);
        // an RBF network's squared error, in every argument (the output layer too)
        GradCheck.assertGradients(in -> RBF.gaussian(in[0], in[1], in[2]).matmul(in[3]).sub(1).square().sum(), x, c, ls, w);
        GradCheck.assertSecondOrder(in -> RBF.gaussian(in[0], in[1], in[2]).matmul(in[3]).sub(1).square().sum(), x, c, ls, w);
        GradCheck.assertGradients(in -> RBF.gaussian(in[0], in[1], in[2]), Tensor.vector(0.3, -0.2, 1), c, ls);
    }

    @Test
    void theModuleRecordsGradientsForCentresAndLearnedWidthsOnly() {
        RBF learned = new RBF(Tensor.matrix(new double[][] {{0, 0}, {1, 1}}), Tensor.vector(1, 1), true);
        RBF fixed = new RBF(Tensor.matrix(new double[][] {{0, 0}, {1, 1}}), Tensor.vector(1, 1), false);
        assertEquals(List.of("centres", "logSigma"), List.copyOf(learned.namedParameters().keySet()));
        assertEquals(List.of("centres"), List.copyOf(fixed.namedParameters().keySet()));
        Tensor x = Tensor.matrix(new double[][] {{0.5, 0}, {2, 1}});
        try (Tape tape = Tape.record()) {
            tape.backward(learned.forward(x).sum());
        }
        // the tape's gradient equals the central differences of the module's function
        Tensor numeric = GradCheck.numericalJacobian(in -> RBF.gaussian(x, in[0], Tensor.vector(0, 0)).sum(), 0,
                Tensor.matrix(new double[][] {{0, 0}, {1, 1}}));
        assertArrayEquals(numeric.toArray(), learned.centres().grad().toArray(), 1e-8);
        assertTrue(learned.namedParameters().get("logSigma").grad().abs().sum().item() > 0);
    }

    @Test
    void haykinsWidthFromTheCentresSpread() {
        RBF rbf = RBF.withHaykinWidth(Tensor.matrix(new double[][] {{0, 0}, {0, 2}}), true);
        assertArrayEquals(new double[] {1, 1}, rbf.sigma().toArray(), 1e-15);   // 2 / √(2·2)
        Tensor data = Tensor.randn(rng(1), 40, 2);
        RBF sampled = RBF.sampled(data, 5, false, rng(2));
        assertEquals(5, sampled.units());
        RBF clustered = RBF.kMeans(data, 5, true, rng(2));
        assertEquals(2, clustered.inFeatures());
        assertTrue(clustered.learnsWidth() && !sampled.learnsWidth());
    }

    @Test
    void anRbfNetworkLearnsXor() {
        Tensor x = Tensor.matrix(new double[][] {{0, 0}, {0, 1}, {1, 0}, {1, 1}});
        Tensor y = Tensor.matrix(new double[][] {{0}, {1}, {1}, {0}});
        RandomGenerator r = rng(5);
        Module net = new Sequential(RBF.sampled(x, 4, true, r), new Linear(4, 1, r));
        Optimizer opt = new Adam(net.parameters(), 0.05);
        for (int step = 0; step < 300; step++) {
            try (Tape tape = Tape.record()) {
                tape.backward(net.forward(x).sub(y).square().mean());
            }
            opt.step();
            opt.zeroGrad();
        }
        double[] out = net.forward(x).toArray();
        for (int i = 0; i < 4; i++) {
            assertEquals(y.get(i, 0), out[i], 0.1, "output " + i);
        }
    }

    @Test
    void badShapesAndWidthsNameTheLayer() {
        Tensor c = Tensor.zeros(3, 2);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new RBF(c, Tensor.ones(2), true))
                .getMessage().contains("[2]"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new RBF(c, Tensor.vector(1, 0, 1), true))
                .getMessage().contains("positive"));
        RBF rbf = new RBF(c, Tensor.ones(3), true);
        String m = assertThrows(IllegalArgumentException.class, () -> rbf.forward(Tensor.zeros(4, 3))).getMessage();
        assertTrue(m.contains("RBF(2, 3)") && m.contains("[4, 3]"), m);
        assertThrows(IllegalArgumentException.class, () -> RBF.kMeans(Tensor.zeros(2, 2), 3, true, rng(1)));
    }
}
