package dev.tapegrad.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** im2col and col2im against direct loops over the definition, and their independence of the thread count. */
class ConvKernelTest {

    private static RandomGenerator rng(long seed) {
        return RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
    }

    /** A random geometry whose kernel fits the padded image. */
    private static Conv.Geometry geometry(RandomGenerator r, boolean oneD) {
        while (true) {
            int c = 1 + r.nextInt(3), h = oneD ? 1 : 1 + r.nextInt(9), w = 1 + r.nextInt(11);
            int kh = oneD ? 1 : 1 + r.nextInt(4), kw = 1 + r.nextInt(4);
            int sh = oneD ? 1 : 1 + r.nextInt(3), sw = 1 + r.nextInt(3);
            int ph = oneD ? 0 : r.nextInt(3), pw = r.nextInt(3), dh = oneD ? 1 : 1 + r.nextInt(2), dw = 1 + r.nextInt(2);
            Conv.Geometry g = new Conv.Geometry(c, h, w, kh, kw, sh, sw, ph, pw, dh, dw);
            if (g.oh() >= 1 && g.ow() >= 1) {
                return g;
            }
        }
    }

    /** The definition: out[n, (c,i,j), (y,x)] = in[n, c, y·sh − ph + i·dh, x·sw − pw + j·dw] or 0. */
    static double[] naiveIm2col(double[] in, int n, Conv.Geometry g) {
        int oh = g.oh(), ow = g.ow();
        double[] out = new double[n * g.rows() * g.cols()];
        for (int b = 0; b < n; b++) {
            for (int c = 0; c < g.c(); c++) {
                for (int i = 0; i < g.kh(); i++) {
                    for (int j = 0; j < g.kw(); j++) {
                        int row = (c * g.kh() + i) * g.kw() + j;
                        for (int y = 0; y < oh; y++) {
                            for (int x = 0; x < ow; x++) {
                                int iy = y * g.sh() - g.ph() + i * g.dh(), ix = x * g.sw() - g.pw() + j * g.dw();
                                double v = iy >= 0 && iy < g.h() && ix >= 0 && ix < g.w()
                                        ? in[((b * g.c() + c) * g.h() + iy) * g.w() + ix] : 0;
                                out[(b * g.rows() + row) * g.cols() + y * ow + x] = v;
                            }
                        }
                    }
                }
            }
        }
        return out;
    }

    @Property(tries = 100)
    void im2colMatchesTheDefinitionAndCol2imIsItsAdjoint(@ForAll long seed) {
        RandomGenerator r = rng(seed);
        Conv.Geometry g = geometry(r, r.nextBoolean());
        int n = 1 + r.nextInt(3);
        double[] x = new double[n * g.c() * g.h() * g.w()], y = new double[n * g.rows() * g.cols()];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextGaussian();
        }
        for (int i = 0; i < y.length; i++) {
            y[i] = r.nextGaussian();
        }
        double[] cols = new double[y.length];
        java.util.Arrays.fill(cols, Double.NaN);  // every element must be written
        Conv.im2col(x, n, g, cols);
        assertArrayEquals(naiveIm2col(x, n, g), cols, 0.0, g.toString());
        double[] back = new double[x.length];
        java.util.Arrays.fill(back, Double.NaN);
        Conv.col2im(y, n, g, back);
        // <im2col x, y> = <x, col2im y>
        double lhs = 0, rhs = 0;
        for (int i = 0; i < y.length; i++) {
            lhs += cols[i] * y[i];
        }
        for (int i = 0; i < x.length; i++) {
            rhs += x[i] * back[i];
        }
        assertEquals(lhs, rhs, 1e-10 * (1 + Math.abs(lhs)), g.toString());
        // col2im against the scatter loop over the definition's indices
        double[] ref = new double[x.length];
        double[] ones = naiveIndexMap(n, g);
        for (int i = 0; i < y.length; i++) {
            if (ones[i] >= 0) {
                ref[(int) ones[i]] += y[i];
            }
        }
        assertArrayEquals(ref, back, 1e-12, g.toString());
    }

    @Property(tries = 80)
    void im2rowIsIm2colTransposedPerImageAndRow2imItsAdjoint(@ForAll long seed) {
        RandomGenerator r = rng(seed);
        Conv.Geometry g = geometry(r, r.nextBoolean());
        int n = 1 + r.nextInt(3), rows = g.rows(), cols = g.cols();
        double[] x = new double[n * g.c() * g.h() * g.w()], y = new double[n * rows * cols];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextGaussian();
        }
        for (int i = 0; i < y.length; i++) {
            y[i] = r.nextGaussian();
        }
        double[] ref = naiveIm2col(x, n, g), got = new double[y.length], yT = new double[y.length];
        java.util.Arrays.fill(got, Double.NaN);
        Conv.im2row(x, n, g, got);
        for (int b = 0; b < n; b++) {
            for (int k = 0; k < rows; k++) {
                for (int l = 0; l < cols; l++) {
                    assertEquals(ref[(b * rows + k) * cols + l], got[(b * cols + l) * rows + k], 0.0, g.toString());
                    yT[(b * rows + k) * cols + l] = y[(b * cols + l) * rows + k];
                }
            }
        }
        // row2im of y is col2im of y transposed back to the column layout
        double[] a = new double[x.length], c = new double[x.length];
        java.util.Arrays.fill(a, Double.NaN);
        Conv.row2im(y, n, g, a);
        Conv.col2im(yT, n, g, c);
        assertArrayEquals(c, a, 1e-12, g.toString());
    }

    /** For every column entry, the flat input index it reads (or −1 in the padding). */
    private static double[] naiveIndexMap(int n, Conv.Geometry g) {
        double[] idx = new double[n * g.c() * g.h() * g.w()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i + 1;  // shifted so that padding (0) becomes −1 below
        }
        double[] m = naiveIm2col(idx, n, g);
        for (int i = 0; i < m.length; i++) {
            m[i] -= 1;
        }
        return m;
    }

    @Property(tries = 8)
    void resultsDoNotDependOnTheThreadCount(@ForAll long seed) {
        RandomGenerator r = rng(seed);
        Conv.Geometry g = new Conv.Geometry(1 + r.nextInt(8), 20 + r.nextInt(20), 20 + r.nextInt(20), 3, 3, 1, 1, 1, 1, 1, 1);
        int n = 1 + r.nextInt(40);
        double[] x = new double[n * g.c() * g.h() * g.w()], cols = new double[n * g.rows() * g.cols()];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextGaussian();
        }
        int before = Parallel.threads();
        try {
            Parallel.setThreads(1);
            double[] c1 = new double[cols.length], b1 = new double[x.length];
            Conv.im2col(x, n, g, c1);
            Conv.col2im(c1, n, g, b1);
            double[] r1 = new double[cols.length], q1 = new double[x.length];
            Conv.im2row(x, n, g, r1);
            Conv.row2im(r1, n, g, q1);
            Parallel.setThreads(3);
            double[] c3 = new double[cols.length], b3 = new double[x.length];
            Conv.im2col(x, n, g, c3);
            Conv.col2im(c3, n, g, b3);
            assertArrayEquals(c1, c3, 0.0);
            assertArrayEquals(b1, b3, 0.0);
            double[] r3 = new double[cols.length], q3 = new double[x.length];
            Conv.im2row(x, n, g, r3);
            Conv.row2im(r3, n, g, q3);
            assertArrayEquals(r1, r3, 0.0);
            assertArrayEquals(q1, q3, 0.0);
        } finally {
            Parallel.setThreads(before);
        }
    }
}
