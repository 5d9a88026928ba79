package dev.tapegrad.cli;

import dev.tapegrad.nn.History;
import dev.tapegrad.nn.TrainingCallback;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintStream;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * A terminal progress bar per epoch (the {@code me.tongfei:progressbar} library): samples done,
 * samples per second, ETA and the running loss. Only used when standard output is a terminal
 * and no CI variable is set (see {@link #wanted()}).
 */
final class ProgressBarCallback implements TrainingCallback {

    private final PrintStream stream;
    private int epochs;
    private int samples;
    private ProgressBar bar;
    private double lossSum;
    private int seen;

    ProgressBarCallback(PrintStream stream) {
        this.stream = stream;
    }

    /** @return whether a progress bar makes sense: a terminal, and not CI */
    static boolean wanted() {
        String ci = System.getenv("CI");
        return System.console() != null && (ci == null || ci.isEmpty() || ci.equals("false"));
    }

    @Override
    public void onTrainBegin(int epochCount, int batchesPerEpoch, int samplesPerEpoch) {
        this.epochs = epochCount;
        this.samples = samplesPerEpoch;
    }

    @Override
    public void onEpochBegin(int epoch) {
        lossSum = 0;
        seen = 0;
        bar = new ProgressBarBuilder()
                .setTaskName(String.format(Locale.ROOT, "epoch %d/%d", epoch, epochs))
                .setInitialMax(samples)
                .setUnit(" samples", 1)
                .showSpeed()
                .setSpeedUnit(ChronoUnit.SECONDS)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(200)
                .setMaxRenderedLength(110)
                .setConsumer(new ConsoleProgressBarConsumer(stream))
                .setEtaFunction(state -> state.getCurrent() <= 0 ? java.util.Optional.empty()
                        : java.util.Optional.of(Duration.ofMillis(
                        (long) (state.getElapsedAfterStart().toMillis() * (double) (state.getMax() - state.getCurrent())
                                / state.getCurrent()))))
                .build();
    }

    @Override
    public void onBatchEnd(int epoch, int batch, double loss, int batchSize) {
        lossSum += loss * batchSize;
        seen += batchSize;
        bar.stepBy(batchSize);
        bar.setExtraMessage(String.format(Locale.ROOT, " loss %.4f", lossSum / seen));
    }

    @Override
    public void onEpochEnd(History.Epoch epoch, History history) {
        close();
    }

    @Override
    public void onTrainEnd(History history) {
        close();
    }

    private void close() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
