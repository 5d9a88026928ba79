package dev.tapegrad.cli;

import dev.tapegrad.nn.Activation;
import dev.tapegrad.nn.Init;
import dev.tapegrad.nn.Linear;
import dev.tapegrad.nn.Module;
import dev.tapegrad.nn.SafeTensors;
import dev.tapegrad.nn.Sequential;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;

/**
 * A multi-layer perceptron as the command line describes it, and its model file: the weights in
 * safetensors with the architecture, the feature scaling and the class names in the header's
 * {@code __metadata__}, so that one file is enough for {@code tapegrad eval} (and the weights
 * still open in PyTorch and NumPy tools).
 *
 * @param sizes            layer widths from input to output, for example {@code [64, 128, 10]}
 * @param activation       the hidden activation's name
 * @param outputActivation the output activation's name, or {@code none} for logits
 * @param init             the weight initialisation: {@code default}, {@code he}, {@code xavier} or {@code normal}
 * @param preprocessing    the feature scaling
 * @param classNames       the class names
 * @param data             the data specification it was trained on
 * @param labelColumn      the label column of a CSV data set (-1: the last)
 */
record ModelSpec(int[] sizes, String activation, String outputActivation, String init, Preprocessing preprocessing,
                 List<String> classNames, String data, int labelColumn) {

    /** The largest width accepted for a layer. */
    static final int MAX_WIDTH = 1 << 20;

    /**
     * Parses {@code --layers} (hidden widths, comma-separated; empty for none).
     *
     * @param text the option value
     * @return the widths
     */
    static int[] parseHidden(String text) {
        String t = text.trim();
        if (t.isEmpty() || t.equals("none")) {
            return new int[0];
        }
        String[] parts = t.split(",");
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                out[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new CliException("usage: --layers '" + text + "': '" + parts[i].trim()
                        + "' is not a whole number (write widths like 128,64)");
            }
            if (out[i] < 1 || out[i] > MAX_WIDTH) {
                throw new CliException("usage: --layers '" + text + "': width " + out[i] + " must be between 1 and "
                        + MAX_WIDTH);
            }
        }
        return out;
    }

    /**
     * @param inputs  features per sample
     * @param hidden  hidden widths
     * @param classes output classes
     * @return all widths, input to output
     */
    static int[] sizes(int inputs, int[] hidden, int classes) {
        int[] s = new int[hidden.length + 2];
        s[0] = inputs;
        System.arraycopy(hidden, 0, s, 1, hidden.length);
        s[s.length - 1] = classes;
        return s;
    }

    /** @return the number of trainable values */
    long parameterCount() {
        long n = 0;
        for (int i = 0; i + 1 < sizes.length; i++) {
            n += (long) sizes[i] * sizes[i + 1] + sizes[i + 1];
        }
        return n;
    }

    /** Fails with one line if the model cannot fit in this JVM's memory (weights, gradients, optimizer state). */
    void checkFits() {
        long bytes = parameterCount() * 8L * 5;
        long max = Runtime.getRuntime().maxMemory();
        if (bytes > max * 0.8) {
            throw new CliException("usage: layers " + Arrays.stream(sizes).mapToObj(Integer::toString)
                    .collect(Collectors.joining("-")) + " need " + parameterCount() + " parameters (about "
                    + bytes / (1 << 20) + " MiB with gradients and optimizer state), more than this JVM's "
                    + max / (1 << 20) + " MiB; use smaller --layers or a larger -Xmx");
        }
    }

    /**
     * Builds the network with fresh weights.
     *
     * @param rng the seeded generator of the initial weights
     * @return the model
     */
    Module build(RandomGenerator rng) {
        activationByName(activation, "--activation");  // fails on a bad name even without hidden layers
        List<Module> layers = new ArrayList<>();
        for (int i = 0; i + 1 < sizes.length; i++) {
            layers.add(linear(sizes[i], sizes[i + 1], rng));
            if (i + 2 < sizes.length) {
                layers.add(activationByName(activation, "--activation"));
            }
        }
        if (!outputActivation.equals("none")) {
            layers.add(activationByName(outputActivation, "--output-activation"));
        }
        return new Sequential(layers.toArray(Module[]::new));
    }

    private Linear linear(int in, int out, RandomGenerator rng) {
        switch (init) {
            case "default":
                return new Linear(in, out, rng);
            case "he":
                return new Linear(in, out, true, Init.heUniform(), Init.zeros(), rng);
            case "xavier":
                return new Linear(in, out, true, Init.xavierUniform(), Init.zeros(), rng);
            case "normal":
                return new Linear(in, out, true, Init.normal(0, 1), Init.normal(0, 1), rng);
            default:
                throw new CliException("usage: --init " + init + " is not one of default, he, xavier, normal");
        }
    }

    static Activation activationByName(String name, String option) {
        try {
            return Activation.byName(name);
        } catch (IllegalArgumentException e) {
            throw new CliException("usage: " + option + " " + name + ": " + TapegradCommand.oneLine(e.getMessage()));
        }
    }

    /**
     * Writes the model's weights and this description to one safetensors file.
     *
     * @param model the trained model (built by {@link #build})
     * @param file  the file
     * @throws IOException if it cannot be written
     */
    void save(Module model, Path file) throws IOException {
        save(model, file, SafeTensors.Layout.TAPEGRAD);
    }

    /**
     * Writes the model in the given layout of its Linear weights ({@code layout} is recorded in
     * the metadata, so that {@link #load} reads either).
     *
     * @param model  the trained model
     * @param file   the file
     * @param layout Tapegrad's {@code [in, out]} or PyTorch's {@code [out, in]}
     * @throws IOException if it cannot be written
     */
    void save(Module model, Path file, SafeTensors.Layout layout) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "tapegrad");
        meta.put("module", "Sequential");
        meta.put("layers", Arrays.stream(sizes).mapToObj(Integer::toString).collect(Collectors.joining(",")));
        meta.put("activation", activation);
        meta.put("output_activation", outputActivation);
        meta.put("init", init);
        meta.put("classes", String.join("\u001f", classNames));
        meta.put("data", data);
        meta.put("label_column", Integer.toString(labelColumn));
        meta.put(SafeTensors.Layout.KEY, layout.value());
        preprocessing.writeTo(meta);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new CliException("cannot write " + file + ": directory " + parent + " does not exist");
        }
        SafeTensors.write(file, model.stateDict(layout), meta);
    }

    /**
     * Reads a model file written by {@link #save}: builds the network it describes and loads its
     * weights (names, shapes and lengths are checked).
     *
     * @param file the file
     * @return the description and the loaded model
     * @throws IOException if the file is missing, corrupt or does not match its own description
     */
    static Loaded load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new CliException(file + ": no such model file");
        }
        Map<String, String> meta = SafeTensors.metadata(file);
        if (meta == null || !"tapegrad".equals(meta.get("format")) || !meta.containsKey("layers")) {
            throw new CliException(file + ": not a tapegrad model file (its safetensors header has no tapegrad layer description)");
        }
        int[] sizes;
        try {
            sizes = Arrays.stream(meta.get("layers").split(",")).mapToInt(s -> Integer.parseInt(s.trim())).toArray();
        } catch (NumberFormatException e) {
            throw new CliException(file + ": layer description '" + meta.get("layers") + "' is not a list of widths");
        }
        if (sizes.length < 2 || Arrays.stream(sizes).anyMatch(s -> s < 1 || s > MAX_WIDTH)) {
            throw new CliException(file + ": layer description '" + meta.get("layers") + "' is not a valid network");
        }
        List<String> classes = List.of(meta.getOrDefault("classes", "").split("\u001f", -1));
        if (classes.size() != sizes[sizes.length - 1]) {
            classes = dev.tapegrad.nn.Dataset.numberedClasses(sizes[sizes.length - 1]);
        }
        String activation = meta.getOrDefault("activation", "relu");
        String output = meta.getOrDefault("output_activation", "none");
        checkActivation(activation, "activation", file);
        if (!output.equals("none")) {
            checkActivation(output, "output_activation", file);
        }
        ModelSpec spec = new ModelSpec(sizes, activation, output, "default",
                Preprocessing.readFrom(meta, file.toString()), classes, meta.getOrDefault("data", "digits"),
                labelColumn(meta.getOrDefault("label_column", "-1"), file));
        SafeTensors.Layout layout = SafeTensors.Layout.of(meta);
        // Before building: a description that its own tensors do not match must not allocate the network.
        spec.checkTensors(SafeTensors.shapes(file), layout, file);
        Module model = spec.build(java.util.random.RandomGeneratorFactory.of("L64X128MixRandom").create(0));
        model.load(file, layout);
        model.eval();
        return new Loaded(spec, model);
    }

    /** The parameter names and shapes the network of this description has, in the given layout. */
    Map<String, int[]> parameterShapes(SafeTensors.Layout layout) {
        Map<String, int[]> out = new LinkedHashMap<>();
        for (int i = 0; i + 1 < sizes.length; i++) {
            boolean torch = layout == SafeTensors.Layout.PYTORCH;
            out.put(2 * i + ".weight", torch ? new int[] {sizes[i + 1], sizes[i]} : new int[] {sizes[i], sizes[i + 1]});
            out.put(2 * i + ".bias", new int[] {sizes[i + 1]});
        }
        return out;
    }

    private void checkTensors(Map<String, int[]> found, SafeTensors.Layout layout, Path file) {
        Map<String, int[]> want = parameterShapes(layout);
        if (!want.keySet().equals(found.keySet())) {
            throw new CliException(file + ": its tensors " + found.keySet() + " do not match its layer description '"
                    + describe() + "' (expected " + want.keySet() + ")");
        }
        for (Map.Entry<String, int[]> e : want.entrySet()) {
            if (!Arrays.equals(e.getValue(), found.get(e.getKey()))) {
                throw new CliException(file + ": tensor '" + e.getKey() + "' has shape " + Arrays.toString(found.get(e.getKey()))
                        + " but its layer description '" + describe() + "' needs " + Arrays.toString(e.getValue()));
            }
        }
    }

    private static void checkActivation(String name, String key, Path file) {
        try {
            Activation.byName(name);
        } catch (IllegalArgumentException e) {
            throw new CliException(file + ": corrupt model file: its " + key + " '" + name + "' is not an activation ("
                    + TapegradCommand.oneLine(e.getMessage()) + ")");
        }
    }

    private static int labelColumn(String text, Path file) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new CliException(file + ": label column '" + text + "' is not a whole number");
        }
    }

    /** A model read from a file. @param spec its description @param model the network with the saved weights */
    record Loaded(ModelSpec spec, Module model) {
    }

    /** @return for example {@code "64-128-10 relu"} */
    String describe() {
        return Arrays.stream(sizes).mapToObj(Integer::toString).collect(Collectors.joining("-")) + " " + activation
                + (outputActivation.equals("none") ? "" : " -> " + outputActivation);
    }
}
