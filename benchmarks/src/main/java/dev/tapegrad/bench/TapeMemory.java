package dev.tapegrad.bench;

import dev.tapegrad.Tape;
import dev.tapegrad.Tensor;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * The {@code tape-memory} case, a plain program rather than a JMH benchmark because it measures
 * the heap: bytes per recorded node for a chain of 10⁶ scalar ops (heap in use after a full GC,
 * before and after recording, divided by the number of nodes; the chain's tensors and the tape's
 * nodes are all counted), and the time to record and replay a chain of 10⁷ nodes in the default heap.
 *
 * <p>Prints one line per figure as {@code key=value}, which {@link Compare} reads.
 * Run: {@code java -cp ... dev.tapegrad.bench.TapeMemory [nodes-for-memory] [nodes-for-replay]}.
 */
public final class TapeMemory {
    private TapeMemory() {}

    /**
     * Runs both measurements.
     *
     * @param args optional sizes of the two chains (defaults 1,000,000 and 10,000,000)
     */
    public static void main(String[] args) {
        int memNodes = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int replayNodes = args.length > 1 ? Integer.parseInt(args[1]) : 10_000_000;
        System.out.println("maxHeapMiB=" + Runtime.getRuntime().maxMemory() / (1 << 20));
        // warm the code paths so that the JIT's own allocations do not count
        bytesPerNode(true, 20_000);
        bytesPerNode(false, 20_000);
        System.out.printf("bytesPerNodeUnary=%.1f%n", bytesPerNode(true, memNodes));
        System.out.printf("bytesPerNodeBinary=%.1f%n", bytesPerNode(false, memNodes));
        replay(replayNodes);
    }

    /**
     * Heap growth per node for a chain of {@code n} scalar ops: {@code y = tanh(y)} (unary) or
     * {@code y = y * c} with one shared constant c (binary).
     */
    static double bytesPerNode(boolean unary, int n) {
        Tensor x = Tensor.scalar(0.5).requiresGrad(true);
        Tensor c = Tensor.scalar(0.999999);
        long before = usedAfterGc();
        long after;
        try (Tape tape = Tape.record()) {
            Tensor y = x;
            for (int i = 0; i < n; i++) {
                y = unary ? y.tanh() : y.mul(c);
            }
            after = usedAfterGc();
            if (tape.size() != n) {
                throw new IllegalStateException("expected " + n + " nodes, tape has " + tape.size());
            }
            // keep y and the tape reachable until after the measurement
            if (y.item() == 42.0) {
                System.out.println();
            }
        }
        return (after - before) / (double) n;
    }

    /** Records a chain of {@code n} scalar multiplications and times the backward replay. */
    static void replay(int n) {
        Tensor x = Tensor.scalar(1.0).requiresGrad(true);
        Tensor c = Tensor.scalar(1.0);
        long t0 = System.nanoTime();
        long t1;
        long t2;
        try (Tape tape = Tape.record()) {
            Tensor y = x;
            for (int i = 0; i < n; i++) {
                y = y.mul(c);
            }
            t1 = System.nanoTime();
            tape.backward(y);
            t2 = System.nanoTime();
        }
        if (x.grad().item() != 1.0) {
            throw new IllegalStateException("replay of the chain gave d y/d x = " + x.grad().item() + ", expected 1");
        }
        System.out.println("replayNodes=" + n);
        System.out.printf("recordSeconds=%.3f%n", (t1 - t0) / 1e9);
        System.out.printf("replaySeconds=%.3f%n", (t2 - t1) / 1e9);
    }

    private static long usedAfterGc() {
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return mem.getHeapMemoryUsage().getUsed();
    }
}
