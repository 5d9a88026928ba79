package dev.tapegrad.bench;

import dev.tapegrad.Tape;
import dev.tapegrad.Tensor;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGeneratorFactory;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The peer's {@code op-overhead} case: x and w of shape [16] want gradients; 100 times
 * {@code y = tanh(y * w + x)} (3 recorded ops each), then {@code sum(y)} and a backward pass that
 * writes x.grad and w.grad, which are then cleared. 301 recorded ops per step; the runner reports
 * nanoseconds per recorded op, forward and backward together.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class OpOverheadBenchmark {
    /** Recorded ops per step: 100 × (mul, add, tanh) + sum. */
    public static final int OPS_PER_STEP = 301;

    private Tensor x;
    private Tensor w;

    /** Draws x and w from a seeded generator. */
    @Setup
    public void setUp() {
        var rng = RandomGeneratorFactory.of("L64X128MixRandom").create(1);
        x = Tensor.randn(rng, 16).requiresGrad(true);
        w = Tensor.randn(rng, 16).requiresGrad(true);
    }

    /** One step: forward chain, sum, backward, clear the gradients. */
    @Benchmark
    public Tensor step() {
        try (Tape tape = Tape.record()) {
            Tensor y = x;
            for (int i = 0; i < 100; i++) {
                y = y.mul(w).add(x).tanh();
            }
            tape.backward(y.sum());
        }
        Tensor g = x.grad();
        x.zeroGrad();
        w.zeroGrad();
        return g;
    }
}
