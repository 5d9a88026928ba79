package dev.tapegrad.internal;

import dev.tapegrad.Tape;
import dev.tapegrad.Tensor;

/**
 * The core's internals that its own test framework ({@code dev.tapegrad.testing}) needs without
 * copies: a tensor's array and shape, wrapping an array, an alias that keeps forward-mode tangents,
 * whether a tape tracks a tensor. Not exported by the module: this is no user API.
 */
public final class Access {
    private Access() {}

    /** What {@code dev.tapegrad} provides; set once, when {@link Tensor} loads. */
    public interface Core {
        /** The tensor's values, not copied: never write to them. */
        double[] data(Tensor t);

        /** The tensor's shape, not copied. */
        int[] shape(Tensor t);

        /** A tensor over {@code data} and {@code shape}, not copied. */
        Tensor wrap(double[] data, int[] shape);

        /** A new leaf over the same values that keeps the tensor's forward-mode tangents. */
        Tensor alias(Tensor t);

        /** True if {@code tape} tracks {@code t} (a leaf that wants gradients or one of its live outputs). */
        boolean tracks(Tape tape, Tensor t);

        /** This thread's innermost open tape, or null. */
        Tape currentTape();

        /** A shape as text, e.g. {@code [2, 3]}. */
        String str(int[] shape);

        /** The multi-index of a flat row-major position. */
        int[] unravel(int flat, int[] shape);
    }

    private static volatile Core core;

    /** Called once by the core. */
    public static void set(Core c) {
        if (core != null) {
            throw new IllegalStateException("Access: already set");
        }
        core = c;
    }

    /** The core's internals. */
    public static Core core() {
        Core c = core;
        if (c == null) {
            Tensor.scalar(0);  // loads Tensor, which sets it
            c = core;
        }
        return c;
    }
}
