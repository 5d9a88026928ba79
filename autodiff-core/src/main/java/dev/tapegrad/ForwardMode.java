package dev.tapegrad;

import java.util.Arrays;

/**
 * Forward-mode automatic differentiation by dual tensors. Inside {@link Autodiff#jvp} a level is
 * open and the inputs carry a tangent for it; every op whose inputs carry tangents computes its
 * output's tangent with its JVP, right when it runs. Levels nest (a JVP of a JVP) and combine with
 * tapes: a tangent computation is recorded like any op (reverse over forward), and a tape replay
 * run on inputs that carry tangents propagates them through the backward rules (forward over
 * reverse: a Hessian-vector product in one pass).
 */
final class ForwardMode {
    private ForwardMode() {}

    /** One open forward-mode transformation; deeper levels are opened inside shallower ones. */
    static final class Level {
        final int depth;
        final Level parent;
        boolean active = true;

        Level(Level parent) {
            this.parent = parent;
            this.depth = parent == null ? 0 : parent.depth + 1;
        }
    }

    /** A tangent of a tensor at one level; a tensor's tangents form a short list. */
    static final class Dual {
        final Level level;
        final Tensor tangent;
        final Dual next;

        Dual(Level level, Tensor tangent, Dual next) {
            this.level = level;
            this.tangent = tangent;
            this.next = next;
        }
    }

    static Level open() {
        ThreadState s = ThreadState.get();
        Level l = new Level(s.level);
        s.level = l;
        return l;
    }

    static void close(Level l) {
        ThreadState s = ThreadState.get();
        if (s.level != l) {
            throw new IllegalStateException("forward-mode levels must be closed innermost first");
        }
        l.active = false;
        s.level = l.parent;
    }

    /** The tangent of {@code x} at level {@code l}, or null (zero). */
    static Tensor tangent(Tensor x, Level l) {
        for (Dual d = x.duals; d != null; d = d.next) {
            if (d.level == l) {
                return d.tangent;
            }
        }
        return null;
    }

    /** Attaches {@code v} as the tangent of {@code x} at level {@code l} (x is a fresh tensor). */
    static void attach(Tensor x, Tensor v, Level l) {
        x.duals = new Dual(l, v, without(x.duals, l));
    }

    /** Removes the tangent of level {@code l} from {@code y} (done with it: the level closes). */
    static void strip(Tensor y, Level l) {
        y.duals = without(y.duals, l);
    }

    private static Dual without(Dual d, Level l) {
        if (d == null) {
            return null;
        }
        Dual rest = without(d.next, l);
        if (d.level == l || !d.level.active) {
            return rest;
        }
        return rest == d.next ? d : new Dual(d.level, d.tangent, rest);
    }

    /** Computes and attaches the output's tangent at every live level that an input carries. */
    static void propagate(Op op, Object attrs, Tensor out, Tensor[] in) {
        ThreadState s = ThreadState.get();
        Level[] levels = null;
        int n = 0;
        for (Tensor x : in) {
            for (Dual d = x.duals; d != null; d = d.next) {
                Level l = d.level;
                if (!l.active || l.depth >= s.ceiling) {
                    continue;
                }
                boolean seen = false;
                for (int k = 0; k < n; k++) {
                    seen |= levels[k] == l;
                }
                if (seen) {
                    continue;
                }
                if (levels == null) {
                    levels = new Level[2];
                } else if (n == levels.length) {
                    levels = Arrays.copyOf(levels, n * 2);
                }
                levels[n++] = l;
            }
        }
        if (n > 1) {
            // shallow levels first: a deeper level's JVP reads the output, which must already carry
            // the shallower tangents for the mixed derivatives to be right
            Arrays.sort(levels, 0, n, (a, b) -> Integer.compare(a.depth, b.depth));
        }
        for (int k = 0; k < n; k++) {
            propagateLevel(s, op, attrs, out, in, levels[k]);
        }
    }

    private static void propagateLevel(ThreadState s, Op op, Object attrs, Tensor out, Tensor[] in, Level l) {
        Tensor[] ts = new Tensor[in.length];
        for (int i = 0; i < in.length; i++) {
            ts[i] = tangent(in[i], l);
        }
        int saved = s.ceiling;
        s.ceiling = l.depth;
        Tensor t;
        try {
            t = op.jvp(new Node(op, attrs, in, out, null, -1), ts);
        } finally {
            s.ceiling = saved;
        }
        if (t == null) {
            return;
        }
        if (!Shapes.same(t.shape, out.shape)) {
            throw new IllegalStateException(op.name() + ": JVP returned a tangent of shape " + Shapes.str(t.shape)
                    + " for an output of shape " + Shapes.str(out.shape));
        }
        out.duals = new Dual(l, t, out.duals);
    }

    /** The identity as an op: how an input enters a level, recorded on the tapes that track it. */
    private static final Op IDENTITY = new Op("identity", false) {
        @Override
        Tensor[] vjp(Node call, Tensor g) {
            return new Tensor[] {g};
        }

        @Override
        Tensor jvp(Node call, Tensor[] t) {
            return t[0];
        }
    };

    /**
     * A tensor with the values of {@code x} (and its tangents of other levels, and its place on any
     * tape) that carries {@code v} as its tangent at level {@code l}.
     */
    static Tensor seed(Tensor x, Tensor v, Level l) {
        Tensor xd = IDENTITY.finish(null, new Tensor(x.data, x.shape), x);
        attach(xd, v, l);
        return xd;
    }

    /** The tangent of {@code t} where it may be null: zeros of {@code shape}. */
    static Tensor orZeros(Tensor t, int[] shape) {
        return t != null ? t : Tensor.zeros(shape);
    }
}
