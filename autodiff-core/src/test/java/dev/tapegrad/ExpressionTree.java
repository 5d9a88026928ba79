package dev.tapegrad;

import dev.tapegrad.testing.Domain;
import dev.tapegrad.testing.Gen;
import dev.tapegrad.testing.OpCatalog;
import dev.tapegrad.testing.OpTest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * A random expression DAG built from the op table: shared leaves of broadcast-compatible shapes,
 * each node an {@link OpCatalog.Case} applied to earlier nodes. Inputs of strict domains (log, sqrt,
 * pow, denominators, exp) are mapped into the domain by a sigmoid, itself an op of the table.
 */
final class ExpressionTree {
    private record NodeSpec(OpCatalog.Case op, int[] children, int depth) {}

    private final int[][] leafShapes;
    private final List<NodeSpec> nodes = new ArrayList<>();

    private ExpressionTree(int[][] leafShapes) {
        this.leafShapes = leafShapes;
    }

    /** Largest number of elements a node may have, to keep the checks small. */
    private static final int MAX_NODE_SIZE = 36;

    /** A random DAG and leaf values at which it is well conditioned (away from kinks and ties). */
    record Drawn(ExpressionTree tree, Tensor[] leaves) {}

    /**
     * Draws random DAGs of the given depth and leaf values until the values are at least
     * {@code margin} from every non-smooth point; fails the test after 20 × 20 attempts.
     */
    static Drawn drawWellConditioned(RandomGenerator rng, int depth, double margin, String context) {
        for (int attempt = 0; attempt < 20; attempt++) {
            ExpressionTree tree = random(rng, depth);
            for (int draw = 0; draw < 20; draw++) {
                Tensor[] leaves = tree.sampleLeaves(rng);
                if (tree.wellConditioned(leaves, margin)) {
                    return new Drawn(tree, leaves);
                }
            }
        }
        throw new AssertionError(context + ": no well-conditioned expression DAG of depth " + depth + " in 20 attempts");
    }

    /** A random DAG whose root is exactly {@code depth} ops above the leaves. */
    static ExpressionTree random(RandomGenerator rng, int depth) {
        int[] base = Gen.shape(rng, rng.nextInt(3), 3);
        int leaves = 2 + rng.nextInt(2);
        int[][] shapes = new int[leaves][];
        shapes[0] = base;
        for (int i = 1; i < leaves; i++) {
            shapes[i] = Gen.broadcastVariant(rng, base);
        }
        ExpressionTree t = new ExpressionTree(shapes);
        List<OpTest> ops = OpCatalog.all();
        for (int level = 1; level <= depth; level++) {
            int count = level == depth ? 1 : 1 + rng.nextInt(2);
            for (int c = 0; c < count; c++) {
                t.addNode(rng, ops, level);
            }
        }
        return t;
    }

    /** Nodes already used as an argument: unused ones are preferred, so few results are dead code. */
    private final java.util.Set<Integer> used = new java.util.HashSet<>();

    private int pick(RandomGenerator rng, List<Integer> from, double preferUnused) {
        List<Integer> unused = new ArrayList<>();
        for (int i : from) {
            if (!used.contains(i)) {
                unused.add(i);
            }
        }
        List<Integer> pool = !unused.isEmpty() && rng.nextDouble() < preferUnused ? unused : from;
        return pool.get(rng.nextInt(pool.size()));
    }

    private int total() {
        return leafShapes.length + nodes.size();
    }

    private int depthOf(int i) {
        return i < leafShapes.length ? 0 : nodes.get(i - leafShapes.length).depth;
    }

    private int[] shapeOf(int i) {
        return i < leafShapes.length ? leafShapes[i] : nodes.get(i - leafShapes.length).op.outputShape();
    }

    private void addNode(RandomGenerator rng, List<OpTest> ops, int level) {
        List<Integer> previous = new ArrayList<>(), lower = new ArrayList<>();
        for (int i = 0; i < total(); i++) {
            if (depthOf(i) == level - 1) {
                previous.add(i);
            }
            if (depthOf(i) < level) {
                lower.add(i);
            }
        }
        for (int attempt = 0; attempt < 500; attempt++) {
            OpTest op = ops.get(rng.nextInt(ops.size()));
            int[] children = new int[op.arity()];
            children[0] = pick(rng, previous, 0.8);
            for (int k = 1; k < children.length; k++) {
                children[k] = pick(rng, lower, 0.6);
            }
            if (children.length > 1 && rng.nextBoolean()) {
                // the deeper child need not be the first argument
                int k = rng.nextInt(children.length);
                int tmp = children[0];
                children[0] = children[k];
                children[k] = tmp;
            }
            int[][] shapes = new int[children.length][];
            for (int k = 0; k < children.length; k++) {
                shapes[k] = shapeOf(children[k]);
            }
            try {
                OpCatalog.Case c = op.newCase(rng, shapes);
                int size = Shapes.size(c.outputShape());
                if (size == 0 || size > MAX_NODE_SIZE) {
                    continue;
                }
                nodes.add(new NodeSpec(c, children, level));
                for (int child : children) {
                    used.add(child);
                }
                return;
            } catch (IllegalArgumentException unfit) {
                // shapes this op does not take: draw another op
            }
        }
        throw new IllegalStateException("no op of the table fits the shapes at level " + level);
    }

    /** The values of every node (leaves first) and, per op node, the arguments it received. */
    private Tensor[] evaluate(Tensor[] leaves, List<Tensor[]> argsOut) {
        Tensor[] v = Arrays.copyOf(leaves, total());
        for (int n = 0; n < nodes.size(); n++) {
            NodeSpec spec = nodes.get(n);
            Tensor[] args = new Tensor[spec.children.length];
            for (int k = 0; k < args.length; k++) {
                args[k] = intoDomain(v[spec.children[k]], spec.op.op().domain(k));
            }
            if (argsOut != null) {
                argsOut.add(args);
            }
            v[leafShapes.length + n] = spec.op.apply(args);
        }
        return v;
    }

    private static Tensor intoDomain(Tensor x, Domain d) {
        if (!d.strict()) {
            return x;
        }
        double lo = d.smoothLo();
        return x.sigmoid().mul(d.hi() - lo).add(lo);
    }

    /** The root as a function of the leaves. */
    Function<Tensor[], Tensor> fn() {
        return in -> {
            Tensor[] v = evaluate(in, null);
            return v[v.length - 1];
        };
    }

    /**
     * True if every op sees arguments at least {@code margin} away from its kinks and ties and every
     * value is finite and moderate, so that central differences are meaningful.
     */
    boolean wellConditioned(Tensor[] leaves, double margin) {
        List<Tensor[]> args = new ArrayList<>();
        Tensor[] v;
        try (Tape.Pause p = Tape.pause()) {
            v = evaluate(leaves, args);
        }
        for (Tensor t : v) {
            for (double x : t.data) {
                if (!Double.isFinite(x) || Math.abs(x) > 1e6) {
                    return false;
                }
            }
        }
        for (int n = 0; n < nodes.size(); n++) {
            if (nodes.get(n).op.smoothMargin(args.get(n)) < margin) {
                return false;
            }
        }
        return true;
    }

    Tensor[] sampleLeaves(RandomGenerator rng) {
        Tensor[] in = new Tensor[leafShapes.length];
        for (int i = 0; i < in.length; i++) {
            double[] d = new double[Shapes.size(leafShapes[i])];
            for (int k = 0; k < d.length; k++) {
                d[k] = -2 + 4 * rng.nextDouble();
            }
            in[i] = new Tensor(d, leafShapes[i].clone());
        }
        return in;
    }

    int depth() {
        return nodes.get(nodes.size() - 1).depth;
    }

    int opCount() {
        return nodes.size();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < leafShapes.length; i++) {
            sb.append("v").append(i).append(" = leaf ").append(Arrays.toString(leafShapes[i])).append('\n');
        }
        for (int n = 0; n < nodes.size(); n++) {
            NodeSpec s = nodes.get(n);
            sb.append("v").append(leafShapes.length + n).append(" = ").append(s.op.label()).append(" of ");
            for (int k = 0; k < s.children.length; k++) {
                sb.append(k == 0 ? "" : ", ").append('v').append(s.children[k]);
                if (s.op.op().domain(k).strict()) {
                    sb.append(" (mapped into its domain)");
                }
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
