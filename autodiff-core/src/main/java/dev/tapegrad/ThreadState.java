package dev.tapegrad;

/**
 * What one thread's ops need to know about automatic differentiation: the innermost open tape,
 * whether recording is paused, and the forward-mode levels. One thread-local lookup per op that
 * might be recorded or carries tangents; ops on plain tensors never look it up.
 */
final class ThreadState {
    private static final ThreadLocal<ThreadState> STATE = ThreadLocal.withInitial(ThreadState::new);

    /** The innermost open tape of this thread (its parents enclose it), or null. */
    Tape current;
    /** True while recording is paused ({@link Tape#pause()}, or a replay that records nothing). */
    boolean paused;
    /** The innermost open forward-mode level, or null. */
    ForwardMode.Level level;
    /**
     * Only tangents of levels below this depth propagate: while the tangent of level L is computed,
     * the ceiling is L's depth, so that computation never mixes in its own level (no perturbation
     * confusion) and costs no more than a plain op.
     */
    int ceiling = Integer.MAX_VALUE;

    static ThreadState get() {
        return STATE.get();
    }
}
