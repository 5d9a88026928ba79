package dev.tapegrad.kernels;

import java.util.Arrays;

/**
 * Dense matrix products on row-major {@code double[]} panels: {@code C = op(A) · op(B)} where
 * op is the identity or the transpose, so the backward pass needs no materialised transpose.
 *
 * <p>Large products are cache-blocked in the manner of GotoBLAS/BLIS: a {@code KC × NC} panel of
 * op(B) is packed into {@value #NR}-column strips, an {@code MC × KC} block of op(A) into
 * {@value #MR}-row strips, and a register-blocked {@value #MR}×{@value #NR} micro-kernel runs over
 * them. The micro-kernel uses the Vector API when the JVM was started with
 * {@code --add-modules jdk.incubator.vector} (and the processor has 256-bit vectors), else a
 * scalar kernel that the JIT unrolls. Blocks of rows of C run in parallel on {@link Parallel}'s
 * threads above a size threshold.
 *
 * <p>Determinism: every element of C is the chain {@code c = fma(a[i,p], b[p,j], c)} for
 * p = 0, 1, …, k−1 in order, starting from +0.0, in every path (small, blocked, scalar, vector,
 * any thread count). So results are bit-identical whatever the blocking, the kernel or the number
 * of threads, and are as accurate as a naive loop with fused multiply-adds.
 */
public final class MatMul {
    private MatMul() {}

    /** Rows of the micro-kernel's tile. */
    public static final int MR = 6;
    /** Columns of the micro-kernel's tile (two 256-bit vectors of doubles). */
    public static final int NR = 8;
    /** Depth of a packed block: a B strip (KC × NR, 8 KiB) and an A strip (MR × KC, 6 KiB) share L1 without conflicts; 256 measured markedly slower. */
    static final int KC = 128;
    /** Width of a packed panel of B. */
    static final int NC = 2048;
    /** Largest block of rows of A packed at once (96 × 128 doubles: 96 KiB, in L2). */
    static final int MC_MAX = 96;
    /** Products with at most this many multiply-adds take the simple loop (packing would not pay). */
    static final long SMALL = 24L * 24 * 24;
    /** Products with at least this many multiply-adds run in parallel. */
    static final long PARALLEL_MIN = 96L * 96 * 96;

    private static volatile boolean useVector = VectorSupport.AVAILABLE;

    /** True if the micro-kernel in use is the Vector API one. */
    public static boolean vectorized() {
        return useVector;
    }

    /** For tests: chooses the scalar micro-kernel (false) or, if available, the vector one (true). */
    static void useVectorKernel(boolean on) {
        useVector = on && VectorSupport.AVAILABLE;
    }

    private static final ThreadLocal<double[][]> BUFFERS = ThreadLocal.withInitial(() -> new double[3][]);

    /** A per-thread scratch array of at least {@code size} doubles (slot 0: A blocks, 1: B panels, 2: edge tiles). */
    private static double[] buffer(int slot, int size) {
        double[][] b = BUFFERS.get();
        if (b[slot] == null || b[slot].length < size) {
            b[slot] = new double[size];
        }
        return b[slot];
    }

    /**
     * {@code c[cOff..] = op(a) · op(b)} with op(a) of shape [m, k] and op(b) of shape [k, n].
     * With {@code transA}, a is stored as [k, m]; with {@code transB}, b is stored as [n, k].
     * C (m × n, row-major at cOff) is overwritten.
     */
    public static void gemm(double[] a, int aOff, boolean transA, double[] b, int bOff, boolean transB,
                            double[] c, int cOff, int m, int k, int n) {
        if (m == 0 || n == 0) {
            return;
        }
        long work = (long) m * n * k;
        if (k == 0 || work <= SMALL) {
            Arrays.fill(c, cOff, cOff + m * n, 0.0);
            if (k > 0) {
                small(a, aOff, transA, b, bOff, transB, c, cOff, m, k, n);
            }
        } else {
            blocked(a, aOff, transA, b, bOff, transB, c, cOff, m, k, n);  // writes every element of C
        }
    }

    /** Unblocked loops for small products: same fma chain per element as the blocked path. */
    private static void small(double[] a, int aOff, boolean transA, double[] b, int bOff, boolean transB,
                              double[] c, int cOff, int m, int k, int n) {
        if (!transB) {
            for (int i = 0; i < m; i++) {
                int ci = cOff + i * n;
                for (int p = 0; p < k; p++) {
                    double av = transA ? a[aOff + p * m + i] : a[aOff + i * k + p];
                    int bp = bOff + p * n;
                    for (int j = 0; j < n; j++) {
                        c[ci + j] = Math.fma(av, b[bp + j], c[ci + j]);
                    }
                }
            }
        } else {
            for (int i = 0; i < m; i++) {
                int ci = cOff + i * n;
                for (int j = 0; j < n; j++) {
                    int bj = bOff + j * k;
                    double s = 0.0;
                    if (transA) {
                        for (int p = 0; p < k; p++) {
                            s = Math.fma(a[aOff + p * m + i], b[bj + p], s);
                        }
                    } else {
                        int ai = aOff + i * k;
                        for (int p = 0; p < k; p++) {
                            s = Math.fma(a[ai + p], b[bj + p], s);
                        }
                    }
                    c[ci + j] = s;
                }
            }
        }
    }

    private static int roundUp(int x, int q) {
        return (x + q - 1) / q * q;
    }

    /** Rows per parallel task: a multiple of MR, small enough to give several tasks per thread. */
    private static int rowsPerBlock(int m) {
        int target = roundUp(Math.max(1, (m + 7) / 8), MR);
        return Math.max(MR, Math.min(MC_MAX, target));
    }

    /** Tasks a parallel product is cut into (fixed, so the split never depends on the thread count). */
    static final int TASKS = 8;

    /** Most doubles a packed panel of B may hold (32 MiB): bounds the panel width of deep products. */
    static final int PANEL_MAX = 1 << 22;
    /** Panels of at least this many doubles are packed in parallel (below, a barrier costs more than it saves). */
    static final long PACK_PARALLEL_MIN = 1 << 18;
    /** Packed panels up to this many doubles (8 MiB) are kept per thread for the next call. */
    static final int PANEL_KEEP = 1 << 20;

    /**
     * The blocked product. Each panel of B (all of its depth) is packed first, then every task
     * (a block of rows, or of rows × columns) runs through all depth blocks in order on its own:
     * one barrier per panel rather than one per depth block, so a helper thread that the OS
     * parks for a while delays the call once, not at every depth block.
     */
    private static void blocked(double[] a, int aOff, boolean transA, double[] b, int bOff, boolean transB,
                                double[] c, int cOff, int m, int k, int n) {
        int mc = rowsPerBlock(m);
        int mBlocks = (m + mc - 1) / mc;
        boolean parallel = Parallel.threads() > 1 && (long) m * n * k >= PARALLEL_MIN;
        int panelCols = Math.max(NR, Math.min(Math.min(NC, n), PANEL_MAX / k / NR * NR));
        int panelSize = roundUp(panelCols, NR) * k;
        double[] bp = panelSize <= PANEL_KEEP ? buffer(1, panelSize) : new double[panelSize];
        int kBlocks = (k + KC - 1) / KC;
        for (int jc = 0; jc < n; jc += panelCols) {
            int nc = Math.min(panelCols, n - jc);
            int ncr = roundUp(nc, NR);
            // few row blocks (a short, wide product): also cut the columns, in multiples of NR
            int nChunks = mBlocks >= TASKS ? 1 : Math.min((TASKS + mBlocks - 1) / mBlocks, Math.max(1, nc / (4 * NR)));
            int ncw = roundUp((nc + nChunks - 1) / nChunks, NR);
            int chunks = (nc + ncw - 1) / ncw;
            final int jcF = jc;
            // depth block pc of the panel starts at pc * ncr: the blocks before it hold pc rows in total
            java.util.function.IntConsumer pack = kb -> {
                int pc = kb * KC;
                packB(b, bOff, transB, k, n, pc, Math.min(KC, k - pc), jcF, nc, bp, pc * ncr);
            };
            java.util.function.IntConsumer task = t -> {
                int blk = t / chunks, ch = t % chunks;
                int ic = blk * mc, j0 = ch * ncw;
                for (int pc = 0; pc < k; pc += KC) {
                    rowBlock(a, aOff, transA, bp, pc * ncr, c, cOff, m, k, n, ic, Math.min(mc, m - ic), jcF, nc, j0,
                            Math.min(ncw, nc - j0), pc, Math.min(KC, k - pc));
                }
            };
            int tasks = mBlocks * chunks;
            if (parallel && (long) ncr * k >= PACK_PARALLEL_MIN) {
                Parallel.forEach(kBlocks, pack);
            } else {
                for (int kb = 0; kb < kBlocks; kb++) {
                    pack.accept(kb);
                }
            }
            if (parallel) {
                Parallel.forEach(tasks, task);
            } else {
                for (int t = 0; t < tasks; t++) {
                    task.accept(t);
                }
            }
        }
    }

    /**
     * Packs rows [ic, ic+mcb) of op(A) × depth [pc, pc+kc) and runs the micro-kernel over the
     * panel's columns [j0, j0+width) (relative to jc; j0 is a multiple of NR).
     */
    private static void rowBlock(double[] a, int aOff, boolean transA, double[] bp, int bpOff, double[] c, int cOff,
                                 int m, int k, int n, int ic, int mcb, int jc, int nc, int j0, int width,
                                 int pc, int kc) {
        double[] ap = buffer(0, roundUp(mcb, MR) * kc);
        packA(a, aOff, transA, m, k, ic, mcb, pc, kc, ap);
        boolean vector = useVector;
        boolean load = pc > 0;  // the first depth block starts each tile from +0.0 instead of reading C
        for (int jr = j0; jr < j0 + width; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            int bo = bpOff + (jr / NR) * kc * NR;
            for (int ir = 0; ir < mcb; ir += MR) {
                int mr = Math.min(MR, mcb - ir);
                int ao = (ir / MR) * kc * MR;
                int co = cOff + (ic + ir) * n + jc + jr;
                if (mr == MR && nr == NR) {
                    micro(vector, kc, ap, ao, bp, bo, c, co, n, load);
                } else {
                    // edge tile: run the full kernel on a scratch tile, keep the valid part
                    double[] tile = buffer(2, MR * NR);
                    if (load) {
                        Arrays.fill(tile, 0, MR * NR, 0.0);
                        for (int r = 0; r < mr; r++) {
                            System.arraycopy(c, co + r * n, tile, r * NR, nr);
                        }
                    }
                    micro(vector, kc, ap, ao, bp, bo, tile, 0, NR, load);
                    for (int r = 0; r < mr; r++) {
                        System.arraycopy(tile, r * NR, c, co + r * n, nr);
                    }
                }
            }
        }
    }

    private static void micro(boolean vector, int kc, double[] ap, int ao, double[] bp, int bo,
                              double[] c, int co, int ldc, boolean load) {
        if (vector) {
            VectorKernel.kernel(kc, ap, ao, bp, bo, c, co, ldc, load);
        } else {
            scalarKernel(kc, ap, ao, bp, bo, c, co, ldc, load);
        }
    }

    /**
     * The scalar micro-kernel: {@code C[r, j] = fma(A-strip[p, r], B-strip[p, j], C[r, j])} for
     * p = 0..kc−1, onto the tile's current values (from +0.0 when {@code load} is false). It walks the 6×8 tile as four 3×4 sub-tiles whose
     * twelve accumulators stay in registers (the JIT does not vectorise Math.fma, so this is what
     * keeps both FMA units busy without the Vector API).
     */
    static void scalarKernel(int kc, double[] ap, int ao, double[] bp, int bo, double[] c, int co, int ldc,
                             boolean load) {
        for (int r0 = 0; r0 < MR; r0 += 3) {
            for (int j0 = 0; j0 < NR; j0 += 4) {
                int q0 = co + r0 * ldc + j0, q1 = q0 + ldc, q2 = q1 + ldc;
                double c00 = 0.0, c01 = 0.0, c02 = 0.0, c03 = 0.0;
                double c10 = 0.0, c11 = 0.0, c12 = 0.0, c13 = 0.0;
                double c20 = 0.0, c21 = 0.0, c22 = 0.0, c23 = 0.0;
                if (load) {
                    c00 = c[q0]; c01 = c[q0 + 1]; c02 = c[q0 + 2]; c03 = c[q0 + 3];
                    c10 = c[q1]; c11 = c[q1 + 1]; c12 = c[q1 + 2]; c13 = c[q1 + 3];
                    c20 = c[q2]; c21 = c[q2 + 1]; c22 = c[q2 + 2]; c23 = c[q2 + 3];
                }
                int aBase = ao + r0, bBase = bo + j0;
                for (int p = 0; p < kc; p++) {
                    int a = aBase + p * MR, b = bBase + p * NR;  // indices linear in p: bounds checks hoisted
                    double b0 = bp[b], b1 = bp[b + 1], b2 = bp[b + 2], b3 = bp[b + 3];
                    double x = ap[a];
                    c00 = Math.fma(x, b0, c00);
                    c01 = Math.fma(x, b1, c01);
                    c02 = Math.fma(x, b2, c02);
                    c03 = Math.fma(x, b3, c03);
                    x = ap[a + 1];
                    c10 = Math.fma(x, b0, c10);
                    c11 = Math.fma(x, b1, c11);
                    c12 = Math.fma(x, b2, c12);
                    c13 = Math.fma(x, b3, c13);
                    x = ap[a + 2];
                    c20 = Math.fma(x, b0, c20);
                    c21 = Math.fma(x, b1, c21);
                    c22 = Math.fma(x, b2, c22);
                    c23 = Math.fma(x, b3, c23);
                }
                c[q0] = c00; c[q0 + 1] = c01; c[q0 + 2] = c02; c[q0 + 3] = c03;
                c[q1] = c10; c[q1 + 1] = c11; c[q1 + 2] = c12; c[q1 + 3] = c13;
                c[q2] = c20; c[q2 + 1] = c21; c[q2 + 2] = c22; c[q2 + 3] = c23;
            }
        }
    }

    /** op(A)[ic.., pc..] into MR-row strips: strip s holds, for each p, the MR values of rows s·MR..; zero padded. */
    private static void packA(double[] a, int aOff, boolean transA, int m, int k, int ic, int mcb, int pc, int kc,
                              double[] ap) {
        if (transA) {
            // A stored [k, m]: the MR values of one p are adjacent, so copy p by p (a strided walk
            // down a column of the stored matrix touched a new cache line per element)
            for (int ir = 0; ir < mcb; ir += MR) {
                int base = (ir / MR) * kc * MR;
                int mr = Math.min(MR, mcb - ir);
                for (int p = 0; p < kc; p++) {
                    int src = aOff + (pc + p) * m + ic + ir;
                    int dst = base + p * MR;
                    for (int r = 0; r < mr; r++) {
                        ap[dst + r] = a[src + r];
                    }
                    for (int r = mr; r < MR; r++) {
                        ap[dst + r] = 0.0;
                    }
                }
            }
            return;
        }
        for (int ir = 0; ir < mcb; ir += MR) {
            int base = (ir / MR) * kc * MR;
            for (int r = 0; r < MR; r++) {
                int i = ic + ir + r;
                if (ir + r >= mcb) {
                    for (int p = 0; p < kc; p++) {
                        ap[base + p * MR + r] = 0.0;
                    }
                } else if (!transA) {
                    int src = aOff + i * k + pc;
                    for (int p = 0; p < kc; p++) {
                        ap[base + p * MR + r] = a[src + p];
                    }
                } else {
                    int src = aOff + pc * m + i;
                    for (int p = 0; p < kc; p++) {
                        ap[base + p * MR + r] = a[src + p * m];
                    }
                }
            }
        }
    }

    /** op(B)[pc.., jc..] into NR-column strips: strip s holds, for each p, NR consecutive columns; zero padded. */
    private static void packB(double[] b, int bOff, boolean transB, int k, int n, int pc, int kc, int jc, int nc,
                              double[] bp, int bpOff) {
        for (int jr = 0; jr < nc; jr += NR) {
            int base = bpOff + (jr / NR) * kc * NR;
            int nr = Math.min(NR, nc - jr);
            if (!transB) {
                for (int p = 0; p < kc; p++) {
                    int src = bOff + (pc + p) * n + jc + jr;
                    int dst = base + p * NR;
                    System.arraycopy(b, src, bp, dst, nr);
                    for (int j = nr; j < NR; j++) {
                        bp[dst + j] = 0.0;
                    }
                }
            } else {
                for (int j = 0; j < NR; j++) {
                    if (j < nr) {
                        int src = bOff + (jc + jr + j) * k + pc;
                        for (int p = 0; p < kc; p++) {
                            bp[base + p * NR + j] = b[src + p];
                        }
                    } else {
                        for (int p = 0; p < kc; p++) {
                            bp[base + p * NR + j] = 0.0;
                        }
                    }
                }
            }
        }
    }
}
