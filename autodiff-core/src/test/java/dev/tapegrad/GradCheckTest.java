package dev.tapegrad;

import dev.tapegrad.testing.GradCheck;


import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** GradCheck passes correct gradients, fails wrong ones, and says where. */
class GradCheckTest {
    private final RandomGenerator rng = OpGradientPropertiesTest.rng(2024);

    /**
     * x² with a backward that is right except at one element, where it is 10% too large: a bug that
     * only an element-by-element check can locate. A custom function, so it is one node on the tape.
     */
    static Tensor squareWrongAt(Tensor x, int badElement) {
        return DifferentiableFunction.of("squareWrongAt", in -> in[0].square(), (ctx, g) -> {
            Tensor in = ctx.input(0);
            double[] factor = new double[in.size()];
            Arrays.fill(factor, 2.0);
            factor[badElement] = 2.2;
            return new Tensor[] {g.mul(in).mul(new Tensor(factor, in.shape))};
        }).apply(x);
    }

    @Test
    void passesCorrectGradientsOfAScalarFunction() {
        Tensor x = Tensor.randn(rng, 3, 4), w = Tensor.randn(rng, 4, 2);
        GradCheck.Result r = GradCheck.check(in -> in[0].matmul(in[1]).tanh().sum(), x, w);
        assertTrue(r.passed(), r::toString);
        assertEquals(12 + 8, r.entries().size());
        assertTrue(r.maxAbsError() < 1e-8, r::toString);
        assertEquals(2, r.inputs().size());
        assertArrayEquals(new int[] {4, 2}, r.inputs().get(1).shape());
        assertEquals(0, r.inputs().get(1).failed());
        assertTrue(r.toString().startsWith("GradCheck passed"), r::toString);
        GradCheck.assertGradients(in -> in[0].matmul(in[1]).tanh().sum(), x, w);
    }

    @Test
    void failsAWrongBackwardAndNamesTheElement() {
        Tensor x = Tensor.of(new double[] {0.5, -1.0, 1.5, 2.0, -0.7, 1.1}, 2, 3);
        GradCheck.Result r = GradCheck.check(in -> squareWrongAt(in[0], 4).sum(), x);
        assertFalse(r.passed());
        List<GradCheck.Entry> failures = r.failures();
        assertEquals(1, failures.size(), r::toString);
        GradCheck.Entry bad = failures.get(0);
        assertEquals(0, bad.input());
        assertArrayEquals(new int[] {1, 1}, bad.element());
        assertEquals(2.2 * -0.7, bad.analytic(), 1e-12);
        assertEquals(2 * -0.7, bad.numeric(), 1e-8);
        assertEquals(0.14, bad.absError(), 1e-8);
        String report = r.toString();
        assertTrue(report.contains("FAILED"), report);
        assertTrue(report.contains("input 0 [1, 1]"), report);
        assertTrue(report.contains("analytic -1.54"), report);
        assertTrue(report.contains("numeric -1.4"), report);
        AssertionError e = assertThrows(AssertionError.class,
                () -> GradCheck.assertGradients(in -> squareWrongAt(in[0], 4).sum(), x));
        assertTrue(e.getMessage().contains("input 0 [1, 1]"), e.getMessage());
    }

    @Test
    void checksTheFullJacobianOfASmallNonScalarOutput() {
        Tensor x = Tensor.randn(rng, 2, 3);
        GradCheck.Result good = GradCheck.check(in -> in[0].softmax(-1), x);
        assertTrue(good.passed(), good::toString);
        assertEquals(6 * 6, good.entries().size());
        assertTrue(good.mode().startsWith("full Jacobian"), good.mode());

        GradCheck.Result bad = GradCheck.check(in -> squareWrongAt(in[0], 2), x);
        assertFalse(bad.passed());
        GradCheck.Entry e = bad.failures().get(0);
        assertArrayEquals(new int[] {0, 2}, e.element());
        assertArrayEquals(new int[] {0, 2}, e.outputElement());  // the diagonal entry of the Jacobian
        assertEquals(1, bad.failures().size());
        assertTrue(bad.toString().contains("input 0 [0, 2] (output [0, 2])"), bad::toString);
    }

    @Test
    void largeOutputsAreCheckedThroughARandomProjection() {
        GradCheck.Options few = GradCheck.Options.defaults().withMaxJacobianRows(4);
        Tensor x = Tensor.randn(rng, 3, 5);
        GradCheck.Result good = GradCheck.check(few, in -> in[0].sigmoid().mul(in[0]), x);
        assertTrue(good.passed(), good::toString);
        assertEquals(15, good.entries().size());
        assertTrue(good.mode().startsWith("random projection"), good.mode());
        GradCheck.Result bad = GradCheck.check(few, in -> squareWrongAt(in[0], 7), x);
        assertEquals(1, bad.failures().size(), bad::toString);
        assertArrayEquals(new int[] {1, 2}, bad.failures().get(0).element());
        assertNull(bad.failures().get(0).outputElement());
    }

    @Test
    void fastModeComparesOneDirectionPerInput() {
        GradCheck.Options fast = GradCheck.Options.defaults().withFast(true);
        Tensor a = Tensor.randn(rng, 20, 30), b = Tensor.randn(rng, 30, 10);
        GradCheck.Result good = GradCheck.check(fast, in -> in[0].matmul(in[1]).logSoftmax(1), a, b);
        assertTrue(good.passed(), good::toString);
        assertEquals(2, good.entries().size());
        assertNull(good.entries().get(0).element());
        GradCheck.Result bad = GradCheck.check(fast, in -> squareWrongAt(in[0], 123).sum().add(in[1].sum()), a, b);
        assertFalse(bad.passed(), bad::toString);
        assertEquals(1, bad.failures().size());
        assertEquals(0, bad.failures().get(0).input());
        assertTrue(bad.toString().contains("input 0 (random direction)"), bad::toString);
    }

    @Test
    void theSameSeedGivesTheSameCheck() {
        GradCheck.Options fast = GradCheck.Options.defaults().withFast(true).withSeed(99);
        Tensor a = Tensor.randn(rng, 4, 4);
        GradCheck.Result r1 = GradCheck.check(fast, in -> in[0].exp(), a);
        GradCheck.Result r2 = GradCheck.check(fast, in -> in[0].exp(), a);
        assertEquals(r1.entries().get(0).numeric(), r2.entries().get(0).numeric());
        assertEquals(r1.entries().get(0).analytic(), r2.entries().get(0).analytic());
    }

    @Test
    void pytorchPresetAndValidation() {
        GradCheck.Options p = GradCheck.Options.pytorch();
        assertEquals(1e-6, p.eps());
        assertEquals(1e-5, p.atol());
        assertEquals(1e-3, p.rtol());
        Tensor x = Tensor.rand(rng, 5).add(0.5);
        assertTrue(GradCheck.check(p, in -> in[0].log().mul(in[0]).sum(), x).passed());
        assertEquals(Math.cbrt(Math.ulp(1.0)), GradCheck.Options.defaults().eps());
        assertThrows(IllegalArgumentException.class, () -> GradCheck.Options.defaults().withEps(-1));
        assertThrows(IllegalArgumentException.class, () -> GradCheck.Options.defaults().withEps(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> GradCheck.Options.defaults().withAtol(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> GradCheck.Options.defaults().withRtol(-1e-3));
        assertThrows(IllegalArgumentException.class, () -> GradCheck.Options.defaults().withMaxJacobianRows(0));
    }

    @Test
    void stepsAreScaledAndExactlyRepresentable() {
        for (double x : new double[] {0, 1e-300, 0.1, -0.3, 1, 3.7, -1234.5678, 1e10, -7e-5}) {
            double h = GradCheck.step(x, GradCheck.DEFAULT_EPS);
            assertEquals(h, (x + h) - x, "step at " + x + " is not representable");
            double expected = GradCheck.DEFAULT_EPS * Math.max(1, Math.abs(x));
            assertEquals(expected, h, expected * 1e-6, "step at " + x);
        }
    }

    @Test
    void theRoundOffFloorAcceptsLargeOutputsWithExactGradients() {
        // ulp(1e9) / (2h) ≈ 0.01: without the floor, rounding of the outputs alone would fail this check
        Tensor x = Tensor.vector(0.3, -0.2);
        GradCheck.Result r = GradCheck.check(in -> in[0].add(1e9), x);
        assertTrue(r.passed(), r::toString);
        double plainTolerance = 1e-6 + 1e-5 * 1.0;
        assertTrue(r.entries().get(0).tolerance() > 100 * plainTolerance, r::toString);
    }

    @Test
    void numericalJacobianOfALinearMapIsTheMatrix() {
        Tensor a = Tensor.randn(rng, 3, 4), x = Tensor.randn(rng, 4);
        Tensor j = GradCheck.numericalJacobian(in -> a.matmul(in[0]), 0, x);
        assertArrayEquals(new int[] {3, 4}, j.shape());
        double[] ja = j.toArray(), aa = a.toArray();
        for (int k = 0; k < aa.length; k++) {
            assertEquals(aa[k], ja[k], 1e-9);
        }
        Tensor seed = Tensor.randn(rng, 3);
        Tensor numeric = GradCheck.numericalVjp(GradCheck.Options.defaults(), in -> a.matmul(in[0]).tanh(), seed, 0, x);
        Tensor analytic = GradCheck.analyticVjp(in -> a.matmul(in[0]).tanh(), seed, x)[0];
        for (int k = 0; k < 4; k++) {
            assertEquals(analytic.get(k), numeric.get(k), 1e-8);
        }
        Tensor u = Tensor.randn(rng, 4);
        double dd = GradCheck.numericalDirectionalDerivative(GradCheck.Options.defaults(), in -> a.matmul(in[0]),
                Tensor.ones(3), 0, u, x);
        double expected = 0;
        for (int i = 0; i < 3; i++) {
            for (int k = 0; k < 4; k++) {
                expected += a.get(i, k) * u.get(k) * Math.max(1, Math.abs(x.get(k)));
            }
        }
        assertEquals(expected, dd, 1e-8);
    }

    @Test
    void unusedInputsAndOuterTapesAreLeftAlone() {
        Tensor x = Tensor.randn(rng, 3).requiresGrad(true), unused = Tensor.randn(rng, 2, 2);
        double[] before = x.toArray();
        try (Tape outer = Tape.record()) {
            Tensor z = x.mul(2.0);
            int size = outer.size();
            GradCheck.Result r = GradCheck.check(in -> in[0].exp().sum(), z, unused);
            assertTrue(r.passed(), r::toString);
            assertEquals(0.0, r.entries().get(3).analytic());  // the unused input gets zeros
            assertEquals(size, outer.size(), "GradCheck recorded on the caller's tape");
        }
        assertArrayEquals(before, x.toArray());
        assertTrue(x.requiresGrad());
        assertNull(x.grad());
    }

    @Test
    void nonFiniteGradientsFail() {
        Tensor x = Tensor.vector(0.0, 1.0);
        GradCheck.Result r = GradCheck.check(in -> in[0].sqrt().sum(), x);  // sqrt'(0) = +Infinity
        assertFalse(r.passed());
        assertArrayEquals(new int[] {0}, r.failures().get(0).element());
        assertTrue(Double.isNaN(r.maxAbsError()));
    }
}
