package dev.tapegrad.nn;

import dev.tapegrad.IndexOps;
import dev.tapegrad.Tensor;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * A lookup table of {@code count} vectors of size {@code dim}, as PyTorch's {@code nn.Embedding}:
 * indices of any shape {@code [...]} give vectors {@code [..., dim]}. The weight [count, dim] is
 * drawn from N(0, 1), as PyTorch does. With a padding index (PyTorch's {@code padding_idx}) that
 * row starts at zero and gets no gradient: looking it up gives its current value as a constant.
 *
 * <pre>{@code
 * Embedding emb = new Embedding(1000, 16, rng);
 * Tensor v = emb.forward(Tensor.matrix(new double[][] {{3, 7, 7}, {0, 999, 1}}));   // [2, 3, 16]
 * Embedding padded = new Embedding(1000, 16, 0, rng);                               // row 0: padding
 * }</pre>
 *
 * <p>The lookup is a gather of rows ({@link IndexOps#take(Tensor, Tensor, int)}), so its gradient
 * (rows summed per index, as PyTorch's dense gradient) and its derivatives of any order come from
 * gather's rules; it costs O(indices · dim), whatever the vocabulary.
 */
public final class Embedding extends Module {
    private final int count;
    private final int dim;
    private final int paddingIndex;
    private final Tensor weight;

    /** A table with N(0, 1) entries. */
    public Embedding(int count, int dim, RandomGenerator rng) {
        this(check(count, dim) ? Tensor.randn(rng, count, dim) : null);
    }

    /**
     * A table with N(0, 1) entries but row {@code paddingIndex}, which is zero and is never trained.
     *
     * @throws IllegalArgumentException if {@code paddingIndex} is outside [0, count)
     */
    public Embedding(int count, int dim, int paddingIndex, RandomGenerator rng) {
        this(check(count, dim) ? zeroRow(Tensor.randn(rng, count, dim), paddingIndex) : null, paddingIndex);
    }

    /** A table with the given initial values [count, dim] (copied). */
    public Embedding(Tensor weight) {
        this(weight, -1);
    }

    /**
     * A table with the given initial values [count, dim] (copied) whose row {@code paddingIndex}
     * gets no gradient (−1: none).
     *
     * @throws IllegalArgumentException if the weight is not [count, dim] or the index is outside [−1, count)
     */
    public Embedding(Tensor weight, int paddingIndex) {
        if (weight == null || weight.rank() != 2 || weight.shape(0) == 0 || weight.shape(1) == 0) {
            throw new IllegalArgumentException("Embedding: weight of shape "
                    + (weight == null ? "null" : Arrays.toString(weight.shape())) + " must be [count, dim], both positive");
        }
        this.count = weight.shape(0);
        this.dim = weight.shape(1);
        if (paddingIndex < -1 || paddingIndex >= count) {
            throw new IllegalArgumentException("Embedding: padding index " + paddingIndex + " is outside [0, " + count
                    + ") (−1 for none)");
        }
        this.paddingIndex = paddingIndex;
        this.weight = registerParameter("weight", Tensor.of(weight.toArray(), count, dim));
    }

    private static Tensor zeroRow(Tensor w, int row) {
        if (row < 0 || row >= w.shape(0)) {
            throw new IllegalArgumentException("Embedding: padding index " + row + " is outside [0, " + w.shape(0) + ")");
        }
        double[] v = w.toArray();
        java.util.Arrays.fill(v, row * w.shape(1), (row + 1) * w.shape(1), 0.0);
        return Tensor.of(v, w.shape());
    }

    /** The row that gets no gradient, or −1. */
    public int paddingIndex() {
        return paddingIndex;
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
        return lookupPadded(idx, indices.shape());
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
        return lookupPadded(indices, new int[] {indices.length});
    }

    /** The lookup, with the padding row's entries as constants (no gradient reaches that row). */
    private Tensor lookupPadded(int[] idx, int[] shape) {
        Tensor out = lookup(weight, idx, shape);
        if (paddingIndex < 0 || Arrays.stream(idx).noneMatch(i -> i == paddingIndex)) {
            return out;
        }
        double[] keep = new double[idx.length * dim];
        for (int i = 0; i < idx.length; i++) {
            if (idx[i] != paddingIndex) {
                Arrays.fill(keep, i * dim, (i + 1) * dim, 1.0);
            }
        }
        Tensor mask = Tensor.of(keep, out.shape());
        // trained rows through the gather, the padding row's current value as a constant
        return out.mul(mask).add(lookup(weight.detach(), idx, shape).mul(mask.neg().add(1.0)));
    }

    /** Rows {@code idx} (checked) of {@code table} [count, dim], shaped {@code shape + [dim]}. */
    static Tensor lookup(Tensor table, int[] idx, int[] shape) {
        int[] out = Arrays.copyOf(shape, shape.length + 1);
        out[shape.length] = table.shape(1);
        if (idx.length == 0) {
            return Tensor.zeros(out);
        }
        double[] positions = new double[idx.length];
        for (int i = 0; i < idx.length; i++) {
            positions[i] = idx[i];
        }
        return IndexOps.take(table, Tensor.of(positions, idx.length), 0).reshape(out);
    }

    @Override
    public String toString() {
        return "Embedding(" + count + ", " + dim + (paddingIndex >= 0 ? ", padding " + paddingIndex : "") + ")";
    }
}
