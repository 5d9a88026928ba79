package dev.tapegrad.spark;

import dev.tapegrad.Tensor;
import dev.tapegrad.nn.Optimizer;

import java.io.Serializable;
import java.util.List;

/**
 * Builds the optimizer of one replica, in every Spark task; serializable, for example
 * {@code OptimizerFactory adam = ps -> new Adam(ps, 1e-3);}.
 */
@FunctionalInterface
public interface OptimizerFactory extends Serializable {

    /**
     * @param parameters the replica's parameters
     * @return a new optimizer over them
     */
    Optimizer create(List<Tensor> parameters);
}
