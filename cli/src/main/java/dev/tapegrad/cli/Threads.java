package dev.tapegrad.cli;

/**
 * Applies {@code --threads}: the size of the common fork-join pool, which the parallel kernels
 * use, and the system property {@code tapegrad.threads}. It must run before anything touches the
 * common pool; the subcommands call it first.
 */
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
        System.setProperty("tapegrad.threads", Integer.toString(threads));
        System.setProperty("java.util.concurrent.ForkJoinPool.common.parallelism", Integer.toString(threads));
    }
}
