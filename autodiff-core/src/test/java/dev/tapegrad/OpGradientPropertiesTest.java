package dev.tapegrad;

import dev.tapegrad.testing.GradCheck;

import dev.tapegrad.testing.OpCatalog;
import dev.tapegrad.testing.OpTest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * The op table drives these properties: every op's gradient (the full Jacobian for small outputs)
 * against central differences, on generated shapes and values inside its domain and smooth region;
 * the binary ops on the required broadcast pairs; random expression DAGs built from the table.
 */
class OpGradientPropertiesTest {
    private static final AtomicInteger OP_CASES = new AtomicInteger();
    private static final AtomicInteger BROADCAST_CASES = new AtomicInteger();
    private static final AtomicInteger TREE_CASES = new AtomicInteger();
    private static final AtomicInteger TREE_OPS = new AtomicInteger();

    private static final List<String> BINARY_OPS = List.of("add", "sub", "mul", "div", "maximum", "minimum");

    static RandomGenerator rng(long seed) {
        return RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
    }

    private static void assertAllPassed(List<OpCatalog.CaseResult> results, String context) {
        List<String> failures = new ArrayList<>();
        for (OpCatalog.CaseResult r : results) {
            if (!r.result().passed()) {
                failures.add(r + System.lineSeparator() + "  inputs: " + Arrays.toString(r.inputs()));
            }
        }
        if (!failures.isEmpty()) {
            fail(failures.size() + " of " + results.size() + " cases failed (" + context + "):"
                    + System.lineSeparator() + String.join(System.lineSeparator(), failures));
        }
    }

    /** Each try draws new shapes, parameters and values for every entry of the table. */
    @Property(tries = 40)
    void everyOpMatchesCentralDifferences(@ForAll long seed) {
        RandomGenerator rng = rng(seed);
        List<OpCatalog.CaseResult> results = new ArrayList<>();
        for (OpTest op : OpCatalog.all()) {
            results.add(op.newCase(rng).check(rng, GradCheck.Options.defaults()));
        }
        OP_CASES.addAndGet(results.size());
        assertAllPassed(results, "seed " + seed);
    }

    /** The other settings of GradCheck run over the whole table too: PyTorch's preset and fast mode. */
    @Property(tries = 5)
    void everyOpPassesWithThePytorchPresetAndInFastMode(@ForAll long seed) {
        RandomGenerator rng = rng(seed);
        List<OpCatalog.CaseResult> results = new ArrayList<>();
        for (OpTest op : OpCatalog.all()) {
            results.add(op.newCase(rng).check(rng, GradCheck.Options.pytorch()));
            results.add(op.newCase(rng).check(rng, GradCheck.Options.defaults().withFast(true).withSeed(seed)));
        }
        OP_CASES.addAndGet(results.size());
        assertAllPassed(results, "seed " + seed);
    }

    @Property(tries = 5)
    void binaryOpsOnEveryRequiredBroadcastPair(@ForAll long seed) {
        RandomGenerator rng = rng(seed);
        List<OpCatalog.CaseResult> results = new ArrayList<>();
        for (String name : BINARY_OPS) {
            OpTest op = OpCatalog.get(name);
            for (int[][] pair : OpCatalog.BROADCAST_PAIRS) {
                results.add(op.newCase(rng, pair[0], pair[1]).check(rng, GradCheck.Options.defaults()));
                results.add(op.newCase(rng, pair[1], pair[0]).check(rng, GradCheck.Options.defaults()));
            }
        }
        BROADCAST_CASES.addAndGet(results.size());
        assertAllPassed(results, "seed " + seed);
    }

    @Property(tries = 400)
    void randomExpressionTreesMatchCentralDifferences(@ForAll long seed) {
        RandomGenerator rng = rng(seed);
        int depth = 3 + rng.nextInt(4);
        ExpressionTree.Drawn d = ExpressionTree.drawWellConditioned(rng, depth, OpCatalog.SMOOTH_MARGIN, "seed " + seed);
        GradCheck.Result r = GradCheck.check(d.tree().fn(), d.leaves());
        TREE_CASES.incrementAndGet();
        TREE_OPS.addAndGet(d.tree().opCount());
        if (!r.passed()) {
            fail("expression DAG of depth " + d.tree().depth() + " (seed " + seed + "):\n" + d.tree() + r
                    + "\n  leaves: " + Arrays.toString(d.leaves()));
        }
        assertEquals(depth, d.tree().depth());
    }

    @Example
    void theTableCoversTheWholeCatalogue() {
        Set<String> names = new TreeSet<>(OpCatalog.names());
        for (String required : List.of("add", "sub", "mul", "div", "add(double)", "sub(double)", "mul(double)",
                "div(double)", "neg", "square", "sqrt", "abs", "exp", "log", "tanh", "sigmoid", "relu", "softplus",
                "maximum", "minimum", "clamp", "matmul(1-D,1-D)", "matmul(1-D,2-D)", "matmul(2-D,1-D)",
                "matmul(2-D,2-D)", "matmul(N-D,N-D)", "transpose", "permute", "reshape", "broadcastTo", "slice",
                "concat", "stack", "unsqueeze", "squeeze", "sum", "sum(axis)", "sum(axis,keepDims)", "mean",
                "mean(axis)", "mean(axis,keepDims)", "max(axis)", "min(axis)", "logSumExp(axis)", "softmax(axis)",
                "logSoftmax(axis)", "pow(0)", "pow(0.5)", "pow(3)", "pow(-1.5)")) {
            assertTrue(names.contains(required), "op table lacks " + required + "; has " + names);
        }
        assertTrue(OpCatalog.matching("matmul").size() >= 5);
    }

    @Example
    void batchedMatmulBroadcastsItsBatchAxes() {
        RandomGenerator rng = rng(11);
        OpTest op = OpCatalog.get("matmul(N-D,N-D)");
        List<OpCatalog.CaseResult> results = new ArrayList<>();
        for (int[][] shapes : List.of(new int[][] {{2, 1, 3, 4}, {3, 4, 2}}, new int[][] {{1, 2, 3}, {4, 1, 3, 2}},
                new int[][] {{2, 2, 3}, {2, 3, 1}})) {
            results.add(op.newCase(rng, shapes).check(rng, GradCheck.Options.defaults()));
        }
        assertEquals(List.of(2, 3, 3, 2), Arrays.stream(op.newCase(rng, new int[] {2, 1, 3, 4}, new int[] {3, 4, 2})
                .outputShape()).boxed().toList());
        assertAllPassed(results, "batched matmul");
    }

    @AfterContainer
    static void report() {
        System.out.printf("OpGradientPropertiesTest: %d single-op cases (%d table entries), %d broadcast-pair cases, "
                        + "%d expression DAGs with %d ops in total%n", OP_CASES.get(), OpCatalog.names().size(),
                BROADCAST_CASES.get(), TREE_CASES.get(), TREE_OPS.get());
    }
}
