package dev.tapegrad.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tapegrad.Tape;
import dev.tapegrad.Tensor;
import java.util.Arrays;
import java.util.function.Function;

/**
 * Independent references for the tests: central differences of a function's value (first
 * derivatives) and of the tape's gradient (second derivatives), computed with plain doubles.
 */
final class Numeric {
    private Numeric() {}

    static final double H = 1e-6;

    /** d f / d inputs[k] by the tape (fresh leaves, nothing else touched). */
    static Tensor[] tapeGradient(Function<Tensor[], Tensor> f, Tensor... inputs) {
        Tensor[] leaves = leaves(inputs);
        try (Tape tape = Tape.record()) {
            Tensor y = f.apply(leaves);
            return tape.zerosForConstants().gradient(y, leaves);
        }
    }

    /** Central differences (f(x + h e_i) − f(x − h e_i)) / 2h for every element of every input. */
    static double[][] centralGradient(Function<Tensor[], Tensor> f, Tensor... inputs) {
        double[][] out = new double[inputs.length][];
        for (int k = 0; k < inputs.length; k++) {
            double[] x = inputs[k].toArray();
            out[k] = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                double h = H * Math.max(1.0, Math.abs(x[i]));
                double keep = x[i];
                x[i] = keep + h;
                double fp = value(f, inputs, k, x);
                x[i] = keep - h;
                double fm = value(f, inputs, k, x);
                x[i] = keep;
                out[k][i] = (fp - fm) / (2 * h);
            }
        }
        return out;
    }

    private static double value(Function<Tensor[], Tensor> f, Tensor[] inputs, int k, double[] xk) {
        Tensor[] in = inputs.clone();
        in[k] = Tensor.of(xk, inputs[k].shape());
        return f.apply(in).item();
    }

    /** The tape's gradient of the scalar f equals the central differences within tol (abs + rel). */
    static void assertGradient(String what, Function<Tensor[], Tensor> f, double tol, Tensor... inputs) {
        Tensor[] g = tapeGradient(f, inputs);
        double[][] num = centralGradient(f, inputs);
        for (int k = 0; k < inputs.length; k++) {
            assertClose(what + " d/dinput" + k, num[k], g[k].toArray(), tol);
        }
    }

    /**
     * Second derivatives: the tape's Hessian-vector product (gradient of ⟨∇f, v⟩ recorded with
     * createGraph) against central differences of the tape's first gradient along v, for input 0.
     */
    static void assertSecondDerivative(String what, Function<Tensor[], Tensor> f, double tol, Tensor... inputs) {
        Tensor x0 = inputs[0];
        double[] v = new double[x0.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.sin(1.7 * i + 0.3);  // a fixed, non-special direction
        }
        Tensor dir = Tensor.of(v, x0.shape());
        Tensor[] leaves = leaves(inputs);
        double[] hv;
        try (Tape tape = Tape.record()) {
            Tensor y = f.apply(leaves);
            Tensor g = tape.createGraph().gradient(y, leaves[0])[0];
            hv = tape.zerosForConstants().gradient(g.mul(dir).sum(), leaves[0])[0].toArray();  // g may be constant
        }
        double h = 1e-5;
        double[] gp = gradAt(f, inputs, x0.add(dir.mul(h)));
        double[] gm = gradAt(f, inputs, x0.sub(dir.mul(h)));
        double[] num = new double[gp.length];
        for (int i = 0; i < num.length; i++) {
            num[i] = (gp[i] - gm[i]) / (2 * h);
        }
        assertClose(what + " Hessian·v", num, hv, tol);
    }

    private static double[] gradAt(Function<Tensor[], Tensor> f, Tensor[] inputs, Tensor x0) {
        Tensor[] in = inputs.clone();
        in[0] = x0;
        return tapeGradient(f, in)[0].toArray();
    }

    static Tensor[] leaves(Tensor... inputs) {
        Tensor[] out = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            out[i] = Tensor.of(inputs[i].toArray(), inputs[i].shape()).requiresGrad(true);
        }
        return out;
    }

    static void assertClose(String what, double[] expected, double[] actual, double tol) {
        assertEquals(expected.length, actual.length, what + ": lengths");
        for (int i = 0; i < expected.length; i++) {
            double err = Math.abs(expected[i] - actual[i]);
            if (!(err <= tol * (1 + Math.abs(expected[i])))) {
                throw new AssertionError(what + ": element " + i + " expected " + expected[i] + " but was " + actual[i]
                        + " (error " + err + ", tolerance " + tol + ")\nexpected " + Arrays.toString(expected)
                        + "\nactual   " + Arrays.toString(actual));
            }
        }
    }

    /** d/dx of the scalar-per-element function at each element, by the tape (sum trick). */
    static double[] elementwiseDerivative(Function<Tensor, Tensor> f, double... xs) {
        return tapeGradient(in -> f.apply(in[0]).sum(), Tensor.vector(xs))[0].toArray();
    }

    /** d²/dx² of an elementwise function at each element, by two recorded gradients. */
    static double[] elementwiseSecondDerivative(Function<Tensor, Tensor> f, double... xs) {
        Tensor x = Tensor.vector(xs).requiresGrad(true);
        try (Tape tape = Tape.record()) {
            Tensor g = tape.createGraph().gradient(f.apply(x).sum(), x)[0];
            return tape.zerosForConstants().gradient(g.sum(), x)[0].toArray();  // piecewise-linear: g is a constant
        }
    }
}
