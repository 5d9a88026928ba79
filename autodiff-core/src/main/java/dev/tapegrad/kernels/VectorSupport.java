package dev.tapegrad.kernels;

/**
 * Chooses the matmul micro-kernel from the machine and the JVM: the 512-bit one where the JIT
 * uses 512-bit vectors (AVX-512), the 256-bit one on AVX2, the scalar one when the JVM was started
 * without {@code --add-modules jdk.incubator.vector} or the system property {@code tapegrad.scalar}
 * is true. {@code -Dtapegrad.vectorBits=256} forces the 256-bit kernel on an AVX-512 machine (to
 * compare or test both widths anywhere); {@code 512} on a 256-bit machine is honoured too (the
 * Vector API then emulates the wider vectors, slowly, but with the same results). Kept apart so
 * that {@link VectorKernel} (which names the incubator classes) is loaded only when it will be used.
 */
final class VectorSupport {
    private VectorSupport() {}

    /** True if the Vector API module is present (the vector kernels can run). */
    static final boolean AVAILABLE = detect();

    /** The kernel chosen at start-up. */
    static final Kernel CHOSEN = choose();

    /**
     * True once the chosen vector kernel runs as JIT-compiled code. Until then the Vector API runs
     * its Java fallback (each vector op a new object and a loop over lanes), thousands of times
     * slower than the scalar kernel: one batch-128 MLP step took 1.5-2.4 s interpreted here. So
     * products use the scalar code on the same tile (the same bits) until a daemon thread, started
     * with the first product, has driven the vector kernel through the JIT and timed it compiled.
     */
    static volatile boolean warm = CHOSEN.bits == 0;

    private static boolean warming;

    /** Starts the warm-up thread once (no-op for the scalar kernel). */
    static synchronized void startWarmUp() {
        if (warm || warming) {
            return;
        }
        warming = true;
        Thread t = new Thread(VectorSupport::warmUp, "tapegrad-warmup");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }

    /** Most time the warm-up spends before giving up (a JVM without C2, -Xint: the scalar code stays). */
    static final long WARM_UP_LIMIT_NS = 60_000_000_000L;

    /**
     * Runs the chosen kernel on scratch tiles, both with and without loading C and at two row
     * strides (so the compiled code has seen every branch and is not deoptimised by the first real
     * product), until a call takes under 0.5 ns per multiply-add: compiled code takes about 0.05, the
     * Java fallback 5 or more. The best of 32 calls is taken, so a preempted thread only retries.
     */
    private static void warmUp() {
        Kernel k = CHOSEN;
        int kc = MatMul.KC, ldc = k.nr + 8;
        double[] a = new double[k.mr * kc], b = new double[k.nr * kc], c = new double[k.mr * ldc];
        java.util.Arrays.fill(a, 1e-3);
        java.util.Arrays.fill(b, 1e-3);
        double limit = 0.5 * k.mr * k.nr * kc;
        long end = System.nanoTime() + WARM_UP_LIMIT_NS;
        while (System.nanoTime() < end) {
            long best = Long.MAX_VALUE;
            for (int i = 0; i < 32; i++) {
                long t0 = System.nanoTime();
                k.run(kc, a, 0, b, 0, c, 0, (i & 2) == 0 ? k.nr : ldc, (i & 1) == 0);
                best = Math.min(best, System.nanoTime() - t0);
            }
            if (best < limit) {
                warm = true;
                return;
            }
        }
    }

    private static boolean detect() {
        if (Boolean.getBoolean("tapegrad.scalar")) {
            return false;
        }
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return false;
        }
        try {
            return VectorKernel.preferredBits() >= 128;
        } catch (Throwable e) {  // LinkageError and the like: fall back to the scalar kernel
            return false;
        }
    }

    /** The widest vector the JIT uses for doubles, in bits (0 without the module). */
    static int preferredBits() {
        return AVAILABLE ? VectorKernel.preferredBits() : 0;
    }

    private static Kernel choose() {
        return choose(AVAILABLE, preferredBits(), System.getProperty("tapegrad.vectorBits"));
    }

    /**
     * The kernel for a JVM with or without the module, the JIT's preferred width in bits, and the
     * {@code tapegrad.vectorBits} property (null if unset; anything but 256 or 512 is ignored with a warning).
     */
    static Kernel choose(boolean available, int preferred, String property) {
        if (!available) {
            return Kernel.SCALAR;
        }
        int bits = preferred;
        if (property != null) {
            String p = property.trim();
            if (p.equals("256") || p.equals("512")) {
                bits = Integer.parseInt(p);
            } else {
                System.err.println("tapegrad: ignoring tapegrad.vectorBits=" + property + " (expected 256 or 512)");
            }
        }
        return bits >= 512 ? Kernel.V512 : bits >= 256 ? Kernel.V256 : Kernel.SCALAR;
    }
}
