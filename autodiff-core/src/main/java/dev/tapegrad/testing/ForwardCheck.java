package dev.tapegrad.testing;

import dev.tapegrad.Autodiff;
import dev.tapegrad.Tape;
import dev.tapegrad.Tensor;
import dev.tapegrad.internal.Access;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * The forward-mode checks behind {@link GradCheck#checkJvp} and the second-order checks in both
 * modes: a JVP against central differences along the same direction, and against the VJP by
 * transposition (⟨u, J·t⟩ = ⟨Jᵀ·u, t⟩).
 */
final class ForwardCheck {
    private static final Access.Core A = Access.core();

    private ForwardCheck() {}

    /** Transposition identities must hold to round-off: this many ulps of the terms' magnitude. */
    private static final double TRANSPOSE_ULPS = 1024;

    static GradCheck.Result checkJvp(GradCheck.Options o, Function<Tensor[], Tensor> fn, Tensor[] inputs) {
        Tensor[] base = GradCheck.copies(inputs);
        int[][] shapes = new int[base.length][];
        for (int i = 0; i < base.length; i++) {
            shapes[i] = A.shape(base[i]).clone();
        }
        Tensor y0 = GradCheck.evaluate(fn, base);
        int outSize = y0.size();
        RandomGenerator rng = RandomGeneratorFactory.of("L64X128MixRandom").create(o.seed() ^ 0xF0D0L);
        boolean project = outSize > o.maxJacobianRows();
        double[] projection = new double[outSize];
        for (int j = 0; j < outSize; j++) {
            projection[j] = project ? rng.nextGaussian() : 1.0;
        }
        double[] cotangent = new double[outSize];
        for (int j = 0; j < outSize; j++) {
            cotangent[j] = rng.nextGaussian();
        }
        Tensor[] vjp = GradCheck.analyticVjp(fn, A.wrap(cotangent, A.shape(y0)), base);
        List<GradCheck.Entry> entries = new ArrayList<>();
        double twoEps = 2 * o.eps();
        for (int i = 0; i < base.length; i++) {
            int n = base[i].size();
            if (n == 0) {
                continue;
            }
            double[] u = new double[n];
            for (int k = 0; k < n; k++) {
                u[k] = rng.nextGaussian();
            }
            GradCheck.DirectionalDifference d = GradCheck.directionalDifference(fn, base, i, A.wrap(u, shapes[i]),
                    o.eps(), A.shape(y0));
            // the tangent that the difference realises, element by element: displacement / 2ε
            double[] t = new double[n];
            double tMagnitude = 0;
            for (int k = 0; k < n; k++) {
                t[k] = d.displacement[k] / twoEps;
                tMagnitude += Math.abs(t[k]);
            }
            Tensor[] tangents = new Tensor[base.length];
            for (int m = 0; m < base.length; m++) {
                tangents[m] = m == i ? A.wrap(t, shapes[i]) : Tensor.zeros(shapes[m]);
            }
            Tensor jt = jvp(fn, base, tangents);
            if (!Arrays.equals(A.shape(jt), A.shape(y0))) {
                throw new IllegalStateException("GradCheck: the JVP's tangent has shape " + A.str(A.shape(jt))
                        + " but the output has shape " + A.str(A.shape(y0)));
            }
            double[] plus = d.difference.plus, minus = d.difference.minus;
            if (project) {
                double a = 0, num = 0, mag = 0, floor = 0;
                for (int j = 0; j < outSize; j++) {
                    a += projection[j] * A.data(jt)[j];
                    num += projection[j] * (plus[j] - minus[j]) / twoEps;
                    mag += Math.abs(projection[j] * A.data(jt)[j]);
                    floor += Math.abs(projection[j]) * Math.max(Math.abs(plus[j]), Math.abs(minus[j]));
                }
                double tol = o.atol() * tMagnitude + o.rtol() * Math.max(Math.abs(num), mag)
                        + GradCheck.ROUNDOFF_ULPS * GradCheck.MACHINE_EPSILON * floor / twoEps;
                entries.add(GradCheck.entry(i, null, null, a, num, tol));
            } else {
                for (int j = 0; j < outSize; j++) {
                    double num = (plus[j] - minus[j]) / twoEps;
                    double a = A.data(jt)[j];
                    double floor = GradCheck.ROUNDOFF_ULPS * GradCheck.MACHINE_EPSILON
                            * Math.max(Math.abs(plus[j]), Math.abs(minus[j])) / twoEps;
                    double tol = o.atol() * tMagnitude + o.rtol() * Math.max(Math.abs(num), Math.abs(a)) + floor;
                    entries.add(GradCheck.entry(i, null, y0.rank() == 0 ? null : A.unravel(j, A.shape(y0)), a, num, tol));
                }
            }
            // transposition: ⟨cotangent, J t⟩ against ⟨VJP(cotangent), t⟩
            // round-off in either product is relative to the sizes of what the rules multiplied, which
            // can be far larger than the result (a softmax of equal logits cancels to 0): bound them by
            // |u|₁·|t|₁·max(1, max|J t|, max|Jᵀu|)
            double fwd = 0, rev = 0, mag = 0, scale = 1, uNorm = 0;
            for (int j = 0; j < outSize; j++) {
                fwd += cotangent[j] * A.data(jt)[j];
                mag += Math.abs(cotangent[j] * A.data(jt)[j]);
                scale = Math.max(scale, Math.abs(A.data(jt)[j]));
                uNorm += Math.abs(cotangent[j]);
            }
            for (int k = 0; k < n; k++) {
                rev += A.data(vjp[i])[k] * t[k];
                mag += Math.abs(A.data(vjp[i])[k] * t[k]);
                scale = Math.max(scale, Math.abs(A.data(vjp[i])[k]));
            }
            double tol = TRANSPOSE_ULPS * GradCheck.MACHINE_EPSILON * (mag + uNorm * tMagnitude * scale);
            entries.add(GradCheck.entry(i, null, null, fwd, rev, tol));
        }
        return new GradCheck.Result(o, "forward mode: JVP along a random direction per input against central differences"
                + (project ? " (random output projection)" : "") + ", and <u, J t> = <J^T u, t>", shapes, A.shape(y0).clone(), entries);
    }

    /** {@code J·t} of fn at base, by forward mode, with nothing recorded. */
    static Tensor jvp(Function<Tensor[], Tensor> fn, Tensor[] base, Tensor[] tangents) {
        try (Tape.Pause p = Tape.pause()) {
            return Autodiff.jvp(in -> fn.apply(in), base, tangents).tangent();
        }
    }

    /**
     * {@code x ↦ ⟨s, J(x)·w⟩}: the first-order JVP of fn along fixed random directions w, projected
     * on a fixed random s. Its derivatives are second derivatives of fn.
     */
    static Function<Tensor[], Tensor> projectedJvp(Function<Tensor[], Tensor> fn, Tensor s, Tensor[] w) {
        return in -> Autodiff.jvp(fn, in, w).tangent().mul(s).sum();
    }
}
