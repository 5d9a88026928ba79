package dev.tapegrad;

import dev.tapegrad.testing.OpTest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Every op of the library in one place: the primitive {@link Op} definitions (they register
 * themselves when their family class loads), the test metadata each family declares next to them,
 * and the functions that expression parsers (the CLI's {@code graph --expr}) may call by name.
 * The property tests, {@code tapegrad gradcheck}, {@code graph --expr} and the README's catalogue
 * all read from here, so adding an op to a family file is the whole change.
 *
 * <pre>{@code
 * for (Op op : OpRegistry.ops()) System.out.println(op.name());
 * Tensor y = OpRegistry.function("tanh").apply(x);
 * }</pre>
 */
public final class OpRegistry {
    private OpRegistry() {}

    /**
     * A function of the catalogue callable by name (by the CLI's expression parser).
     *
     * @param name        its name in expressions, e.g. {@code tanh} or {@code maximum}
     * @param arity       the number of tensor arguments
     * @param description what it computes
     * @param fn          the function
     */
    public record NamedFunction(String name, int arity, String description, Function<Tensor[], Tensor> fn) {
        /** Applies the function. */
        public Tensor apply(Tensor... args) {
            if (args.length != arity) {
                throw new IllegalArgumentException(name + ": takes " + arity + " argument" + (arity == 1 ? "" : "s")
                        + ", got " + args.length);
            }
            return fn.apply(args);
        }
    }

    /** What one family file contributes besides its op definitions. */
    interface Family {
        /** The family's test entries, in catalogue order. */
        List<OpTest> tests();

        /** The family's functions callable by name. */
        List<NamedFunction> functions();
    }

    private static final List<Op> OPS = Collections.synchronizedList(new ArrayList<>());

    /** The families, in catalogue order. Loading each registers its ops. */
    private static final class Families {
        static final List<Family> ALL = load(List.of(
                () -> UnaryOps.FAMILY,
                () -> BinaryOps.FAMILY,
                () -> MatMulOp.FAMILY,
                () -> ShapeOps.FAMILY,
                () -> ReduceOps.FAMILY,
                () -> MathOps.FAMILY,
                () -> ReductionOps.FAMILY,
                () -> ArrayOps.FAMILY,
                () -> IndexOps.FAMILY,
                () -> LinalgOps.FAMILY));

        private static List<Family> load(List<Supplier<Family>> suppliers) {
            List<Family> out = new ArrayList<>();
            for (Supplier<Family> s : suppliers) {
                out.add(s.get());
            }
            return out;
        }
    }

    static void register(Op op) {
        OPS.add(op);
    }

    /** Every built-in primitive op definition, in registration order. */
    public static List<Op> ops() {
        List<Family> loaded = Families.ALL;  // loads the families, which registers their ops
        assert loaded != null;
        synchronized (OPS) {
            return List.copyOf(OPS);
        }
    }

    /** The test entries of every family, in catalogue order (see {@code dev.tapegrad.testing.OpCatalog}). */
    public static List<OpTest> tests() {
        List<OpTest> out = new ArrayList<>();
        for (Family f : Families.ALL) {
            out.addAll(f.tests());
        }
        return out;
    }

    /** The functions callable by name, in catalogue order. */
    public static Map<String, NamedFunction> functions() {
        Map<String, NamedFunction> out = new LinkedHashMap<>();
        for (Family f : Families.ALL) {
            for (NamedFunction fn : f.functions()) {
                out.putIfAbsent(fn.name(), fn);
            }
        }
        return out;
    }

    /**
     * The function called {@code name}.
     *
     * @throws IllegalArgumentException naming the known functions if there is none
     */
    public static NamedFunction function(String name) {
        NamedFunction f = functions().get(name);
        if (f == null) {
            throw new IllegalArgumentException("unknown function '" + name + "'; known: " + String.join(", ", functions().keySet()));
        }
        return f;
    }
}
