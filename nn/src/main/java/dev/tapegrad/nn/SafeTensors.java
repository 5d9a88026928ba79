package dev.tapegrad.nn;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import dev.tapegrad.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads and writes tensors in the <a href="https://github.com/huggingface/safetensors">safetensors</a>
 * format: an 8-byte little-endian header length N, N bytes of JSON header
 * {@code {"name": {"dtype": "F64", "shape": [..], "data_offsets": [begin, end]}, ...,
 * "__metadata__": {"key": "value"}}} (padded with spaces to a multiple of 8), then the
 * little-endian data, each tensor's bytes at [begin, end) of the data section. Files written here
 * open with {@code safetensors.numpy.load_file} and {@code safetensors.torch.load_file}.
 *
 * <p>Reading validates everything before returning anything: the header length against the file
 * size, the JSON, each entry's dtype (F64, or F32 converted to float64), shape and offsets, that
 * the offsets tile the data section exactly, and the file's total length. Every failure is an
 * {@link IOException} whose message names the file and the problem.
 */
public final class SafeTensors {
    private SafeTensors() {}

    /** Largest header accepted (a corrupt length must not make us allocate gigabytes). */
    static final long MAX_HEADER = 100L << 20;

    /**
     * Writes {@code tensors} (in map order) and string {@code metadata} to {@code file}, replacing it.
     *
     * @throws IOException if the file cannot be written
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        JsonObject header = new JsonObject();
        if (metadata != null && !metadata.isEmpty()) {
            JsonObject meta = new JsonObject();
            metadata.forEach(meta::addProperty);
            header.add("__metadata__", meta);
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            if (e.getKey().equals("__metadata__")) {
                throw new IllegalArgumentException("SafeTensors.write: '__metadata__' is reserved and cannot name a tensor");
            }
            Tensor t = e.getValue();
            JsonObject entry = new JsonObject();
            entry.addProperty("dtype", "F64");
            JsonArray shape = new JsonArray();
            for (int d : t.shape()) {
                shape.add(d);
            }
            entry.add("shape", shape);
            JsonArray offsets = new JsonArray();
            offsets.add(offset);
            offset += 8L * t.size();
            offsets.add(offset);
            entry.add("data_offsets", offsets);
            header.add(e.getKey(), entry);
        }
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        if (8L + padded + offset > Integer.MAX_VALUE - 8) {
            throw new IOException(file + ": " + offset + " bytes of parameters are too many for one file");
        }
        ByteBuffer buf = ByteBuffer.allocate(8 + padded + (int) offset).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(padded);
        buf.put(json);
        for (int i = json.length; i < padded; i++) {
            buf.put((byte) ' ');
        }
        for (Tensor t : tensors.values()) {
            for (double v : t.toArray()) {
                buf.putDouble(v);
            }
        }
        // Beside the target, forced to the disk and renamed into place, so that a failed write
        // never leaves a half-written file where a good checkpoint was.
        Files.createDirectories(file.toAbsolutePath().getParent());
        AtomicFiles.write(file, out -> out.write(buf.array()));
    }

    /**
     * Reads every tensor of {@code file}, in header order, as float64 tensors.
     *
     * @throws IOException if the file cannot be read or is not a valid safetensors file
     */
    public static Map<String, Tensor> read(Path file) throws IOException {
        Parsed p = parse(file);
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Entry e : p.entries) {
            out.put(e.name, Tensor.of(p.values(e), e.shape));
        }
        return Collections.unmodifiableMap(out);
    }

    /**
     * The names and shapes of {@code file}'s tensors, in header order, without converting their
     * data (to check a file against a description before building anything from it).
     *
     * @param file the file
     * @return name to shape
     * @throws IOException if the file cannot be read or is not a valid safetensors file
     */
    public static Map<String, int[]> shapes(Path file) throws IOException {
        Map<String, int[]> out = new LinkedHashMap<>();
        for (Entry e : parse(file).entries) {
            out.put(e.name, e.shape.clone());
        }
        return Collections.unmodifiableMap(out);
    }

    /**
     * How a model's parameters are laid out in a file. Tapegrad's {@link Linear} keeps its weight
     * as {@code [in, out]} (so that a layer is {@code x.matmul(w)}); PyTorch's {@code nn.Linear}
     * keeps {@code [out, in]}. Names are the same in both ({@code 0.weight}, {@code 0.bias},
     * {@code 2.weight}, ... for a {@link Sequential}, as in PyTorch's {@code state_dict}).
     */
    public enum Layout {
        /** Linear weights {@code [in, out]}: what {@link Module#save(Path)} writes. */
        TAPEGRAD,
        /** Linear weights {@code [out, in]}: PyTorch's {@code state_dict}, loadable with {@code model.load_state_dict}. */
        PYTORCH;

        /** The metadata key that records the layout of a file. */
        public static final String KEY = "layout";

        /**
         * The layout of a file: its {@code layout} metadata if present; otherwise Tapegrad's for
         * a file Tapegrad wrote ({@code format} is {@code tapegrad}) and PyTorch's for any other.
         *
         * @param metadata the file's metadata
         * @return the layout
         */
        public static Layout of(Map<String, String> metadata) {
            String l = metadata.get(KEY);
            if (l != null) {
                return l.equalsIgnoreCase("pytorch") ? PYTORCH : TAPEGRAD;
            }
            return "tapegrad".equals(metadata.get("format")) ? TAPEGRAD : PYTORCH;
        }

        /** @return the metadata value, {@code "tapegrad"} or {@code "pytorch"} */
        public String value() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * The string metadata of {@code file} ({@code "__metadata__"}), empty if it has none.
     *
     * @throws IOException if the file cannot be read or is not a valid safetensors file
     */
    public static Map<String, String> metadata(Path file) throws IOException {
        return parse(file).metadata;
    }

    /**
     * The values of {@code file}'s tensors, checked against {@code expected}: the same names and the
     * same shapes. Nothing is returned unless everything matches.
     */
    static Map<String, double[]> readMatching(Path file, Map<String, int[]> expected) throws IOException {
        Parsed p = parse(file);
        Map<String, Entry> byName = new LinkedHashMap<>();
        for (Entry e : p.entries) {
            byName.put(e.name, e);
        }
        Set<String> missing = new TreeSet<>(expected.keySet());
        missing.removeAll(byName.keySet());
        Set<String> extra = new TreeSet<>(byName.keySet());
        extra.removeAll(expected.keySet());
        if (!missing.isEmpty() || !extra.isEmpty()) {
            throw new IOException(file + ": parameter names do not match the model"
                    + (missing.isEmpty() ? "" : "; missing " + missing)
                    + (extra.isEmpty() ? "" : "; unexpected " + extra));
        }
        Map<String, double[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, int[]> want : expected.entrySet()) {
            Entry e = byName.get(want.getKey());
            if (!Arrays.equals(e.shape, want.getValue())) {
                throw new IOException(file + ": parameter '" + e.name + "' has shape " + Arrays.toString(e.shape)
                        + " but the model expects " + Arrays.toString(want.getValue()));
            }
        }
        for (String name : expected.keySet()) {
            out.put(name, p.values(byName.get(name)));
        }
        return out;
    }

    private static final class Entry {
        final String name;
        final String dtype;
        final int[] shape;
        final long begin;
        final long end;

        Entry(String name, String dtype, int[] shape, long begin, long end) {
            this.name = name;
            this.dtype = dtype;
            this.shape = shape;
            this.begin = begin;
            this.end = end;
        }
    }

    private static final class Parsed {
        final byte[] bytes;
        final long dataStart;
        final List<Entry> entries;
        final Map<String, String> metadata;

        Parsed(byte[] bytes, long dataStart, List<Entry> entries, Map<String, String> metadata) {
            this.bytes = bytes;
            this.dataStart = dataStart;
            this.entries = entries;
            this.metadata = metadata;
        }

        double[] values(Entry e) {
            int width = e.dtype.equals("F64") ? 8 : 4;
            int n = (int) ((e.end - e.begin) / width);
            ByteBuffer buf = ByteBuffer.wrap(bytes, (int) (dataStart + e.begin), (int) (e.end - e.begin))
                    .order(ByteOrder.LITTLE_ENDIAN);
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                v[i] = width == 8 ? buf.getDouble() : buf.getFloat();
            }
            return v;
        }
    }

    private static Parsed parse(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IOException(file + ": cannot read the model file (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + ")", e);
        }
        if (bytes.length < 8) {
            throw new IOException(file + ": not a safetensors file: " + bytes.length + " bytes, shorter than the 8-byte header length");
        }
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (n < 2 || n > MAX_HEADER || n > bytes.length - 8L) {
            throw new IOException(file + ": not a safetensors file or truncated: header length " + Long.toUnsignedString(n)
                    + " does not fit in the file of " + bytes.length + " bytes");
        }
        String json = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        JsonElement root;
        try {
            root = JsonParser.parseString(json);
        } catch (RuntimeException e) {
            throw new IOException(file + ": corrupt safetensors header: invalid JSON (" + e.getMessage() + ")", e);
        }
        if (!json.stripLeading().startsWith("{") || !root.isJsonObject()) {
            throw new IOException(file + ": corrupt safetensors header: the JSON is not an object");
        }
        long dataLength = bytes.length - 8L - n;
        List<Entry> entries = new ArrayList<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> kv : root.getAsJsonObject().entrySet()) {
            String name = kv.getKey();
            if (name.equals("__metadata__")) {
                if (!kv.getValue().isJsonObject()) {
                    throw new IOException(file + ": corrupt safetensors header: __metadata__ is not an object");
                }
                for (Map.Entry<String, JsonElement> m : kv.getValue().getAsJsonObject().entrySet()) {
                    if (!isString(m.getValue())) {
                        throw new IOException(file + ": corrupt safetensors header: metadata '" + m.getKey() + "' is not a string");
                    }
                    metadata.put(m.getKey(), m.getValue().getAsString());
                }
                continue;
            }
            entries.add(entry(file, name, kv.getValue()));
        }
        // The offsets must tile the data section exactly: no gap, no overlap, nothing left over.
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort((a, b) -> Long.compare(a.begin, b.begin));
        long expect = 0;
        for (Entry e : sorted) {
            if (e.begin != expect) {
                throw new IOException(file + ": corrupt safetensors file: tensor '" + e.name + "' starts at byte " + e.begin
                        + " of the data but " + (e.begin < expect ? "overlaps the previous tensor" : "leaves a gap after byte " + expect));
            }
            expect = e.end;
        }
        if (expect != dataLength) {
            throw new IOException(file + (expect > dataLength
                    ? ": truncated safetensors file: the header describes " + expect + " bytes of data but only " + dataLength + " follow"
                    : ": corrupt safetensors file: " + (dataLength - expect) + " bytes after the last tensor's data"));
        }
        return new Parsed(bytes, 8 + n, Collections.unmodifiableList(entries), Collections.unmodifiableMap(metadata));
    }

    private static Entry entry(Path file, String name, JsonElement el) throws IOException {
        String where = file + ": corrupt safetensors header: tensor '" + name + "'";
        if (!el.isJsonObject()) {
            throw new IOException(where + " is not an object");
        }
        JsonObject o = el.getAsJsonObject();
        JsonElement dtypeEl = o.get("dtype");
        if (!isString(dtypeEl)) {
            throw new IOException(where + " has no dtype");
        }
        String dtype = dtypeEl.getAsString();
        if (!dtype.equals("F64") && !dtype.equals("F32")) {
            throw new IOException(file + ": tensor '" + name + "' has dtype " + dtype + "; only F64 and F32 can be read");
        }
        long[] shapeL = longs(o.get("shape"), -1);
        long[] offsets = longs(o.get("data_offsets"), 2);
        if (shapeL == null) {
            throw new IOException(where + " has no valid shape (an array of non-negative integers)");
        }
        if (offsets == null || offsets[0] > offsets[1]) {
            throw new IOException(where + " has no valid data_offsets [begin, end]");
        }
        int[] shape = new int[shapeL.length];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            if (shapeL[i] > Integer.MAX_VALUE) {
                throw new IOException(where + " has a dimension " + shapeL[i] + " too large");
            }
            shape[i] = (int) shapeL[i];
            try {
                count = Math.multiplyExact(count, shapeL[i]);
            } catch (ArithmeticException overflow) {
                throw new IOException(where + " has a shape " + Arrays.toString(shapeL) + " with too many elements");
            }
        }
        int width = dtype.equals("F64") ? 8 : 4;
        if (count > Integer.MAX_VALUE / 8 || offsets[1] - offsets[0] != count * width) {
            throw new IOException(where + " of shape " + Arrays.toString(shape) + " and dtype " + dtype + " needs "
                    + count * width + " bytes but its data_offsets " + Arrays.toString(offsets) + " span "
                    + (offsets[1] - offsets[0]));
        }
        return new Entry(name, dtype, shape, offsets[0], offsets[1]);
    }

    private static boolean isString(JsonElement e) {
        return e != null && e.isJsonPrimitive() && ((JsonPrimitive) e).isString();
    }

    /** An array of non-negative integers (of the given length unless it is −1), or null. */
    private static long[] longs(JsonElement e, int length) {
        if (e == null || !e.isJsonArray()) {
            return null;
        }
        JsonArray a = e.getAsJsonArray();
        if (length >= 0 && a.size() != length) {
            return null;
        }
        long[] out = new long[a.size()];
        for (int i = 0; i < out.length; i++) {
            JsonElement x = a.get(i);
            if (!x.isJsonPrimitive() || !((JsonPrimitive) x).isNumber()) {
                return null;
            }
            double d = x.getAsDouble();
            if (d < 0 || d != Math.rint(d) || d > 1e15) {
                return null;
            }
            out[i] = x.getAsLong();
        }
        return out;
    }
}
