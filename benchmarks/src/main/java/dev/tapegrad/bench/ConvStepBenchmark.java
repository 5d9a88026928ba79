package dev.tapegrad.bench;

import dev.tapegrad.Tape;
import dev.tapegrad.Tensor;
import dev.tapegrad.nn.Activation;
import dev.tapegrad.nn.Conv2d;
import dev.tapegrad.nn.Flatten;
import dev.tapegrad.nn.Linear;
import dev.tapegrad.nn.Losses;
import dev.tapegrad.nn.MaxPool2d;
import dev.tapegrad.nn.Module;
import dev.tapegrad.nn.SGD;
import dev.tapegrad.nn.Sequential;
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
 * The peer's {@code conv-step} case: one SGD step (η = 0.01) of LeNet-5 for 28×28 images, as
 * {@code tapegrad train --model lenet5} builds it (conv 6@5×5 padding 2, ReLU, max pool 2, conv
 * 16@5×5, ReLU, max pool 2, 400-120-84-10 with ReLU), softmax cross-entropy with integer labels,
 * float64, batch 64 (--batch). One step is forward, backward, update and clearing the gradients,
 * built from nn's layers and optimizer, as a user would write it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ConvStepBenchmark {
    /** Batch size (the peer's conv-step --conv-batch). */
    @Param({"64"})
    public int batch;

    private Module net;
    private SGD sgd;
    private Tensor x;
    private int[] labels;

    /** Builds LeNet-5 with PyTorch's default initialisation, a uniform input batch and random labels. */
    @Setup
    public void setUp() {
        RandomGenerator rng = RandomGeneratorFactory.of("L64X128MixRandom").create(5);
        net = lenet5(rng);
        sgd = new SGD(net.parameters(), 0.01);
        x = Tensor.rand(rng, batch, 1, 28, 28);
        labels = rng.ints(batch, 0, 10).toArray();
    }

    /** LeNet-5 as {@code --model lenet5}: conv-ReLU-pool twice, then 400-120-84-10. */
    static Module lenet5(RandomGenerator rng) {
        return new Sequential(
                new Conv2d(1, 6, 5, 1, 2, rng), Activation.relu(), new MaxPool2d(2),
                new Conv2d(6, 16, 5, 1, 0, rng), Activation.relu(), new MaxPool2d(2),
                new Flatten(), new Linear(400, 120, rng), Activation.relu(),
                new Linear(120, 84, rng), Activation.relu(), new Linear(84, 10, rng));
    }

    /** One SGD step; returns the loss. */
    @Benchmark
    public double step() {
        Tensor loss;
        try (Tape tape = Tape.record()) {
            loss = Losses.crossEntropy(net.forward(x), labels);
            tape.backward(loss);
        }
        sgd.step();
        sgd.zeroGrad();
        return loss.item();
    }
}
