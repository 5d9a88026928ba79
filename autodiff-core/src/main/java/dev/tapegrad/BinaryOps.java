package dev.tapegrad;

import dev.tapegrad.kernels.Elementwise;
import dev.tapegrad.testing.Domain;
import dev.tapegrad.testing.Gen;
import dev.tapegrad.testing.OpTest;
import java.util.ArrayList;
import java.util.List;

/**
 * The broadcasting elementwise binary ops. Each op sits in one place: its kernel, its two chain
 * rules (the partial derivatives applied to a gradient or a tangent, written with Tensor ops, so
 * they differentiate again) and the domains its tests draw from. The functions are also
 * {@link Tensor}'s instance methods: {@code BinaryOps.mul(a, b)} is {@code a.mul(b)}.
 */
public final class BinaryOps {
    private BinaryOps() {}

    private static final Domain VALUES = Domain.free(-3, 3);
    /** A denominator: away from 0, which the tree generator maps to [0.5, 3]. */
    static final Domain DENOMINATOR = new Domain(-3, 3, new double[] {0.0}, 0.5, true);

    static final ElementwiseBinary ADD = new ElementwiseBinary("add", Elementwise.Binary.ADD,
            (a, b, y, u) -> u, (a, b, y, u) -> u);
    static final ElementwiseBinary SUB = new ElementwiseBinary("sub", Elementwise.Binary.SUB,
            (a, b, y, u) -> u, (a, b, y, u) -> u.neg());
    static final ElementwiseBinary MUL = new ElementwiseBinary("mul", Elementwise.Binary.MUL,
            (a, b, y, u) -> u.mul(b), (a, b, y, u) -> u.mul(a)) {
        @Override
        Tensor[] vjp(Node call, Tensor g) {
            Tensor a = call.input(0), b = call.input(1);
            if (call.needsGrad(0) && call.needsGrad(1) && Shapes.same(a.shape, b.shape) && Tensor.plain(a, b, g)) {
                // plain replay, no broadcasting: both products in one pass, same values as g.mul(b), g.mul(a)
                double[] ga = new double[g.data.length], gb = new double[g.data.length];
                Elementwise.mulGrads(g.data, a.data, b.data, ga, gb);
                return new Tensor[] {new Tensor(ga, g.shape), new Tensor(gb, g.shape)};
            }
            return super.vjp(call, g);
        }
    };
    /** d(a/b)/da = 1/b; d(a/b)/db = −a/b². */
    static final ElementwiseBinary DIV = new ElementwiseBinary("div", Elementwise.Binary.DIV,
            (a, b, y, u) -> u.div(b), (a, b, y, u) -> u.mul(a).div(b.square()).neg()).domains(VALUES, DENOMINATOR);
    /** Gradient to the larger input; a tie a = b splits it 0.5 / 0.5. */
    static final ElementwiseBinary MAXIMUM = new ElementwiseBinary("maximum", Elementwise.Binary.MAX,
            (a, b, y, u) -> u.mul(winner(true, a, b)), (a, b, y, u) -> u.mul(winner(true, b, a)))
            .margin(Gen::minAbsDifference).describedAs("a.maximum(b), ties split 0.5/0.5");
    /** Gradient to the smaller input; a tie a = b splits it 0.5 / 0.5. */
    static final ElementwiseBinary MINIMUM = new ElementwiseBinary("minimum", Elementwise.Binary.MIN,
            (a, b, y, u) -> u.mul(winner(false, a, b)), (a, b, y, u) -> u.mul(winner(false, b, a)))
            .margin(Gen::minAbsDifference).describedAs("a.minimum(b), ties split 0.5/0.5");

    /**
     * The constant weight of {@code a} in maximum ({@code max}) or minimum: 1 where a wins, 0.5 at a
     * tie, 0 where b wins, at the broadcast shape. Locally constant, so its own derivative is 0.
     * b's weight is {@code winner(max, b, a)}, which is 1 − a's weight exactly.
     */
    private static Tensor winner(boolean max, Tensor a, Tensor b) {
        int[] os = Shapes.broadcast("maximum", a.shape, b.shape);
        double[] m = new double[Shapes.size(os)];
        Elementwise.winnerMask(max, a.data, Shapes.broadcastStrides(a.shape, os),
                b.data, Shapes.broadcastStrides(b.shape, os), os, m);
        return new Tensor(m, os);
    }

    /** Elementwise sum with broadcasting. */
    public static Tensor add(Tensor a, Tensor b) { return ADD.apply(a, b); }
    /** Elementwise difference with broadcasting. */
    public static Tensor sub(Tensor a, Tensor b) { return SUB.apply(a, b); }
    /** Elementwise product with broadcasting. */
    public static Tensor mul(Tensor a, Tensor b) { return MUL.apply(a, b); }
    /** Elementwise quotient with broadcasting. */
    public static Tensor div(Tensor a, Tensor b) { return DIV.apply(a, b); }
    /** Elementwise maximum with broadcasting; a tie gives half the gradient to each input. */
    public static Tensor maximum(Tensor a, Tensor b) { return MAXIMUM.apply(a, b); }
    /** Elementwise minimum with broadcasting; a tie gives half the gradient to each input. */
    public static Tensor minimum(Tensor a, Tensor b) { return MINIMUM.apply(a, b); }

    /** Reduces a gradient of the broadcast shape back to {@code shape} (see {@link ElementwiseBinary#unbroadcast}). */
    static Tensor unbroadcast(Tensor g, int[] shape) {
        return ElementwiseBinary.unbroadcast(g, shape);
    }

    private interface ScalarOperandFn {
        Tensor apply(Tensor a, double c);
    }

    private static OpTest scalarOperand(String name, String description, boolean awayFromZero, ScalarOperandFn f) {
        return OpTest.of(name, description + " with a constant c", new Domain[] {VALUES}, rng -> new int[][] {Gen.anyShape(rng)},
                (s, rng) -> {
                    double c = awayFromZero ? (rng.nextBoolean() ? 1 : -1) * (0.5 + 2.5 * rng.nextDouble())
                            : -3 + 6 * rng.nextDouble();
                    return new OpTest.Bound("c=" + TensorFormat.num(c), in -> f.apply(in[0], c));
                });
    }

    static final OpRegistry.Family FAMILY = new OpRegistry.Family() {
        /** Every elementwise binary op of every family on broadcast pairs, then the constant-operand forms. */
        @Override
        public List<OpTest> tests() {
            List<OpTest> out = new ArrayList<>();
            for (Op op : OpRegistry.ops()) {
                if (op instanceof ElementwiseBinary e) {
                    out.add(OpTest.of(e.name(), e.description() + " with numpy broadcasting",
                            new Domain[] {e.domainA(), e.domainB()}, Gen::broadcastPair,
                            (s, rng) -> e.margin() == null ? new OpTest.Bound("", in -> e.apply(in[0], in[1]))
                                    : new OpTest.Bound("", in -> e.apply(in[0], in[1]), e.margin())));
                }
            }
            out.add(scalarOperand("add(double)", "x.add(c)", false, Tensor::add));
            out.add(scalarOperand("sub(double)", "x.sub(c)", false, Tensor::sub));
            out.add(scalarOperand("mul(double)", "x.mul(c)", false, Tensor::mul));
            out.add(scalarOperand("div(double)", "x.div(c), |c| >= 0.5", true, Tensor::div));
            return out;
        }

        @Override
        public List<OpRegistry.NamedFunction> functions() {
            List<OpRegistry.NamedFunction> out = new ArrayList<>();
            for (Op op : OpRegistry.ops()) {
                if (op instanceof ElementwiseBinary e) {
                    out.add(new OpRegistry.NamedFunction(e.name(), 2, e.description(), in -> e.apply(in[0], in[1])));
                }
            }
            return out;
        }
    };
}
