package dev.tapegrad.bench;

import dev.tapegrad.Tensor;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The peer's {@code matmul} case: {@code C = A · B} for square float64 matrices of side n, with
 * nothing recorded. The runner converts the time to GFLOP/s as 2n³ / seconds.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class MatMulBenchmark {
    /** Side of the square matrices. */
    @Param({"64", "256", "1024"})
    public int n;

    private Tensor a, b;

    /** Uniform random matrices. */
    @Setup
    public void setUp() {
        RandomGenerator rng = RandomGeneratorFactory.of("L64X128MixRandom").create(3);
        a = Tensor.rand(rng, n, n);
        b = Tensor.rand(rng, n, n);
    }

    /** One product. */
    @Benchmark
    public Tensor matmul() {
        return a.matmul(b);
    }
}
