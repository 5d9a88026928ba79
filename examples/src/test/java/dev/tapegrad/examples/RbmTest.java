package dev.tapegrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapegrad.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CD-1 lowers the reconstruction error on the digits and raises the exact likelihood of a tiny RBM's data. */
class RbmTest {
    private static RandomGenerator rng(long seed) {
        return RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
    }

    @Test
    void reconstructionErrorFallsOnTheBinarisedDigits(@TempDir Path dir) throws Exception {
        Tensor data = Rbm.binaryDigits();
        assertEquals(64, data.shape(1));
        double mean = data.mean().item();
        assertTrue(mean > 0.2 && mean < 0.6, "binarised at the middle grey: " + mean);
        RandomGenerator r = rng(5);
        Rbm rbm = new Rbm(data, 64, r);
        double before = rbm.reconstructionError(data);
        double[] err = rbm.train(data, 6, 20, 0.1, r);
        assertEquals(before, err[0], 0);
        for (int e = 3; e <= 6; e++) {
            assertTrue(err[e] < err[e - 1], "epoch " + e + ": " + err[e] + " after " + err[e - 1]);
        }
        assertTrue(err[6] < 0.75 * err[1], "error " + err[1] + " -> " + err[6]);
        assertTrue(rbm.reconstructionError(data) < 0.75 * before);
        assertTrue(Files.size(rbm.writePicture(data, r, dir.resolve("rbm.png"))) > 1000);
    }

    /** log p(v) of each row, exactly, with Z by enumerating every visible state (tiny machines only). */
    private static double meanLogLikelihood(Rbm rbm, Tensor data) {
        int v = data.shape(1);
        double[] all = new double[(1 << v) * v];
        for (int s = 0; s < 1 << v; s++) {
            for (int i = 0; i < v; i++) {
                all[s * v + i] = (s >> i) & 1;
            }
        }
        double logZ = rbm.freeEnergy(Tensor.of(all, 1 << v, v)).neg().logSumExp(0).item();
        return rbm.freeEnergy(data).neg().sub(logZ).mean().item();
    }

    @Test
    void cd1RaisesTheExactLikelihoodOfATinyMachinesData() {
        // two 8-bit prototypes; CD-1 should make them far more likely than the uniform 2^-8
        Tensor data = Tensor.of(new double[] {
            1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1,
            0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1}, 6, 8);
        RandomGenerator r = rng(9);
        Rbm rbm = new Rbm(data, 4, r);
        double before = meanLogLikelihood(rbm, data);
        rbm.train(data, 300, 6, 0.2, r);
        double after = meanLogLikelihood(rbm, data);
        assertTrue(after > before + 2, "log-likelihood " + before + " -> " + after);
        assertTrue(after > Math.log(1.0 / 256) + 2, "well above the uniform distribution's " + Math.log(1.0 / 256));
    }
}
