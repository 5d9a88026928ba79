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
