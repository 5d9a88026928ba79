package dev.tapegrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.tapegrad.Tape;
import dev.tapegrad.Tensor;
import java.util.List;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.junit.jupiter.api.Test;

/**
 * REFERENCES R3: the tape's gradients of a sigmoid network with quadratic cost agree on every
 * layer with Nielsen's four backpropagation equations, evaluated here with plain double loops:
 * BP1 δᴸ = (aᴸ − y) ⊙ σ'(zᴸ); BP2 δˡ = ((wˡ⁺¹)ᵀδˡ⁺¹) ⊙ σ'(zˡ); BP3 ∂C/∂bˡ = δˡ;
 * BP4 ∂C/∂wˡⱼₖ = aˡ⁻¹ₖ δˡⱼ (summed over the samples of a batch). Tapegrad stores W as [in, out],
 * so ∂C/∂W[k][j] = aₖ δⱼ.
 */
class BackpropEquationsTest {

    @Test
    void tapeGradientsEqualBp1ToBp4OnEveryLayer() {
        RandomGenerator rng = RandomGeneratorFactory.of("L64X128MixRandom").create(17);
        int[] sizes = {4, 5, 3, 2};
        Linear[] layers = new Linear[3];
        for (int l = 0; l < 3; l++) {
            layers[l] = new Linear(sizes[l], sizes[l + 1], true, Init.normal(0, 1), Init.normal(0, 1), rng);
        }
        Module net = new Sequential(layers[0], Activation.sigmoid(), layers[1], Activation.sigmoid(), layers[2], Activation.sigmoid());
        int batch = 3;
        double[][] x = new double[batch][4];
        double[][] y = new double[batch][2];
        for (int s = 0; s < batch; s++) {
            for (int k = 0; k < 4; k++) {
                x[s][k] = rng.nextDouble() * 2 - 1;
            }
            y[s][s % 2] = 1;
        }
        try (Tape tape = Tape.record()) {
            Tensor out = net.forward(Tensor.matrix(x));
            tape.backward(Losses.mse(out, Tensor.matrix(y), Reduction.SUM).mul(0.5));  // C = ½ Σ ‖a − y‖²
        }
        // the same gradients by BP1–BP4
        double[][][] gw = new double[3][][];
        double[][] gb = new double[3][];
        for (int l = 0; l < 3; l++) {
            gw[l] = new double[sizes[l]][sizes[l + 1]];
            gb[l] = new double[sizes[l + 1]];
        }
        for (int s = 0; s < batch; s++) {
            double[][] a = new double[4][];
            double[][] z = new double[4][];
            a[0] = x[s];
            for (int l = 0; l < 3; l++) {
                double[] w = layers[l].weight().toArray(), b = layers[l].bias().toArray();
                int in = sizes[l], out = sizes[l + 1];
                z[l + 1] = new double[out];
                a[l + 1] = new double[out];
                for (int j = 0; j < out; j++) {
                    double sum = b[j];
                    for (int k = 0; k < in; k++) {
                        sum += a[l][k] * w[k * out + j];
                    }
                    z[l + 1][j] = sum;
                    a[l + 1][j] = 1 / (1 + Math.exp(-sum));
                }
            }
            double[] delta = new double[2];
            for (int j = 0; j < 2; j++) {   // BP1
                delta[j] = (a[3][j] - y[s][j]) * a[3][j] * (1 - a[3][j]);
            }
            for (int l = 2; l >= 0; l--) {
                int in = sizes[l], out = sizes[l + 1];
                for (int j = 0; j < out; j++) {
                    gb[l][j] += delta[j];                               // BP3
                    for (int k = 0; k < in; k++) {
                        gw[l][k][j] += a[l][k] * delta[j];              // BP4
                    }
                }
                if (l > 0) {                                            // BP2
                    double[] w = layers[l].weight().toArray();
                    double[] prev = new double[in];
                    for (int k = 0; k < in; k++) {
                        double sum = 0;
                        for (int j = 0; j < out; j++) {
                            sum += w[k * out + j] * delta[j];
                        }
                        prev[k] = sum * a[l][k] * (1 - a[l][k]);
                    }
                    delta = prev;
                }
            }
        }
        List<Tensor> params = net.parameters();
        for (int l = 0; l < 3; l++) {
            double[] flat = new double[sizes[l] * sizes[l + 1]];
            for (int k = 0; k < sizes[l]; k++) {
                System.arraycopy(gw[l][k], 0, flat, k * sizes[l + 1], sizes[l + 1]);
            }
            assertArrayEquals(flat, params.get(2 * l).grad().toArray(), 1e-14, "dC/dW of layer " + (l + 1));
            assertArrayEquals(gb[l], params.get(2 * l + 1).grad().toArray(), 1e-14, "dC/db of layer " + (l + 1));
        }
    }
}
