package dev.tapegrad.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tapegrad train --model lenet5 | FILE.json}: a small CNN trains, saves and evaluates; bad specs give one line. */
class ConvModelsCliTest {

    @TempDir
    static Path tmp;

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = TapegradCommand.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(code, out.toString(), err.toString());
    }

    static String spec(String name, String json) throws IOException {
        Path f = tmp.resolve(name);
        Files.writeString(f, json);
        return f.toString();
    }

    static double accuracy(String out) {
        Matcher m = Pattern.compile("test accuracy ([0-9.]+)%").matcher(out);
        assertTrue(m.find(), out);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void aSmallCnnFromASpecFileTrainsSavesAndEvaluates() throws IOException {
        String file = spec("cnn.json", "[{\"conv2d\": {\"out\": 8, \"kernel\": 3, \"padding\": 1}}, {\"relu\": {}},\n"
                + " {\"maxpool2d\": {\"kernel\": 2}}, {\"flatten\": {}}, {\"linear\": {\"out\": 32}}, {\"tanh\": {}}, {\"linear\": {}}]");
        String model = tmp.resolve("cnn.safetensors").toString();
        Run t = run("train", "--model", file, "--data", "digits", "--augment", "none", "--epochs", "3", "--batch", "32",
                "--lr", "3e-3", "--save", model, "--history=");
        assertEquals(0, t.code(), t.err());
        assertTrue(t.out().contains("model cnn.json ("), t.out());
        double acc = accuracy(t.out());
        assertTrue(acc > 85, "a 3-epoch CNN on the 8x8 digits is far above chance (10 %): " + t.out());
        Run e = run("eval", "--model", model);
        assertEquals(0, e.code(), e.err());
        String last = t.out().strip().lines().reduce((a, b) -> b).orElseThrow();
        String trainAcc = last.substring(0, last.indexOf(')') + 1);
        assertTrue(e.out().contains(trainAcc), "eval should report " + trainAcc + ":\n" + e.out());
    }

    @Test
    void badModelSpecsGiveOneClearLine() throws IOException {
        String[][] cases = {
            {"lenet5", "kernel 5 (dilation 1) does not fit the input size 4"},   // 8x8 digits are too small for LeNet-5
            {spec("notjson.json", "[{\"conv2d\": "), "not valid JSON"},
            {spec("obj.json", "{\"conv2d\": {}}"), "non-empty JSON array"},
            {spec("unknown.json", "[{\"conv3d\": {}}]"), "layer 0 (conv3d): unknown layer"},
            {spec("option.json", "[{\"conv2d\": {\"out\": 4, \"kernel\": 3, \"pad\": 1}}]"), "unknown option \"pad\""},
            {spec("noflat.json", "[{\"conv2d\": {\"out\": 4, \"kernel\": 3}}, {\"linear\": {}}]"), "put {\"flatten\": {}} before"},
            {spec("noout.json", "[{\"conv2d\": {\"kernel\": 3}}]"), "\"out\" is required"},
            {spec("groups.json", "[{\"conv2d\": {\"out\": 3, \"kernel\": 3, \"groups\": 2}}, {\"flatten\": {}}, {\"linear\": {}}]"),
                "divisible by groups"},
            {spec("end.json", "[{\"linear\": {\"out\": 7}}]"), "not the 10 class scores"},
            {tmp.resolve("missing.json").toString(), "is not mlp, lenet5 or a model-spec JSON file"},
        };
        for (String[] c : cases) {
            Run r = run("train", "--model", c[0], "--data", "digits", "--epochs", "1", "--history=", "-q");
            assertTrue(r.code() != 0, c[0] + ": exit code 0");
            String err = r.err().strip();
            assertFalse(err.contains("\n"), "more than one line: " + err);
            assertTrue(err.contains(c[1]), c[0] + " should mention '" + c[1] + "': " + err);
            assertFalse(err.contains("Exception"), err);
        }
    }

    @Test
    void lenet5TrainsOnAFewHundredMnistDigits() {
        Path dir = CliTest.sharedData("mnist-10k").orElse(null);
        org.junit.jupiter.api.Assumptions.assumeTrue(dir != null, "shared data folder mnist-10k not found");
        // one epoch at a high validation fraction: about 800 training images, scored on the 2,000 test images
        Run r = run("train", "--model", "lenet5", "--data", "idx:" + dir, "--val-fraction", "0.89", "--epochs", "1",
                "--batch", "16", "--lr", "2e-3", "--history=", "-q");
        assertEquals(0, r.code(), r.err());
        assertTrue(accuracy(r.out()) > 60, "LeNet-5 after one epoch on ~800 digits is far above chance: " + r.out());
    }
}
