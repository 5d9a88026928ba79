package dev.tapegrad.examples;

import dev.tapegrad.Tape;
import dev.tapegrad.Tensor;
import dev.tapegrad.nn.Adam;
import dev.tapegrad.nn.LSTM;
import dev.tapegrad.nn.Linear;
import dev.tapegrad.nn.Losses;
import dev.tapegrad.nn.Module;
import dev.tapegrad.nn.Optimizer;
import dev.tapegrad.nn.Recurrent;
import dev.tapegrad.nn.Sequential;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * The adding problem (Hochreiter and Schmidhuber, 1997; in the form of Arjovsky, Shah and Bengio,
 * 2016): each sequence has T steps of two features, a value drawn from U(0, 1) and a marker that
 * is 1 at exactly two steps, one in the first half and one in the second; the target is the sum
 * of the two marked values. Predicting the mean, 1, gives a mean squared error of Var(U₁ + U₂) =
 * 1/6 ≈ 0.167; a network that solves the task has to carry the first marked value across about
 * T/2 steps. An {@link LSTM} followed by a linear read-out of its last hidden state is trained
 * with Adam on fresh random batches, and the test MSE is measured on a fixed set of sequences.
 *
 * <p>Run (from the repository root, after {@code mvn -B -q -o package -DskipTests}):
 * {@code java -cp examples/target/classes:nn/target/classes:autodiff-core/target/classes
 * dev.tapegrad.examples.AddingProblem [T [hidden [maxSteps [seed]]]]} (defaults 50, 64, 6000, 1).
 */
public final class AddingProblem {

    /** Mean squared error of the predictor that always answers 1 (the mean target): 1/6. */
    public static final double TRIVIAL_MSE = 1.0 / 6.0;

    private AddingProblem() {}

    /**
     * A set of sequences.
     *
     * @param x      the inputs, [n, T, 2] (value, marker)
     * @param target the sums of the two marked values, [n, 1]
     */
    public record Sequences(Tensor x, Tensor target) {
    }

    /**
     * Draws {@code n} sequences of length {@code steps}.
     *
     * @param rng   the source of randomness
     * @param n     number of sequences
     * @param steps sequence length T, at least 2
     * @return the inputs and targets
     */
    public static Sequences generate(RandomGenerator rng, int n, int steps) {
        if (n <= 0 || steps < 2) {
            throw new IllegalArgumentException("AddingProblem.generate: n " + n + " must be positive and T " + steps + " at least 2");
        }
        double[] x = new double[n * steps * 2];
        double[] y = new double[n];
        int half = steps / 2;
        for (int i = 0; i < n; i++) {
            int first = rng.nextInt(half);
            int second = half + rng.nextInt(steps - half);
            for (int t = 0; t < steps; t++) {
                double v = rng.nextDouble();
                x[(i * steps + t) * 2] = v;
                if (t == first || t == second) {
                    x[(i * steps + t) * 2 + 1] = 1;
                    y[i] += v;
                }
            }
        }
        return new Sequences(Tensor.of(x, n, steps, 2), Tensor.of(y, n, 1));
    }

    /**
     * Settings of a run.
     *
     * @param steps      sequence length T
     * @param hidden     LSTM hidden units
     * @param batch      sequences per training step
     * @param maxSteps   most optimizer steps
     * @param learningRate Adam's learning rate
     * @param target     stop when the test MSE is below this
     * @param evalEvery  optimizer steps between test evaluations
     * @param testSize   number of test sequences
     * @param seed       seed of the weights and the data
     */
    public record Config(int steps, int hidden, int batch, int maxSteps, double learningRate, double target,
                         int evalEvery, int testSize, long seed) {
        /** The full-size run: T = 50, 64 units, batch 64, Adam 3e-3, stop below MSE 0.01 (at most 6,000 steps). */
        public static Config fullSize() {
            return new Config(50, 64, 64, 6000, 3e-3, 0.01, 100, 1000, 1);
        }
    }

    /**
     * The outcome of a run.
     *
     * @param stepsTaken  optimizer steps done
     * @param testMse     test MSE after the last evaluation
     * @param curve       test MSE at each evaluation, index k after {@code (k + 1)·evalEvery} steps (or at the end)
     * @param seconds     wall-clock time of the training
     */
    public record Result(int stepsTaken, double testMse, double[] curve, double seconds) {
    }

    /** The model: an LSTM over the two features, its last hidden state, a linear read-out. */
    static Module model(int hidden, RandomGenerator rng) {
        return new Sequential(new LSTM(2, hidden, rng), Recurrent.lastStep(), new Linear(hidden, 1, rng));
    }

    /**
     * Trains an LSTM on the adding problem.
     *
     * @param c        the settings
     * @param progress receives one line per evaluation (null for none)
     * @return steps taken, the final test MSE, the curve and the time
     */
    public static Result run(Config c, java.io.PrintStream progress) {
        RandomGenerator rng = RandomGeneratorFactory.of("L64X128MixRandom").create(c.seed());
        Sequences test = generate(RandomGeneratorFactory.of("L64X128MixRandom").create(c.seed() + 1_000_003L),
                c.testSize(), c.steps());
        Module model = model(c.hidden(), rng);
        Optimizer opt = new Adam(model.parameters(), c.learningRate()).clipGradNorm(1.0);
        List<Double> curve = new ArrayList<>();
        long start = System.nanoTime();
        double mse = Double.NaN;
        int step = 0;
        while (step < c.maxSteps()) {
            Sequences b = generate(rng, c.batch(), c.steps());
            opt.zeroGrad();
            try (Tape tape = Tape.record()) {
                tape.backward(Losses.mse(model.forward(b.x()), b.target()));
            }
            opt.step();
            step++;
            if (step % c.evalEvery() == 0 || step == c.maxSteps()) {
                mse = Losses.mse(model.predict(test.x()), test.target()).item();
                curve.add(mse);
                if (progress != null) {
                    progress.printf(Locale.ROOT, "step %5d  test MSE %.5f  (%.1f s)%n", step, mse, (System.nanoTime() - start) / 1e9);
                }
                if (mse < c.target()) {
                    break;
                }
            }
        }
        return new Result(step, mse, curve.stream().mapToDouble(Double::doubleValue).toArray(), (System.nanoTime() - start) / 1e9);
    }

    /**
     * Runs the full-size problem, or the one given by the arguments.
     *
     * @param args {@code [T [hidden [maxSteps [seed]]]]}
     */
    public static void main(String[] args) {
        Config d = Config.fullSize();
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : d.steps();
        int hidden = args.length > 1 ? Integer.parseInt(args[1]) : d.hidden();
        int max = args.length > 2 ? Integer.parseInt(args[2]) : d.maxSteps();
        long seed = args.length > 3 ? Long.parseLong(args[3]) : d.seed();
        Config c = new Config(steps, hidden, d.batch(), max, d.learningRate(), d.target(), d.evalEvery(), d.testSize(), seed);
        System.out.printf(Locale.ROOT, "adding problem, T = %d, LSTM(2, %d), batch %d, Adam %.0e; trivial MSE %.4f%n",
                steps, hidden, c.batch(), c.learningRate(), TRIVIAL_MSE);
        Result r = run(c, System.out);
        System.out.printf(Locale.ROOT, "%s after %d steps: test MSE %.5f, %.1f s (%.1f ms per step)%n",
                r.testMse() < c.target() ? "solved" : "not solved", r.stepsTaken(), r.testMse(), r.seconds(),
                1000 * r.seconds() / r.stepsTaken());
    }
}
