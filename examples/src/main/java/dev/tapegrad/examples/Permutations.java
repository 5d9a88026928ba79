package dev.tapegrad.examples;

import java.util.random.RandomGenerator;

/** Seeded random orders for the examples' online learning rules (Fisher-Yates). */
final class Permutations {
    private Permutations() {}

    /** A uniformly random permutation of 0 .. n−1. */
    static int[] random(int n, RandomGenerator rng) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        shuffle(a, rng);
        return a;
    }

    /** Shuffles {@code a} in place. */
    static void shuffle(int[] a, RandomGenerator rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1), t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
