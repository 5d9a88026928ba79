package dev.tapegrad.bench;

/**
 * Runs one benchmark case in a loop for a given time, for profilers (JFR, async sampling):
 * {@code java -XX:StartFlightRecording=filename=op.jfr -cp ... dev.tapegrad.bench.ProfileLoop op-overhead 20}.
 * Prints the mean time per call at the end.
 */
public final class ProfileLoop {
    private ProfileLoop() {}

    /**
     * Entry point.
     *
     * @param args case (op-overhead, mlp-step, conv-step, matmul), seconds, and for mlp-step and conv-step the batch or for matmul n
     */
    public static void main(String[] args) {
        String c = args.length > 0 ? args[0] : "op-overhead";
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 10;
        Runnable r;
        switch (c) {
            case "op-overhead" -> {
                OpOverheadBenchmark b = new OpOverheadBenchmark();
                b.setUp();
                r = b::step;
            }
            case "mlp-step" -> {
                MlpStepBenchmark b = new MlpStepBenchmark();
                b.batch = args.length > 2 ? Integer.parseInt(args[2]) : 128;
                b.setUp();
                r = b::step;
            }
            case "conv-step" -> {
                ConvStepBenchmark b = new ConvStepBenchmark();
                b.batch = args.length > 2 ? Integer.parseInt(args[2]) : 64;
                b.setUp();
                r = b::step;
            }
            case "matmul" -> {
                MatMulBenchmark b = new MatMulBenchmark();
                b.n = args.length > 2 ? Integer.parseInt(args[2]) : 256;
                b.setUp();
                r = b::matmul;
            }
            default -> throw new IllegalArgumentException("unknown case " + c);
        }
        var mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long end = System.nanoTime() + (long) (seconds * 1e9);
        long calls = 0;
        long t0 = System.nanoTime();
        long cpu0 = mx.getCurrentThreadCpuTime();
        var sun = (com.sun.management.ThreadMXBean) mx;
        long alloc0 = sun.getThreadAllocatedBytes(Thread.currentThread().getId());
        // -Dprofile.interval=S prints each S-second interval on its own (JIT warm-up and drift show)
        double interval = Double.parseDouble(System.getProperty("profile.interval", "0"));
        long nextReport = interval > 0 ? System.nanoTime() + (long) (interval * 1e9) : Long.MAX_VALUE;
        long lastT = System.nanoTime(), lastCpu = mx.getCurrentThreadCpuTime(), lastCalls = 0;
        while (System.nanoTime() < end) {
            r.run();
            calls++;
            if (System.nanoTime() >= nextReport) {
                long t = System.nanoTime(), cpu = mx.getCurrentThreadCpuTime();
                long dc = calls - lastCalls;
                System.out.printf("  interval: %d calls, %.1f us wall, %.1f us main-thread CPU per call%n",
                        dc, (t - lastT) / 1e3 / dc, (cpu - lastCpu) / 1e3 / dc);
                lastT = t;
                lastCpu = cpu;
                lastCalls = calls;
                nextReport = t + (long) (interval * 1e9);
            }
        }
        double ns = (System.nanoTime() - t0) / (double) calls;
        double cpuNs = (mx.getCurrentThreadCpuTime() - cpu0) / (double) calls;
        // CPU time of this thread: less sensitive than wall time to other processes on a shared machine
        double bytes = (sun.getThreadAllocatedBytes(Thread.currentThread().getId()) - alloc0) / (double) calls;
        System.out.printf("%s: %d calls, %.1f us wall, %.1f us main-thread CPU, %.0f bytes allocated per call%n",
                c, calls, ns / 1e3, cpuNs / 1e3, bytes);
    }
}
