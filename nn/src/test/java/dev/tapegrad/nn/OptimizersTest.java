package dev.tapegrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapegrad.Tape;
import dev.tapegrad.Tensor;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Each optimizer against its published update rule, re-derived here step by step with plain
 * double arithmetic. The loss is L(w) = Σ c·w + ½Σ w², so the gradient the tape must deliver is
 * c + w, which the references compute themselves.
 */
class OptimizersTest {

    static final double[] W0 = {0.5, -1.5, 2.0, 0.1, -0.3};
    static final double[] C = {1.0, -0.2, 0.7, -3.0, 0.05};

    /** Runs {@code steps} steps of the optimizer built on a fresh parameter; returns the values. */
    static double[] run(Function<List<Tensor>, Optimizer> make, int steps) {
        Tensor w = Tensor.vector(W0).requiresGrad(true);
        Tensor c = Tensor.vector(C);
        Optimizer opt = make.apply(List.of(w));
        for (int t = 0; t < steps; t++) {
            try (Tape tape = Tape.record()) {
                tape.backward(w.mul(c).sum().add(w.square().sum().mul(0.5)));
            }
            opt.step();
            opt.zeroGrad();
            assertNull(w.grad());
        }
        assertEquals(steps, opt.stepCount());
        return w.toArray();
    }

    static double grad(double[] w, int i) {
        return C[i] + w[i];
    }

    @Test
    void sgdIsWMinusLrTimesGradient() {
        double lr = 0.1;
        double[] w = W0.clone();
        for (int t = 0; t < 3; t++) {
            double[] g = new double[5];
            for (int i = 0; i < 5; i++) {
                g[i] = grad(w, i);
            }
            for (int i = 0; i < 5; i++) {
                w[i] -= lr * g[i];
            }
        }
        assertArrayEquals(w, run(p -> new SGD(p, lr), 3), 1e-15);
        // one step by hand: w0 - 0.1 (c + w0)
        assertEquals(0.5 - 0.1 * 1.5, run(p -> new SGD(p, lr), 1)[0], 1e-15);
    }

    @Test
    void sgdWithMomentumNesterovAndWeightDecay() {
        double lr = 0.05, mu = 0.9, wd = 0.01;
        for (boolean nesterov : new boolean[] {false, true}) {
            double[] w = W0.clone();
            double[] b = new double[5];
            for (int t = 0; t < 4; t++) {
                double[] g = new double[5];
                for (int i = 0; i < 5; i++) {
                    g[i] = grad(w, i) + wd * w[i];
                }
                for (int i = 0; i < 5; i++) {
                    b[i] = t == 0 ? g[i] : mu * b[i] + g[i];
                    w[i] -= lr * (nesterov ? g[i] + mu * b[i] : b[i]);
                }
            }
            assertArrayEquals(w, run(p -> new SGD(p, lr).momentum(mu).nesterov(nesterov).weightDecay(wd), 4), 1e-14,
                    "nesterov " + nesterov);
        }
        // two momentum steps by hand for element 0: g1 = 1.5; w1 = 0.5 - 0.05*1.5 = 0.425;
        // g2 = 1.425; b2 = 0.9*1.5 + 1.425 = 2.775; w2 = 0.425 - 0.05*2.775 = 0.28625
        assertEquals(0.28625, run(p -> new SGD(p, 0.05).momentum(0.9), 2)[0], 1e-15);
    }

    @Test
    void adamFollowsKingmaAndBaAlgorithm1() {
        double lr = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-8;
        double[] w = W0.clone(), m = new double[5], v = new double[5];
        for (int t = 1; t <= 5; t++) {
            for (int i = 0; i < 5; i++) {
                double g = grad(w, i);
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                double mh = m[i] / (1 - Math.pow(b1, t));
                double vh = v[i] / (1 - Math.pow(b2, t));
                w[i] -= lr * mh / (Math.sqrt(vh) + eps);
            }
        }
        assertArrayEquals(w, run(p -> new Adam(p, lr), 5), 1e-14);
        // the first step moves every weight by about lr against the sign of its gradient
        double[] one = run(p -> new Adam(p, lr), 1);
        for (int i = 0; i < 5; i++) {
            double g = grad(W0, i);
            assertEquals(W0[i] - lr * g / (Math.abs(g) + eps), one[i], 1e-15);
        }
    }

    @Test
    void adamWithL2AndAdamWWithDecoupledDecay() {
        double lr = 0.02, wd = 0.1, b1 = 0.8, b2 = 0.99, eps = 1e-6;
        for (boolean decoupled : new boolean[] {false, true}) {
            double[] w = W0.clone(), m = new double[5], v = new double[5];
            for (int t = 1; t <= 4; t++) {
                for (int i = 0; i < 5; i++) {
                    double g = grad(w, i);
                    if (decoupled) {
                        w[i] *= 1 - lr * wd;   // Loshchilov & Hutter: θ ← θ − ηλθ, then the Adam step
                    } else {
                        g += wd * w[i];
                    }
                    m[i] = b1 * m[i] + (1 - b1) * g;
                    v[i] = b2 * v[i] + (1 - b2) * g * g;
                    w[i] -= lr * (m[i] / (1 - Math.pow(b1, t))) / (Math.sqrt(v[i] / (1 - Math.pow(b2, t))) + eps);
                }
            }
            double[] got = run(p -> (decoupled ? new AdamW(p, lr) : new Adam(p, lr))
                    .betas(b1, b2).epsilon(eps).weightDecay(wd), 4);
            assertArrayEquals(w, got, 1e-14, decoupled ? "AdamW" : "Adam+L2");
        }
    }

    @Test
    void rmspropAndAdagrad() {
        double lr = 0.01, alpha = 0.9, eps = 1e-8, mu = 0.5;
        for (double momentum : new double[] {0, mu}) {
            double[] w = W0.clone(), sq = new double[5], b = new double[5];
            for (int t = 0; t < 4; t++) {
                for (int i = 0; i < 5; i++) {
                    double g = grad(w, i);
                    sq[i] = alpha * sq[i] + (1 - alpha) * g * g;
                    double d = g / (Math.sqrt(sq[i]) + eps);
                    b[i] = momentum * b[i] + d;
                    w[i] -= lr * (momentum > 0 ? b[i] : d);
                }
            }
            assertArrayEquals(w, run(p -> new RMSprop(p, lr).alpha(alpha).momentum(momentum), 4), 1e-14, "RMSprop");
        }
        double[] w = W0.clone(), s = new double[5];
        for (int t = 0; t < 4; t++) {
            for (int i = 0; i < 5; i++) {
                double g = grad(w, i);
                s[i] += g * g;
                w[i] -= 0.1 * g / (Math.sqrt(s[i]) + 1e-10);
            }
        }
        assertArrayEquals(w, run(p -> new Adagrad(p, 0.1), 4), 1e-14, "Adagrad");
        // Adagrad's first step is lr·sign(g)
        assertEquals(0.5 - 0.1, run(p -> new Adagrad(p, 0.1), 1)[0], 1e-10);
    }

    @Test
    void clippingByNormScalesAllGradientsTogetherAndByValueClampsEach() {
        // gradients c + w0 = [1.5, -1.7, 2.7, -2.9, -0.25]
        double[] g = new double[5];
        double sq = 0;
        for (int i = 0; i < 5; i++) {
            g[i] = grad(W0, i);
            sq += g[i] * g[i];
        }
        double norm = Math.sqrt(sq);
        double[] byNorm = run(p -> new SGD(p, 1.0).clipGradNorm(1.0), 1);
        double[] byValue = run(p -> new SGD(p, 1.0).clipGradValue(2.0), 1);
        double[] notClipped = run(p -> new SGD(p, 1.0).clipGradNorm(100), 1);
        for (int i = 0; i < 5; i++) {
            assertEquals(W0[i] - g[i] / (norm + 1e-6), byNorm[i], 1e-15);
            assertEquals(W0[i] - Math.max(-2, Math.min(2, g[i])), byValue[i], 1e-15);
            assertEquals(W0[i] - g[i], notClipped[i], 1e-15);
        }
        // the stored gradients are untouched by clipping, and the norm is reported
        Tensor w = Tensor.vector(W0).requiresGrad(true);
        Optimizer opt = new SGD(List.of(w), 0.1).clipGradNorm(0.5);
        try (Tape tape = Tape.record()) {
            tape.backward(w.mul(Tensor.vector(C)).sum().add(w.square().sum().mul(0.5)));
        }
        double[] before = w.grad().toArray();
        opt.step();
        assertArrayEquals(before, w.grad().toArray());
        assertEquals(norm, opt.lastGradNorm(), 1e-14);
        assertEquals(norm, Optimizer.gradNorm(List.of(w)), 1e-14);
    }

    @Test
    void parametersWithoutGradientsAreSkippedAndBadArgumentsRejected() {
        Tensor a = Tensor.vector(1, 2).requiresGrad(true);
        Tensor b = Tensor.vector(3).requiresGrad(true);
        Optimizer opt = new Adam(List.of(a, b), 0.1);
        try (Tape tape = Tape.record()) {
            tape.backward(a.sum());
        }
        opt.step();
        assertArrayEquals(new double[] {3}, b.toArray());
        assertEquals(0.9, a.toArray()[0], 1e-6);
        assertThrows(IllegalArgumentException.class, () -> new SGD(List.of(Tensor.vector(1)), 0.1));
        assertThrows(IllegalArgumentException.class, () -> new SGD(List.of(a, a), 0.1));
        assertThrows(IllegalArgumentException.class, () -> new SGD(List.of(a), -1));
        assertThrows(IllegalArgumentException.class, () -> new SGD(List.of(a), 0.1).momentum(1.0));
        assertThrows(IllegalArgumentException.class, () -> new Adam(List.of(a), 0.1).betas(0.9, 1.0));
        assertThrows(IllegalArgumentException.class, () -> opt.setLearningRate(Double.NaN));
        opt.setLearningRate(0.5);
        assertEquals(0.5, opt.learningRate());
    }

    @Test
    void learningRateSchedules() {
        LearningRateSchedule step = LearningRateSchedule.step(0.1, 3, 0.5);
        assertArrayEquals(new double[] {0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025},
                new double[] {step.rate(0), step.rate(1), step.rate(2), step.rate(3), step.rate(4), step.rate(5), step.rate(6)}, 1e-17);
        LearningRateSchedule exp = LearningRateSchedule.exponential(0.2, 0.9);
        assertEquals(0.2 * 0.9 * 0.9 * 0.9, exp.rate(3), 1e-15);
        LearningRateSchedule cos = LearningRateSchedule.cosine(1.0, 10, 0.1);
        assertEquals(1.0, cos.rate(0), 1e-15);
        assertEquals(0.55, cos.rate(5), 1e-15);
        assertEquals(0.1, cos.rate(10), 1e-15);
        assertEquals(0.1, cos.rate(25), 1e-15);
        assertEquals(0.1 + 0.9 * (1 + Math.cos(Math.PI * 0.3)) / 2, cos.rate(3), 1e-15);
        LearningRateSchedule warm = LearningRateSchedule.linearWarmup(4, LearningRateSchedule.constant(0.8));
        assertArrayEquals(new double[] {0.2, 0.4, 0.6, 0.8, 0.8},
                new double[] {warm.rate(0), warm.rate(1), warm.rate(2), warm.rate(3), warm.rate(4)}, 1e-15);
        LearningRateSchedule warmCos = LearningRateSchedule.linearWarmup(2, cos);
        assertEquals(cos.rate(5), warmCos.rate(7), 0);
        Tensor w = Tensor.vector(1).requiresGrad(true);
        Optimizer opt = new SGD(List.of(w), 1.0);
        step.apply(opt, 4);
        assertEquals(0.05, opt.learningRate(), 1e-17);
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.step(0.1, 0, 0.5));
        assertTrue(opt.toString().contains("SGD"));
    }
}
