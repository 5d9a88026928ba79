package dev.tapegrad.cli;

import dev.tapegrad.testing.OpCatalog;
import dev.tapegrad.testing.OpTest;

import dev.tapegrad.testing.GradCheck;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * {@code tapegrad gradcheck}: checks the backward rule of every op of the core's op table (or of
 * the ops whose name starts with {@code --op}) against central differences on random shapes and
 * values inside each op's domain, and prints one line per op.
 */
@Command(name = "gradcheck", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Check every op's gradient and JVP (or one op's) against central differences.",
                "Each case draws random shapes (broadcast pairs included) and values inside the op's domain."},
        footer = {"", "Examples:", "  tapegrad gradcheck", "  tapegrad gradcheck --op matmul --cases 20", "  tapegrad gradcheck --list"})
public final class GradcheckCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--op", paramLabel = "NAME", description = "Check only this op (all its forms, e.g. 'matmul' checks matmul(1-D,2-D), ...).")
    String op;

    @Option(names = "--cases", defaultValue = "3", description = "Random cases per op. Default: ${DEFAULT-VALUE}.")
    int cases;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the shapes and values. Default: ${DEFAULT-VALUE}.")
    long seed;

    /** Which mode of differentiation to check. */
    enum Mode { rev, fwd, both }

    @Option(names = "--mode", defaultValue = "both",
            description = "rev: gradients (VJPs); fwd: forward mode (JVPs, also against the VJP); both. Default: ${DEFAULT-VALUE}.")
    Mode mode;

    @Option(names = "--list", description = "List the ops of the table and exit.")
    boolean list;

    @Option(names = {"-v", "--verbose"}, description = "Print the full report of every case, not only of failures.")
    boolean verbose;

    @Option(names = "--threads", paramLabel = "N", description = "Threads for the parallel kernels (default: all cores).")
    Integer threads;

    @Override
    public Integer call() {
        Threads.apply(threads);
        PrintWriter out = spec.commandLine().getOut();
        if (cases < 1 || cases > 1000) {
            throw new CliException("usage: --cases " + cases + " must be between 1 and 1000");
        }
        if (list) {
            for (OpTest o : OpCatalog.all()) {
                out.println(o.name() + "  " + o.description());
            }
            return 0;
        }
        List<OpTest> ops = op == null ? OpCatalog.all() : OpCatalog.matching(op);
        if (ops.isEmpty()) {
            throw new CliException("usage: --op " + op + ": no such op; 'tapegrad gradcheck --list' lists the "
                    + OpCatalog.all().size() + " ops");
        }
        RandomGenerator rng = RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
        GradCheck.Options options = GradCheck.Options.defaults().withSeed(seed);
        int failedOps = 0;
        List<String> failures = new ArrayList<>();
        long start = System.nanoTime();
        for (OpTest o : ops) {
            List<OpCatalog.CaseResult> results = new ArrayList<>();
            for (int c = 0; c < cases; c++) {
                OpCatalog.Case k = o.newCase(rng);
                if (mode != Mode.fwd) {
                    results.add(k.check(rng, options));
                }
                if (mode != Mode.rev) {
                    results.add(k.checkJvp(rng, options));
                }
            }
            double maxAbs = 0;
            int failed = 0;
            for (OpCatalog.CaseResult r : results) {
                maxAbs = Math.max(maxAbs, r.result().maxAbsError());
                if (!r.result().passed()) {
                    failed++;
                    failures.add(r.toString());
                } else if (verbose) {
                    out.println(r);
                }
            }
            if (failed > 0) {
                failedOps++;
            }
            out.printf(Locale.ROOT, "%-4s %-34s %d case%s  max |analytic - numeric| %.2e%n", failed == 0 ? "ok" : "FAIL",
                    o.name(), results.size(), results.size() == 1 ? "" : "s", maxAbs);
        }
        for (String f : failures) {
            out.println();
            out.println(f);
        }
        out.printf(Locale.ROOT, "%d of %d ops passed (%d cases each, %s, seed %d) in %.1f s%n", ops.size() - failedOps, ops.size(),
                cases, mode == Mode.both ? "both modes" : mode == Mode.rev ? "reverse mode" : "forward mode", seed,
                (System.nanoTime() - start) / 1e9);
        out.flush();
        if (failedOps > 0) {
            spec.commandLine().getErr().println("tapegrad gradcheck: " + failedOps + " op" + (failedOps == 1 ? "" : "s")
                    + " failed the gradient check (reports above)");
            return TapegradCommand.EXIT_FAILURE;
        }
        return 0;
    }
}
