package dev.tapegrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapegrad.Tensor;
import java.util.random.RandomGeneratorFactory;
import org.junit.jupiter.api.Test;

/**
 * The adding problem at a reduced size (T = 10, 16 units): the data are what the task says, the
 * trivial predictor's error is 1/6, and an LSTM trained by backpropagation through time gets far
 * below it. The full-size run (T = 50, test MSE &lt; 0.01) is {@link AddingProblem#main}.
 */
class AddingProblemTest {

    @Test
    void sequencesHaveOneMarkerInEachHalfAndTheTargetIsTheSumOfTheMarkedValues() {
        int n = 20_000, steps = 10;
        AddingProblem.Sequences s = AddingProblem.generate(RandomGeneratorFactory.of("L64X128MixRandom").create(3), n, steps);
        double[] x = s.x().toArray(), y = s.target().toArray();
        double sq = 0;
        for (int i = 0; i < n; i++) {
            int first = 0, second = 0;
            double sum = 0;
            for (int t = 0; t < steps; t++) {
                double v = x[(i * steps + t) * 2], m = x[(i * steps + t) * 2 + 1];
                assertTrue(v >= 0 && v < 1 && (m == 0 || m == 1));
                if (m == 1) {
                    sum += v;
                    if (t < steps / 2) {
                        first++;
                    } else {
                        second++;
                    }
                }
            }
            assertEquals(1, first);
            assertEquals(1, second);
            assertEquals(sum, y[i], 0.0);
            sq += (y[i] - 1) * (y[i] - 1);
        }
        // predicting the mean 1 costs Var(U1 + U2) = 1/6 (standard error of this estimate ≈ 0.0013)
        assertEquals(AddingProblem.TRIVIAL_MSE, sq / n, 0.006);
    }

    @Test
    void anLstmLearnsTheAddingProblemAtTEqualsTen() {
        AddingProblem.Config c = new AddingProblem.Config(10, 16, 32, 300, 1e-2, 0.02, 50, 500, 1);
        AddingProblem.Result r = AddingProblem.run(c, null);
        System.out.printf("AddingProblemTest: T = 10, test MSE %.5f after %d steps, %.1f s%n", r.testMse(), r.stepsTaken(), r.seconds());
        assertTrue(r.testMse() < 0.03, "test MSE " + r.testMse() + " should be far below the trivial " + AddingProblem.TRIVIAL_MSE);
        assertTrue(r.curve()[0] > 0.1, "and it starts near the trivial error: " + r.curve()[0]);
        Tensor none = AddingProblem.generate(RandomGeneratorFactory.of("L64X128MixRandom").create(1), 1, 2).x();
        assertEquals(2, none.shape(1));
    }
}
