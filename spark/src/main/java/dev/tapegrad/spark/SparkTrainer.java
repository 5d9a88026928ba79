package dev.tapegrad.spark;

import dev.tapegrad.Tensor;
import dev.tapegrad.nn.History;
import dev.tapegrad.nn.LearningRateSchedule;
import dev.tapegrad.nn.Module;
import dev.tapegrad.nn.Trainer;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Row;
import scala.Tuple2;
import scala.reflect.ClassTag$;

import java.util.List;
import java.util.Objects;

/**
 * Synchronous data-parallel training on Apache Spark, equal to single-machine training.
 *
 * <p>The samples (numbered in the order of the input) are cut into {@code shards} contiguous
 * shards, dealt to {@code workers} tasks of one barrier stage that lasts the whole run. Each task
 * holds a replica of the model and runs nn's {@link Trainer} loop; every epoch draws the same
 * permutation of all samples that {@code Trainer.fit} draws with the same seed, and for every global
 * batch each task computes the gradient of its shards' part of it (each shard's mean loss weighted
 * by its share of the batch), the tasks exchange these with {@code BarrierTaskContext.allGather}
 * and every task adds all shards in shard order and applies the same optimizer step. So:
 * <ul>
 *   <li>for a fixed shard count the result is bit-identical across reruns and worker (thread) counts;</li>
 *   <li>it equals {@code Trainer.fit} on the same samples in the same order with the same seed and
 *       initial weights, to rounding (the gradient sums are grouped by shard);</li>
 *   <li>a failed task makes Spark retry the whole stage, which replays the same run (use a master
 *       that retries, such as {@code local[2,4]}, or a cluster).</li>
 * </ul>
 *
 * <pre>{@code
 * SparkTrainer.Result r = SparkTrainer.builder(() -> mlp(), ps -> new Adam(ps, 1e-3), Losses::crossEntropy)
 *     .epochs(10).batchSize(32).seed(42).workers(2)
 *     .build().fit(SparkData.samples(df, "features", "label"), 10);
 * r.applyTo(model);   // or r.model()
 * }</pre>
 *
 * <p>The loss must be a mean over the batch's samples (see {@link SparkLoss}); models with random
 * layers (dropout) train correctly but draw their randomness per replica, so they are not equal
 * to single-machine training.
 */
public final class SparkTrainer {

    private final Builder b;

    private SparkTrainer(Builder b) {
        this.b = b;
    }

    /**
     * @param model     builds a replica (the driver's replica gives the initial weights)
     * @param optimizer builds a replica's optimizer
     * @param loss      the loss, a mean over the batch
     * @return a builder with Trainer's defaults (10 epochs, batch 32, seed 0) and as many workers
     *         as the cluster's default parallelism
     */
    public static Builder builder(ModelFactory model, OptimizerFactory optimizer, SparkLoss loss) {
        return new Builder(model, optimizer, loss);
    }

    /** Options of a {@link SparkTrainer}, as those of {@link Trainer.Builder}, plus workers and shards. */
    public static final class Builder {
        private final ModelFactory model;
        private final OptimizerFactory optimizer;
        private final SparkLoss loss;
        private int epochs = 10;
        private int batchSize = 32;
        private dev.tapegrad.nn.Dataset validation;
        private int patience;
        private Trainer.Monitor monitor = Trainer.Monitor.VAL_LOSS;
        private boolean restoreBest = true;
        private LearningRateSchedule schedule;
        private long seed;
        private int workers;
        private int shards;

        private Builder(ModelFactory model, OptimizerFactory optimizer, SparkLoss loss) {
            this.model = Objects.requireNonNull(model, "SparkTrainer: model factory is null");
            this.optimizer = Objects.requireNonNull(optimizer, "SparkTrainer: optimizer factory is null");
            this.loss = Objects.requireNonNull(loss, "SparkTrainer: loss is null");
        }

        /** @param count epochs (at most) @return this builder */
        public Builder epochs(int count) {
            this.epochs = positive("epochs", count);
            return this;
        }

        /** @param size samples per global batch (split over the shards) @return this builder */
        public Builder batchSize(int size) {
            this.batchSize = positive("batch size", size);
            return this;
        }

        /** @param data validation set evaluated by every replica after each epoch (null: none) @return this builder */
        public Builder validation(dev.tapegrad.nn.Dataset data) {
            this.validation = data;
            return this;
        }

        /** @param patience epochs without improvement before stopping, 0 for never @return this builder */
        public Builder earlyStopping(int patience) {
            if (patience < 0) {
                throw new IllegalArgumentException("SparkTrainer: patience must be non-negative, got " + patience);
            }
            this.patience = patience;
            return this;
        }

        /** @param what the figure that picks the best epoch @return this builder */
        public Builder monitor(Trainer.Monitor what) {
            this.monitor = Objects.requireNonNull(what);
            return this;
        }

        /** @param restore whether the best epoch's weights are the result (default true) @return this builder */
        public Builder restoreBest(boolean restore) {
            this.restoreBest = restore;
            return this;
        }

        /**
         * @param epochToRate learning rate per epoch, evaluated on the driver for each epoch (so it
         *                    need not be serializable); null keeps the optimizer's rate
         * @return this builder
         */
        public Builder schedule(LearningRateSchedule epochToRate) {
            this.schedule = epochToRate;
            return this;
        }

        /** @param value seed of the batch order, as {@link Trainer.Builder#seed(long)} @return this builder */
        public Builder seed(long value) {
            this.seed = value;
            return this;
        }

        /**
         * @param count barrier tasks, each with a replica (default: the cluster's default
         *              parallelism); must not exceed the slots (cores) the cluster has
         * @return this builder
         */
        public Builder workers(int count) {
            this.workers = positive("workers", count);
            return this;
        }

        /**
         * @param count shards of the data (default: the worker count); the result depends on it
         *              (the order of the gradient sums), not on the worker count
         * @return this builder
         */
        public Builder shards(int count) {
            this.shards = positive("shards", count);
            return this;
        }

        /** @return the trainer */
        public SparkTrainer build() {
            return new SparkTrainer(this);
        }

        private static int positive(String what, int v) {
            if (v <= 0) {
                throw new IllegalArgumentException("SparkTrainer: " + what + " must be positive, got " + v);
            }
            return v;
        }
    }

    /**
     * The outcome of a run.
     *
     * @param weights         the trained weights, one array per parameter (in {@code namedParameters()} order)
     * @param history         the history, as {@link Trainer} keeps it
     * @param stats           where the time went
     * @param factory         the model factory, for {@link #model()}
     */
    public record Result(double[][] weights, History history, Stats stats, ModelFactory factory) {

        /** @return a new replica from the factory with the trained weights, in evaluation mode */
        public Module model() {
            Module m = factory.create();
            applyTo(m);
            m.eval();
            return m;
        }

        /**
         * Copies the trained weights into a model of the same architecture.
         *
         * @param model the model
         * @throws IllegalArgumentException if its parameters differ in number or size
         */
        public void applyTo(Module model) {
            List<Tensor> ps = model.parameters();
            if (ps.size() != weights.length) {
                throw new IllegalArgumentException("SparkTrainer.Result.applyTo: the model has " + ps.size()
                        + " parameters, the trained one " + weights.length);
            }
            for (int i = 0; i < weights.length; i++) {
                if (ps.get(i).size() != weights[i].length) {
                    throw new IllegalArgumentException("SparkTrainer.Result.applyTo: parameter " + i + " has "
                            + ps.get(i).size() + " values, the trained one " + weights[i].length);
                }
            }
            for (int i = 0; i < weights.length; i++) {
                System.arraycopy(weights[i], 0, ps.get(i).leafValues(), 0, weights[i].length);
            }
        }
    }

    /**
     * Timings of a run, from the tasks' clocks.
     *
     * @param workers         barrier tasks
     * @param shards          shards
     * @param steps           optimizer steps
     * @param parameters      scalar parameters
     * @param exchangeSeconds per task: time in the gradient exchange (encode, all-gather, decode, sum)
     * @param computeSeconds  per task: time computing shard gradients and optimizer steps
     * @param messageBytes    characters of one all-gather message of task 0
     * @param wallSeconds     driver wall time of the whole fit (Spark jobs included)
     */
    public record Stats(int workers, int shards, long steps, long parameters, double[] exchangeSeconds,
                        double[] computeSeconds, long messageBytes, double wallSeconds) {
    }

    /**
     * Trains on the rows of a DataFrame.
     *
     * @param data        the rows
     * @param featuresCol a Spark ML vector column, or several numeric columns separated by commas
     * @param labelCol    a numeric label column with whole values 0, 1, ...
     * @param classes     number of classes (the model's outputs)
     * @return the trained weights and history
     */
    public Result fit(org.apache.spark.sql.Dataset<Row> data, String featuresCol, String labelCol, int classes) {
        return fit(SparkData.samples(data, featuresCol, labelCol), classes);
    }

    /**
     * Trains on samples; their order in the RDD (partition by partition) numbers them, as
     * {@code collect()} would list them.
     *
     * @param samples the samples
     * @param classes number of classes (labels are in [0, classes))
     * @return the trained weights and history
     * @throws IllegalArgumentException if there are fewer samples than shards, or more workers
     *                                  than the cluster has slots
     */
    public Result fit(JavaRDD<Sample> samples, int classes) {
        long start = System.nanoTime();
        if (classes < 1) {
            throw new IllegalArgumentException("SparkTrainer.fit: classes must be positive, got " + classes);
        }
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(samples.context());
        int w = b.workers > 0 ? b.workers : sc.defaultParallelism();
        int s = b.shards > 0 ? b.shards : w;
        int slots = sc.defaultParallelism();
        if (w > slots && sc.master().startsWith("local")) {
            throw new IllegalArgumentException("SparkTrainer.fit: " + w + " workers need " + w
                    + " task slots at once (barrier stage), master " + sc.master() + " has " + slots);
        }
        long n = samples.count();
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("SparkTrainer.fit: " + n + " samples; at most " + Integer.MAX_VALUE);
        }
        if (n == 0) {
            throw new IllegalArgumentException("SparkTrainer.fit: no samples");
        }
        ShardLayout layout = new ShardLayout(n, s, w);
        int features = samples.first().x().length;

        Module driverModel = b.model.create();
        List<Tensor> ps = driverModel.parameters();
        double[][] init = new double[ps.size()][];
        for (int i = 0; i < init.length; i++) {
            init[i] = ps.get(i).toArray();
        }
        b.optimizer.create(ps);  // fails here, on the driver, on a bad optimizer configuration
        double[] rates = null;
        if (b.schedule != null) {
            rates = new double[b.epochs];
            for (int e = 0; e < rates.length; e++) {
                rates[e] = b.schedule.rate(e);
            }
        }
        TrainingPlan plan = new TrainingPlan(b.model, b.optimizer, b.loss, b.epochs, b.batchSize, b.patience,
                b.monitor, b.restoreBest, rates, b.seed, classes, features, layout, init, LocalData.of(b.validation));
        Broadcast<TrainingPlan> bc = sc.broadcast(plan);
        try {
            JavaPairRDD<Long, Sample> indexed = samples.zipWithIndex().mapToPair(t -> new Tuple2<>(t._2(), t._1()))
                    .repartitionAndSortWithinPartitions(new ShardPartitioner(layout));
            RDD<ShardTask.Output> trained = indexed.rdd().barrier()
                    .mapPartitions(new ShardTask(bc), false, ClassTag$.MODULE$.apply(ShardTask.Output.class));
            // The shuffle after the barrier stage makes it a map stage, which Spark retries as a
            // whole when a task fails (a failed barrier result stage is not retried).
            List<ShardTask.Output> outs = JavaRDD.fromRDD(trained, ClassTag$.MODULE$.apply(ShardTask.Output.class))
                    .repartition(1).collect();
            ShardTask.Output first = null;
            double[] exchange = new double[w];
            double[] compute = new double[w];
            for (ShardTask.Output o : outs) {
                exchange[o.worker()] = o.exchangeSeconds();
                compute[o.worker()] = o.computeSeconds();
                if (o.worker() == 0) {
                    first = o;
                }
            }
            if (first == null || outs.size() != w) {
                throw new IllegalStateException("SparkTrainer.fit: " + outs.size() + " task results for " + w + " workers");
            }
            Stats stats = new Stats(w, s, first.steps(), driverModel.parameterCount(), exchange, compute,
                    first.messageBytes(), (System.nanoTime() - start) / 1e9);
            return new Result(first.weights(), first.history(), stats, b.model);
        } finally {
            bc.destroy();
        }
    }
}
