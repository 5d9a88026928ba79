package dev.tapegrad.kernels;

import java.util.Arrays;

/**
 * Dense matrix products on row-major {@code double[]} panels: {@code C = op(A) · op(B)} where
 * op is the identity or the transpose, so the backward pass needs no materialised transpose.
 *
 * <p>Large products are cache-blocked in the manner of GotoBLAS/BLIS: a {@code KC × NC} panel of
 * op(B) is packed into nr-column strips, an {@code MC × KC} block of op(A) into mr-row strips, and
 * a register-blocked mr×nr micro-kernel runs over them. The micro-kernel and its tile follow the
 * machine ({@link #kernelName()}): 8×24 with 512-bit vectors on AVX-512, 6×8 with 256-bit vectors
 * on AVX2, when the JVM was started with {@code --add-modules jdk.incubator.vector}; else a scalar
 * kernel that the JIT unrolls. {@code -Dtapegrad.vectorBits=256} forces the 256-bit kernel.
 * Blocks of rows of C run in parallel on {@link Parallel}'s threads above a size threshold, and
 * {@link #gemmBatch} runs a stack of small products in parallel across the stack.
 *
 * <p>Determinism: every element of C is the chain {@code c = fma(a[i,p], b[p,j], c)} for
 * p = 0, 1, …, k−1 in order, starting from +0.0, in every path (small, blocked, scalar, vector,
 * any thread count). So results are bit-identical whatever the blocking, the kernel or the number
 * of threads, and are as accurate as a naive loop with fused multiply-adds.
 */
public final class MatMul {
    private MatMul() {}

    /** Depth of a packed block: a B strip (KC × nr: 8 KiB at 256 bits, 24 KiB at 512) and an A strip share L1; 256 measured markedly slower. */
    static final int KC = 128;
    /** Width of a packed panel of B. */
    static final int NC = 2048;
    /** Largest block of rows of A packed at once (96 × 128 doubles: 96 KiB, in L2). */
    static final int MC_MAX = 96;
    /** Products with at most this many multiply-adds take the simple loop (packing would not pay). */
    static final long SMALL = 24L * 24 * 24;
    /** Products with at least this many multiply-adds run in parallel. */
    static final long PARALLEL_MIN = 96L * 96 * 96;

    private static volatile Kernel kernel = VectorSupport.CHOSEN;
    /** The chosen tile run by the scalar code, while the vector kernel is not yet compiled. */
    private static final Kernel COLD = VectorSupport.CHOSEN.scalar();
    /** False once a test has chosen a kernel: it then runs as chosen, compiled or not. */
    private static volatile boolean gated = true;

    /** The kernel for the next product: the chosen one, or its tile in scalar code until the JIT has compiled it. */
    private static Kernel current() {
        Kernel k = kernel;
        if (gated && !VectorSupport.warm) {
            VectorSupport.startWarmUp();
            return COLD;
        }
        return k;
    }

    /** True if the micro-kernel in use is a Vector API one. */
    public static boolean vectorized() {
        return kernel.bits > 0;
    }

    /** The vector width of the micro-kernel in use, in bits: 512, 256, or 0 for the scalar kernel. */
    public static int vectorBits() {
        return kernel.bits;
    }

    /** The micro-kernel in use, e.g. {@code "512-bit vector 8x24"} or {@code "scalar 6x8"}. */
    public static String kernelName() {
        return kernel.toString();
    }

    /** For tests: the kernel the next products use (each product reads it once), compiled or not. */
    static void useKernel(Kernel k) {
        kernel = k;
        gated = false;
    }

    /** For tests: the kernel chosen at start-up. */
    static Kernel chosenKernel() {
        return VectorSupport.CHOSEN;
    }

    private static final ThreadLocal<double[][]> BUFFERS = ThreadLocal.withInitial(() -> new double[4][]);

    /** A per-thread scratch array of at least {@code size} doubles (slot 0: A blocks, 1: B panels, 2: edge tiles, 3: a transposed C). */
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
        gemm(a, aOff, transA, b, bOff, transB, c, cOff, m, k, n, current(), Parallel.threads() > 1);
    }

    private static void gemm(double[] a, int aOff, boolean transA, double[] b, int bOff, boolean transB,
                             double[] c, int cOff, int m, int k, int n, Kernel kn, boolean mayParallel) {
        if (m == 0 || n == 0) {
            return;
        }
        long work = (long) m * n * k;
        if (k == 0 || work <= SMALL) {
            Arrays.fill(c, cOff, cOff + m * n, 0.0);
            if (k > 0) {
                small(a, aOff, transA, b, bOff, transB, c, cOff, m, k, n);
            }
        } else if (narrowOutput(m, n, kn)) {
            // C is a few columns wide: the tile's columns would mostly be padding. Compute
            // Cᵀ = op(B)ᵀ·op(A)ᵀ (the same fma chain per element, so the same bits) and transpose it.
            double[] ct = m * n <= PANEL_KEEP ? buffer(3, m * n) : new double[m * n];
            blocked(b, bOff, !transB, a, aOff, !transA, ct, 0, n, k, m, kn, mayParallel);
            for (int i = 0; i < m; i++) {
                int row = cOff + i * n;
                for (int j = 0; j < n; j++) {
                    c[row + j] = ct[j * m + i];
                }
            }
        } else {
            blocked(a, aOff, transA, b, bOff, transB, c, cOff, m, k, n, kn, mayParallel);  // writes every element of C
        }
    }

    /**
     * True if the transposed product fills the micro-kernel's tiles less than half as badly: a tall
     * product with fewer columns than the tile is wide (im2row·Wᵀ of a convolution with few
     * output channels: 50,176 × 6 with 8×24 tiles measured 4× faster transposed).
     */
    static boolean narrowOutput(int m, int n, Kernel kn) {
        long normal = (long) roundUp(m, kn.mr) * roundUp(n, kn.nr);
        long swapped = (long) roundUp(n, kn.mr) * roundUp(m, kn.nr);
        return 2 * swapped < normal;
    }

    /**
     * A stack of products over broadcast batch axes: for every index t of the batch shape (row-major),
     * {@code c[t·m·n ..] = op(A_t) · op(B_t)}, where A_t starts at {@code Σ_d idx_d · stridesA[d] · m·k}
     * in {@code a} (a stride of 0 broadcasts that axis) and likewise B_t. Each product is computed as
     * {@link #gemm} computes it, so the bits are the same as one call per matrix, for any thread count;
     * when each product is too small to be split (below the parallel threshold), the products
     * themselves are spread over the threads.
     * <pre>{@code
     * // a: [4, m, k], b: [k, n] shared by all four: c: [4, m, n]
     * MatMul.gemmBatch(a, false, b, false, c, m, k, n, new int[] {4}, new int[] {1}, new int[] {0});
     * }</pre>
     *
     * @throws IllegalArgumentException if the stride arrays do not match the batch shape, or an
     *         operand or C is too short for the products it names
     */
    public static void gemmBatch(double[] a, boolean transA, double[] b, boolean transB, double[] c,
                                 int m, int k, int n, int[] batch, int[] stridesA, int[] stridesB) {
        if (stridesA.length != batch.length || stridesB.length != batch.length) {
            throw new IllegalArgumentException("gemmBatch: batch shape " + Arrays.toString(batch) + " has "
                    + batch.length + " axes but the strides have " + stridesA.length + " and " + stridesB.length);
        }
        long batches = 1, lastA = 0, lastB = 0;
        for (int d = 0; d < batch.length; d++) {
            batches *= batch[d];
            lastA += (long) (batch[d] - 1) * stridesA[d];
            lastB += (long) (batch[d] - 1) * stridesB[d];
        }
        long mk = (long) m * k, kn = (long) k * n, mn = (long) m * n;
        if (batches > 0 && ((lastA + 1) * mk > a.length || (lastB + 1) * kn > b.length || batches * mn > c.length)) {
            throw new IllegalArgumentException("gemmBatch: " + batches + " products of [" + m + "," + k + "]·[" + k + ","
                    + n + "] over batch " + Arrays.toString(batch) + " need " + (lastA + 1) * mk + ", " + (lastB + 1) * kn
                    + " and " + batches * mn + " doubles; a, b and c hold " + a.length + ", " + b.length + " and " + c.length);
        }
        int count = (int) batches;
        int[] inner = new int[batch.length];  // row-major strides of the batch shape, in matrices
        for (int d = batch.length - 1, acc = 1; d >= 0; d--) {
            inner[d] = acc;
            acc *= batch[d];
        }
        Kernel kn0 = current();
        long work = mn * k;
        boolean acrossBatch = Parallel.threads() > 1 && count > 1 && work < PARALLEL_MIN && work * count >= PARALLEL_MIN;
        java.util.function.IntConsumer one = t -> {
            long ia = 0, ib = 0;
            int rem = t;
            for (int d = 0; d < inner.length; d++) {
                int idx = rem / inner[d];
                rem %= inner[d];
                ia += (long) idx * stridesA[d];
                ib += (long) idx * stridesB[d];
            }
            gemm(a, (int) (ia * mk), transA, b, (int) (ib * kn), transB, c, (int) (t * mn), m, k, n, kn0, !acrossBatch);
        };
        if (acrossBatch) {
            // tasks of whole products: each product's bits do not depend on who computes it
            int tasks = (int) Math.min(count, 4L * TASKS);
            Parallel.forEach(tasks, task -> {
                for (int t = (int) ((long) task * count / tasks), end = (int) ((long) (task + 1) * count / tasks); t < end; t++) {
                    one.accept(t);
                }
            });
        } else {
            for (int t = 0; t < count; t++) {
                one.accept(t);
            }
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

    /**
     * Rows per parallel task: a multiple of mr, at most MC_MAX, cutting the rows into a multiple of
     * TASKS blocks where that is possible, so that the threads get equal shares (1,024 rows in
     * blocks of 96 made 11 tasks, 6 for one thread and 5 for the other).
     */
    static int rowsPerBlock(int m, int mr) {
        for (int parts = TASKS; ; parts += TASKS) {
            int mc = Math.max(mr, roundUp((m + parts - 1) / parts, mr));
            if (mc <= MC_MAX / mr * mr || mc == mr) {
                return mc;
            }
        }
    }

    /** Tasks a parallel product is cut into (fixed, so the split never depends on the thread count). */
    static final int TASKS = 8;

    /** Most doubles a packed panel of B may hold (32 MiB): bounds the panel width of deep products. */
    static final int PANEL_MAX = 1 << 22;
    /** Panels of at least this many doubles are packed in parallel (below, a barrier costs more than it saves). */
    static final long PACK_PARALLEL_MIN = 1 << 18;
    /** Packed panels up to this many doubles (16 MiB: a 1,024-wide panel of depth 1,024 with its padding) are kept per thread for the next call. */
    static final int PANEL_KEEP = 1 << 21;

    /**
     * The blocked product. Each panel of B (all of its depth) is packed first, then every task
     * (a block of rows, or of rows × columns) runs through all depth blocks in order on its own:
     * one barrier per panel rather than one per depth block, so a helper thread that the OS
     * parks for a while delays the call once, not at every depth block.
     */
    private static void blocked(double[] a, int aOff, boolean transA, double[] b, int bOff, boolean transB,
                                double[] c, int cOff, int m, int k, int n, Kernel kn, boolean mayParallel) {
        final int mr = kn.mr, nr = kn.nr;
        int mc = rowsPerBlock(m, mr);
        int mBlocks = (m + mc - 1) / mc;
        boolean parallel = mayParallel && (long) m * n * k >= PARALLEL_MIN;
        int panelCols = Math.max(nr, Math.min(Math.min(NC, n), PANEL_MAX / k / nr * nr));
        int panelSize = roundUp(panelCols, nr) * k;
        double[] bp = panelSize <= PANEL_KEEP ? buffer(1, panelSize) : new double[panelSize];
        int kBlocks = (k + KC - 1) / KC;
        for (int jc = 0; jc < n; jc += panelCols) {
            int nc = Math.min(panelCols, n - jc);
            int ncr = roundUp(nc, nr);
            // few row blocks (a short, wide product): also cut the columns, in multiples of nr
            int nChunks = mBlocks >= TASKS ? 1 : Math.min((TASKS + mBlocks - 1) / mBlocks, Math.max(1, nc / (4 * nr)));
            int ncw = roundUp((nc + nChunks - 1) / nChunks, nr);
            int chunks = (nc + ncw - 1) / ncw;
            final int jcF = jc;
            // depth block pc of the panel starts at pc * ncr: the blocks before it hold pc rows in total
            java.util.function.IntConsumer pack = kb -> {
                int pc = kb * KC;
                packB(nr, b, bOff, transB, k, n, pc, Math.min(KC, k - pc), jcF, nc, bp, pc * ncr);
            };
            java.util.function.IntConsumer task = t -> {
                int blk = t / chunks, ch = t % chunks;
                int ic = blk * mc, j0 = ch * ncw;
                for (int pc = 0; pc < k; pc += KC) {
                    rowBlock(kn, a, aOff, transA, bp, pc * ncr, c, cOff, m, k, n, ic, Math.min(mc, m - ic), jcF, nc, j0,
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
     * panel's columns [j0, j0+width) (relative to jc; j0 is a multiple of nr).
     */
    private static void rowBlock(Kernel kn, double[] a, int aOff, boolean transA, double[] bp, int bpOff, double[] c, int cOff,
                                 int m, int k, int n, int ic, int mcb, int jc, int nc, int j0, int width,
                                 int pc, int kc) {
        final int mr = kn.mr, nr = kn.nr;
        // a small product's rows, all in whole strips and one depth block, are read where they are:
        // packing them cost a fifth of an n = 64 product
        boolean inPlace = !transA && k <= KC && mcb % mr == 0 && (long) m * n * k < PARALLEL_MIN && kn.readsInPlace();
        double[] ap = inPlace ? a : buffer(0, roundUp(mcb, mr) * kc);
        if (!inPlace) {
            packA(mr, a, aOff, transA, m, k, ic, mcb, pc, kc, ap);
        }
        boolean load = pc > 0;  // the first depth block starts each tile from +0.0 instead of reading C
        for (int jr = j0; jr < j0 + width; jr += nr) {
            int nrv = Math.min(nr, nc - jr);
            int bo = bpOff + (jr / nr) * kc * nr;
            for (int ir = 0; ir < mcb; ir += mr) {
                int mrv = Math.min(mr, mcb - ir);
                int co = cOff + (ic + ir) * n + jc + jr;
                if (inPlace && (nrv == nr || kn.runsColumns(nrv))) {
                    kn.runInPlace(nrv, kc, a, aOff + (ic + ir) * k + pc, k, bp, bo, c, co, n, load);
                    continue;
                }
                double[] as = ap;
                int ao = (ir / mr) * kc * mr;
                if (inPlace) {
                    // an edge strip of another width: pack this row strip after all, then as any edge tile
                    as = buffer(0, mr * kc);
                    ao = 0;
                    packA(mr, a, aOff, false, m, k, ic + ir, mr, pc, kc, as);
                }
                if (mrv == mr && nrv == nr) {
                    kn.run(kc, as, ao, bp, bo, c, co, n, load);
                } else if (mrv == mr && kn.runsColumns(nrv)) {
                    kn.runColumns(nrv, kc, as, ao, bp, bo, c, co, n, load);
                } else {
                    // edge tile: run the full kernel on a scratch tile, keep the valid part
                    double[] tile = buffer(2, mr * nr);
                    if (load) {
                        Arrays.fill(tile, 0, mr * nr, 0.0);
                        for (int r = 0; r < mrv; r++) {
                            System.arraycopy(c, co + r * n, tile, r * nr, nrv);
                        }
                    }
                    kn.run(kc, as, ao, bp, bo, tile, 0, nr, load);
                    for (int r = 0; r < mrv; r++) {
                        System.arraycopy(tile, r * nr, c, co + r * n, nrv);
                    }
                }
            }
        }
    }

    /** op(A)[ic.., pc..] into mr-row strips: strip s holds, for each p, the mr values of rows s·mr..; zero padded. */
    private static void packA(int mr, double[] a, int aOff, boolean transA, int m, int k, int ic, int mcb, int pc, int kc,
                              double[] ap) {
        if (transA) {
            // A stored [k, m]: row p holds the block's mcb values side by side, so walk the rows in
            // order and deal each one out to the strips (strip by strip, a strided walk down the
            // stored matrix re-fetched its lines once per strip: 20 % of a batch-128 MLP step)
            int strips = (mcb + mr - 1) / mr;
            for (int p = 0; p < kc; p++) {
                int src = aOff + (pc + p) * m + ic;
                for (int s = 0; s < strips; s++) {
                    int ir = s * mr, dst = s * kc * mr + p * mr;
                    int rows = Math.min(mr, mcb - ir);
                    for (int r = 0; r < rows; r++) {
                        ap[dst + r] = a[src + ir + r];
                    }
                    for (int r = rows; r < mr; r++) {
                        ap[dst + r] = 0.0;
                    }
                }
            }
            return;
        }
        for (int ir = 0; ir < mcb; ir += mr) {
            int base = (ir / mr) * kc * mr;
            if (ir + mr <= mcb) {
                // a full strip: write the packed values in order, reading the mr rows side by side
                int src = aOff + (ic + ir) * k + pc;
                for (int p = 0; p < kc; p++) {
                    int dst = base + p * mr;
                    for (int r = 0; r < mr; r++) {
                        ap[dst + r] = a[src + r * k + p];
                    }
                }
                continue;
            }
            for (int r = 0; r < mr; r++) {
                int i = ic + ir + r;
                if (ir + r >= mcb) {
                    for (int p = 0; p < kc; p++) {
                        ap[base + p * mr + r] = 0.0;
                    }
                } else {
                    int src = aOff + i * k + pc;
                    for (int p = 0; p < kc; p++) {
                        ap[base + p * mr + r] = a[src + p];
                    }
                }
            }
        }
    }

    /** op(B)[pc.., jc..] into nr-column strips: strip s holds, for each p, nr consecutive columns; zero padded. */
    private static void packB(int nr, double[] b, int bOff, boolean transB, int k, int n, int pc, int kc, int jc, int nc,
                              double[] bp, int bpOff) {
        for (int jr = 0; jr < nc; jr += nr) {
            int base = bpOff + (jr / nr) * kc * nr;
            int cols = Math.min(nr, nc - jr);
            if (!transB) {
                for (int p = 0; p < kc; p++) {
                    int src = bOff + (pc + p) * n + jc + jr;
                    int dst = base + p * nr;
                    System.arraycopy(b, src, bp, dst, cols);
                    for (int j = cols; j < nr; j++) {
                        bp[dst + j] = 0.0;
                    }
                }
            } else {
                // B stored [n, k]: write each packed row of nr values in order, reading the strip's
                // stored rows side by side (column by column, the writes strode nr doubles apart
                // and the padding of a narrow last strip cost as much as its data)
                int src = bOff + (jc + jr) * k + pc;
                for (int p = 0; p < kc; p++) {
                    int dst = base + p * nr;
                    for (int j = 0; j < cols; j++) {
                        bp[dst + j] = b[src + j * k + p];
                    }
                    if (cols < nr) {
                        Arrays.fill(bp, dst + cols, dst + nr, 0.0);
                    }
                }
            }
        }
    }
}
