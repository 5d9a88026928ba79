package dev.tapegrad.examples;

import dev.tapegrad.Tensor;
import dev.tapegrad.nn.Dataset;
import dev.tapegrad.nn.data.EmbeddedDatasets;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * A restricted Boltzmann machine (Smolensky 1986; Hinton 2002) with binary visible and hidden
 * units, {@code p(hⱼ = 1 | v) = σ(cⱼ + vᵀW:ⱼ)} and {@code p(vᵢ = 1 | h) = σ(bᵢ + Wᵢ: h)}, trained by
 * one-step contrastive divergence (CD-1): {@code ΔW = η(⟨v₀h₀⟩ − ⟨v₁h₁⟩)} with {@code h₀} sampled,
 * {@code v₁} the reconstruction probabilities and {@code h₁} their hidden probabilities (Hinton's
 * "practical guide", 2010). No gradient of any loss is taken, so there is no tape: Tensor
 * arithmetic, with Bernoulli sampling on a {@code double[]}.
 *
 * <p>Data: the UCI digits, 8 × 8, binarised at pixel value 8 of 16.
 *
 * <p>Run: {@code java -cp examples/target/tapegrad-examples.jar dev.tapegrad.examples.Rbm [outDir]}
 * (writes {@code rbm.png}: digits, their reconstructions, Gibbs samples and the learned filters).
 */
public final class Rbm {
    private Tensor w;
    private Tensor b;
    private Tensor c;

    /**
     * An RBM with weights from N(0, 0.01²), hidden biases 0 and visible biases {@code log(p/(1−p))}
     * of the data's pixel means (clipped to [0.01, 0.99]).
     *
     * @param data   {@code [n, visible]} binary training data
     * @param hidden number of hidden units
     */
    public Rbm(Tensor data, int hidden, RandomGenerator rng) {
        if (data.rank() != 2 || hidden < 1) {
            throw new IllegalArgumentException("Rbm: data of shape " + Arrays.toString(data.shape())
                    + " must be [n, visible], and hidden " + hidden + " positive");
        }
        int v = data.shape(1);
        w = Tensor.randn(rng, v, hidden).mul(0.01);
        Tensor p = data.mean(0).clamp(0.01, 0.99);
        b = p.div(p.neg().add(1)).log();
        c = Tensor.zeros(hidden);
    }

    /** The UCI digits as {@code [1797, 64]} binary values (pixel ≥ 8 of 16). */
    public static Tensor binaryDigits() {
        return binarise(EmbeddedDatasets.digits());
    }

    /** Pixels of {@code d} (0..16) at or above 8 as 1, others 0. */
    public static Tensor binarise(Dataset d) {
        return McCullochPitts.step(d.x().sub(8));
    }

    /** {@code p(h = 1 | v)} for a batch [n, visible]. */
    public Tensor hiddenProbabilities(Tensor v) {
        return v.matmul(w).add(c).sigmoid();
    }

    /** {@code p(v = 1 | h)} for a batch [n, hidden]. */
    public Tensor visibleProbabilities(Tensor h) {
        return h.matmul(w.transpose()).add(b).sigmoid();
    }

    /** One value 1 with probability p, else 0, per element. */
    public static Tensor sample(Tensor p, RandomGenerator rng) {
        double[] a = p.toArray();
        for (int i = 0; i < a.length; i++) {
            a[i] = rng.nextDouble() < a[i] ? 1 : 0;
        }
        return Tensor.of(a, p.shape());
    }

    /**
     * One CD-1 update on a mini-batch; returns the batch's reconstruction error
     * {@code mean((v₀ − v₁)²)} before the update.
     */
    public double cd1(Tensor v0, double lr, RandomGenerator rng) {
        int n = v0.shape(0);
        Tensor h0p = hiddenProbabilities(v0);
        Tensor v1p = visibleProbabilities(sample(h0p, rng));
        Tensor h1p = hiddenProbabilities(v1p);
        Tensor dw = v0.transpose().matmul(h0p).sub(v1p.transpose().matmul(h1p)).div(n);
        w = w.add(dw.mul(lr));
        b = b.add(v0.sub(v1p).mean(0).mul(lr));
        c = c.add(h0p.sub(h1p).mean(0).mul(lr));
        return v0.sub(v1p).square().mean().item();
    }

    /** Mean squared error between {@code v} and its one-step mean-field reconstruction (no sampling). */
    public double reconstructionError(Tensor v) {
        return v.sub(visibleProbabilities(hiddenProbabilities(v))).square().mean().item();
    }

    /** The weights [visible, hidden]. */
    public Tensor weights() {
        return w;
    }

    /** The visible biases [visible]. */
    public Tensor visibleBias() {
        return b;
    }

    /** The hidden biases [hidden]. */
    public Tensor hiddenBias() {
        return c;
    }

    /**
     * The free energy {@code F(v) = −bᵀv − Σⱼ softplus(cⱼ + vᵀW:ⱼ)} of each row of {@code v}, so that
     * {@code p(v) = exp(−F(v)) / Z}.
     */
    public Tensor freeEnergy(Tensor v) {
        return v.matmul(b).neg().sub(v.matmul(w).add(c).softplus().sum(-1));
    }

    /**
     * Trains for {@code epochs} epochs of shuffled mini-batches; returns the mean CD-1 reconstruction
     * error of each epoch, with {@code [0]} the error of the untrained machine on the whole data.
     */
    public double[] train(Tensor data, int epochs, int batch, double lr, RandomGenerator rng) {
        int n = data.shape(0);
        double[] err = new double[epochs + 1];
        err[0] = reconstructionError(data);
        for (int e = 1; e <= epochs; e++) {
            Tensor shuffled = rows(data, Permutations.random(n, rng));
            double sum = 0;
            int batches = 0;
            for (int s = 0; s < n; s += batch, batches++) {
                sum += cd1(shuffled.slice(0, s, Math.min(n, s + batch)), lr, rng);
            }
            err[e] = sum / batches;
        }
        return err;
    }

    private static Tensor rows(Tensor x, int[] idx) {
        int d = x.shape(1);
        double[] src = x.toArray(), out = new double[idx.length * d];
        for (int i = 0; i < idx.length; i++) {
            System.arraycopy(src, idx[i] * d, out, i * d, d);
        }
        return Tensor.of(out, idx.length, d);
    }

    /** Runs {@code steps} steps of block Gibbs sampling from {@code v}; returns the last visible probabilities. */
    public Tensor gibbs(Tensor v, int steps, RandomGenerator rng) {
        Tensor p = v;
        for (int s = 0; s < steps; s++) {
            p = visibleProbabilities(sample(hiddenProbabilities(sample(p, rng)), rng));
        }
        return p;
    }

    /**
     * Trains 64-visible, 64-hidden on the binarised digits for 20 epochs and writes {@code rbm.png}.
     *
     * @param args {@code [outDir]} (default {@code target/examples})
     * @throws IOException if the picture cannot be written
     */
    public static void main(String[] args) throws IOException {
        Path dir = Plots.outputDir(args);
        RandomGenerator rng = RandomGeneratorFactory.of("L64X128MixRandom").create(5);
        Tensor data = binaryDigits();
        Rbm rbm = new Rbm(data, 64, rng);
        double[] err = rbm.train(data, 20, 20, 0.1, rng);
        System.out.println("RBM 64-64 trained by CD-1 on the 1,797 binarised UCI digits (batch 20, lr 0.1)");
        for (int e = 0; e < err.length; e++) {
            System.out.printf(Locale.ROOT, "epoch %2d  reconstruction error %.4f%n", e, err[e]);
        }
        System.out.println("wrote " + rbm.writePicture(data, rng, dir.resolve("rbm.png")));
    }

    /**
     * Writes twelve digits of {@code data}, their reconstructions, Gibbs samples started from them
     * and every hidden unit's filter as one PNG.
     *
     * @throws IOException if the file cannot be written
     */
    public Path writePicture(Tensor data, RandomGenerator rng, Path file) throws IOException {
        Rbm rbm = this;
        List<double[]> digits = new ArrayList<>(), recon = new ArrayList<>(), samples = new ArrayList<>();
        Tensor some = data.slice(0, 0, 12);
        Tensor rc = rbm.visibleProbabilities(rbm.hiddenProbabilities(some));
        Tensor chains = rbm.gibbs(some, 1000, rng);
        for (int i = 0; i < 12; i++) {
            digits.add(some.slice(0, i, i + 1).toArray());
            recon.add(rc.slice(0, i, i + 1).toArray());
            samples.add(chains.slice(0, i, i + 1).toArray());
        }
        List<List<double[]>> rows = new ArrayList<>(List.of(digits, recon, samples));
        List<String> captions = new ArrayList<>(List.of("digits", "reconstructions p(v | h(v))",
                "Gibbs samples after 1,000 steps from them"));
        List<double[]> filters = new ArrayList<>();
        Tensor wt = rbm.weights().transpose();
        for (int j = 0; j < wt.shape(0); j++) {      // each filter scaled to its own range
            Tensor f = wt.slice(0, j, j + 1).reshape(64);
            double lo = f.min(0).item(), hi = f.max().item();
            filters.add(f.sub(lo).div(Math.max(hi - lo, 1e-12)).toArray());
        }
        List<List<double[]>> fr = Plots.rowsOf(filters, 16);
        for (int i = 0; i < fr.size(); i++) {
            rows.add(fr.get(i));
            captions.add(i == 0 ? "filters (weights of each hidden unit)" : "");
        }
        return Plots.write(Plots.greyGrid(rows, captions, 8, 8, 6, 0, 1), file);
    }
}
