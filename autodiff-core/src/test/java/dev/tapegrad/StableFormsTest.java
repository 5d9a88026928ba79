package dev.tapegrad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** DESIGN's numerically stable forward values, and finite gradients, far into the tails. */
class StableFormsTest {
    private static double[] grad(java.util.function.UnaryOperator<Tensor> f, Tensor x) {
        Tensor leaf = x.detach().requiresGrad(true);
        try (Tape tape = Tape.record()) {
            return tape.gradient(f.apply(leaf).sum(), leaf)[0].toArray();
        }
    }

    @Test
    void sigmoidAndSoftplusDoNotOverflowInEitherTail() {
        Tensor x = Tensor.vector(-800, -40, 0, 40, 800);
        assertArrayEquals(new double[] {0, Math.exp(-40) / (1 + Math.exp(-40)), 0.5, 1 / (1 + Math.exp(-40)), 1},
                x.sigmoid().toArray(), 1e-300);
        assertEquals(Math.exp(-40), x.sigmoid().get(1), 1e-30);
        double[] sp = x.softplus().toArray();
        assertEquals(0.0, sp[0]);
        assertEquals(Math.log1p(Math.exp(-40)), sp[1], 1e-30);  // full relative precision in the left tail
        assertEquals(Math.log(2), sp[2], 1e-16);
        assertEquals(40 + Math.log1p(Math.exp(-40)), sp[3], 1e-14);
        assertEquals(800.0, sp[4]);
        assertArrayEquals(x.sigmoid().toArray(), grad(Tensor::softplus, x), 1e-300);
        double[] gs = grad(Tensor::sigmoid, x);
        assertEquals(0.0, gs[0]);
        assertEquals(0.25, gs[2]);
        assertEquals(0.0, gs[4]);
    }

    @Test
    void theSoftmaxFamilyShiftsByTheMaximum() {
        Tensor x = Tensor.of(new double[] {1000, 1000, -1000, 0}, 2, 2);
        assertArrayEquals(new double[] {1000 + Math.log(2), Math.log1p(Math.exp(-1000))}, x.logSumExp(1).toArray(), 1e-12);
        assertArrayEquals(new double[] {0.5, 0.5, 0, 1}, x.softmax(1).toArray(), 1e-300);
        assertArrayEquals(new double[] {-Math.log(2), -Math.log(2), -1000, 0}, x.logSoftmax(1).toArray(), 1e-12);
        double[] g = grad(t -> t.logSoftmax(1).mul(Tensor.of(new double[] {1, 0, 0, 1}, 2, 2)), x);
        // d/dx of log_softmax(x)[target] = onehot − softmax
        assertArrayEquals(new double[] {0.5, -0.5, 0, 0}, g, 1e-12);
    }

    @Test
    void logSumExpWithAnInfiniteEntry() {
        Tensor x = Tensor.vector(Double.POSITIVE_INFINITY, 0);
        assertEquals(Double.POSITIVE_INFINITY, x.logSumExp(0).item());
        Tensor y = Tensor.vector(Double.NEGATIVE_INFINITY, 2);
        assertEquals(2.0, y.logSumExp(0).item(), 1e-15);
        assertArrayEquals(new double[] {0, 1}, grad(t -> t.logSumExp(0), y));
    }
}
