package dev.tapegrad.nn;

import dev.tapegrad.Tensor;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * A lookup table of {@code count} vectors of size {@code dim}, as PyTorch's {@code nn.Embedding}:
 * indices of any shape {@code [...]} give vectors {@code [..., dim]}. The weight [count, dim] is
 * drawn from N(0, 1), as PyTorch does.
 *
 * <pre>{@code
 * Embedding emb = new Embedding(1000, 16, rng);
 * Tensor v = emb.forward(Tensor.matrix(new double[][] {{3, 7, 7}, {0, 999, 1}}));   // [2, 3, 16]
 * }</pre>
 *
 * <p>The lookup is computed as a constant one-hot matrix times the weight, so that the gradient
 * (rows summed per index, as PyTorch's dense gradient) comes from matmul's own rule; the core has
 * no gather op yet. The cost is O(indices · count · dim), fine for small vocabularies; the
 * computation is private to this class so that it can switch to a gather later.
 */
public final class Embedding extends Module {
    private final int count;
    private final int dim;
    private final Tensor weight;

    /** A table with N(0, 1) entries. */
    public Embedding(int count, int dim, RandomGenerator rng) {
        this(check(count, dim) ? Tensor.randn(rng, count, dim) : null);
    }

    /** A table with the given initial values [count, dim] (copied). */
    public Embedding(Tensor weight) {
        if (weight == null || weight.rank() != 2 || weight.shape(0) == 0 || weight.shape(1) == 0) {
            throw new IllegalArgumentException("Embedding: weight of shape "
                    + (weight == null ? "null" : Arrays.toString(weight.shape())) + " must be [count, dim], both positive");
        }
        this.count = weight.shape(0);
        this.dim = weight.shape(1);
        this.weight = registerParameter("weight", Tensor.of(weight.toArray(), count, dim));
    }

    private static boolean check(int count, int dim) {
        if (count <= 0 || dim <= 0) {
            throw new IllegalArgumentException("Embedding: count " + count + " and dim " + dim + " must be positive");
        }
        return true;
    }

    /** The table [count, dim] (the live parameter). */
    public Tensor weight() {
        return weight;
    }

    /**
     * The vectors of the given indices: a tensor of whole numbers in [0, count), of any shape.
     *
     * @throws IllegalArgumentException if an index is not a whole number in range (naming it and its position)
     */
    @Override
    public Tensor forward(Tensor indices) {
        double[] v = indices.toArray();
        int[] idx = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            if (!(v[i] >= 0 && v[i] < count && v[i] == Math.rint(v[i]))) {
                throw new IllegalArgumentException(this + ": index " + v[i] + " at flat position " + i + " of indices of shape "
                        + Arrays.toString(indices.shape()) + " is not a whole number in [0, " + count + ")");
            }
            idx[i] = (int) v[i];
        }
        return lookup(weight, idx, indices.shape());
    }

    /**
     * The vectors of the given indices, [indices.length, dim].
     *
     * @throws IllegalArgumentException if an index is outside [0, count)
     */
    public Tensor lookup(int... indices) {
        for (int i = 0; i < indices.length; i++) {
            if (indices[i] < 0 || indices[i] >= count) {
                throw new IllegalArgumentException(this + ": index " + indices[i] + " at position " + i + " is outside [0, " + count + ")");
            }
        }
        return lookup(weight, indices, new int[] {indices.length});
    }

    /** Rows {@code idx} (checked) of {@code table} [count, dim], shaped {@code shape + [dim]}. */
    static Tensor lookup(Tensor table, int[] idx, int[] shape) {
        int[] out = Arrays.copyOf(shape, shape.length + 1);
        out[shape.length] = table.shape(1);
        if (idx.length == 0) {
            return Tensor.zeros(out);
        }
        return Losses.oneHot(idx, table.shape(0)).matmul(table).reshape(out);
    }

    @Override
    public String toString() {
        return "Embedding(" + count + ", " + dim + ")";
    }
}
