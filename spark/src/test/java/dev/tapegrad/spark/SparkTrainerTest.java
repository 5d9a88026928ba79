package dev.tapegrad.spark;

import dev.tapegrad.nn.History;
import dev.tapegrad.nn.Module;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The contract of {@link SparkTrainer} on local[2] (with up to 4 attempts per task, so that failures are retried). */
class SparkTrainerTest {

    static SparkSession spark;
    static JavaSparkContext sc;
    static dev.tapegrad.nn.Dataset[] iris;

    @BeforeAll
    static void start() {
        spark = Fixtures.session("local[2,4]");
        sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        iris = Fixtures.iris();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @Test
    void equalsSingleMachineTrainingOnEveryWeight() {
        JavaRDD<Sample> data = SparkData.samples(sc, iris[0], 3);
        SparkTrainer.Result r = Fixtures.spark().validation(iris[1]).workers(2).shards(3).build().fit(data, 3);
        History[] h = new History[1];
        Module local = Fixtures.local(SparkData.collect(data, 3), iris[1], h);
        double err = Fixtures.maxRelativeError(r.weights(), local.parameters());
        System.out.printf("SparkTrainerTest: max relative weight difference to single-machine training %.3g%n", err);
        assertTrue(err <= 1e-12, "max relative error " + err);
        assertEquals(h[0].epochs(), r.history().epochs());
        assertEquals(h[0].bestEpoch(), r.history().bestEpoch());
        for (int e = 0; e < h[0].epochs(); e++) {
            assertEquals(h[0].loss()[e], r.history().loss()[e], 1e-12 * h[0].loss()[e]);
            assertEquals(h[0].accuracy()[e], r.history().accuracy()[e]);
            assertEquals(h[0].valLoss()[e], r.history().valLoss()[e], 1e-12 * h[0].valLoss()[e]);
            assertEquals(h[0].learningRate()[e], r.history().learningRate()[e]);
        }
        assertTrue(h[0].loss()[5] < h[0].loss()[0], "the run learns");
        assertEquals(6L * 8, r.stats().steps());  // 120 samples, batch 16: 8 steps per epoch
    }

    @Test
    void rerunsAreBitIdentical() {
        JavaRDD<Sample> data = SparkData.samples(sc, iris[0], 2);
        SparkTrainer.Result a = Fixtures.spark().workers(2).build().fit(data, 3);
        SparkTrainer.Result b = Fixtures.spark().workers(2).build().fit(data, 3);
        Fixtures.assertBitIdentical(a.weights(), b.weights());
        SparkTrainer.Result one = Fixtures.spark().workers(1).shards(2).build().fit(data, 3);
        Fixtures.assertBitIdentical(a.weights(), one.weights());
    }

    @Test
    void aTaskKilledMidRunIsRetriedAndGivesTheSameModel() {
        JavaRDD<Sample> data = SparkData.samples(sc, iris[0], 2);
        SparkTrainer.Result clean = Fixtures.spark().workers(2).build().fit(data, 3);
        AtomicInteger failed = new AtomicInteger();
        SparkListener spy = new SparkListener() {
            @Override
            public void onTaskEnd(SparkListenerTaskEnd end) {
                if (!end.taskInfo().successful() && end.reason().toString().contains("failure injected")) {
                    failed.incrementAndGet();
                }
            }
        };
        sc.sc().addSparkListener(spy);
        sc.setLocalProperty(ShardTask.FAIL_AT, "1:20");   // task 1 throws at step 20 of 48, first attempt only
        try {
            SparkTrainer.Result retried = Fixtures.spark().workers(2).build().fit(data, 3);
            Fixtures.assertBitIdentical(clean.weights(), retried.weights());
        } finally {
            sc.setLocalProperty(ShardTask.FAIL_AT, null);
            sc.sc().removeSparkListener(spy);
        }
        assertEquals(1, failed.get(), "exactly one injected failure");
    }

    @Test
    void badSetupsFailBeforeTraining() {
        JavaRDD<Sample> data = SparkData.samples(sc, iris[0], 2);
        IllegalArgumentException slots = assertThrows(IllegalArgumentException.class,
                () -> Fixtures.spark().workers(3).build().fit(data, 3));
        assertTrue(slots.getMessage().contains("3 workers need 3 task slots"), slots.getMessage());
        IllegalArgumentException shards = assertThrows(IllegalArgumentException.class,
                () -> Fixtures.spark().workers(2).shards(1).build().fit(data, 3));
        assertTrue(shards.getMessage().contains("1 shards for 2 workers"), shards.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Fixtures.spark().batchSize(0));
    }
}
