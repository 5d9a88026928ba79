package dev.tapegrad;

import dev.tapegrad.testing.GradCheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Every bad call of issue 3 throws an IllegalArgumentException naming the op and the shapes, before
 * anything is recorded: the tape's size is the same after the failure as before.
 */
class BadCallsTest {
    private final Tensor m23 = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3).requiresGrad(true);
    private final Tensor v4 = Tensor.vector(1, 2, 3, 4).requiresGrad(true);
    private final Tensor s = Tensor.scalar(2).requiresGrad(true);

    /** Runs {@code call} on a recording tape that already holds one node; checks message and tape size. */
    private static void assertRejected(Executable call, String... expectedInMessage) {
        try (Tape tape = Tape.record()) {
            Tensor.vector(1, 2).requiresGrad(true).mul(2.0);
            int before = tape.size();
            assertEquals(1, before);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
            for (String part : expectedInMessage) {
                assertTrue(e.getMessage().contains(part), "message '" + e.getMessage() + "' lacks '" + part + "'");
            }
            assertEquals(before, tape.size(), "the failed call recorded nodes: " + e.getMessage());
        }
    }

    @Test
    void incompatibleShapes() {
        assertRejected(() -> m23.add(v4), "add", "[2, 3]", "[4]");
        assertRejected(() -> m23.sub(v4), "sub", "[2, 3]", "[4]");
        assertRejected(() -> v4.mul(m23), "mul", "[4]", "[2, 3]");
        assertRejected(() -> m23.div(v4), "div", "[2, 3]", "[4]");
        assertRejected(() -> m23.maximum(v4), "maximum", "[2, 3]", "[4]");
        assertRejected(() -> m23.minimum(v4), "minimum", "[2, 3]", "[4]");
        assertRejected(() -> m23.broadcastTo(3, 3), "broadcastTo", "[2, 3]", "[3, 3]");
        assertRejected(() -> m23.broadcastTo(3), "broadcastTo", "[2, 3]", "[3]");
    }

    @Test
    void matmulShapes() {
        Tensor a = Tensor.zeros(2, 3).requiresGrad(true), b = Tensor.zeros(4, 5);
        assertRejected(() -> a.matmul(b), "matmul: shapes [2, 3] and [4, 5] do not match: inner dimensions 3 and 4 differ");
        assertRejected(() -> v4.matmul(a), "matmul", "[4]", "[2, 3]");
        assertRejected(() -> a.matmul(v4), "matmul", "[2, 3]", "[4]");
        assertRejected(() -> v4.matmul(Tensor.zeros(3)), "matmul", "[4]", "[3]");
        assertRejected(() -> s.matmul(a), "matmul", "[]", "[2, 3]");
        assertRejected(() -> Tensor.zeros(2, 3, 4).requiresGrad(true).matmul(Tensor.zeros(5, 4, 2)),
                "matmul", "[2]", "[5]");
        assertRejected(() -> v4.matmul(Tensor.zeros(2, 3, 5, 1)), "matmul", "[4]", "[2, 3, 5, 1]");
    }

    @Test
    void axisOutOfRange() {
        assertRejected(() -> m23.sum(2), "sum", "axis 2", "rank 2");
        assertRejected(() -> m23.sum(-3, true), "sum", "axis -3");
        assertRejected(() -> m23.mean(5), "mean", "axis 5");
        assertRejected(() -> m23.max(2), "max", "axis 2");
        assertRejected(() -> m23.min(-3), "min", "axis -3", "rank 2");
        assertRejected(() -> m23.logSumExp(2), "logSumExp", "axis 2");
        assertRejected(() -> m23.softmax(-3), "softmax", "axis -3");
        assertRejected(() -> m23.logSoftmax(2), "axis 2");
        assertRejected(() -> s.sum(0), "sum", "axis 0", "scalar");
        assertRejected(() -> m23.unsqueeze(3), "unsqueeze", "axis 3");
        assertRejected(() -> m23.squeeze(0), "squeeze", "[2, 3]", "size 2");
        assertRejected(() -> m23.squeeze(2), "squeeze", "axis 2");
        assertRejected(() -> m23.slice(2, 0, 1), "slice", "axis 2");
        assertRejected(() -> m23.slice(1, 2, 5), "slice", "[2, 5)", "[2, 3]");
        assertRejected(() -> m23.slice(1, 2, 1), "slice", "[2, 1)");
        assertRejected(() -> m23.permute(0, 0), "permute", "[0, 0]", "[2, 3]");
        assertRejected(() -> m23.permute(0, 1, 2), "permute", "[2, 3]");
        assertRejected(() -> Tensor.stack(3, m23, m23), "stack", "axis 3");
        assertRejected(() -> Tensor.concat(2, m23, m23), "concat", "axis 2");
    }

    @Test
    void emptyReductionsAreRejected() {
        Tensor empty = Tensor.zeros(0, 3).requiresGrad(true);
        assertRejected(() -> empty.max(0), "max", "[0, 3]", "empty");
        assertRejected(empty::max, "max", "empty");
        assertRejected(() -> empty.min(0), "min", "[0, 3]", "empty");
    }

    @Test
    void wrongElementCountInReshape() {
        assertRejected(() -> m23.reshape(4, 2), "reshape", "[4, 2]", "8", "[2, 3]", "6");
        assertRejected(() -> m23.reshape(-1, 4), "reshape", "[-1, 4]", "[2, 3]");
        assertRejected(() -> m23.reshape(-1, -1), "reshape", "more than one -1");
        assertRejected(() -> m23.reshape(-2, 3), "reshape", "negative", "[-2, 3]");
    }

    @Test
    void concatAndStackOfMismatchedShapes() {
        Tensor other = Tensor.zeros(3, 4);
        assertRejected(() -> Tensor.concat(0, m23, other), "concat", "[3, 4]", "[2, 3]");
        assertRejected(() -> Tensor.concat(1, m23, v4), "concat", "[4]", "[2, 3]");
        assertRejected(() -> Tensor.concat(0), "concat", "no tensors");
        assertRejected(() -> Tensor.stack(0, m23, other), "stack", "[3, 4]", "[2, 3]");
        assertRejected(() -> Tensor.stack(0), "stack", "no tensors");
    }

    @Test
    void negativeAndNaNArguments() {
        assertRejected(() -> Tensor.zeros(2, -1), "zeros", "negative", "[2, -1]");
        assertRejected(() -> Tensor.ones(-3), "negative", "[-3]");
        assertRejected(() -> Tensor.full(1.0, -1, 2), "full", "negative");
        assertRejected(() -> Tensor.of(new double[] {1, 2, 3}, 2, 2), "of", "3 values", "[2, 2]");
        assertRejected(() -> Tensor.of(new double[0], -1), "of", "negative");
        assertRejected(() -> Tensor.eye(-2), "eye", "negative");
        assertRejected(() -> Tensor.arange(-1), "arange", "negative");
        assertRejected(() -> m23.broadcastTo(-1, 3), "broadcastTo", "negative");
        assertRejected(() -> m23.pow(Double.NaN), "pow", "NaN", "[2, 3]");
        assertRejected(() -> m23.clamp(Double.NaN, 1), "clamp", "NaN", "[2, 3]");
        assertRejected(() -> m23.clamp(0, Double.NaN), "clamp", "NaN", "[2, 3]");
        assertRejected(() -> m23.clamp(2, 1), "clamp", "2.0", "1.0", "[2, 3]");
        assertRejected(() -> Tensor.matrix(new double[][] {{1, 2}, {3}}), "matrix", "row 1");
    }

    @Test
    void backwardAndGradientOfANonScalarNeedASeed() {
        try (Tape tape = Tape.record(Tape.Option.KEEP)) {
            Tensor y = m23.mul(2.0);
            int before = tape.size();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tape.backward(y));
            assertTrue(e.getMessage().contains("backward") && e.getMessage().contains("[2, 3]")
                    && e.getMessage().contains("seed"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> tape.gradient(y, m23));
            assertTrue(e.getMessage().contains("gradient") && e.getMessage().contains("[2, 3]"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> tape.vjp(y, Tensor.ones(3, 2), m23));
            assertTrue(e.getMessage().contains("vjp") && e.getMessage().contains("[3, 2]")
                    && e.getMessage().contains("[2, 3]"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> tape.vjp(y, Tensor.ones(6), m23));
            assertTrue(e.getMessage().contains("[6]"), e.getMessage());
            assertEquals(before, tape.size());
            // the tape still works after the refusals
            Tensor[] g = tape.vjp(y, Tensor.ones(2, 3), m23);
            assertEquals(2.0, g[0].get(1, 2));
            assertEquals(null, m23.grad());
        }
    }

    @Test
    void gradCheckRejectsBadOptionsAndFunctions() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GradCheck.check(in -> null, Tensor.vector(1)));
        assertTrue(e.getMessage().contains("GradCheck") && e.getMessage().contains("null"));
        e = assertThrows(IllegalArgumentException.class,
                () -> GradCheck.check(in -> in[0].get(0) > 1 ? in[0].sum() : in[0], Tensor.vector(1, 1.0000001)));
        assertTrue(e.getMessage().contains("output shape"), e.getMessage());
    }
}
