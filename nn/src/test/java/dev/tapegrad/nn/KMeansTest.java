package dev.tapegrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapegrad.Tensor;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.junit.jupiter.api.Test;

/** k-means against closed forms and planted clusters. */
class KMeansTest {
    private static RandomGenerator rng(long seed) {
        return RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
    }

    @Test
    void twoPairsOnALineGiveTheirMidpoints() {
        Tensor x = Tensor.of(new double[] {0, 1, 10, 11}, 4, 1);
        for (long seed = 0; seed < 10; seed++) {
            KMeans.Result r = KMeans.fit(x, 2, rng(seed));
            double[] c = r.centres().toArray();
            Arrays.sort(c);
            assertArrayEquals(new double[] {0.5, 10.5}, c, 1e-12, "seed " + seed);
            assertEquals(1.0, r.inertia(), 1e-12);
            assertEquals(r.assignments()[0], r.assignments()[1]);
            assertTrue(r.assignments()[0] != r.assignments()[2]);
        }
    }

    @Test
    void recoversPlantedBlobsAndIsReproducible() {
        double[][] means = {{-5, 0}, {5, 0}, {0, 8}};
        RandomGenerator r = rng(11);
        double[] pts = new double[300 * 2];
        for (int i = 0; i < 300; i++) {
            pts[2 * i] = means[i % 3][0] + 0.5 * r.nextGaussian();
            pts[2 * i + 1] = means[i % 3][1] + 0.5 * r.nextGaussian();
        }
        Tensor x = Tensor.of(pts, 300, 2);
        KMeans.Result a = KMeans.fit(x, 3, rng(4));
        KMeans.Result b = KMeans.fit(x, 3, rng(4));
        assertArrayEquals(a.centres().toArray(), b.centres().toArray(), 0);
        for (double[] m : means) {
            double best = Double.POSITIVE_INFINITY;
            for (int j = 0; j < 3; j++) {
                best = Math.min(best, Math.hypot(a.centres().get(j, 0) - m[0], a.centres().get(j, 1) - m[1]));
            }
            assertTrue(best < 0.2, "a centre within 0.2 of the blob mean " + Arrays.toString(m) + ": " + best);
        }
        for (int i = 3; i < 300; i++) {     // every point shares its blob's cluster
            assertEquals(a.assignments()[i % 3], a.assignments()[i]);
        }
        assertTrue(a.iterations() >= 1 && a.iterations() < KMeans.DEFAULT_MAX_ITERATIONS);
    }

    @Test
    void samplingDrawsDistinctTrainingRows() {
        Tensor x = Tensor.arange(20).reshape(10, 2);
        Tensor s = KMeans.sample(x, 10, rng(3));
        Set<Double> firsts = new HashSet<>();
        for (int i = 0; i < 10; i++) {
            assertEquals(s.get(i, 0) + 1, s.get(i, 1), 0);
            firsts.add(s.get(i, 0));
        }
        assertEquals(10, firsts.size());
    }

    @Test
    void squaredDistancesAreExact() {
        Tensor d = KMeans.squaredDistances(Tensor.matrix(new double[][] {{0, 0}, {1, 2}}), Tensor.matrix(new double[][] {{3, 4}}));
        assertArrayEquals(new double[] {25, 8}, d.toArray(), 0);
    }

    @Test
    void badInputIsRejectedWithItsShape() {
        String m = assertThrows(IllegalArgumentException.class, () -> KMeans.fit(Tensor.zeros(3, 2), 4, rng(1))).getMessage();
        assertTrue(m.contains("KMeans.fit") && m.contains("[3, 2]"), m);
        assertThrows(IllegalArgumentException.class, () -> KMeans.fit(Tensor.zeros(6), 2, rng(1)));
        assertThrows(IllegalArgumentException.class, () -> KMeans.fit(Tensor.of(new double[] {0, Double.NaN}, 2, 1), 1, rng(1)));
        assertThrows(IllegalArgumentException.class, () -> KMeans.squaredDistances(Tensor.zeros(2, 2), Tensor.zeros(2, 3)));
    }
}
