package dev.tapegrad;

import dev.tapegrad.testing.GradCheck;
import dev.tapegrad.testing.OpCatalog;
import dev.tapegrad.testing.OpTest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** MathOps against closed forms and published values at special points, and its ops' entries of the table in both modes. */
class MathOpsTest {
    private static final double PI = Math.PI;

    private static double grad1(Function<Tensor, Tensor> f, double x) {
        return Autodiff.grad(t -> f.apply(t).sum()).apply(Tensor.scalar(x)).item();
    }

    private static double tangent1(Function<Tensor, Tensor> f, double x) {
        return Autodiff.jvp(f, Tensor.scalar(x), Tensor.scalar(1.0)).tangent().item();
    }

    private static double second1(Function<Tensor, Tensor> f, double x) {
        return Autodiff.grad(t -> Autodiff.grad(s -> f.apply(s).sum()).apply(t).sum()).apply(Tensor.scalar(x)).item();
    }

    private static double at(Function<Tensor, Tensor> f, double x) {
        return f.apply(Tensor.scalar(x)).item();
    }

    @Test
    void derivativesAtSpecialPoints() {
        assertEquals(1.0, grad1(MathOps::sin, 0), 0);
        assertEquals(1.0, tangent1(MathOps::sin, 0), 0);
        assertEquals(0.0, grad1(MathOps::cos, 0), 0);
        assertEquals(-1.0, second1(MathOps::cos, 0), 1e-15);
        assertEquals(2 / Math.sqrt(PI), grad1(MathOps::erf, 0), 1e-16);
        assertEquals(-2 / Math.sqrt(PI), tangent1(MathOps::erfc, 0), 1e-16);
        assertEquals(1.0, grad1(MathOps::tan, 0), 0);
        assertEquals(2.0, grad1(MathOps::tan, PI / 4), 1e-14);
        assertEquals(1.0, grad1(MathOps::asin, 0), 0);
        assertEquals(-1.0, grad1(MathOps::acos, 0), 0);
        assertEquals(0.5, grad1(MathOps::atan, 1), 0);
        assertEquals(1.0, grad1(MathOps::log1p, 0), 0);
        assertEquals(1.0, grad1(MathOps::expm1, 0), 0);
        assertEquals(1 / Math.log(2), grad1(MathOps::log2, 1), 1e-15);
        assertEquals(4.0, grad1(MathOps::logit, 0.5), 1e-15);
        assertEquals(1 / Math.sqrt(3), grad1(MathOps::acosh, 2), 1e-15);
        assertEquals(4.0 / 3.0, grad1(MathOps::atanh, 0.5), 1e-15);
        for (Function<Tensor, Tensor> f : List.<Function<Tensor, Tensor>>of(MathOps::floor, MathOps::ceil, MathOps::round,
                MathOps::sign, MathOps::trunc)) {
            assertEquals(0.0, grad1(f, 0.3), 0);
            assertEquals(0.0, grad1(f, 0.0), 0);
            assertEquals(0.0, tangent1(f, 2.0), 0);
        }
    }

    @Test
    void sincIsOneAtZeroWithZeroSlopeAndStableNearIt() {
        assertEquals(1.0, at(MathOps::sinc, 0), 0);
        assertEquals(0.0, grad1(MathOps::sinc, 0), 0);
        assertEquals(-PI * PI / 3, second1(MathOps::sinc, 0), 1e-14);  // sinc = 1 − (πx)²/6 + …
        assertEquals(0.0, at(MathOps::sinc, 1), 1e-16);
        assertEquals(-1.0, grad1(MathOps::sinc, 1), 1e-15);  // (cos π − 0)/1
        for (double x : new double[] {1e-9, 1e-5, 0.01, 0.3, 0.31831, 0.5, 1.7, -2.2}) {
            double z = PI * x;
            double closed = (Math.cos(z) - Math.sin(z) / z) / x;
            double series = -PI * PI * x / 3 + Math.pow(PI, 4) * x * x * x / 30;  // first two terms
            double expected = Math.abs(z) < 1e-3 ? series : closed;
            assertEquals(expected, grad1(MathOps::sinc, x), 1e-12 * Math.max(1, Math.abs(expected)), "sinc' at " + x);
        }
    }

    @Test
    void erfMatchesPublishedValues() {
        // Abramowitz & Stegun table 7.1 and high-precision values
        double[][] erf = {{0.1, 0.1124629160182849}, {0.5, 0.5204998778130465}, {1.0, 0.8427007929497149},
            {2.0, 0.9953222650189527}, {3.0, 0.9999779095030014}, {0.46875, 0.4926134732179379}};
        for (double[] p : erf) {
            assertEquals(p[1], at(MathOps::erf, p[0]), 2e-16 * p[1], "erf(" + p[0] + ")");
            assertEquals(-p[1], at(MathOps::erf, -p[0]), 2e-16 * p[1]);
        }
        double[][] erfc = {{1.0, 0.15729920705028513}, {3.0, 2.209049699858544e-05}, {5.0, 1.5374597944280349e-12},
            {10.0, 2.088487583762545e-45}, {-1.0, 1.8427007929497148}};
        for (double[] p : erfc) {
            assertEquals(p[1], at(MathOps::erfc, p[0]), 1e-15 * p[1], "erfc(" + p[0] + ")");
        }
        assertEquals(0.0, at(MathOps::erf, 0), 0);
        assertEquals(1.0, at(MathOps::erf, 30), 0);
        assertEquals(0.0, at(MathOps::erfc, 30), 0);
        assertTrue(Double.isNaN(at(MathOps::erf, Double.NaN)));
    }

    @Test
    void roundingAndSignAsNumpy() {
        Tensor x = Tensor.vector(-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 2.6, -0.0);
        assertArrayEquals(new double[] {-2, -2, -0.0, 0, 2, 2, 3, -0.0}, MathOps.round(x).toArray(), 0);
        assertArrayEquals(new double[] {-3, -2, -1, 0, 1, 2, 2, -0.0}, MathOps.floor(x).toArray(), 0);
        assertArrayEquals(new double[] {-2, -1, -0.0, 1, 2, 3, 3, -0.0}, MathOps.ceil(x).toArray(), 0);
        assertArrayEquals(new double[] {-1, -1, -1, 1, 1, 1, 1, -0.0}, MathOps.sign(x).toArray(), 0);
        assertTrue(Double.isNaN(MathOps.sign(Tensor.scalar(Double.NaN)).item()));
    }

    @Test
    void binaryOpsAtSpecialPoints() {
        Tensor a = Tensor.vector(-7, 7, -7, 7, 6), b = Tensor.vector(3, 3, -3, -3, 3);
        assertArrayEquals(new double[] {2, 1, -1, -2, 0}, MathOps.mod(a, b).toArray(), 0);
        assertArrayEquals(new double[] {-1, 1, -1, 1, 0}, MathOps.fmod(a, b).toArray(), 0);
        assertEquals(-0.0, MathOps.mod(Tensor.scalar(6), Tensor.scalar(-3)).item(), 0);
        assertEquals(1 / -0.0, 1 / MathOps.mod(Tensor.scalar(6), Tensor.scalar(-3)).item());
        assertEquals(2.5, MathOps.logaddexp(Tensor.scalar(Double.NEGATIVE_INFINITY), Tensor.scalar(2.5)).item(), 0);
        assertEquals(Double.NEGATIVE_INFINITY, MathOps.logaddexp(Tensor.scalar(Double.NEGATIVE_INFINITY),
                Tensor.scalar(Double.NEGATIVE_INFINITY)).item());
        assertEquals(1000 + Math.log(2), MathOps.logaddexp(Tensor.scalar(1000), Tensor.scalar(1000)).item(), 1e-12);
        assertEquals(3.0, MathOps.logaddexp2(Tensor.scalar(2), Tensor.scalar(2)).item(), 0);
        assertEquals(5.0, MathOps.hypot(Tensor.scalar(3), Tensor.scalar(4)).item(), 0);
        assertEquals(5e300, MathOps.hypot(Tensor.scalar(3e300), Tensor.scalar(4e300)).item(), 1e286);
        assertEquals(3 * PI / 4, MathOps.atan2(Tensor.scalar(1), Tensor.scalar(-1)).item(), 1e-15);
        assertEquals(8.0, MathOps.pow(Tensor.scalar(2), Tensor.scalar(3)).item(), 0);

        // gradients: logaddexp(−inf, x) gives 0 and 1; hypot at the origin 0; mod's divisor −floor(a/b)
        Tensor[] g = gradients(in -> MathOps.logaddexp(in[0], in[1]),
                Tensor.scalar(Double.NEGATIVE_INFINITY), Tensor.scalar(1.0));
        assertEquals(0.0, g[0].item(), 0);
        assertEquals(1.0, g[1].item(), 0);
        g = gradients(in -> MathOps.hypot(in[0], in[1]), Tensor.scalar(0), Tensor.scalar(0));
        assertEquals(0.0, g[0].item(), 0);
        assertEquals(0.0, g[1].item(), 0);
        g = gradients(in -> MathOps.mod(in[0], in[1]), Tensor.scalar(-7), Tensor.scalar(3));
        assertEquals(1.0, g[0].item(), 0);
        assertEquals(3.0, g[1].item(), 0);  // −floor(−7/3)
    }

    @Test
    void powWithATensorExponentAtZero() {
        // d/db 0^b = 0 for b > 0 (numpy/autograd); d/da a^0 = 0 also at a = 0
        Tensor[] g = gradients(in -> MathOps.pow(in[0], in[1]).sum(), Tensor.vector(0, 0, 2), Tensor.vector(2, 0, 3));
        assertArrayEquals(new double[] {0, 0, 12}, g[0].toArray(), 0);
        assertArrayEquals(new double[] {0, 0, 8 * Math.log(2)}, g[1].toArray(), 1e-15);
        // second derivative in a of a^b at a = 1, b = 3: 6
        double h = Autodiff.grad(x -> Autodiff.grad(t -> MathOps.pow(t, Tensor.scalar(3)).sum()).apply(x).sum())
                .apply(Tensor.scalar(1)).item();
        assertEquals(6.0, h, 1e-14);
    }

    @Test
    void comparisonsAreZeroOneWithZeroGradient() {
        Tensor a = Tensor.vector(1, 2, 3), b = Tensor.scalar(2);
        assertArrayEquals(new double[] {1, 0, 0}, MathOps.lt(a, b).toArray(), 0);
        assertArrayEquals(new double[] {1, 1, 0}, MathOps.le(a, b).toArray(), 0);
        assertArrayEquals(new double[] {0, 0, 1}, MathOps.gt(a, b).toArray(), 0);
        assertArrayEquals(new double[] {0, 1, 1}, MathOps.ge(a, b).toArray(), 0);
        assertArrayEquals(new double[] {0, 1, 0}, MathOps.eq(a, b).toArray(), 0);
        assertArrayEquals(new double[] {1, 0, 1}, MathOps.ne(a, b).toArray(), 0);
        assertEquals(1.0, MathOps.ne(Tensor.scalar(Double.NaN), Tensor.scalar(Double.NaN)).item(), 0);
        Tensor[] g = gradients(in -> MathOps.lt(in[0], in[1]).sum(), a, b);
        assertArrayEquals(new double[] {0, 0, 0}, g[0].toArray(), 0);
        assertEquals(0.0, g[1].item(), 0);
    }

    @Test
    void whereSelectsValuesGradientsAndTangents() {
        Tensor mask = Tensor.matrix(new double[][] {{1}, {0}});          // [2, 1]
        Tensor a = Tensor.vector(1, 2, 3), b = Tensor.scalar(-1);       // [3] and []
        Tensor y = MathOps.where(mask, a, b);
        assertArrayEquals(new int[] {2, 3}, y.shape());
        assertArrayEquals(new double[] {1, 2, 3, -1, -1, -1}, y.toArray(), 0);
        Tensor[] g = gradients(in -> MathOps.where(mask, in[0], in[1]).sum(), a, b);
        assertArrayEquals(new double[] {1, 1, 1}, g[0].toArray(), 0);
        assertEquals(3.0, g[1].item(), 0);
        Tensor t = Autodiff.jvp(in -> MathOps.where(mask, in[0], in[1]), new Tensor[] {a, b},
                new Tensor[] {Tensor.vector(1, 2, 3), Tensor.scalar(10)}).tangent();
        assertArrayEquals(new double[] {1, 2, 3, 10, 10, 10}, t.toArray(), 0);
        // the gradient is selected, not multiplied by the mask: an infinite upstream gradient does not
        // become NaN in the branch that was not chosen
        Tensor w = Tensor.vector(Double.POSITIVE_INFINITY, 1);
        Tensor m2 = Tensor.vector(0, 1);
        Tensor[] gw = gradients(in -> MathOps.where(m2, in[0], in[1]).mul(w), Tensor.vector(5, 6), Tensor.vector(7, 8));
        assertArrayEquals(new double[] {0, 1}, gw[0].toArray(), 0);
        assertArrayEquals(new double[] {Double.POSITIVE_INFINITY, 0}, gw[1].toArray(), 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MathOps.where(Tensor.zeros(2), Tensor.zeros(3), Tensor.zeros(3)));
        assertTrue(e.getMessage().contains("where") && e.getMessage().contains("[2]") && e.getMessage().contains("[3]"),
                e.getMessage());
    }

    /** The op table's entries of MathOps, each checked in reverse mode (first and second order) and in forward mode. */
    @Test
    void everyMathOpsEntryPassesInBothModes() {
        List<String> failures = OpEntryChecks.failuresInBothModes(MATH_ENTRIES, 12, 1234);
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    /** Every binary MathOps op on every required broadcast pair, both orders, first and second order. */
    @Test
    void binaryOpsOnEveryRequiredBroadcastPair() {
        RandomGenerator rng = OpGradientPropertiesTest.rng(77);
        List<String> failures = new ArrayList<>();
        for (String name : List.of("pow", "atan2", "hypot", "logaddexp", "logaddexp2", "mod", "fmod", "lt", "eq")) {
            OpTest op = OpCatalog.get(name);
            for (int[][] pair : OpCatalog.BROADCAST_PAIRS) {
                for (int[][] shapes : List.of(pair, new int[][] {pair[1], pair[0]})) {
                    OpCatalog.Case c = op.newCase(rng, shapes);
                    Tensor[] in = c.sampleInputs(rng);
                    GradCheck.Result first = GradCheck.check(c.fn(), in), second = GradCheck.checkSecondOrder(c.fn(), in);
                    if (!first.passed() || !second.passed()) {
                        failures.add(c.label() + "\n" + first + "\n" + second);
                    }
                }
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    /** The gradients of Σ f(inputs) with respect to every input, from a tape. */
    static Tensor[] gradients(Function<Tensor[], Tensor> f, Tensor... in) {
        Tensor y;
        try (Tape.Pause p = Tape.pause()) {
            y = f.apply(in);
        }
        return GradCheck.analyticVjp(f, Tensor.ones(y.shape()), in);
    }

    static final List<String> MATH_ENTRIES = List.of("sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "asinh",
            "acosh", "atanh", "log1p", "expm1", "log2", "log10", "exp2", "erf", "erfc", "sinc", "logit", "sign", "floor",
            "ceil", "round", "trunc", "reciprocal", "deg2rad", "rad2deg", "pow", "atan2", "hypot", "logaddexp",
            "logaddexp2", "mod", "fmod", "lt", "le", "gt", "ge", "eq", "ne", "where");
}
