package dev.tapegrad.cli;

import dev.tapegrad.Tape;
import dev.tapegrad.Tensor;
import dev.tapegrad.nn.AtomicFiles;
import dev.tapegrad.nn.DataLoader;
import dev.tapegrad.nn.Dataset;
import dev.tapegrad.nn.Batch;
import dev.tapegrad.nn.Metrics;
import dev.tapegrad.nn.data.CsvReader;
import dev.tapegrad.nn.data.DataFileException;
import dev.tapegrad.nn.data.DataSources;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code tapegrad predict}: applies a saved model to a data set and writes one line per sample:
 * the predicted class, its name and the probability of every class.
 */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Predict the class of every sample of a data set with a saved model.",
                "Writes CSV: sample,[label,]prediction,name and one column per class (its probability: the softmax of",
                "the logits, or the model's output when it has an output activation)."},
        footer = {"", "Examples:",
                "  tapegrad predict --model model.safetensors --data csv:new-samples.csv --out predictions.csv",
                "  tapegrad predict --model model.safetensors            # the test split of the data it was trained on"})
public final class PredictCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "A model file written by 'tapegrad train --save'.")
    Path model;

    @Option(names = "--data", paramLabel = "SPEC",
            description = "csv:FILE (features only, or features and a label), digits, iris or idx:DIR (their test split). Default: the model's data set.")
    String data;

    @Option(names = "--label-column", paramLabel = "N", description = "For csv:FILE with labels: the label column, 0-based, negative from the end. Default: the model's.")
    Integer labelColumn;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the predictions here (CSV). Default: standard output.")
    Path out;

    @Mixin
    DataOptions dataOptions;

    @Option(names = "--threads", paramLabel = "N", description = "Threads for the parallel kernels (default: all cores).")
    Integer threads;

    @Override
    public Integer call() throws IOException {
        Threads.apply(threads);
        new OutputTargets().add("--out", out).check();
        ModelSpec.Loaded loaded = EvalCommand.loadModel(model);
        ModelSpec ms = loaded.spec();
        String source = data != null ? data : ms.data();
        int column = labelColumn != null ? labelColumn : ms.labelColumn();
        int inputs = ms.sizes()[0];
        Dataset samples;
        boolean labelled = true;
        if (source.trim().startsWith("csv:")) {
            Path file = Path.of(source.trim().substring(4));
            DataSources.Options o = dataOptions.options(column);
            try {
                samples = CsvReader.builder().labelColumn(CsvReader.NO_LABEL).delimiter(o.delimiter()).build().read(file);
                if (samples.featureCount() != inputs) {
                    samples = CsvReader.builder().labelColumn(column).delimiter(o.delimiter()).classes(o.classes()).build().read(file);
                } else {
                    labelled = false;
                }
            } catch (DataFileException e) {
                throw new CliException(e.getMessage());
            }
        } else {
            samples = TrainCommand.loadData(source, dataOptions.options(column)).test();
        }
        if (samples.featureCount() != inputs) {
            throw new CliException(source + ": samples have " + samples.featureCount() + " features (with a label column: "
                    + (samples.featureCount() + 1) + " columns) but model " + model + " takes " + inputs);
        }
        samples = ms.preprocessing().apply(samples);
        List<String> names = ms.classNames();
        boolean logits = ms.outputActivation().equals("none");
        StringBuilder csv = new StringBuilder("sample");
        csv.append(labelled ? ",label" : "").append(",prediction,name");
        for (String n : names) {
            csv.append(',').append(quote(n));
        }
        csv.append('\n');
        int correct = 0;
        int row = 0;
        loaded.model().eval();
        try (Tape.Pause paused = Tape.pause()) {
            for (Batch b : DataLoader.sequential(samples, 1000)) {
                Tensor y = loaded.model().forward(b.x());
                Tensor p = logits ? y.softmax(-1) : y;
                int[] pred = Metrics.argmax(y);
                double[] pv = p.toArray();
                for (int i = 0; i < b.size(); i++, row++) {
                    csv.append(row);
                    if (labelled) {
                        csv.append(',').append(b.labels()[i]);
                        correct += b.labels()[i] == pred[i] ? 1 : 0;
                    }
                    csv.append(',').append(pred[i]).append(',').append(quote(names.get(pred[i])));
                    for (int c = 0; c < names.size(); c++) {
                        csv.append(',').append(pv[i * names.size() + c]);
                    }
                    csv.append('\n');
                }
            }
        }
        PrintWriter stdout = spec.commandLine().getOut();
        if (out == null) {
            stdout.print(csv);
        } else {
            AtomicFiles.write(out, os -> {
                Writer w = new java.io.OutputStreamWriter(os, StandardCharsets.UTF_8);
                w.write(csv.toString());
                w.flush();
            });
            stdout.printf(Locale.ROOT, "predictions: %s (%d samples of %s)%s%n", out, row, source, labelled
                    ? String.format(Locale.ROOT, ", accuracy %.2f%% (%d/%d)", 100.0 * correct / row, correct, row) : "");
        }
        stdout.flush();
        return 0;
    }

    /** A CSV cell: quoted when it holds a comma, a quote or a line break. */
    static String quote(String s) {
        return s.matches(".*[,\"\\n\\r].*") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
