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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
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
 * Runs Tapegrad's benchmark cases and the peer script ({@code torch_peer.py}) one after the other
 * on this machine and prints one table: case, Tapegrad median, peer median, ratio (how many times
 * better Tapegrad is: above 1 means Tapegrad wins).
 *
 * <p>Usage (see {@code benchmarks/compare}, which builds the classpath and calls this):
 * <pre>
 * java -cp CLASSPATH dev.tapegrad.bench.Compare [--threads N] [--peer PATH] [--python EXE]
 *      [--quick] [--no-peer] [--no-memory] [--no-vector] [--cases op-overhead,mlp-step,matmul]
 * </pre>
 * Tapegrad's figures are medians over JMH measurement iterations (one forked JVM per case);
 * the peer's are the medians its script prints. The JMH forks run with
 * {@code --add-modules jdk.incubator.vector} (the Vector API matmul micro-kernel) unless
 * {@code --no-vector}. The peer runs with OPENBLAS_CORETYPE and
 * OPENBLAS_L2_SIZE removed from its environment, so that numpy picks its own kernel.
 */
public final class Compare {
    private Compare() {}

    /** One row of the table. */
    record Row(String name, String unit, double ours, double peer, boolean higherIsBetter, String peerName) {
        double ratio() {
            if (Double.isNaN(peer) || Double.isNaN(ours)) {
                return Double.NaN;
            }
            return higherIsBetter ? ours / peer : peer / ours;
        }
    }

    /**
     * Entry point.
     *
     * @param args see the class documentation
     */
    public static void main(String[] args) throws Exception {
        int threads = Runtime.getRuntime().availableProcessors();
        String peer = "benchmarks/peer/torch_peer.py";
        String python = "/usr/bin/python3";
        boolean quick = false, runPeer = true, memory = true, vector = true;
        List<String> cases = List.of("op-overhead", "mlp-step", "matmul");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--peer" -> peer = args[++i];
                case "--python" -> python = args[++i];
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
        Map<String, Double> ours = runJmh(cases, threads, quick, vector);
        Map<String, Double> mem = memory ? runTapeMemory() : Map.of();
        Map<String, Double> theirs = new HashMap<>();
        String peerInfo = "not run";
        if (runPeer) {
            if (!Files.exists(Path.of(peer)) || !Files.exists(Path.of(python))) {
                System.err.println("compare: peer script " + peer + " or " + python + " missing; skipping the peer");
            } else {
                blasInfo(python, threads);
                List<String> base = new ArrayList<>(List.of(python, peer, "--threads", Integer.toString(threads)));
                List<String> first = new ArrayList<>(base);
                first.addAll(cases);
                peerInfo = runPeer(first, theirs);
                if (cases.contains("mlp-step")) {
                    List<String> second = new ArrayList<>(base);
                    second.addAll(List.of("mlp-step", "--batch", "16"));
                    runPeer(second, theirs);
                }
            }
        }
        List<Row> rows = new ArrayList<>();
        if (ours.containsKey("op-overhead")) {
            rows.add(new Row("op-overhead (ns per recorded op)", "ns", ours.get("op-overhead"),
                    theirs.getOrDefault("op-overhead/torch", Double.NaN), false, "torch"));
        }
        for (String b : List.of("128", "16")) {
            String k = "mlp-step/" + b;
            if (ours.containsKey(k)) {
                rows.add(new Row("mlp-step batch " + b + " (samples/s)", "1/s", ours.get(k),
                        theirs.getOrDefault("mlp-step/torch/" + b, Double.NaN), true, "torch"));
            }
        }
        for (String n : List.of("64", "256", "1024")) {
            String k = "matmul/" + n;
            if (ours.containsKey(k)) {
                for (String p : List.of("numpy", "torch")) {
                    rows.add(new Row("matmul n=" + n + " (GFLOP/s)", "GFLOP/s", ours.get(k),
                            theirs.getOrDefault("matmul/" + p + "/" + n, Double.NaN), true, p));
                }
            }
        }
        if (mem.containsKey("bytesPerNodeUnary")) {
            rows.add(new Row("tape-memory unary (bytes/node)", "B", mem.get("bytesPerNodeUnary"), Double.NaN, false, "-"));
            rows.add(new Row("tape-memory binary (bytes/node)", "B", mem.get("bytesPerNodeBinary"), Double.NaN, false, "-"));
            rows.add(new Row("replay 1e7-node chain (s)", "s", mem.get("replaySeconds"), Double.NaN, false, "-"));
        }
        System.out.println();
        System.out.println("threads=" + threads + ", JVM " + System.getProperty("java.vm.name") + " "
                + System.getProperty("java.runtime.version") + ", vector API " + (vector ? "on" : "off")
                + ", peers " + peerInfo);
        System.out.println(String.format(Locale.ROOT, "| %-34s | %12s | %12s | %-5s | %8s |",
                "case", "Tapegrad", "peer", "peer", "ratio"));
        System.out.println("|" + "-".repeat(36) + "|" + "-".repeat(14) + ":|" + "-".repeat(13) + ":|"
                + "-".repeat(7) + "|" + "-".repeat(9) + ":|");
        for (Row r : rows) {
            System.out.println(String.format(Locale.ROOT, "| %-34s | %12s | %12s | %-5s | %8s |",
                    r.name(), fmt(r.ours()), fmt(r.peer()), r.peerName(),
                    Double.isNaN(r.ratio()) ? "-" : String.format(Locale.ROOT, "%.2fx", r.ratio())));
        }
        System.out.println("ratio: how many times better Tapegrad is (peer time / ours, or our rate / peer rate).");
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

    /** Runs the JMH cases; returns ns/op for op-overhead, samples/s for mlp-step, GFLOP/s for matmul. */
    static Map<String, Double> runJmh(List<String> cases, int threads, boolean quick, boolean vector) throws RunnerException {
        List<String> includes = new ArrayList<>();
        for (String c : cases) {
            switch (c) {
                case "op-overhead" -> includes.add(OpOverheadBenchmark.class.getName());
                case "mlp-step" -> includes.add(MlpStepBenchmark.class.getName());
                case "matmul" -> includes.add(MatMulBenchmark.class.getName());
                default -> throw new IllegalArgumentException("compare: unknown case " + c);
            }
        }
        List<String> jvmArgs = new ArrayList<>(List.of("-Dtapegrad.threads=" + threads, "-Xms2g", "-Xmx2g"));
        if (vector) {
            jvmArgs.add("--add-modules=jdk.incubator.vector");
        }
        Map<String, Double> out = new LinkedHashMap<>();
        for (String inc : includes) {
            ChainedOptionsBuilder ob = new OptionsBuilder()
                    .include("^" + Pattern.quote(inc) + "\\.")
                    .forks(1)
                    .warmupIterations(quick ? 2 : 4)
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

    /**
     * Prints which BLAS numpy loads (threadpoolctl, if installed): Debian's numpy falls back to the
     * reference BLAS unless an optimised one (libopenblas0-pthread) is installed, which changes
     * the matmul figures by two orders of magnitude.
     */
    static void blasInfo(String python, int threads) throws IOException, InterruptedException {
        String script = "import numpy\n"
                + "try:\n"
                + "    import threadpoolctl\n"
                + "    numpy.ones((2, 2)) @ numpy.ones((2, 2))\n"
                + "    for i in threadpoolctl.threadpool_info():\n"
                + "        print('blas:', i.get('internal_api'), i.get('version'), i.get('architecture'), i.get('threading_layer'), i.get('num_threads'), 'threads')\n"
                + "except ImportError:\n"
                + "    print('blas: threadpoolctl not installed; numpy config follows')\n"
                + "    numpy.show_config()\n";
        ProcessBuilder pb = new ProcessBuilder(python, "-c", script);
        pb.environment().remove("OPENBLAS_CORETYPE");
        pb.environment().remove("OPENBLAS_L2_SIZE");
        pb.environment().put("OPENBLAS_NUM_THREADS", Integer.toString(threads));
        pb.redirectErrorStream(true);
        Process p = pb.start();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                System.out.println("[peer] " + line);
            }
        }
        p.waitFor();
    }

    private static final Pattern FIELD = Pattern.compile("\"(\\w+)\":\\s*(\"[^\"]*\"|[-0-9.eE+]+)");

    /** Runs the peer script and files its JSON lines under case/peer[/n or batch]. */
    static String runPeer(List<String> command, Map<String, Double> into)
            throws IOException, InterruptedException {
        System.out.println("[peer] " + String.join(" ", command));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().remove("OPENBLAS_CORETYPE");
        pb.environment().remove("OPENBLAS_L2_SIZE");
        // torch.set_num_threads does not reach the BLAS that numpy (and Debian's torch) call:
        // give it the same thread count, so that --threads N means N for every library
        pb.environment().put("OPENBLAS_NUM_THREADS", command.get(command.indexOf("--threads") + 1));
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        Process p = pb.start();
        String info = "";
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                System.out.println("[peer] " + line);
                Map<String, String> f = new HashMap<>();
                Matcher m = FIELD.matcher(line);
                while (m.find()) {
                    f.put(m.group(1), m.group(2).replace("\"", ""));
                }
                if (line.contains("\"peers\"")) {
                    info = "torch " + f.get("torch") + ", numpy " + f.get("numpy");
                    continue;
                }
                String c = f.get("case");
                if ("op-overhead".equals(c)) {
                    into.put("op-overhead/torch", Double.parseDouble(f.get("ns_per_op")));
                } else if ("mlp-step".equals(c)) {
                    into.put("mlp-step/torch/" + f.get("batch"), Double.parseDouble(f.get("samples_per_s")));
                } else if ("matmul".equals(c)) {
                    into.put("matmul/" + f.get("peer") + "/" + f.get("n"), Double.parseDouble(f.get("gflops")));
                }
            }
        }
        if (p.waitFor() != 0) {
            System.err.println("compare: the peer script exited with status " + p.exitValue());
        }
        return info;
    }
}
