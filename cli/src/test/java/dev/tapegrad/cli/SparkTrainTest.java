package dev.tapegrad.cli;

import dev.tapegrad.Tensor;
import dev.tapegrad.nn.SafeTensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code tapegrad train --spark local[2]} trains the same model as {@code tapegrad train} (Spark is on the test class path). */
class SparkTrainTest {

    @TempDir
    Path tmp;

    @Test
    void sparkTrainingEqualsLocalTrainingOnTheEmbeddedDigits() throws IOException {
        String[] common = {"train", "--layers", "16", "--epochs", "1", "--history", "", "--schedule", "cosine"};
        CliTest.Run local = CliTest.run(concat(common, "--save", tmp.resolve("local.safetensors").toString()));
        CliTest.Run spark = CliTest.run(concat(common, "--save", tmp.resolve("spark.safetensors").toString(),
                "--spark", "local[2]"));
        assertEquals(0, local.code(), local.err());
        assertEquals(0, spark.code(), spark.err());
        assertTrue(spark.out().contains("spark local[2]: 2 workers, 2 shards"), spark.out());
        Map<String, Tensor> a = SafeTensors.read(tmp.resolve("local.safetensors"));
        Map<String, Tensor> b = SafeTensors.read(tmp.resolve("spark.safetensors"));
        assertEquals(a.keySet(), b.keySet());
        double worst = 0;
        double worstScaled = 0;
        for (String k : a.keySet()) {
            double[] x = a.get(k).toArray();
            double[] y = b.get(k).toArray();
            double scale = java.util.Arrays.stream(x).map(Math::abs).max().orElse(1);
            for (int i = 0; i < x.length; i++) {
                worst = Math.max(worst, Math.abs(x[i] - y[i]) / Math.max(Math.abs(x[i]), 1e-300));
                worstScaled = Math.max(worstScaled, Math.abs(x[i] - y[i]) / scale);
            }
        }
        System.out.printf("SparkTrainTest: train --spark local[2] vs train, 1 epoch: max relative weight difference %.3g,"
                + " max difference over the tensor's largest weight %.3g%n", worst, worstScaled);
        assertTrue(worst <= 1e-12, "max relative difference " + worst);
        assertEquals(lastLine(local.out()).replaceAll(", [0-9.]+ s per epoch.*", ""),
                lastLine(spark.out()).replaceAll(", [0-9.]+ s per epoch.*", ""));
        CliTest.Run bad = CliTest.run("train", "--epochs", "1", "--spark", "local[1]", "--spark-workers", "2");
        assertEquals(2, bad.code(), bad.out());
        assertTrue(bad.err().contains("2 workers need 2 task slots"), bad.err());
    }

    private static String lastLine(String s) {
        String[] lines = s.strip().split("\n");
        return lines[lines.length - 1];
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
