package dev.tapegrad.examples;

import dev.tapegrad.Tape;
import dev.tapegrad.Tensor;
import dev.tapegrad.nn.Activation;
import dev.tapegrad.nn.Init;
import dev.tapegrad.nn.Linear;
import dev.tapegrad.nn.Losses;
import dev.tapegrad.nn.Module;
import dev.tapegrad.nn.Optimizer;
import dev.tapegrad.nn.Reduction;
import dev.tapegrad.nn.SGD;
import dev.tapegrad.nn.Sequential;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * REFERENCES R2: a 2-4-1 sigmoid network trained with binary cross-entropy on
 * x = [[0,0],[0,1],[1,0],[1,1]], y = [0, 0.85, 1, 0]. Weights drawn from N(0, 1), biases 0;
 * full-batch gradient descent with η = 0.1 for 5,000 epochs on the gradient of the <em>summed</em>
 * loss; the reported loss is the mean BCE with probabilities clipped to [1e−15, 1 − 1e−15].
 * Published: the loss falls to about 0.108 (the floor, the entropy of the targets, is 0.105677).
 *
 * <p>Run (from the repository root, after {@code mvn -q -pl examples -am package -DskipTests}):
 * {@code java -cp examples/target/classes:nn/target/classes:autodiff-core/target/classes:$HOME/.m2/repository/com/google/code/gson/gson/2.11.0/gson-2.11.0.jar dev.tapegrad.examples.XorBce241 [seed [curve.csv]]}
 */
public final class XorBce241 {
    static final Tensor X = Tensor.matrix(new double[][] {{0, 0}, {0, 1}, {1, 0}, {1, 1}});
    static final Tensor Y = Tensor.matrix(new double[][] {{0}, {0.85}, {1}, {0}});
    static final double CLIP = 1e-15;
    /** Number of epochs of the published run. */
    public static final int EPOCHS = 5000;
    /** Learning rate of the published run. */
    public static final double LEARNING_RATE = 0.1;

    /**
     * The result of one training run.
     *
     * @param seed    the seed of the initial weights
     * @param loss    mean loss after each epoch, {@code loss[0]} before training
     * @param outputs the trained network's four outputs
     */
    public record Run(long seed, double[] loss, double[] outputs) {
        /** Mean BCE after the last epoch. */
        public double finalLoss() {
            return loss[loss.length - 1];
        }
    }

    private XorBce241() {}

    /** The 2-4-1 network with N(0, 1) weights and zero biases drawn from {@code rng}. */
    static Module network(RandomGenerator rng) {
        return new Sequential(
                new Linear(2, 4, true, Init.normal(0, 1), Init.zeros(), rng), Activation.sigmoid(),
                new Linear(4, 1, true, Init.normal(0, 1), Init.zeros(), rng), Activation.sigmoid());
    }

    /** Mean BCE of the clipped probabilities. */
    static double meanLoss(Module model) {
        return Losses.binaryCrossEntropy(model.forward(X), Y, CLIP, Reduction.MEAN).item();
    }

    /**
     * Trains from the given seed; {@code loss[e]} is the mean loss after e epochs (loss[0] before
     * training).
     */
    public static Run train(long seed, int epochs) {
        Module model = network(RandomGeneratorFactory.of("L64X128MixRandom").create(seed));
        Optimizer sgd = new SGD(model.parameters(), LEARNING_RATE);
        double[] loss = new double[epochs + 1];
        loss[0] = meanLoss(model);
        for (int e = 1; e <= epochs; e++) {
            try (Tape tape = Tape.record()) {
                Tensor summed = Losses.binaryCrossEntropy(model.forward(X), Y, CLIP, Reduction.SUM);
                tape.backward(summed);
            }
            sgd.step();
            sgd.zeroGrad();
            loss[e] = meanLoss(model);
        }
        return new Run(seed, loss, model.forward(X).toArray());
    }

    /**
     * Prints the loss curve (every 250 epochs, with a bar) and the final outputs; with a second
     * argument, also writes the whole curve as CSV (epoch,loss) to that file.
     *
     * @param args {@code [seed [curve.csv]]}
     * @throws IOException if the CSV file cannot be written
     */
    public static void main(String[] args) throws IOException {
        long seed = args.length > 0 ? Long.parseLong(args[0]) : 42;
        Run run = train(seed, EPOCHS);
        if (args.length > 1) {
            StringBuilder csv = new StringBuilder("epoch,loss\n");
            for (int e = 0; e <= EPOCHS; e++) {
                csv.append(e).append(',').append(run.loss()[e]).append('\n');
            }
            Files.writeString(Path.of(args[1]), csv);
        }
        Locale l = Locale.ROOT;
        System.out.printf(l, "2-4-1 sigmoid network, mean BCE, eta = %.1f on the summed loss, seed %d (REFERENCES R2)%n",
                LEARNING_RATE, seed);
        double top = run.loss()[0];
        for (int e = 0; e <= EPOCHS; e += 250) {
            int bar = (int) Math.round(50 * run.loss()[e] / top);
            System.out.printf(l, "epoch %5d  loss %.6f  %s%n", e, run.loss()[e], "#".repeat(Math.max(0, bar)));
        }
        double[] o = run.outputs();
        System.out.printf(l, "final loss %.6f (published about 0.108; floor 0.105677)%n", run.finalLoss());
        System.out.printf(l, "outputs %.4f %.4f %.4f %.4f   targets 0 0.85 1 0%n", o[0], o[1], o[2], o[3]);
    }
}
