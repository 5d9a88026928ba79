package dev.tapegrad.examples;

import dev.tapegrad.Tape;
import dev.tapegrad.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.knowm.xchart.style.Styler;

/**
 * Numerical against automatic differentiation, shown. For {@code f(x) = Σ tanh(xᵢ)·exp(xᵢ/2) +
 * logsumexp(x)}:
 *
 * <ul>
 *   <li><b>Accuracy.</b> The error of forward differences {@code (f(x + h·eᵢ) − f(x)) / h} and
 *       central differences {@code (f(x + h·eᵢ) − f(x − h·eᵢ)) / 2h} against the tape's gradient,
 *       as h goes from 1e-1 to 1e-12. Truncation error (∝ h, resp. h²) falls with h, round-off
 *       (∝ ε/h) rises, so the error traces a V with its minimum near √ε ≈ 1e-8 (forward) and ∛ε ≈ 6e-6
 *       (central); the reverse-mode gradient has no step and is exact to round-off.</li>
 *   <li><b>Cost.</b> A numerical gradient of N inputs needs N + 1 (forward) or 2N (central)
 *       evaluations of f, so its time grows as N²; reverse mode needs one forward pass recorded on
 *       the tape and one backward pass, a small constant times one evaluation, for any N.</li>
 * </ul>
 *
 * <p>Run: {@code java -cp examples/target/tapegrad-examples.jar dev.tapegrad.examples.NumericalVsAutodiff [outDir]}
 * (writes {@code numerical-vs-autodiff.png}; times depend on the machine, the shapes do not).
 */
public final class NumericalVsAutodiff {
    private NumericalVsAutodiff() {}

    /** The function differentiated, of Tensor ops. */
    public static Tensor f(Tensor x) {
        return x.tanh().mul(x.mul(0.5).exp()).sum().add(x.logSumExp(0));
    }

    /** A point with N coordinates from U(−2, 2). */
    public static Tensor point(int n, long seed) {
        RandomGenerator rng = RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
        return Tensor.rand(rng, n).mul(4).sub(2);
    }

    /** The tape's gradient of f at x. */
    public static Tensor autodiff(Tensor x) {
        Tensor leaf = x.detach().requiresGrad(true);
        try (Tape tape = Tape.record()) {
            return tape.gradient(f(leaf), leaf)[0];
        }
    }

    /** Counts the evaluations of f made by a numerical gradient. */
    public static final class Counter {
        private long evaluations;

        /** f(x), counted. */
        double eval(double[] x) {
            evaluations++;
            return f(Tensor.of(x, x.length)).item();
        }

        /** The number of evaluations so far. */
        public long evaluations() {
            return evaluations;
        }
    }

    /** Forward differences with step h: N + 1 evaluations of f. */
    public static double[] forward(Tensor x, double h, Counter c) {
        double[] v = x.toArray(), g = new double[v.length];
        double f0 = c.eval(v);
        for (int i = 0; i < v.length; i++) {
            double keep = v[i];
            v[i] = keep + h;
            g[i] = (c.eval(v) - f0) / h;
            v[i] = keep;
        }
        return g;
    }

    /** Central differences with step h: 2N evaluations of f. */
    public static double[] central(Tensor x, double h, Counter c) {
        double[] v = x.toArray(), g = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            double keep = v[i];
            v[i] = keep + h;
            double up = c.eval(v);
            v[i] = keep - h;
            g[i] = (up - c.eval(v)) / (2 * h);
            v[i] = keep;
        }
        return g;
    }

    /** Max-norm error of {@code approx} relative to the max norm of {@code exact}. */
    public static double relativeError(double[] approx, Tensor exact) {
        double[] e = exact.toArray();
        double num = 0, den = 0;
        for (int i = 0; i < e.length; i++) {
            num = Math.max(num, Math.abs(approx[i] - e[i]));
            den = Math.max(den, Math.abs(e[i]));
        }
        return num / den;
    }

    /** The steps 10^(−k/2) for k = 2 ... 24: 1e-1 down to 1e-12 in half decades. */
    public static double[] steps() {
        double[] h = new double[23];
        for (int k = 2; k <= 24; k++) {
            h[k - 2] = Math.pow(10, -k / 2.0);
        }
        return h;
    }

    /**
     * The V: errors of forward ({@code [0]}) and central ({@code [1]}) differences at each of
     * {@link #steps()}, for f of {@code n} inputs at {@link #point}(n, seed).
     */
    public static double[][] errorCurves(int n, long seed) {
        Tensor x = point(n, seed), exact = autodiff(x);
        double[] h = steps();
        double[][] err = new double[2][h.length];
        Counter c = new Counter();
        for (int i = 0; i < h.length; i++) {
            err[0][i] = relativeError(forward(x, h[i], c), exact);
            err[1][i] = relativeError(central(x, h[i], c), exact);
        }
        return err;
    }

    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    /** CPU time of the calling thread in nanoseconds (wall time where the JVM cannot measure it). */
    private static long now() {
        return THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : System.nanoTime();
    }

    /**
     * CPU seconds of {@code task} on this thread (f and its gradient use no parallel kernel, so
     * that is all their work, and other processes on the machine do not inflate it): one run if it
     * lasts over 0.05 s (the smaller sizes, run before, have warmed the JIT up), else the median
     * of enough runs to last about 0.2 s.
     */
    static double time(Runnable task) {
        long t0 = now();
        task.run();
        double first = (now() - t0) / 1e9;
        if (first > 0.05) {
            return first;
        }
        int reps = (int) Math.max(3, Math.min(200, 0.2 / Math.max(first, 1e-9)));
        double[] t = new double[reps];
        for (int r = 0; r < reps; r++) {
            long s = now();
            task.run();
            t[r] = (now() - s) / 1e9;
        }
        Arrays.sort(t);
        return t[reps / 2];
    }

    /**
     * Prints the V-curve and the cost table and writes {@code numerical-vs-autodiff.png}.
     *
     * @param args {@code [outDir]} (default {@code target/examples})
     * @throws IOException if the picture cannot be written
     */
    public static void main(String[] args) throws IOException {
        Path dir = Plots.outputDir(args);
        Locale l = Locale.ROOT;
        int n = 10;
        double[] h = steps();
        double[][] err = errorCurves(n, 1);
        System.out.printf(l, "f(x) = sum(tanh(x) exp(x/2)) + logsumexp(x), N = %d; max error relative to the tape's gradient%n", n);
        System.out.printf(l, "%8s  %12s  %12s%n", "h", "forward", "central");
        for (int i = 0; i < h.length; i++) {
            System.out.printf(l, "%8.0e  %12.3e  %12.3e%n", h[i], err[0][i], err[1][i]);
        }
        Plots.Chart v = new Plots.Chart("Finite differences against the tape's gradient (N = " + n + ")", "step h",
                "relative max error").log(true, true).legend(Styler.LegendPosition.OutsideS)
                .series("forward (f(x+h)-f(x))/h", h, err[0]).series("central (f(x+h)-f(x-h))/2h", h, err[1]);

        int[] ns = {10, 30, 100, 300, 1000, 3000, 10000};
        double[] xs = new double[ns.length], tf = new double[ns.length], tc = new double[ns.length],
                tr = new double[ns.length], te = new double[ns.length];
        System.out.printf(l, "%nCPU seconds per gradient (median; machine-dependent, shapes are not):%n");
        System.out.printf(l, "%6s  %12s  %14s  %14s  %16s%n", "N", "one f(x)", "forward N+1", "central 2N", "tape fwd+bwd");
        for (int rep = 0; rep < 3; rep++) {            // warm the JIT up on the small sizes first
            for (int size : new int[] {10, 100, 1000}) {
                Tensor x = point(size, 2);
                forward(x, 1e-6, new Counter());
                central(x, 1e-6, new Counter());
                autodiff(x);
            }
        }
        for (int i = 0; i < ns.length; i++) {
            Tensor x = point(ns[i], 2);
            double step = 1e-6;
            xs[i] = ns[i];
            te[i] = time(() -> f(x).item());
            tf[i] = time(() -> forward(x, step, new Counter()));
            tc[i] = time(() -> central(x, step, new Counter()));
            tr[i] = time(() -> autodiff(x));
            System.out.printf(l, "%6d  %12.2e  %14.2e  %14.2e  %16.2e%n", ns[i], te[i], tf[i], tc[i], tr[i]);
        }
        Plots.Chart cost = new Plots.Chart("Cost of one gradient of N inputs", "N (inputs)", "CPU seconds").log(true, true).legend(Styler.LegendPosition.OutsideS)
                .series("central differences (2N evaluations)", xs, tc)
                .series("forward differences (N+1 evaluations)", xs, tf)
                .series("reverse mode (tape forward + backward)", xs, tr)
                .series("one evaluation of f", xs, te);
        Path out = Plots.write(Plots.sideBySide(v.render(720, 480), cost.render(720, 480)),
                dir.resolve("numerical-vs-autodiff.png"));
        System.out.println("wrote " + out);
    }
}
