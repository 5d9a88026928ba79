package dev.tapegrad.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the peer script ({@code torch_peer.py}) at one thread count and files its JSON lines under
 * {@code case/peer[/n or batch]}. The script runs with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE
 * removed (this machine's environment sets them for old OpenBLAS builds; they slow a current one)
 * and OPENBLAS_NUM_THREADS set to the thread count, since {@code torch.set_num_threads} does not
 * reach the BLAS that numpy and Debian's torch call.
 */
final class Peer {
    private Peer() {}

    /** What the script said about itself: versions, torch's SIMD level, numpy's BLAS kernel. */
    static final Map<String, String> INFO = new HashMap<>();

    private static final Pattern FIELD = Pattern.compile("\"(\\w+)\":\\s*(\"[^\"]*\"|[-0-9.eE+]+)");

    /** Runs {@code python script --threads t cases...} (plus extra arguments) and adds its figures to {@code into}. */
    static void run(String python, String script, int threads, List<String> args, Map<String, Double> into)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(python, script, "--threads", Integer.toString(threads)));
        command.addAll(args);
        System.out.println("[peer] " + String.join(" ", command));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().remove("OPENBLAS_CORETYPE");
        pb.environment().remove("OPENBLAS_L2_SIZE");
        pb.environment().put("OPENBLAS_NUM_THREADS", Integer.toString(threads));
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        Process p = pb.start();
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
                    INFO.put("versions", "torch " + f.get("torch") + ", numpy " + f.get("numpy"));
                    INFO.put("torch_cpu", f.getOrDefault("torch_cpu", "?"));
                    INFO.put("blas", f.getOrDefault("blas", "?"));
                    continue;
                }
                String c = f.get("case");
                if ("op-overhead".equals(c)) {
                    into.put("op-overhead/torch", Double.parseDouble(f.get("ns_per_op")));
                } else if ("mlp-step".equals(c)) {
                    into.put("mlp-step/" + f.get("batch") + "/torch", Double.parseDouble(f.get("samples_per_s")));
                } else if ("conv-step".equals(c)) {
                    into.put("conv-step/" + f.get("batch") + "/torch", Double.parseDouble(f.get("samples_per_s")));
                } else if ("matmul".equals(c)) {
                    into.put("matmul/" + f.get("n") + "/" + f.get("peer"), Double.parseDouble(f.get("gflops")));
                }
            }
        }
        if (p.waitFor() != 0) {
            System.err.println("compare: the peer script exited with status " + p.exitValue());
        }
    }
}
