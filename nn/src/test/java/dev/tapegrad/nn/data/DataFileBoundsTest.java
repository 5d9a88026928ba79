package dev.tapegrad.nn.data;

import dev.tapegrad.nn.Dataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Headers are read first and checked against what the file can hold, so corrupt counts and gzip
 * bombs fail fast, naming the file, instead of exhausting the memory. CSV: quotes, delimiters,
 * header detection and class counts.
 */
class DataFileBoundsTest {

    @TempDir
    Path tmp;

    /** A gzip file: {@code head}, then {@code zeros} zero bytes. */
    Path gzip(String name, byte[] head, long zeros) throws IOException {
        return gzip(name, head, zeros, false);
    }

    /** A gzip file: {@code head}, then {@code n} zero or (incompressible) random bytes. */
    Path gzip(String name, byte[] head, long n, boolean random) throws IOException {
        Path p = tmp.resolve(name);
        java.util.Random r = new java.util.Random(1);
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(p), 1 << 16)) {
            out.write(head);
            byte[] chunk = new byte[1 << 20];
            for (long left = n; left > 0; left -= chunk.length) {
                if (random) {
                    r.nextBytes(chunk);
                }
                out.write(chunk, 0, (int) Math.min(left, chunk.length));
            }
        }
        return p;
    }

    static byte[] imageHeader(int count, int rows, int cols) {
        return ByteBuffer.allocate(16).putInt(IdxReader.IMAGES_MAGIC).putInt(count).putInt(rows).putInt(cols).array();
    }

    @Test
    void aHeaderClaimingMoreImagesThanTheGzipFileCanHoldFailsFast() throws IOException {
        Path p = gzip("huge-images-idx3-ubyte.gz", imageHeader(Integer.MAX_VALUE, 28, 28), 8 << 20);
        DataFileException e = assertThrows(DataFileException.class, () -> IdxReader.readImages(p));
        assertTrue(e.getMessage().startsWith(p.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("2147483647 images of 28x28") && e.getMessage().contains("more than a gzip file of"),
                e.getMessage());
    }

    @Test
    void aHeaderClaimingMoreThanOneArrayOrTheMemoryCanHoldFailsFast() throws IOException {
        Path p = gzip("many-images-idx3-ubyte.gz", imageHeader(Integer.MAX_VALUE, 1, 1), 2_300_000, true);
        DataFileException e = assertThrows(DataFileException.class, () -> IdxReader.readImages(p));
        assertTrue(e.getMessage().startsWith(p.toString()) && e.getMessage().contains("more than one data set can hold"),
                e.getMessage());
        // 46,000 x 46,000 pixels fit in an array but not, as doubles, in this JVM (the test JVM has far less than 19 GB)
        Path q = gzip("big-images-idx3-ubyte.gz", imageHeader(1, 46_000, 46_000), 2_300_000, true);
        org.junit.jupiter.api.Assumptions.assumeTrue(Runtime.getRuntime().maxMemory() < 9L * 46_000 * 46_000);
        e = assertThrows(DataFileException.class, () -> IdxReader.readImages(q));
        assertTrue(e.getMessage().startsWith(q.toString()) && e.getMessage().contains("use a larger -Xmx"), e.getMessage());
    }

    @Test
    void aGzipBombIsRejectedAsSoonAsItPassesTheAnnouncedLength() throws IOException {
        // 1,000 images announced (784,016 bytes), then 64 MiB of zeros: a 64 KiB file
        Path p = gzip("bomb-images-idx3-ubyte.gz", imageHeader(1000, 28, 28), 64L << 20);
        assertTrue(Files.size(p) < 200_000, "a bomb: " + Files.size(p));
        DataFileException e = assertThrows(DataFileException.class, () -> IdxReader.readImages(p));
        assertTrue(e.getMessage().contains("too long: more than 784016 bytes after decompression"), e.getMessage());
        // and a truncated one: 1,000 images announced, 100 present
        Path q = gzip("short-images-idx3-ubyte.gz", imageHeader(1000, 28, 28), 78_400, true);
        e = assertThrows(DataFileException.class, () -> IdxReader.readImages(q));
        assertTrue(e.getMessage().contains("truncated: 78416 bytes, but the header announces 1000 images of 28x28"), e.getMessage());
    }

    static void writeIdx(Path dir, int[] labels) throws IOException {
        Files.createDirectories(dir);
        ByteBuffer im = ByteBuffer.allocate(16 + 4 * labels.length).putInt(IdxReader.IMAGES_MAGIC).putInt(labels.length)
                .putInt(2).putInt(2);
        ByteBuffer lb = ByteBuffer.allocate(8 + labels.length).putInt(IdxReader.LABELS_MAGIC).putInt(labels.length);
        for (int l : labels) {
            lb.put((byte) l);
        }
        Files.write(dir.resolve("train-images-idx3-ubyte"), im.array());
        Files.write(dir.resolve("train-labels-idx1-ubyte"), lb.array());
    }

    @Test
    void anIdxLabelOutsideTheClassCountIsReportedNotTrainedAsANewClass() throws IOException {
        Path dir = tmp.resolve("labels200");
        writeIdx(dir, new int[] {0, 3, 200, 9});
        DataFileException e = assertThrows(DataFileException.class, () -> IdxReader.readDataset(dir, "train"));
        assertTrue(e.getMessage().startsWith(dir.resolve("train-labels-idx1-ubyte").toString()), e.getMessage());
        assertTrue(e.getMessage().contains("label 200 of sample 2 is not one of the 10 classes 0..9"), e.getMessage());
        Dataset d = IdxReader.readDataset(dir, "train", 201);
        assertEquals(201, d.classCount());
        e = assertThrows(DataFileException.class, () -> IdxReader.readDataset(dir, "train", 5));
        assertTrue(e.getMessage().contains("label 200 of sample 2 is not one of the 5 classes 0..4"), e.getMessage());
    }

    Path text(String name, String content) throws IOException {
        Path p = tmp.resolve(name);
        Files.writeString(p, content);
        return p;
    }

    @Test
    void csvQuotedFieldsHoldDelimitersQuotesAndLineBreaks() throws IOException {
        Path p = text("q.csv", "\"width, cm\",\"the \"\"height\"\"\",species\n1.5,\"2\",\"Iris\nsetosa\"\n\"3\",4,\"x,y\"\n");
        CsvReader.Result r = CsvReader.builder().build().readWithHeader(p);
        assertEquals(List.of("width, cm", "the \"height\"", "species"), r.header());
        assertEquals(List.of("Iris\nsetosa", "x,y"), r.dataset().classNames());
        assertArrayEquals(new double[] {1.5, 2, 3, 4}, r.dataset().featuresCopy());
        Path open = text("open.csv", "1,2,\"a\n3,4,b\n");
        DataFileException e = assertThrows(DataFileException.class, () -> CsvReader.builder().build().read(open));
        assertTrue(e.getMessage().contains("line 1: a quoted field is not closed"), e.getMessage());
    }

    @Test
    void csvDelimiterAndHeaderDetection() throws IOException {
        Path semi = text("s.csv", "a;b;label\n1,5;2;0\n3;4;1\n");
        DataFileException e = assertThrows(DataFileException.class, () -> CsvReader.builder().delimiter(';').build().read(semi));
        assertTrue(e.getMessage().contains("line 2, column 1: '1,5' is not a number"), e.getMessage());
        Path ok = text("t.tsv", "a\tb\tlabel\n1\t2\t0\n3\t4\t1\n");
        CsvReader.Result r = CsvReader.builder().delimiter('\t').build().readWithHeader(ok);
        assertEquals(List.of("a", "b", "label"), r.header(), "detected as a header");
        assertEquals(2, r.dataset().size());
        Path noHeader = text("n.csv", "1,2,cat\n3,4,dog\n");
        assertEquals(2, CsvReader.builder().build().read(noHeader).size(), "named labels are not a header");
        assertEquals(1, CsvReader.builder().header(true).build().read(noHeader).size(), "an explicit header is skipped");
        Path gz = tmp.resolve("t.csv.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write("x,y,label\n1,2,0\n3,4,1\n".getBytes(StandardCharsets.UTF_8));
        }
        assertEquals(List.of("x", "y", "label"), CsvReader.builder().build().readWithHeader(gz).header());
    }

    @Test
    void csvLabelsAreCheckedAgainstAGivenClassCountAndOverlongLinesFail() throws IOException {
        Path p = text("c.csv", "1,2,0\n3,4,7\n");
        assertEquals(8, CsvReader.builder().build().read(p).classCount());
        assertEquals(12, CsvReader.builder().classes(12).build().read(p).classCount());
        DataFileException e = assertThrows(DataFileException.class, () -> CsvReader.builder().classes(5).build().read(p));
        assertTrue(e.getMessage().contains("line 2: label 7 is not one of the 5 classes 0..4"), e.getMessage());
        Path bomb = gzip("bomb.csv.gz", "1,2,".getBytes(StandardCharsets.UTF_8), 32L << 20);
        e = assertThrows(DataFileException.class, () -> CsvReader.builder().build().read(bomb));
        assertTrue(e.getMessage().startsWith(bomb.toString()) && e.getMessage().contains("line 1 is longer than"), e.getMessage());
    }
}
