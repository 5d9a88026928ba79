package dev.tapegrad;

import dev.tapegrad.testing.GradCheck;

import dev.tapegrad.testing.OpCatalog;
import dev.tapegrad.testing.OpTest;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Second derivatives: Hessian-vector products of every op of the table and of random expression
 * DAGs, from differentiating the recorded backward pass, against central differences of the
 * analytic gradient ({@link GradCheck#checkSecondOrder}). Also shows that the check catches a
 * backward whose first derivative is right but whose second is not.
 */
class SecondOrderPropertiesTest {
    private static final AtomicInteger OP_CASES = new AtomicInteger();
    private static final AtomicInteger TREE_CASES = new AtomicInteger();

    @Property(tries = 8)
    void everyOpHasRightSecondDerivatives(@ForAll long seed) {
        RandomGenerator rng = OpGradientPropertiesTest.rng(seed);
        List<String> failures = new ArrayList<>();
        for (OpTest op : OpCatalog.all()) {
            OpCatalog.Case c = op.newCase(rng);
            Tensor[] inputs = c.sampleInputs(rng);
            GradCheck.Result r = GradCheck.checkSecondOrder(c.fn(), inputs);
            OP_CASES.incrementAndGet();
            if (!r.passed()) {
                failures.add(c.label() + "\n" + r + "\n  inputs: " + Arrays.toString(inputs));
            }
        }
        if (!failures.isEmpty()) {
            fail(failures.size() + " ops failed the second-order check (seed " + seed + "):\n" + String.join("\n", failures));
        }
    }

    @Property(tries = 60)
    void randomExpressionTreesHaveRightSecondDerivatives(@ForAll long seed) {
        RandomGenerator rng = OpGradientPropertiesTest.rng(seed);
        int depth = 3 + rng.nextInt(4);
        ExpressionTree.Drawn d = ExpressionTree.drawWellConditioned(rng, depth, OpCatalog.SMOOTH_MARGIN, "seed " + seed);
        GradCheck.Result r = GradCheck.checkSecondOrder(d.tree().fn(), d.leaves());
        TREE_CASES.incrementAndGet();
        if (!r.passed()) {
            fail("expression DAG of depth " + d.tree().depth() + " (seed " + seed + "):\n" + d.tree() + r
                    + "\n  leaves: " + Arrays.toString(d.leaves()));
        }
    }

    @Example
    void aBackwardWithARightFirstButWrongSecondDerivativeIsCaught() {
        // cube with a backward that saves 3x² as a constant: first order right, second order 0 instead of 6x
        DifferentiableFunction cube = DifferentiableFunction.withContext("constantSavingCube",
                (ctx, in) -> {
                    ctx.save(in[0].square().mul(3));
                    return new Tensor[] {in[0].pow(3)};
                },
                (ctx, g) -> new Tensor[] {g.mul(ctx.saved(0))});
        Tensor x = Tensor.vector(0.5, -1.2, 2.0);
        assertTrue(GradCheck.check(in -> cube.apply(in[0]).sum(), x).passed());
        GradCheck.Result second = GradCheck.checkSecondOrder(in -> cube.apply(in[0]).sum(), x);
        assertFalse(second.passed());
        assertTrue(second.toString().contains("input 0"), second.toString());
    }

    @Example
    void theSameFunctionWrittenFromTheContextInputsPasses() {
        DifferentiableFunction cube = DifferentiableFunction.of("cube", in -> in[0].pow(3),
                (ctx, g) -> new Tensor[] {g.mul(ctx.input(0).square().mul(3))});
        Tensor x = Tensor.vector(0.5, -1.2, 2.0);
        Tensor w = Tensor.vector(1.5, 0.3, -0.7);
        GradCheck.assertGradients(in -> cube.apply(in[0]).mul(in[1]).sum(), x, w);
        GradCheck.assertSecondOrder(in -> cube.apply(in[0]).mul(in[1]).sum(), x, w);
        GradCheck.assertSecondOrder(in -> cube.apply(in[0]).mul(in[1]), x, w);  // non-scalar output
        assertTrue(GradCheck.checkBackward(in -> cube.apply(in[0]).mul(in[1]), x, w).passed());
    }

    @Example
    void checkBackwardCatchesANonLinearAndANonRepeatableBackward() {
        DifferentiableFunction squaredSeed = DifferentiableFunction.of("squaredSeed", in -> in[0].mul(2),
                (ctx, g) -> new Tensor[] {g.square()});
        GradCheck.Result r = GradCheck.checkBackward(in -> squaredSeed.apply(in[0]), Tensor.vector(1, 2));
        assertFalse(r.passed());
        double[] noise = {0};
        DifferentiableFunction noisy = DifferentiableFunction.of("noisy", in -> in[0].mul(2),
                (ctx, g) -> new Tensor[] {g.mul(2 + (noise[0] += 1e-9))});
        assertFalse(GradCheck.checkBackward(in -> noisy.apply(in[0]), Tensor.vector(1, 2)).passed());
        DifferentiableFunction offset = DifferentiableFunction.of("offset", in -> in[0].mul(2),
                (ctx, g) -> new Tensor[] {g.mul(2).add(1e-3)});
        assertFalse(GradCheck.checkBackward(in -> offset.apply(in[0]), Tensor.vector(1, 2)).passed());
    }

    @AfterContainer
    static void report() {
        System.out.printf("SecondOrderPropertiesTest: %d single-op second-order cases, %d expression-DAG cases%n",
                OP_CASES.get(), TREE_CASES.get());
    }
}
