package dev.tapegrad.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs Tapegrad's benchmark cases (JMH, on this JVM and on a newer JDK if one is installed) and
 * the peer script ({@code torch_peer.py}, at 1 thread and at the requested count) one after the
 * other on this machine, {@code --runs} times, and prints one table: per case, Tapegrad's median
 * over the runs on each JVM with the spread [lowest–highest], the peer's best thread count (its
 * median over the runs, and which count it was), and the ratios (how many times better Tapegrad
 * is: above 1 means Tapegrad wins).
 *
 * <p>Usage (see {@code benchmarks/compare}, which builds the classpath and calls this):
 * <pre>
 * java -cp CLASSPATH dev.tapegrad.bench.Compare [--threads N] [--runs R] [--peer PATH] [--python EXE]
 *      [--jvm2 PATH | --no-jvm2] [--vector-bits 256|512] [--no-pretouch]
 *      [--quick] [--no-peer] [--no-memory] [--no-vector] [--cases op-overhead,mlp-step,conv-step,matmul]
 * </pre>
 * Tapegrad's figures are medians over JMH measurement iterations (one forked JVM per case and
 * parameter, 10 × 1 s of warm-up: on a loaded machine the JIT takes seconds to compile the vector
 * kernels, and until then products run the scalar code), run with {@code --add-modules jdk.incubator.vector} (unless {@code --no-vector}),
 * a fixed 512 MiB heap touched at start-up ({@code -XX:+AlwaysPreTouch}, unless
 * {@code --no-pretouch}: see RESULTS.md on the batch-128 cliff); the peer's are the medians its
 * script prints. The header names the processor, the kernels each JVM chose, the BLAS kernel
 * OpenBLAS chose and the load average before and after each run.
 */
public final class Compare {
    private Compare() {}

    /** A JVM to run the JMH forks on. */
    record Jvm(String label, String java) {}

    /** One row of the table: a case key, its title, whether higher is better, and the peer library. */
    record Row(String key, String title, boolean higherIsBetter, String peer) {}

    /**
     * Entry point.
     *
     * @param args see the class documentation
     */
    public static void main(String[] args) throws Exception {
        int threads = Runtime.getRuntime().availableProcessors(), runs = 1;
        String peer = "benchmarks/peer/torch_peer.py";
        String python = "/usr/bin/python3";
        String jvm2 = null, vectorBits = null;
        boolean quick = false, runPeer = true, memory = true, vector = true, pretouch = true, noJvm2 = false;
        List<String> cases = List.of("op-overhead", "mlp-step", "conv-step", "matmul");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--peer" -> peer = args[++i];
                case "--python" -> python = args[++i];
                case "--jvm2" -> jvm2 = args[++i];
                case "--no-jvm2" -> noJvm2 = true;
                case "--vector-bits" -> vectorBits = args[++i];
                case "--no-pretouch" -> pretouch = false;
                case "--quick" -> quick = true;
                case "--no-peer" -> runPeer = false;
                case "--no-memory" -> memory = false;
                case "--no-vector" -> vector = false;
                case "--cases" -> cases = Arrays.asList(args[++i].split(","));
                default -> {
                    System.err.println("compare: unknown argument " + args[i]);
                    System.exit(2);
                }
            }
        }
        List<Jvm> jvms = new ArrayList<>();
        jvms.add(new Jvm("JDK " + Runtime.version().feature(), Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        if (!noJvm2) {
            String other = jvm2 != null ? jvm2 : newerJdk();
            if (other != null) {
                jvms.add(new Jvm("JDK " + featureOf(other), other));
            }
        }
        List<String> jvmArgs = new ArrayList<>(List.of("-Dtapegrad.threads=" + threads, "-Xms512m", "-Xmx512m"));
        if (pretouch) {
            jvmArgs.add("-XX:+AlwaysPreTouch");
        }
        if (vector) {
            jvmArgs.add("--add-modules=jdk.incubator.vector");
        }
        if (vectorBits != null) {
            jvmArgs.add("-Dtapegrad.vectorBits=" + vectorBits);
        }
        List<String> machine = new ArrayList<>();
        machine.add("cpu: " + cpuModel() + ", " + Runtime.getRuntime().availableProcessors() + " cores visible, "
                + simd());
        for (Jvm j : jvms) {
            machine.add(j.label() + ": " + String.join(", ", kernelInfo(j, jvmArgs)));
        }
        Map<String, List<Double>> ours = new LinkedHashMap<>();    // "jvm|case" -> one value per run
        Map<String, List<Double>> theirs = new LinkedHashMap<>();  // "threads|case/peer" -> one value per run
        List<Integer> peerThreads = new ArrayList<>(new LinkedHashSet<>(List.of(1, threads)));
        boolean peerOk = runPeer && Files.exists(Path.of(peer)) && Files.exists(Path.of(python));
        if (runPeer && !peerOk) {
            System.err.println("compare: peer script " + peer + " or " + python + " missing; skipping the peer");
        }
        List<String> loads = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            String before = loadAverage();
            for (Jvm j : jvms) {
                runJmh(cases, j, jvmArgs, quick).forEach((k, v) -> ours.computeIfAbsent(j.label() + "|" + k, x -> new ArrayList<>()).add(v));
            }
            if (peerOk) {
                for (int t : peerThreads) {
                    Map<String, Double> got = new HashMap<>();
                    Peer.run(python, peer, t, cases, got);
                    if (cases.contains("mlp-step")) {
                        Peer.run(python, peer, t, List.of("mlp-step", "--batch", "16"), got);
                    }
                    got.forEach((k, v) -> theirs.computeIfAbsent(t + "|" + k, x -> new ArrayList<>()).add(v));
                }
            }
            loads.add("run " + run + ": load average " + before + " before, " + loadAverage() + " after");
        }
        Map<String, Double> mem = memory ? runTapeMemory() : Map.of();
        machine.add("peers: " + (peerOk ? Peer.INFO.getOrDefault("versions", "?") + " (torch kernels " + Peer.INFO.get("torch_cpu")
                + "), numpy BLAS " + Peer.INFO.get("blas") + ", run at " + peerThreads + " threads" : "not run"));
        machine.addAll(loads);
        printTable(jvms, rows(), ours, theirs, peerThreads, machine, threads, runs);
        if (mem.containsKey("bytesPerNodeUnary")) {
            System.out.println(String.format(Locale.ROOT, "tape-memory: %.1f bytes/node unary, %.1f binary; 1e7-node chain replayed in %.3f s",
                    mem.get("bytesPerNodeUnary"), mem.get("bytesPerNodeBinary"), mem.get("replaySeconds")));
        }
    }

    static List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        rows.add(new Row("op-overhead", "op-overhead (ns per recorded op)", false, "torch"));
        for (String b : List.of("128", "16")) {
            rows.add(new Row("mlp-step/" + b, "mlp-step batch " + b + " (samples/s)", true, "torch"));
        }
        rows.add(new Row("conv-step/64", "conv-step LeNet-5 batch 64 (samples/s)", true, "torch"));
        for (String n : List.of("64", "256", "1024")) {
            for (String p : List.of("numpy", "torch")) {
                rows.add(new Row("matmul/" + n, "matmul n=" + n + " (GFLOP/s)", true, p));
            }
        }
        return rows;
    }

    private static void printTable(List<Jvm> jvms, List<Row> rows, Map<String, List<Double>> ours,
                                   Map<String, List<Double>> theirs, List<Integer> peerThreads, List<String> machine,
                                   int threads, int runs) {
        System.out.println();
        System.out.println("Tapegrad at " + threads + " threads; medians over " + runs + " run(s), [lowest-highest]; the peer's best thread count");
        machine.forEach(m -> System.out.println("  " + m));
        StringBuilder head = new StringBuilder("| case                               |");
        StringBuilder rule = new StringBuilder("|------------------------------------|");
        for (Jvm j : jvms) {
            head.append(String.format(Locale.ROOT, " %-24s |", "Tapegrad " + j.label()));
            rule.append("-".repeat(25)).append(":|");
        }
        head.append(" peer best                | peer        |");
        rule.append("-".repeat(25)).append(":|-------------|");
        for (Jvm j : jvms) {
            head.append(String.format(Locale.ROOT, " %-12s |", "ratio " + j.label()));
            rule.append("-".repeat(13)).append(":|");
        }
        System.out.println(head);
        System.out.println(rule);
        for (Row r : rows) {
            if (jvms.stream().noneMatch(j -> ours.containsKey(j.label() + "|" + r.key()))) {
                continue;
            }
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "| %-34s |", r.title()));
            for (Jvm j : jvms) {
                line.append(String.format(Locale.ROOT, " %24s |", spread(ours.get(j.label() + "|" + r.key()))));
            }
            int best = -1;
            double bestV = Double.NaN;
            for (int t : peerThreads) {
                List<Double> v = theirs.get(t + "|" + r.key() + "/" + r.peer());
                if (v == null) {
                    continue;
                }
                double med = median(v);
                if (best < 0 || (r.higherIsBetter() ? med > bestV : med < bestV)) {
                    best = t;
                    bestV = med;
                }
            }
            line.append(String.format(Locale.ROOT, " %24s | %-11s |", best < 0 ? "-" : spread(theirs.get(best + "|" + r.key() + "/" + r.peer())),
                    best < 0 ? "-" : r.peer() + " " + best + "t"));
            for (Jvm j : jvms) {
                List<Double> v = ours.get(j.label() + "|" + r.key());
                double ratio = v == null || best < 0 ? Double.NaN : r.higherIsBetter() ? median(v) / bestV : bestV / median(v);
                line.append(String.format(Locale.ROOT, " %12s |", Double.isNaN(ratio) ? "-" : String.format(Locale.ROOT, "%.2fx", ratio)));
            }
            System.out.println(line);
        }
        System.out.println("ratio: how many times better Tapegrad is (peer time / ours, or our rate / peer rate), against the peer's best thread count.");
        for (Row r : rows) {  // every thread count of the peer, for the record
            for (int t : peerThreads) {
                List<Double> v = theirs.get(t + "|" + r.key() + "/" + r.peer());
                if (v != null) {
                    System.out.println("  peer " + r.peer() + " " + t + "t " + r.key() + ": " + spread(v) + " per run " + v);
                }
            }
        }
        ours.forEach((k, v) -> System.out.println("  tapegrad " + k + ": per run " + v));
    }

    static String spread(List<Double> v) {
        if (v == null || v.isEmpty()) {
            return "-";
        }
        double lo = v.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
        double hi = v.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        return v.size() == 1 ? fmt(v.get(0)) : fmt(median(v)) + " [" + fmt(lo) + "-" + fmt(hi) + "]";
    }

    private static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        if (Math.abs(v) >= 1000) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        return String.format(Locale.ROOT, Math.abs(v) >= 10 ? "%.1f" : "%.3f", v);
    }

    /** The newest JDK under /usr/lib/jvm whose feature release is above this JVM's, or null. */
    static String newerJdk() {
        String best = null;
        int bestFeature = Runtime.version().feature();
        try (var dirs = Files.list(Path.of("/usr/lib/jvm"))) {
            for (Path d : (Iterable<Path>) dirs::iterator) {
                Path java = d.resolve("bin/java");
                int f = featureOf(java.toString());
                if (Files.isExecutable(java) && f > bestFeature) {
                    best = java.toString();
                    bestFeature = f;
                }
            }
        } catch (IOException e) {
            return null;
        }
        return best;
    }

    /** The feature release (17, 25, ...) of the JDK holding bin/java, from its {@code release} file; 0 if unknown. */
    static int featureOf(String java) {
        Path release = Path.of(java).toAbsolutePath().getParent().getParent().resolve("release");
        try {
            for (String line : Files.readAllLines(release)) {
                if (line.startsWith("JAVA_VERSION=")) {
                    String v = line.substring(13).replace("\"", "");
                    return Integer.parseInt(v.split("[.+-]")[0]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }

    static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    String family = "";
                    for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                        if (l.startsWith("cpu family")) {
                            family = " (family " + l.substring(l.indexOf(':') + 1).trim() + ")";
                            break;
                        }
                    }
                    return line.substring(line.indexOf(':') + 1).trim() + family;
                }
            }
        } catch (IOException e) {
            return "unknown";
        }
        return "unknown";
    }

    /** The widest vector extension the processor reports. */
    static String simd() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("flags")) {
                    List<String> flags = Arrays.asList(line.split("\\s+"));
                    return flags.contains("avx512f") ? "AVX-512 (512-bit vectors)" : flags.contains("avx2") ? "AVX2 (256-bit vectors)" : "no AVX2";
                }
            }
        } catch (IOException e) {
            return "unknown SIMD";
        }
        return "unknown SIMD";
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }

    /** Runs {@link KernelInfo} on the JVM with the forks' flags: which kernel and which JVM the figures come from. */
    static List<String> kernelInfo(Jvm jvm, List<String> jvmArgs) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(jvm.java()));
        cmd.addAll(jvmArgs.stream().filter(a -> !a.startsWith("-Xm") && !a.contains("PreTouch")).toList());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), KernelInfo.class.getName()));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);  // the incubator warning
        Process p = pb.start();
        List<String> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                out.add(line);
            }
        }
        p.waitFor();
        return out;
    }

    /** Runs the JMH cases on one JVM; returns ns/op for op-overhead, samples/s for mlp-step and conv-step, GFLOP/s for matmul. */
    static Map<String, Double> runJmh(List<String> cases, Jvm jvm, List<String> jvmArgs, boolean quick) throws RunnerException {
        List<String> includes = new ArrayList<>();
        for (String c : cases) {
            switch (c) {
                case "op-overhead" -> includes.add(OpOverheadBenchmark.class.getName());
                case "mlp-step" -> includes.add(MlpStepBenchmark.class.getName());
                case "conv-step" -> includes.add(ConvStepBenchmark.class.getName());
                case "matmul" -> includes.add(MatMulBenchmark.class.getName());
                default -> throw new IllegalArgumentException("compare: unknown case " + c);
            }
        }
        Map<String, Double> out = new LinkedHashMap<>();
        for (String inc : includes) {
            ChainedOptionsBuilder ob = new OptionsBuilder()
                    .include("^" + Pattern.quote(inc) + "\\.")
                    .forks(1)
                    .jvm(jvm.java())
                    .warmupIterations(quick ? 3 : 10)
                    .warmupTime(TimeValue.seconds(1))
                    .measurementIterations(quick ? 3 : 7)
                    .measurementTime(TimeValue.seconds(1))
                    .timeUnit(TimeUnit.NANOSECONDS)
                    .jvmArgsAppend(jvmArgs.toArray(new String[0]));
            for (RunResult rr : new Runner(ob.build()).run()) {
                String label = rr.getParams().getBenchmark();
                List<Double> scores = new ArrayList<>();
                for (BenchmarkResult br : rr.getBenchmarkResults()) {
                    for (IterationResult ir : br.getIterationResults()) {
                        scores.add(ir.getPrimaryResult().getScore());
                    }
                }
                double nsPerCall = median(scores);
                if (label.endsWith("OpOverheadBenchmark.step")) {
                    out.put("op-overhead", nsPerCall / OpOverheadBenchmark.OPS_PER_STEP);
                } else if (label.endsWith("MlpStepBenchmark.step")) {
                    int batch = Integer.parseInt(rr.getParams().getParam("batch"));
                    out.put("mlp-step/" + batch, batch / (nsPerCall * 1e-9));
                } else if (label.endsWith("ConvStepBenchmark.step")) {
                    int batch = Integer.parseInt(rr.getParams().getParam("batch"));
                    out.put("conv-step/" + batch, batch / (nsPerCall * 1e-9));
                } else if (label.endsWith("MatMulBenchmark.matmul")) {
                    long n = Long.parseLong(rr.getParams().getParam("n"));
                    out.put("matmul/" + n, 2.0 * n * n * n / nsPerCall);
                }
            }
        }
        return out;
    }

    static double median(List<Double> xs) {
        double[] a = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        if (a.length == 0) {
            return Double.NaN;
        }
        return a.length % 2 == 1 ? a[a.length / 2] : 0.5 * (a[a.length / 2 - 1] + a[a.length / 2]);
    }

    /** Runs {@link TapeMemory} in a fresh JVM with the default heap and reads its key=value lines. */
    static Map<String, Double> runTapeMemory() throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                TapeMemory.class.getName());
        pb.redirectErrorStream(true);
        Map<String, Double> out = new HashMap<>();
        Process p = pb.start();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                System.out.println("[tape-memory] " + line);
                int eq = line.indexOf('=');
                if (eq > 0) {
                    try {
                        out.put(line.substring(0, eq), Double.parseDouble(line.substring(eq + 1)));
                    } catch (NumberFormatException ignored) {
                        // not a figure
                    }
                }
            }
        }
        p.waitFor();
        return out;
    }
}
