package dev.tapegrad.spark;

import dev.tapegrad.Tensor;
import dev.tapegrad.nn.Activation;
import dev.tapegrad.nn.Linear;
import dev.tapegrad.nn.Module;
import dev.tapegrad.nn.SafeTensors;
import dev.tapegrad.nn.Sequential;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGeneratorFactory;
import java.util.stream.Collectors;

/**
 * A multi-layer perceptron with logits out, as the estimator trains it, and its trained weights:
 * serializable, so that it travels to Spark tasks, and saved as safetensors with the same header
 * keys as the {@code tapegrad} command's model files.
 *
 * @param sizes      widths from input to output, for example {@code [4, 8, 3]}
 * @param activation the hidden activation's name ({@link Activation#byName})
 * @param weights    one array per parameter, or null before training
 */
record Mlp(int[] sizes, String activation, double[][] weights) implements Serializable {

    Mlp {
        if (sizes.length < 2 || Arrays.stream(sizes).anyMatch(s -> s < 1)) {
            throw new IllegalArgumentException("TapegradClassifier: layer widths " + Arrays.toString(sizes)
                    + " must be at least an input and an output width, each positive");
        }
        Activation.byName(activation);  // fails on an unknown name
    }

    /** @return a new network with weights drawn from {@code seed} (or the trained ones) */
    Module build(long seed) {
        var rng = RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
        Module[] layers = new Module[2 * sizes.length - 3];
        for (int i = 0; i + 1 < sizes.length; i++) {
            layers[2 * i] = new Linear(sizes[i], sizes[i + 1], rng);
            if (i + 2 < sizes.length) {
                layers[2 * i + 1] = Activation.byName(activation);
            }
        }
        Module m = new Sequential(layers);
        if (weights != null) {
            List<Tensor> ps = m.parameters();
            for (int i = 0; i < ps.size(); i++) {
                System.arraycopy(weights[i], 0, ps.get(i).leafValues(), 0, weights[i].length);
            }
        }
        return m.eval();
    }

    String describe() {
        return Arrays.stream(sizes).mapToObj(Integer::toString).collect(Collectors.joining("-")) + " " + activation;
    }

    void save(Path file) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "tapegrad");
        meta.put("module", "Sequential");
        meta.put("layers", Arrays.stream(sizes).mapToObj(Integer::toString).collect(Collectors.joining(",")));
        meta.put("activation", activation);
        meta.put("output_activation", "none");
        meta.put("normalize", "none");
        SafeTensors.write(file, build(0).namedParameters(), meta);
    }

    static Mlp load(Path file) throws IOException {
        Map<String, String> meta = SafeTensors.metadata(file);
        if (meta == null || !"tapegrad".equals(meta.get("format")) || !meta.containsKey("layers")
                || !"none".equals(meta.getOrDefault("output_activation", "none"))) {
            throw new IOException(file + ": not a tapegrad MLP file with logits out (no 'layers' in its safetensors header)");
        }
        int[] sizes;
        try {
            sizes = Arrays.stream(meta.get("layers").split(",")).mapToInt(s -> Integer.parseInt(s.trim())).toArray();
        } catch (NumberFormatException e) {
            throw new IOException(file + ": layer description '" + meta.get("layers") + "' is not a list of widths");
        }
        Mlp shape = new Mlp(sizes, meta.getOrDefault("activation", "relu"), null);
        Module m = shape.build(0);
        m.load(file);
        List<Tensor> ps = m.parameters();
        double[][] w = new double[ps.size()][];
        for (int i = 0; i < w.length; i++) {
            w[i] = ps.get(i).toArray();
        }
        return new Mlp(sizes, shape.activation(), w);
    }
}
