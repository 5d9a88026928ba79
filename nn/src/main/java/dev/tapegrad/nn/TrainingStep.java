package dev.tapegrad.nn;

import dev.tapegrad.Tape;
import dev.tapegrad.Tensor;

import java.util.List;

/**
 * The per-batch logic of {@link Trainer}, reusable on its own: forward, loss, backward, optimizer
 * step. {@link #run} is exactly what {@link Trainer#fit(Dataset)} does for each batch;
 * {@link #gradients} stops before the optimizer step, so that a data-parallel trainer can sum the
 * gradients of several shards of one batch (each shard weighted by its share of the batch) and
 * apply them with {@link Optimizer#step(double[][])}.
 *
 * <pre>{@code
 * TrainingStep.Result r = TrainingStep.run(model, opt, Losses::crossEntropy, batch);
 * // or, for shard k of a global batch of B samples:
 * TrainingStep.Result part = TrainingStep.gradients(model, opt, loss, shard, shard.size() / (double) B);
 * double[][] g = TrainingStep.gradientArrays(opt.parameters());
 * }</pre>
 */
public final class TrainingStep {

    private TrainingStep() {
    }

    /**
     * What one batch (or shard of a batch) gave.
     *
     * @param loss    the batch's loss as the loss function returned it (mean per sample for the
     *                losses of {@link Losses}), before any weighting
     * @param correct rows whose largest output is at the label's index (-1 for a batch of target values: no accuracy)
     * @param size    samples in the batch
     */
    public record Result(double loss, long correct, int size) {
    }

    /**
     * One training step: clears the gradients, records forward and loss, runs backward and lets
     * the optimizer update the parameters (not when the loss is NaN or infinite).
     *
     * @param model     the model (its parameters are the optimizer's)
     * @param optimizer the optimizer
     * @param loss      the loss
     * @param batch     the batch
     * @return the batch's loss, correct count and size
     */
    public static Result run(Module model, Optimizer optimizer, Loss loss, Batch batch) {
        Result r = gradients(model, optimizer, loss, batch, 1.0);
        if (Double.isFinite(r.loss())) {   // a diverged loss leaves the weights finite (the Trainer then stops)
            optimizer.step();
        }
        return r;
    }

    /**
     * Clears the optimizer's gradients, then records forward and loss and accumulates the
     * gradient of {@code weight × loss} into the parameters' {@code grad()}; no optimizer step.
     * With a mean-reduced loss and {@code weight = shard size / global batch size}, the
     * gradients of the shards of a batch add up to the gradient of the whole batch.
     *
     * @param model     the model
     * @param optimizer the optimizer whose parameters' gradients are cleared first
     * @param loss      the loss
     * @param batch     the batch (or shard)
     * @param weight    the factor of the loss in the backward pass (1 for a plain step)
     * @return the unweighted loss, correct count and size
     * @throws IllegalArgumentException if the weight is not finite
     */
    public static Result gradients(Module model, Optimizer optimizer, Loss loss, Batch batch, double weight) {
        if (!Double.isFinite(weight)) {
            throw new IllegalArgumentException("TrainingStep.gradients: weight " + weight + " must be finite");
        }
        double value;
        Tensor output;
        optimizer.zeroGrad();
        try (Tape tape = Tape.record()) {
            output = model.forward(batch.x());
            Tensor l = loss.apply(output, batch);
            value = l.item();
            tape.backward(weight == 1.0 ? l : l.mul(weight));
        }
        return new Result(value, batch.labels() == null ? -1 : countCorrect(output, batch.labels()), batch.size());
    }

    /**
     * Copies the accumulated gradients of the parameters (zeros where a parameter has none).
     *
     * @param parameters the parameters, for example {@link Optimizer#parameters()}
     * @return one array per parameter, of its size
     */
    public static double[][] gradientArrays(List<Tensor> parameters) {
        double[][] out = new double[parameters.size()][];
        for (int i = 0; i < out.length; i++) {
            Tensor g = parameters.get(i).grad();
            out[i] = g == null ? new double[parameters.get(i).size()] : g.toArray();
        }
        return out;
    }

    /**
     * @param output one row of scores per sample
     * @param labels the class of each row
     * @return rows whose largest score is at the label's index
     */
    public static long countCorrect(Tensor output, int[] labels) {
        int[] pred = Metrics.argmax(output);
        long c = 0;
        for (int i = 0; i < labels.length; i++) {
            if (pred[i] == labels[i]) {
                c++;
            }
        }
        return c;
    }
}
