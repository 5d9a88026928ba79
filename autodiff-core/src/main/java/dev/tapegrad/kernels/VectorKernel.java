package dev.tapegrad.kernels;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The {@value MatMul#MR}×{@value MatMul#NR} matmul micro-kernel with the Vector API: twelve
 * 256-bit accumulators, one fused multiply-add per pair of vectors, the same fma chain per element
 * as {@link MatMul#scalarKernel}, hence bit-identical results. Only loaded when
 * {@link VectorSupport#AVAILABLE}.
 */
final class VectorKernel {
    private VectorKernel() {}

    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_256;

    static boolean usable() {
        return DoubleVector.SPECIES_PREFERRED.vectorBitSize() >= 256;
    }

    /** With {@code load} false the tile starts from +0.0 (the first depth block) and C is only written. */
    static void kernel(int kc, double[] ap, int ao, double[] bp, int bo, double[] c, int co, int ldc, boolean load) {
        int r1 = co + ldc, r2 = r1 + ldc, r3 = r2 + ldc, r4 = r3 + ldc, r5 = r4 + ldc;
        DoubleVector z = DoubleVector.zero(S);
        DoubleVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z, c40 = z, c41 = z, c50 = z, c51 = z;
        if (load) {
            c00 = DoubleVector.fromArray(S, c, co);
            c01 = DoubleVector.fromArray(S, c, co + 4);
            c10 = DoubleVector.fromArray(S, c, r1);
            c11 = DoubleVector.fromArray(S, c, r1 + 4);
            c20 = DoubleVector.fromArray(S, c, r2);
            c21 = DoubleVector.fromArray(S, c, r2 + 4);
            c30 = DoubleVector.fromArray(S, c, r3);
            c31 = DoubleVector.fromArray(S, c, r3 + 4);
            c40 = DoubleVector.fromArray(S, c, r4);
            c41 = DoubleVector.fromArray(S, c, r4 + 4);
            c50 = DoubleVector.fromArray(S, c, r5);
            c51 = DoubleVector.fromArray(S, c, r5 + 4);
        }
        for (int p = 0; p < kc; p++) {
            int a = ao + p * 6, b = bo + p * 8;  // linear in p, so the JIT hoists the bounds checks
            DoubleVector b0 = DoubleVector.fromArray(S, bp, b);
            DoubleVector b1 = DoubleVector.fromArray(S, bp, b + 4);
            DoubleVector x = DoubleVector.broadcast(S, ap[a]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = DoubleVector.broadcast(S, ap[a + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = DoubleVector.broadcast(S, ap[a + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = DoubleVector.broadcast(S, ap[a + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = DoubleVector.broadcast(S, ap[a + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = DoubleVector.broadcast(S, ap[a + 5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
        }
        c00.intoArray(c, co);
        c01.intoArray(c, co + 4);
        c10.intoArray(c, r1);
        c11.intoArray(c, r1 + 4);
        c20.intoArray(c, r2);
        c21.intoArray(c, r2 + 4);
        c30.intoArray(c, r3);
        c31.intoArray(c, r3 + 4);
        c40.intoArray(c, r4);
        c41.intoArray(c, r4 + 4);
        c50.intoArray(c, r5);
        c51.intoArray(c, r5 + 4);
    }
}
