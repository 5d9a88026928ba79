package dev.tapegrad.nn;

import dev.tapegrad.Tensor;
import org.junit.jupiter.api.Test;

import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TrainingStepTest {

    static RandomGenerator rng(long seed) {
        return RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
    }

    static Module mlp(long seed) {
        RandomGenerator r = rng(seed);
        return new Sequential(new Linear(5, 7, r), Activation.tanh(), new Linear(7, 3, r));
    }

    static Batch batch(int n, long seed) {
        RandomGenerator r = rng(seed);
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(3);
        }
        return new Batch(Tensor.randn(r, n, 5), y);
    }

    /** Weighted shard gradients add up to the whole batch's gradient (mean reduction is linear in the samples). */
    @Test
    void shardGradientsSumToTheBatchGradient() {
        Module model = mlp(1);
        Optimizer opt = new SGD(model.parameters(), 0.1);
        Batch all = batch(10, 2);
        TrainingStep.Result whole = TrainingStep.gradients(model, opt, Losses::crossEntropy, all, 1.0);
        double[][] full = TrainingStep.gradientArrays(opt.parameters());
        double[][] sum = new double[full.length][];
        double lossSum = 0;
        long correct = 0;
        int[][] shards = {{0, 1, 2}, {3, 4, 5, 6, 7, 8, 9}};
        Dataset d = Dataset.of(all.x(), all.labels());
        for (int[] idx : shards) {
            Batch shard = d.batch(idx);
            TrainingStep.Result r = TrainingStep.gradients(model, opt, Losses::crossEntropy, shard, idx.length / 10.0);
            lossSum += r.loss() * r.size();
            correct += r.correct();
            double[][] g = TrainingStep.gradientArrays(opt.parameters());
            for (int i = 0; i < g.length; i++) {
                if (sum[i] == null) {
                    sum[i] = new double[g[i].length];
                }
                for (int k = 0; k < g[i].length; k++) {
                    sum[i][k] += g[i][k];
                }
            }
        }
        for (int i = 0; i < full.length; i++) {
            assertArrayEquals(full[i], sum[i], 1e-14, "parameter " + i);
        }
        assertEquals(whole.loss(), lossSum / 10, 1e-14);
        assertEquals(whole.correct(), correct);
    }

    /** step(grads) is step() with those gradients, clipping included. */
    @Test
    void stepWithGivenGradientsEqualsStepWithAccumulatedOnes() {
        Module a = mlp(3);
        Module b = mlp(3);
        Optimizer oa = new Adam(a.parameters(), 0.01).clipGradNorm(0.5);
        Optimizer ob = new Adam(b.parameters(), 0.01).clipGradNorm(0.5);
        Batch x = batch(8, 4);
        for (int s = 0; s < 3; s++) {
            TrainingStep.run(a, oa, Losses::crossEntropy, x);
            TrainingStep.gradients(b, ob, Losses::crossEntropy, x, 1.0);
            double[][] g = TrainingStep.gradientArrays(ob.parameters());
            ob.zeroGrad();
            ob.step(g);
        }
        for (int i = 0; i < a.parameters().size(); i++) {
            assertArrayEquals(a.parameters().get(i).toArray(), b.parameters().get(i).toArray(), 0.0);
        }
        assertThrows(IllegalArgumentException.class, () -> ob.step(new double[1][]));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ob.step(new double[][] {new double[2], null, null, null}));
        assertEquals(true, e.getMessage().contains("Adam.step: gradient 0 has 2 values"), e.getMessage());
    }
}
