package dev.tapegrad.cli;

import dev.tapegrad.nn.SafeTensors;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** The checkpoint, resume and model-layout options of {@code tapegrad train} (a picocli mixin). */
final class TrainFiles {

    /** The checkpoint metadata key holding the options that must match on resume. */
    static final String OPTIONS_KEY = "cli.options";

    @Option(names = "--checkpoint", paramLabel = "FILE",
            description = "After every epoch, write a resumable checkpoint here (weights, optimizer state, history, early-stopping counters).")
    Path checkpoint;

    @Option(names = "--resume", paramLabel = "FILE",
            description = "Continue the run of this checkpoint (same options; --epochs may grow unless the schedule depends on it); the result is bit-identical to an uninterrupted run. Checkpoints keep going to FILE unless --checkpoint is given.")
    Path resume;

    @Option(names = "--layout", defaultValue = "tapegrad",
            description = "Layout of the --save file's Linear weights: tapegrad ([in, out]) or pytorch ([out, in], a PyTorch state_dict). Both are read back by eval and predict. Default: ${DEFAULT-VALUE}.")
    String layout;

    /** @return where checkpoints are written, or null */
    Path stateFile() {
        return checkpoint != null ? checkpoint : resume;
    }

    /** @return the --layout value as a layout */
    SafeTensors.Layout layout() {
        switch (layout.toLowerCase(java.util.Locale.ROOT)) {
            case "tapegrad":
                return SafeTensors.Layout.TAPEGRAD;
            case "pytorch":
                return SafeTensors.Layout.PYTORCH;
            default:
                throw new CliException("usage: --layout " + layout + " is not one of tapegrad, pytorch");
        }
    }

    /**
     * Checks that the --resume file is a checkpoint of a run with the same options.
     *
     * @param options the options of this run, as {@link TrainCommand} describes them
     */
    void checkResume(String options) {
        if (resume == null) {
            return;
        }
        if (!Files.isRegularFile(resume)) {
            throw new CliException("--resume " + resume + ": no such checkpoint file");
        }
        Map<String, String> meta;
        try {
            meta = SafeTensors.metadata(resume);
        } catch (IOException e) {
            throw new CliException("--resume " + TapegradCommand.oneLine(e.getMessage()));
        }
        String saved = meta.get(OPTIONS_KEY);
        if (saved == null) {
            throw new CliException("--resume " + resume + ": not a checkpoint written by 'tapegrad train --checkpoint'");
        }
        if (!saved.equals(options)) {
            throw new CliException("usage: --resume " + resume + ": the checkpoint was made with options '" + saved
                    + "' but this run has '" + options + "'; resume with the same options");
        }
    }

    /** The options a resumed run must share with the checkpoint's (outputs, threads and, for a constant or exponential c.schedule, --epochs aside). */
    static String fingerprint(TrainCommand c) {
        return String.join(" ", "--data", c.data.trim(), "--label-column", Integer.toString(c.labelColumn), "--classes",
                Integer.toString(c.dataOptions.classes), "--delimiter", c.dataOptions.delimiter, "--layers", c.layers, "--activation", c.activation,
                "--output-activation", c.outputActivation, "--loss", c.loss, "--optimizer", c.optimizer, "--lr", String.valueOf(c.lr),
                "--momentum", Double.toString(c.momentum), "--weight-decay", Double.toString(c.weightDecay), "--schedule", c.schedule,
                c.schedule.equals("cosine") || c.schedule.equals("step") ? "--epochs " + c.epochs : "", "--batch", Integer.toString(c.batch),
                "--seed", Long.toString(c.seed), "--val-fraction", Double.toString(c.valFraction), "--patience", Integer.toString(c.patience),
                "--normalize", c.normalize, "--augment", c.augment, "--init", c.init).replaceAll(" +", " ");
    }
}
