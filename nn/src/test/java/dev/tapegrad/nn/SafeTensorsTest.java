package dev.tapegrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.tapegrad.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {

    @TempDir
    Path dir;

    static RandomGenerator rng(long seed) {
        return RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
    }

    static Module model(long seed) {
        return new Sequential(new Linear(3, 4, rng(seed)), Activation.relu(), new PReLU(4), new Linear(4, 2, rng(seed + 1)));
    }

    static List<double[]> values(Module m) {
        List<double[]> out = new ArrayList<>();
        for (Tensor p : m.parameters()) {
            out.add(p.toArray());
        }
        return out;
    }

    static void assertSameValues(List<double[]> expected, Module m) {
        List<double[]> actual = values(m);
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), actual.get(i), "parameter " + i);
        }
    }

    @Test
    void saveThenLoadRestoresEveryParameterBitForBitAndThePredictions() throws IOException {
        Module a = model(1);
        Path file = dir.resolve("sub/model.safetensors");
        a.save(file);
        Module b = model(99);
        Tensor x = Tensor.of(new double[] {0.5, -1, 2, 3, 0.25, -0.75}, 2, 3);
        List<Tensor> bParams = b.parameters();
        b.load(file);
        assertSameValues(values(a), b);
        assertArrayEquals(a.forward(x).toArray(), b.forward(x).toArray());
        // loaded in place: the same tensors, so an optimizer built before loading still works
        for (int i = 0; i < bParams.size(); i++) {
            assertTrue(bParams.get(i) == b.parameters().get(i));
        }
        Map<String, Tensor> read = SafeTensors.read(file);
        assertEquals(a.namedParameters().keySet(), read.keySet());
        assertEquals("tapegrad", SafeTensors.metadata(file).get("format"));
    }

    @Test
    void theFileLayoutIsSafetensors() throws IOException {
        Path file = dir.resolve("m.safetensors");
        Map<String, Tensor> ts = new LinkedHashMap<>();
        ts.put("w", Tensor.of(new double[] {1.5, -2, Double.NaN, 1e-300, Double.NEGATIVE_INFINITY, 7}, 2, 3));
        ts.put("s", Tensor.scalar(0.1));
        SafeTensors.write(file, ts, Map.of("k", "v"));
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long n = buf.getLong();
        assertEquals(0, n % 8, "header padded to 8 bytes");
        assertEquals(8 + n + 7 * 8, bytes.length);
        String json = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        JsonObject h = JsonParser.parseString(json).getAsJsonObject();
        assertEquals("F64", h.getAsJsonObject("w").get("dtype").getAsString());
        assertEquals("[2,3]", h.getAsJsonObject("w").get("shape").toString());
        assertEquals("[0,48]", h.getAsJsonObject("w").get("data_offsets").toString());
        assertEquals("[]", h.getAsJsonObject("s").get("shape").toString());
        assertEquals("[48,56]", h.getAsJsonObject("s").get("data_offsets").toString());
        assertEquals("v", h.getAsJsonObject("__metadata__").get("k").getAsString());
        buf.position((int) (8 + n));
        assertEquals(1.5, buf.getDouble());
        assertEquals(-2.0, buf.getDouble());
        assertTrue(Double.isNaN(buf.getDouble()));
        Map<String, Tensor> back = SafeTensors.read(file);
        assertArrayEquals(ts.get("w").toArray(), back.get("w").toArray());
        assertEquals(0, back.get("s").rank());
    }

    @Test
    void readsF32Files() throws IOException {
        String header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        ByteBuffer buf = ByteBuffer.allocate(8 + header.length() + 8).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(header.length()).put(header.getBytes(StandardCharsets.US_ASCII)).putFloat(0.5f).putFloat(-3f);
        Path file = dir.resolve("f32.safetensors");
        Files.write(file, buf.array());
        assertArrayEquals(new double[] {0.5, -3}, SafeTensors.read(file).get("a").toArray());
    }

    /** Writes a good file, damages it, and checks that load fails naming the file and leaves the model alone. */
    void assertRejected(String problem, byte[] bytes, String... messageParts) throws IOException {
        Path file = dir.resolve(problem.replace(' ', '_') + ".safetensors");
        Files.write(file, bytes);
        Module m = model(5);
        List<double[]> before = values(m);
        IOException e = assertThrows(IOException.class, () -> m.load(file), problem);
        assertTrue(e.getMessage().startsWith(file.toString()), problem + ": " + e.getMessage());
        for (String part : messageParts) {
            assertTrue(e.getMessage().contains(part), problem + ": '" + part + "' not in: " + e.getMessage());
        }
        assertSameValues(before, m);
    }

    @Test
    void corruptTruncatedAndMismatchedFilesAreRejectedBeforeAnythingIsWritten() throws IOException {
        Path good = dir.resolve("good.safetensors");
        model(1).save(good);
        byte[] ok = Files.readAllBytes(good);
        long n = ByteBuffer.wrap(ok).order(ByteOrder.LITTLE_ENDIAN).getLong();
        String json = new String(ok, 8, (int) n, StandardCharsets.UTF_8);

        assertRejected("empty", new byte[0], "shorter than");
        assertRejected("truncated data", Arrays.copyOf(ok, ok.length - 5), "truncated");
        assertRejected("truncated header", Arrays.copyOf(ok, 40), "header length");
        assertRejected("trailing bytes", Arrays.copyOf(ok, ok.length + 8), "after the last tensor");
        byte[] huge = ok.clone();
        ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putLong(Long.MAX_VALUE);
        assertRejected("huge header length", huge, "header length");
        byte[] garbage = ok.clone();
        garbage[8] = 'x';
        assertRejected("bad json", garbage, "header");
        assertRejected("wrong dtype", withHeader(ok, n, json.replaceFirst("\"F64\"", "\"I64\"")), "I64");
        assertRejected("bad shape", withHeader(ok, n, json.replaceFirst("\\[3,4\\]", "[4,3]")), "shape [4, 3]", "expects [3, 4]");
        assertRejected("inconsistent offsets", withHeader(ok, n, json.replaceFirst("\\[3,4\\]", "[3,5]")), "needs");
        assertRejected("renamed", withHeader(ok, n, json.replaceFirst("0\\.bias", "0.bixs")), "missing [0.bias]", "unexpected [0.bixs]");

        // a model of another architecture
        Path other = dir.resolve("other.safetensors");
        new Sequential(new Linear(3, 4, rng(1))).save(other);
        assertRejected("other model", Files.readAllBytes(other), "missing");

        Module m = model(2);
        IOException e = assertThrows(IOException.class, () -> m.load(dir.resolve("absent.safetensors")));
        assertTrue(e.getMessage().contains("absent.safetensors"), e.getMessage());
    }

    /** The same file with a new header of the same padded length (spaces fill the rest). */
    static byte[] withHeader(byte[] ok, long n, String json) {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        assertTrue(h.length <= n, "replacement header fits");
        byte[] out = ok.clone();
        Arrays.fill(out, 8, (int) (8 + n), (byte) ' ');
        System.arraycopy(h, 0, out, 8, h.length);
        return out;
    }
}
