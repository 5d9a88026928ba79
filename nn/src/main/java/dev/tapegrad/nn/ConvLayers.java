package dev.tapegrad.nn;

import java.util.Arrays;

/** Argument checks and descriptions shared by the convolution and pooling layers. */
final class ConvLayers {
    private ConvLayers() {}

    static void check(String layer, int in, int out, int groups, int d, int[] kernel, int[] stride, int[] padding, int[] dilation) {
        if (in < 1 || out < 1 || groups < 1 || in % groups != 0 || out % groups != 0) {
            throw new IllegalArgumentException(layer + ": channels in=" + in + ", out=" + out + " must be positive and divisible by groups="
                    + groups);
        }
        checkSizes(layer, d, kernel, stride, padding, dilation);
    }

    static void checkSizes(String layer, int d, int[] kernel, int[] stride, int[] padding, int[] dilation) {
        for (int[] v : new int[][] {kernel, stride, padding, dilation}) {
            if (v.length != d) {
                throw new IllegalArgumentException(layer + ": kernel " + Arrays.toString(kernel) + ", stride " + Arrays.toString(stride)
                        + ", padding " + Arrays.toString(padding) + ", dilation " + Arrays.toString(dilation)
                        + " must each have " + d + " value" + (d == 1 ? "" : "s"));
            }
        }
        for (int a = 0; a < d; a++) {
            if (kernel[a] < 1 || stride[a] < 1 || padding[a] < 0 || dilation[a] < 1) {
                throw new IllegalArgumentException(layer + ": kernel " + Arrays.toString(kernel) + ", stride " + Arrays.toString(stride)
                        + " and dilation " + Arrays.toString(dilation) + " must be positive, padding " + Arrays.toString(padding)
                        + " non-negative");
            }
        }
    }

    static String str(int[] v) {
        return v.length == 2 && v[0] == v[1] ? Integer.toString(v[0]) : Arrays.toString(v);
    }

    static String options(int[] stride, int[] padding, int[] dilation, int groups) {
        StringBuilder sb = new StringBuilder();
        if (Arrays.stream(stride).anyMatch(v -> v != 1)) {
            sb.append(", stride=").append(str(stride));
        }
        if (Arrays.stream(padding).anyMatch(v -> v != 0)) {
            sb.append(", padding=").append(str(padding));
        }
        if (Arrays.stream(dilation).anyMatch(v -> v != 1)) {
            sb.append(", dilation=").append(str(dilation));
        }
        if (groups != 1) {
            sb.append(", groups=").append(groups);
        }
        return sb.toString();
    }
}
