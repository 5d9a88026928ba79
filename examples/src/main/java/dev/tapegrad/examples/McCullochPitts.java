package dev.tapegrad.examples;

import dev.tapegrad.Tensor;
import java.util.Arrays;
import java.util.Locale;

/**
 * The McCulloch-Pitts neuron (1943): binary inputs, fixed weights and a threshold θ; it fires
 * ({@code 1}) when {@code Σ wᵢxᵢ ≥ θ}. AND, OR and NOT are single neurons with hand-set weights:
 * AND {@code w = (1, 1), θ = 2}; OR {@code w = (1, 1), θ = 1}; NOT {@code w = (−1), θ = 0}. There
 * is no learning: the weights are chosen, which is what Rosenblatt's perceptron ({@link Perceptron})
 * replaced. Plain Tensor arithmetic, no tape.
 *
 * <p>Run: {@code java -cp examples/target/tapegrad-examples.jar dev.tapegrad.examples.McCullochPitts}
 */
public final class McCullochPitts {
    private final Tensor weights;
    private final double threshold;

    /**
     * A neuron with the given weights and threshold.
     *
     * @param weights   one weight per input
     * @param threshold the neuron fires when the weighted sum reaches it
     */
    public McCullochPitts(double[] weights, double threshold) {
        if (weights.length == 0 || !Double.isFinite(threshold)) {
            throw new IllegalArgumentException("McCullochPitts: need at least one weight and a finite threshold, got "
                    + weights.length + " weights and threshold " + threshold);
        }
        this.weights = Tensor.vector(weights.clone());
        this.threshold = threshold;
    }

    /** AND of two inputs. */
    public static McCullochPitts and() {
        return new McCullochPitts(new double[] {1, 1}, 2);
    }

    /** OR of two inputs. */
    public static McCullochPitts or() {
        return new McCullochPitts(new double[] {1, 1}, 1);
    }

    /** NOT of one input (an inhibitory weight). */
    public static McCullochPitts not() {
        return new McCullochPitts(new double[] {-1}, 0);
    }

    /**
     * The outputs for a batch of inputs.
     *
     * @param x {@code [n, inputs]}, values 0 or 1
     * @return {@code [n]}, each 0 or 1
     * @throws IllegalArgumentException if x does not have one column per weight
     */
    public Tensor fire(Tensor x) {
        if (x.rank() != 2 || x.shape(1) != weights.size()) {
            throw new IllegalArgumentException("McCullochPitts.fire: input of shape " + Arrays.toString(x.shape())
                    + " must be [n, " + weights.size() + "]");
        }
        return step(x.matmul(weights).sub(threshold));
    }

    /** Heaviside step on Tensor values: 1 where {@code v ≥ 0}, else 0 (there is no comparison op). */
    public static Tensor step(Tensor v) {
        double[] a = v.toArray();
        for (int i = 0; i < a.length; i++) {
            a[i] = a[i] >= 0 ? 1 : 0;
        }
        return Tensor.of(a, v.shape());
    }

    /** Every combination of {@code n} binary inputs, in counting order: {@code [2ⁿ, n]}. */
    public static Tensor truthInputs(int n) {
        double[] v = new double[(1 << n) * n];
        for (int r = 0; r < 1 << n; r++) {
            for (int j = 0; j < n; j++) {
                v[r * n + j] = (r >> (n - 1 - j)) & 1;
            }
        }
        return Tensor.of(v, 1 << n, n);
    }

    /**
     * Prints the three truth tables.
     *
     * @param args unused
     */
    public static void main(String[] args) {
        System.out.println("McCulloch-Pitts neurons: y = 1 when sum(w x) >= theta");
        print("AND  w = (1, 1), theta = 2", and(), truthInputs(2));
        print("OR   w = (1, 1), theta = 1", or(), truthInputs(2));
        print("NOT  w = (-1),   theta = 0", not(), truthInputs(1));
    }

    private static void print(String title, McCullochPitts n, Tensor x) {
        System.out.println(title);
        Tensor y = n.fire(x);
        for (int r = 0; r < x.shape(0); r++) {
            StringBuilder sb = new StringBuilder("  ");
            for (int j = 0; j < x.shape(1); j++) {
                sb.append((int) x.get(r, j)).append(' ');
            }
            System.out.println(sb.append("-> ").append((int) y.get(r)).toString());
        }
        System.out.printf(Locale.ROOT, "%n");
    }
}
