package dev.tapegrad;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;

/**
 * The op table: one entry per differentiable op of the public API (and per form of it: each matmul
 * form, each pow exponent, each reduction variant), with what a test needs to exercise it — its
 * arity, how to apply it, the domain its inputs are drawn from, the region where it is smooth, and a
 * generator of valid input shapes (broadcast pairs included).
 *
 * <p>The property tests and {@code tapegrad gradcheck [--op NAME]} both run from this table:
 *
 * <pre>{@code
 * RandomGenerator rng = RandomGeneratorFactory.of("L64X128MixRandom").create(42);
 * for (OpCatalog.Op op : OpCatalog.all()) {
 *     for (OpCatalog.CaseResult r : op.check(rng, 3, GradCheck.Options.defaults())) {
 *         System.out.println((r.result().passed() ? "ok   " : "FAIL ") + r.label());
 *     }
 * }
 * }</pre>
 *
 * <p>The elementwise unary ops take their domains and kinks from the op definitions themselves
 * ({@code UnaryOps}), so the metadata lives next to each op's backward rule.
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

    // ------------------------------------------------------------------ metadata types

    /**
     * Where an input's values are drawn from: uniform on [lo, hi], at least {@code kinkMargin} away
     * from each kink. A {@code strict} domain is one outside which the op is undefined or ill-behaved
     * (log, sqrt, pow, a denominator, exp's overflow): the expression-tree generator maps values into
     * it, above the last kink.
     *
     * @param lo         lower end
     * @param hi         upper end
     * @param kinks      points where the op is not differentiable (or singular)
     * @param kinkMargin distance kept from the kinks when sampling
     * @param strict     whether values must stay inside [lo, hi]
     */
    public record Domain(double lo, double hi, double[] kinks, double kinkMargin, boolean strict) {
        /** A domain without kinks where any real value is acceptable. */
        public static Domain free(double lo, double hi) {
            return new Domain(lo, hi, new double[0], 0, false);
        }

        /** A domain without kinks that values must not leave. */
        public static Domain strict(double lo, double hi) {
            return new Domain(lo, hi, new double[0], 0, true);
        }

        static Domain of(UnaryOps op, boolean strict) {
            return new Domain(op.lo, op.hi, op.kinks.clone(), SMOOTH_MARGIN, strict);
        }

        /** Distance from {@code v} to the nearest kink (+Infinity without kinks). */
        public double distanceToKinks(double v) {
            double d = Double.POSITIVE_INFINITY;
            for (double k : kinks) {
                d = Math.min(d, Math.abs(v - k));
            }
            return d;
        }

        /** A uniform sample from [lo, hi] at least {@code kinkMargin} away from every kink. */
        public double sample(RandomGenerator rng) {
            for (int attempt = 0; attempt < 10_000; attempt++) {
                double v = lo + (hi - lo) * rng.nextDouble();
                if (distanceToKinks(v) >= kinkMargin) {
                    return v;
                }
            }
            throw new IllegalStateException("domain [" + lo + ", " + hi + "] has no room away from its kinks");
        }

        /** The part of the domain above its last kink, where a tree generator maps strict inputs. */
        public double smoothLo() {
            double l = lo;
            for (double k : kinks) {
                l = Math.max(l, k + kinkMargin);
            }
            return l;
        }
    }

    /** Valid input shapes for an op, drawn at random. */
    @FunctionalInterface
    public interface ShapeGenerator {
        /** One shape per input. */
        int[][] shapes(RandomGenerator rng);
    }

    /** Binds an op's parameters (axis, permutation, ...) to concrete input shapes. */
    @FunctionalInterface
    interface Binder {
        /** @throws IllegalArgumentException if the op cannot take inputs of these shapes */
        Bound bind(int[][] shapes, RandomGenerator rng);
    }

    /** An op with its parameters chosen: a label for them, the function and its smoothness margin. */
    record Bound(String params, Function<Tensor[], Tensor> fn, ToDoubleFunction<Tensor[]> margin) {
        Bound(String params, Function<Tensor[], Tensor> fn) {
            this(params, fn, in -> Double.POSITIVE_INFINITY);
        }
    }

    // ------------------------------------------------------------------ ops and cases

    /** One entry of the table. */
    public static final class Op {
        private final String name;
        private final String description;
        private final Domain[] domains;
        private final ShapeGenerator shapes;
        private final Binder binder;

        Op(String name, String description, Domain[] domains, ShapeGenerator shapes, Binder binder) {
            this.name = name;
            this.description = description;
            this.domains = domains;
            this.shapes = shapes;
            this.binder = binder;
        }

        /** The op's name in the table, e.g. {@code matmul(1-D,2-D)} or {@code sum(axis,keepDims)}. */
        public String name() { return name; }

        /** What the entry applies, e.g. {@code a.matmul(b) with a 1-D and b 2-D}. */
        public String description() { return description; }

        /** Number of tensor inputs. */
        public int arity() { return domains.length; }

        /** The domain input {@code i} is drawn from. */
        public Domain domain(int i) { return domains[i]; }

        /** Random valid input shapes (for binary elementwise ops, often one of {@link #BROADCAST_PAIRS}). */
        public int[][] randomShapes(RandomGenerator rng) { return shapes.shapes(rng); }

        /** A case on random valid shapes, parameters drawn from {@code rng}. */
        public Case newCase(RandomGenerator rng) {
            return newCase(rng, shapes.shapes(rng));
        }

        /**
         * A case on the given input shapes, parameters (axis, permutation, ...) drawn from {@code rng}.
         *
         * @throws IllegalArgumentException if the op cannot take inputs of these shapes
         */
        public Case newCase(RandomGenerator rng, int[]... inputShapes) {
            if (inputShapes.length != arity()) {
                throw new IllegalArgumentException(name + ": takes " + arity() + " inputs, got " + inputShapes.length + " shapes");
            }
            int[][] copy = new int[inputShapes.length][];
            for (int i = 0; i < copy.length; i++) {
                copy[i] = inputShapes[i].clone();
            }
            Bound b = binder.bind(copy, rng);
            Case c = new Case(this, b, copy);
            c.outputShape();  // rejects shapes the op itself refuses
            return c;
        }

        /** One random case checked with {@link GradCheck.Options#defaults()}. */
        public CaseResult check(RandomGenerator rng) {
            return newCase(rng).check(rng, GradCheck.Options.defaults());
        }

        /** {@code cases} random cases, each on new shapes and values, checked with {@code options}. */
        public List<CaseResult> check(RandomGenerator rng, int cases, GradCheck.Options options) {
            List<CaseResult> out = new ArrayList<>();
            for (int i = 0; i < cases; i++) {
                out.add(newCase(rng).check(rng, options));
            }
            return out;
        }

        @Override
        public String toString() { return name + ": " + description; }
    }

    /** An op bound to input shapes and parameters: something that can be applied and checked. */
    public static final class Case {
        private final Op op;
        private final Bound bound;
        private final int[][] shapes;

        Case(Op op, Bound bound, int[][] shapes) {
            this.op = op;
            this.bound = bound;
            this.shapes = shapes;
        }

        /** The table entry. */
        public Op op() { return op; }

        /** e.g. {@code sum(axis,keepDims)[axis=-1] on [2, 3]}. */
        public String label() {
            StringBuilder sb = new StringBuilder(op.name);
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
        public Function<Tensor[], Tensor> fn() { return bound.fn(); }

        /** Applies the op. */
        public Tensor apply(Tensor... inputs) { return bound.fn().apply(inputs); }

        /**
         * Distance of {@code inputs} from the nearest point where the op is not smooth (a kink, a tie):
         * +Infinity for ops that are smooth everywhere.
         */
        public double smoothMargin(Tensor... inputs) {
            double m = bound.margin().applyAsDouble(inputs);
            for (int i = 0; i < inputs.length; i++) {
                if (op.domains[i].kinks.length > 0) {
                    for (double v : inputs[i].data) {
                        m = Math.min(m, op.domains[i].distanceToKinks(v));
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
                    double[] d = new double[Shapes.size(shapes[i])];
                    for (int k = 0; k < d.length; k++) {
                        d[k] = op.domains[i].sample(rng);
                    }
                    in[i] = new Tensor(d, shapes[i].clone());
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

    private static final Map<String, Op> TABLE = new LinkedHashMap<>();

    /** Every entry, in catalogue order. */
    public static List<Op> all() {
        return Collections.unmodifiableList(new ArrayList<>(TABLE.values()));
    }

    /** The names of every entry, in catalogue order. */
    public static List<String> names() {
        return List.copyOf(TABLE.keySet());
    }

    /**
     * The entry called {@code name}.
     *
     * @throws IllegalArgumentException naming the known entries if there is none
     */
    public static Op get(String name) {
        Op op = TABLE.get(name);
        if (op == null) {
            throw new IllegalArgumentException("OpCatalog: no op named '" + name + "'; known ops: " + String.join(", ", TABLE.keySet()));
        }
        return op;
    }

    /** The entries whose name is {@code name} or starts with {@code name(}: e.g. all matmul forms for "matmul". */
    public static List<Op> matching(String name) {
        List<Op> out = new ArrayList<>();
        for (Op op : TABLE.values()) {
            if (op.name.equals(name) || op.name.startsWith(name + "(")) {
                out.add(op);
            }
        }
        return out;
    }

    /** Checks {@code casesPerOp} random cases of every entry. */
    public static List<CaseResult> checkAll(RandomGenerator rng, int casesPerOp, GradCheck.Options options) {
        List<CaseResult> out = new ArrayList<>();
        for (Op op : TABLE.values()) {
            out.addAll(op.check(rng, casesPerOp, options));
        }
        return out;
    }

    private static void add(String name, String description, Domain[] domains, ShapeGenerator shapes, Binder binder) {
        if (TABLE.put(name, new Op(name, description, domains, shapes, binder)) != null) {
            throw new IllegalStateException("OpCatalog: duplicate entry " + name);
        }
    }

    private static Domain[] domains(Domain... d) {
        return d;
    }

    private static final Domain VALUES = Domain.free(-3, 3);
    private static final Domain MATRIX_VALUES = Domain.free(-2, 2);
    /** A denominator: away from 0, which the tree generator maps to [0.5, 3]. */
    private static final Domain DENOMINATOR = new Domain(-3, 3, new double[] {0.0}, 0.5, true);

    static {
        // ---- elementwise unary: domains and kinks from UnaryOps, applied through the public methods
        Map<String, UnaryOperator<Tensor>> publicMethods = Map.of(
                "neg", Tensor::neg, "square", Tensor::square, "sqrt", Tensor::sqrt, "abs", Tensor::abs,
                "exp", Tensor::exp, "log", Tensor::log, "tanh", Tensor::tanh, "sigmoid", Tensor::sigmoid,
                "relu", Tensor::relu, "softplus", Tensor::softplus);
        for (UnaryOps u : UnaryOps.ALL) {
            UnaryOperator<Tensor> f = publicMethods.get(u.name);
            if (f == null) {
                throw new IllegalStateException("OpCatalog: no public method for unary op " + u.name);
            }
            boolean strict = u == UnaryOps.SQRT || u == UnaryOps.LOG || u == UnaryOps.EXP;
            add(u.name, "x." + u.name + "()", domains(Domain.of(u, strict)), rng -> new int[][] {anyShape(rng)},
                    (s, rng) -> new Bound("", in -> f.apply(in[0])));
        }
        Domain powDomain = Domain.strict(UnaryOps.POW_LO, UnaryOps.POW_HI);
        for (double p : new double[] {3, 2, 1, 0.5, 0, -1, -1.5, 2.5}) {
            String ps = TensorFormat.num(p);
            add("pow(" + ps + ")", "x.pow(" + ps + ")", domains(powDomain), rng -> new int[][] {anyShape(rng)},
                    (s, rng) -> new Bound("", in -> in[0].pow(p)));
        }
        add("clamp", "x.clamp(" + UnaryOps.CLAMP_LO + ", " + UnaryOps.CLAMP_HI + ")",
                domains(new Domain(2 * UnaryOps.CLAMP_LO, 2 * UnaryOps.CLAMP_HI,
                        new double[] {UnaryOps.CLAMP_LO, UnaryOps.CLAMP_HI}, SMOOTH_MARGIN, false)),
                rng -> new int[][] {anyShape(rng)},
                (s, rng) -> new Bound("", in -> in[0].clamp(UnaryOps.CLAMP_LO, UnaryOps.CLAMP_HI)));

        // ---- broadcasting binary ops, and their double-operand forms
        addBinary("add", "a.add(b)", VALUES, VALUES, Tensor::add, null);
        addBinary("sub", "a.sub(b)", VALUES, VALUES, Tensor::sub, null);
        addBinary("mul", "a.mul(b)", VALUES, VALUES, Tensor::mul, null);
        addBinary("div", "a.div(b)", VALUES, DENOMINATOR, Tensor::div, null);
        addBinary("maximum", "a.maximum(b), ties split 0.5/0.5", VALUES, VALUES, Tensor::maximum, OpCatalog::minAbsDifference);
        addBinary("minimum", "a.minimum(b), ties split 0.5/0.5", VALUES, VALUES, Tensor::minimum, OpCatalog::minAbsDifference);
        addScalarOperand("add(double)", "x.add(c)", false, Tensor::add);
        addScalarOperand("sub(double)", "x.sub(c)", false, Tensor::sub);
        addScalarOperand("mul(double)", "x.mul(c)", false, Tensor::mul);
        addScalarOperand("div(double)", "x.div(c), |c| >= 0.5", true, Tensor::div);

        // ---- matmul in every form
        addMatmul("matmul(1-D,1-D)", "dot product [k]·[k]", rng -> {
            int k = dim(rng);
            return new int[][] {{k}, {k}};
        });
        addMatmul("matmul(1-D,2-D)", "row vector [k]·[k,n] -> [n]", rng -> {
            int k = dim(rng);
            return new int[][] {{k}, {k, dim(rng)}};
        });
        addMatmul("matmul(2-D,1-D)", "matrix-vector [m,k]·[k] -> [m]", rng -> {
            int k = dim(rng);
            return new int[][] {{dim(rng), k}, {k}};
        });
        addMatmul("matmul(2-D,2-D)", "matrix product [m,k]·[k,n]", rng -> {
            int k = dim(rng);
            return new int[][] {{dim(rng), k}, {k, dim(rng)}};
        });
        addMatmul("matmul(N-D,N-D)", "batched, batch axes broadcast: [...,m,k]·[...,k,n]", rng -> {
            int[] batch = shape(rng, 1 + rng.nextInt(2), 3);
            int[] ba = broadcastVariant(rng, batch), bb = broadcastVariant(rng, batch);
            if (ba.length == 0 && bb.length == 0) {
                ba = batch;
            }
            int m = dim(rng), k = dim(rng), n = dim(rng);
            return new int[][] {append(ba, m, k), append(bb, k, n)};
        });
        addMatmul("matmul(N-D,2-D)", "batch times one matrix: [...,m,k]·[k,n]", rng -> {
            int k = dim(rng);
            return new int[][] {append(shape(rng, 1 + rng.nextInt(2), 3), dim(rng), k), {k, dim(rng)}};
        });
        addMatmul("matmul(N-D,1-D)", "batch times a vector: [...,m,k]·[k] -> [...,m]", rng -> {
            int k = dim(rng);
            return new int[][] {append(shape(rng, 1 + rng.nextInt(2), 3), dim(rng), k), {k}};
        });
        addMatmul("matmul(1-D,N-D)", "a vector times a batch: [k]·[...,k,n] -> [...,n]", rng -> {
            int k = dim(rng);
            return new int[][] {{k}, append(shape(rng, 1 + rng.nextInt(2), 3), k, dim(rng))};
        });

        // ---- shape ops
        add("transpose", "x.transpose(): swaps the last two axes", domains(VALUES), rng -> new int[][] {shape(rng, rng.nextInt(5), 3)},
                (s, rng) -> new Bound("", in -> in[0].transpose()));
        add("permute", "x.permute(axes), axes possibly negative", domains(VALUES), rng -> new int[][] {shape(rng, 1 + rng.nextInt(4), 3)},
                (s, rng) -> {
                    int r = s[0].length;
                    if (r == 0) {
                        throw new IllegalArgumentException("permute: a scalar has no axes to permute");
                    }
                    int[] perm = permutation(rng, r);
                    for (int i = 0; i < r; i++) {
                        perm[i] = rng.nextBoolean() ? perm[i] - r : perm[i];
                    }
                    return new Bound("axes=" + Arrays.toString(perm), in -> in[0].permute(perm));
                });
        add("reshape", "x.reshape(shape), one entry possibly -1", domains(VALUES), rng -> new int[][] {anyShape(rng)},
                (s, rng) -> {
                    int[] target = factorise(rng, Shapes.size(s[0]));
                    if (target.length > 0 && rng.nextInt(3) == 0 && Shapes.size(target) > 0) {
                        target[rng.nextInt(target.length)] = -1;
                    }
                    return new Bound("shape=" + Arrays.toString(target), in -> in[0].reshape(target));
                });
        add("broadcastTo", "x.broadcastTo(shape)", domains(VALUES),
                rng -> new int[][] {broadcastVariant(rng, shape(rng, rng.nextInt(3), 3))},
                (s, rng) -> {
                    int[] target = expand(rng, s[0]);
                    return new Bound("shape=" + Arrays.toString(target), in -> in[0].broadcastTo(target));
                });
        add("slice", "x.slice(axis, from, to), negative bounds included", domains(VALUES),
                rng -> new int[][] {shape(rng, 1 + rng.nextInt(3), 4)},
                (s, rng) -> {
                    int ax = randomAxis(rng, s[0].length);
                    int d = s[0][ax < 0 ? ax + s[0].length : ax];
                    int from = rng.nextInt(d + 1);
                    int to = from + rng.nextInt(d - from + 1);
                    int f = from < d && rng.nextBoolean() ? from - d : from;
                    int t = to < d && rng.nextBoolean() ? to - d : to;
                    return new Bound("axis=" + ax + ", from=" + f + ", to=" + t, in -> in[0].slice(ax, f, t));
                });
        add("concat", "Tensor.concat(axis, a, b, c)", domains(VALUES, VALUES, VALUES),
                rng -> {
                    int[] base = shape(rng, 1 + rng.nextInt(3), 3);
                    int ax = rng.nextInt(base.length);
                    int[][] out = new int[3][];
                    for (int i = 0; i < 3; i++) {
                        out[i] = base.clone();
                        out[i][ax] = 1 + rng.nextInt(3);
                    }
                    return out;
                },
                (s, rng) -> {
                    List<Integer> axes = new ArrayList<>();
                    int r = s[0].length;
                    for (int ax = 0; ax < r; ax++) {
                        boolean ok = true;
                        for (int[] other : s) {
                            ok &= other.length == r;
                            for (int d = 0; ok && d < r; d++) {
                                ok = d == ax || other[d] == s[0][d];
                            }
                        }
                        if (ok) {
                            axes.add(ax);
                        }
                    }
                    if (axes.isEmpty()) {
                        throw new IllegalArgumentException("concat: shapes " + Arrays.deepToString(s) + " agree on no axis");
                    }
                    int ax0 = axes.get(rng.nextInt(axes.size()));
                    int ax = rng.nextBoolean() ? ax0 - r : ax0;
                    return new Bound("axis=" + ax, in -> Tensor.concat(ax, in));
                });
        add("stack", "Tensor.stack(axis, a, b)", domains(VALUES, VALUES),
                rng -> {
                    int[] s = anyShape(rng);
                    return new int[][] {s, s.clone()};
                },
                (s, rng) -> {
                    int ax = randomAxis(rng, s[0].length + 1);
                    return new Bound("axis=" + ax, in -> Tensor.stack(ax, in));
                });
        add("unsqueeze", "x.unsqueeze(axis)", domains(VALUES), rng -> new int[][] {anyShape(rng)},
                (s, rng) -> {
                    int ax = randomAxis(rng, s[0].length + 1);
                    return new Bound("axis=" + ax, in -> in[0].unsqueeze(ax));
                });
        add("squeeze", "x.squeeze(axis) of a size-1 axis", domains(VALUES),
                rng -> {
                    int[] s = shape(rng, rng.nextInt(3), 3);
                    int at = rng.nextInt(s.length + 1);
                    int[] t = new int[s.length + 1];
                    for (int i = 0, j = 0; i < t.length; i++) {
                        t[i] = i == at ? 1 : s[j++];
                    }
                    return new int[][] {t};
                },
                (s, rng) -> {
                    List<Integer> ones = new ArrayList<>();
                    for (int i = 0; i < s[0].length; i++) {
                        if (s[0][i] == 1) {
                            ones.add(i);
                        }
                    }
                    if (ones.isEmpty()) {
                        throw new IllegalArgumentException("squeeze: shape " + Arrays.toString(s[0]) + " has no axis of size 1");
                    }
                    int a = ones.get(rng.nextInt(ones.size()));
                    int ax = rng.nextBoolean() ? a - s[0].length : a;
                    return new Bound("axis=" + ax, in -> in[0].squeeze(ax));
                });

        // ---- reductions and the softmax family
        add("sum", "x.sum(): all elements", domains(VALUES), rng -> new int[][] {anyShape(rng)},
                (s, rng) -> new Bound("", in -> in[0].sum()));
        addAxisOp("sum(axis)", VALUES, false, (x, ax) -> x.sum(ax));
        addAxisOp("sum(axis,keepDims)", VALUES, false, (x, ax) -> x.sum(ax, true));
        add("mean", "x.mean(): all elements", domains(VALUES), rng -> new int[][] {anyShape(rng)},
                (s, rng) -> new Bound("", in -> in[0].mean()));
        addAxisOp("mean(axis)", VALUES, false, (x, ax) -> x.mean(ax));
        addAxisOp("mean(axis,keepDims)", VALUES, false, (x, ax) -> x.mean(ax, true));
        add("max", "x.max(): all elements, ties split 1/k", domains(VALUES), rng -> new int[][] {nonEmptyShape(rng)},
                (s, rng) -> new Bound("", in -> in[0].max(), in -> topGap(in[0].data, 1, in[0].size(), 1, false)));
        addAxisOp("max(axis)", VALUES, true, (x, ax) -> x.max(ax));
        addAxisOp("max(axis,keepDims)", VALUES, true, (x, ax) -> x.max(ax, true));
        addAxisOp("min(axis)", VALUES, true, (x, ax) -> x.min(ax));
        addAxisOp("logSumExp(axis)", VALUES, false, (x, ax) -> x.logSumExp(ax));
        addAxisOp("logSumExp(axis,keepDims)", VALUES, false, (x, ax) -> x.logSumExp(ax, true));
        addAxisOp("softmax(axis)", VALUES, false, (x, ax) -> x.softmax(ax));
        addAxisOp("logSoftmax(axis)", VALUES, false, (x, ax) -> x.logSoftmax(ax));
    }

    private interface BinaryFn {
        Tensor apply(Tensor a, Tensor b);
    }

    private interface ScalarOperandFn {
        Tensor apply(Tensor a, double c);
    }

    private interface AxisFn {
        Tensor apply(Tensor x, int axis);
    }

    private static void addBinary(String name, String description, Domain a, Domain b, BinaryFn f,
                                  ToDoubleFunction<Tensor[]> margin) {
        add(name, description + " with numpy broadcasting", domains(a, b), OpCatalog::broadcastPair,
                (s, rng) -> margin == null ? new Bound("", in -> f.apply(in[0], in[1]))
                        : new Bound("", in -> f.apply(in[0], in[1]), margin));
    }

    private static void addScalarOperand(String name, String description, boolean awayFromZero, ScalarOperandFn f) {
        add(name, description + " with a constant c", domains(VALUES), rng -> new int[][] {anyShape(rng)},
                (s, rng) -> {
                    double c = awayFromZero ? (rng.nextBoolean() ? 1 : -1) * (0.5 + 2.5 * rng.nextDouble())
                            : -3 + 6 * rng.nextDouble();
                    return new Bound("c=" + TensorFormat.num(c), in -> f.apply(in[0], c));
                });
    }

    private static void addMatmul(String name, String description, ShapeGenerator shapes) {
        add(name, "a.matmul(b): " + description, domains(MATRIX_VALUES, MATRIX_VALUES), shapes,
                (s, rng) -> new Bound("", in -> in[0].matmul(in[1])));
    }

    /** An op along one axis (drawn at random, negative half the time); {@code ties}: max-like, smooth away from ties. */
    private static void addAxisOp(String name, Domain domain, boolean ties, AxisFn f) {
        boolean min = name.startsWith("min");
        add(name, "x." + name + " on a random axis (negative half the time)",
                domains(domain), rng -> new int[][] {ties ? nonEmptyShape(rng, 1 + rng.nextInt(3)) : shape(rng, 1 + rng.nextInt(3), 4)},
                (s, rng) -> {
                    int r = s[0].length;
                    int ax = randomAxis(rng, r);
                    int a = ax < 0 ? ax + r : ax;
                    if (ties && s[0][a] == 0) {
                        throw new IllegalArgumentException(name + ": axis " + ax + " of " + Arrays.toString(s[0]) + " is empty");
                    }
                    ToDoubleFunction<Tensor[]> margin = !ties ? in -> Double.POSITIVE_INFINITY
                            : in -> topGap(in[0].data, Shapes.outer(s[0], a), s[0][a], Shapes.inner(s[0], a), min);
                    return new Bound("axis=" + ax, in -> f.apply(in[0], ax), margin);
                });
    }

    // ------------------------------------------------------------------ smoothness margins

    /** Smallest |a − b| over the broadcast pairs: distance from a tie of maximum/minimum. */
    static double minAbsDifference(Tensor[] in) {
        double[] d;
        try (Tape.Pause p = Tape.pause()) {
            d = in[0].sub(in[1]).abs().data;
        }
        double m = Double.POSITIVE_INFINITY;
        for (double v : d) {
            m = Math.min(m, v);
        }
        return m;
    }

    /**
     * Smallest gap between the largest (or smallest) and the runner-up of each slice of a
     * {@code [outer, n, inner]} array: distance from a tie of the max (min) reduction.
     */
    static double topGap(double[] x, int outer, int n, int inner, boolean min) {
        double gap = Double.POSITIVE_INFINITY;
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                double best = Double.NEGATIVE_INFINITY, second = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < n; k++) {
                    double v = x[(o * n + k) * inner + i];
                    v = min ? -v : v;
                    if (v > best) {
                        second = best;
                        best = v;
                    } else if (v > second) {
                        second = v;
                    }
                }
                if (n > 1) {
                    gap = Math.min(gap, best - second);
                }
            }
        }
        return gap;
    }

    // ------------------------------------------------------------------ shape generators

    private static int dim(RandomGenerator rng) {
        return 1 + rng.nextInt(4);
    }

    /** A shape of the given rank with dims in [1, maxDim]. */
    static int[] shape(RandomGenerator rng, int rank, int maxDim) {
        int[] s = new int[rank];
        for (int i = 0; i < rank; i++) {
            s[i] = 1 + rng.nextInt(maxDim);
        }
        return s;
    }

    /** Rank 0 to 3, dims 1 to 4; one time in 25 an empty dimension. */
    static int[] anyShape(RandomGenerator rng) {
        int[] s = shape(rng, rng.nextInt(4), 4);
        if (s.length > 0 && rng.nextInt(25) == 0) {
            s[rng.nextInt(s.length)] = 0;
        }
        return s;
    }

    private static int[] nonEmptyShape(RandomGenerator rng) {
        return shape(rng, rng.nextInt(4), 4);
    }

    private static int[] nonEmptyShape(RandomGenerator rng, int rank) {
        return shape(rng, rank, 4);
    }

    /** {@code shape} with some leading axes dropped and some others set to 1: broadcastable to it. */
    static int[] broadcastVariant(RandomGenerator rng, int[] shape) {
        int drop = rng.nextInt(shape.length + 1);
        int[] s = Arrays.copyOfRange(shape, drop, shape.length);
        for (int i = 0; i < s.length; i++) {
            if (rng.nextInt(3) == 0) {
                s[i] = 1;
            }
        }
        return s;
    }

    /** Half the time one of {@link #BROADCAST_PAIRS} (either order), else two variants of a random shape. */
    static int[][] broadcastPair(RandomGenerator rng) {
        if (rng.nextBoolean()) {
            int[][] p = BROADCAST_PAIRS.get(rng.nextInt(BROADCAST_PAIRS.size()));
            return rng.nextBoolean() ? new int[][] {p[0].clone(), p[1].clone()} : new int[][] {p[1].clone(), p[0].clone()};
        }
        int[] base = shape(rng, rng.nextInt(4), 4);
        return new int[][] {broadcastVariant(rng, base), broadcastVariant(rng, base)};
    }

    /** A shape {@code from} broadcasts to: new leading axes, size-1 axes grown. */
    private static int[] expand(RandomGenerator rng, int[] from) {
        int lead = rng.nextInt(3);
        int[] t = new int[lead + from.length];
        for (int i = 0; i < lead; i++) {
            t[i] = dim(rng);
        }
        for (int i = 0; i < from.length; i++) {
            t[lead + i] = from[i] == 1 ? 1 + rng.nextInt(3) : from[i];
        }
        return t;
    }

    private static int[] append(int[] batch, int a, int b) {
        int[] s = Arrays.copyOf(batch, batch.length + 2);
        s[batch.length] = a;
        s[batch.length + 1] = b;
        return s;
    }

    private static int[] permutation(RandomGenerator rng, int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** An axis of a rank-{@code rank} tensor, negative half the time. */
    private static int randomAxis(RandomGenerator rng, int rank) {
        if (rank == 0) {
            throw new IllegalArgumentException("a scalar has no axis");
        }
        int a = rng.nextInt(rank);
        return rng.nextBoolean() ? a - rank : a;
    }

    /** A random shape of rank 0 to 3 holding exactly {@code n} elements. */
    private static int[] factorise(RandomGenerator rng, int n) {
        if (n == 0) {
            return new int[] {0, 1 + rng.nextInt(2)};
        }
        List<Integer> dims = new ArrayList<>();
        int rest = n;
        int rank = rng.nextInt(4);
        for (int i = 0; i < rank - 1 && rest > 1; i++) {
            List<Integer> divisors = new ArrayList<>();
            for (int d = 1; d <= rest; d++) {
                if (rest % d == 0) {
                    divisors.add(d);
                }
            }
            int d = divisors.get(rng.nextInt(divisors.size()));
            dims.add(d);
            rest /= d;
        }
        if (rest > 1 || rank > dims.size()) {
            dims.add(rest);
        }
        int[] s = new int[dims.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = dims.get(i);
        }
        return s;
    }
}
