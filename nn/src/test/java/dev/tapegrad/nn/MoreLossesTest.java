package dev.tapegrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapegrad.testing.GradCheck;
import dev.tapegrad.Tensor;
import org.junit.jupiter.api.Test;

/**
 * L1, Huber, smooth L1, NLL, KL divergence and cosine embedding loss against closed forms on plain
 * doubles, a published figure, and central differences (first and second order, away from kinks).
 */
class MoreLossesTest {

    static final double[] OUT = {0.3, -1.7, 2.0, 0.45, 1.5, -0.2};
    static final double[] TGT = {0.0, 0.2, -0.6, 0.4, 3.5, -0.9};

    static Tensor out() {
        return Tensor.of(OUT, 2, 3);
    }

    static Tensor tgt() {
        return Tensor.of(TGT, 2, 3);
    }

    @Test
    void l1HuberAndSmoothL1AreTheirClosedForms() {
        double l1 = 0, huber = 0, huber2 = 0, smooth = 0;
        for (int i = 0; i < OUT.length; i++) {
            double d = Math.abs(OUT[i] - TGT[i]);
            l1 += d / 6;
            huber += (d < 1 ? 0.5 * d * d : d - 0.5) / 6;
            huber2 += (d < 0.5 ? 0.5 * d * d : 0.5 * (d - 0.25)) / 6;
            smooth += (d < 0.5 ? 0.5 * d * d / 0.5 : d - 0.25) / 6;
        }
        assertEquals(l1, Losses.l1(out(), tgt()).item(), 1e-15);
        assertEquals(6 * l1, Losses.l1(out(), tgt(), Reduction.SUM).item(), 1e-14);
        assertEquals(huber, Losses.huber(out(), Targets.of(tgt())).item(), 1e-15);
        assertEquals(huber2, Losses.huber(out(), tgt(), 0.5, Reduction.MEAN).item(), 1e-15);
        assertEquals(smooth, Losses.smoothL1(out(), tgt(), 0.5, Reduction.MEAN).item(), 1e-15);
        assertEquals(huber, Losses.smoothL1(out(), Targets.of(tgt())).item(), 1e-15);   // β = δ = 1: the same
        assertEquals(l1, Losses.smoothL1(out(), tgt(), 0, Reduction.MEAN).item(), 1e-15);
        assertEquals(l1, Losses.l1(out(), Targets.of(tgt())).item(), 1e-15);
        // the gradient of Huber is d inside and ±δ outside
        double[] g = Numeric.tapeGradient(in -> Losses.huber(in[0], tgt(), 0.5, Reduction.SUM), out())[0].toArray();
        for (int i = 0; i < OUT.length; i++) {
            double d = OUT[i] - TGT[i];
            assertEquals(Math.abs(d) < 0.5 ? d : Math.signum(d) * 0.5, g[i], 1e-15);
        }
        assertThrows(IllegalArgumentException.class, () -> Losses.huber(out(), tgt(), 0, Reduction.MEAN));
        assertThrows(IllegalArgumentException.class, () -> Losses.smoothL1(out(), tgt(), -1, Reduction.MEAN));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Losses.l1(out(), Tensor.zeros(3, 2)));
        assertTrue(e.getMessage().contains("l1") && e.getMessage().contains("[3, 2]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Losses.l1(out(), Targets.of(new int[] {1, 2})));
    }

    @Test
    void nllPicksTheLogProbabilityOfTheLabelAndWithLogSoftmaxIsCrossEntropy() {
        Tensor logits = out();
        int[] labels = {2, 0};
        Tensor lp = logits.logSoftmax(-1);
        double expected = -(lp.get(0, 2) + lp.get(1, 0)) / 2;
        assertEquals(expected, Losses.nll(lp, labels).item(), 1e-15);
        assertEquals(Losses.crossEntropy(logits, labels).item(), Losses.nll(lp, labels).item(), 1e-15);
        assertArrayEquals(new double[] {-lp.get(0, 2), -lp.get(1, 0)}, Losses.nll(lp, labels, Reduction.NONE).toArray(), 1e-15);
        assertEquals(-lp.get(0, 2), Losses.nll(lp.slice(0, 0, 1).reshape(3), new int[] {2}).item(), 1e-15);
        assertEquals(expected, Losses.nll(lp, Targets.of(labels)).item(), 1e-15);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Losses.nll(lp, new int[] {3, 0}));
        assertTrue(e.getMessage().contains("nll") && e.getMessage().contains("[2, 3]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Losses.nll(lp, new int[] {1}));
    }

    @Test
    void klDivergenceFollowsPytorchsConventionAndReductions() {
        Tensor logQ = out().logSoftmax(-1);
        Tensor p = Tensor.of(new double[] {0.2, 0.0, 0.8, 0.5, 0.25, 0.25}, 2, 3);
        double sum = 0;
        double[] q = logQ.toArray(), pv = p.toArray();
        for (int i = 0; i < 6; i++) {
            sum += pv[i] == 0 ? 0 : pv[i] * (Math.log(pv[i]) - q[i]);
        }
        assertEquals(sum / 2, Losses.klDiv(logQ, p, Reduction.BATCHMEAN, false).item(), 1e-15);
        assertEquals(sum / 6, Losses.klDiv(logQ, p, Reduction.MEAN, false).item(), 1e-15);
        assertEquals(sum, Losses.klDiv(logQ, p, Reduction.SUM, false).item(), 1e-14);
        assertEquals(0.0, Losses.klDiv(logQ, p, Reduction.NONE, false).get(0, 1), 0.0);   // p = 0 contributes 0
        assertEquals(sum / 2, Losses.klDiv(logQ, Targets.of(p)).item(), 1e-15);
        Tensor logP = Tensor.of(new double[] {0.2, 0.1, 0.7, 0.5, 0.25, 0.25}, 2, 3).log();
        double sum2 = 0;
        for (int i = 0; i < 6; i++) {
            sum2 += Math.exp(logP.toArray()[i]) * (logP.toArray()[i] - q[i]);
        }
        assertEquals(sum2 / 2, Losses.klDiv(logQ, logP, Reduction.BATCHMEAN, true).item(), 1e-15);
        // D(p‖p) = 0; the gradient with respect to log q is −p / batch
        assertEquals(0, Losses.klDiv(logP, logP, Reduction.SUM, true).item(), 1e-15);
        double[] g = Numeric.tapeGradient(in -> Losses.klDiv(in[0], p, Reduction.BATCHMEAN, false), logQ)[0].toArray();
        for (int i = 0; i < 6; i++) {
            assertEquals(-pv[i] / 2, g[i], 1e-15);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Losses.mse(out(), tgt(), Reduction.BATCHMEAN));
        assertTrue(e.getMessage().contains("klDiv"), e.getMessage());
    }

    @Test
    void cosineEmbeddingLossReproducesThePublishedExample() {
        // Paddle's documented example of the same definition (float32 output 0.42310387, 0; mean 0.21155193)
        Tensor a = Tensor.matrix(new double[][] {{1.6, 1.2, -0.5}, {3.2, 2.6, -5.8}});
        Tensor b = Tensor.matrix(new double[][] {{0.5, 0.5, -1.8}, {2.3, -1.4, 1.1}});
        int[] y = {1, -1};
        assertArrayEquals(new double[] {0.42310387, 0}, Losses.cosineEmbedding(a, b, y, 0.5, Reduction.NONE).toArray(), 1e-7);
        assertEquals(0.21155193, Losses.cosineEmbedding(a, b, y, 0.5, Reduction.MEAN).item(), 1e-7);
        // closed form with y = −1 above the margin: cos − margin
        double cos = (3.2 * 2.3 - 2.6 * 1.4 - 5.8 * 1.1)
                / Math.sqrt((3.2 * 3.2 + 2.6 * 2.6 + 5.8 * 5.8) * (2.3 * 2.3 + 1.4 * 1.4 + 1.1 * 1.1));
        assertEquals(cos + 0.5, Losses.cosineEmbedding(a, b, new int[] {1, -1}, -0.5, Reduction.NONE).get(1), 1e-12);
        assertEquals(1 - cos, Losses.cosineEmbedding(a.slice(0, 1, 2).reshape(3), b.slice(0, 1, 2).reshape(3),
                new int[] {1}, 0, Reduction.SUM).item(), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> Losses.cosineEmbedding(a, b, new int[] {1, 0}, 0, Reduction.MEAN));
        assertThrows(IllegalArgumentException.class, () -> Losses.cosineEmbedding(a, b, new int[] {1}, 0, Reduction.MEAN));
    }

    @Test
    void gradientsMatchCentralDifferencesFirstAndSecondOrder() {
        Tensor logQ = out().logSoftmax(-1);
        Tensor p = Tensor.of(new double[] {0.2, 0.1, 0.7, 0.5, 0.25, 0.25}, 2, 3);
        Tensor a = Tensor.matrix(new double[][] {{1.6, 1.2, -0.5}, {3.2, 2.6, -5.8}, {0.3, -0.4, 1.0}});
        Tensor b = Tensor.matrix(new double[][] {{0.5, 0.5, -1.8}, {2.3, -1.4, 1.1}, {0.2, 0.1, 0.9}});
        java.util.Map<String, java.util.function.Function<Tensor[], Tensor>> fs = new java.util.LinkedHashMap<>();
        fs.put("l1", in -> Losses.l1(in[0], in[1]));
        fs.put("huber", in -> Losses.huber(in[0], in[1], 1.0, Reduction.NONE));
        fs.put("smoothL1", in -> Losses.smoothL1(in[0], in[1], 0.6, Reduction.SUM));
        for (var e : fs.entrySet()) {
            GradCheck.Result r = GradCheck.check(e.getValue(), out(), tgt());
            assertTrue(r.passed(), e.getKey() + "\n" + r);
            GradCheck.Result r2 = GradCheck.checkSecondOrder(e.getValue(), out(), tgt());
            assertTrue(r2.passed(), e.getKey() + " (second order)\n" + r2);
        }
        GradCheck.assertGradients(in -> Losses.nll(in[0].logSoftmax(-1), new int[] {1, 2}), out());
        GradCheck.assertSecondOrder(in -> Losses.nll(in[0].logSoftmax(-1), new int[] {1, 2}), out());
        GradCheck.assertGradients(in -> Losses.klDiv(in[0], in[1], Reduction.BATCHMEAN, false), logQ, p);
        GradCheck.assertSecondOrder(in -> Losses.klDiv(in[0], in[1], Reduction.BATCHMEAN, false), logQ, p);
        GradCheck.assertGradients(in -> Losses.klDiv(in[0], in[1], Reduction.NONE, true), logQ, p.log());
        GradCheck.assertSecondOrder(in -> Losses.klDiv(in[0], in[1], Reduction.MEAN, true), logQ, p.log());
        // margin 0.1: the y = −1 pairs (cos 0.79 and −0.23 with b) are away from the hinge
        int[] y = {1, -1, -1};
        GradCheck.assertGradients(in -> Losses.cosineEmbedding(in[0], in[1], y, 0.1, Reduction.NONE), a, b);
        GradCheck.assertSecondOrder(in -> Losses.cosineEmbedding(in[0], in[1], y, 0.1, Reduction.MEAN), a, b);
    }
}
