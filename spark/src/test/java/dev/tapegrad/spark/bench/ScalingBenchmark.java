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

    /**
     * @param args repeats per case (default 3)
     */
    public static void main(String[] args) {
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
        for (int batch : new int[] {128, 256}) {
            List<Figures> runs = new ArrayList<>();
            local(d, batch);   // warm-up
            for (int i = 0; i < repeats; i++) {
                runs.add(local(d, batch));
            }
            System.out.println(row("no Spark, 1 thread, batch " + batch, runs));
        }
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
            }
            spark.stop();
        }
    }
}
