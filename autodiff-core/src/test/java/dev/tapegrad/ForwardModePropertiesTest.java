package dev.tapegrad;

import dev.tapegrad.testing.GradCheck;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tapegrad.testing.OpCatalog;
import dev.tapegrad.testing.OpTest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Forward mode over the whole op table: every op's JVP against central differences and against its
 * VJP (⟨u, J v⟩ = ⟨Jᵀ u, v⟩), then second order in every combination of the modes (forward over
 * forward, forward over reverse, reverse over forward), and random expression DAGs in both modes.
 */
class ForwardModePropertiesTest {
    private static final AtomicInteger FIRST_ORDER = new AtomicInteger();
    private static final AtomicInteger SECOND_ORDER = new AtomicInteger();
    private static final AtomicInteger TREES = new AtomicInteger();

    private static void collect(List<String> failures, String label, List<GradCheck.Result> results, Tensor[] inputs) {
        for (GradCheck.Result r : results) {
            if (!r.passed()) {
                failures.add(label + "\n" + r + "\n  inputs: " + Arrays.toString(inputs));
            }
        }
    }

    @Property(tries = 20)
    void everyOpsJvpMatchesCentralDifferencesAndItsVjp(@ForAll long seed) {
        RandomGenerator rng = OpGradientPropertiesTest.rng(seed);
        List<String> failures = new ArrayList<>();
        for (OpTest op : OpCatalog.all()) {
            OpCatalog.Case c = op.newCase(rng);
            Tensor[] in = c.sampleInputs(rng);
            collect(failures, c.label(), List.of(GradCheck.checkJvp(GradCheck.Options.defaults().withSeed(seed), c.fn(), in)), in);
            FIRST_ORDER.incrementAndGet();
        }
        if (!failures.isEmpty()) {
            fail(failures.size() + " ops failed the forward-mode check (seed " + seed + "):\n" + String.join("\n", failures));
        }
    }

    @Property(tries = 5)
    void everyOpHasRightSecondDerivativesInEveryModeCombination(@ForAll long seed) {
        RandomGenerator rng = OpGradientPropertiesTest.rng(seed);
        List<String> failures = new ArrayList<>();
        for (OpTest op : OpCatalog.all()) {
            OpCatalog.Case c = op.newCase(rng);
            Tensor[] in = c.sampleInputs(rng);
            // reverse over reverse runs in SecondOrderPropertiesTest; here the three that involve forward mode
            collect(failures, c.label(), GradCheck.checkSecondOrderForward(GradCheck.Options.defaults().withSeed(seed),
                    true, c.fn(), in), in);
            SECOND_ORDER.addAndGet(3);
        }
        if (!failures.isEmpty()) {
            fail(failures.size() + " second-order checks failed (seed " + seed + "):\n" + String.join("\n", failures));
        }
    }

    @Property(tries = 40)
    void randomExpressionTreesInBothModes(@ForAll long seed) {
        RandomGenerator rng = OpGradientPropertiesTest.rng(seed);
        ExpressionTree.Drawn d = ExpressionTree.drawWellConditioned(rng, 3 + rng.nextInt(4), OpCatalog.SMOOTH_MARGIN, "seed " + seed);
        List<String> failures = new ArrayList<>();
        collect(failures, d.tree().toString(), List.of(GradCheck.checkJvp(d.tree().fn(), d.leaves())), d.leaves());
        if (rng.nextInt(4) == 0) {  // second order in both modes on a quarter of the trees
            List<GradCheck.Result> rs = GradCheck.checkGrads(GradCheck.Options.defaults(),
                    EnumSet.allOf(GradCheck.Mode.class), 2, d.tree().fn(), d.leaves());
            collect(failures, d.tree().toString(), rs, d.leaves());
        }
        TREES.incrementAndGet();
        if (!failures.isEmpty()) {
            fail("expression DAG (seed " + seed + "):\n" + String.join("\n", failures));
        }
    }

    /** The check must catch a wrong JVP: a custom function whose JVP forgets a factor. */
    @Example
    void aWrongJvpIsCaught() {
        DifferentiableFunction wrong = DifferentiableFunction.of("square", in -> in[0].square(),
                (ctx, g) -> new Tensor[] {g.mul(ctx.input(0)).mul(2.0)})
                .withJvp((ctx, t) -> new Tensor[] {t[0].mul(ctx.input(0))});  // forgot the 2
        GradCheck.Result r = GradCheck.checkJvp(in -> wrong.apply(in[0]), Tensor.vector(0.5, -1.5, 2));
        assertFalse(r.passed(), r::toString);
        // and a JVP that agrees with central differences but not with the VJP is caught by transposition
        DifferentiableFunction wrongVjp = DifferentiableFunction.of("square", in -> in[0].square(),
                (ctx, g) -> new Tensor[] {g.mul(ctx.input(0)).mul(3.0)})
                .withJvp((ctx, t) -> new Tensor[] {t[0].mul(ctx.input(0)).mul(2.0)});
        assertFalse(GradCheck.checkJvp(in -> wrongVjp.apply(in[0]), Tensor.vector(0.5, -1.5, 2)).passed());
    }

    @AfterContainer
    static void report() {
        System.out.printf("forward-mode properties: %d first-order op cases, %d second-order op checks, %d expression DAGs%n",
                FIRST_ORDER.get(), SECOND_ORDER.get(), TREES.get());
    }
}
