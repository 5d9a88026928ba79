package dev.tapegrad.testing;

import dev.tapegrad.Autodiff;
import dev.tapegrad.DifferentiableFunction;
import dev.tapegrad.Tape;
import dev.tapegrad.Tensor;
import dev.tapegrad.internal.Access;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * Numerical verification of gradients: compares what the tape computes for a function with central
 * differences of the function evaluated without any tape.
 *
 * <pre>{@code
 * Tensor x = Tensor.randn(rng, 3, 4), w = Tensor.randn(rng, 4, 2);
 * GradCheck.Result r = GradCheck.check(in -> in[0].matmul(in[1]).tanh().sum(), x, w);
 * if (!r.passed()) System.out.println(r);          // names input, element, analytic, numeric, error
 * GradCheck.assertGradients(in -> in[0].softplus(), x);   // throws AssertionError with the report
 * }</pre>
 *
 * <h2>How it checks</h2>
 * <ul>
 *   <li><b>Steps.</b> Each element {@code x} is moved by {@code h = eps·max(1, |x|)} both ways
 *       (eps defaults to ∛(machine epsilon) ≈ 6.06e-6, which balances truncation against round-off
 *       for central differences). The step is made exactly representable, {@code h = (x + h) − x},
 *       and the quotient divides by the displacement actually taken, {@code (x + h) − (x − h)}.</li>
 *   <li><b>Pass rule.</b> An analytic value {@code a} and a numeric one {@code n} agree when
 *       {@code |a − n| ≤ atol + rtol·|n| + floor}, where {@code floor = 64·ε·S / Δ} is the round-off
 *       floor of the difference quotient: {@code S} is the magnitude of the (seed-weighted) outputs
 *       that were subtracted, {@code Δ} the displacement and ε the machine epsilon.</li>
 *   <li><b>Non-scalar outputs.</b> When the output has at most {@link Options#maxJacobianRows()}
 *       elements the whole Jacobian is checked: one vector-Jacobian product per output element (a
 *       one-hot seed, {@code tape.vjp}) against the numerical Jacobian, entry by entry. Larger
 *       outputs are checked through one random, fixed (seeded) projection {@code v}: the gradient of
 *       {@code vᵀf} against its central differences. A wrong Jacobian entry changes that gradient for
 *       almost every {@code v}, so the projection misses an error only with probability zero, at the
 *       price of a report that names input elements but not output elements.</li>
 *   <li><b>Fast mode.</b> One random direction {@code u} per input: {@code uᵀ·VJP} against the
 *       directional central difference — two function evaluations per input instead of two per
 *       element, for large inputs.</li>
 * </ul>
 *
 * <p>Analytic gradients come from {@link Tape#record} and {@link Tape#vjp}, on fresh copies of the
 * inputs marked as wanting gradients; numerical ones from evaluating the function with recording
 * paused. The function must therefore be deterministic and build its result from its arguments.
 */
public final class GradCheck {
    private static final Access.Core A = Access.core();

    private GradCheck() {}

    /** Machine epsilon of float64, 2⁻⁵². */
    public static final double MACHINE_EPSILON = Math.ulp(1.0);
    /** ∛(machine epsilon) ≈ 6.06e-6: the step factor that balances truncation and round-off. */
    public static final double DEFAULT_EPS = Math.cbrt(MACHINE_EPSILON);
    /** Round-off allowed in each evaluated output, in units of its last place (generous on purpose). */
    static final double ROUNDOFF_ULPS = 64;

    // ------------------------------------------------------------------ options

    /**
     * Settings of a check.
     *
     * @param eps             relative step factor: each element moves by {@code eps·max(1, |x|)}
     * @param atol            absolute tolerance
     * @param rtol            tolerance relative to the numerical value
     * @param fast            one random direction per input instead of every element
     * @param seed            seed of the random projections and directions (same seed, same check)
     * @param maxJacobianRows outputs with at most this many elements get their full Jacobian checked;
     *                        larger ones a random projection
     */
    public record Options(double eps, double atol, double rtol, boolean fast, long seed, int maxJacobianRows) {
        /** Validates the settings. */
        public Options {
            if (!(eps > 0) || !Double.isFinite(eps)) {
                throw new IllegalArgumentException("GradCheck.Options: eps must be positive and finite, got " + eps);
            }
            if (!(atol >= 0) || !(rtol >= 0) || Double.isInfinite(atol) || Double.isInfinite(rtol)) {
                throw new IllegalArgumentException("GradCheck.Options: atol and rtol must be finite and non-negative, got atol "
                        + atol + ", rtol " + rtol);
            }
            if (maxJacobianRows < 1) {
                throw new IllegalArgumentException("GradCheck.Options: maxJacobianRows must be at least 1, got " + maxJacobianRows);
            }
        }

        /** Tapegrad's defaults: eps ∛ε ≈ 6.06e-6, atol 1e-6, rtol 1e-5, full check, Jacobians up to 64 rows. */
        public static Options defaults() {
            return new Options(DEFAULT_EPS, 1e-6, 1e-5, false, 0x7A9E67AD, 64);
        }

        /**
         * PyTorch's {@code torch.autograd.gradcheck} settings: eps 1e-6, atol 1e-5, rtol 1e-3. (PyTorch
         * steps by eps absolutely; here the step is {@code eps·max(1, |x|)}, the same for |x| ≤ 1.)
         */
        public static Options pytorch() {
            return new Options(1e-6, 1e-5, 1e-3, false, 0x7A9E67AD, 64);
        }

        /** A copy with another step factor. */
        public Options withEps(double value) { return new Options(value, atol, rtol, fast, seed, maxJacobianRows); }
        /** A copy with another absolute tolerance. */
        public Options withAtol(double value) { return new Options(eps, value, rtol, fast, seed, maxJacobianRows); }
        /** A copy with another relative tolerance. */
        public Options withRtol(double value) { return new Options(eps, atol, value, fast, seed, maxJacobianRows); }
        /** A copy with fast mode on or off. */
        public Options withFast(boolean value) { return new Options(eps, atol, rtol, value, seed, maxJacobianRows); }
        /** A copy with another seed for the random projections and directions. */
        public Options withSeed(long value) { return new Options(eps, atol, rtol, fast, value, maxJacobianRows); }
        /** A copy with another limit for checking the full Jacobian. */
        public Options withMaxJacobianRows(int value) { return new Options(eps, atol, rtol, fast, seed, value); }
    }

    // ------------------------------------------------------------------ results

    /**
     * One compared value.
     *
     * @param input         index of the input among the function's arguments
     * @param element       index of the element within that input, or null in fast mode (a direction)
     * @param outputElement the output element whose Jacobian row this is, or null for a scalar output,
     *                      a random projection or fast mode
     * @param analytic      the value from the tape
     * @param numeric       the central difference
     * @param absError      {@code |analytic − numeric|}; NaN if either value is not finite, which always fails
     * @param relError      {@code absError / max(|analytic|, |numeric|)}, 0 when both are 0
     * @param tolerance     the largest error the pass rule allows here
     */
    public record Entry(int input, int[] element, int[] outputElement, double analytic, double numeric,
                        double absError, double relError, double tolerance) {
        /** True if the error is within the tolerance (false for NaN). */
        public boolean passed() {
            return absError <= tolerance;
        }

        /** Where this entry is: e.g. {@code input 1 [0, 2] (output [3])}. */
        public String where() {
            String s = "input " + input + (element == null ? " (random direction)" : " " + Arrays.toString(element));
            return outputElement == null ? s : s + " (output " + Arrays.toString(outputElement) + ")";
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s: analytic %.10g, numeric %.10g, error %.3g %s tolerance %.3g",
                    where(), analytic, numeric, absError, passed() ? "<=" : ">", tolerance);
        }
    }

    /**
     * Summary of one input.
     *
     * @param input       index of the input
     * @param shape       its shape
     * @param checked     number of entries compared
     * @param failed      number of entries out of tolerance
     * @param maxAbsError largest absolute error
     * @param maxRelError largest relative error
     */
    public record InputSummary(int input, int[] shape, int checked, int failed, double maxAbsError, double maxRelError) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "input %d shape %s: %d checked, %d failed, max abs error %.3g, max rel error %.3g",
                    input, Arrays.toString(shape), checked, failed, maxAbsError, maxRelError);
        }
    }

    /** The outcome of a check: every compared entry, summaries per input and a readable report. */
    public static final class Result {
        private static final int REPORTED_FAILURES = 12;

        private final Options options;
        private final String mode;
        private final int[][] inputShapes;
        private final int[] outputShape;
        private final List<Entry> entries;

        Result(Options options, String mode, int[][] inputShapes, int[] outputShape, List<Entry> entries) {
            this.options = options;
            this.mode = mode;
            this.inputShapes = inputShapes;
            this.outputShape = outputShape;
            this.entries = Collections.unmodifiableList(entries);
        }

        /** True if every entry is within tolerance. */
        public boolean passed() {
            for (Entry e : entries) {
                if (!e.passed()) {
                    return false;
                }
            }
            return true;
        }

        /** Largest absolute error over all entries (NaN if any entry is NaN, 0 if none were compared). */
        public double maxAbsError() {
            double m = 0;
            for (Entry e : entries) {
                m = Math.max(m, e.absError());
            }
            return m;
        }

        /** Largest relative error over all entries (NaN if any entry is NaN). */
        public double maxRelError() {
            double m = 0;
            for (Entry e : entries) {
                m = Math.max(m, e.relError());
            }
            return m;
        }

        /** Every compared entry, input by input, element by element. */
        public List<Entry> entries() {
            return entries;
        }

        /** The entries out of tolerance, worst (largest error relative to tolerance) first. */
        public List<Entry> failures() {
            List<Entry> f = new ArrayList<>();
            for (Entry e : entries) {
                if (!e.passed()) {
                    f.add(e);
                }
            }
            f.sort(Comparator.comparingDouble((Entry e) -> Double.isNaN(e.absError()) ? Double.POSITIVE_INFINITY
                    : e.absError() / Math.max(e.tolerance(), Double.MIN_VALUE)).reversed());
            return f;
        }

        /** One summary per input. */
        public List<InputSummary> inputs() {
            List<InputSummary> out = new ArrayList<>();
            for (int i = 0; i < inputShapes.length; i++) {
                int checked = 0, failed = 0;
                double abs = 0, rel = 0;
                for (Entry e : entries) {
                    if (e.input() == i) {
                        checked++;
                        failed += e.passed() ? 0 : 1;
                        abs = Math.max(abs, e.absError());
                        rel = Math.max(rel, e.relError());
                    }
                }
                out.add(new InputSummary(i, inputShapes[i].clone(), checked, failed, abs, rel));
            }
            return out;
        }

        int[][] inputShapesCopy() {
            int[][] c = new int[inputShapes.length][];
            for (int i = 0; i < c.length; i++) {
                c[i] = inputShapes[i].clone();
            }
            return c;
        }

        /** How the check was made, e.g. {@code full Jacobian (6 VJPs)}. */
        public String mode() {
            return mode;
        }

        /** The options used. */
        public Options options() {
            return options;
        }

        /** Shape of the function's output. */
        public int[] outputShape() {
            return outputShape.clone();
        }

        /** A report: verdict, mode and options, one line per input, then the worst failures. */
        @Override
        public String toString() {
            List<Entry> failures = failures();
            StringBuilder sb = new StringBuilder();
            sb.append("GradCheck ").append(failures.isEmpty() ? "passed" : "FAILED").append(": ");
            if (!failures.isEmpty()) {
                sb.append(failures.size()).append(" of ");
            }
            sb.append(entries.size()).append(" entries").append(failures.isEmpty() ? " within tolerance" : " out of tolerance");
            sb.append(String.format(Locale.ROOT, "; max abs error %.3g, max rel error %.3g%n", maxAbsError(), maxRelError()));
            sb.append(String.format(Locale.ROOT, "  output shape %s, %s; eps %.3g, atol %.3g, rtol %.3g%n",
                    Arrays.toString(outputShape), mode, options.eps(), options.atol(), options.rtol()));
            for (InputSummary s : inputs()) {
                sb.append("  ").append(s).append(System.lineSeparator());
            }
            int shown = Math.min(REPORTED_FAILURES, failures.size());
            if (shown > 0) {
                sb.append("  worst failures:").append(System.lineSeparator());
                for (int i = 0; i < shown; i++) {
                    sb.append("    ").append(failures.get(i)).append(System.lineSeparator());
                }
                if (failures.size() > shown) {
                    sb.append("    ... and ").append(failures.size() - shown).append(" more").append(System.lineSeparator());
                }
            }
            return sb.toString().stripTrailing();
        }
    }

    // ------------------------------------------------------------------ entry points

    /** Checks {@code fn}'s gradients at {@code inputs} with {@link Options#defaults()}. */
    public static Result check(Function<Tensor[], Tensor> fn, Tensor... inputs) {
        return check(Options.defaults(), fn, inputs);
    }

    /**
     * Checks {@code fn}'s gradients with respect to every input at {@code inputs}.
     *
     * @throws IllegalArgumentException if the function returns null or its output shape depends on the
     *                                  perturbation
     */
    public static Result check(Options options, Function<Tensor[], Tensor> fn, Tensor... inputs) {
        Objects.requireNonNull(options, "GradCheck.check: options");
        Objects.requireNonNull(fn, "GradCheck.check: fn");
        Tensor[] base = copies(inputs);
        int[][] shapes = new int[base.length][];
        for (int i = 0; i < base.length; i++) {
            shapes[i] = A.shape(base[i]).clone();
        }
        Tensor y0 = evaluate(fn, base);
        int outSize = y0.size();
        return options.fast() ? checkFast(options, fn, base, shapes, y0)
                : checkElements(options, fn, base, shapes, y0, outSize);
    }

    /** As {@link #check(Function, Tensor...)}, throwing an AssertionError with the report on failure. */
    public static void assertGradients(Function<Tensor[], Tensor> fn, Tensor... inputs) {
        assertGradients(Options.defaults(), fn, inputs);
    }

    /** As {@link #check(Options, Function, Tensor...)}, throwing an AssertionError with the report on failure. */
    public static void assertGradients(Options options, Function<Tensor[], Tensor> fn, Tensor... inputs) {
        Result r = check(options, fn, inputs);
        if (!r.passed()) {
            throw new AssertionError(r.toString());
        }
    }

    // ------------------------------------------------------------------ second order and the backward itself

    /**
     * Checks second derivatives ("gradgrad"): for fixed random vectors {@code v}, the gradient of
     * {@code h(x) = Σᵢ ⟨∇ᵢ⟨s, fn(x)⟩, vᵢ⟩} computed by differentiating the recorded backward pass
     * ({@link Tape#createGraph()}) is compared with central differences of {@code h}, where each
     * evaluation of {@code h} runs an ordinary (first-order) replay. {@code s} is 1 for a scalar
     * output and a fixed random seed otherwise. This is a Hessian-vector product check for every
     * input at once.
     *
     * <pre>{@code
     * GradCheck.Result r = GradCheck.checkSecondOrder(in -> in[0].tanh().mul(in[1]).sum(), x, w);
     * }</pre>
     */
    public static Result checkSecondOrder(Options options, Function<Tensor[], Tensor> fn, Tensor... inputs) {
        Objects.requireNonNull(fn, "GradCheck.checkSecondOrder: fn");
        Tensor[] base = copies(inputs);
        Tensor y0 = evaluate(fn, base);
        RandomGenerator rng = rng(options.seed() ^ 0x5EC0DL);
        Tensor seed = randomLike(rng, A.shape(y0), y0.rank() == 0);
        Tensor[] v = new Tensor[base.length];
        for (int i = 0; i < base.length; i++) {
            v[i] = randomLike(rng, A.shape(base[i]), false);
        }
        Function<Tensor[], Tensor> gradDotV = gradDotV(fn, seed, v);
        Result r = check(options, gradDotV, base);
        return new Result(options, "second order: gradient of <grad, v> for random v", r.inputShapes, A.shape(y0).clone(), r.entries());
    }

    /**
     * {@code x ↦ Σᵢ ⟨∇ᵢ⟨s, fn(x)⟩, vᵢ⟩}, each evaluation a reverse replay (recorded on the caller's
     * tape when one records, so that it can be differentiated in either mode).
     */
    private static Function<Tensor[], Tensor> gradDotV(Function<Tensor[], Tensor> fn, Tensor seed, Tensor[] v) {
        return in -> {
            Tape current = A.currentTape();
            boolean onOuter = current != null && Tape.isRecording();
            Tape tape = onOuter ? current : Tape.record(Tape.Option.KEEP);
            try {
                Tensor[] xs = new Tensor[in.length];
                for (int i = 0; i < in.length; i++) {
                    // alias keeps forward-mode tangents: a JVP of this function is forward over reverse
                    xs[i] = onOuter && A.tracks(tape, in[i]) ? in[i] : A.alias(in[i]).requiresGrad(true);
                }
                Tensor y = fn.apply(xs.clone());
                Tensor[] g = (onOuter ? tape.createGraph() : tape.retainGraph()).zerosForConstants().vjp(y, seed, xs);
                Tensor h = Tensor.scalar(0.0);
                for (int i = 0; i < g.length; i++) {
                    h = h.add(g[i].mul(v[i]).sum());
                }
                return h;
            } finally {
                if (!onOuter) {
                    tape.close();
                }
            }
        };
    }

    // ------------------------------------------------------------------ forward mode and both modes

    /** The modes of automatic differentiation that {@link #checkGrads} exercises. */
    public enum Mode {
        /** Jacobian-vector products ({@link Autodiff#jvp}). */
        FORWARD,
        /** Vector-Jacobian products (tape replays). */
        REVERSE
    }

    /**
     * Checks forward mode: for a random direction per input, the JVP ({@link Autodiff#jvp}) against
     * central differences along the same direction (every output element, or a random projection of
     * a large output), and against reverse mode by transposition: ⟨u, J·t⟩ = ⟨Jᵀ·u, t⟩ for a random u.
     *
     * <pre>{@code
     * GradCheck.Result r = GradCheck.checkJvp(in -> in[0].matmul(in[1]).tanh(), x, w);
     * }</pre>
     */
    public static Result checkJvp(Options options, Function<Tensor[], Tensor> fn, Tensor... inputs) {
        Objects.requireNonNull(fn, "GradCheck.checkJvp: fn");
        return ForwardCheck.checkJvp(options, fn, inputs);
    }

    /** {@link #checkJvp(Options, Function, Tensor...)} with {@link Options#defaults()}. */
    public static Result checkJvp(Function<Tensor[], Tensor> fn, Tensor... inputs) {
        return checkJvp(Options.defaults(), fn, inputs);
    }

    /** As {@link #checkJvp(Function, Tensor...)}, throwing an AssertionError with the report on failure. */
    public static void assertJvp(Function<Tensor[], Tensor> fn, Tensor... inputs) {
        Result r = checkJvp(fn, inputs);
        if (!r.passed()) {
            throw new AssertionError(r.toString());
        }
    }

    /**
     * Checks derivatives in the given modes up to {@code order} (1 or 2), like JAX's
     * {@code check_grads(f, args, order, modes)}. Order 1: reverse ({@link #check}) and forward
     * ({@link #checkJvp}). Order 2 adds reverse over reverse ({@link #checkSecondOrder}), forward
     * over forward (the JVP of a projected JVP), and with both modes forward over reverse (the JVP of
     * a projected gradient) and reverse over forward (the gradient of a projected JVP). One result per
     * check, in that order.
     */
    public static List<Result> checkGrads(Options options, java.util.Set<Mode> modes, int order,
                                          Function<Tensor[], Tensor> fn, Tensor... inputs) {
        if (order < 1 || order > 2) {
            throw new IllegalArgumentException("GradCheck.checkGrads: order " + order + " must be 1 or 2");
        }
        Objects.requireNonNull(fn, "GradCheck.checkGrads: fn");
        boolean fwd = modes.contains(Mode.FORWARD), rev = modes.contains(Mode.REVERSE);
        List<Result> out = new ArrayList<>();
        if (rev) {
            out.add(check(options, fn, inputs));
        }
        if (fwd) {
            out.add(checkJvp(options, fn, inputs));
        }
        if (order == 2) {
            if (rev) {
                out.add(checkSecondOrder(options, fn, inputs));
            }
            out.addAll(checkSecondOrderForward(options, fwd && rev, fn, inputs));
        }
        return out;
    }

    /**
     * The second-order checks that involve forward mode: forward over forward (the JVP of a projected
     * JVP) and, if {@code mixed}, forward over reverse (the JVP of a projected gradient) and reverse
     * over forward (the gradient of a projected JVP). {@link #checkSecondOrder} is reverse over reverse.
     */
    public static List<Result> checkSecondOrderForward(Options options, boolean mixed,
                                                       Function<Tensor[], Tensor> fn, Tensor... inputs) {
        Tensor[] base = copies(inputs);
        Tensor y0 = evaluate(fn, base);
        RandomGenerator rng = rng(options.seed() ^ 0x2D0DL);
        Tensor s = randomLike(rng, A.shape(y0), y0.rank() == 0);
        Tensor[] w = new Tensor[base.length];
        for (int i = 0; i < base.length; i++) {
            w[i] = randomLike(rng, A.shape(base[i]), false);
        }
        Function<Tensor[], Tensor> projectedJvp = ForwardCheck.projectedJvp(fn, s, w);
        List<Result> out = new ArrayList<>();
        out.add(relabel(checkJvp(options, projectedJvp, base), "second order, forward over forward: "));
        if (mixed) {
            out.add(relabel(checkJvp(options, gradDotV(fn, s, w), base), "second order, forward over reverse: "));
            out.add(relabel(check(options, projectedJvp, base), "second order, reverse over forward: "));
        }
        return out;
    }

    /** {@link #checkGrads} in both modes to second order, throwing an AssertionError with every failing report. */
    public static void assertGrads(Function<Tensor[], Tensor> fn, Tensor... inputs) {
        StringBuilder failures = new StringBuilder();
        for (Result r : checkGrads(Options.defaults(), java.util.EnumSet.allOf(Mode.class), 2, fn, inputs)) {
            if (!r.passed()) {
                failures.append(r).append(System.lineSeparator());
            }
        }
        if (failures.length() > 0) {
            throw new AssertionError(failures.toString().stripTrailing());
        }
    }

    private static Result relabel(Result r, String prefix) {
        return new Result(r.options(), prefix + r.mode(), r.inputShapesCopy(), r.outputShape(), r.entries());
    }

    /** {@link #checkSecondOrder(Options, Function, Tensor...)} with {@link Options#defaults()}. */
    public static Result checkSecondOrder(Function<Tensor[], Tensor> fn, Tensor... inputs) {
        return checkSecondOrder(Options.defaults(), fn, inputs);
    }

    /** As {@link #checkSecondOrder(Function, Tensor...)}, throwing an AssertionError with the report on failure. */
    public static void assertSecondOrder(Function<Tensor[], Tensor> fn, Tensor... inputs) {
        Result r = checkSecondOrder(fn, inputs);
        if (!r.passed()) {
            throw new AssertionError(r.toString());
        }
    }

    /**
     * Checks properties of the backward pass that central differences cannot see: it is linear in
     * its seed (a zero seed gives exactly zero gradients; twice the seed gives twice the gradients,
     * to a relative 1e-12) and it is repeatable (two replays give bit-identical gradients). Useful for
     * a custom {@link DifferentiableFunction}'s backward.
     */
    public static Result checkBackward(Function<Tensor[], Tensor> fn, Tensor... inputs) {
        Objects.requireNonNull(fn, "GradCheck.checkBackward: fn");
        Options o = Options.defaults();
        Tensor[] base = copies(inputs);
        int[][] shapes = new int[base.length][];
        for (int i = 0; i < base.length; i++) {
            shapes[i] = A.shape(base[i]).clone();
        }
        Tensor y0 = evaluate(fn, base);
        Tensor seed = randomLike(rng(o.seed()), A.shape(y0), false);
        double[] twice = A.data(seed).clone();
        for (int j = 0; j < twice.length; j++) {
            twice[j] *= 2;
        }
        Tensor[][] g = analyticVjps(fn, base, A.shape(y0),
                List.of(A.data(seed), twice, new double[seed.size()], A.data(seed).clone()));
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < base.length; i++) {
            for (int k = 0; k < base[i].size(); k++) {
                int[] element = A.unravel(k, shapes[i]);
                double one = A.data(g[0][i])[k];
                // linearity: gradient for 2·seed against 2·(gradient for seed)
                entries.add(entry(i, element, null, A.data(g[1][i])[k], 2 * one, 1e-12 * Math.abs(2 * one)));
                // zero seed: exactly zero
                entries.add(entry(i, element, null, A.data(g[2][i])[k], 0.0, 0.0));
                // repeatability: bit-identical replays
                double again = A.data(g[3][i])[k];
                entries.add(entry(i, element, null, again, one,
                        Double.doubleToRawLongBits(again) == Double.doubleToRawLongBits(one) ? Double.MAX_VALUE : -1));
            }
        }
        return new Result(o, "backward: linear in the seed (2x, 0x) and repeatable", shapes, A.shape(y0).clone(), entries);
    }

    private static Tensor randomLike(RandomGenerator rng, int[] shape, boolean ones) {
        double[] d = new double[Gen.size(shape)];
        for (int j = 0; j < d.length; j++) {
            d[j] = ones ? 1.0 : rng.nextGaussian();
        }
        return A.wrap(d, shape.clone());
    }

    // ------------------------------------------------------------------ the two modes

    private static Result checkElements(Options o, Function<Tensor[], Tensor> fn, Tensor[] base, int[][] shapes,
                                        Tensor y0, int outSize) {
        List<double[]> seeds = new ArrayList<>();
        List<int[]> seedOutputs = new ArrayList<>();
        String mode;
        if (outSize <= o.maxJacobianRows()) {
            for (int j = 0; j < outSize; j++) {
                double[] e = new double[outSize];
                e[j] = 1.0;
                seeds.add(e);
                seedOutputs.add(y0.rank() == 0 ? null : A.unravel(j, A.shape(y0)));
            }
            mode = y0.rank() == 0 ? "gradient (scalar output)" : "full Jacobian (" + outSize + " VJPs)";
        } else {
            RandomGenerator rng = rng(o.seed());
            double[] v = new double[outSize];
            for (int j = 0; j < outSize; j++) {
                v[j] = rng.nextGaussian();
            }
            seeds.add(v);
            seedOutputs.add(null);
            mode = "random projection of the " + outSize + "-element output";
        }
        Tensor[][] analytic = analyticVjps(fn, base, A.shape(y0), seeds);
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < base.length; i++) {
            int n = base[i].size();
            for (int k = 0; k < n; k++) {
                Difference d = difference(fn, base, i, k, o.eps(), A.shape(y0));
                int[] element = A.unravel(k, shapes[i]);
                for (int s = 0; s < seeds.size(); s++) {
                    double[] v = seeds.get(s);
                    double num = d.project(v) / d.displacement;
                    double floor = ROUNDOFF_ULPS * MACHINE_EPSILON * d.magnitude(v) / d.displacement;
                    double tol = o.atol() + o.rtol() * Math.abs(num) + floor;
                    entries.add(entry(i, element, seedOutputs.get(s), A.data(analytic[s][i])[k], num, tol));
                }
            }
        }
        return new Result(o, mode, shapes, A.shape(y0).clone(), entries);
    }

    private static Result checkFast(Options o, Function<Tensor[], Tensor> fn, Tensor[] base, int[][] shapes, Tensor y0) {
        RandomGenerator rng = rng(o.seed());
        int outSize = y0.size();
        double[] v = new double[outSize];
        for (int j = 0; j < outSize; j++) {
            v[j] = y0.rank() == 0 ? 1.0 : rng.nextGaussian();
        }
        Tensor[] g = analyticVjps(fn, base, A.shape(y0), List.of(v))[0];
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < base.length; i++) {
            int n = base[i].size();
            if (n == 0) {
                continue;
            }
            double[] u = new double[n];
            for (int k = 0; k < n; k++) {
                u[k] = rng.nextGaussian();
            }
            Tensor direction = A.wrap(u, shapes[i]);
            DirectionalDifference d = directionalDifference(fn, base, i, direction, o.eps(), A.shape(y0));
            double scale = 2 * o.eps();
            double analytic = 0, analyticMagnitude = 0, stepMagnitude = 0;
            double[] gi = A.data(g[i]);
            for (int k = 0; k < n; k++) {
                analytic += gi[k] * d.displacement[k];
                analyticMagnitude += Math.abs(gi[k] * d.displacement[k]);
                stepMagnitude += Math.abs(d.displacement[k]);
            }
            analytic /= scale;
            double num = d.difference.project(v) / scale;
            double floor = ROUNDOFF_ULPS * MACHINE_EPSILON * d.difference.magnitude(v) / scale;
            // per-element tolerances summed along the direction's components
            double tol = o.atol() * stepMagnitude / scale + o.rtol() * Math.max(Math.abs(num), analyticMagnitude / scale) + floor;
            entries.add(entry(i, null, null, analytic, num, tol));
        }
        String mode = "fast: one random direction per input" + (y0.rank() == 0 ? "" : ", random output projection");
        return new Result(o, mode, shapes, A.shape(y0).clone(), entries);
    }

    static Entry entry(int input, int[] element, int[] output, double analytic, double numeric, double tol) {
        double abs = Math.abs(analytic - numeric);
        if (!Double.isFinite(analytic) || !Double.isFinite(numeric)) {
            abs = Double.NaN;
        }
        double denom = Math.max(Math.abs(analytic), Math.abs(numeric));
        double rel = abs == 0 ? 0 : abs / denom;
        return new Entry(input, element, output, analytic, numeric, abs, rel, tol);
    }

    // ------------------------------------------------------------------ reusable pieces (also for higher-order checks)

    /**
     * The numerical Jacobian of {@code fn} with respect to input {@code input}, by central differences
     * with the default step: a tensor of shape {@code outputShape ++ inputShape}.
     */
    public static Tensor numericalJacobian(Function<Tensor[], Tensor> fn, int input, Tensor... inputs) {
        return numericalJacobian(Options.defaults(), fn, input, inputs);
    }

    /** As {@link #numericalJacobian(Function, int, Tensor...)} with the step factor of {@code options}. */
    public static Tensor numericalJacobian(Options options, Function<Tensor[], Tensor> fn, int input, Tensor... inputs) {
        Tensor[] base = copies(inputs);
        Objects.checkIndex(input, base.length);
        Tensor y0 = evaluate(fn, base);
        int m = y0.size(), n = base[input].size();
        double[] jac = new double[m * n];
        for (int k = 0; k < n; k++) {
            Difference d = difference(fn, base, input, k, options.eps(), A.shape(y0));
            for (int j = 0; j < m; j++) {
                jac[j * n + k] = (d.plus[j] - d.minus[j]) / d.displacement;
            }
        }
        int[] shape = Arrays.copyOf(A.shape(y0), y0.rank() + base[input].rank());
        System.arraycopy(A.shape(base[input]), 0, shape, y0.rank(), base[input].rank());
        return A.wrap(jac, shape);
    }

    /**
     * The numerical vector-Jacobian product {@code seedᵀ·∂fn/∂inputs[input]}: the gradient of
     * {@code Σ seed ⊙ fn} with respect to that input, by central differences. Shape of the input.
     */
    public static Tensor numericalVjp(Options options, Function<Tensor[], Tensor> fn, Tensor seed, int input, Tensor... inputs) {
        Tensor[] base = copies(inputs);
        Objects.checkIndex(input, base.length);
        Tensor y0 = evaluate(fn, base);
        requireSeedShape(seed, y0);
        int n = base[input].size();
        double[] g = new double[n];
        for (int k = 0; k < n; k++) {
            Difference d = difference(fn, base, input, k, options.eps(), A.shape(y0));
            g[k] = d.project(A.data(seed)) / d.displacement;
        }
        return A.wrap(g, A.shape(base[input]).clone());
    }

    /**
     * The numerical directional derivative of {@code Σ seed ⊙ fn} when input {@code input} moves along
     * {@code direction}, by a central difference with steps {@code eps·max(1, |x|)·direction} (so the
     * result estimates {@code Σ_k ∂/∂x_k · max(1, |x_k|)·direction_k}).
     */
    public static double numericalDirectionalDerivative(Options options, Function<Tensor[], Tensor> fn, Tensor seed,
                                                        int input, Tensor direction, Tensor... inputs) {
        Tensor[] base = copies(inputs);
        Objects.checkIndex(input, base.length);
        if (!Arrays.equals(A.shape(direction), A.shape(base[input]))) {
            throw new IllegalArgumentException("GradCheck: direction of shape " + A.str(A.shape(direction))
                    + " does not match input " + input + " of shape " + A.str(A.shape(base[input])));
        }
        Tensor y0 = evaluate(fn, base);
        requireSeedShape(seed, y0);
        DirectionalDifference d = directionalDifference(fn, base, input, direction, options.eps(), A.shape(y0));
        return d.difference.project(A.data(seed)) / (2 * options.eps());
    }

    /**
     * The vector-Jacobian products {@code seedᵀ·∂fn/∂x} for every input, from a tape: what {@link #check}
     * compares with central differences.
     */
    public static Tensor[] analyticVjp(Function<Tensor[], Tensor> fn, Tensor seed, Tensor... inputs) {
        Tensor[] base = copies(inputs);
        Tensor y0 = evaluate(fn, base);
        requireSeedShape(seed, y0);
        return analyticVjps(fn, base, A.shape(y0), List.of(A.data(seed)))[0];
    }

    /**
     * The step that element {@code x} moves by: {@code eps·max(1, |x|)} rounded so that
     * {@code x + step} is exact.
     */
    public static double step(double x, double eps) {
        double h = eps * Math.max(1.0, Math.abs(x));
        return (x + h) - x;
    }

    // ------------------------------------------------------------------ internals

    /** Outputs at {@code x ± step} of one element and the displacement between the two points. */
    static final class Difference {
        final double[] plus, minus;
        final double displacement;

        Difference(double[] plus, double[] minus, double displacement) {
            this.plus = plus;
            this.minus = minus;
            this.displacement = displacement;
        }

        /** {@code Σ v_j (plus_j − minus_j)}. */
        double project(double[] v) {
            double s = 0;
            for (int j = 0; j < plus.length; j++) {
                if (v[j] != 0) {
                    s += v[j] * (plus[j] - minus[j]);
                }
            }
            return s;
        }

        /** {@code Σ |v_j|·max(|plus_j|, |minus_j|)}: the size of what was subtracted. */
        double magnitude(double[] v) {
            double s = 0;
            for (int j = 0; j < plus.length; j++) {
                if (v[j] != 0) {
                    s += Math.abs(v[j]) * Math.max(Math.abs(plus[j]), Math.abs(minus[j]));
                }
            }
            return s;
        }
    }

    /** A difference along a direction, with the displacement of each element. */
    static final class DirectionalDifference {
        final Difference difference;
        final double[] displacement;

        DirectionalDifference(Difference difference, double[] displacement) {
            this.difference = difference;
            this.displacement = displacement;
        }
    }

    static Difference difference(Function<Tensor[], Tensor> fn, Tensor[] base, int input, int k, double eps, int[] outShape) {
        double x = A.data(base[input])[k];
        double h = step(x, eps);
        double xp = x + h, xm = x - h;
        double[] plus = evaluateWith(fn, base, input, k, xp, outShape);
        double[] minus = evaluateWith(fn, base, input, k, xm, outShape);
        return new Difference(plus, minus, xp - xm);
    }

    static DirectionalDifference directionalDifference(Function<Tensor[], Tensor> fn, Tensor[] base, int input,
                                                       Tensor direction, double eps, int[] outShape) {
        double[] x = A.data(base[input]);
        double[] u = A.data(direction);
        double[] xp = new double[x.length], xm = new double[x.length], disp = new double[x.length];
        for (int k = 0; k < x.length; k++) {
            double h = eps * Math.max(1.0, Math.abs(x[k])) * u[k];
            xp[k] = x[k] + h;
            xm[k] = x[k] - h;
            disp[k] = xp[k] - xm[k];
        }
        double[] plus = evaluateReplacing(fn, base, input, xp, outShape);
        double[] minus = evaluateReplacing(fn, base, input, xm, outShape);
        return new DirectionalDifference(new Difference(plus, minus, 1.0), disp);
    }

    private static double[] evaluateWith(Function<Tensor[], Tensor> fn, Tensor[] base, int input, int k, double value,
                                         int[] outShape) {
        double[] d = A.data(base[input]).clone();
        d[k] = value;
        return evaluateReplacing(fn, base, input, d, outShape);
    }

    private static double[] evaluateReplacing(Function<Tensor[], Tensor> fn, Tensor[] base, int input, double[] values,
                                              int[] outShape) {
        Tensor[] args = base.clone();
        args[input] = A.wrap(values, A.shape(base[input]));
        Tensor y = evaluate(fn, args);
        if (!Arrays.equals(A.shape(y), outShape)) {
            throw new IllegalArgumentException("GradCheck: the function's output shape changed from " + A.str(outShape)
                    + " to " + A.str(A.shape(y)) + " when input " + input + " was perturbed");
        }
        return A.data(y);
    }

    /** Evaluates without recording, on a copy of the argument array (the function may not keep it). */
    static Tensor evaluate(Function<Tensor[], Tensor> fn, Tensor[] args) {
        Tensor y;
        try (Tape.Pause p = Tape.pause()) {
            y = fn.apply(args.clone());
        }
        if (y == null) {
            throw new IllegalArgumentException("GradCheck: the function returned null");
        }
        return y;
    }

    /** One tape, replayed once per seed: the gradients of Σ seed ⊙ fn for every input. */
    private static Tensor[][] analyticVjps(Function<Tensor[], Tensor> fn, Tensor[] base, int[] outShape, List<double[]> seeds) {
        Tensor[] xs = new Tensor[base.length];
        for (int i = 0; i < base.length; i++) {
            xs[i] = A.wrap(A.data(base[i]), A.shape(base[i])).requiresGrad(true);
        }
        Tensor[][] out = new Tensor[seeds.size()][];
        try (Tape tape = Tape.record(Tape.Option.KEEP)) {
            Tensor y = fn.apply(xs.clone());
            if (y == null) {
                throw new IllegalArgumentException("GradCheck: the function returned null");
            }
            if (!Arrays.equals(A.shape(y), outShape)) {
                throw new IllegalArgumentException("GradCheck: the function's output shape " + A.str(A.shape(y))
                        + " on the tape differs from " + A.str(outShape) + " without it");
            }
            for (int s = 0; s < seeds.size(); s++) {
                out[s] = tape.retainGraph().zerosForConstants().vjp(y, A.wrap(seeds.get(s), outShape), xs);
            }
        }
        return out;
    }

    static Tensor[] copies(Tensor[] inputs) {
        Objects.requireNonNull(inputs, "GradCheck: inputs");
        Tensor[] c = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            Tensor t = Objects.requireNonNull(inputs[i], "GradCheck: input " + i + " is null");
            c[i] = A.wrap(A.data(t).clone(), A.shape(t).clone());
        }
        return c;
    }

    private static void requireSeedShape(Tensor seed, Tensor y) {
        if (!Arrays.equals(A.shape(seed), A.shape(y))) {
            throw new IllegalArgumentException("GradCheck: seed of shape " + A.str(A.shape(seed))
                    + " does not match the output of shape " + A.str(A.shape(y)));
        }
    }

    private static RandomGenerator rng(long seed) {
        return RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
    }
}
