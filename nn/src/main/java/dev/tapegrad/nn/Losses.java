package dev.tapegrad.nn;

import dev.tapegrad.DifferentiableFunction;
import dev.tapegrad.Tensor;
import java.util.Arrays;

/**
 * Loss functions, composed from autodiff-core ops (so their gradients and second derivatives come
 * from the ops' own rules) in their numerically stable forms. Each loss has a
 * {@code (Tensor, Targets)} overload that fits {@link Loss}, e.g. {@code Losses::crossEntropy}.
 *
 * <pre>{@code
 * Tensor loss = Losses.crossEntropy(model.forward(x), labels);          // logits [B, C], labels int[B]
 * Tensor bce  = Losses.binaryCrossEntropyWithLogits(logits, y);          // stable for any logit
 * Tensor per  = Losses.mse(pred, y, Reduction.NONE);                     // one value per element
 * }</pre>
 */
public final class Losses {
    private Losses() {}

    /** PyTorch's floor for the logarithms of {@code binary_cross_entropy}: log is clamped at −100. */
    public static final double LOG_FLOOR = -100.0;
    private static final double EXP_LOG_FLOOR = Math.exp(LOG_FLOOR);

    // ---------------------------------------------------------------- mean squared error

    /** Mean of the squared differences, {@code mean((output − target)²)}. */
    public static Tensor mse(Tensor output, Tensor target) {
        return mse(output, target, Reduction.MEAN);
    }

    /**
     * Squared error {@code (output − target)²} reduced as asked ({@link Reduction#NONE}: one value
     * per element). Shapes must be equal.
     */
    public static Tensor mse(Tensor output, Tensor target, Reduction reduction) {
        sameShape("mse", output, target);
        return reduce(output.sub(target).square(), reduction);
    }

    /**
     * {@link Loss} form: against {@code targets.values()}, or, when there are only labels, against
     * their one-hot encoding (the quadratic cost of Nielsen's network).
     */
    public static Tensor mse(Tensor output, Targets targets) {
        Tensor t = targets.values();
        if (t == null) {
            t = oneHot(requireLabels("mse", targets), output.shape(-1));
            t = t.reshape(output.shape());
        }
        return mse(output, t, Reduction.MEAN);
    }

    // ---------------------------------------------------------------- binary cross-entropy

    /**
     * Mean binary cross-entropy on probabilities {@code p} in [0, 1]:
     * {@code −(y·log p + (1−y)·log(1−p))}, each logarithm clamped at −100 as PyTorch does, so that
     * p = 0 or 1 gives a finite loss (100 per wrong element). The gradient is PyTorch's:
     * {@code (p − y) / max(p(1 − p), 1e−12)} with respect to p, which is the exact derivative inside
     * (0, 1) and stays large (never 0) for a saturated wrong prediction, so that it can recover.
     * With respect to y it is {@code log(1−p) − log(p)} with the same clamps. The backward is
     * written with Tensor ops, so the loss differentiates twice.
     */
    public static Tensor binaryCrossEntropy(Tensor p, Tensor y) {
        return binaryCrossEntropy(p, y, Reduction.MEAN);
    }

    /** {@link #binaryCrossEntropy(Tensor, Tensor)} with the given reduction (NONE: per element). */
    public static Tensor binaryCrossEntropy(Tensor p, Tensor y, Reduction reduction) {
        sameShape("binaryCrossEntropy", p, y);
        return reduce(BINARY_CROSS_ENTROPY.apply(p, y), reduction);
    }

    /** {@code max(p(1−p), 1e−12)}: PyTorch's guard on the denominator of the BCE gradient. */
    private static final double BCE_GRAD_EPSILON = 1e-12;

    /** log clamped at −100, as PyTorch's binary_cross_entropy. */
    private static Tensor clampedLog(Tensor q) {
        return q.clamp(EXP_LOG_FLOOR, Double.POSITIVE_INFINITY).log();
    }

    /** Per-element BCE on probabilities, one node on the tape with PyTorch's backward. */
    private static final DifferentiableFunction BINARY_CROSS_ENTROPY = DifferentiableFunction.of("binaryCrossEntropy",
            in -> bceTerms(clampedLog(in[0]), clampedLog(in[0].neg().add(1.0)), in[1]),
            (ctx, g) -> {
                Tensor p = ctx.input(0), y = ctx.input(1);
                Tensor gp = null, gy = null;
                if (ctx.needsInputGrad(0)) {
                    Tensor denominator = p.mul(p.neg().add(1.0)).maximum(Tensor.scalar(BCE_GRAD_EPSILON));
                    gp = g.mul(p.sub(y)).div(denominator);
                }
                if (ctx.needsInputGrad(1)) {
                    gy = g.mul(clampedLog(p.neg().add(1.0)).sub(clampedLog(p)));
                }
                return new Tensor[] {gp, gy};
            });

    /**
     * Binary cross-entropy with the probabilities first clipped to [ε, 1 − ε] (Keras' convention;
     * REFERENCES R2 uses ε = 1e−15). Gradient 0 for probabilities outside the clip.
     *
     * @throws IllegalArgumentException unless 0 &lt; ε &lt; 0.5
     */
    public static Tensor binaryCrossEntropy(Tensor p, Tensor y, double epsilon, Reduction reduction) {
        if (!(epsilon > 0 && epsilon < 0.5)) {
            throw new IllegalArgumentException("binaryCrossEntropy: epsilon " + epsilon + " must be in (0, 0.5)");
        }
        sameShape("binaryCrossEntropy", p, y);
        Tensor q = p.clamp(epsilon, 1.0 - epsilon);
        return reduce(bceTerms(q.log(), q.neg().add(1.0).log(), y), reduction);
    }

    /** {@link Loss} form of {@link #binaryCrossEntropy(Tensor, Tensor)} against {@code targets.values()}. */
    public static Tensor binaryCrossEntropy(Tensor p, Targets targets) {
        return binaryCrossEntropy(p, binaryValues("binaryCrossEntropy", p, targets));
    }

    /**
     * Mean binary cross-entropy of logits {@code x} against targets {@code y} in [0, 1], in the
     * stable form {@code softplus(x) − x·y} = max(x, 0) − x·y + log1p(e^−|x|): finite and exact for
     * any logit. Gradient σ(x) − y.
     */
    public static Tensor binaryCrossEntropyWithLogits(Tensor x, Tensor y) {
        return binaryCrossEntropyWithLogits(x, y, Reduction.MEAN);
    }

    /** {@link #binaryCrossEntropyWithLogits(Tensor, Tensor)} with the given reduction. */
    public static Tensor binaryCrossEntropyWithLogits(Tensor x, Tensor y, Reduction reduction) {
        sameShape("binaryCrossEntropyWithLogits", x, y);
        return reduce(x.softplus().sub(x.mul(y)), reduction);
    }

    /** {@link Loss} form of {@link #binaryCrossEntropyWithLogits(Tensor, Tensor)}. */
    public static Tensor binaryCrossEntropyWithLogits(Tensor x, Targets targets) {
        return binaryCrossEntropyWithLogits(x, binaryValues("binaryCrossEntropyWithLogits", x, targets));
    }

    private static Tensor bceTerms(Tensor logP, Tensor log1mP, Tensor y) {
        return y.mul(logP).add(y.neg().add(1.0).mul(log1mP)).neg();
    }

    private static Tensor binaryValues(String name, Tensor out, Targets targets) {
        Tensor t = targets.values();
        if (t != null) {
            return t;
        }
        int[] labels = requireLabels(name, targets);
        double[] v = new double[labels.length];
        for (int i = 0; i < v.length; i++) {
            if (labels[i] != 0 && labels[i] != 1) {
                throw new IllegalArgumentException(name + ": label " + labels[i] + " at " + i + " is not 0 or 1");
            }
            v[i] = labels[i];
        }
        return Tensor.of(v, labels.length).reshape(out.shape());
    }

    // ---------------------------------------------------------------- softmax cross-entropy

    /**
     * Mean softmax cross-entropy of {@code logits} [B, C] (or [C] for one sample) against class
     * labels: {@code −log_softmax(logits)[label]}, through the stable log-softmax. Gradient
     * (softmax − onehot)/B.
     */
    public static Tensor crossEntropy(Tensor logits, int[] labels) {
        return crossEntropy(logits, labels, Reduction.MEAN, 0.0);
    }

    /**
     * Softmax cross-entropy against labels with label smoothing ε (the target becomes
     * (1 − ε)·onehot + ε/C, as PyTorch's {@code label_smoothing}) and the given reduction
     * (NONE: one loss per sample).
     *
     * @throws IllegalArgumentException if the number of labels is not the batch size, a label is
     *                                  outside [0, C), or ε is outside [0, 1]
     */
    public static Tensor crossEntropy(Tensor logits, int[] labels, Reduction reduction, double labelSmoothing) {
        checkLogits("crossEntropy", logits);
        int c = logits.shape(-1);
        int b = logits.rank() == 1 ? 1 : logits.shape(0);
        if (labels.length != b) {
            throw new IllegalArgumentException("crossEntropy: " + labels.length + " labels for logits of shape "
                    + Arrays.toString(logits.shape()) + " (batch " + b + ")");
        }
        Tensor target;
        try {
            target = oneHot(labels, c);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("crossEntropy: " + e.getMessage() + " for logits of shape "
                    + Arrays.toString(logits.shape()), e);
        }
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
            throw new IllegalArgumentException("crossEntropy: label smoothing " + labelSmoothing + " must be in [0, 1]");
        }
        // the label's entry is picked by index, not by a one-hot dot product: a logit of −∞ at another
        // class then costs nothing (0·(−∞) would make the loss NaN)
        Tensor logP = logits.rank() == 1 ? logits.reshape(1, c).logSoftmax(-1) : logits.logSoftmax(-1);
        Tensor picked = pickColumns(logP, labels, target);
        Tensor perSample = labelSmoothing == 0 ? picked.neg()
                : picked.mul(1.0 - labelSmoothing).add(logP.sum(-1).mul(labelSmoothing / c)).neg();
        if (logits.rank() == 1) {
            perSample = perSample.reshape();
        }
        return reduce(perSample, reduction);
    }

    /**
     * {@code x[i, labels[i]]} for each row, as one differentiable function: its backward places the
     * gradient at the picked entries ({@code g ⊙ onehot}, Tensor ops, so it differentiates again).
     */
    private static Tensor pickColumns(Tensor x, int[] labels, Tensor oneHot) {
        int c = x.shape(-1);
        return DifferentiableFunction.of("pickLabels", in -> {
            double[] v = in[0].toArray();
            double[] out = new double[labels.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = v[i * c + labels[i]];
            }
            return Tensor.of(out, labels.length);
        }, (ctx, g) -> new Tensor[] {g.unsqueeze(-1).mul(oneHot)}).apply(x);
    }

    /**
     * Mean softmax cross-entropy against target distributions (one-hot or soft) of the logits'
     * shape: {@code −Σ_c t_c·log_softmax(x)_c} per sample.
     */
    public static Tensor crossEntropy(Tensor logits, Tensor targets) {
        return crossEntropy(logits, targets, Reduction.MEAN, 0.0);
    }

    /** Soft-target cross-entropy with label smoothing (t ↦ (1 − ε)·t + ε/C) and a reduction. */
    public static Tensor crossEntropy(Tensor logits, Tensor targets, Reduction reduction, double labelSmoothing) {
        checkLogits("crossEntropy", logits);
        sameShape("crossEntropy", logits, targets);
        return softCrossEntropy(logits, targets, reduction, labelSmoothing);
    }

    /** {@link Loss} form: labels if the targets have them, otherwise target distributions. */
    public static Tensor crossEntropy(Tensor logits, Targets targets) {
        int[] labels = targets.labels();
        return labels != null ? crossEntropy(logits, labels) : crossEntropy(logits, requireValues("crossEntropy", targets));
    }

    private static Tensor softCrossEntropy(Tensor logits, Tensor target, Reduction reduction, double eps) {
        if (!(eps >= 0 && eps <= 1)) {
            throw new IllegalArgumentException("crossEntropy: label smoothing " + eps + " must be in [0, 1]");
        }
        int c = logits.shape(-1);
        Tensor t = eps == 0 ? target : target.mul(1.0 - eps).add(eps / c);
        Tensor perSample = logits.logSoftmax(-1).mul(t).sum(-1).neg();
        return reduce(perSample, reduction);
    }

    // ---------------------------------------------------------------- L1, Huber, smooth L1

    /** Mean absolute error {@code mean(|output − target|)} (PyTorch's {@code l1_loss}); abs'(0) = 0. */
    public static Tensor l1(Tensor output, Tensor target) {
        return l1(output, target, Reduction.MEAN);
    }

    /** {@code |output − target|} reduced as asked (NONE: per element). Shapes must be equal. */
    public static Tensor l1(Tensor output, Tensor target, Reduction reduction) {
        sameShape("l1", output, target);
        return reduce(output.sub(target).abs(), reduction);
    }

    /** {@link Loss} form of {@link #l1(Tensor, Tensor)} against {@code targets.values()}. */
    public static Tensor l1(Tensor output, Targets targets) {
        return l1(output, requireValues("l1", targets));
    }

    /**
     * PyTorch's {@code huber_loss}: with d = output − target, {@code ½d²} where |d| &lt; δ and
     * {@code δ(|d| − ½δ)} elsewhere (quadratic near 0, linear in the tails, continuous gradient).
     * Computed as {@code ½m² + δ(|d| − |m|)} with m = clamp(d, −δ, δ), so the second derivative
     * is 1 inside and 0 outside.
     *
     * @throws IllegalArgumentException unless δ &gt; 0, or if the shapes differ
     */
    public static Tensor huber(Tensor output, Tensor target, double delta, Reduction reduction) {
        if (!(delta > 0)) {
            throw new IllegalArgumentException("huber: delta " + delta + " must be positive");
        }
        sameShape("huber", output, target);
        return reduce(huberTerms(output.sub(target), delta), reduction);
    }

    /** {@link Loss} form: mean Huber loss with δ = 1 (PyTorch's default) against {@code targets.values()}. */
    public static Tensor huber(Tensor output, Targets targets) {
        return huber(output, requireValues("huber", targets), 1.0, Reduction.MEAN);
    }

    /**
     * PyTorch's {@code smooth_l1_loss}: {@code ½d²/β} where |d| &lt; β and {@code |d| − ½β}
     * elsewhere, i.e. Huber with δ = β divided by β; β = 0 is the L1 loss.
     *
     * @throws IllegalArgumentException if β is negative, or if the shapes differ
     */
    public static Tensor smoothL1(Tensor output, Tensor target, double beta, Reduction reduction) {
        if (!(beta >= 0)) {
            throw new IllegalArgumentException("smoothL1: beta " + beta + " must be non-negative");
        }
        sameShape("smoothL1", output, target);
        Tensor d = output.sub(target);
        return reduce(beta == 0 ? d.abs() : huberTerms(d, beta).div(beta), reduction);
    }

    /** {@link Loss} form: mean smooth-L1 loss with β = 1 (PyTorch's default) against {@code targets.values()}. */
    public static Tensor smoothL1(Tensor output, Targets targets) {
        return smoothL1(output, requireValues("smoothL1", targets), 1.0, Reduction.MEAN);
    }

    private static Tensor huberTerms(Tensor d, double delta) {
        Tensor m = d.clamp(-delta, delta);
        return m.square().mul(0.5).add(d.abs().sub(m.abs()).mul(delta));
    }

    // ---------------------------------------------------------------- NLL, KL divergence

    /**
     * Mean negative log-likelihood of log-probabilities [B, C] (or [C]) at the labels (PyTorch's
     * {@code nll_loss}, e.g. after {@code logSoftmax(-1)}): {@code −logProbs[b, label_b]}.
     */
    public static Tensor nll(Tensor logProbs, int[] labels) {
        return nll(logProbs, labels, Reduction.MEAN);
    }

    /**
     * {@link #nll(Tensor, int[])} with the given reduction (NONE: one loss per sample).
     *
     * @throws IllegalArgumentException if the number of labels is not the batch size or a label is
     *                                  outside [0, C)
     */
    public static Tensor nll(Tensor logProbs, int[] labels, Reduction reduction) {
        checkLogits("nll", logProbs);
        int c = logProbs.shape(-1);
        int b = logProbs.rank() == 1 ? 1 : logProbs.shape(0);
        if (labels.length != b) {
            throw new IllegalArgumentException("nll: " + labels.length + " labels for log-probabilities of shape "
                    + Arrays.toString(logProbs.shape()) + " (batch " + b + ")");
        }
        Tensor target;
        try {
            target = oneHot(labels, c);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("nll: " + e.getMessage() + " for log-probabilities of shape "
                    + Arrays.toString(logProbs.shape()), e);
        }
        return reduce(logProbs.mul(logProbs.rank() == 1 ? target.reshape(c) : target).sum(-1).neg(), reduction);
    }

    /** {@link Loss} form of {@link #nll(Tensor, int[])} against {@code targets.labels()}. */
    public static Tensor nll(Tensor logProbs, Targets targets) {
        return nll(logProbs, requireLabels("nll", targets));
    }

    /**
     * Kullback–Leibler divergence in PyTorch's {@code kl_div} convention: {@code input} holds
     * log-probabilities log q and {@code target} probabilities p (or log p if {@code logTarget}),
     * and the pointwise loss is {@code p·(log p − log q)}, taken as 0 where p = 0 (for a
     * differentiated target, its gradient there is finite, log(Double.MIN_NORMAL) + 1 − log q,
     * where PyTorch's is −∞). {@link Reduction#BATCHMEAN} (sum / batch size, the true divergence
     * per sample) is the one to use; MEAN averages over every element, as PyTorch's default.
     *
     * @throws IllegalArgumentException if the shapes differ
     */
    public static Tensor klDiv(Tensor input, Tensor target, Reduction reduction, boolean logTarget) {
        sameShape("klDiv", input, target);
        Tensor terms = logTarget
                ? target.exp().mul(target.sub(input))
                : target.mul(target.clamp(Double.MIN_NORMAL, Double.POSITIVE_INFINITY).log().sub(input));
        if (reduction == Reduction.BATCHMEAN) {
            return terms.sum().div(input.rank() == 0 ? 1 : input.shape(0));
        }
        return reduce(terms, reduction);
    }

    /** {@link Loss} form: {@code klDiv(logProbs, targets.values(), BATCHMEAN, false)}. */
    public static Tensor klDiv(Tensor logProbs, Targets targets) {
        return klDiv(logProbs, requireValues("klDiv", targets), Reduction.BATCHMEAN, false);
    }

    // ---------------------------------------------------------------- cosine embedding

    /** PyTorch's guard added to each squared norm of {@code cosine_embedding_loss}. */
    private static final double COSINE_EPSILON = 1e-12;

    /**
     * PyTorch's {@code cosine_embedding_loss} for pairs of rows {@code x1}, {@code x2} [B, D] (or
     * [D]) with {@code y} ±1 per pair: {@code 1 − cos} for y = 1 and {@code max(0, cos − margin)}
     * for y = −1, where {@code cos = x1·x2 / √((|x1|² + 1e−12)(|x2|² + 1e−12))}.
     *
     * @throws IllegalArgumentException if the shapes differ or do not fit y, or if a y is not ±1
     */
    public static Tensor cosineEmbedding(Tensor x1, Tensor x2, int[] y, double margin, Reduction reduction) {
        sameShape("cosineEmbedding", x1, x2);
        int b = x1.rank() == 1 ? 1 : x1.shape(0);
        if (x1.rank() < 1 || x1.rank() > 2 || y.length != b) {
            throw new IllegalArgumentException("cosineEmbedding: inputs of shape " + Arrays.toString(x1.shape())
                    + " must be [B, D] or [D] with one y per row; got " + y.length + " values of y");
        }
        double[] pos = new double[b];
        double[] neg = new double[b];
        for (int i = 0; i < b; i++) {
            if (y[i] != 1 && y[i] != -1) {
                throw new IllegalArgumentException("cosineEmbedding: y " + y[i] + " at " + i + " is not 1 or -1");
            }
            (y[i] == 1 ? pos : neg)[i] = 1;
        }
        Tensor dot = x1.mul(x2).sum(-1);
        Tensor denominator = x1.square().sum(-1).add(COSINE_EPSILON).mul(x2.square().sum(-1).add(COSINE_EPSILON)).sqrt();
        Tensor cos = dot.div(denominator);
        int[] s = x1.rank() == 1 ? new int[0] : new int[] {b};
        Tensor loss = cos.neg().add(1.0).mul(Tensor.of(pos, s))
                .add(cos.sub(margin).clamp(0, Double.POSITIVE_INFINITY).mul(Tensor.of(neg, s)));
        return reduce(loss, reduction);
    }

    // ---------------------------------------------------------------- helpers

    /**
     * One-hot rows [n, classes] for labels in [0, classes): a constant tensor.
     *
     * @throws IllegalArgumentException if a label is outside the range
     */
    public static Tensor oneHot(int[] labels, int classes) {
        if (classes <= 0) {
            throw new IllegalArgumentException("oneHot: number of classes " + classes + " must be positive");
        }
        double[] d = new double[labels.length * classes];
        for (int i = 0; i < labels.length; i++) {
            int k = labels[i];
            if (k < 0 || k >= classes) {
                throw new IllegalArgumentException("oneHot: label " + k + " at index " + i + " is outside [0, " + classes + ")");
            }
            d[i * classes + k] = 1.0;
        }
        return Tensor.of(d, labels.length, classes);
    }

    /** Applies a reduction to per-element (or per-sample) losses. */
    static Tensor reduce(Tensor losses, Reduction reduction) {
        switch (reduction) {
            case MEAN: return losses.mean();
            case SUM: return losses.sum();
            case NONE: return losses;
            case BATCHMEAN: throw new IllegalArgumentException("reduction BATCHMEAN is only for klDiv");
            default: throw new IllegalArgumentException("unknown reduction " + reduction);
        }
    }

    private static void sameShape(String name, Tensor a, Tensor b) {
        if (!Arrays.equals(a.shape(), b.shape())) {
            throw new IllegalArgumentException(name + ": output of shape " + Arrays.toString(a.shape())
                    + " and target of shape " + Arrays.toString(b.shape()) + " differ");
        }
    }

    private static void checkLogits(String name, Tensor logits) {
        if (logits.rank() < 1 || logits.rank() > 2 || logits.shape(-1) == 0) {
            throw new IllegalArgumentException(name + ": logits of shape " + Arrays.toString(logits.shape())
                    + " must be [C] or [B, C] with C > 0");
        }
    }

    private static int[] requireLabels(String name, Targets targets) {
        int[] labels = targets.labels();
        if (labels == null) {
            throw new IllegalArgumentException(name + ": the targets have neither values nor labels");
        }
        return labels;
    }

    private static Tensor requireValues(String name, Targets targets) {
        Tensor v = targets.values();
        if (v == null) {
            throw new IllegalArgumentException(name + ": the targets have neither labels nor values");
        }
        return v;
    }
}
