package dev.tapegrad.nn.data;

import dev.tapegrad.nn.Dataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class IdxReaderTest {

    @TempDir
    Path tmp;

    static byte[] images(int magic, int count, int rows, int cols, int pixelBytes) {
        ByteBuffer b = ByteBuffer.allocate(16 + pixelBytes);
        b.putInt(magic).putInt(count).putInt(rows).putInt(cols);
        for (int i = 0; i < pixelBytes; i++) {
            b.put((byte) (i * 37));
        }
        return b.array();
    }

    static byte[] labels(int magic, int count, int labelBytes) {
        ByteBuffer b = ByteBuffer.allocate(8 + labelBytes);
        b.putInt(magic).putInt(count);
        for (int i = 0; i < labelBytes; i++) {
            b.put((byte) (i % 10));
        }
        return b.array();
    }

    static byte[] gzip(byte[] plain) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(plain);
        }
        return out.toByteArray();
    }

    Path write(String name, byte[] bytes) throws IOException {
        Path p = tmp.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    @Test
    void readsPlainAndGzipFilesAlike() throws IOException {
        byte[] plain = images(IdxReader.IMAGES_MAGIC, 3, 2, 4, 24);
        IdxReader.Images a = IdxReader.readImages(write("a-images", plain));
        IdxReader.Images b = IdxReader.readImages(write("b-images.gz", gzip(plain)));
        assertEquals(3, a.count());
        assertEquals(2, a.rows());
        assertEquals(4, a.cols());
        assertArrayEquals(a.pixels(), b.pixels());
        assertEquals((5 * 37) & 0xFF, a.pixel(0, 1, 1));
        int[] l = IdxReader.readLabels(write("l.gz", gzip(labels(IdxReader.LABELS_MAGIC, 12, 12))));
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1}, l);
    }

    @Test
    void rejectsBadMagicNamingTheFile() throws IOException {
        Path p = write("swapped-images.gz", gzip(labels(IdxReader.LABELS_MAGIC, 5, 5)));
        DataFileException e = assertThrows(DataFileException.class, () -> IdxReader.readImages(p));
        assertTrue(e.getMessage().startsWith(p.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("bad magic number 0x00000801"), e.getMessage());
        assertTrue(e.getMessage().contains("label file"), e.getMessage());
        Path q = write("junk", "hello, world, not idx".getBytes());
        assertTrue(assertThrows(DataFileException.class, () -> IdxReader.readLabels(q)).getMessage().contains("bad magic"));
    }

    @Test
    void rejectsTruncatedAndOverlongFiles() throws IOException {
        byte[] full = images(IdxReader.IMAGES_MAGIC, 3, 2, 4, 24);
        Path truncated = write("t-images", Arrays.copyOf(full, full.length - 5));
        String m = assertThrows(DataFileException.class, () -> IdxReader.readImages(truncated)).getMessage();
        assertTrue(m.contains("truncated: 35 bytes") && m.contains("3 images of 2x4 (40 bytes)"), m);
        Path longer = write("l-images", Arrays.copyOf(full, full.length + 1));
        assertTrue(assertThrows(DataFileException.class, () -> IdxReader.readImages(longer)).getMessage().contains("too long"));
        Path shortHeader = write("h-images", new byte[] {0, 0, 8, 3, 0});
        assertTrue(assertThrows(DataFileException.class, () -> IdxReader.readImages(shortHeader)).getMessage().contains("too short"));
    }

    @Test
    void rejectsATruncatedGzipStream() throws IOException {
        byte[] gz = gzip(images(IdxReader.IMAGES_MAGIC, 50, 28, 28, 50 * 784));
        Path p = write("cut-images.gz", Arrays.copyOf(gz, gz.length / 2));
        String m = assertThrows(DataFileException.class, () -> IdxReader.readImages(p)).getMessage();
        assertTrue(m.startsWith(p.toString()) && m.contains("gzip"), m);
    }

    @Test
    void rejectsWrongCounts() throws IOException {
        // Header says 4 labels, the file holds 3.
        Path l = write("w-labels", labels(IdxReader.LABELS_MAGIC, 4, 3));
        assertTrue(assertThrows(DataFileException.class, () -> IdxReader.readLabels(l)).getMessage().contains("4 labels"));
        Path neg = write("n-images", images(IdxReader.IMAGES_MAGIC, -1, 2, 2, 0));
        assertTrue(assertThrows(DataFileException.class, () -> IdxReader.readImages(neg)).getMessage().contains("must be positive"));
        // Each file is valid but they disagree.
        Path dir = Files.createDirectory(tmp.resolve("pair"));
        Files.write(dir.resolve("train-images-idx3-ubyte.gz"), gzip(images(IdxReader.IMAGES_MAGIC, 3, 2, 2, 12)));
        Files.write(dir.resolve("train-labels-idx1-ubyte.gz"), gzip(labels(IdxReader.LABELS_MAGIC, 4, 4)));
        String m = assertThrows(DataFileException.class, () -> IdxReader.readDataset(dir, "train")).getMessage();
        assertTrue(m.contains("4 labels but train-images-idx3-ubyte.gz holds 3 images"), m);
    }

    @Test
    void reportsMissingFilesAndDirectories() throws IOException {
        assertTrue(assertThrows(DataFileException.class, () -> IdxReader.readImages(tmp.resolve("nope.gz")))
                .getMessage().endsWith("no such file"));
        assertTrue(assertThrows(DataFileException.class, () -> IdxReader.readDataset(tmp.resolve("nodir"), "train"))
                .getMessage().endsWith("no such directory"));
        String m = assertThrows(DataFileException.class, () -> IdxReader.readDataset(tmp, "t10k")).getMessage();
        assertTrue(m.contains("t10k-images-idx3-ubyte.gz: no such file"), m);
    }

    @Test
    void readsTheRealMnist10k() throws IOException {
        Path dir = SharedData.folder("mnist-10k").orElse(null);
        assumeTrue(dir != null, "shared data folder mnist-10k not found");
        Dataset train = IdxReader.readDataset(dir, "train");
        Dataset test = IdxReader.readDataset(dir, "t10k");
        assertEquals(8000, train.size());
        // The shared README says 10,010 digits split 8,000 / 2,010; the files hold 8,000 / 2,000.
        assertEquals(2000, test.size());
        assertArrayEquals(new int[] {28, 28}, train.sampleShape());
        for (Dataset d : new Dataset[] {train, test}) {
            int[] perClass = new int[10];
            for (int y : d.labels()) {
                perClass[y]++;
            }
            for (int c = 0; c < 10; c++) {
                assertTrue(perClass[c] > d.size() / 20, "class " + c + " is nearly absent from " + d.name());
            }
        }
        double max = 0;
        double min = 1;
        for (int j = 0; j < 784; j++) {
            max = Math.max(max, train.feature(0, j));
            min = Math.min(min, train.feature(0, j));
        }
        assertEquals(0.0, min);
        assertTrue(max > 0.9 && max <= 1.0);
    }

    @Test
    void readsTheRealFashionMnist() throws IOException {
        Path dir = SharedData.folder("fashion-mnist").orElse(null);
        assumeTrue(dir != null, "shared data folder fashion-mnist not found");
        Dataset test = IdxReader.readDataset(dir, "t10k");
        assertEquals(10_000, test.size());
        int[] perClass = new int[10];
        for (int y : test.labels()) {
            perClass[y]++;
        }
        int[] expected = new int[10];
        Arrays.fill(expected, 1000);  // Fashion-MNIST's test set is balanced: 1,000 per class
        assertArrayEquals(expected, perClass);
        IdxReader.Images train = IdxReader.readImages(dir.resolve("train-images-idx3-ubyte.gz"));
        assertEquals(60_000, train.count());
        assertEquals(28, train.rows());
    }
}
