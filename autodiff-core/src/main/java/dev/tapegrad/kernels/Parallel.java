package dev.tapegrad.kernels;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * The thread count of the parallel kernels and the loop that spreads their tasks.
 *
 * <p>Kernels cut their work into tasks fixed by the sizes alone (never by the thread count), and
 * each task writes its own part of the output with the same arithmetic in the same order whoever
 * runs it, so results are bit-identical for any number of threads. The count defaults to the
 * system property {@code tapegrad.threads}, else the number of available processors:
 * <pre>{@code
 * Parallel.setThreads(1);        // e.g. the CLI's --threads 1
 * java -Dtapegrad.threads=2 ...  // the same from the command line
 * }</pre>
 */
public final class Parallel {
    private static volatile int threads = initialThreads();

    /** Helper threads, created on demand; daemons, so they never keep the JVM alive. */
    private static final ExecutorService POOL = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "tapegrad-kernel");
        t.setDaemon(true);
        return t;
    });

    private Parallel() {}

    private static int initialThreads() {
        String p = System.getProperty("tapegrad.threads");
        if (p != null) {
            try {
                int n = Integer.parseInt(p.trim());
                if (n >= 1) {
                    return n;
                }
            } catch (NumberFormatException ignored) {
                // fall through to the default
            }
            System.err.println("tapegrad: ignoring tapegrad.threads=" + p + " (expected a positive integer)");
        }
        return Runtime.getRuntime().availableProcessors();
    }

    /**
     * Sets how many threads the kernels use (1 = everything on the calling thread). Results do not
     * depend on it.
     *
     * @throws IllegalArgumentException if {@code n < 1}
     */
    public static void setThreads(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("setThreads: thread count " + n + " is not positive");
        }
        threads = n;
    }

    /** The number of threads the kernels use. */
    public static int threads() {
        return threads;
    }

    /**
     * Runs {@code body.accept(t)} for every task t in [0, tasks), on up to {@link #threads()}
     * threads; the calling thread takes part and returns when all tasks are done. The first
     * exception thrown by a task is rethrown here (the remaining tasks still run).
     */
    public static void forEach(int tasks, IntConsumer body) {
        int helpers = Math.min(threads, tasks) - 1;
        if (helpers <= 0) {
            for (int t = 0; t < tasks; t++) {
                body.accept(t);
            }
            return;
        }
        AtomicInteger next = new AtomicInteger();
        AtomicInteger running = new AtomicInteger(helpers);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread caller = Thread.currentThread();
        Runnable work = () -> drain(tasks, body, next, failure);
        for (int h = 0; h < helpers; h++) {
            POOL.execute(() -> {
                try {
                    work.run();
                } finally {
                    if (running.decrementAndGet() == 0) {
                        LockSupport.unpark(caller);
                    }
                }
            });
        }
        work.run();
        while (running.get() > 0) {
            LockSupport.park(Parallel.class);
        }
        Throwable f = failure.get();
        if (f instanceof RuntimeException re) {
            throw re;
        }
        if (f instanceof Error e) {
            throw e;
        }
    }

    private static void drain(int tasks, IntConsumer body, AtomicInteger next, AtomicReference<Throwable> failure) {
        int t;
        while ((t = next.getAndIncrement()) < tasks) {
            try {
                body.accept(t);
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
        }
    }
}
