package dev.tapegrad.spark;

import dev.tapegrad.nn.Module;

import java.io.Serializable;

/**
 * Builds one replica of the model, on the driver and in every Spark task. The replicas' initial
 * weights are the driver's (sent to every task), so the factory need not be deterministic; it must
 * be serializable, as a lambda that captures only serializable values is:
 *
 * <pre>{@code
 * ModelFactory mlp = () -> new Sequential(new Linear(64, 32, rng(1)), Activation.relu(), new Linear(32, 10, rng(2)));
 * }</pre>
 */
@FunctionalInterface
public interface ModelFactory extends Serializable {

    /** @return a new model */
    Module create();
}
