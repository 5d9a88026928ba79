package dev.tapegrad.testing;

import java.util.random.RandomGenerator;

/** Valid input shapes for an op's tests, drawn at random. */
@FunctionalInterface
public interface ShapeGenerator {
    /** One shape per input. */
    int[][] shapes(RandomGenerator rng);
}
