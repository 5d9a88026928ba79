package dev.tapegrad.nn;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.tapegrad.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.random.RandomGeneratorFactory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A model trained in PyTorch (nn/src/test/python/make_torch_mlp.py: float64 Sequential of Linear,
 * Tanh, Linear, ReLU, Linear, its state_dict saved as safetensors) runs in Tapegrad with PyTorch's
 * outputs, and Tapegrad writes the same state_dict layout back.
 */
class SafeTensorsPyTorchTest {

    @TempDir
    Path tmp;

    static Path resource(String name) throws URISyntaxException {
        return Path.of(SafeTensorsPyTorchTest.class.getResource("/dev/tapegrad/nn/torch/" + name).toURI());
    }

    static Module sameNetwork() {
        var rng = RandomGeneratorFactory.of("L64X128MixRandom").create(0);
        return new Sequential(new Linear(4, 8, rng), Activation.tanh(), new Linear(8, 5, rng), Activation.relu(),
                new Linear(5, 3, rng));
    }

    static double[][] matrix(JsonArray rows) {
        double[][] m = new double[rows.size()][];
        for (int i = 0; i < m.length; i++) {
            JsonArray r = rows.get(i).getAsJsonArray();
            m[i] = new double[r.size()];
            for (int j = 0; j < m[i].length; j++) {
                m[i][j] = r.get(j).getAsDouble();
            }
        }
        return m;
    }

    @Test
    void aPyTorchStateDictGivesPyTorchsOutputs() throws Exception {
        Path file = resource("mlp.safetensors");
        JsonObject ref;
        try (InputStream in = SafeTensorsPyTorchTest.class.getResourceAsStream("/dev/tapegrad/nn/torch/mlp-outputs.json")) {
            ref = JsonParser.parseString(new String(in.readAllBytes(), StandardCharsets.UTF_8)).getAsJsonObject();
        }
        assertArrayEquals(new int[] {8, 4}, SafeTensors.shapes(file).get("0.weight"), "PyTorch's [out, in]");
        assertEquals(SafeTensors.Layout.PYTORCH, SafeTensors.Layout.of(SafeTensors.metadata(file)), "a foreign file");

        Module m = sameNetwork();
        m.load(file);   // the layout is told from the file
        double[][] x = matrix(ref.getAsJsonArray("inputs"));
        double[][] want = matrix(ref.getAsJsonArray("outputs"));
        Tensor out = m.forward(Tensor.of(java.util.Arrays.stream(x).flatMapToDouble(java.util.Arrays::stream).toArray(), x.length, 4));
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < 3; j++) {
                assertEquals(want[i][j], out.toArray()[i * 3 + j], 1e-12, "output " + i + "," + j);
            }
        }

        // Saved in PyTorch's layout, Tapegrad's file holds PyTorch's tensors exactly
        Path back = tmp.resolve("back.safetensors");
        m.save(back, SafeTensors.Layout.PYTORCH);
        Map<String, Tensor> theirs = SafeTensors.read(file);
        Map<String, Tensor> ours = SafeTensors.read(back);
        assertEquals(theirs.keySet(), ours.keySet());
        for (String k : theirs.keySet()) {
            assertArrayEquals(theirs.get(k).shape(), ours.get(k).shape(), k);
            assertArrayEquals(theirs.get(k).toArray(), ours.get(k).toArray(), k);
        }
        Module again = sameNetwork();
        again.load(back);
        assertArrayEquals(out.toArray(), again.forward(Tensor.of(new double[] {0, 0, 0, 0, 1, -2, 0.5, 3, -1.5, 0.25, 2, -0.75,
            10, 10, -10, 0.1, 0.3, 0.1, -0.2, 0.9}, 5, 4)).toArray());
    }

    @Test
    void tapegradLayoutStaysTheDefaultAndAWrongLayoutIsAShapeError() throws Exception {
        Module m = sameNetwork();
        Path file = tmp.resolve("ours.safetensors");
        m.save(file);
        assertArrayEquals(new int[] {4, 8}, SafeTensors.shapes(file).get("0.weight"));
        assertEquals("tapegrad", SafeTensors.metadata(file).get("layout"));
        Module n = sameNetwork();
        IOException e = assertThrows(IOException.class, () -> n.load(resource("mlp.safetensors"), SafeTensors.Layout.TAPEGRAD));
        assertTrue(e.getMessage().contains("'0.weight' has shape [8, 4] but the model expects [4, 8]"), e.getMessage());
    }
}
