package dev.tapegrad;

import dev.tapegrad.kernels.Parallel;

/**
 * How many threads the parallel kernels use (default: the processor count, or the system property
 * {@code tapegrad.threads}). Results are bit-identical for any count: kernels split their work in
 * blocks fixed by the sizes.
 *
 * <pre>{@code Threads.set(1);   // e.g. when the caller parallelises across models itself}</pre>
 */
public final class Threads {
    private Threads() {}

    /** Sets the number of kernel threads (at least 1). */
    public static void set(int n) {
        Parallel.setThreads(n);
    }

    /** The number of kernel threads in use. */
    public static int get() {
        return Parallel.threads();
    }
}
