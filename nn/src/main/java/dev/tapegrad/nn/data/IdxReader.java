package dev.tapegrad.nn.data;

import dev.tapegrad.nn.Dataset;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads the IDX files of MNIST and Fashion-MNIST, gzip-compressed or plain (recognised by the
 * gzip magic bytes, not by the file name).
 *
 * <p>Layout (big-endian): images start with magic {@code 0x00000803}, the count, rows and
 * columns, then {@code count * rows * cols} unsigned bytes; labels start with magic
 * {@code 0x00000801} and the count, then {@code count} unsigned bytes. The reader checks the
 * magic number, that the counts are positive, and that the file length is exactly what the
 * header announces; every failure is a {@link DataFileException} naming the file and the problem.
 * The header is read before the body, and a header announcing more than the file can hold (a
 * corrupt count, a gzip bomb) is refused before anything large is allocated.
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

    /** The number of classes of an IDX data set unless told otherwise (MNIST's and Fashion-MNIST's). */
    public static final int DEFAULT_CLASSES = 10;

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
     * Reads an IDX image file. The header is read first and checked against what the file can
     * hold (its length, or for gzip the most a deflate stream of its length can expand to, and
     * this JVM's memory) before anything is allocated; the pixels are then streamed.
     *
     * @param file the file, gzip or plain
     * @return the images
     * @throws DataFileException if it is missing, unreadable, or not a valid IDX image file
     */
    public static Images readImages(Path file) throws DataFileException {
        try (DataStream in = DataStream.open(file)) {
            byte[] head = in.readHeader(4, "an IDX image header", 16);
            int magic = readInt(head, 0);
            if (magic != IMAGES_MAGIC) {
                throw new DataFileException(file, String.format("bad magic number 0x%08X, expected 0x%08X (IDX unsigned-byte images)%s",
                        magic, IMAGES_MAGIC, magic == LABELS_MAGIC ? "; this is a label file" : ""));
            }
            byte[] rest = in.readHeader(12, "an IDX image header", 16);
            int count = readInt(rest, 0);
            int rows = readInt(rest, 4);
            int cols = readInt(rest, 8);
            if (count <= 0 || rows <= 0 || cols <= 0) {
                throw new DataFileException(file, "header announces " + count + " images of " + rows + "x" + cols
                        + "; all three must be positive");
            }
            long body = (long) count * rows * cols;
            byte[] pixels = in.readBody(16, body, count + " images of " + rows + "x" + cols, 9);
            return new Images(count, rows, cols, pixels);
        }
    }

    /**
     * Reads an IDX label file (header first, then streamed, like {@link #readImages}).
     *
     * @param file the file, gzip or plain
     * @return the labels, 0..255 each
     * @throws DataFileException if it is missing, unreadable, or not a valid IDX label file
     */
    public static int[] readLabels(Path file) throws DataFileException {
        try (DataStream in = DataStream.open(file)) {
            byte[] head = in.readHeader(4, "an IDX label header", 8);
            int magic = readInt(head, 0);
            if (magic != LABELS_MAGIC) {
                throw new DataFileException(file, String.format("bad magic number 0x%08X, expected 0x%08X (IDX unsigned-byte labels)%s",
                        magic, LABELS_MAGIC, magic == IMAGES_MAGIC ? "; this is an image file" : ""));
            }
            int count = readInt(in.readHeader(4, "an IDX label header", 8), 0);
            if (count <= 0) {
                throw new DataFileException(file, "header announces " + count + " labels; must be positive");
            }
            byte[] bytes = in.readBody(8, count, count + " labels", 5);
            int[] labels = new int[count];
            for (int i = 0; i < count; i++) {
                labels[i] = bytes[i] & 0xFF;
            }
            return labels;
        }
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
        return readDataset(dir, prefix, 0);
    }

    /**
     * Like {@link #readDataset(Path, String)}, with the number of classes given: every label
     * must be below it (IDX files do not store a class count; 0 means the MNIST layout's 10).
     *
     * @param dir     the directory
     * @param prefix  the file-name prefix
     * @param classes the number of classes, or 0 for 10
     * @return the data set, sample shape {@code [rows, cols]}, {@code classes} classes named by number
     * @throws DataFileException if a file is missing or corrupt, the counts of the two files differ,
     *                           or a label is not below the class count
     */
    public static Dataset readDataset(Path dir, String prefix, int classes) throws DataFileException {
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
        int k = classes > 0 ? classes : DEFAULT_CLASSES;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] >= k) {
                throw new DataFileException(labelsFile, "label " + labels[i] + " of sample " + i + " is not one of the "
                        + k + " classes 0.." + (k - 1) + (classes > 0 ? "" : " an IDX data set has unless told otherwise")
                        + "; give the number of classes if it has more");
            }
        }
        double[] x = new double[images.pixels().length];
        byte[] p = images.pixels();
        for (int i = 0; i < x.length; i++) {
            x[i] = (p[i] & 0xFF) / 255.0;
        }
        return new Dataset(dir.getFileName() + "/" + prefix, x, new int[] {images.rows(), images.cols()}, labels,
                Dataset.numberedClasses(k));
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

    private static int readInt(byte[] b, int at) {
        return ((b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
    }

    /**
     * Reads a whole file, decompressing it if it starts with the gzip magic bytes; the size read
     * is bounded by this JVM's memory.
     *
     * @param file the file
     * @return its (decompressed) bytes
     * @throws DataFileException if it is missing, unreadable, too large, or a broken gzip stream
     */
    static byte[] readAll(Path file) throws DataFileException {
        try (DataStream in = DataStream.open(file)) {
            return in.readRest();
        }
    }
}
