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
