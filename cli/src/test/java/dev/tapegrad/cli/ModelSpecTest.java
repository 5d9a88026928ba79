package dev.tapegrad.cli;

import dev.tapegrad.Tensor;
import dev.tapegrad.nn.Dataset;
import dev.tapegrad.nn.Module;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.random.RandomGeneratorFactory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelSpecTest {

    @TempDir
    Path tmp;

    @Test
    void saveThenLoadGivesTheSamePredictionsAndScaling() throws IOException {
        Preprocessing prep = new Preprocessing("standard", new double[] {1, 2, 3}, new double[] {0.5, 2, 4});
        ModelSpec spec = new ModelSpec(new int[] {3, 7, 4}, "tanh", "none", "he", prep, List.of("a", "b", "c", "d"), "csv:x.csv", 0);
        Module model = spec.build(RandomGeneratorFactory.of("L64X128MixRandom").create(3));
        Path file = tmp.resolve("m.safetensors");
        spec.save(model, file);

        ModelSpec.Loaded loaded = ModelSpec.load(file);
        Tensor x = Tensor.randn(RandomGeneratorFactory.of("L64X128MixRandom").create(9), 5, 3);
        assertArrayEquals(model.forward(x).toArray(), loaded.model().forward(x).toArray());
        assertArrayEquals(new int[] {3, 7, 4}, loaded.spec().sizes());
        assertEquals("tanh", loaded.spec().activation());
        assertEquals(List.of("a", "b", "c", "d"), loaded.spec().classNames());
        assertEquals("csv:x.csv", loaded.spec().data());
        assertEquals(0, loaded.spec().labelColumn());
        assertArrayEquals(prep.shift(), loaded.spec().preprocessing().shift());
        assertArrayEquals(prep.scale(), loaded.spec().preprocessing().scale());
        Dataset d = new Dataset("d", new double[] {2, 4, 7}, new int[] {3}, new int[] {0}, Dataset.numberedClasses(1));
        assertArrayEquals(new double[] {2, 1, 1}, loaded.spec().preprocessing().apply(d).featuresCopy());
    }

    @Test
    void aTruncatedModelFileIsReportedNotLoaded() throws IOException {
        ModelSpec spec = new ModelSpec(new int[] {2, 2}, "relu", "none", "default",
                new Preprocessing("none", new double[0], new double[0]), List.of("0", "1"), "iris", -1);
        Path file = tmp.resolve("t.safetensors");
        spec.save(spec.build(RandomGeneratorFactory.of("L64X128MixRandom").create(1)), file);
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 8));
        IOException e = assertThrows(IOException.class, () -> ModelSpec.load(file));
        assertTrue(e.getMessage().contains("t.safetensors"), e.getMessage());
    }
}
