package dev.tapegrad;

import dev.tapegrad.kernels.Elementwise;

/**
 * The broadcasting binary ops. Each op sits in one place: its kernel code, its backward rule
 * (written with Tensor ops, so it differentiates again) and the domain its tests draw from (see
 * {@link OpCatalog}). Every backward reduces the gradient to the input's shape with {@link #unbroadcast}.
 */
abstract class BinaryOps {
    final String name;
    private final int kernel;

    private BinaryOps(String name, int kernel) {
        this.name = name;
        this.kernel = kernel;
    }

    /** Vector-Jacobian products for both inputs, at the output's (broadcast) shape. */
    abstract Tensor[] backward(Node node, Tensor a, Tensor b, Tensor out, Tensor g);

    static final BinaryOps ADD = new BinaryOps("add", Elementwise.ADD) {
        @Override
        Tensor[] backward(Node node, Tensor a, Tensor b, Tensor out, Tensor g) {
            return new Tensor[] {g, g};
        }
    };

    static final BinaryOps SUB = new BinaryOps("sub", Elementwise.SUB) {
        @Override
        Tensor[] backward(Node node, Tensor a, Tensor b, Tensor out, Tensor g) {
            return new Tensor[] {g, node.needsGrad(1) ? g.neg() : null};
        }
    };

    static final BinaryOps MUL = new BinaryOps("mul", Elementwise.MUL) {
        @Override
        Tensor[] backward(Node node, Tensor a, Tensor b, Tensor out, Tensor g) {
            boolean wantA = node.needsGrad(0), wantB = node.needsGrad(1);
            if (wantA && wantB && Shapes.same(a.shape, b.shape) && !Tape.isRecording()) {
                // plain replay, no broadcasting: both products in one pass, same values as g.mul(b), g.mul(a)
                double[] ga = new double[g.data.length], gb = new double[g.data.length];
                Elementwise.mulGrads(g.data, a.data, b.data, ga, gb);
                return new Tensor[] {new Tensor(ga, g.shape), new Tensor(gb, g.shape)};
            }
            return new Tensor[] {wantA ? g.mul(b) : null, wantB ? g.mul(a) : null};
        }
    };

    /** d(a/b)/da = 1/b; d(a/b)/db = −a/b². */
    static final BinaryOps DIV = new BinaryOps("div", Elementwise.DIV) {
        @Override
        Tensor[] backward(Node node, Tensor a, Tensor b, Tensor out, Tensor g) {
            Tensor ga = node.needsGrad(0) ? g.div(b) : null;
            Tensor gb = node.needsGrad(1) ? g.mul(a).div(b.square()).neg() : null;
            return new Tensor[] {ga, gb};
        }
    };

    /** Gradient to the larger input; a tie a = b splits it 0.5 / 0.5. */
    static final BinaryOps MAXIMUM = new BinaryOps("maximum", Elementwise.MAX) {
        @Override
        Tensor[] backward(Node node, Tensor a, Tensor b, Tensor out, Tensor g) {
            return splitByWinner(true, node, a, b, g);
        }
    };

    /** Gradient to the smaller input; a tie a = b splits it 0.5 / 0.5. */
    static final BinaryOps MINIMUM = new BinaryOps("minimum", Elementwise.MIN) {
        @Override
        Tensor[] backward(Node node, Tensor a, Tensor b, Tensor out, Tensor g) {
            return splitByWinner(false, node, a, b, g);
        }
    };

    private static Tensor[] splitByWinner(boolean max, Node node, Tensor a, Tensor b, Tensor g) {
        int[] os = g.shape;
        double[] m = new double[g.size()];
        Elementwise.winnerMask(max, a.data, Shapes.broadcastStrides(a.shape, os),
                b.data, Shapes.broadcastStrides(b.shape, os), os, m);
        Tensor wa = new Tensor(m, os);  // constant: the mask is locally constant in a and b
        return new Tensor[] {
            node.needsGrad(0) ? g.mul(wa) : null,
            node.needsGrad(1) ? g.mul(wa.neg().add(1.0)) : null};
    }

    Tensor apply(Tensor a, Tensor b) {
        boolean sameShape = a.shape == b.shape || Shapes.same(a.shape, b.shape);
        int[] os = sameShape ? a.shape : Shapes.broadcast(name, a.shape, b.shape);
        double[] out = new double[sameShape ? a.data.length : Shapes.size(os)];
        if (sameShape) {
            Elementwise.binary(kernel, a.data, null, b.data, null, os, out);
        } else if (b.data.length == 1 && a.shape == os) {
            Elementwise.binaryWithScalar(kernel, a.data, b.data, true, out);  // x op constant: no strides
        } else if (a.data.length == 1 && b.shape == os) {
            Elementwise.binaryWithScalar(kernel, a.data, b.data, false, out);
        } else {
            Elementwise.binary(kernel, a.data, Shapes.broadcastStrides(a.shape, os),
                    b.data, Shapes.broadcastStrides(b.shape, os), os, out);
        }
        Tensor y = new Tensor(out, os);
        if (!Tape.mayRecord(a, b)) {
            return y;
        }
        return Tape.record(name, y, (node, g) -> {
            Tensor[] gs = backward(node, a, b, y, g);  // a fresh array: filled in place
            gs[0] = gs[0] == null ? null : unbroadcast(gs[0], a.shape);
            gs[1] = gs[1] == null ? null : unbroadcast(gs[1], b.shape);
            return gs;
        }, a, b);
    }

    /**
     * Reduces a gradient of the broadcast shape back to {@code shape}: sums over the leading axes
     * that broadcasting added and over the axes where {@code shape} has size 1 (kept with size 1).
     */
    static Tensor unbroadcast(Tensor g, int[] shape) {
        if (Shapes.same(g.shape, shape)) {
            return g;
        }
        Tensor r = g;
        int lead = g.shape.length - shape.length;
        for (int i = 0; i < lead; i++) {
            r = r.sum(0);
        }
        for (int ax = 0; ax < shape.length; ax++) {
            if (shape[ax] == 1 && r.shape[ax] != 1) {
                r = r.sum(ax, true);
            }
        }
        return r;
    }
}
