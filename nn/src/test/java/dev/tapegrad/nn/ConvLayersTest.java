package dev.tapegrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapegrad.Conv;
import dev.tapegrad.testing.GradCheck;
import dev.tapegrad.Tape;
import dev.tapegrad.Tensor;
import dev.tapegrad.nn.data.EmbeddedDatasets;
import java.util.Map;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.junit.jupiter.api.Test;

/**
 * The convolution and pooling layers: PyTorch's shapes and default initialisation, gradients of the
 * input (first and second order) and of every parameter against central differences, and a small
 * CNN that learns the embedded 8×8 digits.
 */
class ConvLayersTest {
    private static RandomGenerator rng(long seed) {
        return RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
    }

    /** Input gradients (first and second order) and every parameter's gradient against central differences. */
    static void assertModuleGradients(Module m, Tensor x) {
        Function<Tensor[], Tensor> f = in -> m.forward(in[0]).tanh().sum();
        GradCheck.assertGradients(f, x);
        GradCheck.assertSecondOrder(f, x);
        for (Map.Entry<String, Tensor> e : m.namedParameters().entrySet()) {
            Tensor p = e.getValue();
            double[] saved = p.leafValues().clone();
            m.zeroGrad();
            try (Tape tape = Tape.record()) {
                tape.backward(f.apply(new Tensor[] {x}));
            }
            double[] analytic = p.grad().toArray();
            Tensor numeric = GradCheck.numericalJacobian(in -> {
                System.arraycopy(in[0].toArray(), 0, p.leafValues(), 0, saved.length);
                return f.apply(new Tensor[] {x});
            }, 0, Tensor.of(saved, p.shape()));
            System.arraycopy(saved, 0, p.leafValues(), 0, saved.length);
            assertArrayEquals(numeric.toArray(), analytic, 1e-6, m + " parameter " + e.getKey());
        }
    }

    @Test
    void conv2dHasPytorchShapesInitAndGradients() {
        RandomGenerator r = rng(1);
        Conv2d c = new Conv2d(4, 6, new int[] {3, 2}, new int[] {2, 1}, new int[] {1, 0}, new int[] {1, 2}, 2, true, r);
        assertArrayEquals(new int[] {6, 2, 3, 2}, c.weight().shape());
        assertArrayEquals(new int[] {6}, c.bias().shape());
        double bound = 1 / Math.sqrt(2 * 3 * 2);   // kaiming-uniform with a = √5 is U(±1/√fanIn)
        for (double v : c.weight().toArray()) {
            assertTrue(Math.abs(v) <= bound, "weight " + v + " outside ±" + bound);
        }
        for (double v : c.bias().toArray()) {
            assertTrue(Math.abs(v) <= bound);
        }
        assertEquals("Conv2d(4, 6, kernel=[3, 2], stride=[2, 1], padding=[1, 0], dilation=[1, 2], groups=2)", c.toString());
        Tensor x = Tensor.randn(r, 2, 4, 5, 6);
        Tensor y = c.forward(x);
        assertArrayEquals(new int[] {2, 6, 3, 4}, y.shape());
        assertArrayEquals(Conv.conv2d(x, c.weight(), c.bias(), new int[] {2, 1}, new int[] {1, 0}, new int[] {1, 2}, 2).toArray(),
                y.toArray(), 0.0);
        assertModuleGradients(c, Tensor.randn(r, 1, 4, 4, 5));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.forward(Tensor.zeros(2, 3, 5, 5)));
        assertTrue(e.getMessage().contains("[2, 3, 5, 5]") && e.getMessage().contains("Conv2d"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Conv2d(3, 6, 3, 1, 0, r).forward(Tensor.zeros(1, 3, 2, 2)));
        e = assertThrows(IllegalArgumentException.class,
                () -> new Conv2d(3, 4, new int[] {3, 3}, new int[] {1, 1}, new int[] {0, 0}, new int[] {1, 1}, 2, true, r));
        assertTrue(e.getMessage().contains("groups=2"), e.getMessage());
    }

    @Test
    void conv1dHasPytorchShapesAndGradients() {
        RandomGenerator r = rng(2);
        Conv1d c = new Conv1d(2, 3, 3, 2, 1, 1, 1, true, r);
        assertArrayEquals(new int[] {3, 2, 3}, c.weight().shape());
        Tensor y = c.forward(Tensor.randn(r, 2, 2, 9));
        assertArrayEquals(new int[] {2, 3, 5}, y.shape());
        assertModuleGradients(c, Tensor.randn(r, 2, 2, 7));
        assertModuleGradients(new Conv1d(4, 2, 2, 1, 0, 2, 2, false, r), Tensor.randn(r, 1, 4, 6));
    }

    @Test
    void poolingFlattenAndUnflatten() {
        RandomGenerator r = rng(3);
        // distinct values far apart: no ties inside a max window
        double[] v = new double[2 * 3 * 6 * 6];
        for (int i = 0; i < v.length; i++) {
            v[i] = ((i * 37) % v.length) * 0.05 - 5;
        }
        Tensor x = Tensor.of(v, 2, 3, 6, 6);
        assertArrayEquals(new int[] {2, 3, 3, 3}, new MaxPool2d(2).forward(x).shape());
        assertArrayEquals(new int[] {2, 3, 3, 3}, new AvgPool2d(3, 2, 1).forward(x).shape());
        assertEquals(x.get(1, 2, 0, 0) + x.get(1, 2, 0, 1) + x.get(1, 2, 1, 0) + x.get(1, 2, 1, 1),
                4 * new AvgPool2d(2).forward(x).get(1, 2, 0, 0), 1e-12);
        assertEquals(Math.max(Math.max(x.get(0, 1, 2, 2), x.get(0, 1, 2, 3)), Math.max(x.get(0, 1, 3, 2), x.get(0, 1, 3, 3))),
                new MaxPool2d(2).forward(x).get(0, 1, 1, 1), 0.0);
        assertEquals("MaxPool2d(3, stride=2, padding=1)", new MaxPool2d(3, 2, 1).toString());
        for (Module m : new Module[] {new MaxPool2d(2), new MaxPool2d(3, 2, 1), new AvgPool2d(2), new AvgPool2d(3, 2, 1),
                new AdaptiveAvgPool2d(4, 2), new AdaptiveAvgPool2d(1, 1), new Flatten()}) {
            assertModuleGradients(m, x);
        }
        assertArrayEquals(new int[] {2, 108}, new Flatten().forward(x).shape());
        assertArrayEquals(new int[] {2, 3, 6, 6}, new Unflatten(3, 6, 6).forward(new Flatten().forward(x)).shape());
        assertArrayEquals(x.toArray(), new Unflatten(3, 6, 6).forward(new Flatten().forward(x)).toArray(), 0.0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Unflatten(3, 5, 5).forward(x.reshape(2, 108)));
        assertTrue(e.getMessage().contains("[2, 108]") && e.getMessage().contains("75"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new MaxPool2d(0));
        assertThrows(IllegalArgumentException.class, () -> new AdaptiveAvgPool2d(0, 1));
    }

    @Test
    void aSmallCnnLearnsTheEmbeddedDigits() {
        RandomGenerator r = rng(7);
        Dataset.Split split = EmbeddedDatasets.digits().split(0.5, 42);
        Module net = new Sequential(new Unflatten(1, 8, 8),
                new Conv2d(1, 8, 3, 1, 1, r), Activation.relu(), new MaxPool2d(2),
                new Flatten(), new Linear(8 * 4 * 4, 10, r));
        Optimizer opt = new Adam(net.parameters(), 1e-2);
        for (int epoch = 0; epoch < 4; epoch++) {
            for (Batch b : DataLoader.of(split.train(), 32, r)) {
                try (Tape tape = Tape.record()) {
                    tape.backward(Losses.crossEntropy(net.forward(b.x().div(16)), b.labels()));
                }
                opt.step();
                opt.zeroGrad();
            }
        }
        net.eval();
        double acc = Metrics.accuracy(net.forward(split.held().x().div(16)), split.held().labels());
        assertTrue(acc > 0.9, "test accuracy " + acc + " (chance: 0.1)");
    }
}
