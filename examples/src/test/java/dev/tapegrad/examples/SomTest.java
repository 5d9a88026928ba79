package dev.tapegrad.examples;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapegrad.Tensor;
import dev.tapegrad.nn.Dataset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A SOM on Iris: the quantisation error falls, and the map preserves topology (near units, near weights). */
class SomTest {

    @Test
    void quantisationErrorFallsAndNeighboursAreAlike(@TempDir Path dir) throws Exception {
        RandomGenerator rng = RandomGeneratorFactory.of("L64X128MixRandom").create(2);
        Dataset iris = Som.iris();
        Som som = new Som(10, 10, 4, rng);
        double[] before = som.meanDistanceByGridDistance();
        double[] qe = som.train(iris.x(), 40, 0.5, rng);
        double earlyMin = Double.POSITIVE_INFINITY;
        for (int e = 0; e <= 20; e++) {
            earlyMin = Math.min(earlyMin, qe[e]);
        }
        assertTrue(qe[40] < qe[0] / 3, "quantisation error " + qe[0] + " -> " + qe[40]);
        assertTrue(qe[40] < earlyMin, "the end is below anything in the first half: " + qe[40] + " vs " + earlyMin);
        for (int e = 31; e <= 40; e++) {       // small, shrinking neighbourhoods: steady descent
            assertTrue(qe[e] <= qe[e - 1] + 1e-9, "epoch " + e + ": " + qe[e - 1] + " -> " + qe[e]);
        }
        double[] d = som.meanDistanceByGridDistance();
        assertTrue(d[1] < d[2] && d[2] < d[4] && d[4] < d[8], java.util.Arrays.toString(d));
        assertTrue(d[1] < 0.3 * d[8], "neighbours " + d[1] + " vs 8 steps apart " + d[8]);
        // before training there was no such order (random weights): the ratio was near 1
        assertTrue(before[1] > 0.7 * before[8], "untrained: " + before[1] + " vs " + before[8]);
        // setosa is separated: no unit is the BMU of a setosa and of another species
        int[] b = som.bmu(iris.x());
        boolean[] setosa = new boolean[som.units()], other = new boolean[som.units()];
        for (int i = 0; i < b.length; i++) {
            (iris.label(i) == 0 ? setosa : other)[b[i]] = true;
        }
        for (int u = 0; u < som.units(); u++) {
            assertTrue(!(setosa[u] && other[u]), "unit " + u + " mixes setosa with another species");
        }
        assertTrue(Files.size(Plots.write(som.picture(iris, 20), dir.resolve("u.png"))) > 1000);
        assertThrows(IllegalArgumentException.class, () -> som.train(Tensor.zeros(3, 5), 1, 0.1, rng));
    }
}
