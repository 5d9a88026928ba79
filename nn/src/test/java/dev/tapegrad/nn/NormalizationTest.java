package dev.tapegrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapegrad.testing.GradCheck;
import dev.tapegrad.Tape;
import dev.tapegrad.Tensor;
import java.nio.file.Path;
import java.util.List;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BatchNorm1d/2d and LayerNorm against closed forms on plain doubles (batch statistics, biased
 * variance for normalising, unbiased for the running estimate, momentum, evaluation mode), and
 * their gradients against central differences, first and second order.
 */
class NormalizationTest {

    static RandomGenerator rng(long seed) {
        return RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
    }

    /** Values of channel c of x [N, C, rest...] flattened (x row-major). */
    static double[] channel(double[] x, int n, int c, int channels, int rest, int which) {
        double[] out = new double[n * rest];
        for (int i = 0; i < n; i++) {
            System.arraycopy(x, (i * channels + which) * rest, out, i * rest, rest);
        }
        return out;
    }

    static double mean(double[] v) {
        double s = 0;
        for (double d : v) {
            s += d;
        }
        return s / v.length;
    }

    static double sumSq(double[] v, double m) {
        double s = 0;
        for (double d : v) {
            s += (d - m) * (d - m);
        }
        return s;
    }

    @Test
    void batchNorm1dTrainingNormalisesWithTheBiasedVarianceAndUpdatesRunningStatsWithTheUnbiasedOne() {
        int n = 5, c = 3, len = 2;
        Tensor x = Tensor.randn(rng(1), n, c, len).mul(2).add(1.5);
        BatchNorm1d bn = new BatchNorm1d(c);
        Tensor y = bn.forward(x);
        double[] xs = x.toArray(), ys = y.toArray();
        for (int ch = 0; ch < c; ch++) {
            double[] v = channel(xs, n, c, c, len, ch);
            double m = mean(v), biased = sumSq(v, m) / v.length, unbiased = sumSq(v, m) / (v.length - 1);
            double[] out = channel(ys, n, c, c, len, ch);
            for (int i = 0; i < v.length; i++) {
                assertEquals((v[i] - m) / Math.sqrt(biased + 1e-5), out[i], 1e-12);
            }
            assertEquals(0.1 * m, bn.runningMean().toArray()[ch], 1e-14);
            assertEquals(0.9 + 0.1 * unbiased, bn.runningVar().toArray()[ch], 1e-14);
        }
        // evaluation: the running estimates, nothing updated
        bn.eval();
        double[] rm = bn.runningMean().toArray(), rv = bn.runningVar().toArray();
        Tensor z = bn.forward(x);
        assertArrayEquals(rm, bn.runningMean().toArray());
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < c; ch++) {
                for (int l = 0; l < len; l++) {
                    int k = (i * c + ch) * len + l;
                    assertEquals((xs[k] - rm[ch]) / Math.sqrt(rv[ch] + 1e-5), z.toArray()[k], 1e-12);
                }
            }
        }
        // a second training step moves the estimates again with momentum 0.1
        bn.train();
        Tensor x2 = Tensor.randn(rng(2), n, c, len);
        bn.forward(x2);
        double[] v0 = channel(x2.toArray(), n, c, c, len, 0);
        assertEquals(0.9 * rm[0] + 0.1 * mean(v0), bn.runningMean().toArray()[0], 1e-14);
    }

    @Test
    void batchNorm2dUsesEveryAxisButTheChannelsAndSavesItsBuffers(@TempDir Path dir) throws Exception {
        int n = 2, c = 3, h = 2, w = 3;
        Tensor x = Tensor.randn(rng(3), n, c, h, w);
        BatchNorm2d bn = new BatchNorm2d(c, 1e-3, 0.5, true);
        Tensor y = bn.forward(x);
        double[] v = channel(x.toArray(), n, c, c, h * w, 1);
        double m = mean(v);
        double[] out = channel(y.toArray(), n, c, c, h * w, 1);
        assertEquals((v[4] - m) / Math.sqrt(sumSq(v, m) / v.length + 1e-3), out[4], 1e-12);
        assertEquals(0.5 * 1 + 0.5 * sumSq(v, m) / (v.length - 1), bn.runningVar().toArray()[1], 1e-14);
        assertEquals(List.of("weight", "bias"), List.copyOf(bn.namedParameters().keySet()));
        assertEquals(List.of("running_mean", "running_var"), List.copyOf(bn.namedBuffers().keySet()));
        assertEquals(2, bn.parameters().size());
        // the running statistics travel with the model file, under PyTorch's names
        Sequential net = new Sequential(bn);
        Path file = dir.resolve("bn.safetensors");
        net.save(file);
        BatchNorm2d other = new BatchNorm2d(c, 1e-3, 0.5, true);
        new Sequential(other).load(file);
        assertArrayEquals(bn.runningVar().toArray(), other.runningVar().toArray());
        assertEquals(List.of("0.weight", "0.bias", "0.running_mean", "0.running_var"), List.copyOf(net.namedState().keySet()));
    }

    @Test
    void batchNormRefusesBadInputs() {
        BatchNorm1d bn = new BatchNorm1d(4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> bn.forward(Tensor.zeros(3, 5)));
        assertTrue(e.getMessage().contains("BatchNorm1d(4)") && e.getMessage().contains("[3, 5]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> bn.forward(Tensor.zeros(1, 4)));
        assertTrue(e.getMessage().contains("more than one"), e.getMessage());
        assertArrayEquals(new double[4], bn.runningMean().toArray());   // nothing updated by the refused call
        bn.eval();
        assertArrayEquals(new int[] {1, 4}, bn.forward(Tensor.zeros(1, 4)).shape());   // fine in evaluation mode
        assertThrows(IllegalArgumentException.class, () -> new BatchNorm2d(3).forward(Tensor.zeros(2, 3, 4)));
        assertThrows(IllegalArgumentException.class, () -> new BatchNorm1d(3, 1e-5, 1.5, true));
    }

    @Test
    void batchNormGradientsMatchCentralDifferencesFirstAndSecondOrder() {
        Tensor x2 = Tensor.randn(rng(4), 4, 3);
        Tensor x3 = Tensor.randn(rng(5), 3, 2, 2);
        Tensor x4 = Tensor.randn(rng(6), 2, 2, 2, 2);
        Tensor w3 = Tensor.vector(0.5, 1.5, -1).add(0), b3 = Tensor.vector(0.1, -0.2, 0.3);
        Tensor w2 = Tensor.vector(1.2, -0.7), b2 = Tensor.vector(0.0, 0.4);
        // training mode: through the batch mean and variance
        for (Tensor[] in : List.of(new Tensor[] {x2, w3, b3}, new Tensor[] {x3, w2, b2}, new Tensor[] {x4, w2, b2})) {
            java.util.function.Function<Tensor[], Tensor> f = t -> BatchNorm.train(t[0], t[1], t[2], 1e-5);
            GradCheck.assertGradients(f, in);
            GradCheck.assertSecondOrder(t -> f.apply(t).mul(f.apply(t).add(1)).sum(), in);
        }
        // evaluation mode: a fixed affine map per channel
        Tensor rm = Tensor.vector(0.2, -0.1, 0.0), rv = Tensor.vector(1.5, 0.5, 2.0);
        GradCheck.assertGradients(t -> BatchNorm.normalize(t[0], rm, rv, t[1], t[2], 1e-5), x2, w3, b3);
        // the module's own forward, with respect to its input
        BatchNorm1d bn = new BatchNorm1d(3);
        GradCheck.assertGradients(t -> bn.forward(t[0]).square().sum(), x2);
        // gradients reach the parameters through the module
        try (Tape tape = Tape.record()) {
            tape.backward(bn.forward(x2).mul(Tensor.randn(rng(7), 4, 3)).sum());
        }
        assertArrayEquals(new int[] {3}, bn.weight().grad().shape());
    }

    @Test
    void layerNormNormalisesEachSampleOverTheTrailingShape() {
        Tensor x = Tensor.randn(rng(8), 2, 3, 4).mul(3).add(-1);
        LayerNorm ln = new LayerNorm(3, 4);
        Tensor y = ln.forward(x);
        double[] xs = x.toArray(), ys = y.toArray();
        for (int b = 0; b < 2; b++) {
            double[] v = new double[12];
            System.arraycopy(xs, b * 12, v, 0, 12);
            double m = mean(v), var = sumSq(v, m) / 12;
            for (int i = 0; i < 12; i++) {
                assertEquals((v[i] - m) / Math.sqrt(var + 1e-5), ys[b * 12 + i], 1e-12);
            }
        }
        ln.eval();
        assertArrayEquals(ys, ln.forward(x).toArray());   // the same in evaluation mode
        assertArrayEquals(new int[] {3, 4}, ln.weight().shape());
        LayerNorm last = new LayerNorm(4);
        assertArrayEquals(new int[] {2, 3, 4}, last.forward(x).shape());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ln.forward(Tensor.zeros(2, 4, 3)));
        assertTrue(e.getMessage().contains("[2, 4, 3]") && e.getMessage().contains("[3, 4]"), e.getMessage());
        assertEquals(0, new LayerNorm(new int[] {4}, 1e-5, false).parameterCount());
    }

    @Test
    void layerNormGradientsMatchCentralDifferencesFirstAndSecondOrder() {
        Tensor x = Tensor.randn(rng(9), 2, 2, 3);
        Tensor w = Tensor.randn(rng(10), 2, 3), b = Tensor.randn(rng(11), 2, 3);
        GradCheck.assertGradients(t -> LayerNorm.apply(t[0], 2, t[1], t[2], 1e-5), x, w, b);
        GradCheck.assertSecondOrder(t -> LayerNorm.apply(t[0], 2, t[1], t[2], 1e-5).tanh().sum(), x, w, b);
        Tensor w1 = Tensor.randn(rng(12), 3), b1 = Tensor.randn(rng(13), 3);
        GradCheck.assertGradients(t -> LayerNorm.apply(t[0], 1, t[1], t[2], 1e-5), x, w1, b1);
        GradCheck.assertSecondOrder(t -> LayerNorm.apply(t[0], 1, t[1], t[2], 1e-5).square().sum(), x, w1, b1);
    }
}
