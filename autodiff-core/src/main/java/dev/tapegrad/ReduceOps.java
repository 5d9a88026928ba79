package dev.tapegrad;

import dev.tapegrad.kernels.Reductions;

/**
 * Reductions along an axis and the softmax family. Forward values use the max shift; backward rules
 * are Tensor ops (the softmax's own backward included), so second derivatives come for free.
 */
final class ReduceOps {
    private ReduceOps() {}

    static Tensor sumAll(Tensor x) {
        Tensor y = new Tensor(new double[] {Reductions.sumAll(x.data)}, Shapes.SCALAR);
        int[] inShape = x.shape;
        return Tape.record("sum", y, (node, g) -> new Tensor[] {g.broadcastTo(inShape)}, x);
    }

    private static int[] outShape(int[] shape, int ax, boolean keepDims) {
        return keepDims ? Shapes.withAxisKept(shape, ax) : Shapes.withoutAxis(shape, ax);
    }

    /** Gradient of a reduced output, reshaped so it broadcasts against the input. */
    private static Tensor kept(Tensor g, int ax, boolean keepDims) {
        return keepDims ? g : g.unsqueeze(ax);
    }

    static Tensor sum(Tensor x, int axis, boolean keepDims) {
        int ax = Shapes.axis("sum", axis, x.rank());
        int n = x.shape[ax];
        double[] out = new double[Shapes.size(Shapes.withoutAxis(x.shape, ax))];
        if (n > 0) {
            Reductions.sum(x.data, Shapes.outer(x.shape, ax), n, Shapes.inner(x.shape, ax), out);
        }
        Tensor y = new Tensor(out, outShape(x.shape, ax, keepDims));
        int[] inShape = x.shape;
        return Tape.record("sum", y, (node, g) -> new Tensor[] {kept(g, ax, keepDims).broadcastTo(inShape)}, x);
    }

    /** Max along an axis; gradient 1/k to each of k tied maxima (a constant mask). */
    static Tensor max(Tensor x, int axis, boolean keepDims) {
        int ax = Shapes.axis("max", axis, x.rank());
        int n = x.shape[ax];
        if (n == 0) {
            throw new IllegalArgumentException("max: axis " + axis + " of shape " + Shapes.str(x.shape) + " is empty");
        }
        int outer = Shapes.outer(x.shape, ax), inner = Shapes.inner(x.shape, ax);
        double[] out = new double[outer * inner];
        Reductions.max(x.data, outer, n, inner, out);
        Tensor y = new Tensor(out, outShape(x.shape, ax, keepDims));
        return Tape.record("max", y, (node, g) -> {
            double[] mask = new double[x.size()];
            Reductions.argmaxMask(x.data, out, outer, n, inner, mask);
            return new Tensor[] {kept(g, ax, keepDims).mul(new Tensor(mask, x.shape))};
        }, x);
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
        Tensor y = new Tensor(out, outShape(x.shape, ax, keepDims));
        return Tape.record("logSumExp", y, (node, g) -> new Tensor[] {kept(g, ax, keepDims).mul(x.softmax(ax))}, x);
    }

    /** Softmax along an axis; backward s ⊙ (g − Σ g ⊙ s). An all −Infinity slice gives zeros. */
    static Tensor softmax(Tensor x, int axis) {
        int ax = Shapes.axis("softmax", axis, x.rank());
        int n = x.shape[ax];
        int outer = Shapes.outer(x.shape, ax), inner = Shapes.inner(x.shape, ax);
        double[] out = new double[x.size()];
        Reductions.softmax(x.data, outer, n, inner, out);
        Tensor s = new Tensor(out, x.shape);
        return Tape.record("softmax", s, (node, g) -> {
            Tensor gs = g.mul(s);
            return new Tensor[] {gs.sub(s.mul(gs.sum(ax, true)))};
        }, x);
    }
}
