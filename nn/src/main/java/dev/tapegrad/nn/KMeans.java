package dev.tapegrad.nn;

import dev.tapegrad.Tape;
import dev.tapegrad.Tensor;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Lloyd's k-means with k-means++ seeding (Arthur and Vassilvitskii 2007), on Tensor ops and
 * without a tape: a small, seeded clustering used to place the centres of an {@link RBF} layer.
 *
 * <pre>{@code
 * KMeans.Result r = KMeans.fit(x, 3, rng);      // x: [n, d]
 * Tensor centres = r.centres();                 // [3, d]
 * int[] cluster = r.assignments();              // one of 0..2 per row of x
 * }</pre>
 */
public final class KMeans {
    /** Default bound on the number of Lloyd iterations. */
    public static final int DEFAULT_MAX_ITERATIONS = 100;

    private KMeans() {}

    /**
     * The outcome of a run.
     *
     * @param centres     the {@code [k, d]} centres
     * @param assignments the index of the nearest centre of each row of the data
     * @param inertia     the sum of squared distances of the rows to their centres
     * @param iterations  the number of Lloyd iterations run (stops when no assignment changes)
     */
    public record Result(Tensor centres, int[] assignments, double inertia, int iterations) {}

    /** {@link #fit(Tensor, int, RandomGenerator, int)} with {@link #DEFAULT_MAX_ITERATIONS}. */
    public static Result fit(Tensor data, int k, RandomGenerator rng) {
        return fit(data, k, rng, DEFAULT_MAX_ITERATIONS);
    }

    /**
     * Clusters the rows of {@code data} into {@code k} groups. The same generator state gives the
     * same result. A cluster that loses all its points is moved to the point farthest from its
     * centre, so every centre ends up owning at least one row.
     *
     * @param data          {@code [n, d]}, finite values, {@code n >= k}
     * @param k             the number of clusters, at least 1
     * @param rng           the source of the k-means++ draws
     * @param maxIterations at least 1
     * @throws IllegalArgumentException if the data is not a matrix with at least k rows, holds a
     *                                  non-finite value, or k or maxIterations is not positive
     */
    public static Result fit(Tensor data, int k, RandomGenerator rng, int maxIterations) {
        check(data, k, "KMeans.fit");
        if (maxIterations < 1) {
            throw new IllegalArgumentException("KMeans.fit: maxIterations " + maxIterations + " must be at least 1");
        }
        try (Tape.Pause paused = Tape.pause()) {   // a clustering, never part of a gradient
            int n = data.shape(0), d = data.shape(1);
            double[] x = data.toArray();
            double[] c = plusPlus(x, n, d, k, rng);
            int[] assign = new int[n];
            Arrays.fill(assign, -1);
            int it = 0;
            boolean changed = true;
            while (changed && it < maxIterations) {
                it++;
                double[] dist = squaredDistances(data, Tensor.of(c, k, d)).toArray();
                changed = false;
                for (int i = 0; i < n; i++) {
                    int best = argmin(dist, i * k, k);
                    if (best != assign[i]) {
                        assign[i] = best;
                        changed = true;
                    }
                }
                c = means(x, n, d, k, assign, dist);
            }
            double[] dist = squaredDistances(data, Tensor.of(c, k, d)).toArray();
            double inertia = 0;
            for (int i = 0; i < n; i++) {
                assign[i] = argmin(dist, i * k, k);
                inertia += dist[i * k + assign[i]];
            }
            return new Result(Tensor.of(c, k, d), assign, inertia, it);
        }
    }

    /**
     * {@code k} distinct rows of {@code data} drawn uniformly without replacement: the other way
     * of placing RBF centres.
     *
     * @throws IllegalArgumentException as {@link #fit} for bad data or k
     */
    public static Tensor sample(Tensor data, int k, RandomGenerator rng) {
        check(data, k, "KMeans.sample");
        int n = data.shape(0), d = data.shape(1);
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        double[] x = data.toArray(), out = new double[k * d];
        for (int i = 0; i < k; i++) {      // partial Fisher-Yates
            int j = i + rng.nextInt(n - i);
            int t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
            System.arraycopy(x, idx[i] * d, out, i * d, d);
        }
        return Tensor.of(out, k, d);
    }

    /**
     * Squared Euclidean distances between the rows of {@code a} [n, d] and of {@code b} [m, d]:
     * an [n, m] tensor, computed by broadcasting (exact, no cancellation). Differentiable.
     */
    public static Tensor squaredDistances(Tensor a, Tensor b) {
        if (a.rank() != 2 || b.rank() != 2 || a.shape(1) != b.shape(1)) {
            throw new IllegalArgumentException("KMeans.squaredDistances: shapes " + Arrays.toString(a.shape())
                    + " and " + Arrays.toString(b.shape()) + " must be [n, d] and [m, d]");
        }
        return a.unsqueeze(1).sub(b).square().sum(-1);
    }

    private static void check(Tensor data, int k, String op) {
        if (data.rank() != 2) {
            throw new IllegalArgumentException(op + ": data of shape " + Arrays.toString(data.shape()) + " must be [n, d]");
        }
        if (k < 1 || k > data.shape(0)) {
            throw new IllegalArgumentException(op + ": k = " + k + " must be in [1, " + data.shape(0)
                    + "] for data of shape " + Arrays.toString(data.shape()));
        }
        for (double v : data.toArray()) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException(op + ": data of shape " + Arrays.toString(data.shape())
                        + " holds a non-finite value " + v);
            }
        }
    }

    /** k-means++: the first centre uniformly, each next one with probability ∝ squared distance. */
    private static double[] plusPlus(double[] x, int n, int d, int k, RandomGenerator rng) {
        double[] c = new double[k * d];
        System.arraycopy(x, rng.nextInt(n) * d, c, 0, d);
        double[] near = new double[n];
        Arrays.fill(near, Double.POSITIVE_INFINITY);
        for (int j = 1; j < k; j++) {
            double total = 0;
            for (int i = 0; i < n; i++) {
                near[i] = Math.min(near[i], sq(x, i * d, c, (j - 1) * d, d));
                total += near[i];
            }
            int pick = n - 1;
            if (total > 0) {
                double u = rng.nextDouble() * total;
                for (int i = 0; i < n; i++) {
                    u -= near[i];
                    if (u < 0) {
                        pick = i;
                        break;
                    }
                }
            } else {
                pick = rng.nextInt(n);      // every point coincides with a centre
            }
            System.arraycopy(x, pick * d, c, j * d, d);
        }
        return c;
    }

    private static double[] means(double[] x, int n, int d, int k, int[] assign, double[] dist) {
        double[] c = new double[k * d];
        int[] count = new int[k];
        for (int i = 0; i < n; i++) {
            count[assign[i]]++;
            for (int f = 0; f < d; f++) {
                c[assign[i] * d + f] += x[i * d + f];
            }
        }
        boolean[] taken = new boolean[n];
        for (int j = 0; j < k; j++) {
            if (count[j] == 0) {        // empty cluster: move it to the worst-served point
                int far = -1;
                for (int i = 0; i < n; i++) {
                    if (!taken[i] && (far < 0 || dist[i * k + assign[i]] > dist[far * k + assign[far]])) {
                        far = i;
                    }
                }
                taken[far] = true;
                System.arraycopy(x, far * d, c, j * d, d);
            } else {
                for (int f = 0; f < d; f++) {
                    c[j * d + f] /= count[j];
                }
            }
        }
        return c;
    }

    private static int argmin(double[] v, int from, int len) {
        int best = 0;
        for (int j = 1; j < len; j++) {
            if (v[from + j] < v[from + best]) {
                best = j;
            }
        }
        return best;
    }

    private static double sq(double[] a, int ia, double[] b, int ib, int d) {
        double s = 0;
        for (int f = 0; f < d; f++) {
            double t = a[ia + f] - b[ib + f];
            s += t * t;
        }
        return s;
    }
}
