package dev.tapegrad.spark;

import dev.tapegrad.Tensor;
import dev.tapegrad.nn.History;
import dev.tapegrad.nn.Module;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A trained Tapegrad network as a Spark ML model: {@link #transform} adds a probability column
 * (the softmax of the network's outputs, a Spark ML vector) and a prediction column (the most
 * probable class, as a double). {@link #save(Path)} writes the network as safetensors (F64) with
 * the layer description in the header, which {@link #load(Path)}, nn's {@code Module.load} and the
 * {@code tapegrad eval} command read back.
 */
public final class TapegradClassificationModel extends Model<TapegradClassificationModel> {

    private static final long serialVersionUID = 1L;

    private final String uid;
    private final Mlp network;
    private final transient History history;
    private final Param<String> featuresCol;
    private final Param<String> predictionCol;
    private final Param<String> probabilityCol;

    TapegradClassificationModel(String uid, Mlp network, History history) {
        this.uid = uid;
        this.network = network;
        this.history = history;
        featuresCol = new Param<>(this, "featuresCol", "features column (a Spark ML vector)");
        predictionCol = new Param<>(this, "predictionCol", "prediction column");
        probabilityCol = new Param<>(this, "probabilityCol", "class probability column");
        setDefault(featuresCol, "features");
        setDefault(predictionCol, "prediction");
        setDefault(probabilityCol, "probability");
    }

    /** @return this stage's unique id */
    @Override
    public String uid() {
        return uid;
    }

    /** @return the features column param */
    public Param<String> featuresCol() { return featuresCol; }
    /** @return the prediction column param */
    public Param<String> predictionCol() { return predictionCol; }
    /** @return the probability column param */
    public Param<String> probabilityCol() { return probabilityCol; }

    /** @param v column name @return this */
    public TapegradClassificationModel setFeaturesCol(String v) { set(featuresCol, v); return this; }
    /** @param v column name @return this */
    public TapegradClassificationModel setPredictionCol(String v) { set(predictionCol, v); return this; }
    /** @param v column name @return this */
    public TapegradClassificationModel setProbabilityCol(String v) { set(probabilityCol, v); return this; }

    /** @return the training history (null for a model read from a file) */
    public History history() {
        return history;
    }

    /** @return the network with the trained weights, in evaluation mode */
    public Module network() {
        return network.build(0);
    }

    /** @return the number of classes */
    public int numClasses() {
        return network.sizes()[network.sizes().length - 1];
    }

    /** @return for example {@code "4-16-3 relu"} */
    public String describe() {
        return network.describe();
    }

    /**
     * Adds the probability and prediction columns.
     *
     * @param dataset rows with the features column
     * @return the rows with both columns added
     */
    @Override
    public org.apache.spark.sql.Dataset<Row> transform(org.apache.spark.sql.Dataset<?> dataset) {
        transformSchema(dataset.schema());
        Scorer scorer = new Scorer(network);
        UserDefinedFunction probability = functions.udf((UDF1<Vector, Vector>) scorer::probabilities,
                SQLDataTypes.VectorType());
        UserDefinedFunction argmax = functions.udf((UDF1<Vector, Double>) v -> (double) v.argmax(), DataTypes.DoubleType);
        String prob = getOrDefault(probabilityCol);
        return dataset.withColumn(prob, probability.apply(dataset.col(getOrDefault(featuresCol))))
                .withColumn(getOrDefault(predictionCol), argmax.apply(functions.col(prob)));
    }

    /** Runs the network on one row; builds it once per deserialized copy (one per Spark task). */
    private static final class Scorer implements Serializable {
        private static final long serialVersionUID = 1L;
        private final Mlp network;
        private transient Module model;

        Scorer(Mlp network) {
            this.network = network;
        }

        Vector probabilities(Vector features) {
            if (model == null) {
                model = network.build(0);
            }
            double[] x = features.toArray();
            if (x.length != network.sizes()[0]) {
                throw new IllegalArgumentException("TapegradClassificationModel: a features vector has " + x.length
                        + " values, the network takes " + network.sizes()[0]);
            }
            return Vectors.dense(model.forward(Tensor.of(x, 1, x.length)).softmax(1).toArray());
        }
    }

    /**
     * Checks the features column and adds the probability and prediction columns.
     *
     * @param schema the input schema
     * @return the output schema
     */
    @Override
    public StructType transformSchema(StructType schema) {
        return outputSchema(schema, getOrDefault(featuresCol), getOrDefault(predictionCol), getOrDefault(probabilityCol),
                "TapegradClassificationModel");
    }

    static StructType outputSchema(StructType schema, String features, String prediction, String probability, String who) {
        if (!Arrays.asList(schema.fieldNames()).contains(features)) {
            throw new IllegalArgumentException(who + ": no features column '" + features + "' in " + schema.simpleString());
        }
        if (!schema.apply(features).dataType().equals(SQLDataTypes.VectorType())) {
            throw new IllegalArgumentException(who + ": features column '" + features + "' is "
                    + schema.apply(features).dataType().simpleString() + ", need a Spark ML vector (use a VectorAssembler)");
        }
        for (String out : new String[] {prediction, probability}) {
            if (Arrays.asList(schema.fieldNames()).contains(out)) {
                throw new IllegalArgumentException(who + ": output column '" + out + "' already exists in " + schema.simpleString());
            }
        }
        return schema.add(probability, SQLDataTypes.VectorType(), false).add(prediction, DataTypes.DoubleType, false);
    }

    /**
     * @param extra params to override
     * @return a copy with the same network and these params
     */
    @Override
    public TapegradClassificationModel copy(ParamMap extra) {
        TapegradClassificationModel m = new TapegradClassificationModel(uid, network, history);
        return (TapegradClassificationModel) copyValues(m, extra).setParent(parent());
    }

    /**
     * Writes the network as safetensors (F64), with its layer widths and activation in the header.
     *
     * @param file the file
     * @throws IOException if it cannot be written
     */
    public void save(Path file) throws IOException {
        network.save(file);
    }

    /**
     * Reads a network written by {@link #save(Path)} (or by {@code tapegrad train --save} for a
     * network with logits out and no feature scaling).
     *
     * @param file the file
     * @return the model, with a fresh uid and default column names
     * @throws IOException if the file is missing, corrupt or not such a network
     */
    public static TapegradClassificationModel load(Path file) throws IOException {
        return new TapegradClassificationModel(Identifiable$.MODULE$.randomUID("tapegradClassificationModel"),
                Mlp.load(file), null);
    }
}
