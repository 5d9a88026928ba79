package dev.tapegrad.spark;

import dev.tapegrad.Tensor;
import dev.tapegrad.nn.Batch;
import dev.tapegrad.nn.Dataset;
import dev.tapegrad.nn.History;
import dev.tapegrad.nn.Module;
import dev.tapegrad.nn.Optimizer;
import dev.tapegrad.nn.Trainer;
import dev.tapegrad.nn.TrainingStep;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.broadcast.Broadcast;
import scala.Tuple2;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.AbstractFunction1;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The body of one barrier task: it holds the shards of its partition and a replica of the model,
 * and runs the whole training with nn's {@link Trainer}, whose step here computes the gradient of
 * each of its shards' part of the global batch, sums all shards' gradients with the other tasks
 * ({@link GradientExchange}) and applies the same optimizer step as every other replica.
 * Task 0 returns the final weights and the history; every task returns its timings.
 */
final class ShardTask extends AbstractFunction1<scala.collection.Iterator<Tuple2<Long, Sample>>,
        scala.collection.Iterator<ShardTask.Output>> implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Local property that makes one task attempt fail on purpose: {@code "partition:step"} (tests). */
    static final String FAIL_AT = "tapegrad.spark.failAt";

    /**
     * What a task sends back.
     *
     * @param worker          the task's partition
     * @param weights         the final weights (task 0 only, else null)
     * @param history         the history (task 0 only, else null)
     * @param steps           steps run
     * @param exchangeSeconds time in the gradient exchange
     * @param computeSeconds  time computing shard gradients and the optimizer step
     * @param messageBytes    size of one of this task's messages
     */
    record Output(int worker, double[][] weights, History history, long steps, double exchangeSeconds,
                  double computeSeconds, long messageBytes) implements Serializable {
    }

    private final Broadcast<TrainingPlan> plan;

    ShardTask(Broadcast<TrainingPlan> plan) {
        this.plan = plan;
    }

    @Override
    public scala.collection.Iterator<Output> apply(scala.collection.Iterator<Tuple2<Long, Sample>> rows) {
        TrainingPlan p = plan.value();
        BarrierTaskContext ctx = BarrierTaskContext.get();
        int worker = ctx.partitionId();
        ShardLayout layout = p.layout();
        Dataset[] shards = readShards(CollectionConverters.asJava(rows), p, worker);

        Module model = p.model().create();
        List<Tensor> params = model.parameters();
        for (int i = 0; i < params.size(); i++) {
            System.arraycopy(p.initialWeights()[i], 0, params.get(i).leafValues(), 0, p.initialWeights()[i].length);
        }
        Optimizer opt = p.optimizer().create(params);
        int length = Math.toIntExact(model.parameterCount()) + 3;  // gradient, then loss sum, correct count, sample count
        int[] failAt = failAt(ctx, worker);
        try (GradientExchange exchange = connect(ctx, layout, length)) {
            return run(p, worker, shards, model, opt, exchange, failAt);
        }
    }

    private static GradientExchange connect(BarrierTaskContext ctx, ShardLayout layout, int length) {
        try {
            return new GradientExchange(ctx, layout, length);
        } catch (IOException e) {
            throw new UncheckedIOException("ShardTask: task " + ctx.partitionId() + " cannot connect to its peers: "
                    + e.getMessage(), e);
        }
    }

    private static scala.collection.Iterator<Output> run(TrainingPlan p, int worker, Dataset[] shards, Module model,
                                                         Optimizer opt, GradientExchange exchange, int[] failAt) {
        ShardLayout layout = p.layout();
        List<Tensor> params = opt.parameters();
        int gradLength = Math.toIntExact(model.parameterCount());
        int length = gradLength + 3;

        long[] stepNo = {0};
        long[] computeNanos = {0};
        GlobalBatches batches = new GlobalBatches(layout, p.batchSize(), p.seed(), worker);
        java.util.function.Function<GlobalBatches.Step, TrainingStep.Result> step = s -> {
            stepNo[0]++;
            if (failAt != null && failAt[1] == stepNo[0]) {
                throw new IllegalStateException("ShardTask: failure injected by " + FAIL_AT + " in task " + worker
                        + ", step " + stepNo[0] + ", stage attempt 0");
            }
            long t0 = System.nanoTime();
            double[][] own = new double[shards.length][];
            for (int k = 0; k < shards.length; k++) {
                own[k] = shardVector(model, opt, p, shards[k], s.local()[k], s.size(), length);
            }
            long t1 = System.nanoTime();
            double[] total;
            try {
                total = exchange.sum(own);
            } catch (IOException e) {
                throw new UncheckedIOException(e.getMessage(), e);
            }
            long t2 = System.nanoTime();
            if (Double.isFinite(total[gradLength])) {   // as TrainingStep.run: no step on a diverged loss
                opt.step(split(total, params));
            }
            computeNanos[0] += (t1 - t0) + (System.nanoTime() - t2);
            if ((long) total[gradLength + 2] != s.size()) {
                throw new IllegalStateException("ShardTask: the shards hold " + (long) total[gradLength + 2]
                        + " samples of a batch of " + s.size());
            }
            return new TrainingStep.Result(total[gradLength] / s.size(), (long) total[gradLength + 1], s.size());
        };
        Trainer trainer = Trainer.builder(model, opt, p.loss())
                .epochs(p.epochs()).batchSize(p.batchSize())
                .validation(p.validation() == null ? null : p.validation().toDataset())
                .earlyStopping(p.patience()).monitor(p.monitor()).restoreBest(p.restoreBest())
                .schedule(p.rates() == null ? null : e -> p.rates()[Math.min(e, p.rates().length - 1)])
                .build();
        History history = trainer.fit(batches, batches.batchCount(), (int) layout.n(), step);

        double[][] weights = null;
        if (worker == 0) {
            List<Tensor> named = model.parameters();
            weights = new double[named.size()][];
            for (int i = 0; i < weights.length; i++) {
                weights[i] = named.get(i).toArray();
            }
        }
        Output out = new Output(worker, weights, worker == 0 ? history : null, stepNo[0], exchange.seconds(),
                computeNanos[0] / 1e9, exchange.messageBytes());
        return CollectionConverters.asScala(List.of(out).iterator());
    }

    /** The shard's weighted gradient, loss sum, correct count and size as one vector (zeros for no samples). */
    private static double[] shardVector(Module model, Optimizer opt, TrainingPlan p, Dataset shard, int[] idx,
                                        int globalSize, int length) {
        double[] v = new double[length];
        if (idx.length == 0) {
            return v;
        }
        Batch b = shard.batch(idx);
        TrainingStep.Result r = TrainingStep.gradients(model, opt, p.loss(), b, idx.length / (double) globalSize);
        int o = 0;
        for (double[] g : TrainingStep.gradientArrays(opt.parameters())) {
            System.arraycopy(g, 0, v, o, g.length);
            o += g.length;
        }
        v[o] = r.loss() * r.size();
        v[o + 1] = r.correct();
        v[o + 2] = r.size();
        return v;
    }

    private static double[][] split(double[] flat, List<Tensor> params) {
        double[][] out = new double[params.size()][];
        int o = 0;
        for (int i = 0; i < out.length; i++) {
            out[i] = Arrays.copyOfRange(flat, o, o + params.get(i).size());
            o += out[i].length;
        }
        return out;
    }

    /** Reads the task's rows (sorted by index) into one data set per shard, checking that none is missing. */
    private static Dataset[] readShards(java.util.Iterator<Tuple2<Long, Sample>> rows, TrainingPlan p, int worker) {
        ShardLayout layout = p.layout();
        int first = layout.firstShard(worker);
        int end = layout.firstShard(worker + 1);
        List<String> classes = Dataset.numberedClasses(p.classes());
        Dataset[] out = new Dataset[end - first];
        int f = p.featureCount();
        List<Sample> pending = new ArrayList<>();
        Tuple2<Long, Sample> next = rows.hasNext() ? rows.next() : null;
        for (int s = first; s < end; s++) {
            long lo = layout.start(s);
            long hi = layout.start(s + 1);
            pending.clear();
            for (long i = lo; i < hi; i++) {
                if (next == null || next._1() != i) {
                    throw new IllegalStateException("ShardTask: sample " + i + " of shard " + s + " is missing in task "
                            + worker + " (got " + (next == null ? "none" : "sample " + next._1()) + ")");
                }
                pending.add(next._2());
                next = rows.hasNext() ? rows.next() : null;
            }
            double[] x = new double[pending.size() * f];
            int[] y = new int[pending.size()];
            for (int k = 0; k < y.length; k++) {
                Sample sm = pending.get(k);
                if (sm.x().length != f) {
                    throw new IllegalArgumentException("SparkTrainer: sample " + (lo + k) + " has " + sm.x().length
                            + " features, the first sample " + f);
                }
                System.arraycopy(sm.x(), 0, x, k * f, f);
                y[k] = sm.label();
            }
            out[s - first] = new Dataset("shard " + s, x, new int[] {f}, y, classes);
        }
        return out;
    }

    private static int[] failAt(BarrierTaskContext ctx, int worker) {
        String spec = ctx.getLocalProperty(FAIL_AT);
        if (spec == null || ctx.stageAttemptNumber() != 0 || ctx.attemptNumber() != 0) {
            return null;
        }
        String[] parts = spec.split(":");
        int[] at = {Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim())};
        return at[0] == worker ? at : null;
    }
}
