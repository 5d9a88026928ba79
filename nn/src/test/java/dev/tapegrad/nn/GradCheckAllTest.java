package dev.tapegrad.nn;

import dev.tapegrad.testing.GradCheck;
import dev.tapegrad.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The library's {@link GradCheck} on every activation and every loss of nn, at inputs away from the
 * kinks: full Jacobians against central differences, and second derivatives (the gradient of
 * ⟨∇f, v⟩ through the recorded backward against central differences).
 */
class GradCheckAllTest {

    static final Tensor X = Tensor.of(new double[] {-3.7, -2.4, -1.3, -0.6, -0.15, 0.2, 0.7, 1.4, 2.3, 3.1, -0.35, 0.45}, 3, 4);

    @Test
    void everyActivation() {
        Map<String, Function<Tensor[], Tensor>> fs = new LinkedHashMap<>();
        fs.put("sigmoid", in -> Activations.sigmoid(in[0]));
        fs.put("tanh", in -> Activations.tanh(in[0]));
        fs.put("hardSigmoid", in -> Activations.hardSigmoid(in[0]));
        fs.put("hardSigmoid(1/6)", in -> Activations.hardSigmoid(in[0], 1.0 / 6));
        fs.put("hardTanh", in -> Activations.hardTanh(in[0]));
        fs.put("relu", in -> Activations.relu(in[0]));
        fs.put("leakyRelu", in -> Activations.leakyRelu(in[0], 0.1));
        fs.put("elu", in -> Activations.elu(in[0], 0.8));
        fs.put("softplus", in -> Activations.softplus(in[0]));
        fs.put("silu", in -> Activations.silu(in[0]));
        fs.put("gelu", in -> Activations.gelu(in[0]));
        fs.put("geluTanh", in -> Activations.geluTanh(in[0]));
        fs.put("normalCdf", in -> Activations.normalCdf(in[0]));
        fs.put("softmax", in -> Activations.softmax(in[0], -1));
        fs.put("softmax(axis 0)", in -> Activations.softmax(in[0], 0));
        fs.put("logSoftmax", in -> Activations.logSoftmax(in[0], -1));
        for (Map.Entry<String, Function<Tensor[], Tensor>> e : fs.entrySet()) {
            GradCheck.Result r = GradCheck.check(e.getValue(), X);
            if (!r.passed()) {
                throw new AssertionError(e.getKey() + ":\n" + r);
            }
            // second derivatives (0 on the linear pieces of the piecewise-linear ones, which X avoids the kinks of)
            GradCheck.Result r2 = GradCheck.checkSecondOrder(e.getValue(), X);
            if (!r2.passed()) {
                throw new AssertionError(e.getKey() + " (second order):\n" + r2);
            }
        }
        // PReLU: both the input and the learned slopes, and the mixed second derivative ∂²/∂x∂γ
        GradCheck.assertGradients(in -> Activations.prelu(in[0], in[1]), X, Tensor.vector(0.1, 0.2, 0.3, 0.4));
        GradCheck.assertSecondOrder(in -> Activations.prelu(in[0], in[1]), X, Tensor.vector(0.1, 0.2, 0.3, 0.4));
    }

    @Test
    void everyLoss() {
        Tensor probs = X.sigmoid();
        Tensor bin = Tensor.of(new double[] {0, 1, 1, 0.3, 0, 1, 1, 0, 0.5, 1, 0, 0}, 3, 4);
        Tensor soft = bin.add(0.1).div(bin.add(0.1).sum(1, true));
        int[] labels = {3, 0, 2};
        Map<String, Function<Tensor[], Tensor>> fs = new LinkedHashMap<>();
        fs.put("mse", in -> Losses.mse(in[0], in[1]));
        fs.put("mse(none)", in -> Losses.mse(in[0], in[1], Reduction.NONE));
        fs.put("binaryCrossEntropyWithLogits", in -> Losses.binaryCrossEntropyWithLogits(in[0], in[1]));
        fs.put("binaryCrossEntropyWithLogits(none)", in -> Losses.binaryCrossEntropyWithLogits(in[0], in[1], Reduction.NONE));
        fs.put("crossEntropy(soft targets)", in -> Losses.crossEntropy(in[0], in[1].abs()));
        for (Map.Entry<String, Function<Tensor[], Tensor>> e : fs.entrySet()) {
            Tensor target = e.getKey().startsWith("crossEntropy") ? soft : bin;
            GradCheck.Result r = GradCheck.check(e.getValue(), X, target);
            if (!r.passed()) {
                throw new AssertionError(e.getKey() + ":\n" + r);
            }
            GradCheck.Result r2 = GradCheck.checkSecondOrder(e.getValue(), X, target);
            if (!r2.passed()) {
                throw new AssertionError(e.getKey() + " (second order):\n" + r2);
            }
        }
        GradCheck.assertGradients(in -> Losses.binaryCrossEntropy(in[0], in[1]), probs, bin);
        GradCheck.assertGradients(in -> Losses.binaryCrossEntropy(in[0], bin, 1e-12, Reduction.SUM), probs);
        GradCheck.assertGradients(in -> Losses.crossEntropy(in[0], labels), X);
        GradCheck.assertGradients(in -> Losses.crossEntropy(in[0], labels, Reduction.NONE, 0.1), X);
        GradCheck.assertSecondOrder(in -> Losses.binaryCrossEntropy(in[0], in[1]), probs, bin);
        GradCheck.assertSecondOrder(in -> Losses.binaryCrossEntropy(in[0], bin, 1e-12, Reduction.SUM), probs);
        GradCheck.assertSecondOrder(in -> Losses.crossEntropy(in[0], labels), X);
        GradCheck.assertSecondOrder(in -> Losses.crossEntropy(in[0], labels, Reduction.NONE, 0.1), X);
    }
}
