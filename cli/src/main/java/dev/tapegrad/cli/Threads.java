package dev.tapegrad.cli;

/** Applies {@code --threads}: how many threads the parallel kernels use. Results do not depend on it. */
final class Threads {

    private Threads() {
    }

    static void apply(Integer threads) {
        if (threads == null) {
            return;
        }
        if (threads < 1 || threads > 1024) {
            throw new CliException("usage: --threads " + threads + " must be between 1 and 1024");
        }
        dev.tapegrad.Threads.set(threads);
    }
}
