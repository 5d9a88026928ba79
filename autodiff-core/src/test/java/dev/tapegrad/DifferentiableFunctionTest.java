package dev.tapegrad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** User-defined primitives: values, gradients, second derivatives and the checks on the user's backward. */
class DifferentiableFunctionTest {

    /** swish(x) = x·σ(x); swish'(x) = σ + x·σ(1−σ), written from ctx.input so it differentiates again. */
    static final DifferentiableFunction SWISH = DifferentiableFunction.of("swish",
            in -> in[0].mul(in[0].sigmoid()),
            (ctx, g) -> {
                Tensor x = ctx.input(0);
                Tensor s = x.sigmoid();
                return new Tensor[] {g.mul(s.add(x.mul(s).mul(s.neg().add(1.0))))};
            });

    /** A stable log-sum-exp over the last axis with its softmax backward. */
    static final DifferentiableFunction LOG_SUM_EXP = DifferentiableFunction.of("stableLogSumExp",
            in -> {
                Tensor x = in[0];
                Tensor m = x.max(-1, true);
                return x.sub(m).exp().sum(-1, true).log().add(m).squeeze(-1);
            },
            (ctx, g) -> new Tensor[] {g.unsqueeze(-1).mul(ctx.input(0).sub(ctx.output().unsqueeze(-1)).exp())});

    /** Straight-through estimator: rounds in the forward, passes the gradient unchanged. */
    static final DifferentiableFunction ROUND_STE = DifferentiableFunction.of("roundSTE",
            in -> {
                double[] v = in[0].toArray();
                for (int i = 0; i < v.length; i++) {
                    v[i] = Math.rint(v[i]);
                }
                return Tensor.of(v, in[0].shape());
            },
            (ctx, g) -> new Tensor[] {g});

    private static double swishPrime(double x) {
        double s = 1 / (1 + Math.exp(-x));
        return s + x * s * (1 - s);
    }

    private static double swishSecond(double x) {
        double s = 1 / (1 + Math.exp(-x));
        double ds = s * (1 - s);
        return 2 * ds + x * ds * (1 - 2 * s);
    }

    @Test
    void swishValueGradientAndSecondDerivative() {
        double[] xs = {-3, -0.5, 0, 0.8, 2.5};
        Tensor x = Tensor.vector(xs);
        Function<Tensor, Tensor> d1 = Autodiff.grad(t -> SWISH.apply(t).sum());
        Tensor g1 = d1.apply(x);
        Tensor g2 = Autodiff.grad(t -> d1.apply(t).sum()).apply(x);
        for (int i = 0; i < xs.length; i++) {
            double s = 1 / (1 + Math.exp(-xs[i]));
            assertEquals(xs[i] * s, SWISH.apply(x).get(i), 1e-15);
            assertEquals(swishPrime(xs[i]), g1.get(i), 1e-12);
            assertEquals(swishSecond(xs[i]), g2.get(i), 1e-12);
        }
    }

    @Test
    void stableLogSumExpMatchesTheBuiltInOpAndDoesNotOverflow() {
        Tensor x = Tensor.matrix(new double[][] {{1000, 1001, 999}, {-2, 0.5, 3}});
        assertArrayEquals(x.logSumExp(-1).toArray(), LOG_SUM_EXP.apply(x).toArray(), 1e-12);
        Tensor v = Tensor.vector(0.7, -1.3);
        Tensor ours = Autodiff.vjp(t -> LOG_SUM_EXP.apply(t), x, v);
        Tensor builtIn = Autodiff.vjp(t -> t.logSumExp(-1), x, v);
        assertArrayEquals(builtIn.toArray(), ours.toArray(), 1e-12);
        Tensor y = Tensor.vector(0.2, 1.1, -0.4);
        Tensor hv = Autodiff.hessianVectorProduct(t -> LOG_SUM_EXP.apply(t), y, Tensor.vector(1, 0, 0));
        Tensor hvBuiltIn = Autodiff.hessianVectorProduct(t -> t.logSumExp(0), y, Tensor.vector(1, 0, 0));
        assertArrayEquals(hvBuiltIn.toArray(), hv.toArray(), 1e-12);
    }

    @Test
    void straightThroughEstimatorRoundsForwardAndPassesGradient() {
        Tensor x = Tensor.vector(0.4, 1.6, -2.5).requiresGrad(true);
        try (Tape tape = Tape.record()) {
            Tensor y = ROUND_STE.apply(x);
            assertArrayEquals(new double[] {0, 2, -2}, y.toArray());
            tape.backward(y.mul(Tensor.vector(1, 2, 3)).sum());
        }
        assertArrayEquals(new double[] {1, 2, 3}, x.grad().toArray());
    }

    @Test
    void identityForwardDoesNotAliasTheInputsNode() {
        DifferentiableFunction id = DifferentiableFunction.of("id", in -> in[0], (ctx, g) -> new Tensor[] {g.mul(2)});
        Tensor x = Tensor.vector(1, 2).requiresGrad(true);
        try (Tape tape = Tape.record()) {
            Tensor y = id.apply(x);
            assertTrue(x.isLeaf());
            assertArrayEquals(new double[] {2, 2}, tape.gradient(y.sum(), x)[0].toArray());
        }
    }

    @Test
    void severalInputsAndOutputsWithContextAndNeedsGrad() {
        // (a, b) -> (a·b, a + b); only a wants gradients
        boolean[] askedForB = {true};
        DifferentiableFunction f = DifferentiableFunction.multi("prodAndSum",
                (ctx, in) -> new Tensor[] {in[0].mul(in[1]), in[0].add(in[1])},
                (ctx, gs) -> {
                    askedForB[0] = ctx.needsInputGrad(1);
                    Tensor ga = gs[0].mul(ctx.input(1)).add(gs[1]);
                    Tensor gb = ctx.needsInputGrad(1) ? gs[0].mul(ctx.input(0)).add(gs[1]) : null;
                    return new Tensor[] {ga, gb};
                });
        Tensor a = Tensor.vector(1, 2, 3).requiresGrad(true);
        Tensor b = Tensor.vector(4, 5, 6);
        try (Tape tape = Tape.record()) {
            Tensor[] out = f.applyMulti(a, b);
            assertArrayEquals(new double[] {4, 10, 18}, out[0].toArray());
            assertArrayEquals(new double[] {5, 7, 9}, out[1].toArray());
            Tensor loss = out[0].sum().add(out[1].mul(2).sum());
            Tensor[] g = tape.gradient(loss, a, b);
            assertArrayEquals(new double[] {6, 7, 8}, g[0].toArray());
            assertArrayEquals(new double[] {0, 0, 0}, g[1].toArray());
        }
        assertEquals(false, askedForB[0]);
    }

    @Test
    void anOutputWithoutGradientPassesZerosToTheBackward() {
        DifferentiableFunction f = DifferentiableFunction.multi("split",
                (ctx, in) -> new Tensor[] {in[0].mul(2), in[0].mul(3)},
                (ctx, gs) -> new Tensor[] {gs[0].mul(2).add(gs[1].mul(3))});
        Tensor x = Tensor.vector(1, 1).requiresGrad(true);
        try (Tape tape = Tape.record()) {
            Tensor[] out = f.applyMulti(x);
            assertArrayEquals(new double[] {3, 3}, tape.gradient(out[1].sum(), x)[0].toArray());
        }
    }

    @Test
    void wrongNumberOfGradientsNamesTheFunction() {
        DifferentiableFunction bad = DifferentiableFunction.of("badCount", in -> in[0].add(in[1]),
                (ctx, g) -> new Tensor[] {g});
        Tensor a = Tensor.vector(1, 2).requiresGrad(true);
        try (Tape tape = Tape.record()) {
            Tensor y = bad.apply(a, Tensor.vector(3, 4)).sum();
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> tape.backward(y));
            assertTrue(e.getMessage().contains("badCount") && e.getMessage().contains("1 gradients for 2 inputs"),
                    e.getMessage());
        }
    }

    @Test
    void wrongGradientShapeNamesFunctionInputAndBothShapes() {
        DifferentiableFunction bad = DifferentiableFunction.of("badShape", in -> in[0].sum(0),
                (ctx, g) -> new Tensor[] {g});
        Tensor a = Tensor.zeros(2, 3).requiresGrad(true);
        try (Tape tape = Tape.record()) {
            Tensor y = bad.apply(a).sum();
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> tape.backward(y));
            assertTrue(e.getMessage().contains("badShape") && e.getMessage().contains("[3]")
                    && e.getMessage().contains("input 0") && e.getMessage().contains("[2, 3]"), e.getMessage());
        }
    }

    @Test
    void aBackwardThatThrowsChangesNoLeafGradient() {
        DifferentiableFunction boom = DifferentiableFunction.of("boom", in -> in[0].mul(1),
                (ctx, g) -> {
                    throw new IllegalStateException("user backward failed");
                });
        Tensor a = Tensor.vector(1, 2).requiresGrad(true);
        Tensor b = Tensor.vector(3, 4).requiresGrad(true);
        try (Tape tape = Tape.record()) {
            tape.backward(a.mul(b).sum());  // a first, successful backward: grads are set
        }
        double[] before = a.grad().toArray();
        try (Tape tape = Tape.record()) {
            // b's gradient is computed before the failing node is reached, and must not land
            Tensor loss = boom.apply(a).sum().add(b.sum());
            assertThrows(IllegalStateException.class, () -> tape.backward(loss));
        }
        assertArrayEquals(before, a.grad().toArray());
        assertArrayEquals(new double[] {1, 2}, b.grad().toArray());
    }

    @Test
    void forwardRunsWithoutRecording() {
        int[] tapeSizeInside = {-1};
        DifferentiableFunction f = DifferentiableFunction.of("quiet", in -> {
            tapeSizeInside[0] = Tape.current().size();
            return in[0].exp().log().mul(2);
        }, (ctx, g) -> new Tensor[] {g.mul(2)});
        Tensor x = Tensor.vector(1, 2).requiresGrad(true);
        try (Tape tape = Tape.record()) {
            Tensor y = f.apply(x);
            assertEquals(0, tapeSizeInside[0]);
            assertEquals(1, tape.size());
            assertSame(y, y);
            assertNull(x.grad());
        }
    }

    @Test
    void onceDifferentiableFunctionRefusesSecondDerivativeWithAClearError() {
        DifferentiableFunction cube = DifferentiableFunction.of("rawCube", in -> in[0].pow(3),
                (ctx, g) -> {
                    double[] v = ctx.input(0).toArray();  // raw values: not differentiable again
                    for (int i = 0; i < v.length; i++) {
                        v[i] = 3 * v[i] * v[i];
                    }
                    return new Tensor[] {g.mul(Tensor.of(v, ctx.input(0).shape()))};
                }).onceDifferentiable();
        Tensor x = Tensor.vector(1, 2);
        assertArrayEquals(new double[] {3, 12}, Autodiff.grad(t -> cube.apply(t).sum()).apply(x).toArray());
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> Autodiff.grad(t -> Autodiff.grad(z -> cube.apply(z).sum()).apply(t).sum()).apply(x));
        assertTrue(e.getMessage().contains("rawCube") && e.getMessage().contains("second derivative"), e.getMessage());
    }
}
