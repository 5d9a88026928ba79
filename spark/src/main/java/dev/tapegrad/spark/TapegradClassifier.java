package dev.tapegrad.spark;

import dev.tapegrad.nn.Adam;
import dev.tapegrad.nn.Losses;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;

import java.util.Arrays;

/**
 * A Spark ML estimator that trains a Tapegrad multi-layer perceptron (softmax cross-entropy,
 * Adam) with synchronous data-parallel {@link SparkTrainer}; it fits a
 * {@link TapegradClassificationModel} that adds prediction and probability columns, and works as
 * a stage of a {@code Pipeline}:
 *
 * <pre>{@code
 * VectorAssembler assemble = new VectorAssembler().setInputCols(cols).setOutputCol("features");
 * TapegradClassifier mlp = new TapegradClassifier().setLayers(new int[] {16}).setEpochs(30).setWorkers(2);
 * PipelineModel fitted = new Pipeline().setStages(new PipelineStage[] {assemble, mlp}).fit(train);
 * fitted.transform(test).select("label", "prediction", "probability").show();
 * }</pre>
 *
 * <p>Features are a Spark ML vector column; the label a numeric column of classes 0, 1, ...; the
 * number of classes is one more than the largest label.
 */
public final class TapegradClassifier extends Estimator<TapegradClassificationModel> {

    private static final long serialVersionUID = 1L;

    private final String uid;
    private final Param<String> featuresCol;
    private final Param<String> labelCol;
    private final Param<String> predictionCol;
    private final Param<String> probabilityCol;
    private final IntArrayParam layers;
    private final Param<String> activation;
    private final IntParam epochs;
    private final IntParam batchSize;
    private final DoubleParam learningRate;
    private final LongParam seed;
    private final IntParam workers;
    private final IntParam shards;

    /** An estimator with a fresh uid. */
    public TapegradClassifier() {
        this(Identifiable$.MODULE$.randomUID("tapegradClassifier"));
    }

    /** @param uid this stage's uid (Spark ML's copy() calls this constructor) */
    public TapegradClassifier(String uid) {
        this.uid = uid;
        featuresCol = new Param<>(this, "featuresCol", "features column (a Spark ML vector)");
        labelCol = new Param<>(this, "labelCol", "label column (classes 0, 1, ...)");
        predictionCol = new Param<>(this, "predictionCol", "prediction column the model adds");
        probabilityCol = new Param<>(this, "probabilityCol", "class probability column the model adds");
        layers = new IntArrayParam(this, "layers", "hidden layer widths (empty for a linear model)");
        activation = new Param<>(this, "activation", "hidden activation: relu, tanh, sigmoid, gelu, ...");
        epochs = new IntParam(this, "epochs", "epochs", ParamValidators.gtEq(1));
        batchSize = new IntParam(this, "batchSize", "global mini-batch size", ParamValidators.gtEq(1));
        learningRate = new DoubleParam(this, "learningRate", "Adam's learning rate", ParamValidators.gt(0));
        seed = new LongParam(this, "seed", "seed of the initial weights and the batch order");
        workers = new IntParam(this, "workers", "barrier tasks (0: the default parallelism)", ParamValidators.gtEq(0));
        shards = new IntParam(this, "shards", "data shards, which fix the gradient sums (0: the worker count)",
                ParamValidators.gtEq(0));
        setDefault(featuresCol, "features");
        setDefault(labelCol, "label");
        setDefault(predictionCol, "prediction");
        setDefault(probabilityCol, "probability");
        setDefault(layers, new int[] {64});
        setDefault(activation, "relu");
        setDefault(epochs, 10);
        setDefault(batchSize, 32);
        setDefault(learningRate, 1e-3);
        setDefault(seed, 0L);
        setDefault(workers, 0);
        setDefault(shards, 0);
    }

    /** @return this stage's unique id */
    @Override
    public String uid() {
        return uid;
    }

    /** @return the features column param */
    public Param<String> featuresCol() { return featuresCol; }
    /** @return the label column param */
    public Param<String> labelCol() { return labelCol; }
    /** @return the prediction column param */
    public Param<String> predictionCol() { return predictionCol; }
    /** @return the probability column param */
    public Param<String> probabilityCol() { return probabilityCol; }
    /** @return the hidden widths param */
    public IntArrayParam layers() { return layers; }
    /** @return the activation param */
    public Param<String> activation() { return activation; }
    /** @return the epochs param */
    public IntParam epochs() { return epochs; }
    /** @return the batch size param */
    public IntParam batchSize() { return batchSize; }
    /** @return the learning rate param */
    public DoubleParam learningRate() { return learningRate; }
    /** @return the seed param */
    public LongParam seed() { return seed; }
    /** @return the workers param */
    public IntParam workers() { return workers; }
    /** @return the shards param */
    public IntParam shards() { return shards; }

    /** @param v column name @return this */
    public TapegradClassifier setFeaturesCol(String v) { set(featuresCol, v); return this; }
    /** @param v column name @return this */
    public TapegradClassifier setLabelCol(String v) { set(labelCol, v); return this; }
    /** @param v column name @return this */
    public TapegradClassifier setPredictionCol(String v) { set(predictionCol, v); return this; }
    /** @param v column name @return this */
    public TapegradClassifier setProbabilityCol(String v) { set(probabilityCol, v); return this; }
    /** @param v hidden widths @return this */
    public TapegradClassifier setLayers(int[] v) { set(layers, v); return this; }
    /** @param v activation name @return this */
    public TapegradClassifier setActivation(String v) { set(activation, v); return this; }
    /** @param v epochs @return this */
    public TapegradClassifier setEpochs(int v) { set(epochs, v); return this; }
    /** @param v global batch size @return this */
    public TapegradClassifier setBatchSize(int v) { set(batchSize, v); return this; }
    /** @param v Adam's learning rate @return this */
    public TapegradClassifier setLearningRate(double v) { set(learningRate, v); return this; }
    /** @param v seed @return this */
    public TapegradClassifier setSeed(long v) { set(seed, v); return this; }
    /** @param v barrier tasks @return this */
    public TapegradClassifier setWorkers(int v) { set(workers, v); return this; }
    /** @param v data shards @return this */
    public TapegradClassifier setShards(int v) { set(shards, v); return this; }

    /**
     * Trains the network on the rows.
     *
     * @param dataset rows with the features and label columns
     * @return the fitted model
     */
    @Override
    public TapegradClassificationModel fit(org.apache.spark.sql.Dataset<?> dataset) {
        transformSchema(dataset.schema());
        @SuppressWarnings("unchecked")
        org.apache.spark.sql.Dataset<Row> rows = (org.apache.spark.sql.Dataset<Row>) dataset.toDF();
        var samples = SparkData.samples(rows, getOrDefault(featuresCol), getOrDefault(labelCol)).cache();
        try {
            int classes = samples.map(Sample::label).reduce(Math::max) + 1;
            int inputs = samples.first().x().length;
            int[] hidden = getOrDefault(layers);
            int[] sizes = new int[hidden.length + 2];
            sizes[0] = inputs;
            System.arraycopy(hidden, 0, sizes, 1, hidden.length);
            sizes[sizes.length - 1] = classes;
            Mlp shape = new Mlp(sizes, getOrDefault(activation), null);
            long s = (Long) getOrDefault(seed);
            double lr = (Double) getOrDefault(learningRate);
            SparkTrainer.Builder b = SparkTrainer.builder(() -> shape.build(s), ps -> new Adam(ps, lr), Losses::crossEntropy)
                    .epochs((Integer) getOrDefault(epochs)).batchSize((Integer) getOrDefault(batchSize)).seed(s);
            if ((Integer) getOrDefault(workers) > 0) {
                b.workers((Integer) getOrDefault(workers));
            }
            if ((Integer) getOrDefault(shards) > 0) {
                b.shards((Integer) getOrDefault(shards));
            }
            SparkTrainer.Result r = b.build().fit(samples, classes);
            TapegradClassificationModel model = new TapegradClassificationModel(uid,
                    new Mlp(sizes, shape.activation(), r.weights()), r.history());
            copyValues(model, extractParamMap());
            return (TapegradClassificationModel) model.setParent(this);
        } finally {
            samples.unpersist(false);
        }
    }

    /**
     * Checks the input columns and adds the output columns.
     *
     * @param schema the input schema
     * @return the schema the fitted model's transform gives
     */
    @Override
    public StructType transformSchema(StructType schema) {
        String label = getOrDefault(labelCol);
        if (!Arrays.asList(schema.fieldNames()).contains(label)) {
            throw new IllegalArgumentException("TapegradClassifier: no label column '" + label + "' in " + schema.simpleString());
        }
        if (!(schema.apply(label).dataType() instanceof NumericType)) {
            throw new IllegalArgumentException("TapegradClassifier: label column '" + label + "' is "
                    + schema.apply(label).dataType().simpleString() + ", need a numeric column");
        }
        return TapegradClassificationModel.outputSchema(schema, getOrDefault(featuresCol), getOrDefault(predictionCol),
                getOrDefault(probabilityCol), "TapegradClassifier");
    }

    /**
     * @param extra params to override
     * @return a copy with these params
     */
    @Override
    public TapegradClassifier copy(ParamMap extra) {
        return defaultCopy(extra);
    }
}
