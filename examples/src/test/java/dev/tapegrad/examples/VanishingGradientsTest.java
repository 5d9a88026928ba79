package dev.tapegrad.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapegrad.examples.VanishingGradients.Case;
import org.junit.jupiter.api.Test;

/**
 * The shape of the per-layer gradient norms: in a 10-layer sigmoid network they fall by orders of
 * magnitude from the last layer to the first, and it does not learn; with ReLU and He
 * initialisation they stay within an order of magnitude, and it does.
 */
class VanishingGradientsTest {

    @Test
    void sigmoidGradientsVanishTowardsTheInput() {
        for (Case c : new Case[] {Case.SIGMOID_XAVIER, Case.SIGMOID_HE}) {
            VanishingGradients.Result r = VanishingGradients.run(c, c == Case.SIGMOID_XAVIER ? 2 : 0, 1);
            for (int k = 0; k < r.norms().length; k++) {
                assertTrue(r.firstOverLast(k) < 1e-3, c + " checkpoint " + k + ": first/last " + r.firstOverLast(k));
                double[] n = r.norms()[k];
                for (int l = 1; l < n.length; l++) {
                    assertTrue(n[l] > n[l - 1], c + ": layer " + (l + 1) + " above layer " + l + " at checkpoint " + k);
                }
            }
            if (r.norms().length > 1) {
                assertTrue(r.testAccuracy() < 0.3, "a deep sigmoid network barely learns in 2 epochs: " + r.testAccuracy());
            }
        }
    }

    @Test
    void reluWithHeInitialisationKeepsThemAlike() {
        VanishingGradients.Result he = VanishingGradients.run(Case.RELU_HE, 2, 1);
        for (int k = 0; k < he.norms().length; k++) {
            double ratio = he.firstOverLast(k);
            assertTrue(ratio > 0.1 && ratio < 10, "checkpoint " + k + ": first/last " + ratio);
        }
        assertTrue(he.testAccuracy() > 0.6, "and it learns: test accuracy " + he.testAccuracy());
        VanishingGradients.Result xavier = VanishingGradients.run(Case.RELU_XAVIER, 0, 1);
        double ratio = xavier.firstOverLast(0);
        assertTrue(ratio > 0.1 && ratio < 10, "ReLU with Xavier: first/last " + ratio);
        // Xavier loses half the variance per ReLU layer: the whole gradient is smaller than with He
        assertTrue(xavier.norms()[0][9] < 0.1 * he.norms()[0][9]);
    }
}
