package dev.tapegrad.examples;

import dev.tapegrad.Tensor;
import dev.tapegrad.nn.Dataset;
import dev.tapegrad.nn.KMeans;
import dev.tapegrad.nn.data.EmbeddedDatasets;
import dev.tapegrad.nn.data.Standardizer;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * Kohonen's self-organising map (1982): a grid of units, each with a weight vector in input space.
 * For each sample the best-matching unit (BMU, the nearest weight vector) is found and it and its
 * grid neighbours move towards the sample, {@code wᵤ ← wᵤ + η(t)·exp(−d(u, bmu)²/(2σ(t)²))·(x − wᵤ)},
 * with the rate η and the neighbourhood radius σ shrinking over time. Nearby units end up with
 * similar weights: a topology-preserving map of the data. The U-matrix (Ultsch 1990) draws each
 * unit's mean distance to its grid neighbours: dark valleys are clusters, bright ridges the
 * borders between them. Tensor arithmetic, no tape.
 *
 * <p>Run: {@code java -cp examples/target/tapegrad-examples.jar dev.tapegrad.examples.Som [outDir]}
 * (writes {@code som-iris.png}: the U-matrix with each flower's BMU, and the quantisation error).
 */
public final class Som {
    private final int rows;
    private final int cols;
    private Tensor weights;
    private final Tensor grid;       // [units, 2] grid coordinates

    /**
     * A map of {@code rows × cols} units with weights from N(0, 0.1²).
     *
     * @param dim input dimension
     */
    public Som(int rows, int cols, int dim, RandomGenerator rng) {
        if (rows < 1 || cols < 1 || dim < 1) {
            throw new IllegalArgumentException("Som: grid " + rows + " x " + cols + " and dimension " + dim
                    + " must be positive");
        }
        this.rows = rows;
        this.cols = cols;
        weights = Tensor.randn(rng, rows * cols, dim).mul(0.1);
        double[] g = new double[rows * cols * 2];
        for (int u = 0; u < rows * cols; u++) {
            g[2 * u] = u / cols;
            g[2 * u + 1] = u % cols;
        }
        grid = Tensor.of(g, rows * cols, 2);
    }

    /** The weights [rows·cols, dim], unit {@code r·cols + c} at grid row r, column c. */
    public Tensor weights() {
        return weights;
    }

    /** The index of the best-matching unit of each row of {@code x}. */
    public int[] bmu(Tensor x) {
        double[] d = KMeans.squaredDistances(x, weights).toArray();
        int units = rows * cols;
        int[] out = new int[x.shape(0)];
        for (int i = 0; i < out.length; i++) {
            for (int u = 1; u < units; u++) {
                if (d[i * units + u] < d[i * units + out[i]]) {
                    out[i] = u;
                }
            }
        }
        return out;
    }

    /** The quantisation error: the mean Euclidean distance of the rows of {@code x} to their BMU. */
    public double quantisationError(Tensor x) {
        int[] b = bmu(x);
        double s = 0;
        for (int i = 0; i < b.length; i++) {
            s += x.slice(0, i, i + 1).reshape(x.shape(1)).sub(weights.slice(0, b[i], b[i] + 1).reshape(x.shape(1)))
                    .square().sum().sqrt().item();
        }
        return s / b.length;
    }

    /**
     * Online training: {@code epochs} passes in random order; η falls linearly from {@code lr0} to
     * 1 % of it and σ from half the grid to 0.5. Returns the quantisation error before training
     * ({@code [0]}) and after each epoch.
     */
    public double[] train(Tensor x, int epochs, double lr0, RandomGenerator rng) {
        if (x.rank() != 2 || x.shape(1) != weights.shape(1)) {
            throw new IllegalArgumentException("Som.train: data of shape " + Arrays.toString(x.shape())
                    + " must be [n, " + weights.shape(1) + "]");
        }
        int n = x.shape(0), steps = epochs * n, t = 0;
        double sigma0 = Math.max(rows, cols) / 2.0;
        double[] qe = new double[epochs + 1];
        qe[0] = quantisationError(x);
        for (int e = 1; e <= epochs; e++) {
            for (int i : Permutations.random(n, rng)) {
                double frac = (double) t++ / steps;
                double lr = lr0 * (1 - 0.99 * frac), sigma = sigma0 + (0.5 - sigma0) * frac;
                Tensor xi = x.slice(0, i, i + 1);
                int b = bmu(xi)[0];
                Tensor d2 = grid.sub(grid.slice(0, b, b + 1)).square().sum(1, true);          // [units, 1]
                Tensor h = d2.div(-2 * sigma * sigma).exp().mul(lr);
                weights = weights.add(h.mul(xi.sub(weights)));
            }
            qe[e] = quantisationError(x);
        }
        return qe;
    }

    /** Each unit's mean weight distance to its 4-neighbours on the grid, as [rows, cols]. */
    public double[][] uMatrix() {
        double[][] u = new double[rows][cols];
        double[][] dist = distances();
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                double s = 0;
                int k = 0;
                int[][] nb = {{r - 1, c}, {r + 1, c}, {r, c - 1}, {r, c + 1}};
                for (int[] q : nb) {
                    if (q[0] >= 0 && q[0] < rows && q[1] >= 0 && q[1] < cols) {
                        s += dist[r * cols + c][q[0] * cols + q[1]];
                        k++;
                    }
                }
                u[r][c] = s / k;
            }
        }
        return u;
    }

    /** Euclidean distances between the weight vectors of all pairs of units. */
    public double[][] distances() {
        int units = rows * cols;
        double[] d = KMeans.squaredDistances(weights, weights).sqrt().toArray();
        double[][] out = new double[units][units];
        for (int a = 0; a < units; a++) {
            out[a] = Arrays.copyOfRange(d, a * units, (a + 1) * units);
        }
        return out;
    }

    /** The grid distance (Euclidean, in units) between units a and b. */
    public double gridDistance(int a, int b) {
        return Math.hypot(a / cols - b / cols, a % cols - b % cols);
    }

    /** The number of units. */
    public int units() {
        return rows * cols;
    }

    /** Standardised Iris (all 150 flowers). */
    public static Dataset iris() {
        Dataset d = EmbeddedDatasets.iris();
        return Standardizer.fit(d).apply(d);
    }

    /** The U-matrix as a heat map, each flower's BMU marked in the colour of its species. */
    BufferedImage picture(Dataset data, int cell) {
        double[][] u = uMatrix();
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (double[] row : u) {
            for (double v : row) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        int top = 30, legend = 22;
        BufferedImage im = new BufferedImage(cols * cell + 20, rows * cell + top + legend + 10, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = im.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, im.getWidth(), im.getHeight());
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString("U-matrix of a " + rows + "x" + cols + " SOM on Iris", 10, 20);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                int v = (int) Math.round(255 * (u[r][c] - lo) / (hi - lo));
                g.setColor(new Color(v, v, v));
                g.fillRect(10 + c * cell, top + r * cell, cell, cell);
            }
        }
        Color[] species = {new Color(214, 39, 40), new Color(44, 160, 44), new Color(31, 119, 180)};
        int[] b = bmu(data.x());
        RandomGenerator jitter = RandomGeneratorFactory.of("L64X128MixRandom").create(0);
        for (int i = 0; i < b.length; i++) {
            int x = 10 + (b[i] % cols) * cell + cell / 4 + jitter.nextInt(cell / 2);
            int y = top + (b[i] / cols) * cell + cell / 4 + jitter.nextInt(cell / 2);
            g.setColor(species[data.label(i)]);
            g.fillOval(x - 4, y - 4, 8, 8);
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        int lx = 10;
        for (int s = 0; s < 3; s++) {
            g.setColor(species[s]);
            g.fillOval(lx, top + rows * cell + 8, 10, 10);
            g.setColor(Color.BLACK);
            g.drawString(data.classNames().get(s), lx + 14, top + rows * cell + 18);
            lx += 110;
        }
        g.dispose();
        return im;
    }

    /**
     * Trains a 10 × 10 map on standardised Iris for 40 epochs and writes {@code som-iris.png}.
     *
     * @param args {@code [outDir]} (default {@code target/examples})
     * @throws IOException if the picture cannot be written
     */
    public static void main(String[] args) throws IOException {
        Path dir = Plots.outputDir(args);
        RandomGenerator rng = RandomGeneratorFactory.of("L64X128MixRandom").create(2);
        Dataset iris = iris();
        Som som = new Som(10, 10, 4, rng);
        double[] qe = som.train(iris.x(), 40, 0.5, rng);
        System.out.println("SOM 10x10 on standardised Iris, 40 epochs online; quantisation error:");
        for (int e = 0; e < qe.length; e += 5) {
            System.out.printf(Locale.ROOT, "epoch %2d  %.4f%n", e, qe[e]);
        }
        double[] near = som.meanDistanceByGridDistance();
        System.out.printf(Locale.ROOT, "mean weight distance of units 1 grid step apart %.3f, 2 %.3f, 4 %.3f, 8 %.3f%n",
                near[1], near[2], near[4], near[8]);
        double[] ep = new double[qe.length];
        for (int i = 0; i < ep.length; i++) {
            ep[i] = i;
        }
        BufferedImage curve = new Plots.Chart("SOM quantisation error", "epoch", "mean distance to BMU")
                .series("quantisation error", ep, qe).render(560, 430);
        Path out = Plots.write(Plots.sideBySide(som.picture(iris, 40), curve), dir.resolve("som-iris.png"));
        System.out.println("wrote " + out);
    }

    /**
     * Mean weight distance between pairs of units at each rounded grid distance:
     * {@code [k]} for pairs {@code k} steps apart (0 where there is none).
     */
    public double[] meanDistanceByGridDistance() {
        double[][] d = distances();
        int max = (int) Math.ceil(Math.hypot(rows, cols)) + 1;
        double[] sum = new double[max];
        int[] count = new int[max];
        for (int a = 0; a < units(); a++) {
            for (int b = a + 1; b < units(); b++) {
                int k = (int) Math.round(gridDistance(a, b));
                sum[k] += d[a][b];
                count[k]++;
            }
        }
        for (int k = 0; k < max; k++) {
            sum[k] = count[k] == 0 ? 0 : sum[k] / count[k];
        }
        return sum;
    }
}
