package dev.tapegrad.nn.data;

import dev.tapegrad.nn.Dataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CsvReaderTest {

    @TempDir
    Path tmp;

    Path write(String name, String text) throws IOException {
        Path p = tmp.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    @Test
    void readsHeaderAndLabelColumn() throws IOException {
        Path p = write("a.csv", "label,x,y\n1,0.5,2\n\n0,-1,3e2\n2,4,5\n");
        CsvReader.Result r = CsvReader.builder().header(true).labelColumn(0).build().readWithHeader(p);
        assertEquals(List.of("label", "x", "y"), r.header());
        Dataset d = r.dataset();
        assertEquals(3, d.size());
        assertEquals(2, d.featureCount());
        assertArrayEquals(new int[] {1, 0, 2}, d.labels());
        assertEquals(300.0, d.feature(1, 1));
        assertEquals(3, d.classCount());
    }

    @Test
    void mapsClassNamesSorted() throws IOException {
        Path p = write("b.csv", "1;2;dog\n3;4;cat\n5;6;dog\n");
        Dataset d = CsvReader.builder().delimiter(';').build().read(p);
        assertEquals(List.of("cat", "dog"), d.classNames());
        assertArrayEquals(new int[] {1, 0, 1}, d.labels());
    }

    @Test
    void reportsLineAndColumnOfABadNumber() throws IOException {
        Path p = write("c.csv", "1,2,0\n3,abc,1\n");
        String m = assertThrows(DataFileException.class, () -> CsvReader.builder().build().read(p)).getMessage();
        assertEquals(p + ": line 2, column 2: 'abc' is not a number", m);
        Path q = write("n.csv", "1,NaN,0\n");
        assertTrue(assertThrows(DataFileException.class, () -> CsvReader.builder().build().read(q)).getMessage()
                .contains("line 1, column 2: 'NaN' is not a finite number"));
    }

    @Test
    void reportsRaggedLinesEmptyFilesAndBadLabels() throws IOException {
        Path ragged = write("r.csv", "1,2,0\n3,1\n");
        assertTrue(assertThrows(DataFileException.class, () -> CsvReader.builder().build().read(ragged)).getMessage()
                .contains("line 2 has 2 columns, expected 3"));
        Path empty = write("e.csv", "\n\n");
        assertTrue(assertThrows(DataFileException.class, () -> CsvReader.builder().build().read(empty)).getMessage()
                .endsWith("no data lines"));
        Path negative = write("l.csv", "1,2,0\n3,1,-1\n");
        assertTrue(assertThrows(DataFileException.class, () -> CsvReader.builder().build().read(negative)).getMessage()
                .contains("line 2: label '-1' is a number but not a class index"));
        Path p = write("k.csv", "1,2,0\n");
        assertTrue(assertThrows(DataFileException.class, () -> CsvReader.builder().labelColumn(5).build().read(p))
                .getMessage().contains("label column 5 does not exist"));
        assertTrue(assertThrows(DataFileException.class, () -> CsvReader.builder().build().read(tmp.resolve("x.csv")))
                .getMessage().endsWith("no such file"));
    }

    @Test
    void readsTheSharedIrisLikeTheEmbeddedCopy() throws IOException {
        Path dir = SharedData.folder("iris").orElse(null);
        org.junit.jupiter.api.Assumptions.assumeTrue(dir != null, "shared iris not found");
        Dataset shared = CsvReader.builder().header(true).build().read(dir.resolve("iris.csv"));
        Dataset embedded = EmbeddedDatasets.iris();
        assertArrayEquals(shared.featuresCopy(), embedded.featuresCopy());
        assertArrayEquals(shared.labels(), embedded.labels());
        assertEquals(List.of("setosa", "versicolor", "virginica"), embedded.classNames());
    }
}
