package dev.tapegrad.testing;

import dev.tapegrad.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.random.RandomGenerator;

/**
 * The test metadata of one public function of the op catalogue (one entry per form of it: each
 * matmul form, each pow exponent, each reduction variant): its arity, how to apply it, the domain
 * its inputs are drawn from, the region where it is smooth, and a generator of valid input shapes.
 * Each op's family file declares its entries next to the op's definition; {@link OpCatalog} lists
 * them all.
 *
 * <pre>{@code
 * OpTest t = OpCatalog.get("tanh");
 * OpCatalog.CaseResult r = t.check(rng);      // random shape and values, checked by GradCheck
 * }</pre>
 */
public final class OpTest {

    /** Binds an op's parameters (axis, permutation, ...) to concrete input shapes. */
    @FunctionalInterface
    public interface Binder {
        /**
         * The op with its parameters chosen for these input shapes.
         *
         * @throws IllegalArgumentException if the op cannot take inputs of these shapes
         */
        Bound bind(int[][] shapes, RandomGenerator rng);
    }

    /**
     * An op with its parameters chosen: a label for them, the function, and the distance of given
     * inputs from the nearest point where it is not smooth (a tie of maxima, say).
     *
     * @param params a label such as {@code axis=-1}, empty without parameters
     * @param fn     the function of the inputs
     * @param margin distance from the nearest non-smooth point; +Infinity if smooth everywhere
     */
    public record Bound(String params, Function<Tensor[], Tensor> fn, ToDoubleFunction<Tensor[]> margin) {
        /** A bound op that is smooth everywhere (apart from the domains' kinks). */
        public Bound(String params, Function<Tensor[], Tensor> fn) {
            this(params, fn, in -> Double.POSITIVE_INFINITY);
        }
    }

    private final String name;
    private final String description;
    private final Domain[] domains;
    private final ShapeGenerator shapes;
    private final Binder binder;

    private OpTest(String name, String description, Domain[] domains, ShapeGenerator shapes, Binder binder) {
        this.name = name;
        this.description = description;
        this.domains = domains.clone();
        this.shapes = shapes;
        this.binder = binder;
    }

    /**
     * An entry.
     *
     * @param name        the entry's name, e.g. {@code sum(axis)}
     * @param description what it applies, e.g. {@code x.sum(axis) on a random axis}
     * @param domains     one per input
     * @param shapes      valid input shapes
     * @param binder      chooses parameters for given shapes
     */
    public static OpTest of(String name, String description, Domain[] domains, ShapeGenerator shapes, Binder binder) {
        return new OpTest(name, description, domains, shapes, binder);
    }

    /** An entry of a one-input function without parameters, on any shape. */
    public static OpTest unary(String name, String description, Domain domain, Function<Tensor, Tensor> f) {
        return of(name, description, new Domain[] {domain}, rng -> new int[][] {Gen.anyShape(rng)},
                (s, rng) -> new Bound("", in -> f.apply(in[0])));
    }

    /** The op's name in the table, e.g. {@code matmul(1-D,2-D)} or {@code sum(axis,keepDims)}. */
    public String name() { return name; }

    /** What the entry applies, e.g. {@code a.matmul(b) with a 1-D and b 2-D}. */
    public String description() { return description; }

    /** Number of tensor inputs. */
    public int arity() { return domains.length; }

    /** The domain input {@code i} is drawn from. */
    public Domain domain(int i) { return domains[i]; }

    /** Random valid input shapes (for binary elementwise ops, often one of {@link OpCatalog#BROADCAST_PAIRS}). */
    public int[][] randomShapes(RandomGenerator rng) { return shapes.shapes(rng); }

    /** A case on random valid shapes, parameters drawn from {@code rng}. */
    public OpCatalog.Case newCase(RandomGenerator rng) {
        return newCase(rng, shapes.shapes(rng));
    }

    /**
     * A case on the given input shapes, parameters (axis, permutation, ...) drawn from {@code rng}.
     *
     * @throws IllegalArgumentException if the op cannot take inputs of these shapes
     */
    public OpCatalog.Case newCase(RandomGenerator rng, int[]... inputShapes) {
        if (inputShapes.length != arity()) {
            throw new IllegalArgumentException(name + ": takes " + arity() + " inputs, got " + inputShapes.length + " shapes");
        }
        int[][] copy = new int[inputShapes.length][];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = inputShapes[i].clone();
        }
        Bound b = binder.bind(copy, rng);
        OpCatalog.Case c = new OpCatalog.Case(this, b, copy);
        c.outputShape();  // rejects shapes the op itself refuses
        return c;
    }

    /** One random case checked with {@link GradCheck.Options#defaults()}. */
    public OpCatalog.CaseResult check(RandomGenerator rng) {
        return newCase(rng).check(rng, GradCheck.Options.defaults());
    }

    /** {@code cases} random cases, each on new shapes and values, checked with {@code options}. */
    public List<OpCatalog.CaseResult> check(RandomGenerator rng, int cases, GradCheck.Options options) {
        List<OpCatalog.CaseResult> out = new ArrayList<>();
        for (int i = 0; i < cases; i++) {
            out.add(newCase(rng).check(rng, options));
        }
        return out;
    }

    @Override
    public String toString() { return name + ": " + description; }
}
