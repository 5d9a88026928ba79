package dev.tapegrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** RBF networks solve XOR and classify Iris; back-propagating into the centres beats training the output only. */
class RbfNetworkTest {

    @Test
    void xorIsSolved() {
        RbfNetwork.Result r = RbfNetwork.xor(1);
        assertEquals(1.0, r.trainAccuracy(), 0);
        assertTrue(r.loss()[r.loss().length - 1] < 1e-3, "final loss " + r.loss()[r.loss().length - 1]);
    }

    @Test
    void irisIsClassifiedAndTrainingTheCentresHelps() {
        RbfNetwork.Result full = RbfNetwork.iris(true, true, 1);
        RbfNetwork.Result outOnly = RbfNetwork.iris(true, false, 1);
        assertTrue(full.testAccuracy() >= 0.9, "test accuracy " + full.testAccuracy());
        assertTrue(full.trainAccuracy() >= 0.95, "train accuracy " + full.trainAccuracy());
        assertTrue(full.loss()[RbfNetwork.IRIS_STEPS] < 0.2 * full.loss()[0]);
        assertTrue(full.loss()[RbfNetwork.IRIS_STEPS] < outOnly.loss()[RbfNetwork.IRIS_STEPS]);
        assertEquals(full.loss()[0], outOnly.loss()[0], 0, "same start");
    }
}
