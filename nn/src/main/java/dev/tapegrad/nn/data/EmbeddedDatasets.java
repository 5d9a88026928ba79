package dev.tapegrad.nn.data;

import dev.tapegrad.nn.Dataset;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The two small data sets shipped inside the {@code nn} jar, so that examples and the
 * {@code tapegrad} command work with no download (licences: {@code LICENSES.md} next to them,
 * CC BY 4.0, UCI Machine Learning Repository).
 *
 * <ul>
 *   <li>{@link #digits()}: UCI optical handwritten digits, 1,797 images of 8×8 pixels 0..16,
 *       10 classes;</li>
 *   <li>{@link #iris()}: Fisher's Iris, 150 samples of 4 measurements in cm, 3 species.</li>
 * </ul>
 *
 * Values are returned raw; scale them (for example with {@link Standardizer}) before training.
 *
 * <pre>{@code
 * Dataset digits = EmbeddedDatasets.digits();   // 1797 samples, sample shape [8, 8]
 * }</pre>
 */
public final class EmbeddedDatasets {

    private static final String ROOT = "/dev/tapegrad/nn/data/";

    private EmbeddedDatasets() {
    }

    /** @return the 1,797 UCI digits, pixel values 0..16, sample shape {@code [8, 8]}, classes "0".."9" */
    public static Dataset digits() {
        Dataset flat = read("uci-digits/digits.csv.gz", false).dataset();
        return new Dataset("digits", flat.featuresCopy(), new int[] {8, 8}, flat.labels(), Dataset.numberedClasses(10));
    }

    /** @return the 150 Iris samples, 4 features, classes setosa, versicolor, virginica */
    public static Dataset iris() {
        CsvReader.Result r = read("iris/iris.csv", true);
        // The first line is "150,4,setosa,versicolor,virginica": counts, then the class names.
        List<String> names = r.header().subList(2, r.header().size());
        Dataset flat = r.dataset();
        if (flat.size() != Integer.parseInt(r.header().get(0)) || names.size() != flat.classCount()) {
            throw new IllegalStateException("embedded iris.csv does not match its own header " + r.header());
        }
        return new Dataset("iris", flat.featuresCopy(), flat.sampleShape(), flat.labels(), names);
    }

    private static CsvReader.Result read(String resource, boolean header) {
        try (InputStream in = EmbeddedDatasets.class.getResourceAsStream(ROOT + resource)) {
            if (in == null) {
                throw new IllegalStateException("resource " + ROOT + resource + " is missing from the class path");
            }
            byte[] bytes = in.readAllBytes();
            if (resource.endsWith(".gz")) {
                bytes = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(bytes)).readAllBytes();
            }
            return CsvReader.builder().header(header).labelColumn(-1).build().parse(bytes, Path.of(resource));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read embedded data set " + resource, e);
        }
    }
}
