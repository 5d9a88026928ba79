package dev.tapegrad;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/**
 * REFERENCES R1: Mazur's 2-2-2 sigmoid network ("A Step by Step Backpropagation Example", 2015),
 * reproduced with tensors and the tape to the printed digits.
 */
class MazurNetworkTest {
    /** Asserts that {@code actual} rounds to {@code printed} at the number of decimals printed. */
    private static void assertPrinted(String printed, double actual, String what) {
        BigDecimal expected = new BigDecimal(printed);
        double halfUnit = 0.5 * Math.pow(10, -expected.scale());
        assertEquals(expected.doubleValue(), actual, halfUnit * (1 + 1e-9), what + " (published " + printed + ")");
    }

    @Test
    void forwardValuesErrorAndGradientsMatchThePublishedFigures() {
        Tensor i = Tensor.vector(0.05, 0.10);
        Tensor target = Tensor.vector(0.01, 0.99);
        // row h of W1 holds the weights into hidden unit h: [[w1, w2], [w3, w4]]
        Tensor w1 = Tensor.matrix(new double[][] {{0.15, 0.20}, {0.25, 0.30}}).requiresGrad(true);
        Tensor w2 = Tensor.matrix(new double[][] {{0.40, 0.45}, {0.50, 0.55}}).requiresGrad(true);
        Tensor b1 = Tensor.scalar(0.35), b2 = Tensor.scalar(0.60);

        try (Tape tape = Tape.record()) {
            Tensor netH = w1.matmul(i).add(b1);
            Tensor outH = netH.sigmoid();
            Tensor netO = w2.matmul(outH).add(b2);
            Tensor outO = netO.sigmoid();
            Tensor errors = target.sub(outO).square().mul(0.5);
            Tensor total = errors.sum();

            assertPrinted("0.3775", netH.get(0), "net_h1");
            assertPrinted("0.593269992", outH.get(0), "out_h1");
            assertPrinted("0.596884378", outH.get(1), "out_h2");
            assertPrinted("1.105905967", netO.get(0), "net_o1");
            assertPrinted("0.75136507", outO.get(0), "out_o1");
            assertPrinted("0.772928465", outO.get(1), "out_o2");
            assertPrinted("0.274811083", errors.get(0), "E_o1");
            assertPrinted("0.023560026", errors.get(1), "E_o2");
            assertPrinted("0.298371109", total.item(), "E_total");

            Tensor[] g = tape.gradient(total, outO, netO, w2, w1);
            assertPrinted("0.74136507", g[0].get(0), "dE/dout_o1");
            assertPrinted("0.186815602", g[1].get(0) / g[0].get(0), "dout_o1/dnet_o1");
            assertPrinted("0.082167041", g[2].get(0, 0), "dE/dw5");
            assertPrinted("0.000438568", g[3].get(0, 0), "dE/dw1");

            // one step of gradient descent, eta = 0.5 (every gradient from the same weights)
            Tensor w2Next = w2.detach().sub(g[2].mul(0.5));
            Tensor w1Next = w1.detach().sub(g[3].mul(0.5));
            assertPrinted("0.35891648", w2Next.get(0, 0), "w5+");
            assertPrinted("0.408666186", w2Next.get(0, 1), "w6+");
            assertPrinted("0.511301270", w2Next.get(1, 0), "w7+");
            assertPrinted("0.561370121", w2Next.get(1, 1), "w8+");
            assertPrinted("0.149780716", w1Next.get(0, 0), "w1+");
            assertPrinted("0.19956143", w1Next.get(0, 1), "w2+");
            assertPrinted("0.24975114", w1Next.get(1, 0), "w3+");
            assertPrinted("0.29950229", w1Next.get(1, 1), "w4+");
        }
    }

    @Test
    void backwardAccumulatesTheSameGradientsIntoTheLeaves() {
        Tensor i = Tensor.vector(0.05, 0.10), target = Tensor.vector(0.01, 0.99);
        Tensor w1 = Tensor.matrix(new double[][] {{0.15, 0.20}, {0.25, 0.30}}).requiresGrad(true);
        Tensor w2 = Tensor.matrix(new double[][] {{0.40, 0.45}, {0.50, 0.55}}).requiresGrad(true);
        try (Tape tape = Tape.record()) {
            Tensor out = w2.matmul(w1.matmul(i).add(0.35).sigmoid()).add(0.60).sigmoid();
            tape.backward(target.sub(out).square().sum().mul(0.5));
        }
        assertPrinted("0.082167041", w2.grad().get(0, 0), "dE/dw5 via backward");
        assertPrinted("0.000438568", w1.grad().get(0, 0), "dE/dw1 via backward");
    }
}
