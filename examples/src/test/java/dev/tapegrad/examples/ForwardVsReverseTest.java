package dev.tapegrad.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapegrad.Autodiff;
import dev.tapegrad.Tensor;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Both modes give the same gradient (times are measured by the example, never asserted). */
class ForwardVsReverseTest {
    @Test
    void forwardModeNPassesEqualReverseModeOnePass() {
        Function<Tensor, Tensor> f = ForwardVsReverse.function(50);
        Tensor x = Tensor.randn(java.util.random.RandomGeneratorFactory.of("L64X128MixRandom").create(3), 50);
        Tensor fwd = ForwardVsReverse.gradientByForwardMode(f, x);
        Tensor rev = Autodiff.grad(f).apply(x);
        assertArrayEquals(rev.toArray(), fwd.toArray(), 1e-15);
        ForwardVsReverse.Row row = ForwardVsReverse.measure(20, 1);
        assertTrue(row.maxDifference() < 1e-15, row::toString);
    }
}
