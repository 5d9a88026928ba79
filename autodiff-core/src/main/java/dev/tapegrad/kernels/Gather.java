package dev.tapegrad.kernels;

/**
 * Data movement by an index map on flat row-major arrays: gathering ({@code out[k] = x[map[k]]})
 * and its transpose, scatter-adding ({@code out[map[k]] += x[k]}). Every op that only moves,
 * repeats, selects or drops elements (flip, roll, tile, pad, diagonal, take, gather, sort's
 * permutation...) is one of these two with its own map; a negative map entry stands for a zero
 * (gather) or a dropped element (scatter).
 */
public final class Gather {
    private Gather() {}

    /** {@code out[k] = map[k] >= 0 ? x[map[k]] : 0}. */
    public static double[] gather(double[] x, int[] map) {
        double[] out = new double[map.length];
        for (int k = 0; k < map.length; k++) {
            int m = map[k];
            out[k] = m >= 0 ? x[m] : 0.0;
        }
        return out;
    }

    /** {@code out[map[k]] += x[k]} over {@code k} in order (entries with {@code map[k] < 0} are dropped). */
    public static double[] scatterAdd(double[] x, int[] map, int outSize) {
        double[] out = new double[outSize];
        for (int k = 0; k < map.length; k++) {
            int m = map[k];
            if (m >= 0) {
                out[m] += x[k];
            }
        }
        return out;
    }
}
