package dev.tapegrad.nn;

import dev.tapegrad.Tensor;
import java.util.Arrays;

/**
 * Parametric ReLU (He et al., 2015): x for x &gt; 0, γᵢx otherwise, with one learned slope γᵢ per
 * unit (the last axis of the input) or one shared slope. Parameter {@code "weight"} of shape
 * [units], initialised to 0.25 as in PyTorch. See {@link Activations#prelu} for the derivatives.
 *
 * <pre>{@code Module net = new Sequential(new Linear(8, 16, rng), new PReLU(16), new Linear(16, 1, rng)); }</pre>
 */
public final class PReLU extends Module {
    private final int units;
    private final Tensor weight;

    /** One slope per unit, each starting at 0.25. */
    public PReLU(int units) {
        this(units, 0.25);
    }

    /** One slope per unit ({@code units = 1}: shared by all), each starting at {@code init}. */
    public PReLU(int units, double init) {
        if (units <= 0) {
            throw new IllegalArgumentException("PReLU: number of units " + units + " must be positive");
        }
        this.units = units;
        this.weight = registerParameter("weight", Tensor.full(init, units));
    }

    /** The learned slopes [units] (the live parameter). */
    public Tensor weight() {
        return weight;
    }

    @Override
    public Tensor forward(Tensor x) {
        if (units != 1 && (x.rank() == 0 || x.shape(-1) != units)) {
            throw new IllegalArgumentException("PReLU(" + units + "): input of shape " + Arrays.toString(x.shape())
                    + " must end with " + units + " units");
        }
        return Activations.prelu(x, weight);
    }

    @Override
    public String toString() {
        return "PReLU(" + units + ")";
    }
}
