package dev.tapegrad.kernels;

/**
 * A matmul micro-kernel: its register tile ({@link #mr} rows × {@link #nr} columns of C) and the
 * vector width its code runs at (0 for the scalar code). Products pack op(A) into mr-row strips
 * and op(B) into nr-column strips for it. Whatever the kernel, every element of C gets the same
 * fma chain, so all kernels give bit-identical results; they differ only in speed.
 */
final class Kernel {
    /** The 256-bit kernel (AVX2): 6×8, twelve accumulators in the 16 vector registers. */
    static final Kernel V256 = new Kernel(6, 8, 256);
    /** The 512-bit kernel (AVX-512): 8×24, 24 accumulators in the 32 vector registers. */
    static final Kernel V512 = new Kernel(8, 24, 512);
    /** The scalar kernel used without the Vector API. */
    static final Kernel SCALAR = new Kernel(6, 8, 0);

    final int mr, nr, bits;

    Kernel(int mr, int nr, int bits) {
        if (mr % 2 != 0 || nr % 4 != 0) {
            throw new IllegalArgumentException("Kernel: tile " + mr + "x" + nr + " needs even rows and columns in fours");
        }
        this.mr = mr;
        this.nr = nr;
        this.bits = bits;
    }

    /** The same tile run by the scalar code (for tests: its results must equal this kernel's). */
    Kernel scalar() {
        return new Kernel(mr, nr, 0);
    }

    /** Runs the tile: {@code C[r, j] = fma(A[p, r], B[p, j], C[r, j])} for p = 0..kc−1 (from +0.0 unless {@code load}). */
    void run(int kc, double[] ap, int ao, double[] bp, int bo, double[] c, int co, int ldc, boolean load) {
        if (bits == 512 && mr == 8 && nr == 24) {
            VectorKernel.k8x24(kc, ap, ao, 8, 1, bp, bo, c, co, ldc, load);
        } else if (bits == 512 && mr == 12 && nr == 16) {
            VectorKernel.k12x16(kc, ap, ao, bp, bo, c, co, ldc, load);
        } else if (bits == 256 && mr == 6 && nr == 8) {
            VectorKernel.k6x8(kc, ap, ao, bp, bo, c, co, ldc, load);
        } else {
            scalarKernel(mr, nr, nr, kc, ap, ao, bp, bo, c, co, ldc, load);
        }
    }

    /**
     * True if {@link #runColumns} can write an edge tile of this many columns (the last strip of a
     * product whose width is not a multiple of nr) straight into C: widths of whole vectors on the
     * 512-bit 8×24 tile, multiples of four in the scalar code.
     */
    boolean runsColumns(int cols) {
        return bits == 512 ? mr == 8 && nr == 24 && (cols == 8 || cols == 16) : bits == 0 && cols % 4 == 0;
    }

    /**
     * The first {@code cols} columns of the tile ({@link #runsColumns} said yes), reading the
     * strip as packed (nr wide): the same fma chains, without computing the padding columns or
     * copying through a scratch tile (an n = 64 product has a 16-column edge strip on 8×24).
     */
    void runColumns(int cols, int kc, double[] ap, int ao, double[] bp, int bo, double[] c, int co, int ldc, boolean load) {
        if (bits == 512) {
            vector8xCols(cols, kc, ap, ao, mr, 1, bp, bo, c, co, ldc, load);
        } else {
            scalarKernel(mr, nr, cols, kc, ap, ao, bp, bo, c, co, ldc, load);
        }
    }

    /**
     * True if this kernel can read A in place ({@link #runInPlace}): the 512-bit 8×24 tile, whose
     * broadcasts take any row stride.
     */
    boolean readsInPlace() {
        return bits == 512 && mr == 8 && nr == 24;
    }

    /**
     * The tile, or its first {@code cols} columns where {@link #runsColumns} allows, with A read
     * where it is stored (row-major, row length {@code lda}, from row 0 of the strip and depth 0 of
     * the block); only for a kernel that {@link #readsInPlace}.
     */
    void runInPlace(int cols, int kc, double[] a, int ao, int lda, double[] bp, int bo, double[] c, int co, int ldc, boolean load) {
        vector8xCols(cols, kc, a, ao, 1, lda, bp, bo, c, co, ldc, load);
    }

    /** The 8×24 vector kernel on 24, 16 or 8 columns; A's value for row r at depth p is {@code a[ao + r·aRow + p·aStep]}. */
    private static void vector8xCols(int cols, int kc, double[] a, int ao, int aStep, int aRow, double[] bp, int bo, double[] c,
                                     int co, int ldc, boolean load) {
        if (cols == 24) {
            VectorKernel.k8x24(kc, a, ao, aStep, aRow, bp, bo, c, co, ldc, load);
        } else if (cols == 16) {
            VectorKernel.k8x16in24(kc, a, ao, aStep, aRow, bp, bo, c, co, ldc, load);
        } else {
            VectorKernel.k8x8in24(kc, a, ao, aStep, aRow, bp, bo, c, co, ldc, load);
        }
    }

    /**
     * The scalar micro-kernel: the same fma chains as the vector kernels, walked in 2×4 sub-tiles
     * whose eight accumulators stay in registers (C2 does not vectorise {@code Math.fma}, so this
     * is what keeps the FMA units busy without the Vector API), over the first {@code cols} columns
     * of the nr-wide strip. Rows in threes when mr allows:
     * twelve accumulators per sub-tile, fewer loads per fma.
     */
    static void scalarKernel(int mr, int nr, int cols, int kc, double[] ap, int ao, double[] bp, int bo, double[] c, int co,
                             int ldc, boolean load) {
        int r0 = 0;
        if (mr % 3 == 0) {
            for (; r0 < mr; r0 += 3) {
                for (int j0 = 0; j0 < cols; j0 += 4) {
                    sub3x4(mr, nr, kc, ap, ao + r0, bp, bo + j0, c, co + r0 * ldc + j0, ldc, load);
                }
            }
        }
        for (; r0 < mr; r0 += 2) {
            for (int j0 = 0; j0 < cols; j0 += 4) {
                sub2x4(mr, nr, kc, ap, ao + r0, bp, bo + j0, c, co + r0 * ldc + j0, ldc, load);
            }
        }
    }

    private static void sub3x4(int mr, int nr, int kc, double[] ap, int aBase, double[] bp, int bBase, double[] c,
                               int q0, int ldc, boolean load) {
        int q1 = q0 + ldc, q2 = q1 + ldc;
        double c00 = 0.0, c01 = 0.0, c02 = 0.0, c03 = 0.0;
        double c10 = 0.0, c11 = 0.0, c12 = 0.0, c13 = 0.0;
        double c20 = 0.0, c21 = 0.0, c22 = 0.0, c23 = 0.0;
        if (load) {
            c00 = c[q0]; c01 = c[q0 + 1]; c02 = c[q0 + 2]; c03 = c[q0 + 3];
            c10 = c[q1]; c11 = c[q1 + 1]; c12 = c[q1 + 2]; c13 = c[q1 + 3];
            c20 = c[q2]; c21 = c[q2 + 1]; c22 = c[q2 + 2]; c23 = c[q2 + 3];
        }
        for (int p = 0; p < kc; p++) {
            int a = aBase + p * mr, b = bBase + p * nr;  // indices linear in p: bounds checks hoisted
            double b0 = bp[b], b1 = bp[b + 1], b2 = bp[b + 2], b3 = bp[b + 3];
            double x = ap[a];
            c00 = Math.fma(x, b0, c00); c01 = Math.fma(x, b1, c01); c02 = Math.fma(x, b2, c02); c03 = Math.fma(x, b3, c03);
            x = ap[a + 1];
            c10 = Math.fma(x, b0, c10); c11 = Math.fma(x, b1, c11); c12 = Math.fma(x, b2, c12); c13 = Math.fma(x, b3, c13);
            x = ap[a + 2];
            c20 = Math.fma(x, b0, c20); c21 = Math.fma(x, b1, c21); c22 = Math.fma(x, b2, c22); c23 = Math.fma(x, b3, c23);
        }
        c[q0] = c00; c[q0 + 1] = c01; c[q0 + 2] = c02; c[q0 + 3] = c03;
        c[q1] = c10; c[q1 + 1] = c11; c[q1 + 2] = c12; c[q1 + 3] = c13;
        c[q2] = c20; c[q2 + 1] = c21; c[q2 + 2] = c22; c[q2 + 3] = c23;
    }

    private static void sub2x4(int mr, int nr, int kc, double[] ap, int aBase, double[] bp, int bBase, double[] c,
                               int q0, int ldc, boolean load) {
        int q1 = q0 + ldc;
        double c00 = 0.0, c01 = 0.0, c02 = 0.0, c03 = 0.0;
        double c10 = 0.0, c11 = 0.0, c12 = 0.0, c13 = 0.0;
        if (load) {
            c00 = c[q0]; c01 = c[q0 + 1]; c02 = c[q0 + 2]; c03 = c[q0 + 3];
            c10 = c[q1]; c11 = c[q1 + 1]; c12 = c[q1 + 2]; c13 = c[q1 + 3];
        }
        for (int p = 0; p < kc; p++) {
            int a = aBase + p * mr, b = bBase + p * nr;
            double b0 = bp[b], b1 = bp[b + 1], b2 = bp[b + 2], b3 = bp[b + 3];
            double x = ap[a];
            c00 = Math.fma(x, b0, c00); c01 = Math.fma(x, b1, c01); c02 = Math.fma(x, b2, c02); c03 = Math.fma(x, b3, c03);
            x = ap[a + 1];
            c10 = Math.fma(x, b0, c10); c11 = Math.fma(x, b1, c11); c12 = Math.fma(x, b2, c12); c13 = Math.fma(x, b3, c13);
        }
        c[q0] = c00; c[q0 + 1] = c01; c[q0 + 2] = c02; c[q0 + 3] = c03;
        c[q1] = c10; c[q1 + 1] = c11; c[q1 + 2] = c12; c[q1 + 3] = c13;
    }

    @Override
    public String toString() {
        return (bits == 0 ? "scalar" : bits + "-bit vector") + " " + mr + "x" + nr;
    }
}
