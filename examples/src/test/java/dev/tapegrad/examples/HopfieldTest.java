package dev.tapegrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapegrad.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hopfield's two facts: asynchronous updates never raise the energy; a lightly loaded network recalls its patterns. */
class HopfieldTest {
    private static RandomGenerator rng(long seed) {
        return RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
    }

    @Test
    void energyNeverRisesDuringAsynchronousUpdates() {
        Hopfield net = new Hopfield(Hopfield.glyphs());
        Tensor w = net.weights();
        assertEquals(0, w.sub(w.transpose()).abs().max().item(), 0, "symmetric");
        RandomGenerator r = rng(1);
        for (int trial = 0; trial < 40; trial++) {
            // corrupted glyphs and states with no relation to any glyph
            Tensor start = trial % 2 == 0
                    ? Hopfield.corrupt(Hopfield.glyphs().slice(0, trial % 4, trial % 4 + 1).reshape(100), 0.2 + 0.01 * trial, r)
                    : Tensor.rand(r, 100).sub(0.5).mul(1e9).clamp(-1, 1);
            Hopfield.Recall rec = net.recall(start, r, 100);
            double[] e = rec.energy();
            for (int i = 1; i < e.length; i++) {
                assertTrue(e[i] <= e[i - 1] + 1e-12, "trial " + trial + ": energy rose at update " + i);
            }
            // the running energy is the energy of the final state
            assertEquals(net.energy(rec.state()), e[e.length - 1], 1e-9);
            assertTrue(rec.sweeps() < 100, "reached a fixed point");
        }
    }

    @Test
    void aSmallLoadRecallsEveryGlyphFromTwentyPercentFlippedBits() {
        Tensor p = Hopfield.glyphs();
        Hopfield net = new Hopfield(p);
        RandomGenerator r = rng(2);
        int exact = 0, trials = 0;
        for (int g = 0; g < 4; g++) {
            Tensor xi = p.slice(0, g, g + 1).reshape(100);
            for (int t = 0; t < 25; t++, trials++) {
                Tensor start = Hopfield.corrupt(xi, 0.2, r);
                assertEquals(20, Hopfield.hamming(start, xi));
                exact += Hopfield.hamming(net.recall(start, r, 100).state(), xi) == 0 ? 1 : 0;
            }
        }
        assertTrue(exact >= 0.95 * trials, exact + " of " + trials + " recalled exactly");
    }

    @Test
    void anOverloadedNetworkForgets() {
        // 40 random patterns in 100 units: load 0.4, far above the capacity of about 0.14
        RandomGenerator r = rng(3);
        Tensor p = Tensor.rand(r, 40, 100).sub(0.5).mul(1e9).clamp(-1, 1);
        Hopfield net = new Hopfield(p);
        int kept = 0;
        for (int g = 0; g < 40; g++) {
            Tensor xi = p.slice(0, g, g + 1).reshape(100);
            kept += Hopfield.hamming(net.recall(xi, r, 100).state(), xi) == 0 ? 1 : 0;
        }
        assertTrue(kept <= 4, kept + " of 40 patterns are stable");
    }

    @Test
    void badPatternsAndStatesAreRejected(@TempDir Path dir) throws Exception {
        assertThrows(IllegalArgumentException.class, () -> new Hopfield(Tensor.zeros(2, 4)));
        Hopfield net = new Hopfield(Hopfield.glyphs());
        assertThrows(IllegalArgumentException.class, () -> net.recall(Tensor.ones(99), rng(1), 5));
        Hopfield.main(new String[] {dir.toString()});
        assertTrue(Files.size(dir.resolve("hopfield.png")) > 500 && Files.size(dir.resolve("hopfield-energy.png")) > 1000);
    }
}
