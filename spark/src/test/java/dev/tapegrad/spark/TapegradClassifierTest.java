package dev.tapegrad.spark;

import dev.tapegrad.Tensor;
import dev.tapegrad.nn.Metrics;
import dev.tapegrad.nn.Module;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Spark ML estimator in a Pipeline, on CSV and Parquet files that Spark reads itself. */
class TapegradClassifierTest {

    static SparkSession spark;
    static dev.tapegrad.nn.Dataset[] iris;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void start() throws IOException {
        spark = Fixtures.session("local[2]");
        iris = Fixtures.iris();
        writeCsv(iris[0], tmp.resolve("train.csv"));
        writeCsv(iris[1], tmp.resolve("test.csv"));
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    static void writeCsv(dev.tapegrad.nn.Dataset d, Path file) throws IOException {
        StringBuilder sb = new StringBuilder("f0,f1,f2,f3,label\n");
        for (int i = 0; i < d.size(); i++) {
            for (int k = 0; k < 4; k++) {
                sb.append(d.feature(i, k)).append(',');
            }
            sb.append(d.label(i)).append('\n');
        }
        Files.writeString(file, sb);
    }

    static org.apache.spark.sql.Dataset<Row> csv(String name) {
        return spark.read().option("header", true).option("inferSchema", true).csv(tmp.resolve(name).toString());
    }

    static TapegradClassifier classifier() {
        return new TapegradClassifier().setLayers(new int[] {8}).setActivation("tanh").setEpochs(25).setBatchSize(16)
                .setLearningRate(0.02).setSeed(3).setWorkers(2);
    }

    @Test
    void aPipelineFitsAndTransformsAndTheModelRoundTripsThroughSafetensors() throws IOException {
        VectorAssembler assemble = new VectorAssembler().setInputCols(new String[] {"f0", "f1", "f2", "f3"})
                .setOutputCol("features");
        PipelineModel fitted = new Pipeline().setStages(new PipelineStage[] {assemble, classifier()}).fit(csv("train.csv"));
        org.apache.spark.sql.Dataset<Row> scored = fitted.transform(csv("test.csv"));
        assertTrue(List.of(scored.columns()).containsAll(List.of("features", "probability", "prediction")));
        List<Row> rows = scored.select("label", "prediction", "probability", "features").collectAsList();
        TapegradClassificationModel model = (TapegradClassificationModel) fitted.stages()[1];
        Module net = model.network();
        int correct = 0;
        for (Row r : rows) {
            Vector p = r.getAs(2);
            double[] x = ((Vector) r.getAs(3)).toArray();
            double[] expected = net.forward(Tensor.of(x, 1, 4)).softmax(1).toArray();
            assertArrayEquals(expected, p.toArray(), 0.0, "probabilities are the network's softmax");
            assertEquals(Metrics.argmax(Tensor.of(expected, 1, 3))[0], r.getDouble(1));
            correct += r.getInt(0) == (int) r.getDouble(1) ? 1 : 0;
        }
        assertEquals(30, rows.size());
        assertTrue(correct >= 26, "test accuracy " + correct + "/30");
        assertEquals(25, model.history().epochs());

        Path file = tmp.resolve("iris.safetensors");
        model.save(file);
        TapegradClassificationModel back = TapegradClassificationModel.load(file);
        assertEquals(model.describe(), back.describe());
        List<Row> again = back.transform(assemble.transform(csv("test.csv"))).select("probability").collectAsList();
        for (int i = 0; i < rows.size(); i++) {
            assertArrayEquals(((Vector) rows.get(i).getAs(2)).toArray(), ((Vector) again.get(i).getAs(0)).toArray(), 0.0);
        }
        Module plain = model.network();
        plain.load(file);   // nn's own reader takes the file too
    }

    @Test
    void parquetVectorsAndNumericColumnsTrainTheSameModel() {
        org.apache.spark.sql.Dataset<Row> frame = SparkData.toDataFrame(spark, iris[0], 1);
        String dir = tmp.resolve("train.parquet").toString();
        frame.write().parquet(dir);
        org.apache.spark.sql.Dataset<Row> parquet = spark.read().parquet(dir);
        SparkTrainer t = Fixtures.spark().workers(2).build();
        double[][] fromParquet = t.fit(parquet, "features", "label", 3).weights();
        double[][] fromCsvColumns = t.fit(csv("train.csv"), "f0,f1,f2,f3", "label", 3).weights();
        Fixtures.assertBitIdentical(fromParquet, fromCsvColumns);
    }

    @Test
    void badColumnsAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> classifier().fit(csv("train.csv")));
        assertTrue(e.getMessage().contains("no features column 'features'"), e.getMessage());
        IllegalArgumentException s = assertThrows(IllegalArgumentException.class,
                () -> SparkData.samples(csv("train.csv"), "f0,nope", "label"));
        assertTrue(s.getMessage().contains("no column 'nope'"), s.getMessage());
    }
}
