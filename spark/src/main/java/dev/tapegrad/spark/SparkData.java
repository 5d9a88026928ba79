package dev.tapegrad.spark;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Moves data between Spark and Tapegrad: DataFrames (a Spark ML vector column or numeric
 * columns, and a label column) to {@link Sample} RDDs for {@link SparkTrainer}, and nn's
 * in-memory {@link dev.tapegrad.nn.Dataset}s (from the IDX and CSV readers) to DataFrames.
 *
 * <pre>{@code
 * Dataset<Row> df = spark.read().option("header", true).option("inferSchema", true).csv("iris.csv");
 * JavaRDD<Sample> s = SparkData.samples(df, "sepal_length,sepal_width,petal_length,petal_width", "label");
 * Dataset<Row> digits = SparkData.toDataFrame(spark, EmbeddedDatasets.digits(), 4);   // features, label
 * }</pre>
 */
public final class SparkData {

    private SparkData() {
    }

    /**
     * Reads the features and label of every row, in the DataFrame's order.
     *
     * @param df          the rows
     * @param featuresCol a Spark ML vector column, or numeric columns separated by commas
     * @param labelCol    a numeric column of whole values 0, 1, ...
     * @return one sample per row
     * @throws IllegalArgumentException if a column is missing or of the wrong type (checked now;
     *                                  a null, fractional or negative label fails when the rows are read)
     */
    public static JavaRDD<Sample> samples(org.apache.spark.sql.Dataset<Row> df, String featuresCol, String labelCol) {
        StructType schema = df.schema();
        String[] cols = Arrays.stream(featuresCol.split(",")).map(String::trim).toArray(String[]::new);
        boolean vector = cols.length == 1 && type(schema, cols[0]).equals(SQLDataTypes.VectorType());
        if (!vector) {
            for (String c : cols) {
                if (!(type(schema, c) instanceof NumericType)) {
                    throw new IllegalArgumentException("SparkData.samples: column '" + c + "' is " + type(schema, c).simpleString()
                            + ", need a Spark ML vector column or numeric columns");
                }
            }
        }
        if (!(type(schema, labelCol) instanceof NumericType)) {
            throw new IllegalArgumentException("SparkData.samples: label column '" + labelCol + "' is "
                    + type(schema, labelCol).simpleString() + ", need a numeric column");
        }
        List<org.apache.spark.sql.Column> select = new ArrayList<>();
        for (String c : cols) {
            select.add(df.col(c));
        }
        select.add(df.col(labelCol));
        int f = cols.length;
        return df.select(select.toArray(org.apache.spark.sql.Column[]::new)).javaRDD().map(row -> {
            double[] x;
            if (vector) {
                Vector v = row.getAs(0);
                if (v == null) {
                    throw new IllegalArgumentException("SparkData.samples: null features in column '" + cols[0] + "'");
                }
                x = v.toArray();
            } else {
                x = new double[f];
                for (int i = 0; i < f; i++) {
                    if (row.isNullAt(i)) {
                        throw new IllegalArgumentException("SparkData.samples: null in feature column '" + cols[i] + "'");
                    }
                    x[i] = ((Number) row.get(i)).doubleValue();
                }
            }
            return new Sample(x, label(row, f, labelCol));
        });
    }

    private static int label(Row row, int i, String labelCol) {
        if (row.isNullAt(i)) {
            throw new IllegalArgumentException("SparkData.samples: null label in column '" + labelCol + "'");
        }
        double y = ((Number) row.get(i)).doubleValue();
        if (!(y >= 0 && y == Math.rint(y) && y <= Integer.MAX_VALUE)) {
            throw new IllegalArgumentException("SparkData.samples: label " + y + " in column '" + labelCol
                    + "' is not a class number 0, 1, ...");
        }
        return (int) y;
    }

    private static DataType type(StructType schema, String col) {
        for (StructField f : schema.fields()) {
            if (f.name().equals(col)) {
                return f.dataType();
            }
        }
        throw new IllegalArgumentException("SparkData: no column '" + col + "' in " + schema.simpleString());
    }

    /**
     * The samples of an nn data set as an RDD, in order, in {@code partitions} slices.
     *
     * @param sc         the Spark context
     * @param data       the data set
     * @param partitions slices
     * @return the samples
     */
    public static JavaRDD<Sample> samples(JavaSparkContext sc, dev.tapegrad.nn.Dataset data, int partitions) {
        List<Sample> list = new ArrayList<>(data.size());
        int f = data.featureCount();
        double[] all = data.featuresCopy();
        for (int i = 0; i < data.size(); i++) {
            list.add(new Sample(Arrays.copyOfRange(all, i * f, (i + 1) * f), data.label(i)));
        }
        return sc.parallelize(list, partitions);
    }

    /**
     * An nn data set as a DataFrame with a vector column {@code features} and a double column
     * {@code label}, in order.
     *
     * @param spark      the session
     * @param data       the data set (for example from {@code IdxReader} or {@code CsvReader})
     * @param partitions slices
     * @return the DataFrame
     */
    public static org.apache.spark.sql.Dataset<Row> toDataFrame(SparkSession spark, dev.tapegrad.nn.Dataset data,
                                                               int partitions) {
        StructType schema = new StructType()
                .add("features", SQLDataTypes.VectorType(), false)
                .add("label", DataTypes.DoubleType, false);
        JavaRDD<Row> rows = samples(JavaSparkContext.fromSparkContext(spark.sparkContext()), data, partitions)
                .map(s -> RowFactory.create(Vectors.dense(s.x()), (double) s.label()));
        return spark.createDataFrame(rows, schema);
    }

    /**
     * Collects samples into an nn data set, in RDD order (for a single-machine reference or small data).
     *
     * @param samples the samples
     * @param classes number of classes
     * @return the data set
     */
    public static dev.tapegrad.nn.Dataset collect(JavaRDD<Sample> samples, int classes) {
        List<Sample> list = samples.collect();
        if (list.isEmpty()) {
            throw new IllegalArgumentException("SparkData.collect: no samples");
        }
        int f = list.get(0).x().length;
        double[] x = new double[list.size() * f];
        int[] y = new int[list.size()];
        for (int i = 0; i < y.length; i++) {
            if (list.get(i).x().length != f) {
                throw new IllegalArgumentException("SparkData.collect: sample " + i + " has " + list.get(i).x().length
                        + " features, the first " + f);
            }
            System.arraycopy(list.get(i).x(), 0, x, i * f, f);
            y[i] = list.get(i).label();
        }
        return new dev.tapegrad.nn.Dataset("spark", x, new int[] {f}, y, dev.tapegrad.nn.Dataset.numberedClasses(classes));
    }
}
