package dev.tapegrad.testing;

import dev.tapegrad.Tape;
import dev.tapegrad.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Generators of test shapes and parameters, and smoothness margins, for op test metadata
 * ({@link OpTest}): the building blocks each op family uses to describe its valid inputs.
 */
public final class Gen {
    private Gen() {}

    /** A dimension in [1, 4]. */
    public static int dim(RandomGenerator rng) {
        return 1 + rng.nextInt(4);
    }

    /** Rank 0 to 3, dims 1 to 4: never empty. */
    public static int[] nonEmptyShape(RandomGenerator rng) {
        return shape(rng, rng.nextInt(4), 4);
    }

    /** A shape of the given rank with dims in [1, 4]. */
    public static int[] nonEmptyShape(RandomGenerator rng, int rank) {
        return shape(rng, rank, 4);
    }

    /** The number of elements of a shape. */
    public static int size(int[] shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    /** Product of the dims before {@code axis}. */
    public static int outer(int[] shape, int axis) {
        int n = 1;
        for (int i = 0; i < axis; i++) {
            n *= shape[i];
        }
        return n;
    }

    /** Product of the dims after {@code axis}. */
    public static int inner(int[] shape, int axis) {
        int n = 1;
        for (int i = axis + 1; i < shape.length; i++) {
            n *= shape[i];
        }
        return n;
    }

    // ------------------------------------------------------------------ smoothness margins

    /** Smallest |a − b| over the broadcast pairs: distance from a tie of maximum/minimum. */
    public static double minAbsDifference(Tensor[] in) {
        double[] d;
        try (Tape.Pause p = Tape.pause()) {
            d = in[0].sub(in[1]).abs().toArray();
        }
        double m = Double.POSITIVE_INFINITY;
        for (double v : d) {
            m = Math.min(m, v);
        }
        return m;
    }

    /**
     * Smallest gap between the largest (or smallest) and the runner-up of each slice of a
     * {@code [outer, n, inner]} array: distance from a tie of the max (min) reduction.
     */
    public static double topGap(double[] x, int outer, int n, int inner, boolean min) {
        double gap = Double.POSITIVE_INFINITY;
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                double best = Double.NEGATIVE_INFINITY, second = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < n; k++) {
                    double v = x[(o * n + k) * inner + i];
                    v = min ? -v : v;
                    if (v > best) {
                        second = best;
                        best = v;
                    } else if (v > second) {
                        second = v;
                    }
                }
                if (n > 1) {
                    gap = Math.min(gap, best - second);
                }
            }
        }
        return gap;
    }

    // ------------------------------------------------------------------ shape generators

    /** A shape of the given rank with dims in [1, maxDim]. */
    public static int[] shape(RandomGenerator rng, int rank, int maxDim) {
        int[] s = new int[rank];
        for (int i = 0; i < rank; i++) {
            s[i] = 1 + rng.nextInt(maxDim);
        }
        return s;
    }

    /** Rank 0 to 3, dims 1 to 4; one time in 25 an empty dimension. */
    public static int[] anyShape(RandomGenerator rng) {
        int[] s = shape(rng, rng.nextInt(4), 4);
        if (s.length > 0 && rng.nextInt(25) == 0) {
            s[rng.nextInt(s.length)] = 0;
        }
        return s;
    }

    /** {@code shape} with some leading axes dropped and some others set to 1: broadcastable to it. */
    public static int[] broadcastVariant(RandomGenerator rng, int[] shape) {
        int drop = rng.nextInt(shape.length + 1);
        int[] s = Arrays.copyOfRange(shape, drop, shape.length);
        for (int i = 0; i < s.length; i++) {
            if (rng.nextInt(3) == 0) {
                s[i] = 1;
            }
        }
        return s;
    }

    /** Half the time one of {@link OpCatalog#BROADCAST_PAIRS} (either order), else two variants of a random shape. */
    public static int[][] broadcastPair(RandomGenerator rng) {
        if (rng.nextBoolean()) {
            int[][] p = OpCatalog.BROADCAST_PAIRS.get(rng.nextInt(OpCatalog.BROADCAST_PAIRS.size()));
            return rng.nextBoolean() ? new int[][] {p[0].clone(), p[1].clone()} : new int[][] {p[1].clone(), p[0].clone()};
        }
        int[] base = shape(rng, rng.nextInt(4), 4);
        return new int[][] {broadcastVariant(rng, base), broadcastVariant(rng, base)};
    }

    /** A shape {@code from} broadcasts to: new leading axes, size-1 axes grown. */
    public static int[] expand(RandomGenerator rng, int[] from) {
        int lead = rng.nextInt(3);
        int[] t = new int[lead + from.length];
        for (int i = 0; i < lead; i++) {
            t[i] = dim(rng);
        }
        for (int i = 0; i < from.length; i++) {
            t[lead + i] = from[i] == 1 ? 1 + rng.nextInt(3) : from[i];
        }
        return t;
    }

    public static int[] append(int[] batch, int a, int b) {
        int[] s = Arrays.copyOf(batch, batch.length + 2);
        s[batch.length] = a;
        s[batch.length + 1] = b;
        return s;
    }

    public static int[] permutation(RandomGenerator rng, int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** An axis of a rank-{@code rank} tensor, negative half the time. */
    public static int randomAxis(RandomGenerator rng, int rank) {
        if (rank == 0) {
            throw new IllegalArgumentException("a scalar has no axis");
        }
        int a = rng.nextInt(rank);
        return rng.nextBoolean() ? a - rank : a;
    }

    /** A random shape of rank 0 to 3 holding exactly {@code n} elements. */
    public static int[] factorise(RandomGenerator rng, int n) {
        if (n == 0) {
            return new int[] {0, 1 + rng.nextInt(2)};
        }
        List<Integer> dims = new ArrayList<>();
        int rest = n;
        int rank = rng.nextInt(4);
        for (int i = 0; i < rank - 1 && rest > 1; i++) {
            List<Integer> divisors = new ArrayList<>();
            for (int d = 1; d <= rest; d++) {
                if (rest % d == 0) {
                    divisors.add(d);
                }
            }
            int d = divisors.get(rng.nextInt(divisors.size()));
            dims.add(d);
            rest /= d;
        }
        if (rest > 1 || rank > dims.size()) {
            dims.add(rest);
        }
        int[] s = new int[dims.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = dims.get(i);
        }
        return s;
    }
}
