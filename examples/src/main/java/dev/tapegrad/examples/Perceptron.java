package dev.tapegrad.examples;

import dev.tapegrad.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Rosenblatt's perceptron learning rule (1958): a threshold unit {@code y = step(w·x + b)} and,
 * after each sample, {@code w ← w + η(t − y)x}, {@code b ← b + η(t − y)}. The perceptron
 * convergence theorem says it stops making mistakes after finitely many updates on linearly
 * separable data — AND, OR, NOT — and on XOR, which no line separates, it never does (Minsky and
 * Papert 1969). The mistakes of every epoch are counted and printed. A hidden layer trained by
 * back-propagation ({@link HiddenLayerXor}) solves XOR. Plain Tensor arithmetic, no tape.
 *
 * <p>Run: {@code java -cp examples/target/tapegrad-examples.jar dev.tapegrad.examples.Perceptron [outDir]}
 * (writes {@code perceptron.png}: mistakes per epoch, and the 2-2-1 network's loss).
 */
public final class Perceptron {
    private Perceptron() {}

    /**
     * The outcome of training.
     *
     * @param mistakes misclassified samples in each epoch (a sample counts when the unit's output,
     *                 before its update, differs from the target)
     * @param weights  the final weights
     * @param bias     the final bias
     */
    public record Run(int[] mistakes, double[] weights, double bias) {
        /** The first epoch (1-based) with no mistake, or −1 if there was none. */
        public int convergedAt() {
            for (int e = 0; e < mistakes.length; e++) {
                if (mistakes[e] == 0) {
                    return e + 1;
                }
            }
            return -1;
        }
    }

    /**
     * Trains from zero weights, presenting the samples in order, for {@code epochs} epochs (it keeps
     * going after convergence, so a converged run shows zeros).
     *
     * @param x       {@code [n, d]} inputs
     * @param targets {@code n} targets, 0 or 1
     * @param eta     learning rate, positive
     * @param epochs  number of passes
     * @throws IllegalArgumentException if the sizes disagree or a target is not 0 or 1
     */
    public static Run train(Tensor x, double[] targets, double eta, int epochs) {
        if (x.rank() != 2 || x.shape(0) != targets.length) {
            throw new IllegalArgumentException("Perceptron.train: inputs of shape " + Arrays.toString(x.shape())
                    + " and " + targets.length + " targets");
        }
        for (double t : targets) {
            if (t != 0 && t != 1) {
                throw new IllegalArgumentException("Perceptron.train: target " + t + " is not 0 or 1");
            }
        }
        if (!(eta > 0) || epochs < 1) {
            throw new IllegalArgumentException("Perceptron.train: eta " + eta + " and epochs " + epochs + " must be positive");
        }
        int n = x.shape(0), d = x.shape(1);
        Tensor w = Tensor.zeros(d);
        double b = 0;
        int[] mistakes = new int[epochs];
        for (int e = 0; e < epochs; e++) {
            for (int i = 0; i < n; i++) {
                Tensor xi = x.slice(0, i, i + 1).reshape(d);
                double y = xi.mul(w).sum().item() + b >= 0 ? 1 : 0;
                double err = targets[i] - y;
                if (err != 0) {
                    mistakes[e]++;
                    w = w.add(xi.mul(eta * err));
                    b += eta * err;
                }
            }
        }
        return new Run(mistakes, w.toArray(), b);
    }

    /** The four data sets: AND, OR, NOT (one input) and XOR, each with its targets. */
    public static Map<String, Object[]> problems() {
        Map<String, Object[]> p = new LinkedHashMap<>();
        Tensor two = McCullochPitts.truthInputs(2);
        p.put("AND", new Object[] {two, new double[] {0, 0, 0, 1}});
        p.put("OR", new Object[] {two, new double[] {0, 1, 1, 1}});
        p.put("NOT", new Object[] {McCullochPitts.truthInputs(1), new double[] {1, 0}});
        p.put("XOR", new Object[] {two, new double[] {0, 1, 1, 0}});
        return p;
    }

    /**
     * Trains on each problem for 30 epochs, prints the mistakes per epoch, then trains the 2-2-1
     * network on XOR; writes {@code perceptron.png}.
     *
     * @param args {@code [outDir]} (default {@code target/examples})
     * @throws IOException if the picture cannot be written
     */
    public static void main(String[] args) throws IOException {
        Path dir = Plots.outputDir(args);
        int epochs = 30;
        double[] ep = new double[epochs];
        for (int e = 0; e < epochs; e++) {
            ep[e] = e + 1;
        }
        Plots.Chart chart = new Plots.Chart("Perceptron rule: mistakes per epoch", "epoch", "mistakes");
        System.out.println("Rosenblatt's perceptron rule, eta = 1, zero initial weights; mistakes per epoch:");
        for (Map.Entry<String, Object[]> e : problems().entrySet()) {
            Run r = train((Tensor) e.getValue()[0], (double[]) e.getValue()[1], 1.0, epochs);
            System.out.printf(Locale.ROOT, "%-4s %s  %s%n", e.getKey(), Arrays.toString(r.mistakes()),
                    r.convergedAt() > 0 ? "converged in epoch " + r.convergedAt() + ", w = "
                            + Arrays.toString(r.weights()) + ", b = " + r.bias() : "never converges");
            double[] m = new double[epochs];
            for (int i = 0; i < epochs; i++) {
                m[i] = r.mistakes()[i];
            }
            chart.series(e.getKey(), ep, m);
        }
        HiddenLayerXor.Run xor = HiddenLayerXor.train(HiddenLayerXor.DEFAULT_SEED, HiddenLayerXor.EPOCHS);
        System.out.println();
        HiddenLayerXor.report(xor);
        double[] steps = new double[xor.loss().length];
        for (int i = 0; i < steps.length; i++) {
            steps[i] = i;
        }
        var right = new Plots.Chart("2-2-1 sigmoid network on XOR (back-propagation)", "epoch", "mean squared error")
                .markers(false).series("loss", steps, xor.loss()).render(720, 480);
        Path out = Plots.write(Plots.sideBySide(chart.render(720, 480), right), dir.resolve("perceptron.png"));
        System.out.println("wrote " + out);
    }
}
