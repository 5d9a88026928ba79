package dev.tapegrad;

import dev.tapegrad.kernels.Elementwise;
import dev.tapegrad.testing.Domain;
import java.util.function.DoubleBinaryOperator;
import java.util.function.ToDoubleFunction;

/**
 * The definition of a broadcasting elementwise binary op y = f(a, b): a kernel and two chain rules
 * {@code u ↦ ∂f/∂a ⊙ u} and {@code u ↦ ∂f/∂b ⊙ u} written with Tensor ops, from which both
 * derivatives follow: the VJP applies them to the output's gradient and reduces each to its input's
 * shape ({@link #unbroadcast}); the JVP applies them to the inputs' tangents and adds. Its test
 * domains (and the distance from its ties, for max-like ops) sit beside it.
 */
class ElementwiseBinary extends Op {
    /** A partial derivative applied to {@code u}: from the inputs, the output and u, with broadcasting. */
    @FunctionalInterface
    interface Chain {
        Tensor apply(Tensor a, Tensor b, Tensor y, Tensor u);
    }

    private final Elementwise.Binary kernel;
    private final DoubleBinaryOperator fn;
    private final Chain chainA, chainB;
    private Domain domainA = Domain.free(-3, 3), domainB = Domain.free(-3, 3);
    private ToDoubleFunction<Tensor[]> margin;
    private String description;

    /** An op with a tight kernel loop of its own. */
    ElementwiseBinary(String name, Elementwise.Binary kernel, Chain chainA, Chain chainB) {
        super(name);
        this.kernel = kernel;
        this.fn = null;
        this.chainA = chainA;
        this.chainB = chainB;
        this.description = "a." + name + "(b)";
    }

    /** An op whose kernel is a scalar function. */
    ElementwiseBinary(String name, DoubleBinaryOperator fn, Chain chainA, Chain chainB) {
        super(name);
        this.kernel = null;
        this.fn = fn;
        this.chainA = chainA;
        this.chainB = chainB;
        this.description = name + "(a, b)";
    }

    /** The domains its tests draw the two inputs from. */
    ElementwiseBinary domains(Domain a, Domain b) {
        this.domainA = a;
        this.domainB = b;
        return this;
    }

    /** Distance of test inputs from the points where it is not smooth (a tie of maximum, say). */
    ElementwiseBinary margin(ToDoubleFunction<Tensor[]> m) {
        this.margin = m;
        return this;
    }

    /** What the public function is called, for the op table. */
    ElementwiseBinary describedAs(String text) {
        this.description = text;
        return this;
    }

    Domain domainA() {
        return domainA;
    }

    Domain domainB() {
        return domainB;
    }

    ToDoubleFunction<Tensor[]> margin() {
        return margin;
    }

    String description() {
        return description;
    }

    Tensor apply(Tensor a, Tensor b) {
        boolean sameShape = a.shape == b.shape || Shapes.same(a.shape, b.shape);
        int[] os = sameShape ? a.shape : Shapes.broadcast(name(), a.shape, b.shape);
        double[] out = new double[sameShape ? a.data.length : Shapes.size(os)];
        if (kernel == null) {
            Elementwise.zip(fn, a.data, sameShape ? null : Shapes.broadcastStrides(a.shape, os),
                    b.data, sameShape ? null : Shapes.broadcastStrides(b.shape, os), os, out);
        } else if (sameShape) {
            Elementwise.binary(kernel, a.data, null, b.data, null, os, out);
        } else if (b.data.length == 1 && a.shape == os) {
            Elementwise.binaryWithScalar(kernel, a.data, b.data, true, out);  // x op constant: no strides
        } else if (a.data.length == 1 && b.shape == os) {
            Elementwise.binaryWithScalar(kernel, a.data, b.data, false, out);
        } else {
            Elementwise.binary(kernel, a.data, Shapes.broadcastStrides(a.shape, os),
                    b.data, Shapes.broadcastStrides(b.shape, os), os, out);
        }
        return finish(null, new Tensor(out, os), a, b);
    }

    @Override
    Tensor[] vjp(Node call, Tensor g) {
        Tensor a = call.input(0), b = call.input(1), y = call.output;
        return new Tensor[] {
            call.needsGrad(0) ? unbroadcast(chainA.apply(a, b, y, g), a.shape) : null,
            call.needsGrad(1) ? unbroadcast(chainB.apply(a, b, y, g), b.shape) : null};
    }

    @Override
    Tensor jvp(Node call, Tensor[] t) {
        Tensor a = call.input(0), b = call.input(1), y = call.output;
        Tensor ta = t[0] == null ? null : chainA.apply(a, b, y, t[0]);
        Tensor tb = t[1] == null ? null : chainB.apply(a, b, y, t[1]);
        Tensor sum = ta == null ? tb : tb == null ? ta : ta.add(tb);
        return Shapes.same(sum.shape, y.shape) ? sum : sum.broadcastTo(y.shape);
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
