package dev.tapegrad.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.tapegrad.nn.Activation;
import dev.tapegrad.nn.AdaptiveAvgPool2d;
import dev.tapegrad.nn.AvgPool2d;
import dev.tapegrad.nn.Conv1d;
import dev.tapegrad.nn.Conv2d;
import dev.tapegrad.nn.Dropout;
import dev.tapegrad.nn.Flatten;
import dev.tapegrad.nn.Linear;
import dev.tapegrad.nn.MaxPool2d;
import dev.tapegrad.nn.Module;
import dev.tapegrad.nn.Sequential;
import dev.tapegrad.nn.Unflatten;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * A stack of layers described in JSON (the {@code --model FILE.json} format, also stored in the
 * model file): an array of one-key objects such as {@code [{"conv2d": {"out": 6, "kernel": 5,
 * "padding": 2}}, {"relu": {}}, {"maxpool2d": {"kernel": 2}}, {"flatten": {}}, {"linear": {}}]}.
 * Input widths are inferred from the data's sample shape, so a layer names only its outputs; a
 * {@code linear} without {@code out} has one output per class. The formats are documented in
 * docs/cli.md.
 *
 * @param name   the model's name for messages ({@code lenet5} or the file name)
 * @param json   the layer list, as JSON text
 */
record LayerStack(String name, String json) {

    /** LeNet-5 for 28×28 images (LeCun et al. 1998, with ReLU and max pooling). */
    static final String LENET5 = "[{\"conv2d\": {\"out\": 6, \"kernel\": 5, \"padding\": 2}}, {\"relu\": {}},"
            + " {\"maxpool2d\": {\"kernel\": 2}},"
            + " {\"conv2d\": {\"out\": 16, \"kernel\": 5}}, {\"relu\": {}}, {\"maxpool2d\": {\"kernel\": 2}},"
            + " {\"flatten\": {}}, {\"linear\": {\"out\": 120}}, {\"relu\": {}}, {\"linear\": {\"out\": 84}}, {\"relu\": {}},"
            + " {\"linear\": {}}]";

    /** Reads {@code --model}: {@code lenet5} or a JSON file. */
    static LayerStack named(String model) {
        if (model.equals("lenet5")) {
            return new LayerStack("lenet5", LENET5);
        }
        Path file = Path.of(model);
        if (!Files.isRegularFile(file)) {
            throw new CliException("usage: --model " + model + " is not mlp, lenet5 or a model-spec JSON file");
        }
        try {
            LayerStack s = new LayerStack(file.getFileName().toString(), Files.readString(file));
            s.layers();
            return s;
        } catch (IOException e) {
            throw new CliException(file + ": cannot read the model spec: " + e.getMessage());
        }
    }

    private List<JsonObject> layers() {
        JsonElement root;
        try {
            root = JsonParser.parseString(json);
        } catch (JsonParseException e) {
            String why = e.getCause() != null && e.getCause().getMessage() != null ? e.getCause().getMessage() : e.getMessage();
            throw new CliException(name + ": not valid JSON: " + TapegradCommand.oneLine(why));
        }
        if (!root.isJsonArray() || root.getAsJsonArray().isEmpty()) {
            throw new CliException(name + ": a model spec is a non-empty JSON array of layers like {\"conv2d\": {...}}");
        }
        List<JsonObject> out = new ArrayList<>();
        JsonArray a = root.getAsJsonArray();
        for (int i = 0; i < a.size(); i++) {
            JsonElement e = a.get(i);
            if (!e.isJsonObject() || e.getAsJsonObject().size() != 1
                    || !e.getAsJsonObject().entrySet().iterator().next().getValue().isJsonObject()) {
                throw new CliException(name + ": layer " + i + " " + e + " must be one key and an object, like {\"relu\": {}}");
            }
            out.add(e.getAsJsonObject());
        }
        return out;
    }

    /** The minified JSON, for the model file. */
    String compact() {
        return JsonParser.parseString(json).toString();
    }

    /**
     * Builds the network for samples of {@code sampleShape} and {@code classes} outputs. Rows of a
     * batch are flat; a leading {@link Unflatten} gives convolutions their [C, (H,) W] images.
     */
    Module build(int[] sampleShape, int classes, RandomGenerator rng) {
        List<Module> mods = new ArrayList<>();
        int[] shape = {Arrays.stream(sampleShape).reduce(1, Math::multiplyExact)};
        List<JsonObject> layers = layers();
        for (int i = 0; i < layers.size(); i++) {
            String kind = layers.get(i).keySet().iterator().next();
            JsonObject o = layers.get(i).getAsJsonObject(kind);
            String where = name + ": layer " + i + " (" + kind + ")";
            String k = kind.toLowerCase(Locale.ROOT);
            if ((k.equals("conv2d") || k.equals("maxpool2d") || k.equals("avgpool2d") || k.equals("adaptiveavgpool2d"))
                    && shape.length == 1) {
                shape = sampleShape.length == 3 ? sampleShape.clone() : sampleShape.length == 2
                        ? new int[] {1, sampleShape[0], sampleShape[1]} : null;
                if (shape == null) {
                    throw new CliException(where + ": needs images, but samples have shape " + Arrays.toString(sampleShape));
                }
                mods.add(new Unflatten(shape));
            } else if (k.equals("conv1d") && shape.length == 1) {
                shape = new int[] {1, shape[0]};
                mods.add(new Unflatten(shape));
            }
            try {
                shape = add(k, o, shape, classes, i == layers.size() - 1, mods, rng, where);
            } catch (IllegalArgumentException | ClassCastException | IllegalStateException | UnsupportedOperationException e) {
                throw new CliException(where + ": " + TapegradCommand.oneLine(e.getMessage()));
            }
        }
        if (shape.length != 1 || shape[0] != classes) {
            throw new CliException(name + ": the last layer gives samples of shape " + Arrays.toString(shape) + ", not the "
                    + classes + " class scores (end with {\"linear\": {}})");
        }
        return new Sequential(mods.toArray(Module[]::new));
    }

    private static int[] add(String k, JsonObject o, int[] in, int classes, boolean last, List<Module> mods,
                             RandomGenerator rng, String where) {
        switch (k) {
            case "conv2d": {
                allow(o, where, "out", "kernel", "stride", "padding", "dilation", "groups", "bias");
                need(in, 3, where);
                int[] kk = pair(o, "kernel", -1, where), s = pair(o, "stride", 1, where);
                int[] p = pair(o, "padding", 0, where), d = pair(o, "dilation", 1, where);
                int out = integer(o, "out", -1, where);
                mods.add(new Conv2d(in[0], out, kk, s, p, d, integer(o, "groups", 1, where), bool(o, "bias"), rng));
                return new int[] {out, size(in[1], kk[0], s[0], p[0], d[0], where), size(in[2], kk[1], s[1], p[1], d[1], where)};
            }
            case "conv1d": {
                allow(o, where, "out", "kernel", "stride", "padding", "dilation", "groups", "bias");
                need(in, 2, where);
                int kk = integer(o, "kernel", -1, where), s = integer(o, "stride", 1, where);
                int p = integer(o, "padding", 0, where), d = integer(o, "dilation", 1, where);
                int out = integer(o, "out", -1, where);
                mods.add(new Conv1d(in[0], out, kk, s, p, d, integer(o, "groups", 1, where), bool(o, "bias"), rng));
                return new int[] {out, size(in[1], kk, s, p, d, where)};
            }
            case "maxpool2d":
            case "avgpool2d": {
                allow(o, where, "kernel", "stride", "padding");
                need(in, 3, where);
                int[] kk = pair(o, "kernel", -1, where);
                int[] s = o.has("stride") ? pair(o, "stride", 1, where) : kk, p = pair(o, "padding", 0, where);
                mods.add(k.equals("maxpool2d") ? new MaxPool2d(kk, s, p) : new AvgPool2d(kk, s, p));
                return new int[] {in[0], size(in[1], kk[0], s[0], p[0], 1, where), size(in[2], kk[1], s[1], p[1], 1, where)};
            }
            case "adaptiveavgpool2d": {
                allow(o, where, "out");
                need(in, 3, where);
                int[] out = pair(o, "out", -1, where);
                mods.add(new AdaptiveAvgPool2d(out[0], out[1]));
                return new int[] {in[0], out[0], out[1]};
            }
            case "flatten":
                allow(o, where);
                mods.add(new Flatten());
                return new int[] {Arrays.stream(in).reduce(1, Math::multiplyExact)};
            case "linear": {
                allow(o, where, "out", "bias");
                if (in.length != 1) {
                    throw new CliException(where + ": input samples have shape " + Arrays.toString(in)
                            + "; put {\"flatten\": {}} before a linear layer");
                }
                int out = o.has("out") ? integer(o, "out", -1, where) : classes;
                mods.add(new Linear(in[0], out, bool(o, "bias"), rng));
                return new int[] {out};
            }
            case "dropout":
                allow(o, where, "p");
                mods.add(new Dropout(o.has("p") ? o.get("p").getAsDouble() : 0.5, rng));
                return in;
            default:
                allow(o, where);
                Activation a;
                try {
                    a = Activation.byName(k);
                } catch (IllegalArgumentException e) {
                    throw new CliException(where + ": unknown layer; use conv1d, conv2d, maxpool2d, avgpool2d, "
                            + "adaptiveavgpool2d, flatten, linear, dropout or an activation name (relu, tanh, ...)");
                }
                mods.add(a);
                return in;
        }
    }

    private static void allow(JsonObject o, String where, String... keys) {
        Set<String> ok = Set.of(keys);
        for (String key : o.keySet()) {
            if (!ok.contains(key)) {
                throw new CliException(where + ": unknown option \"" + key + "\" (allowed: " + String.join(", ", keys) + ")");
            }
        }
    }

    private static void need(int[] in, int rank, String where) {
        if (in.length != rank) {
            throw new CliException(where + ": input samples have shape " + Arrays.toString(in) + ", expected "
                    + (rank == 3 ? "[C, H, W]" : "[C, W]"));
        }
    }

    private static int size(int in, int k, int s, int p, int d, String where) {
        int o = dev.tapegrad.Conv.outputSize(in, k, s, p, d);
        if (o < 1) {
            throw new CliException(where + ": kernel " + k + " (dilation " + d + ") does not fit the input size " + in
                    + " with padding " + p);
        }
        return o;
    }

    private static int integer(JsonObject o, String key, int dflt, String where) {
        if (!o.has(key)) {
            if (dflt < 0) {
                throw new CliException(where + ": \"" + key + "\" is required");
            }
            return dflt;
        }
        JsonElement e = o.get(key);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber() || e.getAsDouble() != Math.rint(e.getAsDouble())) {
            throw new CliException(where + ": \"" + key + "\" must be a whole number, got " + e);
        }
        return e.getAsInt();
    }

    /** A size per spatial axis: a number for both, or [height, width]. */
    private static int[] pair(JsonObject o, String key, int dflt, String where) {
        if (o.has(key) && o.get(key).isJsonArray()) {
            JsonArray a = o.getAsJsonArray(key);
            if (a.size() != 2) {
                throw new CliException(where + ": \"" + key + "\" must be a number or [height, width], got " + a);
            }
            JsonObject h = new JsonObject(), w = new JsonObject();
            h.add(key, a.get(0));
            w.add(key, a.get(1));
            return new int[] {integer(h, key, dflt, where), integer(w, key, dflt, where)};
        }
        int v = integer(o, key, dflt, where);
        return new int[] {v, v};
    }

    private static boolean bool(JsonObject o, String key) {
        return !o.has(key) || o.get(key).getAsBoolean();
    }
}
