package dev.tapegrad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapegrad.testing.GradCheck;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Convolution and pooling on random small geometries: values against direct loops over the
 * definitions (PyTorch's), and first and second derivatives against central differences.
 */
class ConvPropertiesTest {

    /** A random 2-D (or 1-D, with h = kh = 1) geometry whose kernel fits; groups divide the channels. */
    record Case(int n, int g, int cin, int cout, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw,
                boolean bias) {
        int oh() {
            return dev.tapegrad.kernels.Conv.outSize(h, kh, sh, ph, dh);
        }

        int ow() {
            return dev.tapegrad.kernels.Conv.outSize(w, kw, sw, pw, dw);
        }

        int[] stride() {
            return new int[] {sh, sw};
        }

        int[] padding() {
            return new int[] {ph, pw};
        }

        int[] dilation() {
            return new int[] {dh, dw};
        }
    }

    static Case randomCase(RandomGenerator r, boolean oneD) {
        while (true) {
            int g = 1 + r.nextInt(2);
            Case c = new Case(1 + r.nextInt(2), g, g * (1 + r.nextInt(2)), g * (1 + r.nextInt(2)),
                    oneD ? 1 : 1 + r.nextInt(6), 1 + r.nextInt(7), oneD ? 1 : 1 + r.nextInt(3), 1 + r.nextInt(3),
                    oneD ? 1 : 1 + r.nextInt(2), 1 + r.nextInt(3), oneD ? 0 : r.nextInt(2), r.nextInt(3),
                    oneD ? 1 : 1 + r.nextInt(2), 1 + r.nextInt(2), r.nextBoolean());
            if (c.oh() >= 1 && c.ow() >= 1) {
                return c;
            }
        }
    }

    /** Direct cross-correlation, PyTorch's definition, on [N, Cin, H, W] and [Cout, Cin/g, kh, kw]. */
    static double[] naiveConv(Case c, Tensor x, Tensor w, Tensor b, boolean flip) {
        int oh = c.oh(), ow = c.ow(), cinG = c.cin / c.g, coutG = c.cout / c.g;
        double[] out = new double[c.n * c.cout * oh * ow];
        for (int n = 0; n < c.n; n++) {
            for (int o = 0; o < c.cout; o++) {
                int grp = o / coutG;
                for (int y = 0; y < oh; y++) {
                    for (int xx = 0; xx < ow; xx++) {
                        double s = b == null ? 0 : b.get(o);
                        for (int ci = 0; ci < cinG; ci++) {
                            for (int i = 0; i < c.kh; i++) {
                                for (int j = 0; j < c.kw; j++) {
                                    int iy = y * c.sh - c.ph + i * c.dh, ix = xx * c.sw - c.pw + j * c.dw;
                                    if (iy >= 0 && iy < c.h && ix >= 0 && ix < c.w) {
                                        double wv = flip ? w.get(o, ci, c.kh - 1 - i, c.kw - 1 - j) : w.get(o, ci, i, j);
                                        s += x.get(n, grp * cinG + ci, iy, ix) * wv;
                                    }
                                }
                            }
                        }
                        out[((n * c.cout + o) * oh + y) * ow + xx] = s;
                    }
                }
            }
        }
        return out;
    }

    private static Tensor[] tensors(RandomGenerator r, Case c) {
        Tensor x = Tensor.randn(r, c.n, c.cin, c.h, c.w);
        Tensor w = Tensor.randn(r, c.cout, c.cin / c.g, c.kh, c.kw);
        Tensor b = c.bias ? Tensor.randn(r, c.cout) : null;
        return b == null ? new Tensor[] {x, w} : new Tensor[] {x, w, b};
    }

    private static Tensor conv2d(Case c, Tensor[] in) {
        return Conv.conv2d(in[0], in[1], in.length > 2 ? in[2] : null, c.stride(), c.padding(), c.dilation(), c.g);
    }

    private static Tensor conv1d(Case c, Tensor[] in) {
        return Conv.conv1d(in[0], in[1], in.length > 2 ? in[2] : null, c.sw, c.pw, c.dw, c.g);
    }

    private static Tensor[] as1d(Tensor[] in) {
        Tensor[] out = in.clone();
        out[0] = in[0].reshape(in[0].shape(0), in[0].shape(1), in[0].shape(3));
        out[1] = in[1].reshape(in[1].shape(0), in[1].shape(1), in[1].shape(3));
        return out;
    }

    @Property(tries = 60)
    void conv2dAndConvolve2dMatchTheDirectLoops(@ForAll long seed) {
        RandomGenerator r = OpGradientPropertiesTest.rng(seed);
        Case c = randomCase(r, false);
        Tensor[] in = tensors(r, c);
        Tensor y = conv2d(c, in);
        assertArrayEquals(new int[] {c.n, c.cout, c.oh(), c.ow()}, y.shape(), c.toString());
        assertArrayEquals(naiveConv(c, in[0], in[1], in.length > 2 ? in[2] : null, false), y.toArray(), 1e-12, c.toString());
        Tensor z = Conv.convolve2d(in[0], in[1], in.length > 2 ? in[2] : null, c.stride(), c.padding(), c.dilation(), c.g);
        assertArrayEquals(naiveConv(c, in[0], in[1], in.length > 2 ? in[2] : null, true), z.toArray(), 1e-12, c.toString());
    }

    @Property(tries = 40)
    void conv1dMatchesTheDirectLoop(@ForAll long seed) {
        RandomGenerator r = OpGradientPropertiesTest.rng(seed);
        Case c = randomCase(r, true);
        Tensor[] in = tensors(r, c);
        Tensor y = conv1d(c, as1d(in));
        assertArrayEquals(new int[] {c.n, c.cout, c.ow()}, y.shape(), c.toString());
        assertArrayEquals(naiveConv(c, in[0], in[1], in.length > 2 ? in[2] : null, false), y.toArray(), 1e-12, c.toString());
    }

    @Property(tries = 15)
    void convolutionGradientsFirstAndSecondOrder(@ForAll long seed) {
        RandomGenerator r = OpGradientPropertiesTest.rng(seed);
        Case c = randomCase(r, false);
        Function<Tensor[], Tensor> f2 = in -> conv2d(c, in).tanh().sum();
        GradCheck.assertGradients(f2, tensors(r, c));
        GradCheck.assertSecondOrder(f2, tensors(r, c));
        Case d = randomCase(r, true);
        Function<Tensor[], Tensor> f1 = in -> conv1d(d, in).tanh().sum();
        GradCheck.assertGradients(f1, as1d(tensors(r, d)));
        GradCheck.assertSecondOrder(f1, as1d(tensors(r, d)));
    }

    @Property(tries = 15)
    void convTranspose2dIsTheAdjointOfConv2d(@ForAll long seed) {
        RandomGenerator r = OpGradientPropertiesTest.rng(seed);
        Case c = randomCase(r, false);
        Tensor[] in = tensors(r, c);
        Tensor y = Tensor.randn(r, c.n, c.cout, c.oh(), c.ow());
        int[] op = {c.h - ((c.oh() - 1) * c.sh - 2 * c.ph + c.dh * (c.kh - 1) + 1),
                    c.w - ((c.ow() - 1) * c.sw - 2 * c.pw + c.dw * (c.kw - 1) + 1)};
        Tensor xt = Conv.convTranspose2d(y, in[1], null, c.stride(), c.padding(), op, c.dilation(), c.g);
        assertArrayEquals(in[0].shape(), xt.shape(), c.toString());
        // <conv2d(x, w), y> = <x, convTranspose2d(y, w)>
        double lhs = conv2d(c, new Tensor[] {in[0], in[1]}).mul(y).sum().item(), rhs = in[0].mul(xt).sum().item();
        assertEquals(lhs, rhs, 1e-10 * (1 + Math.abs(lhs)), c.toString());
        Function<Tensor[], Tensor> f = t -> Conv.convTranspose2d(t[0], t[1], t[2], c.stride(), c.padding(), op, c.dilation(), c.g)
                .tanh().sum();
        Tensor[] args = {y, in[1], Tensor.randn(r, c.cin)};
        GradCheck.assertGradients(f, args);
        GradCheck.assertSecondOrder(f, args);
    }

    /** Values on a random permutation of a grid with steps of 0.1: no ties, far apart for central differences. */
    static Tensor distinct(RandomGenerator r, int... shape) {
        int size = 1;
        for (int s : shape) {
            size *= s;
        }
        double[] v = new double[size];
        for (int i = 0; i < size; i++) {
            v[i] = 0.1 * (i - size / 2.0);
        }
        for (int i = size - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            double t = v[i];
            v[i] = v[j];
            v[j] = t;
        }
        return Tensor.of(v, shape);
    }

    /**
     * Direct max or average pooling (padding counts as zeros in the average; for max it is never
     * chosen, and a window wholly in the padding, possible with dilation, gives −Double.MAX_VALUE).
     */
    static double[] naivePool(Case c, Tensor x, boolean max) {
        int oh = c.oh(), ow = c.ow();
        double[] out = new double[c.n * c.cin * oh * ow];
        for (int p = 0; p < c.n * c.cin; p++) {
            for (int y = 0; y < oh; y++) {
                for (int xx = 0; xx < ow; xx++) {
                    double s = max ? -Double.MAX_VALUE : 0;
                    for (int i = 0; i < c.kh; i++) {
                        for (int j = 0; j < c.kw; j++) {
                            int iy = y * c.sh - c.ph + i * c.dh, ix = xx * c.sw - c.pw + j * c.dw;
                            boolean in = iy >= 0 && iy < c.h && ix >= 0 && ix < c.w;
                            double v = in ? x.get(p / c.cin, p % c.cin, iy, ix) : max ? -Double.MAX_VALUE : 0;
                            s = max ? Math.max(s, v) : s + v;
                        }
                    }
                    out[(p * oh + y) * ow + xx] = max ? s : s / (c.kh * c.kw);
                }
            }
        }
        return out;
    }

    private static Case poolCase(RandomGenerator r, boolean max) {
        while (true) {
            Case c = randomCase(r, false);
            // PyTorch's rule: padding at most half the kernel; average pooling has no dilation
            Case p = new Case(c.n, 1, c.cin, c.cin, c.h, c.w, c.kh, c.kw, c.sh, c.sw, Math.min(c.ph, c.kh / 2),
                    Math.min(c.pw, c.kw / 2), max ? c.dh : 1, max ? c.dw : 1, false);
            if (p.oh() >= 1 && p.ow() >= 1) {
                return p;
            }
        }
    }

    @Property(tries = 25)
    void poolingMatchesTheDirectLoopsWithGradients(@ForAll long seed) {
        RandomGenerator r = OpGradientPropertiesTest.rng(seed);
        Case mc = poolCase(r, true);
        Tensor xc = distinct(r, mc.n, mc.cin, mc.h, mc.w);
        double[] ref = naivePool(mc, xc, true);
        assertArrayEquals(ref, Conv.maxPool2d(xc, new int[] {mc.kh, mc.kw}, mc.stride(), mc.padding(), mc.dilation()).toArray(),
                0.0, mc.toString());
        while (java.util.Arrays.stream(ref).anyMatch(v -> v == -Double.MAX_VALUE)) {
            // a window wholly in the padding (dilation) squares to infinity: differentiate elsewhere
            mc = poolCase(r, true);
            xc = distinct(r, mc.n, mc.cin, mc.h, mc.w);
            ref = naivePool(mc, xc, true);
        }
        Case m = mc;
        Tensor x = xc;
        Function<Tensor[], Tensor> maxPool = in -> Conv.maxPool2d(in[0], new int[] {m.kh, m.kw}, m.stride(), m.padding(), m.dilation());
        assertArrayEquals(ref, maxPool.apply(new Tensor[] {x}).toArray(), 0.0, m.toString());
        GradCheck.assertGradients(in -> maxPool.apply(in).square().sum(), x);
        GradCheck.assertSecondOrder(in -> maxPool.apply(in).square().sum(), x);
        Case a = poolCase(r, false);
        Function<Tensor[], Tensor> avgPool = in -> Conv.avgPool2d(in[0], new int[] {a.kh, a.kw}, a.stride(), a.padding());
        Tensor xa = Tensor.randn(r, a.n, a.cin, a.h, a.w);
        assertArrayEquals(naivePool(a, xa, false), avgPool.apply(new Tensor[] {xa}).toArray(), 1e-12, a.toString());
        GradCheck.assertGradients(in -> avgPool.apply(in).tanh().sum(), xa);
        GradCheck.assertSecondOrder(in -> avgPool.apply(in).tanh().sum(), xa);
    }

    @org.junit.jupiter.api.Test
    void maxPoolSendsTheGradientToTheFirstMaximumAndLetsNanWin() {
        // PyTorch's rule: ties go to the first maximum in window order (row by row), NaN beats numbers
        Tensor x = Tensor.of(new double[] {1, 3, 3, 0, 3, 2, 0, 1, Double.NaN}, 1, 1, 3, 3).requiresGrad(true);
        Tensor y;
        try (Tape tape = Tape.record()) {
            y = Conv.maxPool2d(x, new int[] {2}, new int[] {1}, new int[] {0}, new int[] {1});
            tape.backward(y.sum());
        }
        assertArrayEquals(new double[] {3, 3, 3, Double.NaN}, y.toArray(), 0.0);
        assertArrayEquals(new double[] {0, 2, 0, 0, 1, 0, 0, 0, 1}, x.grad().toArray(), 0.0);
    }

    @Property(tries = 30)
    void oneDimensionalPoolingAndAdaptivePooling(@ForAll long seed) {
        RandomGenerator r = OpGradientPropertiesTest.rng(seed);
        int n = 1 + r.nextInt(2), ch = 1 + r.nextInt(3), w = 2 + r.nextInt(8), k = 1 + r.nextInt(Math.min(w, 3));
        int s = 1 + r.nextInt(2), p = r.nextInt(k / 2 + 1);
        Tensor x = distinct(r, n, ch, w);
        Case c = new Case(n, 1, ch, ch, 1, w, 1, k, 1, s, 0, p, 1, 1, false);
        Tensor x4 = x.reshape(n, ch, 1, w);
        assertArrayEquals(naivePool(c, x4, true), Conv.maxPool1d(x, k, s, p, 1).toArray(), 0.0);
        assertArrayEquals(naivePool(c, x4, false), Conv.avgPool1d(x, k, s, p).toArray(), 1e-12);
        GradCheck.assertGradients(in -> Conv.maxPool1d(in[0], k, s, p, 1).square().sum(), x);
        GradCheck.assertSecondOrder(in -> Conv.avgPool1d(in[0], k, s, p).square().sum(), x);
        // adaptive bins: [floor(i·H/oh), ceil((i+1)·H/oh)), averaged directly
        int h = 1 + r.nextInt(7), oh = 1 + r.nextInt(h), ow = 1 + r.nextInt(w);
        Tensor img = Tensor.randn(r, n, ch, h, w);
        Tensor y = Conv.adaptiveAvgPool2d(img, oh, ow);
        assertArrayEquals(new int[] {n, ch, oh, ow}, y.shape());
        for (int b = 0; b < n; b++) {
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    int y0 = i * h / oh, y1 = ((i + 1) * h + oh - 1) / oh, x0 = j * w / ow, x1 = ((j + 1) * w + ow - 1) / ow;
                    double sum = 0;
                    for (int yy = y0; yy < y1; yy++) {
                        for (int xx = x0; xx < x1; xx++) {
                            sum += img.get(b, ch - 1, yy, xx);
                        }
                    }
                    assertEquals(sum / ((y1 - y0) * (x1 - x0)), y.get(b, ch - 1, i, j), 1e-12);
                }
            }
        }
        GradCheck.assertGradients(in -> Conv.adaptiveAvgPool2d(in[0], oh, ow).tanh().sum(), img);
        GradCheck.assertSecondOrder(in -> Conv.adaptiveAvgPool1d(in[0], ow).tanh().sum(), x);
    }

    @Property(tries = 30)
    void im2colAndCol2imAreEachOthersDerivatives(@ForAll long seed) {
        RandomGenerator r = OpGradientPropertiesTest.rng(seed);
        Case c = randomCase(r, r.nextBoolean());
        boolean oneD = c.h == 1 && c.kh == 1 && c.ph == 0 && r.nextBoolean();
        int[] k = oneD ? new int[] {c.kw} : new int[] {c.kh, c.kw};
        int[] s = oneD ? new int[] {c.sw} : c.stride(), p = oneD ? new int[] {c.pw} : c.padding();
        int[] d = oneD ? new int[] {c.dw} : c.dilation(), size = oneD ? new int[] {c.w} : new int[] {c.h, c.w};
        Tensor x = oneD ? Tensor.randn(r, c.n, c.cin, c.w) : Tensor.randn(r, c.n, c.cin, c.h, c.w);
        Tensor cols = Conv.im2col(x, k, s, p, d);
        assertEquals(c.oh() * c.ow(), cols.shape(2));
        Tensor y = Tensor.randn(r, cols.shape());
        // linear pair: col2im is the adjoint of im2col
        assertEquals(cols.mul(y).sum().item(), x.mul(Conv.col2im(y, size, k, s, p, d)).sum().item(), 1e-10 * (1 + cols.size()));
        GradCheck.assertGradients(in -> Conv.im2col(in[0], k, s, p, d).tanh().sum(), x);
        GradCheck.assertSecondOrder(in -> Conv.im2col(in[0], k, s, p, d).square().sum(), x);
        GradCheck.assertGradients(in -> Conv.col2im(in[0], size, k, s, p, d).tanh().sum(), y);
        GradCheck.assertSecondOrder(in -> Conv.col2im(in[0], size, k, s, p, d).tanh().sum(), y);
    }

    @Property(tries = 5)
    void badArgumentsNameTheOpAndShapesAndRecordNothing(@ForAll long seed) {
        Tensor x = Tensor.zeros(2, 3, 5, 5).requiresGrad(true);
        try (Tape tape = Tape.record()) {
            String m = assertThrowsIae(() -> Conv.conv2d(x, Tensor.zeros(4, 3, 3, 3), null, new int[] {1}, new int[] {0},
                    new int[] {1}, 2));
            assertTrue(m.contains("conv2d") && m.contains("[2, 3, 5, 5]") && m.contains("groups"), m);
            m = assertThrowsIae(() -> Conv.conv2d(x, Tensor.zeros(4, 3, 7, 7), null, 1, 0));
            assertTrue(m.contains("conv2d") && m.contains("larger than the padded input"), m);
            m = assertThrowsIae(() -> Conv.conv2d(x, Tensor.zeros(4, 3, 3, 3), Tensor.zeros(3), 1, 0));
            assertTrue(m.contains("bias [3]"), m);
            m = assertThrowsIae(() -> Conv.maxPool2d(x, new int[] {2}, new int[] {2}, new int[] {2}, new int[] {1}));
            assertTrue(m.contains("maxPool2d") && m.contains("half"), m);
            m = assertThrowsIae(() -> Conv.col2im(Tensor.zeros(2, 27, 10), new int[] {5, 5}, new int[] {3, 3}, new int[] {1},
                    new int[] {0}, new int[] {1}));
            assertTrue(m.contains("col2im") && m.contains("[2, 27, 10]"), m);
            m = assertThrowsIae(() -> Conv.conv1d(x, Tensor.zeros(4, 3, 3), null, 1, 0));
            assertTrue(m.contains("conv1d") && m.contains("[2, 3, 5, 5]"), m);
            m = assertThrowsIae(() -> Conv.im2col(x, new int[] {3, 3}, new int[] {0}, new int[] {0}, new int[] {1}));
            assertTrue(m.contains("im2col") && m.contains("stride"), m);
            assertEquals(0, tape.size());
        }
    }

    private static String assertThrowsIae(org.junit.jupiter.api.function.Executable e) {
        return org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, e).getMessage();
    }
}
