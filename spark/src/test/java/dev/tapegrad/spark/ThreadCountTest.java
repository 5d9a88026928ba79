package dev.tapegrad.spark;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** For a fixed shard count the model does not depend on the executor's thread count: local[1] versus local[2]. */
class ThreadCountTest {

    static double[][] train(String master, int workers) {
        SparkSession spark = Fixtures.session(master);
        try {
            JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            return Fixtures.spark().workers(workers).shards(2).build()
                    .fit(SparkData.samples(sc, Fixtures.iris()[0], 3), 3).weights();
        } finally {
            spark.stop();
        }
    }

    @Test
    void oneAndTwoThreadsGiveBitIdenticalModels() {
        double[][] one = train("local[1]", 1);
        double[][] two = train("local[2]", 2);
        Fixtures.assertBitIdentical(one, two);
    }
}
