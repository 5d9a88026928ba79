package dev.tapegrad.bench;

import dev.tapegrad.Tape;
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
 * The peer's {@code mlp-step} case: a 784-128-10 network with ReLU, softmax cross-entropy with
 * integer labels (mean over the batch), plain SGD with η = 0.1, float64. One step is forward,
 * backward, update and clearing the gradients. Written from core ops (matmul, add, relu,
 * logSoftmax, a constant one-hot tensor for the labels) and an in-place update through
 * {@link Tensor#leafValues()}, which is what PyTorch's {@code p -= 0.1 * p.grad} does.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class MlpStepBenchmark {
    /** Batch size (the peer's --batch). */
    @Param({"128", "16"})
    public int batch;

    private Tensor w1, b1, w2, b2, x, oneHot;
    private Tensor[] params;

    /** Initialises He-scaled weights, zero biases, a uniform input batch and random labels. */
    @Setup
    public void setUp() {
        RandomGenerator rng = RandomGeneratorFactory.of("L64X128MixRandom").create(2);
        w1 = Tensor.randn(rng, 784, 128).mul(Math.sqrt(2.0 / 784)).detach().requiresGrad(true);
        b1 = Tensor.zeros(128).requiresGrad(true);
        w2 = Tensor.randn(rng, 128, 10).mul(Math.sqrt(1.0 / 128)).detach().requiresGrad(true);
        b2 = Tensor.zeros(10).requiresGrad(true);
        x = Tensor.rand(rng, batch, 784);
        double[] hot = new double[batch * 10];
        for (int i = 0; i < batch; i++) {
            hot[i * 10 + rng.nextInt(10)] = 1.0;
        }
        oneHot = Tensor.of(hot, batch, 10);
        params = new Tensor[] {w1, b1, w2, b2};
    }

    /** One SGD step; returns the loss. */
    @Benchmark
    public double step() {
        Tensor loss;
        try (Tape tape = Tape.record()) {
            Tensor h = x.matmul(w1).add(b1).relu();
            Tensor logits = h.matmul(w2).add(b2);
            loss = logits.logSoftmax(1).mul(oneHot).sum().mul(-1.0 / batch);
            tape.backward(loss);
        }
        for (Tensor p : params) {
            double[] v = p.leafValues();
            double[] g = p.grad().leafValues();
            for (int i = 0; i < v.length; i++) {
                v[i] -= 0.1 * g[i];
            }
            p.zeroGrad();
        }
        return loss.item();
    }
}
