package dev.tapegrad.kernels;

/**
 * Whether the Vector API micro-kernel can run: the JVM was started with
 * {@code --add-modules jdk.incubator.vector}, the processor has 256-bit vectors, and the system
 * property {@code tapegrad.scalar} is not true. Kept apart so that {@link VectorKernel} (which
 * names the incubator classes) is loaded only when it will be used.
 */
final class VectorSupport {
    private VectorSupport() {}

    static final boolean AVAILABLE = detect();

    private static boolean detect() {
        if (Boolean.getBoolean("tapegrad.scalar")) {
            return false;
        }
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return false;
        }
        try {
            return VectorKernel.usable();
        } catch (Throwable e) {  // LinkageError and the like: fall back to the scalar kernel
            return false;
        }
    }
}
