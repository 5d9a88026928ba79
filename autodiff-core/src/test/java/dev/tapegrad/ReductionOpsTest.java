package dev.tapegrad;

import dev.tapegrad.testing.OpCatalog;
import dev.tapegrad.testing.OpTest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** ReductionOps against closed forms (numpy's values), exact gradients at zeros and ties, errors, and its table entries in both modes. */
class ReductionOpsTest {
    private static final double INF = Double.POSITIVE_INFINITY;
    private final Tensor x = Tensor.of(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
        21, 22, 23, 24}, 2, 3, 4);

    private static Tensor grad(Function<Tensor, Tensor> f, Tensor at) {
        return Autodiff.grad(t -> f.apply(t).sum()).apply(at);
    }

    @Test
    void severalAxesAsNumpy() {
        // numpy: x.sum(axis=(0, 2)) = [68, 100, 132]; x.sum(axis=(-1, 0), keepdims=True).shape = (1, 3, 1)
        assertArrayEquals(new double[] {68, 100, 132}, ReductionOps.sum(x, 0, 2).toArray(), 0);
        assertArrayEquals(new int[] {1, 3, 1}, ReductionOps.sum(x, new int[] {-1, 0}, true).shape());
        assertArrayEquals(new double[] {8.5, 12.5, 16.5}, ReductionOps.mean(x, 2, 0).toArray(), 0);
        assertArrayEquals(new double[] {16, 20, 24}, ReductionOps.max(x, 0, 2).toArray(), 0);
        assertArrayEquals(new double[] {1, 5, 9}, ReductionOps.min(x, new int[] {0, 2}, false).toArray(), 0);
        assertEquals(1.0, ReductionOps.min(x).item(), 0);
        assertEquals(24.0, ReductionOps.max(x).item(), 0);
        assertArrayEquals(x.toArray(), ReductionOps.sum(x, new int[0], false).toArray(), 0);
        // var over (0, 2): numpy x.var(axis=(0,2)) = [37.25]*3, ddof=1: 42.571428...
        assertArrayEquals(new double[] {37.25, 37.25, 37.25}, ReductionOps.var(x, new int[] {0, 2}, 0, false).toArray(), 1e-12);
        assertEquals(298.0 / 7, ReductionOps.var(x, new int[] {0, 2}, 1, false).toArray()[0], 1e-12);
        assertEquals(Math.sqrt(47.916666666666664), ReductionOps.std(x).item(), 1e-12);  // x.std() = 6.922186552431729
    }

    @Test
    void maxAndMinSplitTiesOverTheWholeGroup() {
        Tensor t = Tensor.matrix(new double[][] {{1, 1}, {1, 0}});
        // three tied maxima over both axes: 1/3 each (merging the axes, not one axis after the other)
        assertArrayEquals(new double[] {1 / 3.0, 1 / 3.0, 1 / 3.0, 0}, grad(v -> ReductionOps.max(v, 0, 1), t).toArray(), 1e-15);
        assertArrayEquals(new double[] {0, 0, 0, 1}, grad(ReductionOps::min, t).toArray(), 0);
    }

    @Test
    void prodAndCumprodAreExactWithZeros() {
        Tensor one = Tensor.vector(2, 0, 3, 4);
        assertEquals(0.0, ReductionOps.prod(one).item(), 0);
        assertArrayEquals(new double[] {0, 24, 0, 0}, grad(ReductionOps::prod, one).toArray(), 0);
        Tensor two = Tensor.vector(2, 0, 3, 0);
        assertArrayEquals(new double[] {0, 0, 0, 0}, grad(ReductionOps::prod, two).toArray(), 0);
        assertArrayEquals(new double[] {2, 0, 0, 0}, ReductionOps.cumprod(one, 0).toArray(), 0);
        // d/dx_i Σ_j cumprod_j at (2, 0, 3, 4): [1, 2 + 6 + 24, 0, 0]
        assertArrayEquals(new double[] {1, 32, 0, 0}, grad(v -> ReductionOps.cumprod(v, 0), one).toArray(), 0);
        // the same gradient from the recorded (differentiable) rule, and its own derivative: d²/dx_1 dx_3 prod = 2·3
        Tensor h = Autodiff.hessian(v -> ReductionOps.prod(v), one);
        assertEquals(6.0, h.get(1, 3), 0);
        assertEquals(0.0, h.get(1, 1), 0);
        assertEquals(12.0, h.get(0, 1), 0);  // 3·4
        assertEquals(1.0, ReductionOps.prod(Tensor.zeros(0)).item(), 0);
        assertArrayEquals(new double[] {1, 3, 6, 10}, ReductionOps.cumsum(Tensor.vector(1, 2, 3, 4), 0).toArray(), 0);
        assertArrayEquals(new double[] {4, 3, 2, 1}, grad(v -> ReductionOps.cumsum(v, -1), Tensor.vector(1, 2, 3, 4)).toArray(), 0);
    }

    @Test
    void stdOfAConstantIsZeroWithZeroGradient() {
        Tensor c = Tensor.full(2.0, 5);
        assertEquals(0.0, ReductionOps.std(c).item(), 0);
        assertArrayEquals(new double[5], grad(ReductionOps::std, c).toArray(), 0);
        Tensor h = Autodiff.hessian(ReductionOps::std, c);
        for (double v : h.toArray()) {
            assertTrue(Double.isFinite(v));
        }
    }

    @Test
    void logSumExpWholeAxesAndWeightsAsScipy() {
        Tensor v = Tensor.vector(1000, 1000);
        assertEquals(1000 + Math.log(2), ReductionOps.logSumExp(v).item(), 1e-12);
        // scipy.special.logsumexp([1, 2, 3], b=[1, 0, 2]) = log(e + 2e³) = 3.7018410...
        Tensor a = Tensor.vector(1, 2, 3), b = Tensor.vector(1, 0, 2);
        double expected = Math.log(Math.E + 2 * Math.exp(3));
        assertEquals(expected, ReductionOps.logSumExp(a, b).item(), 1e-14);
        double s = Math.E + 2 * Math.exp(3);
        Tensor[] g = MathOpsTest.gradients(in -> ReductionOps.logSumExp(in[0], in[1]), a, b);
        assertArrayEquals(new double[] {Math.E / s, 0, 2 * Math.exp(3) / s}, g[0].toArray(), 1e-15);
        assertArrayEquals(new double[] {Math.E / s, Math.exp(2) / s, Math.exp(3) / s}, g[1].toArray(), 1e-15);  // finite at b = 0
        assertEquals(Double.NEGATIVE_INFINITY, ReductionOps.logSumExp(Tensor.full(Double.NEGATIVE_INFINITY, 3)).item());
        assertArrayEquals(new int[] {3}, ReductionOps.logSumExp(x, new int[] {0, 2}, false).shape());
    }

    @Test
    void argmaxAndArgminFirstOccurrence() {
        Tensor t = Tensor.matrix(new double[][] {{3, 7, 7}, {9, 1, 1}});
        assertEquals(3, ReductionOps.argmax(t));
        assertEquals(1, ReductionOps.argmin(Tensor.vector(2, 1, 1)));
        assertArrayEquals(new double[] {1, 0}, ReductionOps.argmax(t, 1).toArray(), 0);
        assertArrayEquals(new double[] {0, 1}, ReductionOps.argmin(t, -1).toArray(), 0);
        assertArrayEquals(new int[] {2, 1}, ReductionOps.argmax(t, 1, true).shape());
        assertEquals(1, ReductionOps.argmax(Tensor.vector(1, Double.NaN, 5)));
        assertTrue(!ReductionOps.argmax(t.requiresGrad(true), 0).requiresGrad());
    }

    @Test
    void normsOfKnownVectors() {
        Tensor v = Tensor.vector(3, -4);
        assertEquals(5.0, ReductionOps.norm(v).item(), 0);
        assertEquals(7.0, ReductionOps.norm(v, 1).item(), 0);
        assertEquals(4.0, ReductionOps.norm(v, INF).item(), 0);
        assertEquals(3.0, ReductionOps.norm(v, Double.NEGATIVE_INFINITY).item(), 0);
        assertEquals(Math.pow(27 + 64, 1 / 3.0), ReductionOps.norm(v, 3).item(), 1e-14);
        assertEquals(Math.pow(Math.sqrt(3) + 2, 2), ReductionOps.norm(v, 0.5).item(), 1e-13);
        assertEquals(5e200, ReductionOps.norm(Tensor.vector(3e200, -4e200)).item(), 1e187);  // no overflow
        assertEquals(5e-200, ReductionOps.norm(Tensor.vector(3e-200, -4e-200)).item(), 1e-213);  // no underflow
        assertEquals(Math.sqrt(650), ReductionOps.frobenius(x.slice(0, 0, 1)).item(), 1e-12);  // Σ_{1..12} k² = 650
        assertArrayEquals(new double[] {0.6, -0.8}, grad(ReductionOps::norm, v).toArray(), 1e-15);
        // the minimum-norm subgradient 0 at the origin, for every p, and at zero elements for p ≤ 1
        for (double p : new double[] {0.5, 1, 2, 3, INF, Double.NEGATIVE_INFINITY}) {
            assertArrayEquals(new double[3], grad(t -> ReductionOps.norm(t, p), Tensor.zeros(3)).toArray(), 0, "p = " + p);
        }
        Tensor g = grad(t -> ReductionOps.norm(t, 0.5), Tensor.vector(0, 4));
        assertEquals(0.0, g.toArray()[0], 0);
        assertEquals(1.0, g.toArray()[1], 1e-15);
    }

    @Test
    void errorsNameTheOpAndShapeBeforeRecording() {
        Tensor t = Tensor.zeros(2, 3).requiresGrad(true);
        try (Tape tape = Tape.record()) {
            assertMessage(() -> ReductionOps.sum(t, 2), "sum", "[2, 3]");
            assertMessage(() -> ReductionOps.max(t, 1, -1), "max", "repeated");
            assertMessage(() -> ReductionOps.var(t, new int[] {1}, 3, false), "var", "ddof 3");
            assertMessage(() -> ReductionOps.std(t, new int[] {0}, -1, false), "std", "ddof -1");
            assertMessage(() -> ReductionOps.norm(t, 0), "norm", "[2, 3]");
            assertMessage(() -> ReductionOps.min(Tensor.zeros(0, 3)), "min", "[0, 3]");
            assertMessage(() -> ReductionOps.argmax(Tensor.zeros(0)), "argmax", "[0]");
            assertMessage(() -> ReductionOps.logSumExp(t, Tensor.zeros(4), new int[] {0}, false), "logSumExp", "[4]");
            assertMessage(() -> ReductionOps.cumprod(t, 5), "cumprod", "5");
            assertEquals(0, tape.size(), "nothing recorded");
        }
    }

    private static void assertMessage(Runnable r, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), e.getMessage() + " lacks " + p);
        }
    }

    @Test
    void everyReductionEntryPassesInBothModes() {
        List<String> names = new ArrayList<>();
        for (OpTest op : OpCatalog.all()) {
            if (ENTRIES.contains(op.name())) {
                names.add(op.name());  // in catalogue order
            }
        }
        List<String> failures = OpEntryChecks.failuresInBothModes(names, 10, 99);
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    static final List<String> ENTRIES = List.of("sum(axes)", "sum(axes,keepDims)", "mean(axes)", "mean(axes,keepDims)",
            "max(axes)", "max(axes,keepDims)", "min", "min(axes,keepDims)", "prod", "prod(axes)", "prod(axes,keepDims)",
            "cumsum(axis)", "cumprod(axis)", "var", "var(axes,ddof=1)", "std", "std(axes,ddof=1,keepDims)", "logSumExp",
            "logSumExp(axes)", "logSumExp(weights)", "norm", "norm(p=1)", "norm(p=0.5)", "norm(p=3,axes)",
            "norm(p=inf,axes)", "norm(p=-inf,axes)", "frobenius(axes)");
}
