package dev.tapegrad;

import static dev.tapegrad.ReductionOps.allAxes;
import static dev.tapegrad.ReductionOps.cumprod;
import static dev.tapegrad.ReductionOps.cumsum;
import static dev.tapegrad.ReductionOps.frobenius;
import static dev.tapegrad.ReductionOps.logSumExp;
import static dev.tapegrad.ReductionOps.max;
import static dev.tapegrad.ReductionOps.mean;
import static dev.tapegrad.ReductionOps.min;
import static dev.tapegrad.ReductionOps.norm;
import static dev.tapegrad.ReductionOps.plan;
import static dev.tapegrad.ReductionOps.prod;
import static dev.tapegrad.ReductionOps.std;
import static dev.tapegrad.ReductionOps.sum;
import static dev.tapegrad.ReductionOps.var;

import dev.tapegrad.ReductionOps.Plan;
import dev.tapegrad.testing.Domain;
import dev.tapegrad.testing.Gen;
import dev.tapegrad.testing.OpTest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The test metadata of {@link ReductionOps}: one op-table entry per function and form (random
 * axes, negative half the time; margins from ties and from std's kink at a constant group), and
 * the functions callable by name from {@code graph --expr}.
 */
final class ReductionEntries {
    private ReductionEntries() {}

    private static final Domain VALUES = Domain.free(-3, 3);

    private interface AxesFn {
        Tensor apply(Tensor x, int[] axes);
    }

    /** A random non-empty set of the axes of a rank-r shape, in random order, each negative half the time. */
    static int[] randomAxes(RandomGenerator rng, int r) {
        if (r == 0) {
            throw new IllegalArgumentException("a scalar has no axes");
        }
        int[] perm = Gen.permutation(rng, r);
        int[] axes = Arrays.copyOf(perm, 1 + rng.nextInt(r));
        for (int i = 0; i < axes.length; i++) {
            axes[i] = rng.nextBoolean() ? axes[i] - r : axes[i];
        }
        return axes;
    }

    /** The merged [groups, n] values of x over axes, for margins. */
    private static double[] merged(Tensor x, int[] axes) {
        try (Tape.Pause pause = Tape.pause()) {
            return plan("margin", x.shape, axes).merge(x).toArray();
        }
    }

    /** Distance from a tie of the group maximum (or minimum) of f(x) over axes. */
    private static double tieGap(Tensor x, int[] axes, boolean min, boolean abs) {
        Plan p = plan("margin", x.shape, axes);
        double[] v = merged(x, axes);
        if (abs) {
            for (int i = 0; i < v.length; i++) {
                v[i] = Math.abs(v[i]);
            }
        }
        return Gen.topGap(v, Shapes.size(p.kept()), p.n(), 1, min);
    }

    /**
     * An entry over random axes of a shape of rank 1 to 3 ({@code nonEmpty}: no empty dimension);
     * {@code margin} gives the distance from the non-smooth points for the chosen axes.
     */
    private static OpTest axesEntry(String name, String description, Domain domain, boolean nonEmpty, AxesFn f,
                                    java.util.function.BiFunction<Tensor, int[], Double> margin) {
        return axesEntry(name, description, domain, nonEmpty ? 1 : 0, f, margin);
    }

    /** {@link #axesEntry} whose groups hold at least {@code minGroup} elements (var and std with ddof 1 need 2). */
    private static OpTest axesEntry(String name, String description, Domain domain, int minGroup, AxesFn f,
                                    java.util.function.BiFunction<Tensor, int[], Double> margin) {
        return OpTest.of(name, description, new Domain[] {domain},
                rng -> {
                    int[] s = Gen.shape(rng, 1 + rng.nextInt(3), minGroup >= 2 ? 3 : 4);
                    for (int i = 0; i < s.length && minGroup >= 2; i++) {
                        s[i]++;  // dims 2 to 4: every group of reduced axes holds at least 2 elements
                    }
                    return new int[][] {s};
                },
                (s, rng) -> {
                    int[] axes = randomAxes(rng, s[0].length);
                    Plan p = plan(name, s[0], axes);
                    if (p.n() < minGroup) {
                        throw new IllegalArgumentException(name + ": groups of " + p.n() + " elements, " + minGroup + " needed");
                    }
                    return new OpTest.Bound("axes=" + Arrays.toString(axes), in -> f.apply(in[0], axes),
                            margin == null ? in -> Double.POSITIVE_INFINITY : in -> margin.apply(in[0], axes));
                });
    }

    /** An entry over the whole tensor (any shape, {@code nonEmpty}: at least one element). */
    private static OpTest wholeEntry(String name, String description, Domain domain, boolean nonEmpty,
                                     java.util.function.Function<Tensor, Tensor> f, java.util.function.ToDoubleFunction<Tensor> margin) {
        return OpTest.of(name, description, new Domain[] {domain},
                rng -> new int[][] {nonEmpty ? Gen.nonEmptyShape(rng) : Gen.anyShape(rng)},
                (s, rng) -> {
                    if (nonEmpty && Gen.size(s[0]) == 0) {
                        throw new IllegalArgumentException(name + ": empty tensor");
                    }
                    return new OpTest.Bound("", in -> f.apply(in[0]),
                            margin == null ? in -> Double.POSITIVE_INFINITY : in -> margin.applyAsDouble(in[0]));
                });
    }

    /** Smallest standard deviation over the groups (distance from std's kink at a constant group); +inf for single elements. */
    private static double stdGap(Tensor x, int[] axes, int ddof) {
        Plan p = plan("margin", x.shape, axes);
        if (p.n() <= 1) {
            return Double.POSITIVE_INFINITY;
        }
        double gap = Double.POSITIVE_INFINITY;
        try (Tape.Pause pause = Tape.pause()) {
            for (double v : var(x, axes, ddof, false).toArray()) {
                gap = Math.min(gap, Math.sqrt(v));
            }
        }
        return gap;
    }

    static final OpRegistry.Family FAMILY = new OpRegistry.Family() {
        @Override
        public List<OpTest> tests() {
            List<OpTest> out = new ArrayList<>();
            Domain kinkAtZero = VALUES.withKinks(0.0);
            out.add(axesEntry("sum(axes)", "ReductionOps.sum(x, axes)", VALUES, false, ReductionOps::sum, null));
            out.add(axesEntry("sum(axes,keepDims)", "ReductionOps.sum(x, axes, true)", VALUES, false, (x, a) -> sum(x, a, true), null));
            out.add(axesEntry("mean(axes)", "ReductionOps.mean(x, axes)", VALUES, true, ReductionOps::mean, null));
            out.add(axesEntry("mean(axes,keepDims)", "ReductionOps.mean(x, axes, true)", VALUES, true, (x, a) -> mean(x, a, true), null));
            out.add(axesEntry("max(axes)", "ReductionOps.max(x, axes), ties 1/k over the group", VALUES, true, ReductionOps::max,
                    (x, a) -> tieGap(x, a, false, false)));
            out.add(axesEntry("max(axes,keepDims)", "ReductionOps.max(x, axes, true)", VALUES, true, (x, a) -> max(x, a, true),
                    (x, a) -> tieGap(x, a, false, false)));
            out.add(wholeEntry("min", "ReductionOps.min(x): all elements, ties 1/k", VALUES, true, ReductionOps::min,
                    x -> tieGap(x, allAxes(x), true, false)));
            out.add(axesEntry("min(axes,keepDims)", "ReductionOps.min(x, axes, true)", VALUES, true, (x, a) -> min(x, a, true),
                    (x, a) -> tieGap(x, a, true, false)));
            Domain factors = Domain.free(-2, 2);
            out.add(wholeEntry("prod", "ReductionOps.prod(x): all elements", factors, false, ReductionOps::prod, null));
            out.add(axesEntry("prod(axes)", "ReductionOps.prod(x, axes)", factors, false, ReductionOps::prod, null));
            out.add(axesEntry("prod(axes,keepDims)", "ReductionOps.prod(x, axes, true)", factors, false, (x, a) -> prod(x, a, true), null));
            out.add(axesEntry("cumsum(axis)", "ReductionOps.cumsum(x, axis)", VALUES, false, (x, a) -> cumsum(x, a[0]), null));
            out.add(axesEntry("cumprod(axis)", "ReductionOps.cumprod(x, axis)", factors, false, (x, a) -> cumprod(x, a[0]), null));
            out.add(wholeEntry("var", "ReductionOps.var(x): all elements, ddof 0", VALUES, true, ReductionOps::var, null));
            out.add(axesEntry("var(axes,ddof=1)", "ReductionOps.var(x, axes, 1, false)", VALUES, 2, (x, a) -> var(x, a, 1, false), null));
            out.add(wholeEntry("std", "ReductionOps.std(x): all elements, ddof 0", VALUES, true, ReductionOps::std,
                    x -> stdGap(x, allAxes(x), 0)));
            out.add(axesEntry("std(axes,ddof=1,keepDims)", "ReductionOps.std(x, axes, 1, true)", VALUES, 2,
                    (x, a) -> std(x, a, 1, true), (x, a) -> stdGap(x, a, 1)));
            out.add(wholeEntry("logSumExp", "ReductionOps.logSumExp(x): all elements", VALUES, false, ReductionOps::logSumExp, null));
            out.add(axesEntry("logSumExp(axes)", "ReductionOps.logSumExp(x, axes, false)", VALUES, false,
                    (x, a) -> logSumExp(x, a, false), null));
            out.add(OpTest.of("logSumExp(weights)", "ReductionOps.logSumExp(x, b, axes, false): log Σ b·eˣ, b > 0 broadcast",
                    new Domain[] {VALUES, Domain.strict(0.2, 3)}, Gen::broadcastPair,
                    (s, rng) -> {
                        int r = Shapes.broadcast("logSumExp", s[0], s[1]).length;
                        int[] axes = r == 0 ? new int[0] : randomAxes(rng, r);
                        return new OpTest.Bound("axes=" + Arrays.toString(axes), in -> logSumExp(in[0], in[1], axes, false));
                    }));
            out.add(wholeEntry("norm", "ReductionOps.norm(x): 2-norm of all elements", VALUES, true, ReductionOps::norm, null));
            out.add(wholeEntry("norm(p=1)", "ReductionOps.norm(x, 1)", kinkAtZero, false, x -> norm(x, 1.0), null));
            out.add(wholeEntry("norm(p=0.5)", "ReductionOps.norm(x, 0.5)", kinkAtZero, true, x -> norm(x, 0.5), null));
            out.add(axesEntry("norm(p=3,axes)", "ReductionOps.norm(x, 3, axes, false)", VALUES, true,
                    (x, a) -> norm(x, 3.0, a, false), null));
            out.add(axesEntry("norm(p=inf,axes)", "ReductionOps.norm(x, +inf, axes, false), ties 1/k", kinkAtZero, true,
                    (x, a) -> norm(x, Double.POSITIVE_INFINITY, a, false), (x, a) -> tieGap(x, a, false, true)));
            out.add(axesEntry("norm(p=-inf,axes)", "ReductionOps.norm(x, -inf, axes, true)", kinkAtZero, true,
                    (x, a) -> norm(x, Double.NEGATIVE_INFINITY, a, true), (x, a) -> tieGap(x, a, true, true)));
            out.add(axesEntry("frobenius(axes)", "ReductionOps.frobenius(x, axes, false)", VALUES, true,
                    (x, a) -> frobenius(x, a, false), null));
            return out;
        }

        @Override
        public List<OpRegistry.NamedFunction> functions() {
            return List.of(
                    new OpRegistry.NamedFunction("min", 1, "ReductionOps.min(x): all elements", in -> min(in[0])),
                    new OpRegistry.NamedFunction("prod", 1, "ReductionOps.prod(x): all elements", in -> prod(in[0])),
                    new OpRegistry.NamedFunction("var", 1, "ReductionOps.var(x): all elements, ddof 0", in -> var(in[0])),
                    new OpRegistry.NamedFunction("std", 1, "ReductionOps.std(x): all elements, ddof 0", in -> std(in[0])),
                    new OpRegistry.NamedFunction("norm", 1, "ReductionOps.norm(x): 2-norm of all elements", in -> norm(in[0])),
                    new OpRegistry.NamedFunction("cumsum", 1, "ReductionOps.cumsum(x, -1)", in -> cumsum(in[0], -1)),
                    new OpRegistry.NamedFunction("cumprod", 1, "ReductionOps.cumprod(x, -1)", in -> cumprod(in[0], -1)));
        }
    };
}
