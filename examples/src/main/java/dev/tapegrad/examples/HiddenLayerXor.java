package dev.tapegrad.examples;

import dev.tapegrad.Tape;
import dev.tapegrad.Tensor;
import java.util.Locale;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * What the perceptron cannot do, a hidden layer can: a 2-2-1 sigmoid network trained by
 * back-propagation (the tape's gradients, full-batch gradient descent on the mean squared error)
 * solves XOR (Rumelhart, Hinton and Williams 1986). Weights start from U(−1, 1); a few starts end
 * in a local minimum, which {@link #main} counts over 20 seeds.
 *
 * <p>Run: {@code java -cp examples/target/tapegrad-examples.jar dev.tapegrad.examples.HiddenLayerXor}
 */
public final class HiddenLayerXor {
    /** The seed of the run shown. */
    public static final long DEFAULT_SEED = 1;
    /** Number of full-batch epochs. */
    public static final int EPOCHS = 4000;
    /** Learning rate. */
    public static final double LEARNING_RATE = 2.0;

    static final Tensor X = McCullochPitts.truthInputs(2);
    static final Tensor Y = Tensor.of(new double[] {0, 1, 1, 0}, 4, 1);

    private HiddenLayerXor() {}

    /**
     * One training run.
     *
     * @param seed    seed of the initial weights
     * @param loss    mean squared error before training ({@code loss[0]}) and after each epoch
     * @param outputs the trained network's outputs on (0,0), (0,1), (1,0), (1,1)
     */
    public record Run(long seed, double[] loss, double[] outputs) {
        /** Whether every output is on the right side of 0.5. */
        public boolean solved() {
            for (int i = 0; i < 4; i++) {
                if ((outputs[i] > 0.5) != (Y.get(i, 0) > 0.5)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** Trains from {@code seed} for {@code epochs} epochs. */
    public static Run train(long seed, int epochs) {
        RandomGenerator rng = RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
        Tensor w1 = Tensor.rand(rng, 2, 2).mul(2).sub(1).requiresGrad(true);
        Tensor b1 = Tensor.rand(rng, 2).mul(2).sub(1).requiresGrad(true);
        Tensor w2 = Tensor.rand(rng, 2, 1).mul(2).sub(1).requiresGrad(true);
        Tensor b2 = Tensor.rand(rng, 1).mul(2).sub(1).requiresGrad(true);
        Tensor[] params = {w1, b1, w2, b2};
        double[] loss = new double[epochs + 1];
        for (int e = 0; e <= epochs; e++) {
            Tensor[] g;
            try (Tape tape = Tape.record()) {
                Tensor out = X.matmul(w1).add(b1).sigmoid().matmul(w2).add(b2).sigmoid();
                Tensor l = out.sub(Y).square().mean();
                loss[e] = l.item();
                if (e == epochs) {
                    break;
                }
                g = tape.gradient(l, params);
            }
            for (int i = 0; i < params.length; i++) {      // w ← w − η ∂L/∂w, in place on the leaves
                double[] v = params[i].leafValues(), d = g[i].toArray();
                for (int j = 0; j < v.length; j++) {
                    v[j] -= LEARNING_RATE * d[j];
                }
            }
        }
        Tensor out = X.matmul(w1).add(b1).sigmoid().matmul(w2).add(b2).sigmoid();
        return new Run(seed, loss, out.toArray());
    }

    static void report(Run r) {
        double[] o = r.outputs();
        System.out.printf(Locale.ROOT, "2-2-1 sigmoid network, back-propagation, eta = %.1f, %d epochs, seed %d:%n",
                LEARNING_RATE, EPOCHS, r.seed());
        System.out.printf(Locale.ROOT, "  loss %.4f -> %.6f; outputs %.3f %.3f %.3f %.3f (targets 0 1 1 0): %s%n",
                r.loss()[0], r.loss()[r.loss().length - 1], o[0], o[1], o[2], o[3], r.solved() ? "solved" : "not solved");
    }

    /**
     * Trains the seed shown and counts the seeds 0..19 that solve XOR.
     *
     * @param args unused
     */
    public static void main(String[] args) {
        report(train(DEFAULT_SEED, EPOCHS));
        int solved = 0;
        for (long s = 0; s < 20; s++) {
            solved += train(s, EPOCHS).solved() ? 1 : 0;
        }
        System.out.printf(Locale.ROOT, "  seeds 0..19: %d of 20 solve XOR (the rest stop in a local minimum)%n", solved);
    }
}
