package dev.tapegrad.cli;

import dev.tapegrad.nn.Dataset;
import dev.tapegrad.nn.History;
import dev.tapegrad.nn.Module;
import dev.tapegrad.spark.ModelFactory;
import dev.tapegrad.spark.OptimizerFactory;
import dev.tapegrad.spark.SparkData;
import dev.tapegrad.spark.SparkLoss;
import dev.tapegrad.spark.SparkTrainer;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.random.RandomGeneratorFactory;

/**
 * {@code tapegrad train --spark MASTER}: the same training on Apache Spark with
 * {@link SparkTrainer}. Spark is not inside {@code tapegrad.jar} (it would add about 300 MB); when
 * it is not on the class path, {@link #relaunch} starts a child JVM with the Spark jars that the
 * build listed in {@code cli/target/spark-classpath.txt} (or {@code $SPARK_HOME/jars}) and the
 * {@code --add-opens} flags Spark needs on Java 17. Under {@code spark-submit} Spark is there and
 * runs in-process.
 */
final class SparkRun {

    /** Set in the child JVM, so that it never starts another one. */
    static final String CHILD = "tapegrad.spark.child";

    /** What Spark needs to start on Java 17 (as spark-submit's JavaModuleOptions). */
    static final List<String> JVM_FLAGS = List.of("-XX:+IgnoreUnrecognizedVMOptions",
            "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED", "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
            "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED", "-Djdk.reflect.useDirectMethodHandle=false",
            "-Dio.netty.tryReflectionSetAccessible=true");

    private SparkRun() {
    }

    /** @return whether Spark's classes can be loaded here */
    static boolean available() {
        try {
            Class.forName("org.apache.spark.sql.SparkSession", false, SparkRun.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /**
     * Runs the same command line in a child JVM that has Spark on its class path.
     *
     * @param spec the train command (for the original arguments)
     * @return the child's exit code
     */
    static int relaunch(CommandSpec spec) {
        if (Boolean.getBoolean(CHILD)) {
            throw new CliException("--spark: Spark is not on the class path of the child JVM either");
        }
        Path jar = ownJar();
        String sparkClasspath = sparkClasspath(jar);
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!a.startsWith("-agentlib") && !a.startsWith("-javaagent")) {
                cmd.add(a);
            }
        }
        cmd.addAll(JVM_FLAGS);
        cmd.add("-D" + CHILD + "=true");
        cmd.add("-Djava.awt.headless=true");
        if (System.getProperty("log4j2.configurationFile") == null) {
            cmd.add("-Dlog4j2.configurationFile=" + quietLogging());
        }
        cmd.add("-cp");
        cmd.add(jar + java.io.File.pathSeparator + sparkClasspath);
        cmd.add(TapegradCommand.class.getName());
        cmd.addAll(spec.commandLine().getParseResult().originalArgs());
        try {
            return new ProcessBuilder(cmd).inheritIO().start().waitFor();
        } catch (IOException e) {
            throw new CliException("--spark: cannot start a JVM with Spark: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("--spark: interrupted");
        }
    }

    private static Path ownJar() {
        try {
            Path p = Path.of(SparkRun.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (!Files.isRegularFile(p)) {
                throw new CliException("--spark: Spark is not on the class path (run tapegrad.jar, or add Spark's jars)");
            }
            return p;
        } catch (URISyntaxException e) {
            throw new CliException("--spark: cannot locate tapegrad.jar: " + e.getMessage());
        }
    }

    /** The Spark jars: the list the build wrote next to tapegrad.jar, else $SPARK_HOME/jars. */
    private static String sparkClasspath(Path jar) {
        Path list = jar.resolveSibling("spark-classpath.txt");
        if (Files.isRegularFile(list)) {
            try {
                String cp = Files.readString(list, StandardCharsets.UTF_8).trim();
                String first = cp.split(java.io.File.pathSeparator)[0];
                if (Files.isRegularFile(Path.of(first))) {
                    return cp;
                }
            } catch (IOException e) {
                throw new CliException("--spark: cannot read " + list + ": " + e.getMessage());
            }
        }
        String home = System.getenv("SPARK_HOME");
        if (home != null && Files.isDirectory(Path.of(home, "jars"))) {
            return Path.of(home, "jars", "*").toString();
        }
        throw new CliException("--spark: Spark is not on the class path: build with 'mvn package' (it writes " + list
                + "), set SPARK_HOME to a Spark 4 installation, or run tapegrad.jar with spark-submit");
    }

    private static Path quietLogging() {
        try {
            Path f = Files.createTempFile("tapegrad-log4j2-", ".properties");
            f.toFile().deleteOnExit();
            Files.writeString(f, "rootLogger.level = error\nrootLogger.appenderRef.stderr.ref = stderr\n"
                    + "appender.stderr.type = Console\nappender.stderr.name = stderr\nappender.stderr.target = SYSTEM_ERR\n"
                    + "appender.stderr.layout.type = PatternLayout\nappender.stderr.layout.pattern = spark: %p %c{1}: %m%n\n");
            return f;
        } catch (IOException e) {
            throw new CliException("--spark: cannot write a logging configuration: " + e.getMessage());
        }
    }

    /**
     * Trains {@code model} on Spark as {@code Trainer.fit} would, and puts the trained weights into it.
     *
     * @param c          the command and its options
     * @param modelSpec  the architecture
     * @param model      the driver's model (gets the trained weights)
     * @param rate       the learning rate
     * @param classes    number of classes
     * @param train      training samples
     * @param validation validation samples, or null
     * @param progress   where to print the epoch summaries, or null
     * @return the history
     */
    static History fit(TrainCommand c, ModelSpec modelSpec, Module model, double rate, int classes, Dataset train,
                       Dataset validation, PrintStream progress) {
        if (c.sparkWorkers != null && c.sparkWorkers < 1 || c.sparkShards != null && c.sparkShards < 1) {
            throw new CliException("usage: --spark-workers and --spark-shards must be at least 1");
        }
        int[] sizes = modelSpec.sizes();
        String act = modelSpec.activation();
        String outAct = modelSpec.outputActivation();
        String init = modelSpec.init();
        long seed = c.seed;
        // The factory rebuilds exactly the CLI's model (same seed); the driver's replica gives the initial weights.
        ModelFactory factory = () -> new ModelSpec(sizes, act, outAct, init,
                new Preprocessing(Preprocessing.NONE, new double[0], new double[0]), Dataset.numberedClasses(classes),
                "", -1).build(RandomGeneratorFactory.of("L64X128MixRandom").create(seed));
        String opt = c.optimizer;
        double momentum = c.momentum;
        double decay = c.weightDecay;
        OptimizerFactory optimizer = ps -> TrainCommand.optimizer(opt, ps, rate, momentum, decay);
        String lossName = c.loss;
        SparkLoss loss = (out, t) -> TrainCommand.lossFunction(lossName, classes).apply(out, t);

        SparkSession.Builder sb = SparkSession.builder().appName("tapegrad train");
        if (!c.spark.equals("submit")) {
            sb.master(c.spark);
            if (c.spark.startsWith("local")) {
                sb.config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                        .config("spark.driver.bindAddress", "127.0.0.1");
            }
        }
        SparkSession session;
        try {
            session = sb.getOrCreate();
        } catch (RuntimeException e) {
            throw new CliException("--spark " + c.spark + ": cannot start Spark: " + TapegradCommand.oneLine(e.getMessage()));
        }
        try {
            JavaSparkContext sc = JavaSparkContext.fromSparkContext(session.sparkContext());
            SparkTrainer.Builder b = SparkTrainer.builder(factory, optimizer, loss).epochs(c.epochs).batchSize(c.batch)
                    .seed(seed).validation(validation).earlyStopping(c.patience).schedule(c.schedule(rate));
            int workers = c.sparkWorkers != null ? c.sparkWorkers : sc.defaultParallelism();
            int shards = c.sparkShards != null ? c.sparkShards : workers;
            SparkTrainer.Result r;
            try {
                r = b.workers(workers).shards(shards).build().fit(SparkData.samples(sc, train, shards), classes);
            } catch (IllegalArgumentException e) {
                throw new CliException("usage: --spark: " + TapegradCommand.oneLine(e.getMessage()));
            }
            r.applyTo(model);
            model.eval();
            if (progress != null) {
                for (History.Epoch e : r.history().records()) {
                    progress.println(History.summary(e, c.epochs));
                }
                SparkTrainer.Stats s = r.stats();
                double exchange = java.util.Arrays.stream(s.exchangeSeconds()).max().orElse(0);
                progress.printf(Locale.ROOT, "spark %s: %d workers, %d shards, %d steps, %.1f ms per step in the gradient"
                        + " exchange, %.1f s in all%n", session.sparkContext().master(), s.workers(), s.shards(), s.steps(),
                        1e3 * exchange / Math.max(1, s.steps()), s.wallSeconds());
            }
            return r.history();
        } finally {
            session.stop();
        }
    }

}
