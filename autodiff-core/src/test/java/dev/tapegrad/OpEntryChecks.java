package dev.tapegrad;

import dev.tapegrad.testing.GradCheck;
import dev.tapegrad.testing.OpCatalog;
import dev.tapegrad.testing.OpTest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.random.RandomGenerator;

/** Shared by the family tests: random cases of named table entries, first and second order, both modes. */
final class OpEntryChecks {
    private OpEntryChecks() {}

    /** The failure reports of {@code cases} random cases of each named entry (empty if all pass). */
    static List<String> failuresInBothModes(Collection<String> names, int cases, long seed) {
        RandomGenerator rng = OpGradientPropertiesTest.rng(seed);
        List<String> failures = new ArrayList<>();
        for (String name : names) {
            OpTest op = OpCatalog.get(name);
            for (int i = 0; i < cases; i++) {
                OpCatalog.Case c = op.newCase(rng);
                Tensor[] in = c.sampleInputs(rng);
                GradCheck.Result first = GradCheck.check(c.fn(), in);
                GradCheck.Result second = GradCheck.checkSecondOrder(c.fn(), in);
                if (!first.passed() || !second.passed()) {
                    failures.add(c.label() + "\n" + first + "\n" + second);
                }
                GradCheck.Result forward = GradCheck.checkJvp(c.fn(), in);
                if (!forward.passed()) {
                    failures.add(c.label() + ": forward mode\n" + forward);
                }
            }
        }
        return failures;
    }
}
