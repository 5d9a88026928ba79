package dev.tapegrad.examples;

import dev.tapegrad.Tape;
import dev.tapegrad.Tensor;
import dev.tapegrad.nn.Linear;
import dev.tapegrad.nn.Losses;
import dev.tapegrad.nn.Optimizer;
import dev.tapegrad.nn.Reduction;
import dev.tapegrad.nn.SGD;
import java.util.List;
import java.util.Locale;

/**
 * Matt Mazur's "A Step by Step Backpropagation Example" (2015), REFERENCES R1: a 2-2-2 network
 * with sigmoid hidden and output layers, squared error E = ½Σ(target − out)², learning rate 0.5,
 * untrained biases 0.35 and 0.60.
 *
 * <p>It reproduces the post's forward pass, its gradients and its eight updated weights, and
 * both update orders:
 * <ul>
 *   <li><b>True gradient descent</b> (what a tape gives: every gradient from the same weights):
 *       0.291027774 after one step, 3.51019e-5 after 10,000, outputs [0.01591362, 0.98406427].</li>
 *   <li><b>Layer by layer</b> (the post's figures): the output weights w5…w8 are updated first and
 *       the hidden layer's gradient is then propagated through the <em>updated</em> w5…w8:
 *       0.291027924 after one step, 3.50848e-5 after 10,000, outputs [0.015912196, 0.984065734].</li>
 * </ul>
 * The post's text says the original weights are used for the hidden layer, and its updated
 * w1…w4 indeed are the true-gradient ones; only the printed errors come from the other order.
 *
 * <p>Run (from the repository root, after {@code mvn -q -pl examples -am package -DskipTests}):
 * {@code java -cp examples/target/classes:nn/target/classes:autodiff-core/target/classes:$HOME/.m2/repository/com/google/code/gson/gson/2.11.0/gson-2.11.0.jar dev.tapegrad.examples.MazurNetwork}
 */
public final class MazurNetwork {
    /** Inputs i1, i2 (one sample, a row). */
    static final Tensor INPUT = Tensor.matrix(new double[][] {{0.05, 0.10}});
    /** Targets for o1, o2. */
    static final Tensor TARGET = Tensor.matrix(new double[][] {{0.01, 0.99}});
    static final double B1 = 0.35;
    static final double B2 = 0.60;
    static final double LEARNING_RATE = 0.5;

    /** Input → hidden, weight [in, out]: column j feeds hidden unit j, so [[w1, w3], [w2, w4]]. */
    private final Linear hidden = new Linear(Tensor.matrix(new double[][] {{0.15, 0.25}, {0.20, 0.30}}), null);
    /** Hidden → output: [[w5, w7], [w6, w8]]. */
    private final Linear output = new Linear(Tensor.matrix(new double[][] {{0.40, 0.50}, {0.45, 0.55}}), null);
    private final Optimizer hiddenSgd = new SGD(hidden.parameters(), LEARNING_RATE);
    private final Optimizer outputSgd = new SGD(output.parameters(), LEARNING_RATE);

    /** A network with the post's initial weights. */
    public MazurNetwork() {
    }

    /** out_h = σ(i·W1 + b1). */
    Tensor hiddenOut() {
        return hidden.forward(INPUT).add(B1).sigmoid();
    }

    /** net_o = out_h·W2 + b2 (before the output sigmoid). */
    Tensor outputNet() {
        return output.forward(hiddenOut()).add(B2);
    }

    /** [out_o1, out_o2]. */
    public double[] outputs() {
        return outputNet().sigmoid().toArray();
    }

    /** E = ½Σ(target − out)², recorded when a tape is open. */
    Tensor errorTensor() {
        return Losses.mse(outputNet().sigmoid(), TARGET, Reduction.SUM).mul(0.5);
    }

    /** The total error E at the current weights. */
    public double error() {
        return errorTensor().item();
    }

    /** The weights in the post's numbering, w1 … w8. */
    public double[] weights() {
        double[] a = hidden.weight().toArray(), b = output.weight().toArray();
        // [[w1, w3], [w2, w4]] row-major is w1, w3, w2, w4
        return new double[] {a[0], a[2], a[1], a[3], b[0], b[2], b[1], b[3]};
    }

    /** ∂E/∂w1 … ∂E/∂w8 at the current weights, by one replay of the tape. */
    public double[] gradients() {
        try (Tape tape = Tape.record()) {
            Tensor[] g = tape.gradient(errorTensor(), hidden.weight(), output.weight());
            double[] a = g[0].toArray(), b = g[1].toArray();
            return new double[] {a[0], a[2], a[1], a[3], b[0], b[2], b[1], b[3]};
        }
    }

    /** One step of true gradient descent: all gradients from the same weights, then both updates. */
    public void stepTrueGradient() {
        try (Tape tape = Tape.record()) {
            tape.backward(errorTensor());
        }
        outputSgd.step();
        hiddenSgd.step();
        zeroGrads();
    }

    /**
     * One step in the post's order: δ_o = ∂E/∂net_o from the current weights; update w5…w8 with
     * out_hᵀ·δ_o; then propagate the same δ_o through the updated w5…w8 to get the hidden layer's
     * gradient, and update w1…w4. Backpropagating a fixed δ_o is the gradient of ⟨net_o, δ_o⟩.
     */
    public void stepLayerByLayer() {
        Tensor deltaO;
        try (Tape tape = Tape.record()) {
            Tensor net = outputNet();
            Tensor e = Losses.mse(net.sigmoid(), TARGET, Reduction.SUM).mul(0.5);
            deltaO = tape.gradient(e, net)[0];
        }
        try (Tape tape = Tape.record()) {
            tape.backward(outputNet().mul(deltaO).sum());
        }
        outputSgd.step();
        zeroGrads();
        try (Tape tape = Tape.record()) {
            tape.backward(outputNet().mul(deltaO).sum());  // now through the updated w5…w8
        }
        hiddenSgd.step();
        zeroGrads();
    }

    private void zeroGrads() {
        hidden.zeroGrad();
        output.zeroGrad();
    }

    /** Prints the walk-through and both update orders. */
    public static void main(String[] args) {
        MazurNetwork net = new MazurNetwork();
        Locale l = Locale.ROOT;
        double[] h = net.hiddenOut().toArray();
        double[] o = net.outputs();
        System.out.println("Mazur's 2-2-2 network (REFERENCES R1), learning rate 0.5");
        System.out.printf(l, "forward:  out_h1 = %.9f  out_h2 = %.9f  out_o1 = %.9f  out_o2 = %.9f%n", h[0], h[1], o[0], o[1]);
        System.out.printf(l, "          E_total = %.9f   (published 0.298371109)%n", net.error());
        double[] g = net.gradients();
        System.out.printf(l, "gradient: dE/dw5 = %.9f (published 0.082167041)   dE/dw1 = %.9f (published 0.000438568)%n", g[4], g[0]);
        MazurNetwork once = new MazurNetwork();
        once.stepTrueGradient();
        double[] w = once.weights();
        System.out.printf(l, "after one step (true gradient descent):%n  w1..w4 = %.9f %.9f %.9f %.9f%n  w5..w8 = %.9f %.9f %.9f %.9f%n",
                w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]);
        for (boolean layerByLayer : new boolean[] {false, true}) {
            MazurNetwork m = new MazurNetwork();
            m.step(layerByLayer);
            double e1 = m.error();
            for (int i = 1; i < 10_000; i++) {
                m.step(layerByLayer);
            }
            double[] out = m.outputs();
            System.out.printf(l, "%-26s E after 1 step = %.9f   after 10,000 = %.6g   outputs [%.9f, %.9f]%n",
                    layerByLayer ? "layer by layer (post):" : "true gradient descent:", e1, m.error(), out[0], out[1]);
        }
        System.out.println("The post's errors (0.291027924, 3.50848e-5) come from updating w5..w8 first and then");
        System.out.println("backpropagating through the updated w5..w8; a tape computes every gradient from the same");
        System.out.println("weights (0.291027774, 3.51019e-5). The post's updated weights w1..w8 are the true-gradient ones.");
    }

    /** One step in either order. */
    public void step(boolean layerByLayer) {
        if (layerByLayer) {
            stepLayerByLayer();
        } else {
            stepTrueGradient();
        }
    }
}
