package dev.tapegrad.nn;

import dev.tapegrad.Tensor;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * A layer of Gaussian radial basis units, {@code φⱼ(x) = exp(−‖x − cⱼ‖² / (2σⱼ²))}: input
 * {@code [in]} or {@code [batch, in]}, output {@code [units]} or {@code [batch, units]}. Put a
 * {@link Linear} after it for an RBF network (Broomhead and Lowe 1988; Moody and Darken 1989).
 *
 * <p>The centres {@code cⱼ} are parameters (trained by back-propagation like any weight); the
 * widths are either learned, as {@code logSigma = log σⱼ} so that they stay positive, or fixed.
 * Centres are usually placed first from the training data, by {@link KMeans} or by sampling
 * training points, with the width set by Haykin's rule {@code σ = d_max / √(2k)} (d_max the
 * largest distance between two centres):
 *
 * <pre>{@code
 * RBF rbf = RBF.kMeans(trainX, 10, true, rng);          // 10 units, learned widths
 * Module net = new Sequential(rbf, new Linear(10, 3, rng));
 * }</pre>
 */
public final class RBF extends Module {
    private final int in;
    private final int units;
    private final Tensor centres;
    private final Tensor logSigma;
    private final boolean learnWidth;

    /**
     * A layer with the given centres and widths (both copied).
     *
     * @param centres    {@code [units, in]}
     * @param sigma      {@code [units]}, each positive and finite
     * @param learnWidth whether the widths are parameters ({@code "logSigma"}) or fixed
     * @throws IllegalArgumentException if the shapes disagree or a width is not positive
     */
    public RBF(Tensor centres, Tensor sigma, boolean learnWidth) {
        if (centres.rank() != 2) {
            throw new IllegalArgumentException("RBF: centres of shape " + Arrays.toString(centres.shape())
                    + " must be [units, in]");
        }
        if (sigma.rank() != 1 || sigma.shape(0) != centres.shape(0)) {
            throw new IllegalArgumentException("RBF: sigma of shape " + Arrays.toString(sigma.shape())
                    + " does not match centres of shape " + Arrays.toString(centres.shape()) + " (expected ["
                    + centres.shape(0) + "])");
        }
        for (double s : sigma.toArray()) {
            if (!(s > 0) || !Double.isFinite(s)) {
                throw new IllegalArgumentException("RBF: width " + s + " must be positive and finite");
            }
        }
        this.units = centres.shape(0);
        this.in = centres.shape(1);
        this.learnWidth = learnWidth;
        this.centres = registerParameter("centres", Tensor.of(centres.toArray(), units, in));
        Tensor ls = Tensor.of(sigma.toArray(), units).log();
        this.logSigma = learnWidth ? registerParameter("logSigma", ls) : ls;
    }

    /**
     * Centres by {@link KMeans} on {@code data} ({@code [n, in]}), one shared width by Haykin's rule.
     *
     * @throws IllegalArgumentException if the data is not a matrix with at least {@code units} rows
     */
    public static RBF kMeans(Tensor data, int units, boolean learnWidth, RandomGenerator rng) {
        return withHaykinWidth(KMeans.fit(data, units, rng).centres(), learnWidth);
    }

    /**
     * Centres at {@code units} distinct training points drawn at random, one shared width by
     * Haykin's rule.
     *
     * @throws IllegalArgumentException if the data is not a matrix with at least {@code units} rows
     */
    public static RBF sampled(Tensor data, int units, boolean learnWidth, RandomGenerator rng) {
        return withHaykinWidth(KMeans.sample(data, units, rng), learnWidth);
    }

    /** σ = d_max / √(2k); 1 when there is a single centre or all centres coincide. */
    static RBF withHaykinWidth(Tensor centres, boolean learnWidth) {
        int k = centres.shape(0);
        double dmax = Math.sqrt(KMeans.squaredDistances(centres, centres).max().item());
        double sigma = dmax > 0 ? dmax / Math.sqrt(2.0 * k) : 1.0;
        return new RBF(centres, Tensor.full(sigma, k), learnWidth);
    }

    /**
     * The Gaussian units as a function of Tensor ops, differentiable to any order in all three
     * arguments: {@code exp(−‖x − c‖² / (2 exp(2·logSigma)))}.
     *
     * @param x        {@code [in]} or {@code [batch, in]}
     * @param centres  {@code [units, in]}
     * @param logSigma {@code [units]}
     * @return {@code [units]} or {@code [batch, units]}
     * @throws IllegalArgumentException if the shapes disagree
     */
    public static Tensor gaussian(Tensor x, Tensor centres, Tensor logSigma) {
        if (centres.rank() != 2 || logSigma.rank() != 1 || logSigma.shape(0) != centres.shape(0)
                || (x.rank() != 1 && x.rank() != 2) || x.shape(-1) != centres.shape(1)) {
            throw new IllegalArgumentException("RBF.gaussian: input of shape " + Arrays.toString(x.shape())
                    + ", centres of shape " + Arrays.toString(centres.shape()) + " and logSigma of shape "
                    + Arrays.toString(logSigma.shape()) + " must be [in] or [batch, in], [units, in] and [units]");
        }
        Tensor sq = x.unsqueeze(-2).sub(centres).square().sum(-1);        // [batch, units] (or [units])
        Tensor twoVar = logSigma.mul(2).exp().mul(2);
        return sq.div(twoVar).neg().exp();
    }

    @Override
    public Tensor forward(Tensor x) {
        if ((x.rank() != 1 && x.rank() != 2) || x.shape(-1) != in) {
            throw new IllegalArgumentException("RBF(" + in + ", " + units + "): input of shape "
                    + Arrays.toString(x.shape()) + " must be [" + in + "] or [batch, " + in + "]");
        }
        return gaussian(x, centres, logSigma);
    }

    /** The centres [units, in] (the live parameter). */
    public Tensor centres() {
        return centres;
    }

    /** The widths σ [units] (a copy, computed from logSigma). */
    public Tensor sigma() {
        return logSigma.detach().exp();
    }

    /** Number of inputs. */
    public int inFeatures() {
        return in;
    }

    /** Number of units. */
    public int units() {
        return units;
    }

    /** Whether the widths are trained. */
    public boolean learnsWidth() {
        return learnWidth;
    }

    @Override
    public String toString() {
        return "RBF(" + in + ", " + units + (learnWidth ? "" : ", fixed width") + ")";
    }
}
