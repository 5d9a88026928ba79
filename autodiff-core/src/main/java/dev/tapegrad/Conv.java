package dev.tapegrad;

import dev.tapegrad.kernels.Conv.Geometry;
import java.util.Arrays;

/**
 * Convolution and pooling (PyTorch semantics, N-C-(H-)W layout, batch first), built on one linear
 * primitive pair: {@link #im2col} (PyTorch's {@code unfold}) and its adjoint {@link #col2im}
 * ({@code fold}). The VJP of each is the other, so everything composed from them and Tensor ops
 * (matmul, reshape, max and mean reductions) has first and higher derivatives.
 *
 * <pre>{@code
 * Tensor x = Tensor.randn(rng, 8, 1, 28, 28);                 // N, C, H, W
 * Tensor w = Tensor.randn(rng, 6, 1, 5, 5).requiresGrad(true); // Cout, Cin/groups, kh, kw
 * Tensor y = Conv.conv2d(x, w, null, 1, 2);                     // [8, 6, 28, 28]
 * Tensor p = Conv.maxPool2d(y.relu(), 2);                       // [8, 6, 14, 14]
 * }</pre>
 *
 * <p>Sizes per spatial axis are given as {@code int[]} of length 1 (1-D) or 2 (2-D, height then
 * width); the {@code int} overloads use the same value on every axis. Output length per axis is
 * {@code floor((in + 2·padding − dilation·(kernel − 1) − 1) / stride) + 1}. Every error names the op
 * and the shapes and is thrown before anything is recorded.
 */
public final class Conv {
    private Conv() {}

    /**
     * The output length along one axis, {@code floor((in + 2·padding − dilation·(kernel − 1) − 1) /
     * stride) + 1}; 0 or less when the kernel does not fit the padded input.
     */
    public static int outputSize(int in, int kernel, int stride, int padding, int dilation) {
        return dev.tapegrad.kernels.Conv.outSize(in, kernel, stride, padding, dilation);
    }

    // ---------------------------------------------------------------- the primitive pair

    /**
     * Unfolds sliding blocks: {@code x [N, C, W]} (1-D, kernel of length 1) or {@code [N, C, H, W]}
     * (2-D) becomes {@code [N, C·k, L]}, where row {@code (c, i, j)} (channel outermost) and column
     * {@code l} (output position, row-major) hold the input under kernel tap (i, j) at position l,
     * or 0 in the padding. Linear; its VJP is {@link #col2im}.
     */
    public static Tensor im2col(Tensor x, int[] kernel, int[] stride, int[] padding, int[] dilation) {
        Spec s = spec("im2col", x.shape, kernel, stride, padding, dilation, x.rank() - 2);
        return ConvOps.im2colOp(x, s);
    }

    /**
     * Folds columns back into images, summing overlapping entries: {@code cols [N, C·k, L]} becomes
     * {@code [N, C, outputSize...]}; the adjoint of {@link #im2col} with the same geometry (so
     * {@code L} must be the number of positions im2col gives for {@code outputSize}). Its VJP is
     * {@link #im2col}.
     */
    public static Tensor col2im(Tensor cols, int[] outputSize, int[] kernel, int[] stride, int[] padding, int[] dilation) {
        int d = outputSize.length;
        if (cols.rank() != 3 || (d != 1 && d != 2)) {
            throw new IllegalArgumentException("col2im: expected columns [N, C·k, L] and an output size of 1 or 2 axes, got "
                    + Shapes.str(cols.shape) + " and output size " + Arrays.toString(outputSize));
        }
        int k = 1;
        for (int v : expand("col2im", "kernel", kernel, d)) {
            k *= Math.max(v, 1);
        }
        if (cols.shape[1] % k != 0) {
            throw new IllegalArgumentException("col2im: columns " + Shapes.str(cols.shape) + " have " + cols.shape[1]
                    + " rows, not a multiple of the kernel size " + k + " (kernel " + Arrays.toString(kernel) + ")");
        }
        int[] img = new int[d + 2];
        img[0] = cols.shape[0];
        img[1] = cols.shape[1] / k;
        System.arraycopy(outputSize, 0, img, 2, d);
        Spec s = spec("col2im", img, kernel, stride, padding, dilation, d);
        if (s.g.cols() != cols.shape[2]) {
            throw new IllegalArgumentException("col2im: columns " + Shapes.str(cols.shape) + " have " + cols.shape[2]
                    + " positions but output size " + Arrays.toString(outputSize) + " with kernel " + Arrays.toString(kernel)
                    + ", stride " + Arrays.toString(stride) + ", padding " + Arrays.toString(padding) + ", dilation "
                    + Arrays.toString(dilation) + " gives " + s.g.cols());
        }
        return ConvOps.col2imOp(cols, s);
    }

    /** A checked geometry: the image shape, the column shape and the kernel-level geometry. */
    record Spec(int[] imageShape, int[] colShape, Geometry g) {}

    private static int[] expand(String op, String what, int[] v, int d) {
        if (v == null || (v.length != 1 && v.length != d)) {
            throw new IllegalArgumentException(op + ": " + what + " " + Arrays.toString(v) + " must have 1 or " + d + " values");
        }
        return v.length == d ? v : (d == 1 ? v : new int[] {v[0], v[0]});
    }

    /** Validates a d-dimensional geometry on an image shape [N, C, (H,) W]. */
    static Spec spec(String op, int[] x, int[] kernel, int[] stride, int[] padding, int[] dilation, int d) {
        if (d != 1 && d != 2) {
            throw new IllegalArgumentException(op + ": expected an input [N, C, W] or [N, C, H, W], got " + Shapes.str(x));
        }
        int[] k = expand(op, "kernel", kernel, d), s = expand(op, "stride", stride, d);
        int[] p = expand(op, "padding", padding, d), dl = expand(op, "dilation", dilation, d);
        for (int a = 0; a < d; a++) {
            if (k[a] < 1 || s[a] < 1 || p[a] < 0 || dl[a] < 1) {
                throw new IllegalArgumentException(op + ": kernel " + Arrays.toString(k) + " and stride " + Arrays.toString(s)
                        + " must be positive, padding " + Arrays.toString(p) + " non-negative, dilation " + Arrays.toString(dl)
                        + " positive (input " + Shapes.str(x) + ")");
            }
            int in = x[2 + a];
            if (dev.tapegrad.kernels.Conv.outSize(in, k[a], s[a], p[a], dl[a]) < 1) {
                throw new IllegalArgumentException(op + ": kernel " + Arrays.toString(k) + " with dilation " + Arrays.toString(dl)
                        + " is larger than the padded input " + Shapes.str(x) + " (padding " + Arrays.toString(p) + ")");
            }
        }
        int h = d == 2 ? x[2] : 1, w = x[d + 1];
        Geometry g = d == 2
                ? new Geometry(x[1], h, w, k[0], k[1], s[0], s[1], p[0], p[1], dl[0], dl[1])
                : new Geometry(x[1], 1, w, 1, k[0], 1, s[0], 0, p[0], 1, dl[0]);
        return new Spec(x.clone(), new int[] {x[0], g.rows(), g.cols()}, g);
    }

    // ---------------------------------------------------------------- convolution

    /** {@link #conv2d(Tensor, Tensor, Tensor, int[], int[], int[], int)} with the same stride and padding on both axes, no dilation, one group. */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int stride, int padding) {
        return conv2d(x, weight, bias, new int[] {stride}, new int[] {padding}, new int[] {1}, 1);
    }

    /**
     * 2-D cross-correlation as PyTorch's {@code conv2d}: {@code x [N, Cin, H, W]}, {@code weight
     * [Cout, Cin/groups, kh, kw]}, {@code bias [Cout]} or null; gives {@code [N, Cout, oh, ow]}.
     * Channels are split into {@code groups} independent blocks.
     */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int[] stride, int[] padding, int[] dilation, int groups) {
        return conv("conv2d", x, weight, bias, stride, padding, dilation, groups, 2);
    }

    /** {@link #conv1d(Tensor, Tensor, Tensor, int, int, int, int)} with no dilation and one group. */
    public static Tensor conv1d(Tensor x, Tensor weight, Tensor bias, int stride, int padding) {
        return conv1d(x, weight, bias, stride, padding, 1, 1);
    }

    /**
     * 1-D cross-correlation as PyTorch's {@code conv1d}: {@code x [N, Cin, W]}, {@code weight
     * [Cout, Cin/groups, k]}, {@code bias [Cout]} or null; gives {@code [N, Cout, ow]}.
     */
    public static Tensor conv1d(Tensor x, Tensor weight, Tensor bias, int stride, int padding, int dilation, int groups) {
        return conv("conv1d", x, weight, bias, new int[] {stride}, new int[] {padding}, new int[] {dilation}, groups, 1);
    }

    /**
     * 2-D convolution proper (the kernel flipped on both spatial axes, as in signal processing and
     * {@code scipy.signal.convolve2d}); otherwise as {@link #conv2d(Tensor, Tensor, Tensor, int[], int[], int[], int)}.
     */
    public static Tensor convolve2d(Tensor x, Tensor weight, Tensor bias, int[] stride, int[] padding, int[] dilation, int groups) {
        checkRank("convolve2d", weight, 4, "weight [Cout, Cin/groups, kh, kw]");
        return conv2d(x, flip(flip(weight, 2), 3), bias, stride, padding, dilation, groups);
    }

    /** 1-D convolution proper (the kernel flipped); otherwise as {@link #conv1d(Tensor, Tensor, Tensor, int, int, int, int)}. */
    public static Tensor convolve1d(Tensor x, Tensor weight, Tensor bias, int stride, int padding, int dilation, int groups) {
        checkRank("convolve1d", weight, 3, "weight [Cout, Cin/groups, k]");
        return conv1d(x, flip(weight, 2), bias, stride, padding, dilation, groups);
    }

    private static Tensor conv(String op, Tensor x, Tensor w, Tensor bias, int[] stride, int[] padding, int[] dilation,
                               int groups, int d) {
        checkRank(op, x, d + 2, d == 2 ? "input [N, Cin, H, W]" : "input [N, Cin, W]");
        checkRank(op, w, d + 2, d == 2 ? "weight [Cout, Cin/groups, kh, kw]" : "weight [Cout, Cin/groups, k]");
        int n = x.shape[0], cin = x.shape[1], cout = w.shape[0];
        if (groups < 1 || cin % groups != 0 || cout % groups != 0 || w.shape[1] * groups != cin) {
            throw new IllegalArgumentException(op + ": input " + Shapes.str(x.shape) + " and weight " + Shapes.str(w.shape)
                    + " do not fit groups = " + groups + " (need Cin and Cout divisible by groups and weight.shape[1] = Cin/groups)");
        }
        checkBias(op, bias, cout, w);
        int[] kernel = Arrays.copyOfRange(w.shape, 2, 2 + d);
        Spec s = spec(op, x.shape, kernel, stride, padding, dilation, d);
        int ck = s.g.rows() / groups, l = s.g.cols();
        // per image and group, W [Cout/g, C·k/g] · cols [C·k/g, L]: the output comes out as [N, Cout, L]
        // with no transpose, and im2col copies whole rows of pixels (measured against one product
        // [N·L, C·k]·Wᵀ over im2row's layout: a LeNet-5 step 17.8 ms against 29.7 at 1 thread)
        Tensor y = w.reshape(groups, cout / groups, ck).matmul(ConvOps.im2colOp(x, s).reshape(n, groups, ck, l));
        int[] outShape = d == 2 ? new int[] {n, cout, s.g.oh(), s.g.ow()} : new int[] {n, cout, s.g.ow()};
        y = y.reshape(outShape);
        return bias == null ? y : y.add(bias.reshape(d == 2 ? new int[] {1, cout, 1, 1} : new int[] {1, cout, 1}));
    }

    /**
     * 2-D transposed convolution as PyTorch's {@code conv_transpose2d} (the adjoint of conv2d in
     * x): {@code x [N, Cin, H, W]}, {@code weight [Cin, Cout/groups, kh, kw]}, {@code bias [Cout]}
     * or null; output size {@code (H − 1)·stride − 2·padding + dilation·(k − 1) + outputPadding + 1}
     * per axis, with {@code outputPadding < stride}.
     */
    public static Tensor convTranspose2d(Tensor x, Tensor weight, Tensor bias, int[] stride, int[] padding,
                                         int[] outputPadding, int[] dilation, int groups) {
        String op = "convTranspose2d";
        checkRank(op, x, 4, "input [N, Cin, H, W]");
        checkRank(op, weight, 4, "weight [Cin, Cout/groups, kh, kw]");
        int n = x.shape[0], cin = x.shape[1];
        if (groups < 1 || weight.shape[0] != cin || cin % groups != 0) {
            throw new IllegalArgumentException(op + ": input " + Shapes.str(x.shape) + " and weight " + Shapes.str(weight.shape)
                    + " do not fit groups = " + groups + " (need weight.shape[0] = Cin, divisible by groups)");
        }
        int coutG = weight.shape[1], cout = coutG * groups;
        checkBias(op, bias, cout, weight);
        int[] k = {weight.shape[2], weight.shape[3]};
        int[] s = expand(op, "stride", stride, 2), p = expand(op, "padding", padding, 2);
        int[] op2 = expand(op, "outputPadding", outputPadding, 2), dl = expand(op, "dilation", dilation, 2);
        int[] size = new int[2];
        for (int a = 0; a < 2; a++) {
            size[a] = (x.shape[2 + a] - 1) * s[a] - 2 * p[a] + dl[a] * (k[a] - 1) + op2[a] + 1;
            if (op2[a] < 0 || op2[a] >= Math.max(s[a], 1) || size[a] < 1) {
                throw new IllegalArgumentException(op + ": input " + Shapes.str(x.shape) + ", weight " + Shapes.str(weight.shape)
                        + ", stride " + Arrays.toString(s) + ", padding " + Arrays.toString(p) + ", output padding "
                        + Arrays.toString(op2) + " (must be in [0, stride)): output size " + Arrays.toString(size) + " is not valid");
            }
        }
        Spec spec = spec(op, new int[] {n, cout, size[0], size[1]}, k, s, p, dl, 2);
        int cinG = cin / groups, hw = x.shape[2] * x.shape[3], kk = k[0] * k[1];
        Tensor cols = weight.reshape(groups, cinG, coutG * kk).transpose()
                .matmul(x.reshape(n, groups, cinG, hw)).reshape(n, cout * kk, hw);
        Tensor y = ConvOps.col2imOp(cols, spec);
        return bias == null ? y : y.add(bias.reshape(1, cout, 1, 1));
    }

    private static void checkRank(String op, Tensor t, int rank, String what) {
        if (t == null || t.rank() != rank) {
            throw new IllegalArgumentException(op + ": expected " + what + ", got " + (t == null ? "null" : Shapes.str(t.shape)));
        }
    }

    private static void checkBias(String op, Tensor bias, int cout, Tensor w) {
        if (bias != null && (bias.rank() != 1 || bias.shape[0] != cout)) {
            throw new IllegalArgumentException(op + ": bias " + Shapes.str(bias.shape) + " does not match weight "
                    + Shapes.str(w.shape) + " (expected [" + cout + "])");
        }
    }

    /** Reverses axis {@code axis} (2 or 3) exactly, as a product with the exchange matrix. */
    private static Tensor flip(Tensor t, int axis) {
        int k = t.shape[axis];
        double[] j = new double[k * k];
        for (int i = 0; i < k; i++) {
            j[i * k + (k - 1 - i)] = 1;
        }
        Tensor ex = new Tensor(j, new int[] {k, k});
        return axis == t.rank() - 1 ? t.matmul(ex) : ex.matmul(t);
    }

    // ---------------------------------------------------------------- pooling

    /** {@link #maxPool2d(Tensor, int[], int[], int[], int[])} with a square kernel, stride = kernel, no padding. */
    public static Tensor maxPool2d(Tensor x, int kernel) {
        return maxPool2d(x, new int[] {kernel}, new int[] {kernel}, new int[] {0}, new int[] {1});
    }

    /**
     * 2-D max pooling as PyTorch's {@code max_pool2d} (floor mode): {@code x [N, C, H, W]} gives
     * {@code [N, C, oh, ow]}. Padding is at most half the kernel and counts as −{@code Double.MAX_VALUE}
     * (never chosen over a finite value; so a window wholly in the padding, possible only with
     * dilation, gives −Double.MAX_VALUE where PyTorch gives −∞, and no infinity ever appears for
     * anomaly mode to flag). The gradient of a window goes to its first maximum in window order
     * (row by row), and a NaN counts as the maximum, as in PyTorch.
     */
    public static Tensor maxPool2d(Tensor x, int[] kernel, int[] stride, int[] padding, int[] dilation) {
        return pool("maxPool2d", x, kernel, stride, padding, dilation, 2, true);
    }

    /** 1-D max pooling, {@code x [N, C, W]}; as {@link #maxPool2d(Tensor, int[], int[], int[], int[])}. */
    public static Tensor maxPool1d(Tensor x, int kernel, int stride, int padding, int dilation) {
        return pool("maxPool1d", x, new int[] {kernel}, new int[] {stride}, new int[] {padding}, new int[] {dilation}, 1, true);
    }

    /** {@link #avgPool2d(Tensor, int[], int[], int[])} with a square kernel, stride = kernel, no padding. */
    public static Tensor avgPool2d(Tensor x, int kernel) {
        return avgPool2d(x, new int[] {kernel}, new int[] {kernel}, new int[] {0});
    }

    /**
     * 2-D average pooling as PyTorch's {@code avg_pool2d} with its defaults (floor mode,
     * {@code count_include_pad=True}: zero padding counts in the mean).
     */
    public static Tensor avgPool2d(Tensor x, int[] kernel, int[] stride, int[] padding) {
        return pool("avgPool2d", x, kernel, stride, padding, new int[] {1}, 2, false);
    }

    /** 1-D average pooling, {@code x [N, C, W]}; as {@link #avgPool2d(Tensor, int[], int[], int[])}. */
    public static Tensor avgPool1d(Tensor x, int kernel, int stride, int padding) {
        return pool("avgPool1d", x, new int[] {kernel}, new int[] {stride}, new int[] {padding}, new int[] {1}, 1, false);
    }

    private static Tensor pool(String op, Tensor x, int[] kernel, int[] stride, int[] padding, int[] dilation, int d,
                               boolean max) {
        checkRank(op, x, d + 2, d == 2 ? "input [N, C, H, W]" : "input [N, C, W]");
        Spec s = spec(op, x.shape, kernel, stride, padding, dilation, d);
        Geometry g = s.g;
        int n = x.shape[0], c = x.shape[1];
        int[] k = {g.kh(), g.kw()}, p = {g.ph(), g.pw()};
        for (int a = 2 - d; a < 2 && max; a++) {
            if (2 * p[a] > k[a]) {
                throw new IllegalArgumentException(op + ": padding " + Arrays.toString(padding) + " must be at most half the kernel "
                        + Arrays.toString(kernel) + " (input " + Shapes.str(x.shape) + ")");
            }
        }
        int[] outShape = d == 2 ? new int[] {n, c, g.oh(), g.ow()} : new int[] {n, c, g.ow()};
        if (max) {
            // the maximum of each window is a gather of x at the index it came from: its gradient
            // goes to that one pixel (PyTorch's rule) and gather's rules give every order
            int[] map = new int[Shapes.size(outShape)];
            dev.tapegrad.kernels.Conv.maxPoolIndices(x.data, n * c, g, map);
            Tensor y = IndexMaps.gather(x, map, outShape);
            if ((g.dh() > 1 || g.dw() > 1) && Arrays.stream(map).anyMatch(i -> i < 0)) {
                // a window wholly in the padding (possible only with dilation): the padding's value
                double[] pad = new double[map.length];
                for (int i = 0; i < map.length; i++) {
                    pad[i] = map[i] < 0 ? -Double.MAX_VALUE : 0.0;
                }
                y = y.add(new Tensor(pad, outShape.clone()));
            }
            return y;
        }
        int[] plane = d == 2 ? new int[] {n * c, 1, g.h(), g.w()} : new int[] {n * c, 1, g.w()};
        Tensor rows = ConvOps.im2rowOp(x.reshape(plane), spec(op, plane, kernel, stride, padding, dilation, d));
        return rows.mean(1).reshape(outShape);   // [N·C·L, k]: each window contiguous
    }

    /**
     * Adaptive 2-D average pooling as PyTorch's {@code adaptive_avg_pool2d}: output cell (i, j)
     * averages rows {@code [floor(i·H/oh), ceil((i+1)·H/oh))} and the same for columns. The average
     * over a rectangle is separable, so this is {@code Ph · x · Pwᵀ} with constant averaging matrices.
     */
    public static Tensor adaptiveAvgPool2d(Tensor x, int outH, int outW) {
        checkRank("adaptiveAvgPool2d", x, 4, "input [N, C, H, W]");
        if (outH < 1 || outW < 1) {
            throw new IllegalArgumentException("adaptiveAvgPool2d: output size [" + outH + ", " + outW
                    + "] must be positive (input " + Shapes.str(x.shape) + ")");
        }
        return averaging(outH, x.shape[2]).matmul(x).matmul(averaging(outW, x.shape[3]).transpose());
    }

    /** Adaptive 1-D average pooling, {@code x [N, C, W]} to {@code [N, C, out]}. */
    public static Tensor adaptiveAvgPool1d(Tensor x, int out) {
        checkRank("adaptiveAvgPool1d", x, 3, "input [N, C, W]");
        if (out < 1) {
            throw new IllegalArgumentException("adaptiveAvgPool1d: output size " + out + " must be positive (input "
                    + Shapes.str(x.shape) + ")");
        }
        return x.matmul(averaging(out, x.shape[2]).transpose());
    }

    /** The [out, in] matrix whose row i averages PyTorch's adaptive bin i. */
    private static Tensor averaging(int out, int in) {
        double[] m = new double[out * in];
        for (int i = 0; i < out; i++) {
            int lo = Math.floorDiv(i * in, out), hi = -Math.floorDiv(-(i + 1) * in, out);
            for (int j = lo; j < hi; j++) {
                m[i * in + j] = 1.0 / (hi - lo);
            }
        }
        return new Tensor(m, new int[] {out, in});
    }
}
