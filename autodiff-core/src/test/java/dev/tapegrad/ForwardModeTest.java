package dev.tapegrad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Function;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** Forward mode against closed forms and against reverse mode. */
class ForwardModeTest {
    private final RandomGenerator rng = OpGradientPropertiesTest.rng(314);

    @Test
    void jvpOfElementwiseFunctionsIsTheDerivativeTimesTheTangent() {
        Tensor x = Tensor.vector(-1, 0.5, 2), v = Tensor.vector(1, 2, 3);
        Autodiff.ValueAndTangent r = Autodiff.jvp(Tensor::tanh, x, v);
        double[] xs = x.toArray(), vs = v.toArray(), t = r.tangent().toArray();
        for (int i = 0; i < 3; i++) {
            double th = Math.tanh(xs[i]);
            assertEquals(th, r.value().toArray()[i], 0.0);
            assertEquals((1 - th * th) * vs[i], t[i], 1e-15);
        }
        assertEquals(null, r.value().duals, "the value leaves the transformation without its tangent");
    }

    @Test
    void jvpOfACubeSumIsTheDirectionalDerivative() {
        Autodiff.ValueAndTangent r = Autodiff.jvp(t -> t.pow(3).sum(), Tensor.vector(1, 2), Tensor.vector(1, 1));
        assertEquals(9, r.value().item(), 1e-12);
        assertEquals(3 + 12, r.tangent().item(), 1e-12);
    }

    @Test
    void jvpOfSeveralInputsAddsTheirContributions() {
        Tensor a = Tensor.randn(rng, 3, 4), b = Tensor.randn(rng, 4, 2);
        Tensor va = Tensor.randn(rng, 3, 4), vb = Tensor.randn(rng, 4, 2);
        Autodiff.ValueAndTangent r = Autodiff.jvp(in -> in[0].matmul(in[1]), new Tensor[] {a, b}, new Tensor[] {va, vb});
        Tensor expected = va.matmul(b).add(a.matmul(vb));  // the product rule
        assertArrayEquals(expected.toArray(), r.tangent().toArray(), 1e-12);
    }

    @Test
    void jacfwdEqualsTheReverseModeJacobian() {
        Tensor x = Tensor.randn(rng, 2, 3);
        Function<Tensor, Tensor> g = t -> t.softmax(-1).mul(t.exp()).matmul(Tensor.randn(OpGradientPropertiesTest.rng(1), 3, 4));
        Tensor fwd = Autodiff.jacfwd(g, x), rev = Autodiff.jacobian(g, x);
        assertArrayEquals(rev.shape(), fwd.shape());
        assertArrayEquals(rev.toArray(), fwd.toArray(), 1e-12);
    }

    @Test
    void forwardOverReverseHessianVectorProductEqualsReverseOverReverse() {
        Tensor x = Tensor.randn(rng, 4), v = Tensor.randn(rng, 4);
        Function<Tensor, Tensor> f = t -> t.logSumExp(0).add(t.tanh().square().sum()).add(t.max(0));
        Tensor fwd = Autodiff.hessianVectorProduct(f, x, v);
        Tensor rev = Autodiff.hessianVectorProductReverse(f, x, v);
        assertArrayEquals(rev.toArray(), fwd.toArray(), 1e-12);
        // logsumexp at [0, ln 2] along [1, 0]: [2/9, -2/9]
        Tensor h = Autodiff.hessianVectorProduct(t -> t.logSumExp(0), Tensor.vector(0, Math.log(2)), Tensor.vector(1, 0));
        assertArrayEquals(new double[] {2.0 / 9, -2.0 / 9}, h.toArray(), 1e-15);
    }

    @Test
    void nestedJvpGivesSecondDerivatives() {
        // d²/dx² sin-free: x³ -> 6x; along u then w: 6 x u w
        Tensor x = Tensor.vector(0.5, -2), u = Tensor.vector(1, 2), w = Tensor.vector(3, -1);
        Function<Tensor, Tensor> inner = t -> Autodiff.jvp(s -> s.pow(3), t, u).tangent();   // 3x² u
        Tensor second = Autodiff.jvp(inner, x, w).tangent();                                 // 6x u w
        assertArrayEquals(new double[] {6 * 0.5 * 1 * 3, 6 * -2 * 2 * -1}, second.toArray(), 1e-12);
        // the same for an op whose chain rule reads its output (tanh): against reverse mode
        Function<Tensor, Tensor> dTanh = t -> Autodiff.jvp(Tensor::tanh, t, u).tangent();
        Tensor fwdFwd = Autodiff.jvp(dTanh, x, w).tangent();
        Tensor revRev = Autodiff.vjp(t -> Autodiff.vjp(Tensor::tanh, t, u), x, w);
        assertArrayEquals(revRev.toArray(), fwdFwd.toArray(), 1e-12);
    }

    @Test
    void reverseOverForwardDifferentiatesATangent() {
        Tensor x = Tensor.vector(0.3, -0.7), v = Tensor.vector(1, 1);
        // d/dx Σ jvp(tanh)(x, v) = Σ tanh''(x) v = -2 tanh (1 - tanh²)
        Tensor g = Autodiff.grad(t -> Autodiff.jvp(Tensor::tanh, t, v).tangent().sum()).apply(x);
        for (int i = 0; i < 2; i++) {
            double th = Math.tanh(x.toArray()[i]);
            assertEquals(-2 * th * (1 - th * th), g.toArray()[i], 1e-14);
        }
    }

    @Test
    void aCustomFunctionWithoutAJvpIsPushedThroughItsTransposedBackward() {
        DifferentiableFunction swish = DifferentiableFunction.of("swish", in -> in[0].mul(in[0].sigmoid()),
                (ctx, g) -> {
                    Tensor x = ctx.input(0), s = x.sigmoid();
                    return new Tensor[] {g.mul(s.add(x.mul(s).mul(s.neg().add(1))))};
                });
        Tensor x = Tensor.vector(-1, 0, 2), v = Tensor.vector(1, -2, 0.5);
        Tensor viaBackward = Autodiff.jvp(swish::apply, x, v).tangent();
        Tensor viaOps = Autodiff.jvp(t -> t.mul(t.sigmoid()), x, v).tangent();
        assertArrayEquals(viaOps.toArray(), viaBackward.toArray(), 1e-14);
        DifferentiableFunction withJvp = swish.withJvp((ctx, t) -> {
            Tensor in = ctx.input(0), s = in.sigmoid();
            return new Tensor[] {t[0].mul(s.add(in.mul(s).mul(s.neg().add(1))))};
        });
        assertArrayEquals(viaOps.toArray(), Autodiff.jvp(withJvp::apply, x, v).tangent().toArray(), 1e-14);
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> Autodiff.jvp(swish.onceDifferentiable()::apply, x, v));
        assertTrue(e.getMessage().contains("swish") && e.getMessage().contains("withJvp"), e.getMessage());
    }

    @Test
    void aTangentOfTheWrongShapeIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Autodiff.jvp(Tensor::exp, Tensor.vector(1, 2), Tensor.vector(1, 2, 3)));
        assertTrue(e.getMessage().contains("[3]") && e.getMessage().contains("[2]"), e.getMessage());
    }

    @Test
    void aFunctionThatIgnoresItsInputHasAZeroTangent() {
        Tensor c = Tensor.vector(5, 6);
        Autodiff.ValueAndTangent r = Autodiff.jvp(t -> c, Tensor.vector(1), Tensor.vector(1));
        assertArrayEquals(new double[] {0, 0}, r.tangent().toArray(), 0.0);
    }
}
