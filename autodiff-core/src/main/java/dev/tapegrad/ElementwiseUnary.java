package dev.tapegrad;

import dev.tapegrad.kernels.Elementwise;
import dev.tapegrad.testing.Domain;
import java.util.function.DoubleUnaryOperator;

/**
 * The definition of an elementwise unary op y = f(x): a kernel, and one chain rule
 * {@code u ↦ f'(x) ⊙ u} written with Tensor ops, from which both derivatives follow: the VJP applies
 * it to the output's gradient, the JVP to the input's tangent. Its test domain and kinks sit beside
 * it. A new elementwise op is one such definition plus its public function, in one family file:
 *
 * <pre>{@code
 * static final ElementwiseUnary SIN = new ElementwiseUnary("sin", Math::sin,
 *         (x, y, u) -> u.mul(cos(x))).domain(Domain.free(-3, 3));
 * public static Tensor sin(Tensor x) { return SIN.apply(x); }
 * }</pre>
 */
final class ElementwiseUnary extends Op {
    /** {@code f'(x) ⊙ u}, from the input x and the output y, written with Tensor ops. */
    @FunctionalInterface
    interface Chain {
        Tensor apply(Tensor x, Tensor y, Tensor u);
    }

    private final Elementwise.Unary kernel;
    private final DoubleUnaryOperator fn;
    private final Chain chain;
    private Elementwise.UnaryGrad fused;
    private Domain domain = Domain.free(-3, 3);
    private String description;

    /** An op with a tight kernel loop of its own. */
    ElementwiseUnary(String name, Elementwise.Unary kernel, Chain chain) {
        super(name);
        this.kernel = kernel;
        this.fn = null;
        this.chain = chain;
        this.description = "x." + name + "()";
    }

    /** An op whose kernel is a scalar function (for functions that cost far more than a call). */
    ElementwiseUnary(String name, DoubleUnaryOperator fn, Chain chain) {
        super(name);
        this.kernel = null;
        this.fn = fn;
        this.chain = chain;
        this.description = name + "(x)";
    }

    /** The domain its tests draw inputs from (with its kinks). */
    ElementwiseUnary domain(Domain d) {
        this.domain = d;
        return this;
    }

    /** What the public function is called, for the op table. */
    ElementwiseUnary describedAs(String text) {
        this.description = text;
        return this;
    }

    /**
     * A one-pass kernel for the VJP when nothing is recorded and no tangent flows: the same
     * arithmetic, in the same order, as the chain rule's Tensor ops, so the values are identical.
     */
    ElementwiseUnary fusedBackward(Elementwise.UnaryGrad k) {
        this.fused = k;
        return this;
    }

    Domain domain() {
        return domain;
    }

    String description() {
        return description;
    }

    Tensor apply(Tensor x) {
        double[] out = new double[x.data.length];
        if (kernel != null) {
            Elementwise.unary(kernel, x.data, out);
        } else {
            Elementwise.map(fn, x.data, out);
        }
        return finish(null, new Tensor(out, x.shape), x);
    }

    @Override
    Tensor[] vjp(Node call, Tensor g) {
        Tensor x = call.input(0), y = call.output;
        if (fused != null && Tensor.plain(y, g)) {
            double[] out = new double[g.data.length];
            Elementwise.unaryGrad(fused, y.data, g.data, out);
            return new Tensor[] {new Tensor(out, g.shape)};
        }
        return new Tensor[] {chain.apply(x, y, g)};
    }

    @Override
    Tensor jvp(Node call, Tensor[] t) {
        return chain.apply(call.input(0), call.output, t[0]);
    }

    /** A kernel's result as a constant tensor (a locally constant factor such as a step mask). */
    static Tensor constant(Elementwise.Unary kernel, Tensor x) {
        double[] out = new double[x.data.length];
        Elementwise.unary(kernel, x.data, out);
        return new Tensor(out, x.shape);
    }
}
