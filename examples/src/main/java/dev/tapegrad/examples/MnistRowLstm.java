package dev.tapegrad.examples;

import dev.tapegrad.nn.Adam;
import dev.tapegrad.nn.Dataset;
import dev.tapegrad.nn.History;
import dev.tapegrad.nn.LSTM;
import dev.tapegrad.nn.LearningRateSchedule;
import dev.tapegrad.nn.Linear;
import dev.tapegrad.nn.Losses;
import dev.tapegrad.nn.Module;
import dev.tapegrad.nn.Optimizer;
import dev.tapegrad.nn.Recurrent;
import dev.tapegrad.nn.Sequential;
import dev.tapegrad.nn.Trainer;
import dev.tapegrad.nn.TrainingCallback;
import dev.tapegrad.nn.data.DataFileException;
import dev.tapegrad.nn.data.IdxReader;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * An LSTM that reads an image row by row (the "row-wise sequential MNIST" of Le, Jaitly and
 * Hinton, 2015, and many after): each of the R rows of C pixels is one time step of C features,
 * and a linear layer classifies the last hidden state. Trained with Adam, a cosine learning-rate
 * schedule and gradient clipping by the {@link Trainer}; the reported accuracy is that of the last
 * epoch on the test files (the test set is never used to choose anything).
 *
 * <p>Run on the MNIST 10k files (from the repository root, after {@code mvn -B -q -o package -DskipTests}):
 * {@code java -cp examples/target/classes:nn/target/classes:autodiff-core/target/classes
 * dev.tapegrad.examples.MnistRowLstm [DIR [hidden [epochs [batch]]]]} (defaults
 * {@code ../shared/data/mnist-10k}, 128, 12, 64).
 */
public final class MnistRowLstm {

    private MnistRowLstm() {}

    /**
     * Settings of a run.
     *
     * @param hidden       LSTM hidden units
     * @param epochs       passes over the training set
     * @param batch        images per step
     * @param learningRate Adam's initial rate (cosine-annealed to 1 % of it)
     * @param seed         seed of the weights and the batch order
     */
    public record Config(int hidden, int epochs, int batch, double learningRate, long seed) {
    }

    /**
     * The outcome.
     *
     * @param history      the trainer's per-epoch figures (training loss, accuracy, seconds)
     * @param testAccuracy accuracy on the test set after the last epoch
     * @param testByEpoch  test accuracy after each epoch (reported only, never used to choose)
     */
    public record Result(History history, double testAccuracy, double[] testByEpoch) {
    }

    /** Rows as time steps: [N, R·C] to [N, R, C], an LSTM, its last state, a linear classifier. */
    static Module model(int rows, int cols, int hidden, int classes, RandomGenerator rng) {
        return new Sequential(
                Module.of("rows", x -> x.reshape(-1, rows, cols)),
                new LSTM(cols, hidden, rng),
                Recurrent.lastStep(),
                new Linear(hidden, classes, rng));
    }

    /**
     * Trains and tests.
     *
     * @param train    training images, sample shape [R, C]
     * @param test     test images of the same shape
     * @param c        the settings
     * @param progress one line per epoch (null for none)
     * @return the history and the test accuracy
     */
    public static Result run(Dataset train, Dataset test, Config c, PrintStream progress) {
        int[] shape = train.sampleShape();
        if (shape.length != 2 || !Arrays.equals(shape, test.sampleShape())) {
            throw new IllegalArgumentException("MnistRowLstm: samples of shape " + Arrays.toString(shape) + " and "
                    + Arrays.toString(test.sampleShape()) + " must both be [rows, cols]");
        }
        RandomGenerator rng = RandomGeneratorFactory.of("L64X128MixRandom").create(c.seed());
        Module model = model(shape[0], shape[1], c.hidden(), train.classCount(), rng);
        Optimizer opt = new Adam(model.parameters(), c.learningRate()).clipGradNorm(5.0);
        double[] byEpoch = new double[c.epochs()];
        TrainingCallback testEach = new TrainingCallback() {
            @Override
            public void onEpochEnd(History.Epoch e, History h) {
                byEpoch[e.epoch() - 1] = Trainer.evaluate(model, Losses::crossEntropy, test).accuracy();
                if (progress != null) {
                    progress.printf(Locale.ROOT, "  test accuracy after epoch %d: %.2f%%%n", e.epoch(), 100 * byEpoch[e.epoch() - 1]);
                }
            }
        };
        History h = Trainer.builder(model, opt, Losses::crossEntropy)
                .epochs(c.epochs()).batchSize(c.batch()).seed(c.seed()).restoreBest(false)
                .schedule(LearningRateSchedule.cosine(c.learningRate(), c.epochs(), c.learningRate() / 100))
                .callback(testEach).progress(progress)
                .build().fit(train);
        double acc = Trainer.evaluate(model, Losses::crossEntropy, test).accuracy();
        return new Result(h, acc, byEpoch);
    }

    /**
     * Runs on the IDX files of a directory.
     *
     * @param args {@code [DIR [hidden [epochs [batch]]]]}
     * @throws DataFileException if the files are missing or corrupt
     */
    public static void main(String[] args) throws DataFileException {
        Path dir = Path.of(args.length > 0 ? args[0] : "../shared/data/mnist-10k");
        int hidden = args.length > 1 ? Integer.parseInt(args[1]) : 128;
        int epochs = args.length > 2 ? Integer.parseInt(args[2]) : 12;
        int batch = args.length > 3 ? Integer.parseInt(args[3]) : 64;
        Dataset train = IdxReader.readDataset(dir, "train");
        Dataset test = IdxReader.readDataset(dir, "t10k");
        System.out.printf(Locale.ROOT, "row-by-row LSTM(%d, %d) on %s: %d training and %d test images%n",
                train.sampleShape()[1], hidden, dir, train.size(), test.size());
        Result r = run(train, test, new Config(hidden, epochs, batch, 2e-3, 1), System.out);
        double mean = Arrays.stream(r.history().seconds()).average().orElse(Double.NaN);
        System.out.printf(Locale.ROOT, "test accuracy %.2f%% after %d epochs; %.1f s per epoch on average%n",
                100 * r.testAccuracy(), r.history().epochs(), mean);
    }
}
