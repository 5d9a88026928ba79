package dev.tapegrad.nn;

import dev.tapegrad.Tensor;

/**
 * A loss function: a scalar (for reduction mean or sum) from a model's output and the
 * {@link Targets} of the batch. Every loss of {@link Losses} fits as a method reference, for
 * example {@code Loss loss = Losses::crossEntropy;} or {@code Losses::mse}, and so does a lambda
 * over Tensor ops:
 *
 * <pre>{@code
 * Loss l1 = (out, t) -> out.sub(t.values()).abs().mean();
 * Tensor value = l1.apply(model.forward(x), Targets.of(y));
 * }</pre>
 */
@FunctionalInterface
public interface Loss {

    /** The loss of {@code output} against {@code targets}, recorded on the current tape. */
    Tensor apply(Tensor output, Targets targets);
}
