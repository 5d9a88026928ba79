package dev.tapegrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapegrad.Tensor;
import org.junit.jupiter.api.Test;

/** The perceptron convergence theorem and its limit: AND, OR, NOT are learned, XOR never. */
class PerceptronTest {

    @Test
    void separableFunctionsReachZeroMistakesAndStayThere() {
        for (String name : new String[] {"AND", "OR", "NOT"}) {
            Object[] p = Perceptron.problems().get(name);
            for (double eta : new double[] {0.1, 1, 3}) {
                Perceptron.Run r = Perceptron.train((Tensor) p[0], (double[]) p[1], eta, 50);
                int at = r.convergedAt();
                assertTrue(at > 1 && at < 50, name + ", eta " + eta + ": converged at " + at);
                for (int e = at - 1; e < 50; e++) {
                    assertEquals(0, r.mistakes()[e], name + ": no mistake after convergence");
                }
                // the learned unit computes the function
                Tensor x = (Tensor) p[0];
                for (int i = 0; i < x.shape(0); i++) {
                    double net = r.bias();
                    for (int j = 0; j < x.shape(1); j++) {
                        net += r.weights()[j] * x.get(i, j);
                    }
                    assertEquals(((double[]) p[1])[i], net >= 0 ? 1 : 0, 0, name + " sample " + i);
                }
            }
        }
    }

    @Test
    void xorNeverReachesZeroMistakes() {
        Object[] p = Perceptron.problems().get("XOR");
        for (double eta : new double[] {0.1, 1, 3}) {
            Perceptron.Run r = Perceptron.train((Tensor) p[0], (double[]) p[1], eta, 1000);
            assertEquals(-1, r.convergedAt(), "eta " + eta);
            for (int m : r.mistakes()) {
                assertTrue(m >= 1, "every epoch of XOR has a mistake");
            }
        }
    }

    @Test
    void aHiddenLayerTrainedByBackPropagationSolvesXor() {
        HiddenLayerXor.Run r = HiddenLayerXor.train(HiddenLayerXor.DEFAULT_SEED, HiddenLayerXor.EPOCHS);
        assertTrue(r.solved(), "seed 1 solves XOR: " + java.util.Arrays.toString(r.outputs()));
        assertTrue(r.loss()[HiddenLayerXor.EPOCHS] < 0.01 * r.loss()[0]);
        int solved = 0;
        for (long s = 2; s < 6; s++) {
            solved += HiddenLayerXor.train(s, HiddenLayerXor.EPOCHS).solved() ? 1 : 0;
        }
        assertTrue(solved >= 3, "most starts solve XOR: " + solved + " of 4");
    }
}
