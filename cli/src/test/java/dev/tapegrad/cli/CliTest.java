package dev.tapegrad.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CliTest {

    @TempDir
    static Path tmp;

    /** The outcome of one run of the command. */
    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = TapegradCommand.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(code, out.toString(), err.toString());
    }

    static String p(String name) {
        return tmp.resolve(name).toString();
    }

    static Path write(String name, byte[] bytes) {
        try {
            Path f = tmp.resolve(name);
            Files.createDirectories(f.getParent());
            Files.write(f, bytes);
            return f;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A directory of IDX files whose image file is cut short. */
    static String truncatedIdxDir() {
        ByteBuffer images = ByteBuffer.allocate(16 + 3 * 4 - 2).putInt(0x803).putInt(3).putInt(2).putInt(2);
        ByteBuffer labels = ByteBuffer.allocate(8 + 3).putInt(0x801).putInt(3);
        write("idx-cut/train-images-idx3-ubyte", images.array());
        write("idx-cut/train-labels-idx1-ubyte", labels.array());
        return "idx:" + p("idx-cut");
    }

    /** Each case: the arguments, the exit code, and a piece of the one error line. */
    static Stream<Object[]> badCommandLines() {
        write("bad.csv", "1,2,0\n3,x7,1\n".getBytes());
        write("ragged.csv", "1,2,0\n3,1\n".getBytes());
        write("garbage.safetensors", "not a model at all".getBytes());
        return Stream.of(
                new Object[] {List.of("train", "--bogus"), 2, "Unknown option: '--bogus'"},
                new Object[] {List.of("train", "--epochs", "0"), 2, "--epochs 0 must be at least 1"},
                new Object[] {List.of("train", "--epochs", "ten"), 2, "'ten' is not an int"},
                new Object[] {List.of("train", "--batch", "-4"), 2, "--batch -4 must be at least 1"},
                new Object[] {List.of("train", "--lr", "-1"), 2, "--lr -1.0 must be a positive number"},
                new Object[] {List.of("train", "--layers", "0"), 2, "width 0 must be between 1"},
                new Object[] {List.of("train", "--layers", "64,x"), 2, "'x' is not a whole number"},
                new Object[] {List.of("train", "--layers", "1000000,1000000"), 2, "more than this JVM's"},
                new Object[] {List.of("train", "--activation", "wobble"), 2, "--activation wobble"},
                new Object[] {List.of("train", "--optimizer", "lbfgs"), 2, "--optimizer lbfgs is not one of"},
                new Object[] {List.of("train", "--loss", "ce", "--output-activation", "sigmoid"), 2, "--loss ce takes logits"},
                new Object[] {List.of("train", "--threads", "0"), 2, "--threads 0 must be between 1"},
                new Object[] {List.of("train", "--data", "mnist"), 2, "use digits, iris, idx:DIR or csv:FILE"},
                new Object[] {List.of("train", "--data", "idx:" + p("no-such-dir")), 1, "no such directory"},
                new Object[] {List.of("train", "--data", truncatedIdxDir()), 1, "truncated: 26 bytes"},
                new Object[] {List.of("train", "--data", "csv:" + p("bad.csv")), 1, "line 2, column 2: 'x7' is not a number"},
                new Object[] {List.of("train", "--data", "csv:" + p("ragged.csv")), 1, "line 2 has 2 columns, expected 3"},
                new Object[] {List.of("train", "--data", "csv:" + p("missing.csv")), 1, "no such file"},
                new Object[] {List.of("train", "--save", p("no/such/dir/m.safetensors")), 1, "does not exist"},
                new Object[] {List.of("eval"), 2, "Missing required option: '--model=FILE'"},
                new Object[] {List.of("eval", "--model", p("none.safetensors")), 1, "no such model file"},
                new Object[] {List.of("eval", "--model", p("garbage.safetensors")), 1, "garbage.safetensors"},
                new Object[] {List.of("gradcheck", "--op", "frobnicate"), 2, "--op frobnicate: no such op"},
                new Object[] {List.of("gradcheck", "--cases", "0"), 2, "--cases 0 must be between 1"},
                new Object[] {List.of("graph", "--expr", "x +* 2"), 2, "unexpected '*' at position 4"},
                new Object[] {List.of("graph", "--expr", "frob(x)"), 2, "unknown function 'frob'"},
                new Object[] {List.of("graph", "--expr", "x @ w", "--var", "x=1,2,3", "--var", "w=1,2:2"), 1,
                        "matmul: shapes [3] and [2] do not match"},
                new Object[] {List.of("graph", "--expr", "x", "--var", "x=1,2,3:2x2"), 2, "3 values do not fill shape [2, 2]"},
                new Object[] {List.of("graph"), 2, "Missing required option: '--expr=EXPR'"},
                new Object[] {List.of("frobnicate"), 2, "Unmatched argument"});
    }

    @ParameterizedTest
    @MethodSource("badCommandLines")
    void everyBadCommandLineGivesOneClearLineAndANonZeroExit(List<String> args, int code, String expected) {
        Run r = run(args.toArray(String[]::new));
        assertEquals(code, r.code(), "exit code of " + args + "; stderr: " + r.err());
        String err = r.err().strip();
        assertFalse(err.contains("\n"), "more than one line on stderr: " + err);
        assertTrue(err.contains(expected), "stderr of " + args + " should mention '" + expected + "': " + err);
        assertTrue(err.startsWith("tapegrad"), err);
        assertFalse(err.contains("Exception") || err.contains("\tat "), "a stack trace leaked: " + err);
    }

    @Test
    void everySubcommandHasHelp() {
        for (String sub : List.of("train", "eval", "gradcheck", "graph")) {
            Run r = run(sub, "--help");
            assertEquals(0, r.code(), sub);
            assertTrue(r.out().contains("Usage: tapegrad " + sub), r.out());
        }
        assertTrue(run("--help").out().contains("train"));
    }

    @Test
    void trainSavesAModelThatEvalReadsBackWithTheSameAccuracy() throws IOException {
        Run t = run("train", "--data", "iris", "--layers", "8", "--epochs", "5", "--save", p("iris.safetensors"),
                "--history", p("iris.csv"), "--plot", p("iris.png"));
        assertEquals(0, t.code(), t.err());
        assertEquals("", t.err());
        String last = t.out().strip().lines().reduce((a, b) -> b).orElseThrow();
        assertTrue(last.startsWith("test accuracy "), last);
        assertTrue(t.out().contains("confusion matrix"), t.out());
        List<String> history = Files.readAllLines(tmp.resolve("iris.csv"));
        assertEquals(6, history.size());
        assertEquals("epoch,loss,accuracy,val_loss,val_accuracy,lr,seconds,samples_per_second", history.get(0));
        byte[] png = Files.readAllBytes(tmp.resolve("iris.png"));
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(png, 4));

        Run e = run("eval", "--model", p("iris.safetensors"));
        assertEquals(0, e.code(), e.err());
        String trainAcc = last.substring(0, last.indexOf(')') + 1);
        assertTrue(e.out().contains(trainAcc), "eval should report " + trainAcc + ":\n" + e.out());
        assertTrue(e.out().contains("setosa"), e.out());
    }

    @Test
    void theSameSeedGivesBitIdenticalModelsAndADifferentSeedDoesNot() throws IOException {
        String[] common = {"train", "--data", "iris", "--layers", "6", "--epochs", "3", "-q", "--threads", "1"};
        assertEquals(0, run(concat(common, "--seed", "5", "--save", p("a.safetensors"), "--history", p("a.csv"))).code());
        assertEquals(0, run(concat(common, "--seed", "5", "--save", p("b.safetensors"), "--history", p("b.csv"))).code());
        assertEquals(0, run(concat(common, "--seed", "6", "--save", p("c.safetensors"), "--history", p("c.csv"))).code());
        assertArrayEquals(Files.readAllBytes(tmp.resolve("a.safetensors")), Files.readAllBytes(tmp.resolve("b.safetensors")));
        assertEquals(lossColumns(tmp.resolve("a.csv")), lossColumns(tmp.resolve("b.csv")));
        assertFalse(Arrays.equals(Files.readAllBytes(tmp.resolve("a.safetensors")), Files.readAllBytes(tmp.resolve("c.safetensors"))));
        assertNotEquals(lossColumns(tmp.resolve("a.csv")), lossColumns(tmp.resolve("c.csv")));
    }

    @Test
    void oneAndTwoThreadsGiveBitIdenticalModels() throws IOException {
        // products of 256 x 64 x 512 are above the kernels' parallel threshold
        String[] common = {"train", "--data", "digits", "--layers", "512", "--epochs", "1", "--batch", "256",
            "--augment", "none", "-q", "--seed", "3", "--history="};
        assertEquals(0, run(concat(common, "--threads", "1", "--save", p("t1.safetensors"))).code());
        assertEquals(0, run(concat(common, "--threads", "2", "--save", p("t2.safetensors"))).code());
        assertArrayEquals(Files.readAllBytes(tmp.resolve("t1.safetensors")), Files.readAllBytes(tmp.resolve("t2.safetensors")));
        assertEquals(2, dev.tapegrad.Threads.get());
    }

    /** Every column but the times. */
    static List<String> lossColumns(Path csv) throws IOException {
        return Files.readAllLines(csv).stream().map(l -> String.join(",", Arrays.copyOf(l.split(",", -1), 6))).toList();
    }

    static String[] concat(String[] a, String... b) {
        String[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void gradcheckChecksOneOpFamily() {
        Run r = run("gradcheck", "--op", "tanh", "--cases", "2");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("ok   tanh"), r.out());
        assertTrue(r.out().contains("1 of 1 ops passed"), r.out());
        assertTrue(r.out().contains("both modes"), r.out());
        Run fwd = run("gradcheck", "--op", "matmul", "--cases", "1", "--mode", "fwd");
        assertEquals(0, fwd.code(), fwd.out() + fwd.err());
        assertTrue(fwd.out().contains("8 of 8 ops passed") && fwd.out().contains("forward mode"), fwd.out());
    }

    @Test
    void graphWritesTheTapeAndTheGradients() throws IOException {
        Run r = run("graph", "--expr", "sum(tanh(x*w + b))", "--var", "x=0.5", "--var", "w=2", "--var", "b=-1",
                "--out", p("g.dot"));
        assertEquals(0, r.code(), r.err());
        String dot = Files.readString(tmp.resolve("g.dot"));
        assertTrue(dot.startsWith("digraph"), dot);
        assertTrue(dot.contains("tanh") && dot.contains("mul") && dot.contains("add"), dot);
        // d/dw tanh(xw + b) = x (1 - tanh^2(xw + b)) = 0.5 at xw + b = 0
        assertTrue(r.out().contains("/dw = tensor(0.5,"), r.out());
        assertTrue(r.out().contains("/db = tensor(1,"), r.out());
    }

    /** The published default: the embedded digits reach at least 97 % test accuracy with no argument but -q. */
    @Test
    void theDefaultRunReaches97PercentOnTheEmbeddedDigits() {
        Run r = run("train", "-q", "--history=");
        assertEquals(0, r.code(), r.err());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("test accuracy ([0-9.]+)%").matcher(r.out());
        assertTrue(m.find(), r.out());
        assertTrue(Double.parseDouble(m.group(1)) >= 97.0, r.out());
    }

    @Test
    void csvWithAHeaderAndTheLabelFirstTrainsAndEvaluates() throws IOException {
        StringBuilder csv = new StringBuilder("species,a,b\n");
        java.util.Random r = new java.util.Random(1);
        for (int i = 0; i < 60; i++) {
            String name = i % 2 == 0 ? "left" : "right";
            double centre = i % 2 == 0 ? -2 : 2;
            csv.append(name).append(',').append(centre + r.nextGaussian() * 0.3).append(',').append(r.nextGaussian()).append('\n');
        }
        write("two.csv", csv.toString().getBytes());
        Run t = run("train", "--data", "csv:" + p("two.csv"), "--label-column", "0", "--layers", "4", "--epochs", "30", "--lr", "0.05",
                "--save", p("two.safetensors"), "--history=", "-q");
        assertEquals(0, t.code(), t.err());
        assertTrue(t.out().contains("test accuracy 100.00% (12/12)"), t.out());
        Run e = run("eval", "--model", p("two.safetensors"));
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().contains("left") && e.out().contains("test accuracy 100.00% (12/12)"), e.out());
    }

    /** The shared data folder beside the repository (CI clones it next to the repository), if present. */
    static java.util.Optional<Path> sharedData(String name) {
        Path dir = Path.of("").toAbsolutePath();
        for (int up = 0; up < 4 && dir != null; up++, dir = dir.getParent()) {
            for (Path candidate : List.of(dir.resolve("shared/data/" + name), dir.resolveSibling("shared").resolve("data/" + name))) {
                if (Files.isDirectory(candidate)) {
                    return java.util.Optional.of(candidate);
                }
            }
        }
        return java.util.Optional.empty();
    }

    @Test
    void trainsOnTheRealMnist10kIdxFiles() {
        Path dir = sharedData("mnist-10k").orElse(null);
        org.junit.jupiter.api.Assumptions.assumeTrue(dir != null, "shared data folder mnist-10k not found");
        Run r = run("train", "--data", "idx:" + dir, "--layers", "32", "--epochs", "1", "--batch", "64", "--history=", "-q");
        assertEquals(0, r.code(), r.err());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("test accuracy ([0-9.]+)% \\(\\d+/2000\\)").matcher(r.out());
        assertTrue(m.find(), r.out());
        assertTrue(Double.parseDouble(m.group(1)) > 80, "one epoch of a small MLP already beats 80 %: " + r.out());
    }
}
