package dev.tapegrad.nn;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * What a {@link Trainer} run did, epoch by epoch, as plain numbers: training loss and accuracy,
 * validation loss and accuracy (NaN without a validation set), learning rate and wall time.
 *
 * <pre>{@code
 * History h = trainer.fit(train);
 * double[] loss = h.loss();  double last = h.valAccuracy()[h.epochs() - 1];
 * h.writeCsv(Path.of("history.csv"));
 * }</pre>
 *
 * <p>A history is plain numbers and {@link java.io.Serializable}, so that a distributed trainer can
 * send it from a worker back to the driver.
 */
public final class History implements java.io.Serializable {

    private static final long serialVersionUID = 1L;

    /**
     * One epoch's figures.
     *
     * @param epoch         1-based epoch number
     * @param loss          mean training loss over the epoch's samples
     * @param accuracy      training accuracy over the epoch (from the batches as they were trained)
     * @param valLoss       validation loss after the epoch, NaN without validation
     * @param valAccuracy   validation accuracy after the epoch, NaN without validation
     * @param learningRate  the learning rate used during the epoch
     * @param seconds       wall time of the epoch (training and validation)
     * @param samplesPerSecond training samples per second
     */
    public record Epoch(int epoch, double loss, double accuracy, double valLoss, double valAccuracy,
                        double learningRate, double seconds, double samplesPerSecond) implements java.io.Serializable {
    }

    private final List<Epoch> epochs = new ArrayList<>();
    private int bestEpoch = -1;
    private boolean stoppedEarly;
    private final List<String> warnings = new ArrayList<>();

    /** Creates an empty history (the trainer fills it). */
    public History() {
    }

    /**
     * Appends one epoch.
     *
     * @param e the epoch's figures
     */
    public void add(Epoch e) {
        epochs.add(e);
    }

    void setBestEpoch(int epoch) {
        this.bestEpoch = epoch;
    }

    void setStoppedEarly(boolean stopped) {
        this.stoppedEarly = stopped;
    }

    void addWarning(String warning) {
        warnings.add(warning);
    }

    /** @return what the trainer noticed but did not stop for (a non-finite validation loss, ...), in order */
    public List<String> warnings() {
        return Collections.unmodifiableList(warnings);
    }

    /** @return the recorded epochs, in order (read-only) */
    public List<Epoch> records() {
        return Collections.unmodifiableList(epochs);
    }

    /** @return the number of epochs run */
    public int epochs() {
        return epochs.size();
    }

    /** @return the last epoch's figures; throws if none ran */
    public Epoch last() {
        if (epochs.isEmpty()) {
            throw new IllegalStateException("History: no epoch has run");
        }
        return epochs.get(epochs.size() - 1);
    }

    /** @return the 1-based epoch whose weights were kept as best (by the monitored figure), or -1 */
    public int bestEpoch() {
        return bestEpoch;
    }

    /** @return whether early stopping ended the run before the planned number of epochs */
    public boolean stoppedEarly() {
        return stoppedEarly;
    }

    private double[] column(ToDoubleFunction<Epoch> f) {
        return epochs.stream().mapToDouble(f).toArray();
    }

    /** @return training loss per epoch */
    public double[] loss() {
        return column(Epoch::loss);
    }

    /** @return training accuracy per epoch */
    public double[] accuracy() {
        return column(Epoch::accuracy);
    }

    /** @return validation loss per epoch (NaN without validation) */
    public double[] valLoss() {
        return column(Epoch::valLoss);
    }

    /** @return validation accuracy per epoch (NaN without validation) */
    public double[] valAccuracy() {
        return column(Epoch::valAccuracy);
    }

    /** @return learning rate per epoch */
    public double[] learningRate() {
        return column(Epoch::learningRate);
    }

    /** @return wall seconds per epoch */
    public double[] seconds() {
        return column(Epoch::seconds);
    }

    /**
     * Writes the history as CSV with a header line:
     * {@code epoch,loss,accuracy,val_loss,val_accuracy,lr,seconds,samples_per_second}.
     * Numbers are written with {@link Double#toString} (exact round trip); NaN is written as an empty cell.
     *
     * The file is replaced atomically ({@link AtomicFiles}): a failed write leaves it as it was.
     *
     * @param file the file to (over)write
     * @throws IOException if it cannot be written
     */
    public void writeCsv(Path file) throws IOException {
        AtomicFiles.write(file, os -> {
            Writer w = new java.io.OutputStreamWriter(os, java.nio.charset.StandardCharsets.UTF_8);
            w.write("epoch,loss,accuracy,val_loss,val_accuracy,lr,seconds,samples_per_second\n");
            for (Epoch e : epochs) {
                w.write(e.epoch() + "," + cell(e.loss()) + "," + cell(e.accuracy()) + "," + cell(e.valLoss()) + ","
                        + cell(e.valAccuracy()) + "," + cell(e.learningRate()) + "," + cell(e.seconds()) + ","
                        + cell(e.samplesPerSecond()) + "\n");
            }
            w.flush();
        });
    }

    private static String cell(double v) {
        return Double.isNaN(v) ? "" : Double.toString(v);
    }

    /**
     * @param e           an epoch's figures
     * @param totalEpochs the planned number of epochs
     * @return a one-line summary such as {@code "epoch 3/20  loss 0.1234  acc 96.10%  val_loss 0.1500  val_acc 95.83%  lr 1.0e-03  0.41 s"}
     */
    public static String summary(Epoch e, int totalEpochs) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "epoch %d/%d  loss %.4f", e.epoch(), totalEpochs,
                e.loss()));
        if (!Double.isNaN(e.accuracy())) {  // NaN: targets without class labels
            sb.append(String.format(Locale.ROOT, "  acc %.2f%%", 100 * e.accuracy()));
        }
        if (!Double.isNaN(e.valLoss())) {
            sb.append(String.format(Locale.ROOT, "  val_loss %.4f", e.valLoss()));
            if (!Double.isNaN(e.valAccuracy())) {
                sb.append(String.format(Locale.ROOT, "  val_acc %.2f%%", 100 * e.valAccuracy()));
            }
        }
        sb.append(String.format(Locale.ROOT, "  lr %.2e  %.2f s  %.0f samples/s", e.learningRate(), e.seconds(),
                e.samplesPerSecond()));
        return sb.toString();
    }
}
