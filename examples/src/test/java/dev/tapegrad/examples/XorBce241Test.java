package dev.tapegrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** REFERENCES R2: for every seed tried the final mean BCE lies in [0.1057, 0.112] and the outputs approach y. */
class XorBce241Test {

    @Test
    void finalLossIsInThePublishedBandForSeveralSeeds() {
        double[] y = {0, 0.85, 1, 0};
        for (long seed = 0; seed < 8; seed++) {
            XorBce241.Run run = XorBce241.train(seed, XorBce241.EPOCHS);
            double loss = run.finalLoss();
            assertTrue(loss >= 0.1057 && loss <= 0.112, "seed " + seed + ": final loss " + loss);
            assertTrue(run.loss()[0] > 0.3, "seed " + seed + ": training started from an untrained network");
            for (int i = 0; i < 4; i++) {
                assertEquals(y[i], run.outputs()[i], 0.05, "seed " + seed + ": output " + i);
            }
        }
    }

    @Test
    void theSameSeedGivesTheSameCurve() {
        XorBce241.Run a = XorBce241.train(3, 200);
        XorBce241.Run b = XorBce241.train(3, 200);
        assertEquals(a.finalLoss(), b.finalLoss(), 0.0);
        assertTrue(a.loss()[200] < a.loss()[0]);
    }
}
