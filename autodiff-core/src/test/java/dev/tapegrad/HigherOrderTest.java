package dev.tapegrad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Second and third derivatives against closed forms. */
class HigherOrderTest {

    private static final double TOL = 1e-12;

    @ParameterizedTest
    @ValueSource(doubles = {-2.5, -1, 0, 0.3, 1.7, 4})
    void derivativesOfCubeAreThreeXSquaredSixXAndSix(double x0) {
        Function<Tensor, Tensor> f = x -> x.pow(3).sum();
        Function<Tensor, Tensor> d1 = Autodiff.grad(f);
        Function<Tensor, Tensor> d2 = Autodiff.grad(x -> d1.apply(x).sum());
        Function<Tensor, Tensor> d3 = Autodiff.grad(x -> d2.apply(x).sum());
        Tensor x = Tensor.scalar(x0);
        assertEquals(3 * x0 * x0, d1.apply(x).item(), TOL);
        assertEquals(6 * x0, d2.apply(x).item(), TOL);
        assertEquals(6.0, d3.apply(x).item(), TOL);
    }

    @Test
    void hessianVectorProductOfLogSumExpMatchesClosedForm() {
        // H = diag(p) - p pᵀ with p = softmax([0, ln 2]) = [1/3, 2/3]; H·[1, 0] = [1/3 - 1/9, -2/9]
        Tensor x = Tensor.vector(0, Math.log(2));
        Tensor hv = Autodiff.hessianVectorProduct(t -> t.logSumExp(0), x, Tensor.vector(1, 0));
        assertArrayEquals(new double[] {2.0 / 9, -2.0 / 9}, hv.toArray(), TOL);
    }

    @ParameterizedTest
    @ValueSource(doubles = {-3, -0.7, 0, 0.4, 2.2})
    void tanhAndSigmoidSecondDerivatives(double x0) {
        Tensor x = Tensor.scalar(x0);
        double t = Math.tanh(x0);
        double s = 1 / (1 + Math.exp(-x0));
        Function<Tensor, Tensor> dTanh = Autodiff.grad(Tensor::tanh);
        Function<Tensor, Tensor> dSigmoid = Autodiff.grad(Tensor::sigmoid);
        assertEquals(-2 * t * (1 - t * t), Autodiff.grad(z -> dTanh.apply(z).sum()).apply(x).item(), TOL);
        assertEquals(s * (1 - s) * (1 - 2 * s), Autodiff.grad(z -> dSigmoid.apply(z).sum()).apply(x).item(), TOL);
    }

    @Test
    void jacobianOfSoftmaxIsDiagSMinusSSTransposed() {
        Tensor x = Tensor.vector(0.3, -1.2, 2.0, 0.5);
        Tensor jac = Autodiff.jacobian(t -> t.softmax(0), x);
        assertArrayEquals(new int[] {4, 4}, jac.shape());
        double[] s = x.softmax(0).toArray();
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                assertEquals((i == j ? s[i] : 0) - s[i] * s[j], jac.get(i, j), TOL);
            }
        }
    }

    @Test
    void hessianOfQuadraticFormIsASymmetrised() {
        Tensor a = Tensor.matrix(new double[][] {{2, 1, 0}, {3, -1, 4}, {0, 5, 1}});
        Tensor x = Tensor.vector(0.5, -2, 1);
        Tensor h = Autodiff.hessian(t -> t.matmul(a).matmul(t), x);
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                assertEquals(a.get(i, j) + a.get(j, i), h.get(i, j), TOL);
            }
        }
    }

    @Test
    void jacobianOfMatrixValuedFunctionHasOutputThenInputShape() {
        Tensor w = Tensor.matrix(new double[][] {{1, 2}, {3, 4}, {5, 6}});
        Tensor x = Tensor.vector(1, -1);
        // g(x) = w ⊙ x (broadcast): ∂g[i,j]/∂x[k] = w[i,j]·δ(j,k)
        Tensor jac = Autodiff.jacobian(t -> w.mul(t), x);
        assertArrayEquals(new int[] {3, 2, 2}, jac.shape());
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 2; j++) {
                for (int k = 0; k < 2; k++) {
                    assertEquals(j == k ? w.get(i, j) : 0.0, jac.get(i, j, k), 0.0);
                }
            }
        }
    }

    @Test
    void vjpAndValueAndGrad() {
        Tensor x = Tensor.vector(1, 2, 3);
        Tensor v = Tensor.vector(1, 0, -1);
        assertArrayEquals(new double[] {2, 0, -6}, Autodiff.vjp(t -> t.square(), x, v).toArray(), TOL);
        Autodiff.ValueAndGrad vg = Autodiff.valueAndGrad(t -> t.square().sum()).apply(x);
        assertEquals(14, vg.value().item(), TOL);
        assertArrayEquals(new double[] {2, 4, 6}, vg.grad().toArray(), TOL);
    }

    @Test
    void gradInsideARecordingTapeStaysDifferentiableWithRespectToParameters() {
        // d/dw of (d/dx sum(tanh(w x))) = d/dw sum(w (1 - tanh²(w x)))
        Tensor w = Tensor.vector(0.5, -0.3).requiresGrad(true);
        Tensor x = Tensor.vector(1.2, 0.7);
        try (Tape tape = Tape.record()) {
            Tensor gx = Autodiff.grad(t -> t.mul(w).tanh().sum()).apply(x);
            Tensor gw = tape.gradient(gx.sum(), w)[0];
            for (int i = 0; i < 2; i++) {
                double wi = w.get(i), xi = x.get(i), t = Math.tanh(wi * xi);
                double expected = (1 - t * t) + wi * (-2 * t * (1 - t * t) * xi);
                assertEquals(expected, gw.get(i), TOL);
            }
        }
    }

    @Test
    void createGraphGivesGradientsThatDifferentiateAgainOnTheSameTape() {
        Tensor x = Tensor.vector(1, 2, 3).requiresGrad(true);
        try (Tape tape = Tape.record()) {
            Tensor g = tape.createGraph().gradient(x.pow(3).sum(), x)[0];
            assertTrue(g.requiresGrad());
            assertArrayEquals(new double[] {3, 12, 27}, g.toArray(), TOL);
            assertArrayEquals(new double[] {6, 12, 18}, tape.gradient(g.sum(), x)[0].toArray(), TOL);
        }
    }

    @Test
    void gradOfNonScalarFunctionIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Autodiff.grad(t -> t.square()).apply(Tensor.vector(1, 2)));
        assertTrue(e.getMessage().contains("scalar") && e.getMessage().contains("[2]"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Autodiff.hessianVectorProduct(t -> t.sum(), Tensor.vector(1, 2), Tensor.vector(1)));
    }

    @Test
    void transformationsLeaveNoTapeOpenAndDoNotTouchTheUsersTensor() {
        Tensor x = Tensor.vector(1, 2);
        Autodiff.grad(t -> t.square().sum()).apply(x);
        assertEquals(false, Tape.isRecording());
        assertEquals(false, x.requiresGrad());
    }
}
