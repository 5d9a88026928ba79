package dev.tapegrad.examples;

import dev.tapegrad.Tape;
import dev.tapegrad.Tensor;
import dev.tapegrad.nn.Activation;
import dev.tapegrad.nn.Batch;
import dev.tapegrad.nn.DataLoader;
import dev.tapegrad.nn.Dataset;
import dev.tapegrad.nn.Init;
import dev.tapegrad.nn.Linear;
import dev.tapegrad.nn.Losses;
import dev.tapegrad.nn.Metrics;
import dev.tapegrad.nn.Module;
import dev.tapegrad.nn.Optimizer;
import dev.tapegrad.nn.SGD;
import dev.tapegrad.nn.Sequential;
import dev.tapegrad.nn.data.EmbeddedDatasets;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.knowm.xchart.style.Styler;

/**
 * Vanishing gradients, shown. A 10-layer network (64 inputs, nine hidden layers of 64, 10 outputs;
 * the UCI digits, pixels / 16, cross-entropy) is trained with plain SGD, and the Frobenius norm of
 * each layer's weight gradient is measured at initialisation and after each epoch. With sigmoid
 * units each layer multiplies the back-propagated signal by σ′ ≤ 1/4 times the weights, so the
 * first layers' gradients are orders of magnitude below the last one's and they barely learn;
 * ReLU passes gradients with slope 1 where active, and with He initialisation (variance 2/fan-in,
 * which keeps the signal's scale through ReLU layers) the norms stay within about an order of
 * magnitude from the first layer to the last. Xavier initialisation (variance 2/(fan-in + fan-out))
 * is the one derived for symmetric, unit-slope units; with ReLU it loses half the variance per layer.
 *
 * <p>Run: {@code java -cp examples/target/tapegrad-examples.jar dev.tapegrad.examples.VanishingGradients [outDir]}
 * (writes {@code vanishing-gradients.png}: one panel per case).
 */
public final class VanishingGradients {
    /** Linear layers in each network. */
    public static final int LAYERS = 10;
    /** Width of the hidden layers. */
    public static final int WIDTH = 64;

    private VanishingGradients() {}

    /** The four networks compared. */
    public enum Case {
        /** sigmoid units, Xavier (Glorot) normal weights. */
        SIGMOID_XAVIER("sigmoid, Xavier init", Activation::sigmoid, Init.xavierNormal()),
        /** sigmoid units, He normal weights. */
        SIGMOID_HE("sigmoid, He init", Activation::sigmoid, Init.heNormal()),
        /** ReLU units, Xavier normal weights. */
        RELU_XAVIER("ReLU, Xavier init", Activation::relu, Init.xavierNormal()),
        /** ReLU units, He normal weights. */
        RELU_HE("ReLU, He init", Activation::relu, Init.heNormal());

        final String title;
        final java.util.function.Supplier<Activation> activation;
        final Init init;

        Case(String title, java.util.function.Supplier<Activation> activation, Init init) {
            this.title = title;
            this.activation = activation;
            this.init = init;
        }

        /** A short description, e.g. "sigmoid, Xavier init". */
        public String title() {
            return title;
        }
    }

    /**
     * The measurements of one case.
     *
     * @param norms        {@code norms[k][l]}: gradient norm of layer {@code l} (0 = first) at
     *                     checkpoint k (0 = initialisation, k = after epoch k)
     * @param loss         training loss on the probe batch at each checkpoint
     * @param testAccuracy accuracy on the held-out digits after training
     */
    public record Result(double[][] norms, double[] loss, double testAccuracy) {
        /** First layer's gradient norm divided by the last layer's, at checkpoint k. */
        public double firstOverLast(int k) {
            return norms[k][0] / norms[k][norms[k].length - 1];
        }
    }

    /** The network of a case, with zero biases. */
    public static Module network(Case c, RandomGenerator rng) {
        List<Module> layers = new ArrayList<>();
        for (int l = 0; l < LAYERS; l++) {
            int in = l == 0 ? 64 : WIDTH, out = l == LAYERS - 1 ? 10 : WIDTH;
            layers.add(new Linear(in, out, true, c.init, Init.zeros(), rng));
            if (l < LAYERS - 1) {
                layers.add(c.activation.get());
            }
        }
        return new Sequential(layers.toArray(new Module[0]));
    }

    /** The Frobenius norm of each Linear layer's weight gradient of the loss on (x, labels); leaves grads cleared. */
    static double[] layerNorms(Module net, Tensor x, int[] labels, double[] lossOut) {
        net.zeroGrad();
        try (Tape tape = Tape.record()) {
            Tensor loss = Losses.crossEntropy(net.forward(x), labels);
            lossOut[0] = loss.item();
            tape.backward(loss);
        }
        double[] n = new double[LAYERS];
        int l = 0;
        for (Module m : net.children().values()) {
            if (m instanceof Linear lin) {
                n[l++] = Math.sqrt(lin.weight().grad().square().sum().item());
            }
        }
        net.zeroGrad();
        return n;
    }

    /**
     * Trains a case for {@code epochs} epochs of SGD (batch 32, learning rate 0.1) on 80 % of the
     * digits, measuring the per-layer norms on a fixed probe batch (the first 256 training digits).
     */
    public static Result run(Case c, int epochs, long seed) {
        RandomGenerator rng = RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
        Dataset.Split split = EmbeddedDatasets.digits().split(0.2, 42);
        Dataset train = split.train();
        Module net = network(c, rng);
        Dataset probeSet = train.slice(0, 256);
        Tensor probe = probeSet.x().div(16);
        double[][] norms = new double[epochs + 1][];
        double[] loss = new double[epochs + 1], l = new double[1];
        norms[0] = layerNorms(net, probe, probeSet.labels(), l);
        loss[0] = l[0];
        Optimizer opt = new SGD(net.parameters(), 0.1);
        for (int e = 1; e <= epochs; e++) {
            for (Batch b : DataLoader.of(train, 32, rng)) {
                try (Tape tape = Tape.record()) {
                    tape.backward(Losses.crossEntropy(net.forward(b.x().div(16)), b.labels()));
                }
                opt.step();
                opt.zeroGrad();
            }
            norms[e] = layerNorms(net, probe, probeSet.labels(), l);
            loss[e] = l[0];
        }
        double acc = Metrics.accuracy(net.forward(split.held().x().div(16)), split.held().labels());
        return new Result(norms, loss, acc);
    }

    /**
     * Runs the four cases for 5 epochs, prints the norms and writes {@code vanishing-gradients.png}.
     *
     * @param args {@code [outDir]} (default {@code target/examples})
     * @throws IOException if the picture cannot be written
     */
    public static void main(String[] args) throws IOException {
        Path dir = Plots.outputDir(args);
        Locale loc = Locale.ROOT;
        int epochs = 5;
        double[] layer = new double[LAYERS];
        for (int i = 0; i < LAYERS; i++) {
            layer[i] = i + 1;
        }
        List<BufferedImage> panels = new ArrayList<>();
        for (Case c : Case.values()) {
            Result r = run(c, epochs, 1);
            System.out.printf(loc, "%s: per-layer weight-gradient norms (layer 1 ... %d)%n", c.title(), LAYERS);
            Plots.Chart chart = new Plots.Chart("10 layers, " + c.title(), "layer", "||dL/dW|| (Frobenius)").log(false, true)
                    .legend(c.name().startsWith("SIGMOID") ? Styler.LegendPosition.InsideNW : Styler.LegendPosition.InsideNE);
            for (int k = 0; k <= epochs; k++) {
                StringBuilder sb = new StringBuilder();
                for (double v : r.norms()[k]) {
                    sb.append(String.format(loc, " %8.1e", v));
                }
                System.out.printf(loc, "  %-8s loss %.3f %s   first/last %.1e%n", k == 0 ? "init" : "epoch " + k,
                        r.loss()[k], sb, r.firstOverLast(k));
                if (k == 0 || k == 1 || k == epochs) {
                    chart.series(k == 0 ? "at initialisation" : "after epoch " + k, layer, r.norms()[k]);
                }
            }
            System.out.printf(loc, "  test accuracy after %d epochs: %.1f %%%n", epochs, 100 * r.testAccuracy());
            panels.add(chart.render(600, 400));
        }
        BufferedImage top = Plots.sideBySide(panels.get(0), panels.get(1));
        BufferedImage bottom = Plots.sideBySide(panels.get(2), panels.get(3));
        BufferedImage all = new BufferedImage(top.getWidth(), top.getHeight() + bottom.getHeight(), BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = all.createGraphics();
        g.drawImage(top, 0, 0, null);
        g.drawImage(bottom, 0, top.getHeight(), null);
        g.dispose();
        System.out.println("wrote " + Plots.write(all, dir.resolve("vanishing-gradients.png")));
    }
}
