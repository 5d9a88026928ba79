package dev.tapegrad.testing;

import dev.tapegrad.OpRegistry;
import dev.tapegrad.Tape;
import dev.tapegrad.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * The op table: every {@link OpTest} that the op families declare next to their op definitions
 * (read from {@link OpRegistry#tests()}), one per public function and form of it. The property
 * tests, {@code tapegrad gradcheck [--op NAME]} and the README's catalogue all run from it:
 *
 * <pre>{@code
 * RandomGenerator rng = RandomGeneratorFactory.of("L64X128MixRandom").create(42);
 * for (OpTest op : OpCatalog.all()) {
 *     for (OpCatalog.CaseResult r : op.check(rng, 3, GradCheck.Options.defaults())) {
 *         System.out.println((r.result().passed() ? "ok   " : "FAIL ") + r.label());
 *     }
 * }
 * }</pre>
 */
public final class OpCatalog {
    private OpCatalog() {}

    /**
     * Test inputs are resampled until they are at least this far from every point where the op is
     * not smooth (a kink, a tie of maxima, a tie of maximum/minimum), far more than a difference step.
     */
    public static final double SMOOTH_MARGIN = 1e-2;

    /**
     * The broadcast shape pairs every binary op is checked on, at least: {@code ()+()}, {@code (5)+()},
     * {@code (3,1)+(1,4)}, {@code (2,3,4)+(4)}, {@code (2,1,4)+(3,1)}, {@code (4,1)+(4)}, and a few more.
     */
    public static final List<int[][]> BROADCAST_PAIRS = List.of(
            new int[][] {{}, {}},
            new int[][] {{5}, {}},
            new int[][] {{3, 1}, {1, 4}},
            new int[][] {{2, 3, 4}, {4}},
            new int[][] {{2, 1, 4}, {3, 1}},
            new int[][] {{4, 1}, {4}},
            new int[][] {{1}, {2, 3}},
            new int[][] {{2, 3}, {2, 3}},
            new int[][] {{3, 1, 2}, {1, 4, 1}},
            new int[][] {{1, 1}, {}});

    /** An entry bound to input shapes and parameters: something that can be applied and checked. */
    public static final class Case {
        private final OpTest op;
        private final OpTest.Bound bound;
        private final int[][] shapes;

        Case(OpTest op, OpTest.Bound bound, int[][] shapes) {
            this.op = op;
            this.bound = bound;
            this.shapes = shapes;
        }

        /** The table entry. */
        public OpTest op() { return op; }

        /** e.g. {@code sum(axis,keepDims)[axis=-1] on [2, 3]}. */
        public String label() {
            StringBuilder sb = new StringBuilder(op.name());
            if (!bound.params().isEmpty()) {
                sb.append('[').append(bound.params()).append(']');
            }
            sb.append(" on ");
            for (int i = 0; i < shapes.length; i++) {
                sb.append(i == 0 ? "" : " and ").append(Arrays.toString(shapes[i]));
            }
            return sb.toString();
        }

        /** The input shapes (copies). */
        public int[][] shapes() {
            int[][] c = new int[shapes.length][];
            for (int i = 0; i < c.length; i++) {
                c[i] = shapes[i].clone();
            }
            return c;
        }

        /** The op with its parameters, as a function of its inputs. */
        public java.util.function.Function<Tensor[], Tensor> fn() { return bound.fn(); }

        /** Applies the op. */
        public Tensor apply(Tensor... inputs) { return bound.fn().apply(inputs); }

        /**
         * Distance of {@code inputs} from the nearest point where the op is not smooth (a kink, a tie):
         * +Infinity for ops that are smooth everywhere.
         */
        public double smoothMargin(Tensor... inputs) {
            double m = bound.margin().applyAsDouble(inputs);
            for (int i = 0; i < inputs.length; i++) {
                Domain d = op.domain(i);
                if (d.kinks().length > 0) {
                    for (double v : inputs[i].toArray()) {
                        m = Math.min(m, d.distanceToKinks(v));
                    }
                }
            }
            return m;
        }

        /** The output shape (applies the op to zeros). */
        public int[] outputShape() {
            Tensor[] zeros = new Tensor[shapes.length];
            for (int i = 0; i < zeros.length; i++) {
                zeros[i] = Tensor.zeros(shapes[i]);
            }
            try (Tape.Pause p = Tape.pause()) {
                return apply(zeros).shape();
            }
        }

        /** Inputs drawn from the op's domains, resampled until at least {@link #SMOOTH_MARGIN} from any kink or tie. */
        public Tensor[] sampleInputs(RandomGenerator rng) {
            for (int attempt = 0; attempt < 1000; attempt++) {
                Tensor[] in = new Tensor[shapes.length];
                for (int i = 0; i < in.length; i++) {
                    double[] d = new double[Gen.size(shapes[i])];
                    for (int k = 0; k < d.length; k++) {
                        d[k] = op.domain(i).sample(rng);
                    }
                    in[i] = Tensor.of(d, shapes[i]);
                }
                if (smoothMargin(in) >= SMOOTH_MARGIN) {
                    return in;
                }
            }
            throw new IllegalStateException(label() + ": found no inputs in the smooth region");
        }

        /** Draws inputs and checks the op's gradients at them. */
        public CaseResult check(RandomGenerator rng, GradCheck.Options options) {
            Tensor[] in = sampleInputs(rng);
            return new CaseResult(label(), in, GradCheck.check(options, bound.fn(), in));
        }

        /** Draws inputs and checks the op's forward mode at them ({@link GradCheck#checkJvp}). */
        public CaseResult checkJvp(RandomGenerator rng, GradCheck.Options options) {
            Tensor[] in = sampleInputs(rng);
            return new CaseResult(label() + " (forward mode)", in, GradCheck.checkJvp(options, bound.fn(), in));
        }

        @Override
        public String toString() { return label(); }
    }

    /**
     * A checked case.
     *
     * @param label  the op, its parameters and input shapes
     * @param inputs the values it was checked at
     * @param result the check
     */
    public record CaseResult(String label, Tensor[] inputs, GradCheck.Result result) {
        @Override
        public String toString() {
            return (result.passed() ? "ok   " : "FAIL ") + label + System.lineSeparator() + result;
        }
    }

    // ------------------------------------------------------------------ the table

    private static final class Table {
        static final Map<String, OpTest> ENTRIES = new LinkedHashMap<>();

        static {
            for (OpTest t : OpRegistry.tests()) {
                if (ENTRIES.put(t.name(), t) != null) {
                    throw new IllegalStateException("OpCatalog: duplicate entry " + t.name());
                }
            }
        }
    }

    /** Every entry, in catalogue order. */
    public static List<OpTest> all() {
        return List.copyOf(Table.ENTRIES.values());
    }

    /** The names of every entry, in catalogue order. */
    public static List<String> names() {
        return List.copyOf(Table.ENTRIES.keySet());
    }

    /**
     * The entry called {@code name}.
     *
     * @throws IllegalArgumentException naming the known entries if there is none
     */
    public static OpTest get(String name) {
        OpTest op = Table.ENTRIES.get(name);
        if (op == null) {
            throw new IllegalArgumentException("OpCatalog: no op named '" + name + "'; known ops: "
                    + String.join(", ", Table.ENTRIES.keySet()));
        }
        return op;
    }

    /** The entries whose name is {@code name} or starts with {@code name(}: e.g. all matmul forms for "matmul". */
    public static List<OpTest> matching(String name) {
        List<OpTest> out = new ArrayList<>();
        for (OpTest op : Table.ENTRIES.values()) {
            if (op.name().equals(name) || op.name().startsWith(name + "(")) {
                out.add(op);
            }
        }
        return out;
    }

    /** Checks {@code casesPerOp} random cases of every entry. */
    public static List<CaseResult> checkAll(RandomGenerator rng, int casesPerOp, GradCheck.Options options) {
        List<CaseResult> out = new ArrayList<>();
        for (OpTest op : Table.ENTRIES.values()) {
            out.addAll(op.check(rng, casesPerOp, options));
        }
        return out;
    }

    /**
     * The catalogue as a Markdown table (entry, what it applies, input domains), as the README shows
     * it: generated from the registry, so it is never out of date.
     */
    public static String markdownTable() {
        StringBuilder sb = new StringBuilder("| entry | what it applies | inputs drawn from |\n|---|---|---|\n");
        for (OpTest t : all()) {
            StringBuilder doms = new StringBuilder();
            for (int i = 0; i < t.arity(); i++) {
                Domain d = t.domain(i);
                doms.append(i == 0 ? "" : ", ").append('[').append(num(d.lo())).append(", ").append(num(d.hi())).append(']');
                if (d.kinks().length > 0) {
                    doms.append(" kinks at");
                    for (double k : d.kinks()) {
                        doms.append(' ').append(num(k));
                    }
                }
            }
            sb.append("| `").append(t.name()).append("` | ").append(t.description().replace("|", "\\|"))
              .append(" | ").append(doms).append(" |\n");
        }
        return sb.toString();
    }

    private static String num(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e6 ? Long.toString((long) v) : Double.toString(v);
    }

    /**
     * Prints {@link #markdownTable()} (the README's catalogue): {@code java -cp
     * autodiff-core/target/classes dev.tapegrad.testing.OpCatalog}.
     */
    public static void main(String[] args) {
        System.out.print(markdownTable());
    }
}
