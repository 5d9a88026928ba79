package dev.tapegrad.examples;

import dev.tapegrad.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.style.Styler;

/**
 * ART-1, adaptive resonance theory for binary inputs (Carpenter and Grossberg 1987), with fast
 * learning. Each category keeps a binary template {@code wⱼ}. An input {@code I} chooses categories
 * in order of {@code Tⱼ = |I ∧ wⱼ| / (β + |wⱼ|)}; the first whose match {@code |I ∧ wⱼ| / |I|}
 * passes the vigilance {@code ρ} resonates and learns {@code wⱼ ← I ∧ wⱼ}; if none does, a new
 * category with {@code w = I} is created. Vigilance sets the grain: a high ρ demands close matches
 * and makes many narrow categories, a low ρ few broad ones — the stability-plasticity trade-off in
 * one number. Tensor arithmetic, no tape.
 *
 * <p>Run: {@code java -cp examples/target/tapegrad-examples.jar dev.tapegrad.examples.Art1 [outDir]}
 * (writes {@code art1.png}: categories against vigilance, and templates at two vigilances).
 */
public final class Art1 {
    /** The choice parameter β. */
    public static final double BETA = 0.5;

    private final double vigilance;
    private Tensor templates;        // [categories, features]
    private int[] assignment;

    /**
     * An empty network.
     *
     * @param vigilance ρ in (0, 1]
     */
    public Art1(double vigilance) {
        if (!(vigilance > 0 && vigilance <= 1)) {
            throw new IllegalArgumentException("Art1: vigilance " + vigilance + " must be in (0, 1]");
        }
        this.vigilance = vigilance;
    }

    /**
     * Presents the rows of {@code data} in order, pass after pass, until no input changes its
     * category (or {@code maxPasses} passes).
     *
     * @param data {@code [n, features]} binary, every row with at least one 1
     * @return the number of passes run
     * @throws IllegalArgumentException if a value is not 0 or 1 or a row is all zeros
     */
    public int fit(Tensor data, int maxPasses) {
        if (data.rank() != 2) {
            throw new IllegalArgumentException("Art1.fit: data of shape " + Arrays.toString(data.shape()) + " must be [n, features]");
        }
        int n = data.shape(0), f = data.shape(1);
        double[] v = data.toArray();
        for (int i = 0; i < n; i++) {
            double ones = 0;
            for (int j = 0; j < f; j++) {
                if (v[i * f + j] != 0 && v[i * f + j] != 1) {
                    throw new IllegalArgumentException("Art1.fit: value " + v[i * f + j] + " at row " + i + " is not 0 or 1");
                }
                ones += v[i * f + j];
            }
            if (ones == 0) {
                throw new IllegalArgumentException("Art1.fit: row " + i + " of data of shape "
                        + Arrays.toString(data.shape()) + " has no 1");
            }
        }
        templates = Tensor.zeros(0, f);
        assignment = new int[n];
        Arrays.fill(assignment, -1);
        int pass = 0;
        boolean changed = true;
        while (changed && pass < maxPasses) {
            pass++;
            changed = false;
            for (int i = 0; i < n; i++) {
                int c = present(data.slice(0, i, i + 1).reshape(f));
                changed |= c != assignment[i];
                assignment[i] = c;
            }
        }
        return pass;
    }

    /** One input: search, resonance or a new category; returns the category. */
    private int present(Tensor input) {
        int k = templates.shape(0);
        if (k > 0) {
            double size = input.sum().item();
            double[] overlap = templates.matmul(input).toArray();          // |I ∧ wⱼ| for binary vectors
            double[] norm = templates.sum(1).toArray();
            Integer[] order = new Integer[k];
            for (int j = 0; j < k; j++) {
                order[j] = j;
            }
            Arrays.sort(order, (a, b) -> Double.compare(overlap[b] / (BETA + norm[b]), overlap[a] / (BETA + norm[a])));
            for (int j : order) {
                if (overlap[j] / size >= vigilance) {                        // resonance: learn I ∧ wⱼ
                    if (overlap[j] == norm[j]) {
                        return j;                                          // wⱼ ⊆ I: I ∧ wⱼ = wⱼ, nothing to learn
                    }
                    Tensor learned = templates.slice(0, j, j + 1).mul(input);
                    templates = Tensor.concat(0, templates.slice(0, 0, j), learned, templates.slice(0, j + 1, k));
                    return j;
                }
            }                                                              // every category reset
        }
        templates = Tensor.concat(0, templates, input.reshape(1, input.size()));
        return k;
    }

    /** The number of categories created. */
    public int categories() {
        return templates.shape(0);
    }

    /** The templates [categories, features]. */
    public Tensor templates() {
        return templates;
    }

    /** The category of each row of the last data fitted. */
    public int[] assignments() {
        return assignment.clone();
    }

    /** The vigilance ρ. */
    public double vigilance() {
        return vigilance;
    }

    /** The first {@code n} binarised UCI digits, [n, 64]. */
    public static Tensor digits(int n) {
        return Rbm.binaryDigits().slice(0, 0, n);
    }

    /**
     * Clusters 500 binarised digits at vigilances 0.1 ... 0.9, prints and plots the number of
     * categories, and draws the templates at ρ = 0.5 and 0.75.
     *
     * @param args {@code [outDir]} (default {@code target/examples})
     * @throws IOException if the picture cannot be written
     */
    public static void main(String[] args) throws IOException {
        Path dir = Plots.outputDir(args);
        Tensor data = digits(500);
        double[] rho = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9};
        double[] cats = new double[rho.length];
        System.out.println("ART-1 (fast learning, beta = 0.5) on 500 binarised UCI digits:");
        for (int i = 0; i < rho.length; i++) {
            Art1 art = new Art1(rho[i]);
            int passes = art.fit(data, 20);
            cats[i] = art.categories();
            System.out.printf(Locale.ROOT, "vigilance %.2f: %3d categories (stable after %d passes)%n", rho[i],
                    art.categories(), passes);
        }
        var chart = new Plots.Chart("ART-1 on 500 binary digits", "vigilance rho", "categories")
                .series("categories", rho, cats).legend(Styler.LegendPosition.InsideNW).render(600, 430);
        List<List<double[]>> rows = new ArrayList<>();
        List<String> captions = new ArrayList<>();
        for (double r : new double[] {0.5, 0.75}) {
            Art1 art = new Art1(r);
            art.fit(data, 20);
            List<double[]> t = new ArrayList<>();
            for (int j = 0; j < Math.min(20, art.categories()); j++) {
                t.add(art.templates().slice(0, j, j + 1).toArray());
            }
            List<List<double[]>> two = Plots.rowsOf(t, 10);
            for (int q = 0; q < two.size(); q++) {
                rows.add(two.get(q));
                captions.add(q == 0 ? String.format(Locale.ROOT, "templates at vigilance %.2f (first 20 of %d)", r,
                        art.categories()) : "");
            }
        }
        var grid = Plots.greyGrid(rows, captions, 8, 8, 5, 0, 1);
        System.out.println("wrote " + Plots.write(Plots.sideBySide(chart, grid), dir.resolve("art1.png")));
    }
}
