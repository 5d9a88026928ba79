package dev.tapegrad.nn;

import static dev.tapegrad.nn.Numeric.assertClose;
import static dev.tapegrad.nn.Numeric.elementwiseDerivative;
import static dev.tapegrad.nn.Numeric.elementwiseSecondDerivative;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tapegrad.Tape;
import dev.tapegrad.Tensor;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Function;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every activation against the closed forms of REFERENCES R5 (value and derivative), against
 * central differences (first and, where smooth, second derivatives), and at its kinks.
 */
class ActivationsTest {

    /** Points away from every kink (0, ±1, ±2) of the activations below. */
    static final double[] XS = {-3.7, -2.4, -1.3, -0.6, -0.15, 0.2, 0.7, 1.4, 2.3, 3.1};

    static double sigma(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    /** name, function, closed-form value, closed-form derivative, closed-form second derivative. */
    static Stream<Arguments> activations() {
        double g = 0.2;
        return Stream.of(
            Arguments.of("sigmoid", (Function<Tensor, Tensor>) Activations::sigmoid,
                (DoubleUnaryOperator) ActivationsTest::sigma,
                (DoubleUnaryOperator) x -> sigma(x) * (1 - sigma(x)),
                (DoubleUnaryOperator) x -> sigma(x) * (1 - sigma(x)) * (1 - 2 * sigma(x))),
            Arguments.of("tanh", (Function<Tensor, Tensor>) Activations::tanh,
                (DoubleUnaryOperator) Math::tanh,
                (DoubleUnaryOperator) x -> 1 - Math.tanh(x) * Math.tanh(x),
                (DoubleUnaryOperator) x -> -2 * Math.tanh(x) * (1 - Math.tanh(x) * Math.tanh(x))),
            Arguments.of("hardSigmoid", (Function<Tensor, Tensor>) Activations::hardSigmoid,
                (DoubleUnaryOperator) x -> Math.max(Math.min(0.25 * x + 0.5, 1), 0),
                (DoubleUnaryOperator) x -> Math.abs(x) < 2 ? 0.25 : 0,
                (DoubleUnaryOperator) x -> 0),
            Arguments.of("hardSigmoid(1/6)", (Function<Tensor, Tensor>) t -> Activations.hardSigmoid(t, 1.0 / 6),
                (DoubleUnaryOperator) x -> Math.max(Math.min(x / 6 + 0.5, 1), 0),
                (DoubleUnaryOperator) x -> Math.abs(x) < 3 ? 1.0 / 6 : 0,
                (DoubleUnaryOperator) x -> 0),
            Arguments.of("hardTanh", (Function<Tensor, Tensor>) Activations::hardTanh,
                (DoubleUnaryOperator) x -> Math.max(Math.min(x, 1), -1),
                (DoubleUnaryOperator) x -> Math.abs(x) < 1 ? 1 : 0,
                (DoubleUnaryOperator) x -> 0),
            Arguments.of("relu", (Function<Tensor, Tensor>) Activations::relu,
                (DoubleUnaryOperator) x -> Math.max(0, x),
                (DoubleUnaryOperator) x -> x > 0 ? 1 : 0,
                (DoubleUnaryOperator) x -> 0),
            Arguments.of("leakyRelu", (Function<Tensor, Tensor>) Activations::leakyRelu,
                (DoubleUnaryOperator) x -> x > 0 ? x : 0.01 * x,
                (DoubleUnaryOperator) x -> x > 0 ? 1 : 0.01,
                (DoubleUnaryOperator) x -> 0),
            Arguments.of("elu(0.2)", (Function<Tensor, Tensor>) t -> Activations.elu(t, g),
                (DoubleUnaryOperator) x -> x > 0 ? x : g * (Math.exp(x) - 1),
                (DoubleUnaryOperator) x -> x > 0 ? 1 : g * Math.exp(x),
                (DoubleUnaryOperator) x -> x > 0 ? 0 : g * Math.exp(x)),
            Arguments.of("softplus", (Function<Tensor, Tensor>) Activations::softplus,
                (DoubleUnaryOperator) x -> Math.log(1 + Math.exp(x)),
                (DoubleUnaryOperator) ActivationsTest::sigma,
                (DoubleUnaryOperator) x -> sigma(x) * (1 - sigma(x))),
            Arguments.of("silu", (Function<Tensor, Tensor>) Activations::silu,
                (DoubleUnaryOperator) x -> x * sigma(x),
                (DoubleUnaryOperator) x -> sigma(x) * (1 + x * (1 - sigma(x))),
                (DoubleUnaryOperator) x -> sigma(x) * (1 - sigma(x)) * (2 + x * (1 - 2 * sigma(x)))),
            Arguments.of("gelu", (Function<Tensor, Tensor>) Activations::gelu,
                (DoubleUnaryOperator) x -> x * phiIntegral(x),
                (DoubleUnaryOperator) x -> phiIntegral(x) + x * phi(x),
                (DoubleUnaryOperator) x -> (2 - x * x) * phi(x)),
            Arguments.of("geluTanh", (Function<Tensor, Tensor>) Activations::geluTanh,
                (DoubleUnaryOperator) ActivationsTest::geluTanh,
                (DoubleUnaryOperator) x -> (geluTanh(x + 1e-5) - geluTanh(x - 1e-5)) / 2e-5,
                (DoubleUnaryOperator) x -> (geluTanh(x + 1e-4) - 2 * geluTanh(x) + geluTanh(x - 1e-4)) / 1e-8));
    }

    static double phi(double x) {
        return Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI);
    }

    /** Φ(x) = ½ + ∫₀ˣ φ by composite Simpson's rule: independent of the implementation's erfc. */
    static double phiIntegral(double x) {
        int n = 20000;
        double h = x / n, s = phi(0) + phi(x);
        for (int i = 1; i < n; i++) {
            s += (i % 2 == 1 ? 4 : 2) * phi(i * h);
        }
        return 0.5 + s * h / 3;
    }

    @Test
    void normalCdfMatchesReferenceValuesIntoTheFarTails() {
        // from Python's math.erfc: 0.5 * erfc(-x / sqrt(2))
        double[] xs = {1, -1, 2, -3, 0.5, -6, 8, -10, 0};
        double[] expected = {0.8413447460685429, 0.15865525393145707, 0.9772498680518208, 0.0013498980316300957,
            0.6914624612740131, 9.865876450377012e-10, 0.9999999999999993, 7.619853024160593e-24, 0.5};
        double[] got = Activations.normalCdf(Tensor.vector(xs)).toArray();
        for (int i = 0; i < xs.length; i++) {
            assertEquals(expected[i], got[i], 4e-15 * expected[i], "Phi(" + xs[i] + ")");
        }
        assertEquals(0.0, Activations.normalCdf(Tensor.scalar(-40)).item());
        assertEquals(1.0, Activations.normalCdf(Tensor.scalar(40)).item());
        // d/dx Φ = φ, and GELU'(0) = 1/2
        double[] d = elementwiseDerivative(Activations::normalCdf, -2, 0, 1.5);
        assertClose("phi", new double[] {phi(-2), phi(0), phi(1.5)}, d, 1e-15);
        assertEquals(0.5, elementwiseDerivative(Activations::gelu, 0.0)[0], 1e-15);
        Numeric.assertSecondDerivative("normalCdf", in -> Activations.normalCdf(in[0]).sum(), 1e-6, Tensor.vector(-3, -0.5, 0.7, 2.2));
    }

    /** Over the primitive's whole test domain (its metadata): Φ' = φ by the tape and Φ by the Simpson reference. */
    @Property(tries = 100)
    void normalCdfOverItsDomain(@ForAll @DoubleRange(min = NormalCdf.LO, max = NormalCdf.HI) double x) {
        assertEquals(phiIntegral(x), Activations.normalCdf(Tensor.scalar(x)).item(), 1e-13);
        assertEquals(phi(x), elementwiseDerivative(Activations::normalCdf, x)[0], 1e-16 + 1e-15 * phi(x));
        assertEquals(-x * phi(x), elementwiseSecondDerivative(Activations::normalCdf, x)[0], 1e-16 + 1e-14 * phi(x));
    }

    static double geluTanh(double x) {
        return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("activations")
    void valuesAndDerivativesMatchTheClosedForms(String name, Function<Tensor, Tensor> f, DoubleUnaryOperator value,
                                                  DoubleUnaryOperator d1, DoubleUnaryOperator d2) {
        double[] y = f.apply(Tensor.vector(XS)).toArray();
        double[] dy = elementwiseDerivative(f, XS);
        double[] ddy = elementwiseSecondDerivative(f, XS);
        double[] ev = new double[XS.length], e1 = new double[XS.length], e2 = new double[XS.length];
        for (int i = 0; i < XS.length; i++) {
            ev[i] = value.applyAsDouble(XS[i]);
            e1[i] = d1.applyAsDouble(XS[i]);
            e2[i] = d2.applyAsDouble(XS[i]);
        }
        assertClose(name + " value", ev, y, name.equals("gelu") ? 1e-13 : 1e-14);
        assertClose(name + " f'", e1, dy, name.equals("geluTanh") ? 1e-8 : name.equals("gelu") ? 1e-13 : 1e-14);
        assertClose(name + " f''", e2, ddy, name.equals("geluTanh") ? 1e-5 : 1e-12);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("activations")
    void gradientsAndSecondDerivativesMatchCentralDifferencesOnABatch(String name, Function<Tensor, Tensor> f,
            DoubleUnaryOperator value, DoubleUnaryOperator d1, DoubleUnaryOperator d2) {
        Tensor x = Tensor.of(XS, 2, 5);
        Tensor w = Tensor.of(new double[] {0.3, -1.1, 0.8, 1.9, -0.4, 0.6, 1.2, -0.7, 0.5, 2.0}, 2, 5);
        Function<Tensor[], Tensor> loss = in -> f.apply(in[0]).mul(w).sum();
        Numeric.assertGradient(name, loss, 1e-7, x);
        Numeric.assertSecondDerivative(name, loss, 1e-5, x);
    }

    @Test
    void kinkConventionsFollowPyTorch() {
        // relu'(0) = 0; leakyRelu'(0) = γ; elu'(0) = γ; hardTanh'(±1) = 0; hardSigmoid'(±2) = 0
        assertArrayEquals(new double[] {0}, elementwiseDerivative(Activations::relu, 0.0));
        assertArrayEquals(new double[] {0.1}, elementwiseDerivative(x -> Activations.leakyRelu(x, 0.1), 0.0));
        assertArrayEquals(new double[] {0.7}, elementwiseDerivative(x -> Activations.elu(x, 0.7), 0.0));
        assertArrayEquals(new double[] {0, 1, 0}, elementwiseDerivative(Activations::hardTanh, -1, 0, 1));
        assertArrayEquals(new double[] {0, 0.25, 0}, elementwiseDerivative(Activations::hardSigmoid, -2, 0, 2));
        assertArrayEquals(new double[] {0, 1.0 / 6, 0},
                elementwiseDerivative(x -> Activations.hardSigmoid(x, 1.0 / 6), -3, 0, 3));
        // the values at the kinks are the function's, exactly
        assertArrayEquals(new double[] {-1, 0, 1}, Activations.hardTanh(Tensor.vector(-1, 0, 1)).toArray());
        assertArrayEquals(new double[] {0, 0.5, 1}, Activations.hardSigmoid(Tensor.vector(-2, 0, 2)).toArray());
    }

    @Test
    void infiniteInputsGiveTheLimitsNotNaN() {
        double inf = Double.POSITIVE_INFINITY;
        assertArrayEquals(new double[] {-1, 1}, Activations.hardTanh(Tensor.vector(-inf, inf)).toArray());
        assertArrayEquals(new double[] {0, 1}, Activations.hardSigmoid(Tensor.vector(-inf, inf)).toArray());
        assertArrayEquals(new double[] {-0.5, inf}, Activations.elu(Tensor.vector(-inf, inf), 0.5).toArray());
        assertArrayEquals(new double[] {-inf, inf}, Activations.leakyRelu(Tensor.vector(-inf, inf)).toArray());
        assertArrayEquals(new double[] {0, 1}, Activations.sigmoid(Tensor.vector(-1000, 1000)).toArray());
        assertArrayEquals(new double[] {0, 1000}, Activations.softplus(Tensor.vector(-1000, 1000)).toArray());
    }

    @Test
    void preluHasOneLearnedSlopePerUnitWithTheR5Derivatives() {
        Tensor x = Tensor.of(new double[] {-2, 3, 0, 1, -0.5, -4}, 2, 3);
        Tensor gamma = Tensor.vector(0.1, 0.2, 0.3);
        assertArrayEquals(new double[] {-0.2, 3, 0, 1, -0.1, -1.2}, Activations.prelu(x, gamma).toArray(), 1e-15);
        Tensor[] g = Numeric.tapeGradient(in -> Activations.prelu(in[0], in[1]).sum(), x, gamma);
        // d/dx: 1 for x > 0, γ for x ≤ 0 (γ at 0)
        assertArrayEquals(new double[] {0.1, 1, 0.3, 1, 0.2, 0.3}, g[0].toArray(), 1e-15);
        // d/dγ_j = Σ over rows of x for x ≤ 0
        assertArrayEquals(new double[] {-2 + 1 * 0, -0.5, 0 + -4}, g[1].toArray(), 1e-15);
        Numeric.assertGradient("prelu", in -> Activations.prelu(in[0], in[1]).square().sum(), 1e-7,
                Tensor.of(new double[] {-2, 3, 0.4, 1, -0.5, -4}, 2, 3), gamma);
    }

    @Test
    void softmaxJacobianIsYiDeltaMinusYj() {
        double[] x = {0.3, -1.2, 2.0, 0.7};
        double[] y = Activations.softmax(Tensor.vector(x), 0).toArray();
        double z = 0;
        for (double v : x) {
            z += Math.exp(v);
        }
        for (int j = 0; j < 4; j++) {
            assertEquals(Math.exp(x[j]) / z, y[j], 1e-15);
            int jj = j;
            double[] row = Numeric.tapeGradient(in -> Activations.softmax(in[0], 0).slice(0, jj, jj + 1).sum(),
                    Tensor.vector(x))[0].toArray();
            for (int i = 0; i < 4; i++) {
                assertEquals(y[j] * ((i == j ? 1 : 0) - y[i]), row[i], 1e-15, "dy" + j + "/dx" + i);
            }
        }
        double[] ls = Activations.logSoftmax(Tensor.vector(x), 0).toArray();
        for (int i = 0; i < 4; i++) {
            assertEquals(Math.log(y[i]), ls[i], 1e-14);
        }
        Tensor w = Tensor.of(new double[] {0.5, -1, 2, 0.1, 0.3, 0.9, -0.2, 1.5}, 2, 4);
        Tensor xs = Tensor.of(new double[] {0.3, -1.2, 2.0, 0.7, 1, 2, 3, -4}, 2, 4);
        Numeric.assertGradient("softmax", in -> Activations.softmax(in[0], -1).mul(w).sum(), 1e-8, xs);
        Numeric.assertSecondDerivative("softmax", in -> Activations.softmax(in[0], -1).mul(w).sum(), 1e-6, xs);
        Numeric.assertGradient("logSoftmax", in -> Activations.logSoftmax(in[0], -1).mul(w).sum(), 1e-8, xs);
        Numeric.assertSecondDerivative("logSoftmax", in -> Activations.logSoftmax(in[0], -1).mul(w).sum(), 1e-6, xs);
    }

    @Property(tries = 200)
    void leakyReluIsReluMinusGammaReluOfMinusX(@ForAll @DoubleRange(min = -50, max = 50) double x,
                                               @ForAll @DoubleRange(min = 0, max = 1) double gamma) {
        double y = Activations.leakyRelu(Tensor.scalar(x), gamma).item();
        assertEquals(Math.max(x, 0) - gamma * Math.max(-x, 0), y, 1e-12);
    }

    @Test
    void activationModulesApplyTheFunctionsAndHaveNoParameters() {
        Tensor x = Tensor.vector(XS);
        assertArrayEquals(Activations.relu(x).toArray(), Activation.relu().forward(x).toArray());
        assertArrayEquals(Activations.leakyRelu(x, 0.3).toArray(), Activation.leakyRelu(0.3).forward(x).toArray());
        assertArrayEquals(Activations.elu(x, 0.5).toArray(), Activation.elu(0.5).forward(x).toArray());
        assertArrayEquals(Activations.hardSigmoid(x, 0.2).toArray(), Activation.hardSigmoid(0.2).forward(x).toArray());
        assertArrayEquals(Activations.silu(x).toArray(), Activation.byName("SWISH").forward(x).toArray());
        assertArrayEquals(Activations.hardTanh(x).toArray(), Activation.byName("hard_tanh").forward(x).toArray());
        assertEquals(0, Activation.gelu().parameterCount());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Activation.byName("relu6"));
        assertEquals(true, e.getMessage().contains("relu6"));
        assertThrows(IllegalArgumentException.class, () -> Activation.hardSigmoid(0));
    }

    @Test
    void preluModuleLearnsItsSlopes() {
        PReLU p = new PReLU(3);
        assertEquals(3, p.parameterCount());
        assertArrayEquals(new double[] {0.25, 0.25, 0.25}, p.weight().toArray());
        Tensor x = Tensor.of(new double[] {-1, 2, -3}, 1, 3);
        try (Tape tape = Tape.record()) {
            tape.backward(p.forward(x).sum());
        }
        assertArrayEquals(new double[] {-1, 0, -3}, p.weight().grad().toArray());
        assertThrows(IllegalArgumentException.class, () -> p.forward(Tensor.zeros(2, 4)));
    }
}
