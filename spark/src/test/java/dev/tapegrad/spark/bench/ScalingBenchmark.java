package dev.tapegrad.spark.bench;

import dev.tapegrad.Tensor;
import dev.tapegrad.nn.Activation;
import dev.tapegrad.nn.Adam;
import dev.tapegrad.nn.DataLoader;
import dev.tapegrad.nn.Dataset;
import dev.tapegrad.nn.Linear;
import dev.tapegrad.nn.Losses;
import dev.tapegrad.nn.Module;
import dev.tapegrad.nn.Sequential;
import dev.tapegrad.nn.TrainingStep;
import dev.tapegrad.spark.SparkData;
import dev.tapegrad.spark.SparkTrainer;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * Scaling of {@code SparkTrainer} on local[1] versus local[2] (a benchmark, not a test): steps/s
 * and samples/s, strong scaling (the same global batch on 1 and 2 workers) and weak scaling (the
 * same batch per worker), the time per step in the gradient exchange, and the single-machine
 * {@code TrainingStep} loop as the baseline. One kernel thread per replica, so that local[N] uses
 * N cores. Run with {@code spark/bench [repeats]}; prints one table row per case with the median
 * and the range over the repeats.
 */
public final class ScalingBenchmark {

    static final int FEATURES = 256;
    static final int HIDDEN = 256;
    static final int CLASSES = 10;
    static final int SAMPLES = 8192;
    static final int EPOCHS = 2;

    private ScalingBenchmark() {
    }

    static RandomGenerator rng(long seed) {
        return RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
    }

    static Module mlp() {
        RandomGenerator r = rng(1);
        return new Sequential(new Linear(FEATURES, HIDDEN, r), Activation.relu(), new Linear(HIDDEN, CLASSES, r));
    }

    /** Gaussian inputs labelled by a random linear teacher: learnable, and no file needed. */
    static Dataset data() {
        RandomGenerator r = rng(2);
        Tensor x = Tensor.randn(r, SAMPLES, FEATURES);
        int[] y = dev.tapegrad.nn.Metrics.argmax(x.matmul(Tensor.randn(r, FEATURES, CLASSES)));
        return Dataset.of(x, y);
    }

    /** One measured case. */
    record Figures(double stepsPerSecond, double samplesPerSecond, double exchangeMs, double computeMs) {
    }

    static Figures spark(JavaSparkContext sc, Dataset d, int workers, int batch) {
        SparkTrainer.Result r = SparkTrainer.builder(ScalingBenchmark::mlp, ps -> new Adam(ps, 1e-3), Losses::crossEntropy)
                .epochs(EPOCHS).batchSize(batch).seed(3).workers(workers)
                .build().fit(SparkData.samples(sc, d, workers), CLASSES);
        double seconds = Arrays.stream(r.history().seconds()).sum();
        SparkTrainer.Stats s = r.stats();
        double exchange = Arrays.stream(s.exchangeSeconds()).max().orElse(0);
        double compute = Arrays.stream(s.computeSeconds()).max().orElse(0);
        return new Figures(s.steps() / seconds, s.steps() * (double) batch / seconds,
                1e3 * exchange / s.steps(), 1e3 * compute / s.steps());
    }

    static Figures local(Dataset d, int batch) {
        Module m = mlp();
        Adam opt = new Adam(m.parameters(), 1e-3);
        long steps = 0;
        long t0 = System.nanoTime();
        for (int e = 0; e < EPOCHS; e++) {
            for (var b : DataLoader.of(d, batch, rng(3))) {
                TrainingStep.run(m, opt, Losses::crossEntropy, b);
                steps++;
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new Figures(steps / seconds, steps * (double) batch / seconds, 0, 1e3 * seconds / steps);
    }

    static String row(String name, List<Figures> runs) {
        return String.format(Locale.ROOT, "| %s | %s | %s | %s | %s |", name,
                stat(runs, Figures::stepsPerSecond, "%.1f"), stat(runs, Figures::samplesPerSecond, "%.0f"),
                stat(runs, Figures::exchangeMs, "%.2f"), stat(runs, Figures::computeMs, "%.2f"));
    }

    static String stat(List<Figures> runs, java.util.function.ToDoubleFunction<Figures> f, String fmt) {
        double[] v = runs.stream().mapToDouble(f).sorted().toArray();
        double median = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        return String.format(Locale.ROOT, fmt + " (" + fmt + "–" + fmt + ")", median, v[0], v[v.length - 1]);
    }

    /** Median seconds to send {@code bytes} over a loopback TCP connection and get them back (the two-worker exchange). */
    static double loopbackRoundTrip(int bytes) throws java.io.IOException {
        try (java.net.ServerSocket server = new java.net.ServerSocket(0)) {
            Thread echo = new Thread(() -> {
                try (java.net.Socket s = server.accept()) {
                    byte[] buf = new byte[bytes];
                    var in = new java.io.DataInputStream(s.getInputStream());
                    for (int i = 0; i < 40; i++) {
                        in.readFully(buf);
                        s.getOutputStream().write(buf);
                        s.getOutputStream().flush();
                    }
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            echo.start();
            try (java.net.Socket c = new java.net.Socket("127.0.0.1", server.getLocalPort())) {
                c.setTcpNoDelay(true);
                byte[] buf = new byte[bytes];
                var in = new java.io.DataInputStream(c.getInputStream());
                double[] t = new double[40];
                for (int i = 0; i < t.length; i++) {
                    long t0 = System.nanoTime();
                    c.getOutputStream().write(buf);
                    c.getOutputStream().flush();
                    in.readFully(buf);
                    t[i] = (System.nanoTime() - t0) / 1e9;
                }
                Arrays.sort(t);
                return t[t.length / 2];
            }
        }
    }

    static double median(List<Figures> runs, java.util.function.ToDoubleFunction<Figures> f) {
        double[] v = runs.stream().mapToDouble(f).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /**
     * The cost model, step(W) = compute(B / W) + exchange(W), with compute(b) = k b, k the measured batch-256 step time per sample
     * (one thread, no Spark) and the exchange of the star reduction this module uses (task 0
     * receives and sends W - 1 vectors of 8 P bytes: every other task sends and receives one,
     * 2 × 8 P bytes) or of a ring all-reduce (2 × 8 P (W - 1) / W bytes per task), on a network of
     * latency alpha and bandwidth beta.
     */
    static void project(double msPerSample, long params, double alphaMs, double bytesPerMs) {
        double v = 8.0 * params;
        System.out.printf(Locale.ROOT, "%nprojection: compute %.4f ms per sample per step (measured, 1 thread), %.0f bytes per"
                + " vector, latency %.2f ms, bandwidth %.2f GB/s%n", msPerSample, v, alphaMs, bytesPerMs / 1e6);
        System.out.println("| workers | bytes per step, task 0 (star) | step ms, strong B=256 (star / ring) | samples/s strong"
                + " (star / ring) | step ms, weak 128/worker (star / ring) | samples/s weak (star / ring) |");
        System.out.println("|---:|---:|---:|---:|---:|---:|");
        for (int w : new int[] {1, 2, 8, 16, 32, 64}) {
            double star = w == 1 ? 0 : 2 * alphaMs + 2 * (w - 1) * v / bytesPerMs;
            double ring = w == 1 ? 0 : 2 * (w - 1) * alphaMs + 2 * v * (w - 1) / w / bytesPerMs;
            double strongC = msPerSample * 256.0 / w;
            double weakC = msPerSample * 128;
            System.out.printf(Locale.ROOT, "| %d | %.2f MB | %.2f / %.2f | %.0f / %.0f | %.2f / %.2f | %.0f / %.0f |%n", w,
                    2 * (w - 1) * v / 1e6, strongC + star, strongC + ring, 256e3 / (strongC + star), 256e3 / (strongC + ring),
                    weakC + star, weakC + ring, 128e3 * w / (weakC + star), 128e3 * w / (weakC + ring));
        }
    }

    /**
     * @param args repeats per case (default 3)
     * @throws java.io.IOException if the loopback measurement fails
     */
    public static void main(String[] args) throws java.io.IOException {
        int repeats = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        System.setProperty("tapegrad.threads", "1");
        dev.tapegrad.kernels.Parallel.setThreads(1);
        Dataset d = data();
        long params = mlp().parameterCount();
        System.out.printf(Locale.ROOT, "model %d-%d-%d (%d parameters, %d bytes per gradient), %d samples, %d epochs per run, "
                + "%d repeats, %d cores%n", FEATURES, HIDDEN, CLASSES, params, params * 8, SAMPLES, EPOCHS, repeats,
                Runtime.getRuntime().availableProcessors());
        System.out.println("| case | steps/s | samples/s | exchange ms/step | compute ms/step |");
        System.out.println("|---|---:|---:|---:|---:|");
        double[] perStepMs = new double[2];
        for (int batch : new int[] {128, 256}) {
            List<Figures> runs = new ArrayList<>();
            local(d, batch);   // warm-up
            for (int i = 0; i < repeats; i++) {
                runs.add(local(d, batch));
            }
            System.out.println(row("no Spark, 1 thread, batch " + batch, runs));
            perStepMs[batch / 128 - 1] = median(runs, Figures::computeMs);
        }
        List<Figures> two = new ArrayList<>();
        List<Figures> oneHalf = new ArrayList<>();
        for (String master : new String[] {"local[1]", "local[2]"}) {
            int workers = master.equals("local[1]") ? 1 : 2;
            SparkSession spark = SparkSession.builder().master(master).appName("tapegrad-bench")
                    .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
            spark.sparkContext().setLogLevel("ERROR");
            JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            int[] batches = workers == 1 ? new int[] {128, 256} : new int[] {256};
            for (int batch : batches) {
                List<Figures> runs = new ArrayList<>();
                spark(sc, d, workers, batch);   // warm-up
                for (int i = 0; i < repeats; i++) {
                    runs.add(spark(sc, d, workers, batch));
                }
                String kind = workers == 1 ? (batch == 128 ? "(weak and strong base)" : "(strong base)")
                        : "(strong: same batch; weak: 128 per worker)";
                System.out.println(row(master + ", " + workers + " worker" + (workers > 1 ? "s" : "") + ", batch " + batch
                        + " " + kind, runs));
                (workers == 2 ? two : batch == 128 ? oneHalf : new ArrayList<Figures>()).addAll(runs);
            }
            spark.stop();
        }
        double roundTrip = 1e3 * loopbackRoundTrip((int) (8 * (params + 3)));
        double predicted = median(oneHalf, Figures::computeMs) + median(oneHalf, Figures::exchangeMs) + roundTrip;
        double measured = 1e3 / median(two, Figures::stepsPerSecond);
        System.out.printf(Locale.ROOT, "%ncheck on this machine: loopback round trip of one vector %.2f ms; model for local[2],"
                + " batch 256 = local[1] batch-128 step (compute + exchange overhead) + round trip = %.2f ms per step"
                + " (%.0f steps/s); measured %.2f ms (%.0f steps/s)%n", roundTrip, predicted, 1e3 / predicted, measured,
                1e3 / measured);
        project(perStepMs[1] / 256, params, 0.1, 1.25e6);
    }
}
