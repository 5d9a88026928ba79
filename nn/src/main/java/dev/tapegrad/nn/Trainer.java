package dev.tapegrad.nn;

import dev.tapegrad.Tape;
import dev.tapegrad.Tensor;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * The training loop: epochs of shuffled mini-batches, one optimizer step per batch, a
 * learning-rate schedule per epoch, evaluation on a validation set after each epoch, early
 * stopping, a best-model checkpoint (kept in memory, restored at the end, and optionally written
 * to a file), a {@link History} of plain numbers and {@link TrainingCallback}s.
 *
 * <pre>{@code
 * History h = Trainer.builder(model, new Adam(model.parameters(), 1e-3), Losses::crossEntropy)
 *     .epochs(20).batchSize(128).validation(valSet).earlyStopping(3).progress(true).seed(42)
 *     .build().fit(trainSet);                       // h.loss(), h.valAccuracy(): double[]
 * }</pre>
 *
 * <p>Determinism: the batch order comes from a generator seeded by {@link Builder#seed(long)}
 * (or given with {@link Builder#shuffle(RandomGenerator)}), so the same seed, data and initial
 * weights give bit-identical weights and history (times aside).
 *
 * <p>Accuracy is the fraction of rows whose largest output is at the label's index, so the model
 * must output one score (a logit or probability) per class. A data set of target values without
 * labels (regression, sequences: {@link Dataset#of(Tensor, Tensor)}) trains the same way, with
 * the loss against {@link Batch#values()} and accuracy NaN.
 */
public final class Trainer {

    /** What decides the best epoch and early stopping. */
    public enum Monitor {
        /** Lowest validation loss (or training loss without a validation set). */
        VAL_LOSS,
        /** Highest validation accuracy (or training accuracy without a validation set). */
        VAL_ACCURACY
    }

    private final Module model;
    private final Optimizer optimizer;
    private final Loss loss;
    private final int epochs;
    private final int batchSize;
    private final Dataset validation;
    private final int patience;
    private final Monitor monitor;
    private final boolean restoreBest;
    private final Path checkpoint;
    private final Path stateFile;
    private final Path resumeFile;
    private final Map<String, String> stateMetadata;
    private final LearningRateSchedule schedule;
    private final RandomGenerator shuffle;
    private final PrintStream progress;
    private final List<TrainingCallback> callbacks;

    private Trainer(Builder b) {
        this.model = b.model;
        this.optimizer = b.optimizer;
        this.loss = b.loss;
        this.epochs = b.epochs;
        this.batchSize = b.batchSize;
        this.validation = b.validation;
        this.patience = b.patience;
        this.monitor = b.monitor;
        this.restoreBest = b.restoreBest;
        this.checkpoint = b.checkpoint;
        this.stateFile = b.stateFile;
        this.resumeFile = b.resumeFile;
        this.stateMetadata = Map.copyOf(b.stateMetadata);
        this.schedule = b.schedule;
        this.shuffle = b.shuffle != null ? b.shuffle : RandomGeneratorFactory.of("L64X128MixRandom").create(b.seed);
        this.progress = b.progress;
        this.callbacks = List.copyOf(b.callbacks);
    }

    /**
     * Starts configuring a trainer.
     *
     * @param model     the model to train (its parameters are the optimizer's)
     * @param optimizer the optimizer
     * @param loss      the loss, for example {@code Losses::crossEntropy}
     * @return a builder with 10 epochs, batch size 32, no validation, no early stopping, seed 0
     */
    public static Builder builder(Module model, Optimizer optimizer, Loss loss) {
        return new Builder(model, optimizer, loss);
    }

    /** Options of a {@link Trainer}. */
    public static final class Builder {
        private final Module model;
        private final Optimizer optimizer;
        private final Loss loss;
        private int epochs = 10;
        private int batchSize = 32;
        private Dataset validation;
        private int patience = 0;
        private Monitor monitor = Monitor.VAL_LOSS;
        private boolean restoreBest = true;
        private Path checkpoint;
        private Path stateFile;
        private Path resumeFile;
        private final Map<String, String> stateMetadata = new java.util.LinkedHashMap<>();
        private LearningRateSchedule schedule;
        private long seed;
        private RandomGenerator shuffle;
        private PrintStream progress;
        private final List<TrainingCallback> callbacks = new ArrayList<>();

        private Builder(Module model, Optimizer optimizer, Loss loss) {
            this.model = Objects.requireNonNull(model, "Trainer: model is null");
            this.optimizer = Objects.requireNonNull(optimizer, "Trainer: optimizer is null");
            this.loss = Objects.requireNonNull(loss, "Trainer: loss is null");
        }

        /**
         * @param count the number of epochs (at most; early stopping may end sooner)
         * @return this builder
         */
        public Builder epochs(int count) {
            if (count <= 0) {
                throw new IllegalArgumentException("Trainer: epochs must be positive, got " + count);
            }
            this.epochs = count;
            return this;
        }

        /**
         * @param size samples per mini-batch
         * @return this builder
         */
        public Builder batchSize(int size) {
            if (size <= 0) {
                throw new IllegalArgumentException("Trainer: batch size must be positive, got " + size);
            }
            this.batchSize = size;
            return this;
        }

        /**
         * @param data the validation set, evaluated after each epoch (null for none)
         * @return this builder
         */
        public Builder validation(Dataset data) {
            this.validation = data;
            return this;
        }

        /**
         * Stops when the monitored figure has not improved for {@code patience} epochs.
         *
         * @param patience epochs without improvement before stopping; 0 disables early stopping
         * @return this builder
         */
        public Builder earlyStopping(int patience) {
            if (patience < 0) {
                throw new IllegalArgumentException("Trainer: patience must be non-negative, got " + patience);
            }
            this.patience = patience;
            return this;
        }

        /**
         * @param what the figure that picks the best epoch and drives early stopping
         * @return this builder
         */
        public Builder monitor(Monitor what) {
            this.monitor = Objects.requireNonNull(what);
            return this;
        }

        /**
         * @param restore whether to put the best epoch's weights back into the model at the end
         *                (default true)
         * @return this builder
         */
        public Builder restoreBest(boolean restore) {
            this.restoreBest = restore;
            return this;
        }

        /**
         * @param file where to save the model (safetensors) each time the monitored figure improves
         * @return this builder
         */
        public Builder checkpoint(Path file) {
            this.checkpoint = file;
            return this;
        }

        /**
         * Writes a resumable checkpoint ({@link TrainingState}: weights, optimizer state, history,
         * early-stopping counters) to {@code file} after every epoch, atomically.
         *
         * @param file the checkpoint file (null for none)
         * @return this builder
         */
        public Builder saveState(Path file) {
            this.stateFile = file;
            return this;
        }

        /**
         * Continues the run whose checkpoint {@link #saveState(Path)} wrote: {@link #fit} loads the
         * weights, the optimizer's state and the history, replays the batch shuffles of the epochs
         * done, and runs the remaining epochs up to {@link #epochs(int)}. With the same seed, data,
         * options and model, the result is bit-identical to a run that was never interrupted.
         *
         * <pre>{@code
         * Trainer.builder(model, opt, loss).epochs(4).seed(1).saveState(ck).resumeFrom(ck).build().fit(train);
         * }</pre>
         *
         * @param file the checkpoint (null: start afresh)
         * @return this builder
         */
        public Builder resumeFrom(Path file) {
            this.resumeFile = file;
            return this;
        }

        /**
         * @param key   a metadata key stored in every checkpoint of {@link #saveState(Path)}
         * @param value its value (for example a description of the options, to check on resume)
         * @return this builder
         */
        public Builder stateMetadata(String key, String value) {
            this.stateMetadata.put(key, value);
            return this;
        }

        /**
         * Sets the learning rate at the start of each epoch.
         *
         * @param epochToRate the schedule, called with the 0-based epoch index, for example
         *                    {@code LearningRateSchedule.cosine(1e-3, 20, 1e-5)} or {@code e -> 1e-3 * Math.pow(0.9, e)}
         *                    (null: keep the optimizer's rate)
         * @return this builder
         */
        public Builder schedule(LearningRateSchedule epochToRate) {
            this.schedule = epochToRate;
            return this;
        }

        /**
         * @param value seed of the batch shuffling (default 0)
         * @return this builder
         */
        public Builder seed(long value) {
            this.seed = value;
            this.shuffle = null;
            return this;
        }

        /**
         * @param rng the generator that shuffles the batches (overrides {@link #seed(long)})
         * @return this builder
         */
        public Builder shuffle(RandomGenerator rng) {
            this.shuffle = rng;
            return this;
        }

        /**
         * @param on whether to print one summary line per epoch on standard output
         * @return this builder
         */
        public Builder progress(boolean on) {
            this.progress = on ? System.out : null;
            return this;
        }

        /**
         * @param out where to print one summary line per epoch (null for none)
         * @return this builder
         */
        public Builder progress(PrintStream out) {
            this.progress = out;
            return this;
        }

        /**
         * @param callback a hook called during training (several may be added; called in order)
         * @return this builder
         */
        public Builder callback(TrainingCallback callback) {
            this.callbacks.add(Objects.requireNonNull(callback));
            return this;
        }

        /** @return the trainer */
        public Trainer build() {
            return new Trainer(this);
        }
    }

    /**
     * Trains the model on {@code train}.
     *
     * @param train the training set
     * @return the history of the run
     * @throws UncheckedIOException if the checkpoint file cannot be written
     */
    public History fit(Dataset train) {
        if (monitor == Monitor.VAL_ACCURACY && !(validation != null ? validation : train).hasLabels()) {
            throw new IllegalArgumentException("Trainer: monitor VAL_ACCURACY needs class labels; " + (validation != null
                    ? validation : train) + " has none (monitor VAL_LOSS instead)");
        }
        DataLoader loader = DataLoader.of(train, batchSize, shuffle);
        return fit(loader, loader.batchCount(), train.size(), b -> TrainingStep.run(model, optimizer, loss, b));
    }

    /**
     * Trains with steps that someone else defines: each pass over {@code batches} is one epoch and
     * {@code step} turns each item into one optimizer step. Everything else (schedule, validation,
     * early stopping, best weights, history, callbacks) is as in {@link #fit(Dataset)}, which is
     * {@code fit(loader, loader.batchCount(), n, b -> TrainingStep.run(model, optimizer, loss, b))}.
     * A data-parallel trainer passes the shards of each global batch and a step that sums the
     * workers' gradients before {@link Optimizer#step(double[][])}.
     *
     * @param batches     what one epoch iterates over (a fresh pass per epoch)
     * @param batchCount  items per pass (for the callbacks)
     * @param sampleCount samples per pass (for the callbacks)
     * @param step        runs one optimizer step (none if the loss is not finite) and reports the whole
     *                    batch's mean loss, correct count (negative for a batch without labels: the
     *                    epoch's accuracy is NaN) and size
     * @param <T>         the item type, for example {@link Batch}
     * @return the history of the run
     */
    public <T> History fit(Iterable<T> batches, int batchCount, int sampleCount,
                           java.util.function.Function<T, TrainingStep.Result> step) {
        History history = new History();
        for (TrainingCallback c : callbacks) {
            c.onTrainBegin(epochs, batchCount, sampleCount);
        }
        double best = Double.NaN;
        int bestEpoch = -1;
        double[][] bestWeights = null;
        int sinceBest = 0;
        int firstEpoch = 1;
        if (resumeFile != null) {
            TrainingState s = readState();
            history = s.history();
            best = s.best();
            bestEpoch = s.bestEpoch();
            bestWeights = s.bestWeights();
            sinceBest = s.sinceBest();
            for (int e = 0; e < s.epochsDone(); e++) {
                batches.iterator();   // replays the shuffle of an epoch done, so that the batch order continues
            }
            firstEpoch = history.stoppedEarly() ? epochs + 1 : s.epochsDone() + 1;
        }
        for (int epoch = firstEpoch; epoch <= epochs; epoch++) {
            if (schedule != null) {
                schedule.apply(optimizer, epoch - 1);
            }
            double rate = optimizer.learningRate();
            for (TrainingCallback c : callbacks) {
                c.onEpochBegin(epoch);
            }
            long start = System.nanoTime();
            model.train();
            double lossSum = 0;
            long correct = 0;
            int seen = 0;
            int batchNo = 0;
            boolean labelled = true;
            for (T b : batches) {
                batchNo++;
                TrainingStep.Result r = step.apply(b);
                double batchLoss = r.loss();
                if (!Double.isFinite(batchLoss)) {   // the step did not update: the weights stay finite
                    throw diverged(batchLoss, epoch, batchNo, rate, bestWeights, bestEpoch, history);
                }
                int right = (int) Math.max(0, r.correct());
                lossSum += batchLoss * r.size();
                correct += right;
                labelled &= r.correct() >= 0;
                seen += r.size();
                for (TrainingCallback c : callbacks) {
                    c.onBatchEnd(epoch, batchNo, batchLoss, r.size(), right);
                }
            }
            double trainSeconds = (System.nanoTime() - start) / 1e9;
            double valLoss = Double.NaN;
            double valAcc = Double.NaN;
            if (validation != null) {
                Evaluation ev = evaluate(model, loss, validation);
                valLoss = ev.loss();
                valAcc = ev.accuracy();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double acc = labelled ? (double) correct / seen : Double.NaN;
            History.Epoch record = new History.Epoch(epoch, lossSum / seen, acc, valLoss, valAcc,
                    rate, seconds, seen / Math.max(trainSeconds, 1e-9));
            history.add(record);

            double score = scoreOf(record);
            if (validation != null && !Double.isFinite(valLoss)) {
                String w = "Trainer: validation loss is " + valLoss + " after epoch " + epoch
                        + "; the epoch is not counted as an improvement";
                history.addWarning(w);
                if (progress != null) {
                    progress.println("warning: " + w);
                }
            }
            if (Double.isFinite(score) && (bestEpoch < 0 || score < best)) {
                best = score;
                bestEpoch = epoch;
                sinceBest = 0;
                bestWeights = snapshot();
                history.setBestEpoch(epoch);
                if (checkpoint != null) {
                    try {
                        model.save(checkpoint);
                    } catch (IOException e) {
                        throw new UncheckedIOException("Trainer: cannot write checkpoint " + checkpoint + ": " + e.getMessage(), e);
                    }
                }
            } else {
                sinceBest++;
            }
            for (TrainingCallback c : callbacks) {
                c.onEpochEnd(record, history);
            }
            if (progress != null) {  // after the callbacks, so that a progress bar is closed first
                progress.println(History.summary(record, epochs));
            }
            boolean stop = patience > 0 && sinceBest >= patience;
            for (TrainingCallback c : callbacks) {
                stop |= c.shouldStop(history);
            }
            if (stop && epoch < epochs) {
                history.setStoppedEarly(true);
            }
            if (stateFile != null) {
                writeState(new TrainingState(epoch, history, best, bestEpoch, bestWeights, sinceBest));
            }
            if (history.stoppedEarly()) {
                break;
            }
        }
        if (restoreBest && bestWeights != null) {
            restore(bestWeights);
        }
        model.eval();
        for (TrainingCallback c : callbacks) {
            c.onTrainEnd(history);
        }
        return history;
    }

    private TrainingState readState() {
        try {
            TrainingState s = TrainingState.read(resumeFile, model, optimizer);
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException("Trainer: cannot resume from " + resumeFile + ": " + e.getMessage(), e);
        }
    }

    private void writeState(TrainingState s) {
        try {
            s.write(stateFile, model, optimizer, stateMetadata);
        } catch (IOException e) {
            throw new UncheckedIOException("Trainer: cannot write checkpoint " + stateFile + ": " + e.getMessage(), e);
        }
    }

    /** Puts the best weights back (the current ones produced a non-finite loss) and describes what happened. */
    private TrainingDivergedException diverged(double batchLoss, int epoch, int batchNo, double rate, double[][] bestWeights,
                                               int bestEpoch, History history) {
        if (bestWeights != null) {
            restore(bestWeights);
        }
        model.eval();
        String kept = bestWeights != null ? "the weights of epoch " + bestEpoch + " (the best) were restored"
                : "the weights are those before the failing batch (no epoch completed)";
        return new TrainingDivergedException("Trainer: loss became " + batchLoss + " in epoch " + epoch + ", batch "
                + batchNo + " (learning rate " + rate + " may be too high); stopped before the update, " + kept,
                history, bestWeights != null ? bestEpoch : -1);
    }

    /** Smaller is better: accuracy is negated. */
    private double scoreOf(History.Epoch e) {
        boolean val = validation != null;
        if (monitor == Monitor.VAL_ACCURACY) {
            return -(val ? e.valAccuracy() : e.accuracy());
        }
        return val ? e.valLoss() : e.loss();
    }

    /** Parameters and buffers (BatchNorm's running statistics belong to the best epoch too). */
    private double[][] snapshot() {
        List<Tensor> ps = List.copyOf(model.namedState().values());
        double[][] copy = new double[ps.size()][];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = ps.get(i).leafValues().clone();
        }
        return copy;
    }

    private void restore(double[][] weights) {
        List<Tensor> ps = List.copyOf(model.namedState().values());
        for (int i = 0; i < weights.length; i++) {
            System.arraycopy(weights[i], 0, ps.get(i).leafValues(), 0, weights[i].length);
        }
    }

    /**
     * A model's loss and accuracy on a data set, and its predicted class for each sample.
     *
     * @param loss        mean loss per sample
     * @param accuracy    fraction of samples whose largest output is the label (NaN without labels)
     * @param predictions the predicted class of each sample (the largest output's index)
     */
    public record Evaluation(double loss, double accuracy, int[] predictions) {
    }

    /**
     * Evaluates a model in evaluation mode on a data set, in chunks of 1,000 samples, without
     * recording anything; the model is put back in its previous mode afterwards.
     *
     * @param model the model
     * @param loss  the loss (averaged per sample over the chunks)
     * @param data  the data set
     * @return loss, accuracy and predictions
     */
    public static Evaluation evaluate(Module model, Loss loss, Dataset data) {
        boolean wasTraining = model.isTraining();
        model.eval();
        int[] predictions = new int[data.size()];
        double lossSum = 0;
        long correct = 0;
        try (Tape.Pause paused = Tape.pause()) {
            int offset = 0;
            for (Batch b : DataLoader.sequential(data, 1000)) {
                Tensor out = model.forward(b.x());
                lossSum += loss.apply(out, b).item() * b.size();
                int[] pred = out.rank() == 2 ? Metrics.argmax(out) : new int[b.size()];
                for (int i = 0; b.labels() != null && i < b.size(); i++) {
                    if (pred[i] == b.labels()[i]) {
                        correct++;
                    }
                }
                System.arraycopy(pred, 0, predictions, offset, pred.length);
                offset += pred.length;
            }
        } finally {
            model.train(wasTraining);
        }
        return new Evaluation(lossSum / data.size(), data.hasLabels() ? (double) correct / data.size() : Double.NaN,
                predictions);
    }

    /**
     * A model's outputs for every sample of a data set, in order: in evaluation mode, in chunks of
     * 1,000 samples, without recording anything (see {@link Module#predict(Tensor)}); the model is
     * put back in its previous mode afterwards.
     *
     * <pre>{@code
     * Tensor yHat = Trainer.predict(model, test);        // [test.size(), outputs...]
     * int[] classes = Metrics.argmax(yHat);
     * }</pre>
     *
     * @param model the model
     * @param data  the inputs (labels and targets are not used)
     * @return the outputs, one row per sample
     */
    public static Tensor predict(Module model, Dataset data) {
        List<Tensor> parts = new ArrayList<>();
        for (Batch b : DataLoader.sequential(data, 1000)) {
            parts.add(model.predict(b.x()));
        }
        return Tensor.concat(0, parts.toArray(new Tensor[0]));
    }
}
