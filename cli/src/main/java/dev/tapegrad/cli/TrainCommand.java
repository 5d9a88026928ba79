package dev.tapegrad.cli;

import dev.tapegrad.Tensor;
import dev.tapegrad.nn.Adagrad;
import dev.tapegrad.nn.Adam;
import dev.tapegrad.nn.AdamW;
import dev.tapegrad.nn.Dataset;
import dev.tapegrad.nn.History;
import dev.tapegrad.nn.LearningRateSchedule;
import dev.tapegrad.nn.Loss;
import dev.tapegrad.nn.Losses;
import dev.tapegrad.nn.Module;
import dev.tapegrad.nn.Optimizer;
import dev.tapegrad.nn.RMSprop;
import dev.tapegrad.nn.SGD;
import dev.tapegrad.nn.Trainer;
import dev.tapegrad.nn.data.DataFileException;
import dev.tapegrad.nn.data.DataSources;
import dev.tapegrad.nn.data.ImageAugmentation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * {@code tapegrad train}: trains a multi-layer perceptron on a data set and reports its test
 * accuracy, per-class F1 and confusion matrix; writes the history (CSV), optionally the curves
 * (PNG) and the model (safetensors).
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a multi-layer perceptron and report its test accuracy.",
                "With no --data it trains on the UCI digits embedded in the jar (1,797 images of 8x8)."},
        footer = {"", "Examples:",
                "  tapegrad train",
                "  tapegrad train --data iris --layers 16 --epochs 60",
                "  tapegrad train --data idx:../shared/data/fashion-mnist --layers 256,128 --batch 128 --epochs 15 --plot curves.png",
                "  tapegrad train --data idx:DIR --layers 30 --activation sigmoid --output-activation sigmoid \\",
                "                 --loss quadratic --optimizer sgd --lr 3 --batch 10 --epochs 30 --init normal   # Nielsen"})
public final class TrainCommand implements Callable<Integer> {

    /** The hidden widths used when --layers is not given. */
    public static final String DEFAULT_LAYERS = "128";

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--data", paramLabel = "SPEC", defaultValue = "digits",
            description = "digits (embedded, default), iris (embedded), idx:DIR (MNIST layout: train-*, t10k-*), csv:FILE (label in the last column). Default: ${DEFAULT-VALUE}.")
    String data;

    @Option(names = "--label-column", paramLabel = "N", defaultValue = "-1",
            description = "For csv:FILE: the label column, 0-based; negative counts from the end. Default: ${DEFAULT-VALUE} (the last).")
    int labelColumn;

    @Option(names = "--model", paramLabel = "MODEL", defaultValue = "mlp",
            description = "mlp (the perceptron of --layers and --activation), lenet5 (LeNet-5 for 28x28 images: conv 6@5x5 pad 2, ReLU, max pool, conv 16@5x5, ReLU, max pool, 120, 84, classes), or FILE.json, a model-spec file (docs/cli.md). Default: ${DEFAULT-VALUE}.")
    String model;

    @Option(names = "--layers", paramLabel = "W1,W2,..", defaultValue = DEFAULT_LAYERS,
            description = "Hidden layer widths, comma-separated ('none' for a linear model). Default: ${DEFAULT-VALUE}.")
    String layers;

    @Option(names = "--activation", defaultValue = "relu",
            description = "Hidden activation: relu, sigmoid, tanh, gelu, silu, elu, leakyrelu, softplus, hardtanh, hardsigmoid. Default: ${DEFAULT-VALUE}.")
    String activation;

    @Option(names = "--output-activation", defaultValue = "none",
            description = "Activation after the last layer: none (logits, for ce), sigmoid, softmax. Default: ${DEFAULT-VALUE}.")
    String outputActivation;

    @Option(names = "--loss", defaultValue = "ce",
            description = "ce (softmax cross-entropy from logits), mse (mean over all outputs against one-hot), quadratic (Nielsen: half the summed squares, mean over the batch). Default: ${DEFAULT-VALUE}.")
    String loss;

    @Option(names = "--optimizer", defaultValue = "adam", description = "adam, adamw, sgd, rmsprop, adagrad. Default: ${DEFAULT-VALUE}.")
    String optimizer;

    @Option(names = "--lr", paramLabel = "RATE", description = "Learning rate. Default: 1e-3 (adam, adamw, rmsprop), 0.01 (adagrad), 0.1 (sgd).")
    Double lr;

    @Option(names = "--momentum", defaultValue = "0", description = "SGD momentum. Default: ${DEFAULT-VALUE}.")
    double momentum;

    @Option(names = "--weight-decay", defaultValue = "0", description = "L2 weight decay (decoupled for adamw). Default: ${DEFAULT-VALUE}.")
    double weightDecay;

    @Option(names = "--schedule", defaultValue = "constant",
            description = "Learning-rate schedule per epoch: constant, cosine (to lr/100), step (x0.5 every third of the epochs), exponential (x0.95). Default: ${DEFAULT-VALUE}.")
    String schedule;

    @Option(names = "--epochs", defaultValue = "10", description = "Epochs (at most, with --patience). Default: ${DEFAULT-VALUE}.")
    int epochs;

    @Option(names = "--batch", defaultValue = "32", description = "Mini-batch size. Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the initial weights and the batch order; the same seed gives bit-identical results. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--val-fraction", defaultValue = "0.1",
            description = "Fraction of the training set held out (fixed, stratified) for validation each epoch; 0 for none. Default: ${DEFAULT-VALUE}.")
    double valFraction;

    @Option(names = "--patience", defaultValue = "0", description = "Early stopping: stop after this many epochs without a better validation loss; 0 to never stop early. Default: ${DEFAULT-VALUE}.")
    int patience;

    @Option(names = "--normalize", defaultValue = "auto",
            description = "Feature scaling fitted on the training set: auto (standard, except none for IDX images already in [0,1]), standard, minmax, none. Default: ${DEFAULT-VALUE}.")
    String normalize;

    @Option(names = "--augment", defaultValue = "auto",
            description = "Training-set augmentation: shift (add each image moved one pixel up, down, left, right: 5x the samples), none, or auto (shift for the embedded digits, none otherwise). Default: ${DEFAULT-VALUE}.")
    String augment;

    @Option(names = "--init", defaultValue = "default",
            description = "Weight initialisation: default (LeCun uniform), he, xavier, normal (N(0,1) weights and biases, as Nielsen). Default: ${DEFAULT-VALUE}.")
    String init;

    @Option(names = "--save", paramLabel = "FILE", description = "Write the trained model (best validation epoch) to this safetensors file.")
    Path save;

    @Option(names = "--plot", paramLabel = "FILE", description = "Write the loss and accuracy curves to this PNG (.png) or JPEG (.jpg, .jpeg).")
    Path plot;

    @Option(names = "--history", paramLabel = "FILE", defaultValue = "history.csv",
            description = "Write the per-epoch history to this CSV ('' for none). Default: ${DEFAULT-VALUE}.")
    String history;

    @Option(names = "--threads", paramLabel = "N", description = "Threads for the parallel kernels (default: all cores). Results do not depend on it.")
    Integer threads;

    @Option(names = {"-q", "--quiet"}, description = "Print only the final result lines.")
    boolean quiet;

    @Option(names = "--spark", paramLabel = "MASTER",
            description = "Train data-parallel on Apache Spark: a master URL (local[2], spark://host:7077, yarn, k8s://...) or 'submit' for the master spark-submit set. Same model as without it, to rounding.")
    String spark;

    @Option(names = "--spark-workers", paramLabel = "N", description = "With --spark: model replicas, one barrier task each (default: the cluster's default parallelism).")
    Integer sparkWorkers;

    @Option(names = "--spark-shards", paramLabel = "N", description = "With --spark: data shards, which fix the order of the gradient sums (default: the worker count).")
    Integer sparkShards;

    @picocli.CommandLine.Mixin
    DataOptions dataOptions;

    @picocli.CommandLine.Mixin
    TrainFiles files;

    @Override
    public Integer call() throws IOException {
        long start = System.nanoTime();
        if (spark != null && !SparkRun.available()) {
            return SparkRun.relaunch(spec);   // a child JVM with Spark on the class path
        }
        Threads.apply(threads);
        checkArguments();
        PrintWriter out = spec.commandLine().getOut();
        // Before the data and the run: a target that cannot be written must not waste either.
        new OutputTargets().add("--save", save).add("--plot", plot).add("--history", history.isEmpty() ? null : Path.of(history))
                .add(files.checkpoint != null ? "--checkpoint" : "--resume", files.stateFile()).check();
        files.checkResume(TrainFiles.fingerprint(this));
        if (!quiet && (data.trim().startsWith("idx:") || data.trim().startsWith("csv:"))) {
            out.println("loading " + data.trim() + " ...");
            out.flush();
        }

        DataSources.TrainTest tt = loadData(data, dataOptions.options(labelColumn));
        Dataset train = tt.train();
        Dataset validation = null;
        if (valFraction > 0) {
            Dataset.Split split;
            try {
                split = train.split(valFraction, DataSources.TEST_SPLIT_SEED + 1);
            } catch (IllegalArgumentException e) {
                throw new CliException("usage: --val-fraction " + valFraction + " leaves no training or validation samples in "
                        + train.size() + " samples");
            }
            train = split.train();
            validation = split.held();
        }
        boolean shift = augment.equals("shift") || (augment.equals("auto") && data.trim().equals("digits"));
        if (shift) {
            if (train.sampleShape().length != 2) {
                throw new CliException("usage: --augment shift needs 2-D images; " + data + " samples have shape "
                        + java.util.Arrays.toString(train.sampleShape()));
            }
            train = ImageAugmentation.shifted(train);
        }
        String scaling = normalize.equals("auto") ? (data.trim().startsWith("idx:") ? "none" : "standard") : normalize;
        Preprocessing prep = Preprocessing.fit(scaling, train);
        train = prep.apply(train);
        Dataset test = prep.apply(tt.test());
        if (validation != null) {
            validation = prep.apply(validation);
        }
        if (test.featureCount() != train.featureCount()) {
            throw new CliException(data + ": test samples have " + test.featureCount() + " features, training samples "
                    + train.featureCount());
        }
        int classes = Math.max(train.classCount(), test.classCount());
        LayerStack stack = model.equals("mlp") ? null : LayerStack.named(model);
        int[] sizes = stack != null ? new int[] {train.featureCount(), classes}
                : ModelSpec.sizes(train.featureCount(), ModelSpec.parseHidden(layers), classes);
        ModelSpec modelSpec = new ModelSpec(sizes, activation, outputActivation, init, prep, classNames(tt, classes), data,
                labelColumn, stack, train.sampleShape());
        modelSpec.checkFits();
        RandomGenerator rng = RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
        Module net = modelSpec.build(rng);
        double rate = lr != null ? lr : defaultRate(optimizer);
        Optimizer opt = optimizer(net, rate);
        Loss lossFn = lossFunction(loss, classes);

        if (!quiet) {
            out.printf(Locale.ROOT, "data %s: %d training%s, %d validation, %d test samples, %d features, %d classes%n",
                    data, train.size(), shift ? " (with shifted copies)" : "", validation == null ? 0 : validation.size(), test.size(), train.featureCount(), classes);
            out.printf(Locale.ROOT, "model %s (%d parameters), %s lr %s, loss %s, batch %d, seed %d%n",
                    modelSpec.describe(), net.parameterCount(), optimizer, rate, loss, batch, seed);
            out.flush();
        }
        PrintStream stdout = new PrintStream(new WriterOutputStream(out), true);
        Trainer.Builder tb = Trainer.builder(net, opt, lossFn)
                .epochs(epochs).batchSize(batch).validation(validation).earlyStopping(patience).seed(seed)
                .schedule(schedule(rate)).progress(quiet ? null : stdout)
                .saveState(files.stateFile()).resumeFrom(files.resume).stateMetadata(TrainFiles.OPTIONS_KEY, TrainFiles.fingerprint(this));
        if (!quiet && ProgressBarCallback.wanted()) {
            tb.callback(new ProgressBarCallback(System.err, ProgressBarCallback.terminalWidth()));
        }
        History h;
        try {
            h = spark == null ? tb.build().fit(train) : SparkRun.fit(this, modelSpec, net, rate, classes, train, validation,
                    quiet ? null : stdout);
        } catch (ArithmeticException e) {
            throw new CliException(e.getMessage());
        } catch (java.io.UncheckedIOException e) {
            throw new CliException(TapegradCommand.oneLine(e.getMessage()));
        }
        stdout.flush();
        if (quiet) {
            h.warnings().forEach(w -> spec.commandLine().getErr().println("tapegrad train: warning: " + w));
        }

        Trainer.Evaluation ev = Trainer.evaluate(net, lossFn, test);
        double meanEpoch = java.util.Arrays.stream(h.seconds()).average().orElse(0);
        if (!quiet) {
            out.println();
            if (classes <= 30) {
                out.print(Reports.classification(ev.predictions(), test.labels(), modelSpec.classNames()));
                out.println();
            }
        }
        if (!history.isEmpty()) {
            Path hp = Path.of(history);
            h.writeCsv(hp);
            if (!quiet) {
                out.println("history: " + hp);
            }
        }
        if (plot != null) {
            Path png = Charts.writeCurves(h, data + " " + modelSpec.describe(), plot);
            if (!quiet) {
                out.println("curves: " + png);
            }
        }
        if (save != null) {
            modelSpec.save(net, save, files.layout());
            if (!quiet) {
                out.println("model: " + save);
            }
        }
        out.printf(Locale.ROOT, "test accuracy %.2f%% (%d/%d), test loss %.4f, best epoch %d of %d%s, %.2f s per epoch, %.1f s in all%n",
                100 * ev.accuracy(), Math.round(ev.accuracy() * test.size()), test.size(), ev.loss(), h.bestEpoch(),
                h.epochs(), h.stoppedEarly() ? " (stopped early)" : "", meanEpoch, (System.nanoTime() - start) / 1e9);
        out.flush();
        return 0;
    }

    private void checkArguments() {
        if (epochs < 1) {
            throw new CliException("usage: --epochs " + epochs + " must be at least 1");
        }
        if (batch < 1) {
            throw new CliException("usage: --batch " + batch + " must be at least 1");
        }
        if (lr != null && !(lr > 0 && Double.isFinite(lr))) {
            throw new CliException("usage: --lr " + lr + " must be a positive number");
        }
        if (!(valFraction >= 0 && valFraction < 0.9)) {
            throw new CliException("usage: --val-fraction " + valFraction + " must be in [0, 0.9)");
        }
        if (patience < 0) {
            throw new CliException("usage: --patience " + patience + " must be 0 or more");
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new CliException("usage: --momentum " + momentum + " must be in [0, 1)");
        }
        if (!(weightDecay >= 0 && Double.isFinite(weightDecay))) {
            throw new CliException("usage: --weight-decay " + weightDecay + " must be 0 or more");
        }
        ModelSpec.parseHidden(layers);
        if (!model.equals("mlp")) {
            LayerStack.named(model);
        }
        ModelSpec.activationByName(activation, "--activation");
        if (!outputActivation.equals("none")) {
            ModelSpec.activationByName(outputActivation, "--output-activation");
        }
        if (!List.of("ce", "mse", "quadratic").contains(loss)) {
            throw new CliException("usage: --loss " + loss + " is not one of ce, mse, quadratic");
        }
        if (loss.equals("ce") && !outputActivation.equals("none")) {
            throw new CliException("usage: --loss ce takes logits: use --output-activation none (softmax is inside the loss)");
        }
        if (!List.of("adam", "adamw", "sgd", "rmsprop", "adagrad").contains(optimizer)) {
            throw new CliException("usage: --optimizer " + optimizer + " is not one of adam, adamw, sgd, rmsprop, adagrad");
        }
        if (!List.of("constant", "cosine", "step", "exponential").contains(schedule)) {
            throw new CliException("usage: --schedule " + schedule + " is not one of constant, cosine, step, exponential");
        }
        if (!List.of("auto", "none", "standard", "minmax").contains(normalize)) {
            throw new CliException("usage: --normalize " + normalize + " is not one of auto, none, standard, minmax");
        }
        if (!List.of("auto", "none", "shift").contains(augment)) {
            throw new CliException("usage: --augment " + augment + " is not one of auto, none, shift");
        }
        if (!List.of("default", "he", "xavier", "normal").contains(init)) {
            throw new CliException("usage: --init " + init + " is not one of default, he, xavier, normal");
        }
        files.layout();
    }

    static void checkParent(Path file) {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null && !java.nio.file.Files.isDirectory(parent)) {
            throw new CliException("cannot write " + file + ": directory " + parent + " does not exist");
        }
    }

    /** Loads a data specification, turning file problems into one-line errors. */
    static DataSources.TrainTest loadData(String spec, DataSources.Options options) {
        try {
            return DataSources.load(spec, options);
        } catch (DataFileException e) {
            throw new CliException(e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new CliException("usage: --data " + TapegradCommand.oneLine(e.getMessage()));
        }
    }

    private static List<String> classNames(DataSources.TrainTest tt, int classes) {
        Dataset bigger = tt.train().classCount() >= tt.test().classCount() ? tt.train() : tt.test();
        return bigger.classCount() == classes ? bigger.classNames() : Dataset.numberedClasses(classes);
    }

    static double defaultRate(String optimizer) {
        switch (optimizer) {
            case "sgd":
                return 0.1;
            case "adagrad":
                return 0.01;
            default:
                return 1e-3;
        }
    }

    private Optimizer optimizer(Module model, double rate) {
        return optimizer(optimizer, model.parameters(), rate, momentum, weightDecay);
    }

    /** The optimizer by name (static, so that a serializable factory can call it on Spark executors). */
    static Optimizer optimizer(String optimizer, List<Tensor> ps, double rate, double momentum, double weightDecay) {
        switch (optimizer) {
            case "adam":
                return new Adam(ps, rate).weightDecay(weightDecay);
            case "adamw":
                return new AdamW(ps, rate).weightDecay(weightDecay);
            case "sgd":
                return new SGD(ps, rate).momentum(momentum).weightDecay(weightDecay);
            case "rmsprop":
                return new RMSprop(ps, rate).weightDecay(weightDecay);
            case "adagrad":
                return new Adagrad(ps, rate).weightDecay(weightDecay);
            default:
                throw new CliException("usage: --optimizer " + optimizer + " is not one of adam, adamw, sgd, rmsprop, adagrad");
        }
    }

    LearningRateSchedule schedule(double rate) {
        switch (schedule) {
            case "cosine":
                return LearningRateSchedule.cosine(rate, Math.max(1, epochs - 1), rate / 100);
            case "step":
                return LearningRateSchedule.step(rate, Math.max(1, epochs / 3), 0.5);
            case "exponential":
                return LearningRateSchedule.exponential(rate, 0.95);
            default:
                return LearningRateSchedule.constant(rate);
        }
    }

    /** The loss by name; the quadratic cost is Nielsen's C = (1/2n) sum ||a - y||^2. */
    static Loss lossFunction(String name, int classes) {
        switch (name) {
            case "ce":
                return Losses::crossEntropy;
            case "mse":
                return Losses::mse;
            case "quadratic":
                return (output, targets) -> {
                    Tensor y = Losses.oneHot(targets.labels(), classes);
                    return output.sub(y).square().sum(1).mean().mul(0.5);
                };
            default:
                throw new CliException("usage: --loss " + name + " is not one of ce, mse, quadratic");
        }
    }
}
