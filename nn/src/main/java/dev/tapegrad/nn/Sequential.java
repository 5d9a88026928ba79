package dev.tapegrad.nn;

import dev.tapegrad.Tensor;
import java.util.List;

/**
 * Modules applied one after another; their parameters are named {@code "0.weight"},
 * {@code "0.bias"}, {@code "2.weight"}, ... by position, as in PyTorch.
 *
 * <pre>{@code
 * Module mlp = new Sequential(new Linear(784, 128, rng), Activation.relu(), new Linear(128, 10, rng));
 * }</pre>
 */
public final class Sequential extends Module {
    private final Module[] layers;

    /** A chain of the given modules (at least one). */
    public Sequential(Module... layers) {
        if (layers.length == 0) {
            throw new IllegalArgumentException("Sequential: needs at least one module");
        }
        this.layers = layers.clone();
        for (int i = 0; i < layers.length; i++) {
            registerModule(Integer.toString(i), layers[i]);
        }
    }

    /** The modules in order. */
    public List<Module> layers() {
        return List.of(layers);
    }

    @Override
    public Tensor forward(Tensor input) {
        Tensor x = input;
        for (Module m : layers) {
            x = m.forward(x);
        }
        return x;
    }
}
