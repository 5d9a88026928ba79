package dev.tapegrad.nn;

import dev.tapegrad.Tensor;
import dev.tapegrad.nn.data.EmbeddedDatasets;
import dev.tapegrad.nn.data.MinMaxScaler;
import dev.tapegrad.nn.data.Standardizer;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.random.RandomGeneratorFactory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatasetTest {

    static java.util.random.RandomGenerator rng(long seed) {
        return RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
    }

    /** A data set whose single feature is the sample index, so batches reveal the order. */
    static Dataset indexed(int n, int classes) {
        double[] x = new double[n];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            x[i] = i;
            y[i] = i % classes;
        }
        return new Dataset("indexed", x, new int[] {1}, y, Dataset.numberedClasses(classes));
    }

    static int[] order(DataLoader loader) {
        return java.util.stream.StreamSupport.stream(loader.spliterator(), false)
                .flatMapToInt(b -> Arrays.stream(b.x().toArray()).mapToInt(v -> (int) v)).toArray();
    }

    @Test
    void loaderVisitsEverySampleOncePerEpochInASeededOrder() {
        Dataset d = indexed(103, 3);
        DataLoader loader = DataLoader.of(d, 10, rng(5));
        assertEquals(11, loader.batchCount());
        int[] epoch1 = order(loader);
        int[] epoch2 = order(loader);
        assertArrayEquals(java.util.stream.IntStream.range(0, 103).toArray(), Arrays.stream(epoch1).sorted().toArray());
        assertFalse(Arrays.equals(epoch1, epoch2), "each epoch draws a new permutation");
        DataLoader again = DataLoader.of(d, 10, rng(5));
        assertArrayEquals(epoch1, order(again));
        assertArrayEquals(epoch2, order(again));
        assertEquals(10, DataLoader.of(d, 10, rng(5)).dropLast().batchCount());
        assertArrayEquals(java.util.stream.IntStream.range(0, 103).toArray(), order(DataLoader.sequential(d, 7)));
        for (Batch b : DataLoader.of(d, 10, rng(1))) {
            for (int i = 0; i < b.size(); i++) {
                assertEquals((int) b.x().get(i, 0) % 3, b.labels()[i], "labels travel with their rows");
            }
        }
        assertThrows(IllegalArgumentException.class, () -> DataLoader.of(d, 0, rng(1)));
    }

    @Test
    void splitIsFixedStratifiedAndDisjoint() {
        Dataset d = indexed(100, 4);
        Dataset.Split s = d.split(0.2, 7);
        assertEquals(80, s.train().size());
        assertEquals(20, s.held().size());
        Set<Integer> seen = new HashSet<>();
        for (Dataset part : new Dataset[] {s.train(), s.held()}) {
            for (int i = 0; i < part.size(); i++) {
                assertTrue(seen.add((int) part.feature(i, 0)), "a sample appears in both parts");
            }
        }
        assertEquals(100, seen.size());
        int[] heldPerClass = new int[4];
        for (int y : s.held().labels()) {
            heldPerClass[y]++;
        }
        assertArrayEquals(new int[] {5, 5, 5, 5}, heldPerClass);
        assertArrayEquals(s.held().featuresCopy(), d.split(0.2, 7).held().featuresCopy());
        assertFalse(Arrays.equals(s.held().featuresCopy(), d.split(0.2, 8).held().featuresCopy()));
        assertThrows(IllegalArgumentException.class, () -> d.split(1.0, 7));
    }

    @Test
    void constructorChecksSizesAndLabels() {
        assertThrows(IllegalArgumentException.class,
                () -> new Dataset("bad", new double[5], new int[] {2}, new int[] {0, 1}, Dataset.numberedClasses(2)));
        String m = assertThrows(IllegalArgumentException.class,
                () -> new Dataset("bad", new double[4], new int[] {2}, new int[] {0, 2}, Dataset.numberedClasses(2))).getMessage();
        assertTrue(m.contains("label 2 of sample 1"), m);
        Dataset t = Dataset.of(Tensor.of(new double[] {1, 2, 3, 4}, 2, 2), new int[] {1, 0});
        assertEquals(2, t.classCount());
    }

    @Test
    void standardizerFitsOnTrainAndAppliesTheSameMapElsewhere() {
        Dataset digits = EmbeddedDatasets.digits();
        Dataset.Split s = digits.split(0.2, 1);
        Standardizer z = Standardizer.fit(s.train());
        Dataset tz = z.apply(s.train());
        for (int j = 0; j < 64; j++) {
            double mean = 0;
            double sq = 0;
            for (int i = 0; i < tz.size(); i++) {
                mean += tz.feature(i, j);
            }
            mean /= tz.size();
            for (int i = 0; i < tz.size(); i++) {
                sq += Math.pow(tz.feature(i, j) - mean, 2);
            }
            assertEquals(0.0, mean, 1e-9);
            double std = Math.sqrt(sq / tz.size());
            // Constant pixels (always 0 in the training set) keep a zero spread.
            assertTrue(Math.abs(std - 1) < 1e-9 || std < 1e-12, "feature " + j + " std " + std);
        }
        Dataset hz = z.apply(s.held());
        assertEquals((s.held().feature(3, 20) - z.mean()[20]) / z.std()[20], hz.feature(3, 20), 1e-12);
        MinMaxScaler m = MinMaxScaler.fit(s.train());
        Dataset tm = m.apply(s.train());
        double[] v = tm.featuresCopy();
        assertEquals(0.0, Arrays.stream(v).min().orElseThrow(), 1e-12);
        assertEquals(1.0, Arrays.stream(v).max().orElseThrow(), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> z.apply(EmbeddedDatasets.iris()));
    }
}
