package dev.tapegrad;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Anomaly mode: the first NaN or infinity is reported with the op, the position, the shapes and the caller. */
class AnomalyTest {

    @Test
    void forwardNaNNamesOpPositionShapesSiteAndElement() {
        Tensor x = Tensor.vector(1, -1, 4).requiresGrad(true);
        try (Tape tape = Tape.record(Tape.Option.DETECT_ANOMALY)) {
            Tensor y = x.mul(2);
            AnomalyException e = assertThrows(AnomalyException.class, () -> y.sqrt());
            String m = e.getMessage();
            assertTrue(m.contains("forward") && m.contains("sqrt") && m.contains("tape position 1"), m);
            assertTrue(m.contains("NaN") && m.contains("index [1]") && m.contains("[3]"), m);
            assertTrue(m.contains("AnomalyTest"), "names the caller's frame: " + m);
        }
    }

    @Test
    void backwardInfinityIsReported() {
        Tensor x = Tensor.vector(0, 1).requiresGrad(true);
        try (Tape tape = Tape.record(Tape.Option.DETECT_ANOMALY)) {
            Tensor y = x.sqrt().sum();  // forward finite; sqrt'(0) = +inf
            AnomalyException e = assertThrows(AnomalyException.class, () -> tape.backward(y));
            String m = e.getMessage();
            assertTrue(m.contains("backward") && m.contains("sqrt") && m.contains("Infinity") && m.contains("[0]"), m);
            assertTrue(m.contains("AnomalyTest"), m);
        }
        assertTrue(x.grad() == null, "no gradient lands after an anomaly");
    }

    @Test
    void offByDefaultAndValuesPassedOnFromInputsAreNotBlamedOnTheOp() {
        Tensor x = Tensor.vector(-1).requiresGrad(true);
        try (Tape tape = Tape.record()) {
            assertDoesNotThrow(() -> x.log());
        }
        Tensor inf = Tensor.vector(Double.POSITIVE_INFINITY, 1).requiresGrad(true);
        try (Tape tape = Tape.record(Tape.Option.DETECT_ANOMALY)) {
            assertDoesNotThrow(() -> inf.mul(2));  // infinity came in; not produced here
            assertThrows(AnomalyException.class, () -> inf.sub(inf));  // inf - inf = NaN is produced here
        }
    }

    @Test
    void zeroTimesInfinityCompositeGivesNaNThatAnomalyModeReports() {
        // sqrt(sum(x²)) at 0: the gradient is 0·∞, which DESIGN says is NaN and reported
        Tensor x = Tensor.vector(0, 0).requiresGrad(true);
        try (Tape tape = Tape.record(Tape.Option.DETECT_ANOMALY)) {
            Tensor norm = x.square().sum().sqrt();
            assertThrows(AnomalyException.class, () -> tape.backward(norm));
        }
    }
}
