package dev.tapegrad.nn;

import dev.tapegrad.Tape;
import dev.tapegrad.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * A differentiable building block: a function of a tensor with named parameters (leaves that want
 * gradients) and sub-modules, and a training/evaluation mode (for {@link Dropout} and the like).
 *
 * <p>Parameters are registered once, in the constructor, and keep their identity for the module's
 * life: optimizers and {@link #load(Path)} update their values in place through
 * {@link Tensor#leafValues()}. {@link #namedParameters()} lists them depth-first in registration
 * order with dotted names ({@code "0.weight"}, {@code "0.bias"}, ...), like PyTorch's
 * {@code state_dict}, so the order is stable from run to run.
 *
 * <p>A custom module is a subclass that registers its parameters and writes {@code forward} with
 * Tensor ops:
 *
 * <pre>{@code
 * class Scale extends Module {
 *     private final Tensor gain = registerParameter("gain", Tensor.ones(3));
 *     @Override public Tensor forward(Tensor x) { return x.mul(gain); }
 * }
 * Module m = new Sequential(new Linear(4, 3, rng), new Scale(), Module.of("tanh", Tensor::tanh));
 * }</pre>
 *
 * <p>Import it by name ({@code import dev.tapegrad.nn.Module;}): with only the wildcard
 * {@code import dev.tapegrad.nn.*;} the simple name clashes with {@code java.lang.Module}.
 */
public abstract class Module {
    private final Map<String, Tensor> parameters = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private boolean training = true;

    /** Applies the module to {@code input}. Recorded on the current tape like any Tensor op. */
    public abstract Tensor forward(Tensor input);

    /**
     * A stateless module from a function of Tensor ops, e.g. {@code Module.of("swish", x ->
     * x.mul(x.sigmoid()))}.
     *
     * @param name shown by {@link #toString()}
     */
    public static Module of(String name, Function<Tensor, Tensor> function) {
        Objects.requireNonNull(function, "Module.of: function is null");
        return new Module() {
            @Override
            public Tensor forward(Tensor input) {
                return function.apply(input);
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }

    /**
     * Registers {@code value} as a trainable parameter under {@code name}, marks it as wanting
     * gradients and returns it (so it can initialise a field).
     *
     * @throws IllegalArgumentException if the name is empty, contains a dot or is already taken,
     *                                  or if {@code value} is not a leaf
     */
    protected final Tensor registerParameter(String name, Tensor value) {
        checkName(name);
        Objects.requireNonNull(value, "registerParameter: value of '" + name + "' is null");
        if (!value.isLeaf()) {
            throw new IllegalArgumentException("registerParameter: '" + name
                    + "' is the output of a recorded op; a parameter must be a leaf (use detach())");
        }
        value.requiresGrad(true);
        parameters.put(name, value);
        return value;
    }

    /**
     * Registers {@code value} as a buffer: state that is saved and loaded with the parameters but
     * not trained (PyTorch's {@code register_buffer}, e.g. BatchNorm's running statistics). A
     * buffer does not want gradients; the module updates it in place through
     * {@link Tensor#leafValues()}. Returns it, so it can initialise a field.
     *
     * @throws IllegalArgumentException if the name is empty, contains a dot or is already taken,
     *                                  or if {@code value} is not a leaf
     */
    protected final Tensor registerBuffer(String name, Tensor value) {
        checkName(name);
        Objects.requireNonNull(value, "registerBuffer: value of '" + name + "' is null");
        if (!value.isLeaf()) {
            throw new IllegalArgumentException("registerBuffer: '" + name
                    + "' is the output of a recorded op; a buffer must be a leaf (use detach())");
        }
        buffers.put(name, value.requiresGrad(false));
        return value;
    }

    /** Registers a sub-module whose parameters appear under {@code name + "."}; returns it. */
    protected final <M extends Module> M registerModule(String name, M module) {
        checkName(name);
        Objects.requireNonNull(module, "registerModule: module '" + name + "' is null");
        if (module == this) {
            throw new IllegalArgumentException("registerModule: a module cannot contain itself");
        }
        children.put(name, module);
        module.train(training);
        return module;
    }

    private void checkName(String name) {
        if (name == null || name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException("register: name '" + name + "' must be non-empty and contain no '.'");
        }
        if (parameters.containsKey(name) || children.containsKey(name) || buffers.containsKey(name)) {
            throw new IllegalArgumentException("register: name '" + name + "' is already used in " + getClass().getSimpleName());
        }
    }

    /**
     * Every parameter of this module and its sub-modules, depth-first in registration order, under
     * dotted names; a parameter shared by several sub-modules (weight tying) appears once, under
     * its first name, as in PyTorch. The map is a read-only snapshot; its tensors are the live
     * parameters.
     */
    public final Map<String, Tensor> namedParameters() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        collect("", out, Collections.newSetFromMap(new IdentityHashMap<>()));
        return Collections.unmodifiableMap(out);
    }

    /** Depth-first; a parameter shared by several sub-modules is listed once, under its first name. */
    private void collect(String prefix, Map<String, Tensor> out, Set<Tensor> seen) {
        for (Map.Entry<String, Tensor> e : parameters.entrySet()) {
            if (seen.add(e.getValue())) {
                out.put(prefix + e.getKey(), e.getValue());
            }
        }
        for (Map.Entry<String, Module> e : children.entrySet()) {
            e.getValue().collect(prefix + e.getKey() + ".", out, seen);
        }
    }

    /**
     * Every buffer of this module and its sub-modules (depth-first, dotted names, as
     * {@link #namedParameters()}); empty for modules without state such as {@link Linear}.
     */
    public final Map<String, Tensor> namedBuffers() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        collectBuffers("", out);
        return Collections.unmodifiableMap(out);
    }

    private void collectBuffers(String prefix, Map<String, Tensor> out) {
        for (Map.Entry<String, Tensor> e : buffers.entrySet()) {
            out.put(prefix + e.getKey(), e.getValue());
        }
        for (Map.Entry<String, Module> e : children.entrySet()) {
            e.getValue().collectBuffers(prefix + e.getKey() + ".", out);
        }
    }

    /**
     * What {@link #save(Path)} writes and {@link #load(Path)} reads: the parameters, then the
     * buffers (PyTorch's {@code state_dict}). For a module without buffers it is
     * {@link #namedParameters()}.
     */
    public final Map<String, Tensor> namedState() {
        Map<String, Tensor> out = new LinkedHashMap<>(namedParameters());
        out.putAll(namedBuffers());
        return Collections.unmodifiableMap(out);
    }

    /**
     * The output of this module for {@code input} in evaluation mode, without recording anything
     * (PyTorch's {@code model.eval()} under {@code torch.no_grad()}); the module's mode is put back
     * afterwards, and the result is a plain value.
     *
     * <pre>{@code
     * Tensor probabilities = model.predict(x).softmax(-1);
     * }</pre>
     */
    public final Tensor predict(Tensor input) {
        boolean wasTraining = training;
        eval();
        try (Tape.Pause paused = Tape.pause()) {
            return forward(input);
        } finally {
            train(wasTraining);
        }
    }

    /** The parameters in the order of {@link #namedParameters()}, for an {@link Optimizer}. */
    public final List<Tensor> parameters() {
        return List.copyOf(new ArrayList<>(namedParameters().values()));
    }

    /** The sub-modules registered directly in this one, by name, in registration order. */
    public final Map<String, Module> children() {
        return Collections.unmodifiableMap(children);
    }

    /** Total number of scalar parameters. */
    public final long parameterCount() {
        long n = 0;
        for (Tensor p : namedParameters().values()) {
            n += p.size();
        }
        return n;
    }

    /** Clears the accumulated gradient of every parameter. */
    public final void zeroGrad() {
        for (Tensor p : namedParameters().values()) {
            p.zeroGrad();
        }
    }

    /** Sets training ({@code true}) or evaluation mode here and in every sub-module; returns this. */
    public Module train(boolean on) {
        training = on;
        for (Module child : children.values()) {
            child.train(on);
        }
        return this;
    }

    /** Training mode (the default): dropout active. Returns this. */
    public final Module train() {
        return train(true);
    }

    /** Evaluation mode: dropout is the identity. Returns this. */
    public final Module eval() {
        return train(false);
    }

    /** True in training mode. */
    public final boolean isTraining() {
        return training;
    }

    /**
     * Writes the parameters and buffers ({@link #namedState()}) to {@code file} in the safetensors format (dtype F64, little-endian),
     * readable by PyTorch's and NumPy's safetensors tools.
     *
     * @throws IOException if the file cannot be written
     */
    public final void save(Path file) throws IOException {
        save(file, SafeTensors.Layout.TAPEGRAD);
    }

    /**
     * Writes the parameters in the given layout: with {@link SafeTensors.Layout#PYTORCH} the file
     * is a PyTorch {@code state_dict} ({@code nn.Linear} weights {@code [out, in]}), which
     * {@code model.load_state_dict(safetensors.torch.load_file(path))} reads into the same
     * network built in PyTorch.
     *
     * @param file   the file
     * @param layout the layout of Linear weights
     * @throws IOException if the file cannot be written
     */
    public final void save(Path file, SafeTensors.Layout layout) throws IOException {
        SafeTensors.write(file, stateDict(layout), Map.of("format", "tapegrad", "module", getClass().getSimpleName(),
                SafeTensors.Layout.KEY, layout.value()));
    }

    /**
     * The parameters as they are stored in the given layout: the live tensors for
     * {@link SafeTensors.Layout#TAPEGRAD}, transposed copies of every {@link Linear} weight for
     * {@link SafeTensors.Layout#PYTORCH}.
     *
     * @param layout the layout
     * @return name to tensor, in {@link #namedState()} order
     */
    public final Map<String, Tensor> stateDict(SafeTensors.Layout layout) {
        Map<String, Tensor> mine = namedState();
        if (layout == SafeTensors.Layout.TAPEGRAD) {
            return mine;
        }
        java.util.Set<String> linear = linearWeights();
        Map<String, Tensor> out = new LinkedHashMap<>();
        mine.forEach((k, v) -> out.put(k, linear.contains(k) ? v.detach().transpose() : v));
        return Collections.unmodifiableMap(out);
    }

    /**
     * Reads parameters and buffers saved by {@link #save(Path)} into this module, in place. The file
     * must hold exactly this module's state names with the same shapes; everything is checked before any
     * parameter is written, so on a corrupt, truncated or mismatched file this module is left
     * untouched.
     *
     * @throws IOException if the file cannot be read, or is not a valid safetensors file matching
     *                     this module (the message names the file and the problem)
     */
    public final void load(Path file) throws IOException {
        load(file, SafeTensors.Layout.of(SafeTensors.metadata(file)));
    }

    /**
     * Reads parameters in the given layout (see {@link #load(Path)}, which tells the layout from
     * the file: a file not written by Tapegrad, such as PyTorch's {@code save_file(model.state_dict())},
     * is read as {@link SafeTensors.Layout#PYTORCH}).
     *
     * @param file   the file
     * @param layout the layout of its Linear weights
     * @throws IOException if the file cannot be read, or does not match this module in that layout
     */
    public final void load(Path file, SafeTensors.Layout layout) throws IOException {
        Map<String, Tensor> mine = namedState();
        java.util.Set<String> transposed = layout == SafeTensors.Layout.PYTORCH ? linearWeights() : java.util.Set.of();
        Map<String, int[]> shapes = new LinkedHashMap<>();
        mine.forEach((k, v) -> shapes.put(k, transposed.contains(k) ? new int[] {v.shape(1), v.shape(0)} : v.shape()));
        Map<String, double[]> values = SafeTensors.readMatching(file, shapes);
        for (Map.Entry<String, Tensor> e : mine.entrySet()) {
            double[] src = values.get(e.getKey());
            double[] dst = e.getValue().leafValues();
            if (transposed.contains(e.getKey())) {
                int rows = e.getValue().shape(0);
                int cols = e.getValue().shape(1);
                for (int i = 0; i < rows; i++) {
                    for (int j = 0; j < cols; j++) {
                        dst[i * cols + j] = src[j * rows + i];
                    }
                }
            } else {
                System.arraycopy(src, 0, dst, 0, src.length);
            }
        }
    }

    /** Names (as in {@link #namedParameters()}) of the weights of every {@link Linear} in this module. */
    private java.util.Set<String> linearWeights() {
        java.util.Set<String> out = new java.util.HashSet<>();
        Map<String, Tensor> mine = namedParameters();
        java.util.ArrayDeque<Map.Entry<String, Module>> todo = new java.util.ArrayDeque<>();
        todo.add(Map.entry("", this));
        while (!todo.isEmpty()) {
            Map.Entry<String, Module> e = todo.poll();
            if (e.getValue() instanceof Linear l && mine.get(e.getKey() + "weight") == l.weight()) {
                out.add(e.getKey() + "weight");
            }
            e.getValue().children().forEach((k, v) -> todo.add(Map.entry(e.getKey() + k + ".", v)));
        }
        return out;
    }

    /** The class name and, for containers, the children, e.g. {@code Sequential(Linear(2, 4), sigmoid)}. */
    @Override
    public String toString() {
        if (children.isEmpty()) {
            return getClass().getSimpleName();
        }
        StringBuilder sb = new StringBuilder(getClass().getSimpleName()).append('(');
        boolean first = true;
        for (Module m : children.values()) {
            sb.append(first ? "" : ", ").append(m);
            first = false;
        }
        return sb.append(')').toString();
    }
}
