package dev.tapegrad.examples;

import dev.tapegrad.Autodiff;
import dev.tapegrad.Tensor;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * The seeds' contrast between the two modes of automatic differentiation, measured: for a scalar
 * loss of N inputs, forward mode needs N passes (one JVP per basis direction) to build the
 * gradient, reverse mode one backward pass. Both give the same numbers; the cost differs by a
 * factor that grows with N.
 *
 * <p>The function is {@code f(x) = Σ tanh(W·x + b)² / N} with W of shape [32, N].
 *
 * <p>Run (from the repository root, after {@code mvn -q -DskipTests package}):
 * {@code java -cp examples/target/classes:nn/target/classes:autodiff-core/target/classes dev.tapegrad.examples.ForwardVsReverse [N ...]}
 */
public final class ForwardVsReverse {
    private ForwardVsReverse() {}

    /** One row of the comparison. */
    public record Row(int inputs, double forwardMillis, double reverseMillis, double maxDifference) {
        /** How many times slower forward mode was. */
        public double ratio() {
            return forwardMillis / reverseMillis;
        }
    }

    /** The test function for {@code n} inputs, with fixed seeded weights. */
    public static Function<Tensor, Tensor> function(int n) {
        RandomGenerator rng = RandomGeneratorFactory.of("L64X128MixRandom").create(n);
        Tensor w = Tensor.randn(rng, 32, n).div(Math.sqrt(n)), b = Tensor.randn(rng, 32);
        return x -> w.matmul(x).add(b).tanh().square().sum().div(n);
    }

    /** The gradient of f at x by forward mode: N JVPs, one per basis vector. */
    public static Tensor gradientByForwardMode(Function<Tensor, Tensor> f, Tensor x) {
        int n = x.size();
        double[] g = new double[n];
        for (int j = 0; j < n; j++) {
            double[] e = new double[n];
            e[j] = 1.0;
            g[j] = Autodiff.jvp(f, x, Tensor.of(e, x.shape())).tangent().item();
        }
        return Tensor.of(g, x.shape());
    }

    /** Times both routes to the gradient (median of {@code repeats} runs each) and compares their values. */
    public static Row measure(int n, int repeats) {
        Function<Tensor, Tensor> f = function(n);
        Tensor x = Tensor.randn(RandomGeneratorFactory.of("L64X128MixRandom").create(1), n);
        Function<Tensor, Tensor> grad = Autodiff.grad(f);
        double[] fwd = new double[repeats], rev = new double[repeats];
        Tensor gf = null, gr = null;
        for (int r = 0; r < repeats; r++) {
            long t0 = System.nanoTime();
            gf = gradientByForwardMode(f, x);
            long t1 = System.nanoTime();
            gr = grad.apply(x);
            long t2 = System.nanoTime();
            fwd[r] = (t1 - t0) / 1e6;
            rev[r] = (t2 - t1) / 1e6;
        }
        double diff = 0;
        double[] a = gf.toArray(), c = gr.toArray();
        for (int i = 0; i < a.length; i++) {
            diff = Math.max(diff, Math.abs(a[i] - c[i]));
        }
        return new Row(n, median(fwd), median(rev), diff);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** Prints the table for N = 10, 100, 1,000 (or the sizes given). */
    public static void main(String[] args) {
        int[] sizes = args.length == 0 ? new int[] {10, 100, 1000} : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        measure(200, 5);  // warm the JIT up so that the first row is not mostly compilation
        System.out.println("inputs  forward mode (N JVPs)  reverse mode (1 backward)  forward/reverse  max |difference|");
        for (int n : sizes) {
            Row r = measure(n, n >= 1000 ? 5 : 11);
            System.out.printf(Locale.ROOT, "%6d  %18.2f ms  %21.3f ms  %14.0fx  %16.2e%n",
                    r.inputs(), r.forwardMillis(), r.reverseMillis(), r.ratio(), r.maxDifference());
        }
    }
}
