package dev.tapegrad;

import dev.tapegrad.kernels.Reductions;
import dev.tapegrad.testing.Domain;
import dev.tapegrad.testing.Gen;
import dev.tapegrad.testing.OpTest;
import java.util.ArrayList;
import java.util.List;

/**
 * Reductions along an axis and the softmax family. Forward values use the max shift; both
 * derivatives are Tensor ops (the softmax's own included), so higher derivatives come for free in
 * either mode. The functions are also {@link Tensor}'s instance methods.
 */
public final class ReduceOps {
    private ReduceOps() {}

    /** Attributes of a reduction along one axis. */
    private record Axis(int axis, boolean keepDims) {}

    /** Gradient (or tangent) of a reduced output, reshaped so that it broadcasts against the input. */
    private static Tensor kept(Tensor g, Axis a) {
        return a.keepDims() ? g : g.unsqueeze(a.axis());
    }

    static final Op SUM_ALL = new Op("sum") {
        @Override
        Tensor[] vjp(Node call, Tensor g) {
            return new Tensor[] {g.broadcastTo(call.input(0).shape)};
        }

        @Override
        Tensor jvp(Node call, Tensor[] t) {
            return t[0].sum();
        }
    };

    static final Op SUM = new Op("sum(axis)") {
        @Override
        Tensor[] vjp(Node call, Tensor g) {
            return new Tensor[] {kept(g, call.attrs()).broadcastTo(call.input(0).shape)};
        }

        @Override
        Tensor jvp(Node call, Tensor[] t) {
            Axis a = call.attrs();
            return t[0].sum(a.axis(), a.keepDims());
        }
    };

    /** Max along an axis: the gradient and the tangent go to the maxima, 1/k to each of k tied ones. */
    static final Op MAX = new Op("max") {
        @Override
        Tensor[] vjp(Node call, Tensor g) {
            return new Tensor[] {kept(g, call.attrs()).mul(argmaxMask(call))};
        }

        @Override
        Tensor jvp(Node call, Tensor[] t) {
            Axis a = call.attrs();
            return t[0].mul(argmaxMask(call)).sum(a.axis(), a.keepDims());
        }

        /** 1/k at each of the k maxima of every slice, 0 elsewhere: a constant. */
        private Tensor argmaxMask(Node call) {
            Tensor x = call.input(0);
            Axis a = call.attrs();
            int ax = a.axis();
            double[] mask = new double[x.size()];
            Reductions.argmaxMask(x.data, call.output.data, Shapes.outer(x.shape, ax), x.shape[ax],
                    Shapes.inner(x.shape, ax), mask);
            return new Tensor(mask, x.shape);
        }
    };

    /** log Σ exp: gradient g·softmax(x); tangent Σ t·softmax(x). */
    static final Op LOG_SUM_EXP = new Op("logSumExp") {
        @Override
        Tensor[] vjp(Node call, Tensor g) {
            Axis a = call.attrs();
            return new Tensor[] {kept(g, a).mul(call.input(0).softmax(a.axis()))};
        }

        @Override
        Tensor jvp(Node call, Tensor[] t) {
            Axis a = call.attrs();
            return t[0].mul(call.input(0).softmax(a.axis())).sum(a.axis(), a.keepDims());
        }
    };

    /** Softmax: VJP s ⊙ (g − Σ g ⊙ s); JVP the same expression in the tangent (its Jacobian is symmetric). */
    static final Op SOFTMAX = new Op("softmax") {
        @Override
        Tensor[] vjp(Node call, Tensor g) {
            return new Tensor[] {symmetricJacobian(call, g)};
        }

        @Override
        Tensor jvp(Node call, Tensor[] t) {
            return symmetricJacobian(call, t[0]);
        }

        private Tensor symmetricJacobian(Node call, Tensor u) {
            Axis a = call.attrs();
            Tensor s = call.output;
            Tensor us = u.mul(s);
            return us.sub(s.mul(us.sum(a.axis(), true)));
        }
    };

    private static int[] outShape(int[] shape, int ax, boolean keepDims) {
        return keepDims ? Shapes.withAxisKept(shape, ax) : Shapes.withoutAxis(shape, ax);
    }

    static Tensor sumAll(Tensor x) {
        return SUM_ALL.finish(null, new Tensor(new double[] {Reductions.sumAll(x.data)}, Shapes.SCALAR), x);
    }

    static Tensor sum(Tensor x, int axis, boolean keepDims) {
        int ax = Shapes.axis("sum", axis, x.rank());
        int n = x.shape[ax];
        double[] out = new double[Shapes.size(Shapes.withoutAxis(x.shape, ax))];
        if (n > 0) {
            Reductions.sum(x.data, Shapes.outer(x.shape, ax), n, Shapes.inner(x.shape, ax), out);
        }
        return SUM.finish(new Axis(ax, keepDims), new Tensor(out, outShape(x.shape, ax, keepDims)), x);
    }

    static Tensor max(Tensor x, int axis, boolean keepDims) {
        int ax = Shapes.axis("max", axis, x.rank());
        int n = x.shape[ax];
        if (n == 0) {
            throw new IllegalArgumentException("max: axis " + axis + " of shape " + Shapes.str(x.shape) + " is empty");
        }
        int outer = Shapes.outer(x.shape, ax), inner = Shapes.inner(x.shape, ax);
        double[] out = new double[outer * inner];
        Reductions.max(x.data, outer, n, inner, out);
        return MAX.finish(new Axis(ax, keepDims), new Tensor(out, outShape(x.shape, ax, keepDims)), x);
    }

    /**
     * log Σ exp along an axis, with the max shift. Gradient g·softmax(x); for a slice that is all
     * −Infinity the value is −Infinity and the gradient 0.
     */
    static Tensor logSumExp(Tensor x, int axis, boolean keepDims) {
        int ax = Shapes.axis("logSumExp", axis, x.rank());
        int n = x.shape[ax];
        int outer = Shapes.outer(x.shape, ax), inner = Shapes.inner(x.shape, ax);
        double[] out = new double[outer * inner];
        Reductions.logSumExp(x.data, outer, n, inner, out);
        return LOG_SUM_EXP.finish(new Axis(ax, keepDims), new Tensor(out, outShape(x.shape, ax, keepDims)), x);
    }

    /** Softmax along an axis; backward s ⊙ (g − Σ g ⊙ s). An all −Infinity slice gives zeros. */
    static Tensor softmax(Tensor x, int axis) {
        int ax = Shapes.axis("softmax", axis, x.rank());
        int n = x.shape[ax];
        int outer = Shapes.outer(x.shape, ax), inner = Shapes.inner(x.shape, ax);
        double[] out = new double[x.size()];
        Reductions.softmax(x.data, outer, n, inner, out);
        return SOFTMAX.finish(new Axis(ax, false), new Tensor(out, x.shape), x);
    }

    // ---------------------------------------------------------------- the family's tests and names

    private static final Domain VALUES = Domain.free(-3, 3);

    private static Domain[] domains(Domain... d) {
        return d;
    }

    private static void add(List<OpTest> out, String name, String description, Domain[] domains,
                            dev.tapegrad.testing.ShapeGenerator shapes, OpTest.Binder binder) {
        out.add(OpTest.of(name, description, domains, shapes, binder));
    }

    private interface AxisFn {
        Tensor apply(Tensor x, int axis);
    }

    /** An op along one axis (drawn at random, negative half the time); {@code ties}: max-like, smooth away from ties. */
    private static void addAxisOp(List<OpTest> out, String name, Domain domain, boolean ties, AxisFn f) {
        boolean min = name.startsWith("min");
        add(out, name, "x." + name + " on a random axis (negative half the time)",
                domains(domain), rng -> new int[][] {ties ? Gen.nonEmptyShape(rng, 1 + rng.nextInt(3)) : Gen.shape(rng, 1 + rng.nextInt(3), 4)},
                (s, rng) -> {
                    int r = s[0].length;
                    int ax = Gen.randomAxis(rng, r);
                    int a = ax < 0 ? ax + r : ax;
                    if (ties && s[0][a] == 0) {
                        throw new IllegalArgumentException(name + ": axis " + ax + " of " + java.util.Arrays.toString(s[0]) + " is empty");
                    }
                    java.util.function.ToDoubleFunction<Tensor[]> margin = !ties ? in -> Double.POSITIVE_INFINITY
                            : in -> Gen.topGap(in[0].toArray(), Gen.outer(s[0], a), s[0][a], Gen.inner(s[0], a), min);
                    return new OpTest.Bound("axis=" + ax, in -> f.apply(in[0], ax), margin);
                });
    }

    static final OpRegistry.Family FAMILY = new OpRegistry.Family() {
        @Override
        public List<OpTest> tests() {
            List<OpTest> out = new ArrayList<>();
            // ---- reductions and the softmax family
            add(out, "sum", "x.sum(): all elements", domains(VALUES), rng -> new int[][] {Gen.anyShape(rng)},
                    (s, rng) -> new OpTest.Bound("", in -> in[0].sum()));
            addAxisOp(out, "sum(axis)", VALUES, false, (x, ax) -> x.sum(ax));
            addAxisOp(out, "sum(axis,keepDims)", VALUES, false, (x, ax) -> x.sum(ax, true));
            add(out, "mean", "x.mean(): all elements", domains(VALUES), rng -> new int[][] {Gen.anyShape(rng)},
                    (s, rng) -> new OpTest.Bound("", in -> in[0].mean()));
            addAxisOp(out, "mean(axis)", VALUES, false, (x, ax) -> x.mean(ax));
            addAxisOp(out, "mean(axis,keepDims)", VALUES, false, (x, ax) -> x.mean(ax, true));
            add(out, "max", "x.max(): all elements, ties split 1/k", domains(VALUES), rng -> new int[][] {Gen.nonEmptyShape(rng)},
                    (s, rng) -> new OpTest.Bound("", in -> in[0].max(), in -> Gen.topGap(in[0].toArray(), 1, in[0].size(), 1, false)));
            addAxisOp(out, "max(axis)", VALUES, true, (x, ax) -> x.max(ax));
            addAxisOp(out, "max(axis,keepDims)", VALUES, true, (x, ax) -> x.max(ax, true));
            addAxisOp(out, "min(axis)", VALUES, true, (x, ax) -> x.min(ax));
            addAxisOp(out, "logSumExp(axis)", VALUES, false, (x, ax) -> x.logSumExp(ax));
            addAxisOp(out, "logSumExp(axis,keepDims)", VALUES, false, (x, ax) -> x.logSumExp(ax, true));
            addAxisOp(out, "softmax(axis)", VALUES, false, (x, ax) -> x.softmax(ax));
            addAxisOp(out, "logSoftmax(axis)", VALUES, false, (x, ax) -> x.logSoftmax(ax));

            return out;
        }

        @Override
        public List<OpRegistry.NamedFunction> functions() {
            return List.of(
                    new OpRegistry.NamedFunction("sum", 1, "x.sum(): all elements", in -> in[0].sum()),
                    new OpRegistry.NamedFunction("mean", 1, "x.mean(): all elements", in -> in[0].mean()),
                    new OpRegistry.NamedFunction("max", 1, "x.max(): all elements", in -> in[0].max()),
                    new OpRegistry.NamedFunction("softmax", 1, "x.softmax(-1)", in -> in[0].softmax(-1)),
                    new OpRegistry.NamedFunction("logsoftmax", 1, "x.logSoftmax(-1)", in -> in[0].logSoftmax(-1)),
                    new OpRegistry.NamedFunction("logsumexp", 1, "x.logSumExp(-1)", in -> in[0].logSumExp(-1)));
        }
    };
}
