package dev.tapegrad.nn;

import dev.tapegrad.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A resumable training checkpoint, as {@link Trainer.Builder#saveState(Path)} writes it after each
 * epoch and {@link Trainer.Builder#resumeFrom(Path)} reads it: one safetensors file with the
 * model's parameters ({@code model.<name>}), the best epoch's parameters ({@code best.<name>}),
 * the optimizer's state ({@code optimizer.<table>.<index>}, e.g. Adam's moments), the history so
 * far (tensor {@code history}, one row per epoch) and, in the metadata, the epochs done, the
 * optimizer's step count and learning rate, and the early-stopping counters. The batch order is
 * restored by replaying the shuffles of the epochs done on the trainer's freshly seeded
 * generator, so a resumed run continues bit-identically to one that was never interrupted.
 *
 * <p>Not captured: random generators inside modules (for example {@link Dropout}'s masks).
 *
 * @param epochsDone   the epochs completed
 * @param history      their figures
 * @param best         the best monitored score so far (NaN if none)
 * @param bestEpoch    the best epoch (-1 if none)
 * @param bestWeights  the best epoch's parameter values, in {@link Module#parameters()} order, or null
 * @param sinceBest    epochs since the best one
 */
record TrainingState(int epochsDone, History history, double best, int bestEpoch, double[][] bestWeights,
                     int sinceBest) {

    static final String FORMAT = "tapegrad-checkpoint";

    /** Writes the state of a run (atomically: an interrupted write keeps the previous checkpoint). */
    void write(Path file, Module model, Optimizer optimizer, Map<String, String> extra) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Map<String, Tensor> params = model.namedState();
        params.forEach((k, v) -> tensors.put("model." + k, v));
        if (bestWeights != null) {
            int i = 0;
            for (Map.Entry<String, Tensor> e : params.entrySet()) {
                tensors.put("best." + e.getKey(), Tensor.of(bestWeights[i++], e.getValue().shape()));
            }
        }
        optimizer.state().forEach((k, v) -> tensors.put("optimizer." + k, Tensor.of(v, v.length)));
        List<History.Epoch> rs = history.records();
        double[] h = new double[rs.size() * 8];
        for (int i = 0; i < rs.size(); i++) {
            History.Epoch e = rs.get(i);
            System.arraycopy(new double[] {e.epoch(), e.loss(), e.accuracy(), e.valLoss(), e.valAccuracy(),
                    e.learningRate(), e.seconds(), e.samplesPerSecond()}, 0, h, 8 * i, 8);
        }
        tensors.put("history", Tensor.of(h, rs.size(), 8));
        Map<String, String> meta = new LinkedHashMap<>();
        if (extra != null) {
            meta.putAll(extra);
        }
        meta.put("format", FORMAT);
        meta.put("optimizer", optimizer.getClass().getName());
        meta.put("epochs_done", Integer.toString(epochsDone));
        meta.put("steps", Integer.toString(optimizer.stepCount()));
        meta.put("learning_rate", Double.toString(optimizer.learningRate()));
        meta.put("best", Double.toString(best));
        meta.put("best_epoch", Integer.toString(bestEpoch));
        meta.put("since_best", Integer.toString(sinceBest));
        meta.put("stopped_early", Boolean.toString(history.stoppedEarly()));
        SafeTensors.write(file, tensors, meta);
    }

    /**
     * Reads a checkpoint into {@code model} and {@code optimizer}: everything is checked (names,
     * shapes, the optimizer's class) before either changes.
     *
     * @return the counters and history of the run so far
     * @throws IOException naming the file if it is not a checkpoint of this model and optimizer
     */
    static TrainingState read(Path file, Module model, Optimizer optimizer) throws IOException {
        Map<String, String> meta = SafeTensors.metadata(file);
        if (!FORMAT.equals(meta.get("format"))) {
            throw new IOException(file + ": not a training checkpoint (written by Trainer.Builder.saveState)");
        }
        if (!optimizer.getClass().getName().equals(meta.get("optimizer"))) {
            throw new IOException(file + ": the checkpoint holds the state of " + meta.get("optimizer") + ", not of "
                    + optimizer.getClass().getName());
        }
        Map<String, Tensor> all = SafeTensors.read(file);
        Map<String, Tensor> params = model.namedState();
        Map<String, double[]> weights = new LinkedHashMap<>();
        double[][] best = all.containsKey("best." + params.keySet().iterator().next()) ? new double[params.size()][] : null;
        int i = 0;
        for (Map.Entry<String, Tensor> e : params.entrySet()) {
            weights.put(e.getKey(), values(file, all, "model." + e.getKey(), e.getValue().shape()));
            if (best != null) {
                best[i] = values(file, all, "best." + e.getKey(), e.getValue().shape());
            }
            i++;
        }
        Map<String, double[]> opt = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : all.entrySet()) {
            if (e.getKey().startsWith("optimizer.")) {
                opt.put(e.getKey().substring("optimizer.".length()), e.getValue().toArray());
            }
        }
        Tensor h = all.get("history");
        if (h == null || h.rank() != 2 || h.shape(1) != 8) {
            throw new IOException(file + ": checkpoint has no valid history tensor");
        }
        int done;
        int steps;
        double rate;
        double bestScore;
        int bestEpoch;
        int sinceBest;
        try {
            done = Integer.parseInt(meta.get("epochs_done"));
            steps = Integer.parseInt(meta.get("steps"));
            rate = Double.parseDouble(meta.get("learning_rate"));
            bestScore = Double.parseDouble(meta.get("best"));
            bestEpoch = Integer.parseInt(meta.get("best_epoch"));
            sinceBest = Integer.parseInt(meta.get("since_best"));
        } catch (NumberFormatException | NullPointerException e) {
            throw new IOException(file + ": checkpoint counters are missing or not numbers", e);
        }
        if (done != h.shape(0)) {
            throw new IOException(file + ": checkpoint says " + done + " epochs done but holds " + h.shape(0) + " history rows");
        }
        try {
            optimizer.loadState(steps, opt);
            optimizer.setLearningRate(rate);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
        for (Map.Entry<String, Tensor> e : params.entrySet()) {
            double[] src = weights.get(e.getKey());
            System.arraycopy(src, 0, e.getValue().leafValues(), 0, src.length);
        }
        History history = new History();
        double[] hv = h.toArray();
        for (int r = 0; r < done; r++) {
            int o = 8 * r;
            history.add(new History.Epoch((int) hv[o], hv[o + 1], hv[o + 2], hv[o + 3], hv[o + 4], hv[o + 5], hv[o + 6],
                    hv[o + 7]));
        }
        history.setBestEpoch(bestEpoch);
        history.setStoppedEarly(Boolean.parseBoolean(meta.get("stopped_early")));
        return new TrainingState(done, history, bestScore, bestEpoch, best, sinceBest);
    }

    private static double[] values(Path file, Map<String, Tensor> all, String name, int[] shape) throws IOException {
        Tensor t = all.get(name);
        if (t == null) {
            throw new IOException(file + ": checkpoint has no tensor '" + name + "' (is it a checkpoint of this model?)");
        }
        if (!java.util.Arrays.equals(t.shape(), shape)) {
            throw new IOException(file + ": checkpoint tensor '" + name + "' has shape " + java.util.Arrays.toString(t.shape())
                    + " but the model expects " + java.util.Arrays.toString(shape));
        }
        return t.toArray();
    }
}
