package dev.tapegrad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Each row of DESIGN's table of conventions at non-smooth and non-finite points. */
class ConventionsTest {
    private static final double INF = Double.POSITIVE_INFINITY;

    /** d(f(x).sum())/dx from the tape. */
    private static double[] grad(UnaryOperator<Tensor> f, Tensor x) {
        Tensor leaf = x.detach().requiresGrad(true);
        try (Tape tape = Tape.record()) {
            return tape.gradient(f.apply(leaf).sum(), leaf)[0].toArray();
        }
    }

    private static Tensor[] grads(java.util.function.BinaryOperator<Tensor> f, Tensor a, Tensor b) {
        Tensor la = a.detach().requiresGrad(true), lb = b.detach().requiresGrad(true);
        try (Tape tape = Tape.record()) {
            return tape.gradient(f.apply(la, lb).sum(), la, lb);
        }
    }

    @Test
    void reluAndAbsHaveZeroGradientAtZero() {
        Tensor x = Tensor.vector(0.0, -1.5, 2.0, -0.0);
        assertArrayEquals(new double[] {0, 0, 1, 0}, grad(Tensor::relu, x));
        assertArrayEquals(new double[] {0, -1, 1, 0}, grad(Tensor::abs, x));
    }

    @Test
    void maximumAndMinimumSplitTiesHalfAndHalf() {
        Tensor a = Tensor.vector(1, 2, 5), b = Tensor.vector(1, 3, 4);
        Tensor[] gmax = grads(Tensor::maximum, a, b);
        assertArrayEquals(new double[] {0.5, 0, 1}, gmax[0].toArray());
        assertArrayEquals(new double[] {0.5, 1, 0}, gmax[1].toArray());
        Tensor[] gmin = grads(Tensor::minimum, a, b);
        assertArrayEquals(new double[] {0.5, 1, 0}, gmin[0].toArray());
        assertArrayEquals(new double[] {0.5, 0, 1}, gmin[1].toArray());
        // a broadcast scalar tied with two elements collects half of each
        Tensor[] gs = grads(Tensor::maximum, Tensor.vector(2, 2, 1), Tensor.scalar(2));
        assertArrayEquals(new double[] {0.5, 0.5, 0}, gs[0].toArray());
        assertEquals(2.0, gs[1].item());
        assertArrayEquals(new int[0], gs[1].shape());
    }

    @Test
    void maxAndMinReductionsGiveOneOverKToEachOfKTies() {
        Tensor x = Tensor.of(new double[] {3, 1, 3, 3, 0, 2, 2, -1}, 2, 4);
        assertArrayEquals(new double[] {1 / 3.0, 0, 1 / 3.0, 1 / 3.0, 0, 0.5, 0.5, 0}, grad(t -> t.max(1), x), 1e-15);
        assertArrayEquals(new double[] {1 / 3.0, 0, 1 / 3.0, 1 / 3.0, 0, 0, 0, 0}, grad(Tensor::max, x), 1e-15);
        Tensor y = Tensor.of(new double[] {1, 1, 4, 0, 0, 0}, 2, 3);
        assertArrayEquals(new double[] {0.5, 0.5, 0, 1 / 3.0, 1 / 3.0, 1 / 3.0}, grad(t -> t.min(-1), y), 1e-15);
        assertArrayEquals(new double[] {0.5, 1, 0.5, 0}, grad(t -> t.max(0, true), Tensor.of(new double[] {1, 2, 1, 0}, 2, 2)), 1e-15);
    }

    @Test
    void clampHasGradientOneAtItsBounds() {
        Tensor x = Tensor.vector(-1, 1, 0.3, 2, -2);
        assertArrayEquals(new double[] {1, 1, 1, 0, 0}, grad(t -> t.clamp(-1, 1), x));
    }

    @Test
    void sqrtAndFractionalPowersHaveInfiniteSlopeAtZero() {
        assertArrayEquals(new double[] {INF, 0.25}, grad(Tensor::sqrt, Tensor.vector(0, 4)));
        assertArrayEquals(new double[] {INF, 0.25}, grad(t -> t.pow(0.5), Tensor.vector(0, 4)));
        assertEquals(INF, grad(t -> t.pow(0.3), Tensor.vector(0))[0]);
    }

    @Test
    void powZeroHasZeroGradientEverywhereIncludingZero() {
        Tensor x = Tensor.vector(0, 2, -1.5);
        assertArrayEquals(new double[] {1, 1, 1}, x.pow(0).toArray());
        assertArrayEquals(new double[] {0, 0, 0}, grad(t -> t.pow(0), x));
    }

    @Test
    void logSumExpOfAllMinusInfinityIsMinusInfinityWithZeroGradient() {
        Tensor x = Tensor.of(new double[] {-INF, -INF, 0, 1}, 2, 2);
        Tensor lse = x.logSumExp(1);
        assertEquals(-INF, lse.get(0));
        assertEquals(Math.log(1 + Math.E), lse.get(1), 1e-15);
        double[] g = grad(t -> t.logSumExp(1), x);
        assertArrayEquals(new double[] {0, 0, 1 / (1 + Math.E), Math.E / (1 + Math.E)}, g, 1e-15);
        assertArrayEquals(new double[] {0, 0}, grad(t -> t.logSumExp(0, true), Tensor.vector(-INF, -INF)));
    }

    @Test
    void anInputTheOutputDoesNotDependOnGetsZerosOfItsShape() {
        Tensor x = Tensor.vector(1, 2).requiresGrad(true);
        Tensor unused = Tensor.zeros(3, 2).requiresGrad(true);
        Tensor unusedScalar = Tensor.scalar(4).requiresGrad(true);
        try (Tape tape = Tape.record(Tape.Option.KEEP)) {
            Tensor y = x.square().sum();
            Tensor[] g = tape.gradient(y, x, unused, unusedScalar);
            assertArrayEquals(new double[] {2, 4}, g[0].toArray());
            assertNotNull(g[1]);
            assertArrayEquals(new int[] {3, 2}, g[1].shape());
            assertArrayEquals(new double[6], g[1].toArray());
            assertArrayEquals(new int[0], g[2].shape());
            assertEquals(0.0, g[2].item());
            Tensor v = x.mul(3.0);
            Tensor[] vj = tape.vjp(v, Tensor.vector(1, 1), unused, x);
            assertArrayEquals(new double[6], vj[0].toArray());
            assertArrayEquals(new double[] {3, 3}, vj[1].toArray());
        }
        // a constant that wants no gradient, used or not, also gets zeros rather than null
        Tensor c = Tensor.vector(5, 6);
        Tensor w = Tensor.scalar(2).requiresGrad(true);
        try (Tape tape = Tape.record()) {
            Tensor[] g = tape.gradient(c.mul(w).sum(), c, w);
            assertArrayEquals(new double[] {0, 0}, g[0].toArray());
            assertEquals(11.0, g[1].item());
        }
    }

    @Test
    void nanPassesThroughEveryElementwiseOpInsteadOfBeingHidden() {
        Tensor nan = Tensor.vector(Double.NaN);
        for (java.util.function.UnaryOperator<Tensor> op : java.util.List.<java.util.function.UnaryOperator<Tensor>>of(
                Tensor::relu, Tensor::abs, Tensor::tanh, Tensor::sigmoid, Tensor::softplus, Tensor::exp, Tensor::sqrt,
                t -> t.clamp(-1, 1), t -> t.maximum(Tensor.scalar(0)), t -> t.minimum(Tensor.scalar(0)), t -> t.pow(3))) {
            assertTrue(Double.isNaN(op.apply(nan).item()), "NaN must propagate");
        }
    }
}
