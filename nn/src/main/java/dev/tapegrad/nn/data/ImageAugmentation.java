package dev.tapegrad.nn.data;

import dev.tapegrad.nn.Dataset;

/**
 * Enlarges a training set of images with shifted copies: each image also appears moved by one
 * pixel up, down, left and right (the vacated row or column is filled with 0, the background of
 * the digit sets). Small shifts do not change a digit's class, and an MLP, which has no
 * built-in translation invariance, learns it from these copies.
 *
 * <pre>{@code
 * Dataset bigger = ImageAugmentation.shifted(train);   // 5 x train.size() samples
 * }</pre>
 */
public final class ImageAugmentation {

    private static final int[][] SHIFTS = {{0, 0}, {1, 0}, {-1, 0}, {0, 1}, {0, -1}};

    private ImageAugmentation() {
    }

    /**
     * @param images a data set whose samples are 2-D images (sample shape {@code [rows, cols]})
     * @return the originals followed by their four one-pixel shifts (5 times as many samples)
     * @throws IllegalArgumentException if the samples are not 2-D
     */
    public static Dataset shifted(Dataset images) {
        int[] shape = images.sampleShape();
        if (shape.length != 2) {
            throw new IllegalArgumentException("ImageAugmentation.shifted: " + images.name()
                    + " samples have shape " + java.util.Arrays.toString(shape) + "; need 2-D images");
        }
        int rows = shape[0];
        int cols = shape[1];
        int n = images.size();
        int per = rows * cols;
        double[] x = new double[n * SHIFTS.length * per];
        int[] y = new int[n * SHIFTS.length];
        int out = 0;
        for (int[] s : SHIFTS) {
            for (int i = 0; i < n; i++) {
                for (int r = 0; r < rows; r++) {
                    for (int c = 0; c < cols; c++) {
                        int fromRow = r - s[0];
                        int fromCol = c - s[1];
                        boolean inside = fromRow >= 0 && fromRow < rows && fromCol >= 0 && fromCol < cols;
                        x[out * per + r * cols + c] = inside ? images.feature(i, fromRow * cols + fromCol) : 0.0;
                    }
                }
                y[out++] = images.label(i);
            }
        }
        return new Dataset(images.name() + "+shifts", x, shape, y, images.classNames());
    }
}
