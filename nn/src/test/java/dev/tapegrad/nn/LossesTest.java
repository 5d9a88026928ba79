package dev.tapegrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapegrad.Tensor;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Losses against closed forms computed with plain doubles, central differences and second derivatives. */
class LossesTest {

    static final double[] LOGITS = {0.3, -1.2, 2.0, 0.7, 1.5, 0.2, -0.4, 3.1, -2.2, 0.0, 0.9, -0.6};
    static final int[] LABELS = {2, 0, 1};  // 3 samples, 4 classes

    static double[] logSoftmaxRow(double[] x, int row, int c) {
        double m = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < c; k++) {
            m = Math.max(m, x[row * c + k]);
        }
        double s = 0;
        for (int k = 0; k < c; k++) {
            s += Math.exp(x[row * c + k] - m);
        }
        double[] out = new double[c];
        for (int k = 0; k < c; k++) {
            out[k] = x[row * c + k] - m - Math.log(s);
        }
        return out;
    }

    @Test
    void crossEntropyWithLabelsIsMeanNegativeLogSoftmaxAndItsGradientIsSoftmaxMinusOneHotOverB() {
        Tensor logits = Tensor.of(LOGITS, 3, 4);
        double expected = 0;
        double[] grad = new double[12];
        for (int b = 0; b < 3; b++) {
            double[] ls = logSoftmaxRow(LOGITS, b, 4);
            expected -= ls[LABELS[b]] / 3;
            for (int k = 0; k < 4; k++) {
                grad[b * 4 + k] = (Math.exp(ls[k]) - (k == LABELS[b] ? 1 : 0)) / 3;
            }
        }
        assertEquals(expected, Losses.crossEntropy(logits, LABELS).item(), 1e-15);
        assertArrayEquals(grad, Numeric.tapeGradient(in -> Losses.crossEntropy(in[0], LABELS), logits)[0].toArray(), 1e-15);
        // the Loss method reference and the one-hot target form agree
        Loss loss = Losses::crossEntropy;
        assertEquals(expected, loss.apply(logits, Targets.of(LABELS)).item(), 1e-15);
        assertEquals(expected, loss.apply(logits, Targets.of(Losses.oneHot(LABELS, 4))).item(), 1e-15);
        double[] none = Losses.crossEntropy(logits, LABELS, Reduction.NONE, 0).toArray();
        assertEquals(3, none.length);
        assertEquals(-logSoftmaxRow(LOGITS, 1, 4)[0], none[1], 1e-15);
        assertEquals(3 * expected, Losses.crossEntropy(logits, LABELS, Reduction.SUM, 0).item(), 1e-14);
        // a single sample [C]
        Tensor one = Tensor.vector(0.3, -1.2, 2.0, 0.7);
        assertEquals(-logSoftmaxRow(LOGITS, 0, 4)[2], Losses.crossEntropy(one, new int[] {2}).item(), 1e-15);
    }

    @Test
    void crossEntropyIsStableForHugeLogits() {
        Tensor logits = Tensor.of(new double[] {1000, 0, -1000, 0, 800, 1000}, 2, 3);
        double[] none = Losses.crossEntropy(logits, new int[] {1, 1}, Reduction.NONE, 0).toArray();
        assertEquals(1000, none[0], 1e-12);
        assertEquals(200, none[1], 1e-12);
        double[] g = Numeric.tapeGradient(in -> Losses.crossEntropy(in[0], new int[] {1, 1}), logits)[0].toArray();
        for (double v : g) {
            assertTrue(Double.isFinite(v));
        }
        assertEquals(-0.5, g[1], 1e-15);
    }

    @Test
    void labelSmoothingMixesTheOneHotWithTheUniformDistribution() {
        double eps = 0.1;
        double expected = 0;
        for (int b = 0; b < 3; b++) {
            double[] ls = logSoftmaxRow(LOGITS, b, 4);
            for (int k = 0; k < 4; k++) {
                double t = (k == LABELS[b] ? 1 - eps : 0) + eps / 4;
                expected -= t * ls[k] / 3;
            }
        }
        assertEquals(expected, Losses.crossEntropy(Tensor.of(LOGITS, 3, 4), LABELS, Reduction.MEAN, eps).item(), 1e-15);
    }

    @Test
    void softTargetCrossEntropy() {
        double[] t = {0.2, 0.3, 0.5, 0, 1, 0, 0, 0, 0.25, 0.25, 0.25, 0.25};
        double expected = 0;
        for (int b = 0; b < 3; b++) {
            double[] ls = logSoftmaxRow(LOGITS, b, 4);
            for (int k = 0; k < 4; k++) {
                expected -= t[b * 4 + k] * ls[k] / 3;
            }
        }
        assertEquals(expected, Losses.crossEntropy(Tensor.of(LOGITS, 3, 4), Tensor.of(t, 3, 4)).item(), 1e-15);
    }

    @Test
    void mseValuesAndGradient() {
        double[] p = {0.5, -1, 2, 0.25};
        double[] y = {1, -1, 0, 0.75};
        double sum = 0;
        for (int i = 0; i < 4; i++) {
            sum += (p[i] - y[i]) * (p[i] - y[i]);
        }
        Tensor pt = Tensor.of(p, 2, 2), yt = Tensor.of(y, 2, 2);
        assertEquals(sum / 4, Losses.mse(pt, yt).item(), 1e-15);
        assertEquals(sum, Losses.mse(pt, yt, Reduction.SUM).item(), 1e-15);
        assertArrayEquals(new double[] {0.25, 0, 4, 0.25}, Losses.mse(pt, yt, Reduction.NONE).toArray(), 1e-15);
        double[] g = Numeric.tapeGradient(in -> Losses.mse(in[0], yt), pt)[0].toArray();
        for (int i = 0; i < 4; i++) {
            assertEquals(2 * (p[i] - y[i]) / 4, g[i], 1e-15);
        }
        // labels only: against the one-hot encoding (Nielsen's quadratic cost)
        Tensor out = Tensor.of(new double[] {0.1, 0.9, 0.8, 0.2}, 2, 2);
        assertEquals((0.01 + 0.01 + 0.04 + 0.04) / 4, Losses.mse(out, Targets.of(new int[] {1, 0})).item(), 1e-15);
    }

    @Test
    void binaryCrossEntropyOnProbabilitiesClampsTheLogAtMinus100() {
        double[] p = {0.2, 0.9, 0.5, 0.0, 1.0, 1.0};
        double[] y = {0, 1, 1, 1, 0, 1};
        double[] none = Losses.binaryCrossEntropy(Tensor.vector(p), Tensor.vector(y), Reduction.NONE).toArray();
        assertEquals(-Math.log(0.8), none[0], 1e-15);
        assertEquals(-Math.log(0.9), none[1], 1e-15);
        assertEquals(Math.log(2), none[2], 1e-15);
        assertEquals(100, none[3], 1e-12);   // log(0) clamped at -100, as PyTorch
        assertEquals(100, none[4], 1e-12);
        assertEquals(0, none[5], 1e-15);
        double[] g = Numeric.tapeGradient(in -> Losses.binaryCrossEntropy(in[0], Tensor.vector(y), Reduction.SUM),
                Tensor.vector(p))[0].toArray();
        for (int i = 0; i < 3; i++) {
            assertEquals(-y[i] / p[i] + (1 - y[i]) / (1 - p[i]), g[i], 1e-14);
        }
        // saturated predictions: PyTorch's (p - y) / max(p(1 - p), 1e-12), large for a wrong one, never 0
        assertEquals(-1e12, g[3], 1e-3);
        assertEquals(1e12, g[4], 1e-3);
        assertEquals(0, g[5], 0.0);
        // the gradient with respect to the targets: log(1 - p) - log(p), clamped
        double[] gy = Numeric.tapeGradient(in -> Losses.binaryCrossEntropy(Tensor.vector(p), in[0], Reduction.SUM),
                Tensor.vector(y))[0].toArray();
        assertEquals(Math.log(0.8) - Math.log(0.2), gy[0], 1e-14);
        assertEquals(-100 - 0, gy[4], 1e-12);
    }

    @Test
    void binaryCrossEntropyWithAClipEpsilon() {
        double eps = 1e-15;
        double[] none = Losses.binaryCrossEntropy(Tensor.vector(0, 1, 0.3), Tensor.vector(1, 0, 1), eps, Reduction.NONE).toArray();
        assertEquals(-Math.log(eps), none[0], 1e-12);
        assertEquals(-Math.log(1 - (1 - eps)), none[1], 1e-9);
        assertEquals(-Math.log(0.3), none[2], 1e-15);
        assertThrows(IllegalArgumentException.class,
                () -> Losses.binaryCrossEntropy(Tensor.vector(0.5), Tensor.vector(1), 0.7, Reduction.MEAN));
    }

    @Test
    void binaryCrossEntropyWithLogitsIsStableAndHasGradientSigmaMinusY() {
        double[] x = {-800, -3, 0, 2.5, 800, 30};
        double[] y = {1, 0, 1, 0.3, 0, 1};
        double[] none = Losses.binaryCrossEntropyWithLogits(Tensor.vector(x), Tensor.vector(y), Reduction.NONE).toArray();
        for (int i = 0; i < x.length; i++) {
            double expected = Math.max(x[i], 0) - x[i] * y[i] + Math.log1p(Math.exp(-Math.abs(x[i])));
            assertEquals(expected, none[i], 1e-13 * Math.max(1, Math.abs(expected)), "x = " + x[i]);
        }
        assertEquals(800, none[0], 1e-9);
        double[] g = Numeric.tapeGradient(in -> Losses.binaryCrossEntropyWithLogits(in[0], Tensor.vector(y)),
                Tensor.vector(x))[0].toArray();
        for (int i = 0; i < x.length; i++) {
            assertEquals((1 / (1 + Math.exp(-x[i])) - y[i]) / x.length, g[i], 1e-15);
        }
        // with probabilities that are not saturated, it equals BCE of the sigmoid
        Tensor xs = Tensor.vector(-1, 0.5, 2);
        Tensor ys = Tensor.vector(0, 1, 0.4);
        assertEquals(Losses.binaryCrossEntropy(xs.sigmoid(), ys).item(),
                Losses.binaryCrossEntropyWithLogits(xs, ys).item(), 1e-14);
    }

    /** Every loss: gradient by central differences and second derivatives where smooth. */
    @Test
    void everyLossPassesGradientAndSecondDerivativeChecks() {
        Tensor logits = Tensor.of(LOGITS, 3, 4);
        Tensor soft = Tensor.of(new double[] {0.2, 0.3, 0.5, 0, 1, 0, 0, 0, 0.25, 0.25, 0.25, 0.25}, 3, 4);
        Tensor probs = Tensor.of(new double[] {0.2, 0.7, 0.45, 0.9, 0.05, 0.6}, 2, 3);
        Tensor bin = Tensor.of(new double[] {0, 1, 1, 0.3, 0, 1}, 2, 3);
        Tensor reg = Tensor.of(new double[] {0.5, -1, 2, 0.25, 3, -0.3}, 2, 3);
        Object[][] cases = {
            {"crossEntropy(labels)", (Function<Tensor[], Tensor>) in -> Losses.crossEntropy(in[0], LABELS), logits},
            {"crossEntropy(smoothed)", (Function<Tensor[], Tensor>) in -> Losses.crossEntropy(in[0], LABELS, Reduction.SUM, 0.2), logits},
            {"crossEntropy(soft)", (Function<Tensor[], Tensor>) in -> Losses.crossEntropy(in[0], soft), logits},
            {"crossEntropy(none)", (Function<Tensor[], Tensor>) in -> Losses.crossEntropy(in[0], LABELS, Reduction.NONE, 0)
                    .mul(Tensor.vector(1, -2, 0.5)).sum(), logits},
            {"mse", (Function<Tensor[], Tensor>) in -> Losses.mse(in[0], bin), reg},
            {"binaryCrossEntropy", (Function<Tensor[], Tensor>) in -> Losses.binaryCrossEntropy(in[0], bin), probs},
            {"binaryCrossEntropy(eps)", (Function<Tensor[], Tensor>) in -> Losses.binaryCrossEntropy(in[0], bin, 1e-7, Reduction.SUM), probs},
            {"binaryCrossEntropyWithLogits", (Function<Tensor[], Tensor>) in -> Losses.binaryCrossEntropyWithLogits(in[0], bin), reg},
        };
        for (Object[] c : cases) {
            @SuppressWarnings("unchecked")
            Function<Tensor[], Tensor> f = (Function<Tensor[], Tensor>) c[1];
            Numeric.assertGradient((String) c[0], f, 1e-7, (Tensor) c[2]);
            Numeric.assertSecondDerivative((String) c[0], f, 1e-5, (Tensor) c[2]);
        }
        // the target of the soft cross-entropy and of BCE with logits is differentiable too
        Numeric.assertGradient("crossEntropy d/dtarget", in -> Losses.crossEntropy(logits, in[0]), 1e-7, soft);
        Numeric.assertGradient("bceWithLogits d/dtarget", in -> Losses.binaryCrossEntropyWithLogits(reg, in[0]), 1e-7, bin);
    }

    @Test
    void badInputsFailWithClearMessages() {
        Tensor logits = Tensor.of(LOGITS, 3, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Losses.crossEntropy(logits, new int[] {0, 1}));
        assertTrue(e.getMessage().contains("2 labels") && e.getMessage().contains("[3, 4]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Losses.crossEntropy(logits, new int[] {0, 4, 1}));
        assertTrue(e.getMessage().startsWith("crossEntropy:") && e.getMessage().contains("label 4")
                && e.getMessage().contains("[3, 4]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Losses.mse(Tensor.zeros(2, 3), Tensor.zeros(3, 2)));
        assertTrue(e.getMessage().contains("mse") && e.getMessage().contains("[3, 2]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Losses.crossEntropy(logits, LABELS, Reduction.MEAN, 1.5));
        assertThrows(IllegalArgumentException.class, () -> Losses.crossEntropy(Tensor.scalar(1), new int[] {0}));
    }

    @Test
    void crossEntropyPicksTheLabelSoAMinusInfinityLogitElsewhereCostsNothing() {
        Tensor logits = Tensor.matrix(new double[][] {{Double.NEGATIVE_INFINITY, 0, 0}}).requiresGrad(true);
        try (dev.tapegrad.Tape tape = dev.tapegrad.Tape.record()) {
            Tensor loss = Losses.crossEntropy(logits, new int[] {1});
            assertEquals(Math.log(2), loss.item(), 1e-15);  // was NaN: 0 · (−∞) in a one-hot product
            Tensor g = tape.gradient(loss, logits)[0];
            assertArrayEquals(new double[] {0, -0.5, 0.5}, g.toArray(), 1e-15);
        }
        dev.tapegrad.testing.GradCheck.assertGradients(in -> Losses.crossEntropy(in[0], new int[] {2, 0}),
                Tensor.matrix(new double[][] {{0.3, -1, 2}, {1, 0.5, -0.2}}));
        dev.tapegrad.testing.GradCheck.assertSecondOrder(in -> Losses.crossEntropy(in[0], new int[] {2, 0}),
                Tensor.matrix(new double[][] {{0.3, -1, 2}, {1, 0.5, -0.2}}));
    }
}
