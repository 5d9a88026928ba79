package dev.tapegrad;

import dev.tapegrad.kernels.Special;
import dev.tapegrad.testing.Domain;
import dev.tapegrad.testing.Gen;
import dev.tapegrad.testing.OpTest;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleBinaryOperator;

/**
 * numpy's elementwise math, each op one definition: its scalar kernel, its chain rule written with
 * Tensor ops (so it gives the VJP and the JVP and differentiates again) and its test domain.
 * Binary ops broadcast as numpy. Conventions at kinks and domain edges follow PyTorch's rule: the
 * derivative where it exists, else the minimum-norm subgradient (0 at a kink of |x|, 0 for the
 * piecewise-constant ops); each function's Javadoc states its own.
 *
 * <pre>{@code
 * Tensor y = MathOps.sin(x).add(MathOps.erf(x));
 * Tensor r = MathOps.where(MathOps.gt(x, Tensor.scalar(0)), MathOps.log1p(x), x);
 * }</pre>
 */
public final class MathOps {
    private MathOps() {}

    private static final double LN2 = Math.log(2.0), LN10 = Math.log(10.0);
    private static final Tensor ZERO = Tensor.scalar(0.0);

    /** A zero gradient or tangent of u's shape: the derivative of a piecewise-constant op. */
    private static Tensor zero(Tensor u) {
        return Tensor.zeros(u.shape);
    }

    /** Values at least 0.5 from 0 (strict: the tree generator maps inputs to [0.5, 3]). */
    private static final Domain AWAY_FROM_ZERO = new Domain(-3, 3, new double[] {0.0}, 0.5, true);

    // ---------------------------------------------------------------- trigonometric

    static final ElementwiseUnary SIN = new ElementwiseUnary("sin", Math::sin, (x, y, u) -> u.mul(cos(x)));
    static final ElementwiseUnary COS = new ElementwiseUnary("cos", Math::cos, (x, y, u) -> u.mul(sin(x)).neg());

    /** Sine (radians); derivative cos x. */
    public static Tensor sin(Tensor x) { return SIN.apply(x); }
    /** Cosine (radians); derivative −sin x. */
    public static Tensor cos(Tensor x) { return COS.apply(x); }

    static final ElementwiseUnary TAN = new ElementwiseUnary("tan", Math::tan,
            (x, y, u) -> u.mul(y.square().add(1.0))).domain(Domain.strict(-1.3, 1.3));
    static final ElementwiseUnary ASIN = new ElementwiseUnary("asin", Math::asin,
            (x, y, u) -> u.div(x.square().neg().add(1.0).sqrt())).domain(Domain.strict(-0.9, 0.9));
    static final ElementwiseUnary ACOS = new ElementwiseUnary("acos", Math::acos,
            (x, y, u) -> u.div(x.square().neg().add(1.0).sqrt()).neg()).domain(Domain.strict(-0.9, 0.9));
    static final ElementwiseUnary ATAN = new ElementwiseUnary("atan", Math::atan,
            (x, y, u) -> u.div(x.square().add(1.0)));

    /** Tangent; derivative 1 + tan²x (its poles at π/2 + kπ are not in the tests' domain). */
    public static Tensor tan(Tensor x) { return TAN.apply(x); }
    /** Arcsine on [−1, 1] (NaN outside); derivative 1/√(1 − x²), +Infinity at ±1. */
    public static Tensor asin(Tensor x) { return ASIN.apply(x); }
    /** Arccosine on [−1, 1] (NaN outside); derivative −1/√(1 − x²), −Infinity at ±1. */
    public static Tensor acos(Tensor x) { return ACOS.apply(x); }
    /** Arctangent; derivative 1/(1 + x²). */
    public static Tensor atan(Tensor x) { return ATAN.apply(x); }

    // ---------------------------------------------------------------- hyperbolic

    // strict test domains, as exp's: in expression trees their exponential growth would make the checks ill-conditioned
    static final ElementwiseUnary SINH = new ElementwiseUnary("sinh", Math::sinh, (x, y, u) -> u.mul(cosh(x)))
            .domain(Domain.strict(-3, 3));
    static final ElementwiseUnary COSH = new ElementwiseUnary("cosh", Math::cosh, (x, y, u) -> u.mul(sinh(x)))
            .domain(Domain.strict(-3, 3));
    static final ElementwiseUnary ASINH = new ElementwiseUnary("asinh", MathOps::asinhKernel,
            (x, y, u) -> u.div(x.square().add(1.0).sqrt()));
    static final ElementwiseUnary ACOSH = new ElementwiseUnary("acosh", v -> Math.log(v + Math.sqrt(v - 1) * Math.sqrt(v + 1)),
            (x, y, u) -> u.div(x.square().sub(1.0).sqrt())).domain(Domain.strict(1.1, 4));
    static final ElementwiseUnary ATANH = new ElementwiseUnary("atanh", v -> 0.5 * (Math.log1p(v) - Math.log1p(-v)),
            (x, y, u) -> u.div(x.square().neg().add(1.0))).domain(Domain.strict(-0.9, 0.9));

    /** asinh without overflow for large |x| and without cancellation near 0 (odd by construction). */
    private static double asinhKernel(double v) {
        double a = Math.abs(v);
        double r = a > 1e150 ? Math.log(a) + LN2 : Math.log1p(a + a * a / (1 + Math.sqrt(1 + a * a)));
        return Math.copySign(r, v);
    }

    /** Hyperbolic sine; derivative cosh x. */
    public static Tensor sinh(Tensor x) { return SINH.apply(x); }
    /** Hyperbolic cosine; derivative sinh x. */
    public static Tensor cosh(Tensor x) { return COSH.apply(x); }
    /** Inverse hyperbolic sine; derivative 1/√(x² + 1). */
    public static Tensor asinh(Tensor x) { return ASINH.apply(x); }
    /** Inverse hyperbolic cosine on [1, ∞) (NaN below); derivative 1/√(x² − 1), +Infinity at 1. */
    public static Tensor acosh(Tensor x) { return ACOSH.apply(x); }
    /** Inverse hyperbolic tangent on (−1, 1), ±Infinity at ±1, NaN outside; derivative 1/(1 − x²). */
    public static Tensor atanh(Tensor x) { return ATANH.apply(x); }

    // ---------------------------------------------------------------- exponentials and logarithms

    static final ElementwiseUnary LOG1P = new ElementwiseUnary("log1p", Math::log1p,
            (x, y, u) -> u.div(x.add(1.0))).domain(Domain.strict(-0.9, 3));
    static final ElementwiseUnary EXPM1 = new ElementwiseUnary("expm1", Math::expm1,
            (x, y, u) -> u.mul(x.exp())).domain(Domain.strict(-4, 4));
    static final ElementwiseUnary LOG2 = new ElementwiseUnary("log2", v -> Math.log(v) / LN2,
            (x, y, u) -> u.div(x.mul(LN2))).domain(Domain.strict(0.1, 5));
    static final ElementwiseUnary LOG10 = new ElementwiseUnary("log10", Math::log10,
            (x, y, u) -> u.div(x.mul(LN10))).domain(Domain.strict(0.1, 5));
    static final ElementwiseUnary EXP2 = new ElementwiseUnary("exp2", v -> Math.pow(2.0, v),
            (x, y, u) -> u.mul(y).mul(LN2)).domain(Domain.strict(-4, 4));

    /** log(1 + x), accurate for small x; −Infinity at −1, NaN below; derivative 1/(1 + x). */
    public static Tensor log1p(Tensor x) { return LOG1P.apply(x); }
    /** eˣ − 1, accurate for small x; derivative eˣ. */
    public static Tensor expm1(Tensor x) { return EXPM1.apply(x); }
    /** Base-2 logarithm; derivative 1/(x ln 2), +Infinity at 0. */
    public static Tensor log2(Tensor x) { return LOG2.apply(x); }
    /** Base-10 logarithm; derivative 1/(x ln 10), +Infinity at 0. */
    public static Tensor log10(Tensor x) { return LOG10.apply(x); }
    /** 2ˣ; derivative 2ˣ ln 2. */
    public static Tensor exp2(Tensor x) { return EXP2.apply(x); }

    // ---------------------------------------------------------------- special functions

    private static final double TWO_OVER_SQRT_PI = 2.0 / Math.sqrt(Math.PI);

    static final ElementwiseUnary ERF = new ElementwiseUnary("erf", Special::erf,
            (x, y, u) -> u.mul(x.square().neg().exp()).mul(TWO_OVER_SQRT_PI));
    static final ElementwiseUnary ERFC = new ElementwiseUnary("erfc", Special::erfc,
            (x, y, u) -> u.mul(x.square().neg().exp()).mul(-TWO_OVER_SQRT_PI));
    static final ElementwiseUnary SINC = new ElementwiseUnary("sinc", v -> Special.sincDerivative(0, v),
            (x, y, u) -> u.mul(sincDerivative(x, 1))).domain(Domain.free(-2.5, 2.5));
    static final ElementwiseUnary LOGIT = new ElementwiseUnary("logit", v -> Math.log(v) - Math.log1p(-v),
            (x, y, u) -> u.div(x.mul(x.neg().add(1.0)))).domain(Domain.strict(0.05, 0.95));

    /** The n-th derivative of sinc (attrs n); its own derivative is the next one, so every order is exact and stable. */
    static final Op SINC_DERIVATIVE = new Op("sincDerivative") {
        @Override
        Tensor[] vjp(Node call, Tensor g) {
            return new Tensor[] {g.mul(sincDerivative(call.input(0), call.<Integer>attrs() + 1))};
        }

        @Override
        Tensor jvp(Node call, Tensor[] t) {
            return t[0].mul(sincDerivative(call.input(0), call.<Integer>attrs() + 1));
        }
    };

    /** The n-th derivative of {@link #sinc} (n ≥ 1), from a series near 0: stable where the closed form cancels. */
    static Tensor sincDerivative(Tensor x, int n) {
        double[] out = new double[x.data.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = Special.sincDerivative(n, x.data[i]);
        }
        return SINC_DERIVATIVE.finish(n, new Tensor(out, x.shape), x);
    }

    /**
     * The Gauss error function (W. J. Cody's rational approximations, relative error ~1e-16);
     * derivative (2/√π)·e^(−x²), so erf'(0) = 2/√π.
     */
    public static Tensor erf(Tensor x) { return ERF.apply(x); }
    /** The complementary error function 1 − erf(x), without cancellation for large x; derivative −(2/√π)·e^(−x²). */
    public static Tensor erfc(Tensor x) { return ERFC.apply(x); }
    /**
     * numpy's normalised sinc, sin(πx)/(πx), 1 at x = 0. Its derivative (cos(πx) − sinc(x))/x is
     * evaluated from a power series near 0, where that form cancels: it is 0 at x = 0, and every
     * higher derivative is likewise stable.
     */
    public static Tensor sinc(Tensor x) { return SINC.apply(x); }
    /** log(x/(1 − x)), the inverse of the sigmoid, on (0, 1) (±Infinity at 1 and 0); derivative 1/(x(1 − x)). */
    public static Tensor logit(Tensor x) { return LOGIT.apply(x); }

    // ---------------------------------------------------------------- rounding and sign: zero gradient

    /*
     * Test domains of the step functions: strict, so that expression trees map their inputs into the
     * smooth stretch above the last listed jump ([2.01, 2.95]) instead of passing values such as
     * 7.000001, whose jump no listed kink would keep central differences away from.
     */
    private static final Domain INTEGER_KINKS = Domain.strict(-3, 2.95).withKinks(-3, -2, -1, 0, 1, 2);

    static final ElementwiseUnary SIGN = new ElementwiseUnary("sign", v -> v > 0 ? 1.0 : v < 0 ? -1.0 : v,
            (x, y, u) -> zero(u)).domain(Domain.free(-3, 3).withKinks(0.0));
    static final ElementwiseUnary FLOOR = new ElementwiseUnary("floor", Math::floor, (x, y, u) -> zero(u)).domain(INTEGER_KINKS);
    static final ElementwiseUnary CEIL = new ElementwiseUnary("ceil", Math::ceil, (x, y, u) -> zero(u)).domain(INTEGER_KINKS);
    static final ElementwiseUnary ROUND = new ElementwiseUnary("round", Math::rint, (x, y, u) -> zero(u))
            .domain(Domain.strict(-3, 2.45).withKinks(-2.5, -1.5, -0.5, 0.5, 1.5)).describedAs("round(x), half to even");
    static final ElementwiseUnary TRUNC = new ElementwiseUnary("trunc", v -> v < 0 ? Math.ceil(v) : Math.floor(v),
            (x, y, u) -> zero(u)).domain(INTEGER_KINKS);

    /** −1, 0 or 1 by the sign of x (±0 and NaN are returned as they are); gradient 0 everywhere, also at 0. */
    public static Tensor sign(Tensor x) { return SIGN.apply(x); }
    /** The largest integer ≤ x; gradient 0 everywhere (also at the jumps, as PyTorch). */
    public static Tensor floor(Tensor x) { return FLOOR.apply(x); }
    /** The smallest integer ≥ x; gradient 0 everywhere. */
    public static Tensor ceil(Tensor x) { return CEIL.apply(x); }
    /** The nearest integer, halves to even as numpy ({@code round(2.5) = 2}, {@code round(-0.5) = -0}); gradient 0. */
    public static Tensor round(Tensor x) { return ROUND.apply(x); }
    /** x rounded toward zero; gradient 0. */
    public static Tensor trunc(Tensor x) { return TRUNC.apply(x); }

    // ---------------------------------------------------------------- reciprocal and conversions

    static final ElementwiseUnary RECIPROCAL = new ElementwiseUnary("reciprocal", v -> 1.0 / v,
            (x, y, u) -> u.mul(y.square()).neg()).domain(AWAY_FROM_ZERO);
    static final ElementwiseUnary DEG2RAD = new ElementwiseUnary("deg2rad", v -> v * (Math.PI / 180.0),
            (x, y, u) -> u.mul(Math.PI / 180.0)).domain(Domain.free(-360, 360));
    // a strict test domain whose image is [-2.9, 2.9]: a factor of 57 inside expression trees (under cos, var, ...)
    // makes them too steep for central differences
    static final ElementwiseUnary RAD2DEG = new ElementwiseUnary("rad2deg", v -> v * (180.0 / Math.PI),
            (x, y, u) -> u.mul(180.0 / Math.PI)).domain(Domain.strict(-0.05, 0.05));

    /** 1/x (±Infinity at ±0); derivative −1/x². */
    public static Tensor reciprocal(Tensor x) { return RECIPROCAL.apply(x); }
    /** Degrees to radians, x·π/180. */
    public static Tensor deg2rad(Tensor x) { return DEG2RAD.apply(x); }
    /** Radians to degrees, x·180/π. */
    public static Tensor rad2deg(Tensor x) { return RAD2DEG.apply(x); }

    // ---------------------------------------------------------------- binary, broadcasting

    /** Exponent of a's derivative: b − 1, but 1 where b = 0 (so that 0·0^(−1) does not give NaN), as autograd. */
    private static Tensor powExponent(Tensor b) {
        return b.sub(1.0).add(eq(b, ZERO).mul(2.0));
    }

    static final ElementwiseBinary POW = new ElementwiseBinary("pow", Math::pow,
            (a, b, y, u) -> u.mul(b).mul(pow(a, powExponent(b))),
            (a, b, y, u) -> u.mul(y).mul(a.add(eq(a, ZERO)).log()))
            .domains(Domain.strict(0.2, 3), Domain.free(-3, 3)).describedAs("pow(a, b), a tensor exponent");
    static final ElementwiseBinary ATAN2 = new ElementwiseBinary("atan2", Math::atan2,
            (a, b, y, u) -> u.mul(b).div(a.square().add(b.square())),
            (a, b, y, u) -> u.mul(a).div(a.square().add(b.square())).neg())
            .domains(Domain.free(-3, 3), AWAY_FROM_ZERO)
            .margin(in -> minOver(in, (a, b) -> b < 0 ? Math.abs(a) : Double.POSITIVE_INFINITY));
    static final ElementwiseBinary HYPOT = new ElementwiseBinary("hypot", Math::hypot,
            (a, b, y, u) -> u.mul(a).div(y.add(eq(y, ZERO))),
            (a, b, y, u) -> u.mul(b).div(y.add(eq(y, ZERO))))
            .margin(in -> minOver(in, Math::hypot));
    static final ElementwiseBinary LOGADDEXP = new ElementwiseBinary("logaddexp",
            (a, b) -> a == b ? a + LN2 : Math.max(a, b) + Math.log1p(Math.exp(-Math.abs(a - b))),
            (a, b, y, u) -> u.mul(a.sub(b).sigmoid()), (a, b, y, u) -> u.mul(b.sub(a).sigmoid()));
    static final ElementwiseBinary LOGADDEXP2 = new ElementwiseBinary("logaddexp2",
            (a, b) -> a == b ? a + 1.0 : Math.max(a, b) + Math.log1p(Math.pow(2.0, -Math.abs(a - b))) / LN2,
            (a, b, y, u) -> u.mul(a.sub(b).mul(LN2).sigmoid()), (a, b, y, u) -> u.mul(b.sub(a).mul(LN2).sigmoid()));
    static final ElementwiseBinary MOD = new ElementwiseBinary("mod", Special::mod,
            (a, b, y, u) -> u, (a, b, y, u) -> u.mul(floor(a.div(b))).neg())
            .domains(Domain.free(-3, 3), AWAY_FROM_ZERO)
            .margin(in -> minOver(in, (a, b) -> remainderMargin(Special.mod(a, b), a, b)))
            .describedAs("mod(a, b), the divisor's sign (numpy)");
    static final ElementwiseBinary FMOD = new ElementwiseBinary("fmod", (a, b) -> a % b,
            (a, b, y, u) -> u, (a, b, y, u) -> u.mul(trunc(a.div(b))).neg())
            .domains(Domain.free(-3, 3), AWAY_FROM_ZERO)
            .margin(in -> minOver(in, (a, b) -> remainderMargin(a % b, a, b)))
            .describedAs("fmod(a, b), the dividend's sign (C)");

    /**
     * {@code aᵇ} elementwise with a tensor exponent, broadcast (numpy's power). Gradients, as
     * numpy/autograd: to a, b·a^(b−1) (0 where b = 0, also at a = 0); to b, aᵇ·ln a, taken as 0 where
     * a = 0 (the limit for b &gt; 0; NaN where b &lt; 0, since aᵇ is infinite there). For a &lt; 0 the
     * value is NaN unless b is an integer, and b's gradient is NaN.
     */
    public static Tensor pow(Tensor a, Tensor b) { return POW.apply(a, b); }
    /**
     * The angle of the point (b, a), numpy's arctan2(a, b), in [−π, π]; gradients b/(a² + b²) and
     * −a/(a² + b²) (NaN at the origin, where it is undefined). It jumps by 2π across b &lt; 0, a = 0.
     */
    public static Tensor atan2(Tensor a, Tensor b) { return ATAN2.apply(a, b); }
    /** √(a² + b²) without overflow or underflow; gradients a/h and b/h, and 0 at the origin (the minimum-norm subgradient). */
    public static Tensor hypot(Tensor a, Tensor b) { return HYPOT.apply(a, b); }
    /**
     * log(eᵃ + eᵇ) without overflow; {@code logaddexp(-inf, x) = x}. Gradients σ(a − b) and σ(b − a)
     * (0 and 1 when a = −Infinity).
     */
    public static Tensor logaddexp(Tensor a, Tensor b) { return LOGADDEXP.apply(a, b); }
    /** log₂(2ᵃ + 2ᵇ) without overflow; gradients σ((a − b) ln 2) and σ((b − a) ln 2). */
    public static Tensor logaddexp2(Tensor a, Tensor b) { return LOGADDEXP2.apply(a, b); }
    /**
     * numpy's remainder: a − floor(a/b)·b, with the divisor's sign ({@code mod(-7, 3) = 2},
     * {@code mod(7, -3) = -2}); NaN for b = 0. Gradients 1 and −floor(a/b) (as PyTorch), one-sided
     * at the jumps a = k·b.
     */
    public static Tensor mod(Tensor a, Tensor b) { return MOD.apply(a, b); }
    /** Same as {@link #mod} (numpy's and PyTorch's name). */
    public static Tensor remainder(Tensor a, Tensor b) { return MOD.apply(a, b); }
    /** C's fmod: a − trunc(a/b)·b, with the dividend's sign ({@code fmod(-7, 3) = -1}); gradients 1 and −trunc(a/b). */
    public static Tensor fmod(Tensor a, Tensor b) { return FMOD.apply(a, b); }

    // ---------------------------------------------------------------- comparisons: 0/1, zero gradient

    private static ElementwiseBinary comparison(String name, DoubleBinaryOperator f, String symbol) {
        return new ElementwiseBinary(name, f, (a, b, y, u) -> zero(u), (a, b, y, u) -> zero(u))
                .margin(MathOps::relativeGap).describedAs(name + "(a, b): 1 where a " + symbol + " b, else 0");
    }

    static final ElementwiseBinary LT = comparison("lt", (a, b) -> a < b ? 1 : 0, "<");
    static final ElementwiseBinary LE = comparison("le", (a, b) -> a <= b ? 1 : 0, "<=");
    static final ElementwiseBinary GT = comparison("gt", (a, b) -> a > b ? 1 : 0, ">");
    static final ElementwiseBinary GE = comparison("ge", (a, b) -> a >= b ? 1 : 0, ">=");
    static final ElementwiseBinary EQ = comparison("eq", (a, b) -> a == b ? 1 : 0, "==");
    static final ElementwiseBinary NE = comparison("ne", (a, b) -> a != b ? 1 : 0, "!=");

    /** 1 where a &lt; b, else 0 (NaN compares false), broadcast; gradient 0. */
    public static Tensor lt(Tensor a, Tensor b) { return LT.apply(a, b); }
    /** 1 where a ≤ b, else 0; gradient 0. */
    public static Tensor le(Tensor a, Tensor b) { return LE.apply(a, b); }
    /** 1 where a &gt; b, else 0; gradient 0. */
    public static Tensor gt(Tensor a, Tensor b) { return GT.apply(a, b); }
    /** 1 where a ≥ b, else 0; gradient 0. */
    public static Tensor ge(Tensor a, Tensor b) { return GE.apply(a, b); }
    /** 1 where a = b, else 0 (NaN equals nothing); gradient 0. */
    public static Tensor eq(Tensor a, Tensor b) { return EQ.apply(a, b); }
    /** 1 where a ≠ b, else 0 (1 where either is NaN); gradient 0. */
    public static Tensor ne(Tensor a, Tensor b) { return NE.apply(a, b); }

    // ---------------------------------------------------------------- where

    /** where(mask, a, b): attrs the mask, a constant; inputs a and b. */
    static final Op WHERE = new Op("where") {
        @Override
        Tensor[] vjp(Node call, Tensor g) {
            Tensor m = call.attrs();
            Tensor a = call.input(0), b = call.input(1);
            return new Tensor[] {
                call.needsGrad(0) ? ElementwiseBinary.unbroadcast(where(m, g, ZERO), a.shape) : null,
                call.needsGrad(1) ? ElementwiseBinary.unbroadcast(where(m, ZERO, g), b.shape) : null};
        }

        @Override
        Tensor jvp(Node call, Tensor[] t) {
            Tensor y = call.output;
            Tensor out = where(call.attrs(), t[0] == null ? ZERO : t[0], t[1] == null ? ZERO : t[1]);
            return Shapes.same(out.shape, y.shape) ? out : out.broadcastTo(y.shape);
        }
    };

    /**
     * numpy's {@code where(mask, a, b)}: a where the mask is true, b elsewhere, the three broadcast
     * together. A mask element is true when it is not 0 (so 0/1 tensors such as {@link #gt}'s work;
     * NaN counts as true, as in numpy). The mask is a constant: it gets no gradient. The gradient
     * goes to a where the mask is true and to b elsewhere (selected, not multiplied by the mask, so
     * an infinite upstream gradient does not turn into NaN in the branch not chosen); the tangent
     * likewise. As in PyTorch, a branch whose own derivative is infinite at an unselected point
     * still gives 0·∞ = NaN there ({@code where(x > 0, log(x), 0)} at x = 0): guard its input too,
     * {@code where(x > 0, log(where(x > 0, x, 1)), 0)}.
     *
     * @throws IllegalArgumentException naming the three shapes if they do not broadcast
     */
    public static Tensor where(Tensor mask, Tensor a, Tensor b) {
        int[] os;
        try {
            os = Shapes.broadcast("where", Shapes.broadcast("where", mask.shape, a.shape), b.shape);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("where: mask " + Shapes.str(mask.shape) + ", a " + Shapes.str(a.shape)
                    + " and b " + Shapes.str(b.shape) + " cannot be broadcast together", e);
        }
        double[] out = new double[Shapes.size(os)];
        Special.select(mask.data, Shapes.broadcastStrides(mask.shape, os), a.data, Shapes.broadcastStrides(a.shape, os),
                b.data, Shapes.broadcastStrides(b.shape, os), os, out);
        Tensor m = new Tensor(mask.data, mask.shape);  // the values only: the mask is not differentiated
        return WHERE.finish(m, new Tensor(out, os), a, b);
    }

    // ---------------------------------------------------------------- margins of the binary ops' tests

    /** The two inputs' values broadcast to their common shape. */
    private static double[][] broadcastValues(Tensor[] in) {
        int[] os = Shapes.broadcast("margin", in[0].shape, in[1].shape);
        try (Tape.Pause p = Tape.pause()) {
            return new double[][] {in[0].broadcastTo(os).toArray(), in[1].broadcastTo(os).toArray()};
        }
    }

    /** The smallest f(a, b) over the broadcast pairs. */
    private static double minOver(Tensor[] in, DoubleBinaryOperator f) {
        double[][] v = broadcastValues(in);
        double m = Double.POSITIVE_INFINITY;
        for (int i = 0; i < v[0].length; i++) {
            m = Math.min(m, f.applyAsDouble(v[0][i], v[1][i]));
        }
        return m;
    }

    /**
     * Distance from the jumps of a remainder r of a by b (r near 0 or near b), divided by the
     * quotient's size: a difference step moves r by about |a/b| times the step of b.
     */
    private static double remainderMargin(double r, double a, double b) {
        return Math.min(Math.abs(r), Math.abs(b) - Math.abs(r)) / Math.max(1.0, Math.abs(a / b));
    }

    /** Distance from a tie a = b relative to the operands' size (a difference step is relative too). */
    private static double relativeGap(Tensor[] in) {
        return minOver(in, (a, b) -> Math.abs(a - b) / Math.max(1.0, Math.max(Math.abs(a), Math.abs(b))));
    }

    // ---------------------------------------------------------------- the family's tests and names

    static final OpRegistry.Family FAMILY = new OpRegistry.Family() {
        /** The elementwise ops' entries come from their definitions (UnaryOps and BinaryOps list them); where's is here. */
        @Override
        public List<OpTest> tests() {
            List<OpTest> out = new ArrayList<>();
            Domain values = Domain.free(-3, 3);
            out.add(OpTest.of("where", "where(c > 0, a, b), the three broadcast; c gets no gradient",
                    new Domain[] {values.withKinks(0.0), values, values},
                    rng -> {
                        int[] base = Gen.shape(rng, rng.nextInt(4), 3);
                        return new int[][] {Gen.broadcastVariant(rng, base), Gen.broadcastVariant(rng, base),
                            Gen.broadcastVariant(rng, base)};
                    },
                    (s, rng) -> new OpTest.Bound("", in -> where(gt(in[0], ZERO), in[1], in[2]))));
            return out;
        }

        @Override
        public List<OpRegistry.NamedFunction> functions() {
            return List.of(
                    new OpRegistry.NamedFunction("where", 3, "where(m, a, b): a where m is not 0, else b", in -> where(in[0], in[1], in[2])),
                    new OpRegistry.NamedFunction("remainder", 2, "remainder(a, b): mod with the divisor's sign (numpy)", in -> mod(in[0], in[1])));
        }
    };
}
