package dev.tapegrad.nn.data;

import dev.tapegrad.nn.Dataset;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EmbeddedDatasetsTest {

    @Test
    void digitsHas1797ImagesOf8x8WithPixels0To16() {
        Dataset d = EmbeddedDatasets.digits();
        assertEquals(1797, d.size());
        assertArrayEquals(new int[] {8, 8}, d.sampleShape());
        assertEquals(10, d.classCount());
        double[] x = d.featuresCopy();
        assertEquals(0.0, Arrays.stream(x).min().orElseThrow());
        assertEquals(16.0, Arrays.stream(x).max().orElseThrow());
        // scikit-learn's load_digits: the first sample is a 0 with this top row.
        assertEquals(0, d.label(0));
        assertArrayEquals(new double[] {0, 0, 5, 13, 9, 1, 0, 0}, Arrays.copyOf(x, 8));
        int[] perClass = new int[10];
        for (int y : d.labels()) {
            perClass[y]++;
        }
        assertArrayEquals(new int[] {178, 182, 177, 183, 181, 182, 181, 179, 174, 180}, perClass);
    }

    @Test
    void embeddedDigitsEqualTheSharedFile() throws IOException {
        Path dir = SharedData.folder("uci-digits").orElse(null);
        org.junit.jupiter.api.Assumptions.assumeTrue(dir != null, "shared uci-digits not found");
        Dataset shared = CsvReader.builder().build().read(dir.resolve("digits.csv.gz"));
        assertArrayEquals(shared.featuresCopy(), EmbeddedDatasets.digits().featuresCopy());
        assertArrayEquals(shared.labels(), EmbeddedDatasets.digits().labels());
    }

    @Test
    void irisHas50OfEachSpecies() {
        Dataset d = EmbeddedDatasets.iris();
        assertEquals(150, d.size());
        assertEquals(4, d.featureCount());
        int[] perClass = new int[3];
        for (int y : d.labels()) {
            perClass[y]++;
        }
        assertArrayEquals(new int[] {50, 50, 50}, perClass);
        assertEquals(5.1, d.feature(0, 0));
    }

    @Test
    void dataSourcesGiveFixedSplitsAndClearErrors() throws IOException {
        DataSources.TrainTest a = DataSources.load("digits");
        DataSources.TrainTest b = DataSources.load("digits");
        assertEquals(1797, a.train().size() + a.test().size());
        // Stratified: round(0.2 x count) of each class, 359 in all.
        assertEquals(359, a.test().size());
        assertArrayEquals(a.test().featuresCopy(), b.test().featuresCopy());
        assertEquals(30, DataSources.load("iris").test().size());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DataSources.load("mnist")).getMessage()
                .contains("use digits, iris, idx:DIR or csv:FILE"));
        assertThrows(DataFileException.class, () -> DataSources.load("idx:/no/such/dir"));
        Path csv = Files.createTempFile("tapegrad", ".csv");
        try {
            StringBuilder s = new StringBuilder("a,b,label\n");
            for (int i = 0; i < 20; i++) {
                s.append(i).append(',').append(i * 2).append(',').append(i % 2).append('\n');
            }
            Files.writeString(csv, s);
            DataSources.TrainTest c = DataSources.load("csv:" + csv);
            assertEquals(16, c.train().size());
            assertEquals(4, c.test().size());
        } finally {
            Files.delete(csv);
        }
    }
}
