package dev.tapegrad.cli;

import dev.tapegrad.nn.History;
import dev.tapegrad.nn.TrainingCallback;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * A progress bar drawn in place on one terminal line while an epoch runs: samples done, speed,
 * time left, and the running loss and accuracy. At the end of the epoch the line is cleared, so
 * that only the trainer's one summary line per epoch stays on the screen (no finished bars pile
 * up). Used only on a terminal at least {@link #MIN_WIDTH} columns wide and outside CI (see
 * {@link #wanted()}); otherwise the plain per-epoch lines are all there is.
 */
final class ProgressBarCallback implements TrainingCallback {

    /** The narrowest terminal that gets a bar. */
    static final int MIN_WIDTH = 60;
    /** Redraw at most this often. */
    static final long REDRAW_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final PrintStream stream;
    private final int width;
    private int epochs;
    private int samples;
    private int epoch;
    private long start;
    private long lastDraw;
    private double lossSum;
    private long correct;
    private int seen;
    private boolean drawn;

    /**
     * @param stream the terminal (standard error)
     * @param width  its width in columns
     */
    ProgressBarCallback(PrintStream stream, int width) {
        this.stream = stream;
        this.width = width;
    }

    /** @return whether a bar makes sense here: an interactive terminal, wide enough, and not CI */
    static boolean wanted() {
        return wanted(System.console() != null, System.getenv("CI"), System.console() != null ? terminalWidth() : 0);
    }

    static boolean wanted(boolean console, String ci, int width) {
        return console && (ci == null || ci.isEmpty() || ci.equals("false")) && width >= MIN_WIDTH;
    }

    /** @return the terminal's width: $COLUMNS, else what {@code stty size} says, else 80 */
    static int terminalWidth() {
        try {
            return Integer.parseInt(System.getenv().getOrDefault("COLUMNS", "").trim());
        } catch (NumberFormatException notSet) {
            // ask the terminal
        }
        try {
            Process p = new ProcessBuilder("sh", "-c", "stty size < /dev/tty").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            if (p.waitFor(2, TimeUnit.SECONDS) && p.exitValue() == 0 && out.matches("\\d+ \\d+")) {
                return Integer.parseInt(out.split(" ")[1]);
            }
        } catch (java.io.IOException | RuntimeException e) {
            // no stty: assume the usual width
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 80;
    }

    @Override
    public void onTrainBegin(int epochCount, int batchesPerEpoch, int samplesPerEpoch) {
        this.epochs = epochCount;
        this.samples = samplesPerEpoch;
    }

    @Override
    public void onEpochBegin(int e) {
        epoch = e;
        lossSum = 0;
        correct = 0;
        seen = 0;
        start = System.nanoTime();
        lastDraw = 0;
        draw();
    }

    @Override
    public void onBatchEnd(int e, int batch, double loss, int batchSize, int right) {
        lossSum += loss * batchSize;
        correct += right;
        seen += batchSize;
        long now = System.nanoTime();
        if (now - lastDraw >= REDRAW_NANOS) {
            draw();
        }
    }

    @Override
    public void onEpochEnd(History.Epoch e, History history) {
        clear();
    }

    @Override
    public void onTrainEnd(History history) {
        clear();
    }

    /** The bar's text for the current state, at most {@code width - 1} characters. */
    String line() {
        double secs = Math.max((System.nanoTime() - start) / 1e9, 1e-9);
        double rate = seen / secs;
        String head = String.format(Locale.ROOT, "epoch %d/%d ", epoch, epochs);
        String tail = String.format(Locale.ROOT, " %d/%d %,.0f/s ETA %s%s", seen, samples, rate,
                seen == 0 ? "-" : clock((samples - seen) / Math.max(rate, 1e-9)),
                seen == 0 ? "" : String.format(Locale.ROOT, "  loss %.4f  acc %.2f%%", lossSum / seen, 100.0 * correct / seen));
        int barWidth = Math.max(10, Math.min(30, width - 1 - head.length() - tail.length() - 2));
        int filled = samples == 0 ? 0 : (int) ((long) barWidth * seen / samples);
        String bar = "[" + "#".repeat(filled) + ".".repeat(barWidth - filled) + "]";
        String s = head + bar + tail;
        return s.length() > width - 1 ? s.substring(0, width - 1) : s;
    }

    private void draw() {
        String s = line();
        stream.print("\r" + s + " ".repeat(Math.max(0, width - 1 - s.length())));
        stream.flush();
        lastDraw = System.nanoTime();
        drawn = true;
    }

    private void clear() {
        if (drawn) {
            stream.print("\r" + " ".repeat(width - 1) + "\r");
            stream.flush();
            drawn = false;
        }
    }

    private static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
