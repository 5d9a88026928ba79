package dev.tapegrad.kernels;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The matmul micro-kernels written with the Vector API, one per register tile: C[r, j] =
 * fma(A-strip[p, r], B-strip[p, j], C[r, j]) for p = 0..kc−1, onto the tile's values in C (from
 * +0.0 when {@code load} is false: the first depth block only writes C). Every element gets the
 * same fma chain as in {@link MatMul#scalarKernel}, hence bit-identical results on any width.
 * Generated unrolled (one local per accumulator) because the JIT keeps only named locals in
 * registers. Only loaded when {@link VectorSupport} found the module.
 */
final class VectorKernel {
    private VectorKernel() {}

    /** The widest vector the JIT uses for doubles on this machine, in bits (512 on AVX-512, 256 on AVX2). */
    static int preferredBits() {
        return DoubleVector.SPECIES_PREFERRED.vectorBitSize();
    }

    /** 6×8 tile of 256-bit vectors: 12 accumulators of the 16 AVX2 registers. */
    static void k6x8(int kc, double[] ap, int ao, double[] bp, int bo, double[] c, int co, int ldc, boolean load) {
        VectorSpecies<Double> s = DoubleVector.SPECIES_256;
        int r0 = co, r1 = r0 + ldc, r2 = r1 + ldc, r3 = r2 + ldc, r4 = r3 + ldc, r5 = r4 + ldc;
        DoubleVector z = DoubleVector.zero(s);
        DoubleVector c0_0 = z, c0_1 = z, c1_0 = z, c1_1 = z, c2_0 = z, c2_1 = z, c3_0 = z, c3_1 = z;
        DoubleVector c4_0 = z, c4_1 = z, c5_0 = z, c5_1 = z;
        if (load) {
            c0_0 = DoubleVector.fromArray(s, c, r0); c0_1 = DoubleVector.fromArray(s, c, r0 + 4);
            c1_0 = DoubleVector.fromArray(s, c, r1); c1_1 = DoubleVector.fromArray(s, c, r1 + 4);
            c2_0 = DoubleVector.fromArray(s, c, r2); c2_1 = DoubleVector.fromArray(s, c, r2 + 4);
            c3_0 = DoubleVector.fromArray(s, c, r3); c3_1 = DoubleVector.fromArray(s, c, r3 + 4);
            c4_0 = DoubleVector.fromArray(s, c, r4); c4_1 = DoubleVector.fromArray(s, c, r4 + 4);
            c5_0 = DoubleVector.fromArray(s, c, r5); c5_1 = DoubleVector.fromArray(s, c, r5 + 4);
        }
        for (int p = 0; p < kc; p++) {
            int a = ao + p * 6, b = bo + p * 8;  // linear in p, so the JIT hoists the bounds checks
            DoubleVector b0 = DoubleVector.fromArray(s, bp, b);
            DoubleVector b1 = DoubleVector.fromArray(s, bp, b + 4);
            DoubleVector x = DoubleVector.broadcast(s, ap[a]);
            c0_0 = x.fma(b0, c0_0); c0_1 = x.fma(b1, c0_1);
            x = DoubleVector.broadcast(s, ap[a + 1]);
            c1_0 = x.fma(b0, c1_0); c1_1 = x.fma(b1, c1_1);
            x = DoubleVector.broadcast(s, ap[a + 2]);
            c2_0 = x.fma(b0, c2_0); c2_1 = x.fma(b1, c2_1);
            x = DoubleVector.broadcast(s, ap[a + 3]);
            c3_0 = x.fma(b0, c3_0); c3_1 = x.fma(b1, c3_1);
            x = DoubleVector.broadcast(s, ap[a + 4]);
            c4_0 = x.fma(b0, c4_0); c4_1 = x.fma(b1, c4_1);
            x = DoubleVector.broadcast(s, ap[a + 5]);
            c5_0 = x.fma(b0, c5_0); c5_1 = x.fma(b1, c5_1);
        }
        c0_0.intoArray(c, r0); c0_1.intoArray(c, r0 + 4);
        c1_0.intoArray(c, r1); c1_1.intoArray(c, r1 + 4);
        c2_0.intoArray(c, r2); c2_1.intoArray(c, r2 + 4);
        c3_0.intoArray(c, r3); c3_1.intoArray(c, r3 + 4);
        c4_0.intoArray(c, r4); c4_1.intoArray(c, r4 + 4);
        c5_0.intoArray(c, r5); c5_1.intoArray(c, r5 + 4);
    }

    /**
     * 8×24 tile of 512-bit vectors: 24 accumulators, 3 loads and 8 broadcasts per 24 fmas (AVX-512
     * has 32 registers). A's value for row r at depth p is {@code ap[ao + r·aRow + p·aStep]}: a
     * packed strip has aStep = 8, aRow = 1; A read in place, aStep = 1 and aRow its row length.
     */
    static void k8x24(int kc, double[] ap, int ao, int aStep, int aRow, double[] bp, int bo, double[] c, int co, int ldc, boolean load) {
        VectorSpecies<Double> s = DoubleVector.SPECIES_512;
        int r0 = co, r1 = r0 + ldc, r2 = r1 + ldc, r3 = r2 + ldc, r4 = r3 + ldc, r5 = r4 + ldc, r6 = r5 + ldc, r7 = r6 + ldc;
        DoubleVector z = DoubleVector.zero(s);
        DoubleVector c0_0 = z, c0_1 = z, c0_2 = z, c1_0 = z, c1_1 = z, c1_2 = z, c2_0 = z, c2_1 = z;
        DoubleVector c2_2 = z, c3_0 = z, c3_1 = z, c3_2 = z, c4_0 = z, c4_1 = z, c4_2 = z, c5_0 = z;
        DoubleVector c5_1 = z, c5_2 = z, c6_0 = z, c6_1 = z, c6_2 = z, c7_0 = z, c7_1 = z, c7_2 = z;
        if (load) {
            c0_0 = DoubleVector.fromArray(s, c, r0); c0_1 = DoubleVector.fromArray(s, c, r0 + 8); c0_2 = DoubleVector.fromArray(s, c, r0 + 16);
            c1_0 = DoubleVector.fromArray(s, c, r1); c1_1 = DoubleVector.fromArray(s, c, r1 + 8); c1_2 = DoubleVector.fromArray(s, c, r1 + 16);
            c2_0 = DoubleVector.fromArray(s, c, r2); c2_1 = DoubleVector.fromArray(s, c, r2 + 8); c2_2 = DoubleVector.fromArray(s, c, r2 + 16);
            c3_0 = DoubleVector.fromArray(s, c, r3); c3_1 = DoubleVector.fromArray(s, c, r3 + 8); c3_2 = DoubleVector.fromArray(s, c, r3 + 16);
            c4_0 = DoubleVector.fromArray(s, c, r4); c4_1 = DoubleVector.fromArray(s, c, r4 + 8); c4_2 = DoubleVector.fromArray(s, c, r4 + 16);
            c5_0 = DoubleVector.fromArray(s, c, r5); c5_1 = DoubleVector.fromArray(s, c, r5 + 8); c5_2 = DoubleVector.fromArray(s, c, r5 + 16);
            c6_0 = DoubleVector.fromArray(s, c, r6); c6_1 = DoubleVector.fromArray(s, c, r6 + 8); c6_2 = DoubleVector.fromArray(s, c, r6 + 16);
            c7_0 = DoubleVector.fromArray(s, c, r7); c7_1 = DoubleVector.fromArray(s, c, r7 + 8); c7_2 = DoubleVector.fromArray(s, c, r7 + 16);
        }
        int a0 = ao, a1 = a0 + aRow, a2 = a1 + aRow, a3 = a2 + aRow, a4 = a3 + aRow, a5 = a4 + aRow, a6 = a5 + aRow, a7 = a6 + aRow;
        for (int p = 0; p < kc; p++) {
            int q = p * aStep, b = bo + p * 24;  // linear in p, so the JIT hoists the bounds checks
            DoubleVector b0 = DoubleVector.fromArray(s, bp, b);
            DoubleVector b1 = DoubleVector.fromArray(s, bp, b + 8);
            DoubleVector b2 = DoubleVector.fromArray(s, bp, b + 16);
            DoubleVector x = DoubleVector.broadcast(s, ap[a0 + q]);
            c0_0 = x.fma(b0, c0_0); c0_1 = x.fma(b1, c0_1); c0_2 = x.fma(b2, c0_2);
            x = DoubleVector.broadcast(s, ap[a1 + q]);
            c1_0 = x.fma(b0, c1_0); c1_1 = x.fma(b1, c1_1); c1_2 = x.fma(b2, c1_2);
            x = DoubleVector.broadcast(s, ap[a2 + q]);
            c2_0 = x.fma(b0, c2_0); c2_1 = x.fma(b1, c2_1); c2_2 = x.fma(b2, c2_2);
            x = DoubleVector.broadcast(s, ap[a3 + q]);
            c3_0 = x.fma(b0, c3_0); c3_1 = x.fma(b1, c3_1); c3_2 = x.fma(b2, c3_2);
            x = DoubleVector.broadcast(s, ap[a4 + q]);
            c4_0 = x.fma(b0, c4_0); c4_1 = x.fma(b1, c4_1); c4_2 = x.fma(b2, c4_2);
            x = DoubleVector.broadcast(s, ap[a5 + q]);
            c5_0 = x.fma(b0, c5_0); c5_1 = x.fma(b1, c5_1); c5_2 = x.fma(b2, c5_2);
            x = DoubleVector.broadcast(s, ap[a6 + q]);
            c6_0 = x.fma(b0, c6_0); c6_1 = x.fma(b1, c6_1); c6_2 = x.fma(b2, c6_2);
            x = DoubleVector.broadcast(s, ap[a7 + q]);
            c7_0 = x.fma(b0, c7_0); c7_1 = x.fma(b1, c7_1); c7_2 = x.fma(b2, c7_2);
        }
        c0_0.intoArray(c, r0); c0_1.intoArray(c, r0 + 8); c0_2.intoArray(c, r0 + 16);
        c1_0.intoArray(c, r1); c1_1.intoArray(c, r1 + 8); c1_2.intoArray(c, r1 + 16);
        c2_0.intoArray(c, r2); c2_1.intoArray(c, r2 + 8); c2_2.intoArray(c, r2 + 16);
        c3_0.intoArray(c, r3); c3_1.intoArray(c, r3 + 8); c3_2.intoArray(c, r3 + 16);
        c4_0.intoArray(c, r4); c4_1.intoArray(c, r4 + 8); c4_2.intoArray(c, r4 + 16);
        c5_0.intoArray(c, r5); c5_1.intoArray(c, r5 + 8); c5_2.intoArray(c, r5 + 16);
        c6_0.intoArray(c, r6); c6_1.intoArray(c, r6 + 8); c6_2.intoArray(c, r6 + 16);
        c7_0.intoArray(c, r7); c7_1.intoArray(c, r7 + 8); c7_2.intoArray(c, r7 + 16);
    }

    /** The first 16 columns of an 8×24 tile (an edge strip of that width, packed 24 wide): 16 accumulators. */
    static void k8x16in24(int kc, double[] ap, int ao, int aStep, int aRow, double[] bp, int bo, double[] c, int co, int ldc, boolean load) {
        VectorSpecies<Double> s = DoubleVector.SPECIES_512;
        int r0 = co, r1 = r0 + ldc, r2 = r1 + ldc, r3 = r2 + ldc, r4 = r3 + ldc, r5 = r4 + ldc, r6 = r5 + ldc, r7 = r6 + ldc;
        DoubleVector z = DoubleVector.zero(s);
        DoubleVector c0_0 = z, c0_1 = z, c1_0 = z, c1_1 = z, c2_0 = z, c2_1 = z, c3_0 = z, c3_1 = z, c4_0 = z, c4_1 = z, c5_0 = z, c5_1 = z, c6_0 = z, c6_1 = z, c7_0 = z, c7_1 = z;
        if (load) {
            c0_0 = DoubleVector.fromArray(s, c, r0); c0_1 = DoubleVector.fromArray(s, c, r0 + 8);
            c1_0 = DoubleVector.fromArray(s, c, r1); c1_1 = DoubleVector.fromArray(s, c, r1 + 8);
            c2_0 = DoubleVector.fromArray(s, c, r2); c2_1 = DoubleVector.fromArray(s, c, r2 + 8);
            c3_0 = DoubleVector.fromArray(s, c, r3); c3_1 = DoubleVector.fromArray(s, c, r3 + 8);
            c4_0 = DoubleVector.fromArray(s, c, r4); c4_1 = DoubleVector.fromArray(s, c, r4 + 8);
            c5_0 = DoubleVector.fromArray(s, c, r5); c5_1 = DoubleVector.fromArray(s, c, r5 + 8);
            c6_0 = DoubleVector.fromArray(s, c, r6); c6_1 = DoubleVector.fromArray(s, c, r6 + 8);
            c7_0 = DoubleVector.fromArray(s, c, r7); c7_1 = DoubleVector.fromArray(s, c, r7 + 8);
        }
        int a0 = ao, a1 = a0 + aRow, a2 = a1 + aRow, a3 = a2 + aRow, a4 = a3 + aRow, a5 = a4 + aRow, a6 = a5 + aRow, a7 = a6 + aRow;
        for (int p = 0; p < kc; p++) {
            int q = p * aStep, b = bo + p * 24;
            DoubleVector b0 = DoubleVector.fromArray(s, bp, b);
            DoubleVector b1 = DoubleVector.fromArray(s, bp, b + 8);
            DoubleVector x = DoubleVector.broadcast(s, ap[a0 + q]);
            c0_0 = x.fma(b0, c0_0); c0_1 = x.fma(b1, c0_1);
            x = DoubleVector.broadcast(s, ap[a1 + q]);
            c1_0 = x.fma(b0, c1_0); c1_1 = x.fma(b1, c1_1);
            x = DoubleVector.broadcast(s, ap[a2 + q]);
            c2_0 = x.fma(b0, c2_0); c2_1 = x.fma(b1, c2_1);
            x = DoubleVector.broadcast(s, ap[a3 + q]);
            c3_0 = x.fma(b0, c3_0); c3_1 = x.fma(b1, c3_1);
            x = DoubleVector.broadcast(s, ap[a4 + q]);
            c4_0 = x.fma(b0, c4_0); c4_1 = x.fma(b1, c4_1);
            x = DoubleVector.broadcast(s, ap[a5 + q]);
            c5_0 = x.fma(b0, c5_0); c5_1 = x.fma(b1, c5_1);
            x = DoubleVector.broadcast(s, ap[a6 + q]);
            c6_0 = x.fma(b0, c6_0); c6_1 = x.fma(b1, c6_1);
            x = DoubleVector.broadcast(s, ap[a7 + q]);
            c7_0 = x.fma(b0, c7_0); c7_1 = x.fma(b1, c7_1);
        }
        c0_0.intoArray(c, r0); c0_1.intoArray(c, r0 + 8);
        c1_0.intoArray(c, r1); c1_1.intoArray(c, r1 + 8);
        c2_0.intoArray(c, r2); c2_1.intoArray(c, r2 + 8);
        c3_0.intoArray(c, r3); c3_1.intoArray(c, r3 + 8);
        c4_0.intoArray(c, r4); c4_1.intoArray(c, r4 + 8);
        c5_0.intoArray(c, r5); c5_1.intoArray(c, r5 + 8);
        c6_0.intoArray(c, r6); c6_1.intoArray(c, r6 + 8);
        c7_0.intoArray(c, r7); c7_1.intoArray(c, r7 + 8);
    }

    /** The first 8 columns of an 8×24 tile (an edge strip of that width, packed 24 wide): 8 accumulators. */
    static void k8x8in24(int kc, double[] ap, int ao, int aStep, int aRow, double[] bp, int bo, double[] c, int co, int ldc, boolean load) {
        VectorSpecies<Double> s = DoubleVector.SPECIES_512;
        int r0 = co, r1 = r0 + ldc, r2 = r1 + ldc, r3 = r2 + ldc, r4 = r3 + ldc, r5 = r4 + ldc, r6 = r5 + ldc, r7 = r6 + ldc;
        DoubleVector z = DoubleVector.zero(s);
        DoubleVector c0_0 = z, c1_0 = z, c2_0 = z, c3_0 = z, c4_0 = z, c5_0 = z, c6_0 = z, c7_0 = z;
        if (load) {
            c0_0 = DoubleVector.fromArray(s, c, r0);
            c1_0 = DoubleVector.fromArray(s, c, r1);
            c2_0 = DoubleVector.fromArray(s, c, r2);
            c3_0 = DoubleVector.fromArray(s, c, r3);
            c4_0 = DoubleVector.fromArray(s, c, r4);
            c5_0 = DoubleVector.fromArray(s, c, r5);
            c6_0 = DoubleVector.fromArray(s, c, r6);
            c7_0 = DoubleVector.fromArray(s, c, r7);
        }
        int a0 = ao, a1 = a0 + aRow, a2 = a1 + aRow, a3 = a2 + aRow, a4 = a3 + aRow, a5 = a4 + aRow, a6 = a5 + aRow, a7 = a6 + aRow;
        for (int p = 0; p < kc; p++) {
            int q = p * aStep, b = bo + p * 24;
            DoubleVector b0 = DoubleVector.fromArray(s, bp, b);
            DoubleVector x = DoubleVector.broadcast(s, ap[a0 + q]);
            c0_0 = x.fma(b0, c0_0);
            x = DoubleVector.broadcast(s, ap[a1 + q]);
            c1_0 = x.fma(b0, c1_0);
            x = DoubleVector.broadcast(s, ap[a2 + q]);
            c2_0 = x.fma(b0, c2_0);
            x = DoubleVector.broadcast(s, ap[a3 + q]);
            c3_0 = x.fma(b0, c3_0);
            x = DoubleVector.broadcast(s, ap[a4 + q]);
            c4_0 = x.fma(b0, c4_0);
            x = DoubleVector.broadcast(s, ap[a5 + q]);
            c5_0 = x.fma(b0, c5_0);
            x = DoubleVector.broadcast(s, ap[a6 + q]);
            c6_0 = x.fma(b0, c6_0);
            x = DoubleVector.broadcast(s, ap[a7 + q]);
            c7_0 = x.fma(b0, c7_0);
        }
        c0_0.intoArray(c, r0);
        c1_0.intoArray(c, r1);
        c2_0.intoArray(c, r2);
        c3_0.intoArray(c, r3);
        c4_0.intoArray(c, r4);
        c5_0.intoArray(c, r5);
        c6_0.intoArray(c, r6);
        c7_0.intoArray(c, r7);
    }

    /** 12×16 tile of 512-bit vectors: 24 accumulators, 2 loads and 12 broadcasts per 24 fmas. */
    static void k12x16(int kc, double[] ap, int ao, double[] bp, int bo, double[] c, int co, int ldc, boolean load) {
        VectorSpecies<Double> s = DoubleVector.SPECIES_512;
        int r0 = co, r1 = r0 + ldc, r2 = r1 + ldc, r3 = r2 + ldc, r4 = r3 + ldc, r5 = r4 + ldc, r6 = r5 + ldc, r7 = r6 + ldc, r8 = r7 + ldc, r9 = r8 + ldc, r10 = r9 + ldc, r11 = r10 + ldc;
        DoubleVector z = DoubleVector.zero(s);
        DoubleVector c0_0 = z, c0_1 = z, c1_0 = z, c1_1 = z, c2_0 = z, c2_1 = z, c3_0 = z, c3_1 = z;
        DoubleVector c4_0 = z, c4_1 = z, c5_0 = z, c5_1 = z, c6_0 = z, c6_1 = z, c7_0 = z, c7_1 = z;
        DoubleVector c8_0 = z, c8_1 = z, c9_0 = z, c9_1 = z, c10_0 = z, c10_1 = z, c11_0 = z, c11_1 = z;
        if (load) {
            c0_0 = DoubleVector.fromArray(s, c, r0); c0_1 = DoubleVector.fromArray(s, c, r0 + 8);
            c1_0 = DoubleVector.fromArray(s, c, r1); c1_1 = DoubleVector.fromArray(s, c, r1 + 8);
            c2_0 = DoubleVector.fromArray(s, c, r2); c2_1 = DoubleVector.fromArray(s, c, r2 + 8);
            c3_0 = DoubleVector.fromArray(s, c, r3); c3_1 = DoubleVector.fromArray(s, c, r3 + 8);
            c4_0 = DoubleVector.fromArray(s, c, r4); c4_1 = DoubleVector.fromArray(s, c, r4 + 8);
            c5_0 = DoubleVector.fromArray(s, c, r5); c5_1 = DoubleVector.fromArray(s, c, r5 + 8);
            c6_0 = DoubleVector.fromArray(s, c, r6); c6_1 = DoubleVector.fromArray(s, c, r6 + 8);
            c7_0 = DoubleVector.fromArray(s, c, r7); c7_1 = DoubleVector.fromArray(s, c, r7 + 8);
            c8_0 = DoubleVector.fromArray(s, c, r8); c8_1 = DoubleVector.fromArray(s, c, r8 + 8);
            c9_0 = DoubleVector.fromArray(s, c, r9); c9_1 = DoubleVector.fromArray(s, c, r9 + 8);
            c10_0 = DoubleVector.fromArray(s, c, r10); c10_1 = DoubleVector.fromArray(s, c, r10 + 8);
            c11_0 = DoubleVector.fromArray(s, c, r11); c11_1 = DoubleVector.fromArray(s, c, r11 + 8);
        }
        for (int p = 0; p < kc; p++) {
            int a = ao + p * 12, b = bo + p * 16;  // linear in p, so the JIT hoists the bounds checks
            DoubleVector b0 = DoubleVector.fromArray(s, bp, b);
            DoubleVector b1 = DoubleVector.fromArray(s, bp, b + 8);
            DoubleVector x = DoubleVector.broadcast(s, ap[a]);
            c0_0 = x.fma(b0, c0_0); c0_1 = x.fma(b1, c0_1);
            x = DoubleVector.broadcast(s, ap[a + 1]);
            c1_0 = x.fma(b0, c1_0); c1_1 = x.fma(b1, c1_1);
            x = DoubleVector.broadcast(s, ap[a + 2]);
            c2_0 = x.fma(b0, c2_0); c2_1 = x.fma(b1, c2_1);
            x = DoubleVector.broadcast(s, ap[a + 3]);
            c3_0 = x.fma(b0, c3_0); c3_1 = x.fma(b1, c3_1);
            x = DoubleVector.broadcast(s, ap[a + 4]);
            c4_0 = x.fma(b0, c4_0); c4_1 = x.fma(b1, c4_1);
            x = DoubleVector.broadcast(s, ap[a + 5]);
            c5_0 = x.fma(b0, c5_0); c5_1 = x.fma(b1, c5_1);
            x = DoubleVector.broadcast(s, ap[a + 6]);
            c6_0 = x.fma(b0, c6_0); c6_1 = x.fma(b1, c6_1);
            x = DoubleVector.broadcast(s, ap[a + 7]);
            c7_0 = x.fma(b0, c7_0); c7_1 = x.fma(b1, c7_1);
            x = DoubleVector.broadcast(s, ap[a + 8]);
            c8_0 = x.fma(b0, c8_0); c8_1 = x.fma(b1, c8_1);
            x = DoubleVector.broadcast(s, ap[a + 9]);
            c9_0 = x.fma(b0, c9_0); c9_1 = x.fma(b1, c9_1);
            x = DoubleVector.broadcast(s, ap[a + 10]);
            c10_0 = x.fma(b0, c10_0); c10_1 = x.fma(b1, c10_1);
            x = DoubleVector.broadcast(s, ap[a + 11]);
            c11_0 = x.fma(b0, c11_0); c11_1 = x.fma(b1, c11_1);
        }
        c0_0.intoArray(c, r0); c0_1.intoArray(c, r0 + 8);
        c1_0.intoArray(c, r1); c1_1.intoArray(c, r1 + 8);
        c2_0.intoArray(c, r2); c2_1.intoArray(c, r2 + 8);
        c3_0.intoArray(c, r3); c3_1.intoArray(c, r3 + 8);
        c4_0.intoArray(c, r4); c4_1.intoArray(c, r4 + 8);
        c5_0.intoArray(c, r5); c5_1.intoArray(c, r5 + 8);
        c6_0.intoArray(c, r6); c6_1.intoArray(c, r6 + 8);
        c7_0.intoArray(c, r7); c7_1.intoArray(c, r7 + 8);
        c8_0.intoArray(c, r8); c8_1.intoArray(c, r8 + 8);
        c9_0.intoArray(c, r9); c9_1.intoArray(c, r9 + 8);
        c10_0.intoArray(c, r10); c10_1.intoArray(c, r10 + 8);
        c11_0.intoArray(c, r11); c11_1.intoArray(c, r11 + 8);
    }
}
