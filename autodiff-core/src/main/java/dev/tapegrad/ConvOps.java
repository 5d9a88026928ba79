package dev.tapegrad;

import dev.tapegrad.testing.Domain;
import dev.tapegrad.testing.Gen;
import dev.tapegrad.testing.OpTest;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * The convolution family's op definitions: two linear pairs, {@code im2col}/{@code col2im}
 * (PyTorch's unfold/fold layout {@code [N, C·k, L]}) and {@code im2row}/{@code row2im} (the same
 * entries as {@code [N·L, C·k]}, each window contiguous: average pooling is a row mean of it). The VJP
 * of each op is its partner and its JVP is itself (they are linear), so every order works in both
 * modes. The public functions composed from them are in {@link Conv}; their test metadata is here.
 */
final class ConvOps {
    private ConvOps() {}

    static final Op IM2COL = new Op("im2col") {
        @Override
        Tensor[] vjp(Node call, Tensor g) {
            return new Tensor[] {col2imOp(g, call.attrs())};
        }

        @Override
        Tensor jvp(Node call, Tensor[] t) {
            return im2colOp(t[0], call.attrs());
        }
    };

    static final Op COL2IM = new Op("col2im") {
        @Override
        Tensor[] vjp(Node call, Tensor g) {
            return new Tensor[] {im2colOp(g, call.attrs())};
        }

        @Override
        Tensor jvp(Node call, Tensor[] t) {
            return col2imOp(t[0], call.attrs());
        }
    };

    static final Op IM2ROW = new Op("im2row") {
        @Override
        Tensor[] vjp(Node call, Tensor g) {
            return new Tensor[] {row2imOp(g, call.attrs())};
        }

        @Override
        Tensor jvp(Node call, Tensor[] t) {
            return im2rowOp(t[0], call.attrs());
        }
    };

    static final Op ROW2IM = new Op("row2im") {
        @Override
        Tensor[] vjp(Node call, Tensor g) {
            return new Tensor[] {im2rowOp(g, call.attrs())};
        }

        @Override
        Tensor jvp(Node call, Tensor[] t) {
            return row2imOp(t[0], call.attrs());
        }
    };

    /** {@code [N, C, (H,) W]} to {@code [N, C·k, L]}; the geometry was checked by {@link Conv#spec}. */
    static Tensor im2colOp(Tensor x, Conv.Spec s) {
        double[] out = new double[Shapes.size(s.colShape())];
        dev.tapegrad.kernels.Conv.im2col(x.data, s.imageShape()[0], s.g(), out);
        return IM2COL.finish(s, new Tensor(out, s.colShape().clone()), x);
    }

    /** {@code [N, C·k, L]} back to {@code [N, C, (H,) W]}, summing overlaps. */
    static Tensor col2imOp(Tensor cols, Conv.Spec s) {
        double[] out = new double[Shapes.size(s.imageShape())];
        dev.tapegrad.kernels.Conv.col2im(cols.data, s.imageShape()[0], s.g(), out);
        return COL2IM.finish(s, new Tensor(out, s.imageShape().clone()), cols);
    }

    /** {@code [N, C, (H,) W]} to {@code [N·L, C·k]}. */
    static Tensor im2rowOp(Tensor x, Conv.Spec s) {
        double[] out = new double[Shapes.size(s.colShape())];
        dev.tapegrad.kernels.Conv.im2row(x.data, s.imageShape()[0], s.g(), out);
        return IM2ROW.finish(s, new Tensor(out, new int[] {s.imageShape()[0] * s.g().cols(), s.g().rows()}), x);
    }

    /** {@code [N·L, C·k]} back to {@code [N, C, (H,) W]}, summing overlaps. */
    static Tensor row2imOp(Tensor rows, Conv.Spec s) {
        double[] out = new double[Shapes.size(s.imageShape())];
        dev.tapegrad.kernels.Conv.row2im(rows.data, s.imageShape()[0], s.g(), out);
        return ROW2IM.finish(s, new Tensor(out, s.imageShape().clone()), rows);
    }

    // ---------------------------------------------------------------- test metadata

    private static final Domain VALUES = Domain.free(-2, 2);

    /** A small geometry per spatial axis: kernel, stride, padding, dilation, input and output size. */
    private record Axis(int k, int s, int p, int d, int in) {
        int out() {
            return dev.tapegrad.kernels.Conv.outSize(in, k, s, p, d);
        }
    }

    /** A random axis geometry for an input of size {@code in} whose kernel fits, padding at most {@code maxPad}. */
    private static Axis axis(RandomGenerator rng, int in, int k, int maxPad, boolean dilate) {
        for (int tries = 0; tries < 20; tries++) {
            Axis a = new Axis(k, 1 + rng.nextInt(2), rng.nextInt(maxPad + 1), dilate ? 1 + rng.nextInt(2) : 1, in);
            if (a.out() >= 1) {
                return a;
            }
        }
        return new Axis(k, 1, 0, 1, in);  // the generators keep k ≤ in
    }

    /** The geometries of {@code x}'s spatial axes for a kernel of the given sizes. */
    private static Axis[] axes(RandomGenerator rng, int[] x, int[] kernel, int maxPad, boolean dilate) {
        Axis[] a = new Axis[kernel.length];
        for (int i = 0; i < kernel.length; i++) {
            a[i] = axis(rng, x[2 + i], kernel[i], Math.min(maxPad, kernel[i] / 2), dilate);
        }
        return a;
    }

    /** Refuses shapes of another rank or with an empty axis (random expression trees offer any shape). */
    private static void fits(String op, int[] shape, int rank) {
        if (shape.length != rank || java.util.Arrays.stream(shape).anyMatch(d -> d < 1)) {
            throw new IllegalArgumentException(op + ": takes rank " + rank + ", not " + java.util.Arrays.toString(shape));
        }
    }

    private static int[] ks(Axis[] a) { return java.util.Arrays.stream(a).mapToInt(Axis::k).toArray(); }
    private static int[] ss(Axis[] a) { return java.util.Arrays.stream(a).mapToInt(Axis::s).toArray(); }
    private static int[] ps(Axis[] a) { return java.util.Arrays.stream(a).mapToInt(Axis::p).toArray(); }
    private static int[] ds(Axis[] a) { return java.util.Arrays.stream(a).mapToInt(Axis::d).toArray(); }

    private static String label(Axis[] a) {
        return "k=" + java.util.Arrays.toString(ks(a)) + ",s=" + java.util.Arrays.toString(ss(a)) + ",p="
                + java.util.Arrays.toString(ps(a)) + ",d=" + java.util.Arrays.toString(ds(a));
    }

    /** An image shape [N, C, (H,) W] with small sizes, spatial sizes at least {@code min}. */
    private static int[] image(RandomGenerator rng, int dims, int c, int min) {
        int[] s = new int[2 + dims];
        s[0] = 1 + rng.nextInt(2);
        s[1] = c;
        for (int i = 0; i < dims; i++) {
            s[2 + i] = min + rng.nextInt(5 - min + 1);
        }
        return s;
    }

    private static int kernel(RandomGenerator rng, int size) {
        return 1 + rng.nextInt(Math.min(3, size));
    }

    private static void addUnfold(List<OpTest> out, int dims) {
        String d = dims + "-D";
        out.add(OpTest.of("im2col(" + d + ")", "Conv.im2col(x, kernel, stride, padding, dilation) of a " + d + " image",
                new Domain[] {VALUES}, rng -> new int[][] {image(rng, dims, 1 + rng.nextInt(2), 1)}, (s, rng) -> {
                    fits("im2col", s[0], dims + 2);
                    int[] k = new int[dims];
                    for (int i = 0; i < dims; i++) {
                        k[i] = kernel(rng, s[0][2 + i]);
                    }
                    Axis[] a = axes(rng, s[0], k, 1, true);
                    return new OpTest.Bound(label(a), in -> Conv.im2col(in[0], ks(a), ss(a), ps(a), ds(a)));
                }));
        // col2im's input is im2col's output: a geometry gives the shape, and the binder finds a geometry that fits it
        out.add(OpTest.of("col2im(" + d + ")", "Conv.col2im(cols, size, kernel, stride, padding, dilation) to a " + d + " image",
                new Domain[] {VALUES}, rng -> {
                    int[] img = image(rng, dims, 1 + rng.nextInt(2), 1);
                    int rows = img[1], l = 1;
                    for (int i = 0; i < dims; i++) {
                        Axis a = axis(rng, img[2 + i], kernel(rng, img[2 + i]), 1, true);
                        rows *= a.k();
                        l *= a.out();
                    }
                    return new int[][] {{img[0], rows, l}};
                }, (s, rng) -> {
                    fits("col2im", s[0], 3);
                    List<Axis[]> fits = new ArrayList<>();
                    for (Axis[] g : geometries(dims)) {
                        int k = 1, l = 1;
                        for (Axis a : g) {
                            k *= a.k();
                            l *= a.out();
                        }
                        if (s[0][1] % k == 0 && l == s[0][2]) {
                            fits.add(g);
                        }
                    }
                    if (fits.isEmpty()) {
                        throw new IllegalArgumentException("col2im: no small geometry gives columns " + java.util.Arrays.toString(s[0]));
                    }
                    Axis[] a = fits.get(rng.nextInt(fits.size()));
                    int[] size = java.util.Arrays.stream(a).mapToInt(Axis::in).toArray();
                    return new OpTest.Bound(label(a) + ",size=" + java.util.Arrays.toString(size),
                            in -> Conv.col2im(in[0], size, ks(a), ss(a), ps(a), ds(a)));
                }));
    }

    /** Every small geometry of 1 or 2 axes: kernel ≤ 3, stride ≤ 2, padding ≤ 1, dilation ≤ 2, size ≤ 5. */
    private static List<Axis[]> geometries(int dims) {
        List<Axis> one = new ArrayList<>();
        for (int in = 1; in <= 5; in++) {
            for (int k = 1; k <= 3; k++) {
                for (int st = 1; st <= 2; st++) {
                    for (int p = 0; p <= 1; p++) {
                        for (int dl = 1; dl <= 2; dl++) {
                            Axis a = new Axis(k, st, p, dl, in);
                            if (a.out() >= 1) {
                                one.add(a);
                            }
                        }
                    }
                }
            }
        }
        List<Axis[]> out = new ArrayList<>();
        for (Axis a : one) {
            if (dims == 1) {
                out.add(new Axis[] {a});
            } else {
                for (Axis b : one) {
                    out.add(new Axis[] {a, b});
                }
            }
        }
        return out;
    }

    /** A convolution entry: x [N, Cin, (H,) W], weight [Cout, Cin/groups, k...] and optionally a bias. */
    private interface ConvFn {
        Tensor apply(Tensor[] in, Axis[] a, int groups);
    }

    private static void addConv(List<OpTest> out, String name, String description, int dims, boolean grouped, boolean bias,
                                ConvFn f) {
        Domain[] doms = bias ? new Domain[] {VALUES, VALUES, VALUES} : new Domain[] {VALUES, VALUES};
        out.add(OpTest.of(name, description, doms, rng -> {
            int g = grouped ? 2 : 1;
            int[] x = image(rng, dims, g * (1 + rng.nextInt(2)), 1);
            int[] w = new int[2 + dims];
            w[0] = g * (1 + rng.nextInt(2));
            w[1] = x[1] / g;
            for (int i = 0; i < dims; i++) {
                w[2 + i] = kernel(rng, x[2 + i]);
            }
            return bias ? new int[][] {x, w, {w[0]}} : new int[][] {x, w};
        }, (s, rng) -> {
            fits(name, s[0], dims + 2);
            fits(name, s[1], dims + 2);
            if (s[1][1] < 1 || s[0][1] % s[1][1] != 0 || (bias && s[2].length != 1)) {
                throw new IllegalArgumentException(name + ": shapes do not fit");
            }
            int groups = s[0][1] / s[1][1];
            Axis[] a = axes(rng, s[0], java.util.Arrays.copyOfRange(s[1], 2, 2 + dims), 1, true);
            return new OpTest.Bound(label(a) + (groups > 1 ? ",groups=" + groups : ""), in -> f.apply(in, a, groups));
        }));
    }

    private static Tensor bias(Tensor[] in) {
        return in.length > 2 ? in[2] : null;
    }

    /** A pooling entry on x [N, C, (H,) W]; max pooling keeps its inputs away from ties within a window. */
    private static void addPool(List<OpTest> out, String name, String description, int dims, boolean max,
                                java.util.function.BiFunction<Tensor, Axis[], Tensor> f) {
        out.add(OpTest.of(name, description, new Domain[] {VALUES}, rng -> new int[][] {image(rng, dims, 1 + rng.nextInt(2), 1)},
                (s, rng) -> {
                    fits(name, s[0], dims + 2);
                    int[] k = new int[dims];
                    for (int i = 0; i < dims; i++) {
                        k[i] = kernel(rng, s[0][2 + i]);
                    }
                    // average pooling has no dilation; max pooling's margin is computed without padding
                    Axis[] a = axes(rng, s[0], k, max ? 0 : 1, max);
                    Function<Tensor[], Tensor> fn = in -> f.apply(in[0], a);
                    java.util.function.ToDoubleFunction<Tensor[]> margin = !max ? in -> Double.POSITIVE_INFINITY : in -> {
                        Tensor x = in[0];
                        int[] plane = java.util.Arrays.copyOf(x.shape, x.rank());
                        plane[0] = x.shape[0] * x.shape[1];
                        plane[1] = 1;
                        Tensor rows;
                        try (Tape.Pause p = Tape.pause()) {
                            rows = im2rowOp(x.reshape(plane), Conv.spec("margin", plane, ks(a), ss(a), ps(a), ds(a), dims));
                        }
                        return Gen.topGap(rows.toArray(), rows.shape[0], rows.shape[1], 1, false);
                    };
                    return new OpTest.Bound(label(a), fn, margin);
                }));
    }

    static final OpRegistry.Family FAMILY = new OpRegistry.Family() {
        /** The two primitive pairs' public forms, then the convolutions and poolings composed from them. */
        @Override
        public List<OpTest> tests() {
            List<OpTest> out = new ArrayList<>();
            addUnfold(out, 1);
            addUnfold(out, 2);
            addConv(out, "conv1d", "Conv.conv1d(x, w, null, stride, padding, dilation, 1)", 1, false, false,
                    (in, a, g) -> Conv.conv1d(in[0], in[1], null, a[0].s(), a[0].p(), a[0].d(), g));
            addConv(out, "conv1d(groups,bias)", "Conv.conv1d with 2 groups and a bias", 1, true, true,
                    (in, a, g) -> Conv.conv1d(in[0], in[1], bias(in), a[0].s(), a[0].p(), a[0].d(), g));
            addConv(out, "conv2d", "Conv.conv2d(x, w, null, stride, padding, dilation, 1)", 2, false, false,
                    (in, a, g) -> Conv.conv2d(in[0], in[1], null, ss(a), ps(a), ds(a), g));
            addConv(out, "conv2d(bias)", "Conv.conv2d with a bias", 2, false, true,
                    (in, a, g) -> Conv.conv2d(in[0], in[1], bias(in), ss(a), ps(a), ds(a), g));
            addConv(out, "conv2d(groups,bias)", "Conv.conv2d with 2 groups and a bias", 2, true, true,
                    (in, a, g) -> Conv.conv2d(in[0], in[1], bias(in), ss(a), ps(a), ds(a), g));
            addConv(out, "convolve1d", "Conv.convolve1d: the kernel flipped", 1, false, true,
                    (in, a, g) -> Conv.convolve1d(in[0], in[1], bias(in), a[0].s(), a[0].p(), a[0].d(), g));
            addConv(out, "convolve2d", "Conv.convolve2d: the kernel flipped on both axes", 2, true, false,
                    (in, a, g) -> Conv.convolve2d(in[0], in[1], null, ss(a), ps(a), ds(a), g));
            addConv(out, "convTranspose2d", "Conv.convTranspose2d(x, w, bias, stride, padding, 0, dilation, groups), weight [Cin, Cout/groups, kh, kw]",
                    2, true, false, (in, a, g) -> Conv.convTranspose2d(in[0], in[1].reshape(in[0].shape(1), in[1].size() / in[0].shape(1)
                            / in[1].shape(2) / in[1].shape(3), in[1].shape(2), in[1].shape(3)), null, ss(a), new int[] {0}, new int[] {0}, ds(a), g));
            addPool(out, "maxPool1d", "Conv.maxPool1d(x, k, stride, 0, dilation), the gradient to the first maximum", 1, true,
                    (x, a) -> Conv.maxPool1d(x, a[0].k(), a[0].s(), 0, a[0].d()));
            addPool(out, "maxPool2d", "Conv.maxPool2d(x, kernel, stride, 0, dilation), the gradient to the first maximum", 2, true,
                    (x, a) -> Conv.maxPool2d(x, ks(a), ss(a), ps(a), ds(a)));
            addPool(out, "avgPool1d", "Conv.avgPool1d(x, k, stride, padding)", 1, false,
                    (x, a) -> Conv.avgPool1d(x, a[0].k(), a[0].s(), a[0].p()));
            addPool(out, "avgPool2d", "Conv.avgPool2d(x, kernel, stride, padding), zero padding counted", 2, false,
                    (x, a) -> Conv.avgPool2d(x, ks(a), ss(a), ps(a)));
            addPool(out, "adaptiveAvgPool2d", "Conv.adaptiveAvgPool2d(x, outH, outW), PyTorch's bins", 2, false,
                    (x, a) -> Conv.adaptiveAvgPool2d(x, Math.max(1, a[0].out()), Math.max(1, a[1].out())));
            return out;
        }

        @Override
        public List<OpRegistry.NamedFunction> functions() {
            return List.of(
                    new OpRegistry.NamedFunction("conv2d", 2, "Conv.conv2d(x [N,C,H,W], w [Cout,C,kh,kw], null, 1, 0)",
                            in -> Conv.conv2d(in[0], in[1], null, 1, 0)),
                    new OpRegistry.NamedFunction("conv1d", 2, "Conv.conv1d(x [N,C,W], w [Cout,C,k], null, 1, 0)",
                            in -> Conv.conv1d(in[0], in[1], null, 1, 0)),
                    new OpRegistry.NamedFunction("maxPool2d", 1, "Conv.maxPool2d(x [N,C,H,W], 2)", in -> Conv.maxPool2d(in[0], 2)),
                    new OpRegistry.NamedFunction("avgPool2d", 1, "Conv.avgPool2d(x [N,C,H,W], 2)", in -> Conv.avgPool2d(in[0], 2)));
        }
    };
}
