package dev.tapegrad.examples;

import dev.tapegrad.Tape;
import dev.tapegrad.Tensor;
import dev.tapegrad.nn.Adam;
import dev.tapegrad.nn.Dataset;
import dev.tapegrad.nn.Linear;
import dev.tapegrad.nn.Losses;
import dev.tapegrad.nn.Metrics;
import dev.tapegrad.nn.Module;
import dev.tapegrad.nn.Optimizer;
import dev.tapegrad.nn.RBF;
import dev.tapegrad.nn.Sequential;
import dev.tapegrad.nn.data.EmbeddedDatasets;
import dev.tapegrad.nn.data.Standardizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * Radial basis function networks (Broomhead and Lowe 1988; Moody and Darken 1989): a layer of
 * Gaussian units ({@link RBF}) whose centres are placed from the training data — by k-means or by
 * sampling training points — and a linear output layer; then everything (centres, widths, output
 * weights) is trained by back-propagation. On XOR, four units make the problem linearly separable;
 * on Iris, eight units reach the accuracy of an MLP.
 *
 * <p>Run: {@code java -cp examples/target/tapegrad-examples.jar dev.tapegrad.examples.RbfNetwork [outDir]}
 * (writes {@code rbf-iris.png}: the training loss of both placements).
 */
public final class RbfNetwork {
    /** Units of the Iris network. */
    public static final int IRIS_UNITS = 8;
    /** Full-batch Adam steps on Iris. */
    public static final int IRIS_STEPS = 300;

    private RbfNetwork() {}

    /**
     * A trained network's figures.
     *
     * @param loss          training loss before each step and after the last
     * @param trainAccuracy accuracy on the training data
     * @param testAccuracy  accuracy on the held-out data (NaN for XOR, which has none)
     */
    public record Result(double[] loss, double trainAccuracy, double testAccuracy) {}

    private static RandomGenerator rng(long seed) {
        return RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
    }

    /** Trains a 2-4-1 RBF network with centres at k-means of the four XOR points, squared error. */
    public static Result xor(long seed) {
        Tensor x = McCullochPitts.truthInputs(2);
        Tensor y = Tensor.of(new double[] {0, 1, 1, 0}, 4, 1);
        RandomGenerator r = rng(seed);
        Module net = new Sequential(RBF.kMeans(x, 4, true, r), new Linear(4, 1, r));
        double[] loss = train(net, net, x, out -> out.sub(y).square().mean(), 200, 0.05);
        double[] out = net.forward(x).toArray();
        int right = 0;
        for (int i = 0; i < 4; i++) {
            right += (out[i] > 0.5) == (y.get(i, 0) > 0.5) ? 1 : 0;
        }
        return new Result(loss, right / 4.0, Double.NaN);
    }

    /**
     * Trains an RBF network on standardised Iris (80 % / 20 % stratified split, seed 42) with
     * cross-entropy.
     *
     * @param kMeans       true for k-means centres, false for centres sampled from the training points
     * @param trainCentres true to train centres and widths by back-propagation too, false to train
     *                     the output layer only (the classic two-stage RBF network)
     * @param seed         seed of the placement and of the output layer
     */
    public static Result iris(boolean kMeans, boolean trainCentres, long seed) {
        Dataset.Split split = EmbeddedDatasets.iris().split(0.2, 42);
        Standardizer s = Standardizer.fit(split.train());
        Dataset train = s.apply(split.train()), test = s.apply(split.held());
        RandomGenerator r = rng(seed);
        RBF rbf = kMeans ? RBF.kMeans(train.x(), IRIS_UNITS, true, r) : RBF.sampled(train.x(), IRIS_UNITS, true, r);
        Linear out = new Linear(IRIS_UNITS, 3, r);
        Module net = new Sequential(rbf, out);
        double[] loss = train(net, trainCentres ? net : out, train.x(), o -> Losses.crossEntropy(o, train.labels()),
                IRIS_STEPS, 0.03);
        return new Result(loss, Metrics.accuracy(net.forward(train.x()), train.labels()),
                Metrics.accuracy(net.forward(test.x()), test.labels()));
    }

    private static double[] train(Module net, Module trained, Tensor x, java.util.function.UnaryOperator<Tensor> lossOf, int steps,
            double lr) {
        Optimizer opt = new Adam(trained.parameters(), lr);
        net.zeroGrad();
        double[] loss = new double[steps + 1];
        for (int i = 0; i < steps; i++) {
            try (Tape tape = Tape.record()) {
                Tensor l = lossOf.apply(net.forward(x));
                loss[i] = l.item();
                tape.backward(l);
            }
            opt.step();
            net.zeroGrad();
        }
        loss[steps] = lossOf.apply(net.forward(x)).item();
        return loss;
    }

    /**
     * Trains on XOR and on Iris with both placements; prints accuracies; writes {@code rbf-iris.png}.
     *
     * @param args {@code [outDir]} (default {@code target/examples})
     * @throws IOException if the picture cannot be written
     */
    public static void main(String[] args) throws IOException {
        Path dir = Plots.outputDir(args);
        Locale l = Locale.ROOT;
        Result x = xor(1);
        System.out.printf(l, "XOR, 2-4-1 RBF network (k-means centres, learned widths), Adam 200 steps: "
                + "loss %.4f -> %.2e, accuracy %.0f %%%n", x.loss()[0], x.loss()[x.loss().length - 1], 100 * x.trainAccuracy());
        Plots.Chart chart = new Plots.Chart("RBF network on Iris (" + IRIS_UNITS + " Gaussian units): training loss",
                "Adam step", "cross-entropy").markers(false).log(false, true);
        for (int c = 0; c < 4; c++) {
            boolean km = c % 2 == 0, all = c < 2;
            Result r = iris(km, all, 1);
            String name = (km ? "k-means centres" : "sampled centres") + (all ? ", all trained" : ", output layer only");
            System.out.printf(l, "Iris, 4-%d-3 RBF network, %s, Adam %d steps: loss %.3f -> %.3f, "
                    + "train accuracy %.1f %%, test accuracy %.1f %% (30 held-out flowers)%n",
                    IRIS_UNITS, name, IRIS_STEPS, r.loss()[0], r.loss()[IRIS_STEPS], 100 * r.trainAccuracy(),
                    100 * r.testAccuracy());
            double[] steps = new double[r.loss().length];
            for (int i = 0; i < steps.length; i++) {
                steps[i] = i;
            }
            chart.series(name, steps, r.loss());
        }
        System.out.println("wrote " + chart.write(dir.resolve("rbf-iris.png")));
    }
}
