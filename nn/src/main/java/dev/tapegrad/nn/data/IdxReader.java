package dev.tapegrad.nn.data;

import dev.tapegrad.nn.Dataset;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads the IDX files of MNIST and Fashion-MNIST, gzip-compressed or plain (recognised by the
 * gzip magic bytes, not by the file name).
 *
 * <p>Layout (big-endian): images start with magic {@code 0x00000803}, the count, rows and
 * columns, then {@code count * rows * cols} unsigned bytes; labels start with magic
 * {@code 0x00000801} and the count, then {@code count} unsigned bytes. The reader checks the
 * magic number, that the counts are positive, and that the file length is exactly what the
 * header announces; every failure is a {@link DataFileException} naming the file and the problem.
 *
 * <pre>{@code
 * Dataset train = IdxReader.readDataset(Path.of("data/fashion-mnist"), "train");  // [60000, 28, 28], pixels / 255
 * Dataset test  = IdxReader.readDataset(Path.of("data/fashion-mnist"), "t10k");
 * }</pre>
 */
public final class IdxReader {

    /** Magic number of an IDX file of unsigned-byte images (3 dimensions). */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** Magic number of an IDX file of unsigned-byte labels (1 dimension). */
    public static final int LABELS_MAGIC = 0x00000801;

    private IdxReader() {
    }

    /**
     * Images from an IDX file: {@code count} images of {@code rows x cols} unsigned bytes.
     *
     * @param count  number of images
     * @param rows   rows per image
     * @param cols   columns per image
     * @param pixels {@code count * rows * cols} values 0..255, row-major
     */
    public record Images(int count, int rows, int cols, byte[] pixels) {
        /**
         * @param image an image index
         * @param row   a row
         * @param col   a column
         * @return the pixel value 0..255
         */
        public int pixel(int image, int row, int col) {
            return pixels[(image * rows + row) * cols + col] & 0xFF;
        }
    }

    /**
     * Reads an IDX image file.
     *
     * @param file the file, gzip or plain
     * @return the images
     * @throws DataFileException if it is missing, unreadable, or not a valid IDX image file
     */
    public static Images readImages(Path file) throws DataFileException {
        byte[] bytes = readAll(file);
        if (bytes.length < 4) {
            throw new DataFileException(file, "too short for an IDX image header: " + bytes.length + " bytes, need 16");
        }
        int magic = readInt(bytes, 0);
        if (magic != IMAGES_MAGIC) {
            throw new DataFileException(file, String.format("bad magic number 0x%08X, expected 0x%08X (IDX unsigned-byte images)%s",
                    magic, IMAGES_MAGIC, magic == LABELS_MAGIC ? "; this is a label file" : ""));
        }
        if (bytes.length < 16) {
            throw new DataFileException(file, "too short for an IDX image header: " + bytes.length + " bytes, need 16");
        }
        int count = readInt(bytes, 4);
        int rows = readInt(bytes, 8);
        int cols = readInt(bytes, 12);
        if (count <= 0 || rows <= 0 || cols <= 0) {
            throw new DataFileException(file, "header announces " + count + " images of " + rows + "x" + cols
                    + "; all three must be positive");
        }
        long expected = 16L + (long) count * rows * cols;
        if (bytes.length != expected) {
            throw new DataFileException(file, lengthProblem(bytes.length, expected, count + " images of " + rows + "x" + cols));
        }
        byte[] pixels = new byte[(int) (expected - 16)];
        System.arraycopy(bytes, 16, pixels, 0, pixels.length);
        return new Images(count, rows, cols, pixels);
    }

    /**
     * Reads an IDX label file.
     *
     * @param file the file, gzip or plain
     * @return the labels, 0..255 each
     * @throws DataFileException if it is missing, unreadable, or not a valid IDX label file
     */
    public static int[] readLabels(Path file) throws DataFileException {
        byte[] bytes = readAll(file);
        if (bytes.length < 4) {
            throw new DataFileException(file, "too short for an IDX label header: " + bytes.length + " bytes, need 8");
        }
        int magic = readInt(bytes, 0);
        if (magic != LABELS_MAGIC) {
            throw new DataFileException(file, String.format("bad magic number 0x%08X, expected 0x%08X (IDX unsigned-byte labels)%s",
                    magic, LABELS_MAGIC, magic == IMAGES_MAGIC ? "; this is an image file" : ""));
        }
        if (bytes.length < 8) {
            throw new DataFileException(file, "too short for an IDX label header: " + bytes.length + " bytes, need 8");
        }
        int count = readInt(bytes, 4);
        if (count <= 0) {
            throw new DataFileException(file, "header announces " + count + " labels; must be positive");
        }
        long expected = 8L + count;
        if (bytes.length != expected) {
            throw new DataFileException(file, lengthProblem(bytes.length, expected, count + " labels"));
        }
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            labels[i] = bytes[8 + i] & 0xFF;
        }
        return labels;
    }

    /**
     * Reads a pair of IDX files from a directory: {@code <prefix>-images-idx3-ubyte[.gz]} and
     * {@code <prefix>-labels-idx1-ubyte[.gz]} (the MNIST names; {@code prefix} is usually
     * {@code train} or {@code t10k}). Pixels are scaled to [0, 1] by dividing by 255; classes are
     * named by number.
     *
     * @param dir    the directory
     * @param prefix the file-name prefix
     * @return the data set, sample shape {@code [rows, cols]}
     * @throws DataFileException if a file is missing or corrupt, or the counts of the two files differ
     */
    public static Dataset readDataset(Path dir, String prefix) throws DataFileException {
        if (!Files.isDirectory(dir)) {
            throw new DataFileException(dir, Files.exists(dir) ? "is not a directory" : "no such directory");
        }
        Path imagesFile = find(dir, prefix + "-images-idx3-ubyte");
        Path labelsFile = find(dir, prefix + "-labels-idx1-ubyte");
        Images images = readImages(imagesFile);
        int[] labels = readLabels(labelsFile);
        if (labels.length != images.count()) {
            throw new DataFileException(labelsFile, labels.length + " labels but " + imagesFile.getFileName()
                    + " holds " + images.count() + " images");
        }
        int maxLabel = 0;
        for (int l : labels) {
            maxLabel = Math.max(maxLabel, l);
        }
        double[] x = new double[images.pixels().length];
        byte[] p = images.pixels();
        for (int i = 0; i < x.length; i++) {
            x[i] = (p[i] & 0xFF) / 255.0;
        }
        int classes = Math.max(10, maxLabel + 1);
        return new Dataset(dir.getFileName() + "/" + prefix, x, new int[] {images.rows(), images.cols()}, labels,
                Dataset.numberedClasses(classes));
    }

    private static Path find(Path dir, String base) throws DataFileException {
        for (String candidate : List.of(base + ".gz", base, base.replace("-idx", ".idx") + ".gz", base.replace("-idx", ".idx"))) {
            Path p = dir.resolve(candidate);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new DataFileException(dir.resolve(base + ".gz"), "no such file (also looked for " + base + " without .gz)");
    }

    private static String lengthProblem(long actual, long expected, String what) {
        return (actual < expected ? "truncated: " : "too long: ") + actual + " bytes, but the header announces "
                + what + " (" + expected + " bytes)";
    }

    private static int readInt(byte[] b, int at) {
        return ((b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
    }

    /**
     * Reads a whole file, decompressing it if it starts with the gzip magic bytes.
     *
     * @param file the file
     * @return its (decompressed) bytes
     * @throws DataFileException if it is missing, unreadable, or a broken gzip stream
     */
    static byte[] readAll(Path file) throws DataFileException {
        byte[] raw;
        try {
            raw = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new DataFileException(file, "no such file");
        } catch (IOException e) {
            throw new DataFileException(file, "cannot read: " + e.getMessage(), e);
        }
        if (raw.length >= 2 && (raw[0] & 0xFF) == 0x1F && (raw[1] & 0xFF) == 0x8B) {
            try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(raw), 1 << 16)) {
                ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length * 4);
                in.transferTo(out);
                return out.toByteArray();
            } catch (EOFException e) {
                throw new DataFileException(file, "truncated gzip stream (the download may be incomplete)", e);
            } catch (ZipException e) {
                throw new DataFileException(file, "corrupt gzip stream: " + e.getMessage(), e);
            } catch (IOException e) {
                throw new DataFileException(file, "cannot decompress: " + e.getMessage(), e);
            }
        }
        return raw;
    }
}
