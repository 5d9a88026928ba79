package dev.tapegrad.cli;

import dev.tapegrad.nn.Dataset;
import dev.tapegrad.nn.Loss;
import dev.tapegrad.nn.Losses;
import dev.tapegrad.nn.Trainer;
import dev.tapegrad.nn.data.DataSources;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code tapegrad eval}: loads a model written by {@code tapegrad train --save} and reports its
 * accuracy, per-class precision, recall and F1, and confusion matrix on a test set (by default
 * the test split of the data set it was trained on).
 */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Evaluate a saved model: accuracy, per-class F1 and the confusion matrix on a test set.",
        footer = {"", "Example:", "  tapegrad train --save model.safetensors && tapegrad eval --model model.safetensors"})
public final class EvalCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "A model file written by 'tapegrad train --save'.")
    Path model;

    @Option(names = "--data", paramLabel = "SPEC", description = "digits, iris, idx:DIR or csv:FILE; its test split is used. Default: the data set the model was trained on.")
    String data;

    @Option(names = "--label-column", paramLabel = "N", description = "For csv:FILE: the label column, 0-based, negative from the end. Default: the model's.")
    Integer labelColumn;

    @picocli.CommandLine.Mixin
    DataOptions dataOptions;

    @Option(names = "--threads", paramLabel = "N", description = "Threads for the parallel kernels (default: all cores).")
    Integer threads;

    /**
     * Loads a model file, turning every problem into one line naming the file.
     *
     * @param model the file
     * @return the description and the network
     */
    static ModelSpec.Loaded loadModel(Path model) {
        try {
            return ModelSpec.load(model);
        } catch (CliException e) {
            throw e;
        } catch (IOException | IllegalArgumentException e) {
            throw new CliException(TapegradCommand.oneLine(e.getMessage()));
        }
    }

    @Override
    public Integer call() throws IOException {
        Threads.apply(threads);
        PrintWriter out = spec.commandLine().getOut();
        ModelSpec.Loaded loaded = loadModel(model);
        ModelSpec ms = loaded.spec();
        String source = data != null ? data : ms.data();
        DataSources.TrainTest tt = TrainCommand.loadData(source,
                dataOptions.options(labelColumn != null ? labelColumn : ms.labelColumn()));
        Dataset test = ms.preprocessing().apply(tt.test());
        int[] sizes = ms.sizes();
        if (test.featureCount() != sizes[0]) {
            throw new CliException(source + ": samples have " + test.featureCount() + " features but model " + model
                    + " takes " + sizes[0]);
        }
        if (test.classCount() > sizes[sizes.length - 1]) {
            throw new CliException(source + ": " + test.classCount() + " classes but model " + model + " predicts "
                    + sizes[sizes.length - 1]);
        }
        Loss loss = ms.outputActivation().equals("none") ? Losses::crossEntropy
                : TrainCommand.lossFunction("quadratic", sizes[sizes.length - 1]);
        Trainer.Evaluation ev = Trainer.evaluate(loaded.model(), loss, test);
        out.printf(Locale.ROOT, "model %s (%s), data %s: %d test samples%n", model, ms.describe(), source, test.size());
        out.println();
        out.print(Reports.classification(ev.predictions(), test.labels(), ms.classNames()));
        out.println();
        out.printf(Locale.ROOT, "test accuracy %.2f%% (%d/%d), test loss %.4f (%s)%n", 100 * ev.accuracy(),
                Math.round(ev.accuracy() * test.size()), test.size(), ev.loss(),
                ms.outputActivation().equals("none") ? "cross-entropy" : "quadratic");
        out.flush();
        return 0;
    }
}
