package dev.tapegrad;

import dev.tapegrad.testing.GradCheck;

import dev.tapegrad.testing.OpCatalog;
import dev.tapegrad.testing.OpTest;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Every backward rule is written with Tensor ops so that it differentiates again. For each entry of
 * the op table and each input x: the vector-Jacobian product x ↦ vᵀ·∂op/∂x (recorded through
 * {@link Autodiff#vjp}) is itself checked against central differences.
 */
class VjpJacobianPropertiesTest {
    private static final AtomicInteger CASES = new AtomicInteger();

    @Property(tries = 6)
    void everyBackwardRuleDifferentiatesAgain(@ForAll long seed) {
        RandomGenerator rng = OpGradientPropertiesTest.rng(seed);
        List<String> failures = new ArrayList<>();
        for (OpTest op : OpCatalog.all()) {
            OpCatalog.Case c = op.newCase(rng);
            Tensor[] inputs = c.sampleInputs(rng);
            Tensor v = Tensor.randn(rng, c.outputShape());
            for (int i = 0; i < inputs.length; i++) {
                int at = i;
                Function<Tensor[], Tensor> vjp = in -> Autodiff.vjp(x -> {
                    Tensor[] args = inputs.clone();
                    args[at] = x;
                    return c.apply(args);
                }, in[0], v);
                GradCheck.Result r = GradCheck.check(vjp, inputs[i]);
                CASES.incrementAndGet();
                if (!r.passed()) {
                    failures.add(c.label() + ", derivative of the VJP for input " + i + ":\n" + r);
                }
            }
        }
        if (!failures.isEmpty()) {
            fail(failures.size() + " second-order failures (seed " + seed + "):\n" + String.join("\n", failures));
        }
    }

    @AfterContainer
    static void report() {
        System.out.printf("VjpJacobianPropertiesTest: %d Jacobian-of-VJP checks%n", CASES.get());
    }
}
