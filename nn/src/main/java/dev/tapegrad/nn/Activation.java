package dev.tapegrad.nn;

import dev.tapegrad.Tensor;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * A parameter-free activation as a module, for {@link Sequential}: {@code Activation.relu()},
 * {@code Activation.leakyRelu(0.1)}, ... Each applies the function of {@link Activations} with the
 * same name. {@link PReLU}, which has a learned parameter, is its own module.
 *
 * <pre>{@code
 * Module mlp = new Sequential(new Linear(2, 4, rng), Activation.tanh(), new Linear(4, 1, rng), Activation.sigmoid());
 * Module act = Activation.byName("leaky_relu");   // from a command-line option
 * }</pre>
 */
public final class Activation extends Module {
    private final String name;
    private final UnaryOperator<Tensor> function;

    private Activation(String name, UnaryOperator<Tensor> function) {
        this.name = name;
        this.function = function;
    }

    @Override
    public Tensor forward(Tensor input) {
        return function.apply(input);
    }

    /** The activation's name, e.g. {@code "relu"} or {@code "leakyRelu(0.1)"}. */
    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return name;
    }

    /** Logistic sigmoid. */
    public static Activation sigmoid() { return new Activation("sigmoid", Activations::sigmoid); }
    /** Hyperbolic tangent. */
    public static Activation tanh() { return new Activation("tanh", Activations::tanh); }
    /** max(0, x). */
    public static Activation relu() { return new Activation("relu", Activations::relu); }
    /** log(1 + eˣ). */
    public static Activation softplus() { return new Activation("softplus", Activations::softplus); }
    /** Hard logistic with slope 0.25. */
    public static Activation hardSigmoid() { return hardSigmoid(Activations.HARD_SIGMOID_SLOPE); }
    /** Hard logistic with the given slope (1/6 for PyTorch's). */
    public static Activation hardSigmoid(double slope) {
        Activations.hardSigmoid(Tensor.scalar(0), slope);  // validates the slope now, not at the first forward
        return new Activation("hardSigmoid(" + slope + ")", x -> Activations.hardSigmoid(x, slope));
    }
    /** Hard tanh, clamp to [−1, 1]. */
    public static Activation hardTanh() { return new Activation("hardTanh", Activations::hardTanh); }
    /** Leaky ReLU with γ = 0.01. */
    public static Activation leakyRelu() { return leakyRelu(Activations.LEAKY_RELU_SLOPE); }
    /** Leaky ReLU with slope γ for x ≤ 0. */
    public static Activation leakyRelu(double gamma) {
        Activations.leakyRelu(Tensor.scalar(0), gamma);
        return new Activation("leakyRelu(" + gamma + ")", x -> Activations.leakyRelu(x, gamma));
    }
    /** ELU with γ = 1. */
    public static Activation elu() { return elu(1.0); }
    /** ELU with the given γ. */
    public static Activation elu(double gamma) {
        Activations.elu(Tensor.scalar(0), gamma);
        return new Activation("elu(" + gamma + ")", x -> Activations.elu(x, gamma));
    }
    /** SiLU / swish x·σ(x). */
    public static Activation silu() { return new Activation("silu", Activations::silu); }
    /** Exact GELU x·Φ(x). */
    public static Activation gelu() { return new Activation("gelu", Activations::gelu); }
    /** GELU in the tanh approximation. */
    public static Activation geluTanh() { return new Activation("geluTanh", Activations::geluTanh); }
    /** Softmax over the last axis. */
    public static Activation softmax() { return new Activation("softmax", x -> x.softmax(-1)); }
    /** Log-softmax over the last axis. */
    public static Activation logSoftmax() { return new Activation("logSoftmax", x -> x.logSoftmax(-1)); }

    /**
     * The activation with the given name, case and underscores ignored: sigmoid, tanh, relu,
     * softplus, hardsigmoid, hardtanh, leakyrelu, elu, silu (swish), gelu, gelutanh, softmax, logsoftmax.
     *
     * @throws IllegalArgumentException for an unknown name (the message lists the known ones)
     */
    public static Activation byName(String name) {
        String key = name == null ? "" : name.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
        switch (key) {
            case "sigmoid": case "logistic": return sigmoid();
            case "tanh": return tanh();
            case "relu": return relu();
            case "softplus": return softplus();
            case "hardsigmoid": return hardSigmoid();
            case "hardtanh": return hardTanh();
            case "leakyrelu": return leakyRelu();
            case "elu": return elu();
            case "silu": case "swish": return silu();
            case "gelu": return gelu();
            case "gelutanh": return geluTanh();
            case "softmax": return softmax();
            case "logsoftmax": return logSoftmax();
            default:
                throw new IllegalArgumentException("unknown activation '" + name + "'; known: sigmoid, tanh, relu, softplus, "
                        + "hardsigmoid, hardtanh, leakyrelu, elu, silu, gelu, gelutanh, softmax, logsoftmax");
        }
    }
}
