package dev.tapegrad.examples;

import dev.tapegrad.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * A Hopfield network (Hopfield 1982): {@code N} bipolar units {@code sᵢ ∈ {−1, +1}}, symmetric
 * Hebbian weights {@code W = (1/N) Σ_p ξᵖ ξᵖᵀ} with a zero diagonal, and asynchronous updates
 * {@code sᵢ ← sign(Σⱼ Wᵢⱼ sⱼ)}, one unit at a time in random order. Each update can only lower the
 * energy {@code E = −½ sᵀWs} (or leave it), so the state slides into a minimum: with few stored
 * patterns (well under the capacity of about 0.14 N) those minima are the patterns themselves, and
 * a corrupted glyph is recalled. Tensor arithmetic for the weights and energy, no tape; the
 * one-unit update works on a {@code double[]} because it changes one element in place.
 *
 * <p>Run: {@code java -cp examples/target/tapegrad-examples.jar dev.tapegrad.examples.Hopfield [outDir]}
 * (writes {@code hopfield.png}: stored glyphs, the same with 20 % of the bits flipped, recalled;
 * and {@code hopfield-energy.png}: the energy during recall).
 */
public final class Hopfield {
    /** Four 10 × 10 glyphs ('#' = +1). */
    static final String[][] GLYPHS = {
        {"##########", "#........#", "#.######.#", "#.#....#.#", "#.#.##.#.#",
            "#.#.##.#.#", "#.#....#.#", "#.######.#", "#........#", "##########"},
        {"#........#", ".#......#.", "..#....#..", "...#..#...", "....##....",
            "....##....", "...#..#...", "..#....#..", ".#......#.", "#........#"},
        {"....##....", "....##....", "....##....", "....##....", "##########",
            "##########", "....##....", "....##....", "....##....", "....##...."},
        {"#####.....", "#####.....", "#####.....", "#####.....", "#####.....",
            ".....#####", ".....#####", ".....#####", ".....#####", ".....#####"},
    };
    /** Side of the glyphs. */
    public static final int SIDE = 10;

    private final int n;
    private final Tensor weights;

    /**
     * Stores the patterns by the Hebbian rule.
     *
     * @param patterns {@code [p, N]}, every value −1 or +1
     * @throws IllegalArgumentException if a value is not ±1
     */
    public Hopfield(Tensor patterns) {
        if (patterns.rank() != 2) {
            throw new IllegalArgumentException("Hopfield: patterns of shape " + Arrays.toString(patterns.shape())
                    + " must be [p, N]");
        }
        for (double v : patterns.toArray()) {
            if (v != 1 && v != -1) {
                throw new IllegalArgumentException("Hopfield: pattern value " + v + " is not -1 or +1");
            }
        }
        n = patterns.shape(1);
        Tensor hebb = patterns.transpose().matmul(patterns).div(n);
        weights = hebb.sub(hebb.mul(Tensor.eye(n)));              // no self-connections
    }

    /** The glyphs as a {@code [4, 100]} tensor of ±1. */
    public static Tensor glyphs() {
        double[] v = new double[GLYPHS.length * SIDE * SIDE];
        for (int g = 0; g < GLYPHS.length; g++) {
            for (int r = 0; r < SIDE; r++) {
                for (int c = 0; c < SIDE; c++) {
                    v[g * SIDE * SIDE + r * SIDE + c] = GLYPHS[g][r].charAt(c) == '#' ? 1 : -1;
                }
            }
        }
        return Tensor.of(v, GLYPHS.length, SIDE * SIDE);
    }

    /** The weights [N, N] (symmetric, zero diagonal). */
    public Tensor weights() {
        return weights;
    }

    /** {@code E = −½ sᵀWs}. */
    public double energy(Tensor s) {
        return s.matmul(weights).matmul(s).mul(-0.5).item();
    }

    /**
     * A recall: the final state and the energy after every single-unit update.
     *
     * @param state  the final state [N]
     * @param energy {@code energy[0]} at the start, then after each update
     * @param sweeps the number of sweeps over all units until one changed nothing
     */
    public record Recall(Tensor state, double[] energy, int sweeps) {}

    /**
     * Runs asynchronous updates from {@code start} (random unit order each sweep) until a sweep
     * changes no unit or {@code maxSweeps} is reached. A unit whose field is exactly 0 keeps its state.
     */
    public Recall recall(Tensor start, RandomGenerator rng, int maxSweeps) {
        if (start.rank() != 1 || start.size() != n) {
            throw new IllegalArgumentException("Hopfield.recall: state of shape " + Arrays.toString(start.shape())
                    + " must be [" + n + "]");
        }
        double[] s = start.toArray(), w = weights.toArray();
        double e = energy(start);
        List<Double> energies = new ArrayList<>(List.of(e));
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        int sweep = 0;
        boolean changed = true;
        while (changed && sweep < maxSweeps) {
            sweep++;
            changed = false;
            Permutations.shuffle(order, rng);
            for (int i : order) {
                double h = 0;
                for (int j = 0; j < n; j++) {
                    h += w[i * n + j] * s[j];
                }
                double next = h > 0 ? 1 : h < 0 ? -1 : s[i];
                if (next != s[i]) {
                    e -= (next - s[i]) * h;           // ΔE = −Δsᵢ·hᵢ (W symmetric, zero diagonal)
                    s[i] = next;
                    changed = true;
                }
                energies.add(e);
            }
        }
        double[] en = energies.stream().mapToDouble(Double::doubleValue).toArray();
        return new Recall(Tensor.of(s, n), en, sweep);
    }

    /** {@code pattern} with {@code round(fraction·N)} distinct bits flipped, chosen at random. */
    public static Tensor corrupt(Tensor pattern, double fraction, RandomGenerator rng) {
        double[] s = pattern.toArray();
        int[] idx = Permutations.random(s.length, rng);
        for (int k = 0; k < Math.round(fraction * s.length); k++) {
            s[idx[k]] = -s[idx[k]];
        }
        return Tensor.of(s, pattern.shape());
    }

    /** Number of positions where {@code a} and {@code b} differ. */
    public static int hamming(Tensor a, Tensor b) {
        return (int) Math.round(a.sub(b).abs().sum().item() / 2);
    }

    /**
     * Stores the four glyphs, recalls each from 20 % flipped bits and writes the pictures.
     *
     * @param args {@code [outDir]} (default {@code target/examples})
     * @throws IOException if a picture cannot be written
     */
    public static void main(String[] args) throws IOException {
        Path dir = Plots.outputDir(args);
        RandomGenerator rng = RandomGeneratorFactory.of("L64X128MixRandom").create(3);
        Tensor p = glyphs();
        Hopfield net = new Hopfield(p);
        System.out.printf(Locale.ROOT, "Hopfield network, %d units, %d glyphs stored (load %.2f; capacity about 0.14)%n",
                net.n, p.shape(0), p.shape(0) / (double) net.n);
        List<double[]> stored = new ArrayList<>(), noisy = new ArrayList<>(), recalled = new ArrayList<>();
        Plots.Chart chart = new Plots.Chart("Hopfield recall from 20 % flipped bits: energy", "single-unit update",
                "energy -1/2 s'Ws").markers(false);
        for (int g = 0; g < p.shape(0); g++) {
            Tensor xi = p.slice(0, g, g + 1).reshape(net.n);
            Tensor start = corrupt(xi, 0.2, rng);
            Recall r = net.recall(start, rng, 50);
            System.out.printf(Locale.ROOT, "glyph %d: %d bits wrong at the start, %d after %d sweeps; energy %.3f -> %.3f "
                    + "(stored pattern %.3f)%n", g, hamming(start, xi), hamming(r.state(), xi), r.sweeps(), r.energy()[0],
                    r.energy()[r.energy().length - 1], net.energy(xi));
            stored.add(xi.toArray());
            noisy.add(start.toArray());
            recalled.add(r.state().toArray());
            double[] t = new double[r.energy().length];
            for (int i = 0; i < t.length; i++) {
                t[i] = i;
            }
            chart.series("glyph " + g, t, r.energy());
        }
        Path pic = Plots.write(Plots.greyGrid(List.of(stored, noisy, recalled),
                List.of("stored", "20 % of the bits flipped", "recalled"), SIDE, SIDE, 12, -1, 1), dir.resolve("hopfield.png"));
        System.out.println("wrote " + pic + " and " + chart.write(dir.resolve("hopfield-energy.png")));
    }
}
