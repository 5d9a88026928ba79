package dev.tapegrad.cli;

import dev.tapegrad.nn.SafeTensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Faults and bad input: one clear line, a non-zero exit, and nothing wasted or half-written. */
class CliHardeningTest {

    @TempDir
    static Path tmp;

    static CliTest.Run run(String... args) {
        return CliTest.run(args);
    }

    static String p(String name) {
        return tmp.resolve(name).toString();
    }

    static void assertOneLine(CliTest.Run r, int code, String expected) {
        assertEquals(code, r.code(), "stderr: " + r.err());
        String err = r.err().strip();
        assertFalse(err.contains("\n"), "more than one line: " + err);
        assertTrue(err.contains(expected), "should mention '" + expected + "': " + err);
        assertFalse(err.contains("\tat ") || err.contains("Exception"), "a stack trace leaked: " + err);
    }

    @Test
    void anOutOfMemoryErrorIsOneLineAndExitCode1() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new ArrayList<>(List.of(java.toString(), "-Xmx200m", "-cp", System.getProperty("java.class.path"),
                "dev.tapegrad.cli.TapegradCommand", "train", "--layers", "8192", "--batch", "2000", "--epochs", "1",
                "--history=", "-q"));
        Process proc = new ProcessBuilder(cmd).directory(tmp.toFile()).start();
        assertTrue(proc.waitFor(120, TimeUnit.SECONDS), "the JVM should end");
        String err = new String(proc.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(1, proc.exitValue(), err);
        assertTrue(err.startsWith("tapegrad train: out of memory"), err);
        assertFalse(err.contains("\n") || err.contains("\tat ") || err.contains("java.lang"), err);
    }

    @Test
    void evalChecksTheTensorsAgainstTheDescriptionBeforeBuildingTheNetwork() throws IOException {
        assertEquals(0, run("train", "--data", "iris", "--layers", "4", "--epochs", "1", "-q", "--history=",
                "--save", p("small.safetensors")).code());
        Map<String, String> meta = new java.util.LinkedHashMap<>(SafeTensors.metadata(tmp.resolve("small.safetensors")));
        var tensors = SafeTensors.read(tmp.resolve("small.safetensors"));
        // 4-40000-40000-3 would need 12.8 GB of weights if it were built
        meta.put("layers", "4,40000,40000,3");
        SafeTensors.write(tmp.resolve("lying.safetensors"), tensors, meta);
        assertOneLine(run("eval", "--model", p("lying.safetensors")), 1, "lying.safetensors: its tensors");
        meta.put("layers", "4,5,3");
        SafeTensors.write(tmp.resolve("shape.safetensors"), tensors, meta);
        assertOneLine(run("eval", "--model", p("shape.safetensors")), 1, "tensor '0.weight' has shape [4, 4] but its layer description");
        meta.put("layers", "4,4,3");
        meta.put("activation", "wobble");
        SafeTensors.write(tmp.resolve("act.safetensors"), tensors, meta);
        assertOneLine(run("eval", "--model", p("act.safetensors")), 1, "act.safetensors: corrupt model file: its activation 'wobble'");
    }

    @Test
    void outputTargetsAreCheckedBeforeTraining() throws IOException {
        CliTest.Run same = run("train", "--data", "iris", "--save", p("x.out"), "--history", p("x.out"));
        assertOneLine(same, 2, "--save and --history both name");
        assertOneLine(run("train", "--data", "iris", "--plot", p("c.gif")), 2, "name the file .png, .jpg or .jpeg");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self")), "no /proc");
        // /proc is a real read-only file system (even for root, for whom chmod is no obstacle)
        for (String opt : List.of("--history", "--plot", "--save", "--checkpoint")) {
            CliTest.Run r = run("train", "--data", "iris", "--epochs", "50", opt, "/proc/tapegrad-out.png");
            assertOneLine(r, 1, opt + ": cannot write /proc/tapegrad-out.png");
            assertFalse(r.err().contains(".tmp"), "the temporary file is not the user's business: " + r.err());
            assertFalse(r.out().contains("epoch 1/50"), "nothing was trained: " + r.out());
        }
    }

    @Test
    void plotWritesJpegForJpgNamesAndStaleTemporariesAreRemoved() throws IOException {
        Path stale = tmp.resolve(".m.safetensors.4194305.tmp");   // pid 2^22 + 1: never alive
        Files.writeString(stale, "left by a killed save");
        CliTest.Run r = run("train", "--data", "iris", "--layers", "4", "--epochs", "2", "-q", "--plot", p("c.jpg"),
                "--history", p("h.csv"), "--save", p("m.safetensors"));
        assertEquals(0, r.code(), r.err());
        byte[] jpg = Files.readAllBytes(tmp.resolve("c.jpg"));
        assertEquals(0xFF, jpg[0] & 0xFF);
        assertEquals(0xD8, jpg[1] & 0xFF);
        assertFalse(Files.exists(tmp.resolve("c.jpg.png")));
        assertFalse(Files.exists(stale), "stale temporary removed");
        try (var s = Files.list(tmp)) {
            assertTrue(s.noneMatch(f -> f.getFileName().toString().endsWith(".tmp")), "no temporary left");
        }
    }

    static String idxDir(String name, int[] labels) throws IOException {
        Path dir = tmp.resolve(name);
        Files.createDirectories(dir);
        java.util.Random rnd = new java.util.Random(1);
        for (String prefix : List.of("train", "t10k")) {
            ByteBuffer im = ByteBuffer.allocate(16 + 4 * labels.length).putInt(0x803).putInt(labels.length).putInt(2).putInt(2);
            for (int i = 0; i < 4 * labels.length; i++) {
                im.put((byte) rnd.nextInt(256));
            }
            ByteBuffer lb = ByteBuffer.allocate(8 + labels.length).putInt(0x801).putInt(labels.length);
            for (int l : labels) {
                lb.put((byte) l);
            }
            Files.write(dir.resolve(prefix + "-images-idx3-ubyte"), im.array());
            Files.write(dir.resolve(prefix + "-labels-idx1-ubyte"), lb.array());
        }
        return "idx:" + dir;
    }

    @Test
    void anIdxLabelAboveTheClassCountIsAnErrorUnlessClassesSaysSo() throws IOException {
        int[] labels = new int[40];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i % 10;
        }
        labels[7] = 200;
        String data = idxDir("idx200", labels);
        assertOneLine(run("train", "--data", data, "--history=", "-q"), 1, "label 200 of sample 7 is not one of the 10 classes");
        CliTest.Run ok = run("train", "--data", data, "--classes", "201", "--layers", "4", "--epochs", "1", "--history=",
                "--val-fraction", "0", "--save", p("c201.safetensors"), "-q");
        assertEquals(0, ok.code(), ok.err());
        assertEquals(201, SafeTensors.shapes(tmp.resolve("c201.safetensors")).get("2.bias")[0]);
    }

    @Test
    void evalPrintsTheTestLossTrainPrinted() {
        CliTest.Run t = run("train", "--data", "iris", "--layers", "6", "--epochs", "4", "-q", "--history=", "--save", p("e.safetensors"));
        assertEquals(0, t.code(), t.err());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("test loss ([0-9.]+)").matcher(t.out());
        assertTrue(m.find(), t.out());
        CliTest.Run e = run("eval", "--model", p("e.safetensors"));
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().contains("test loss " + m.group(1) + " (cross-entropy)"), e.out());
    }

    @Test
    void aQuotedSemicolonCsvTrainsWithDelimiter() throws IOException {
        StringBuilder csv = new StringBuilder("\"x; first\";\"y\";\"kind\"\n");
        java.util.Random r = new java.util.Random(3);
        for (int i = 0; i < 50; i++) {
            boolean a = i % 2 == 0;
            csv.append(a ? -2 + r.nextGaussian() * 0.2 : 2 + r.nextGaussian() * 0.2).append(';').append(r.nextGaussian())
                    .append(';').append(a ? "\"left; or west\"" : "right").append('\n');
        }
        Files.writeString(tmp.resolve("semi.csv"), csv);
        CliTest.Run t = run("train", "--data", "csv:" + p("semi.csv"), "--delimiter", ";", "--layers", "4", "--epochs", "20",
                "--lr", "0.05", "--history=", "-q", "--save", p("semi.safetensors"));
        assertEquals(0, t.code(), t.err());
        assertTrue(t.out().contains("test accuracy 100.00% (10/10)"), t.out());
        CliTest.Run e = run("eval", "--model", p("semi.safetensors"), "--delimiter", ";");
        assertTrue(e.out().contains("left; or west"), e.out());
        assertOneLine(run("train", "--data", "csv:" + p("semi.csv"), "--delimiter", ";;"), 2, "--delimiter ';;' must be one character");
    }

    @Test
    void withoutATerminalTrainingPrintsOnePlainLinePerEpochAndSaysItIsLoading() throws IOException {
        int[] labels = new int[30];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i % 3;
        }
        CliTest.Run r = run("train", "--data", idxDir("plain", labels), "--layers", "4", "--epochs", "3", "--history=");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("loading idx:"), r.out());
        assertFalse(r.out().contains("\r") || r.err().contains("\r"), "no carriage returns without a terminal");
        assertEquals(3, r.out().lines().filter(l -> l.matches("epoch \\d/3 .*")).count(), r.out());
        assertEquals("", r.err());
        assertFalse(ProgressBarCallback.wanted(), "tests do not run on a terminal");
    }

    @Test
    void pytorchLayoutRoundTripsThroughEvalAndPredict() throws IOException {
        CliTest.Run t = run("train", "--data", "iris", "--layers", "5", "--epochs", "3", "-q", "--history=",
                "--save", p("pt.safetensors"), "--layout", "pytorch");
        assertEquals(0, t.code(), t.err());
        assertArrayEquals(new int[] {5, 4}, SafeTensors.shapes(tmp.resolve("pt.safetensors")).get("0.weight"), "[out, in]");
        String acc = t.out().substring(t.out().indexOf("test accuracy"), t.out().indexOf(')') + 1);
        CliTest.Run e = run("eval", "--model", p("pt.safetensors"));
        assertTrue(e.out().contains(acc), acc + " in\n" + e.out());
        assertOneLine(run("train", "--layout", "keras"), 2, "--layout keras is not one of tapegrad, pytorch");
    }

    @Test
    void graphNamesLeavesByTheirVariablesAndShowsOpParameters() throws IOException {
        CliTest.Run r = run("graph", "--expr", "sum(softmax(x @ w + b)^3) + x", "--var", "x=1,2:1x2", "--var", "w=randn:2x3",
                "--var", "b=0.5", "--out", p("named.dot"));
        assertEquals(0, r.code(), r.err());
        String dot = Files.readString(tmp.resolve("named.dot"));
        assertTrue(dot.contains("label=\"x\\n[1, 2]\"") && dot.contains("label=\"w\\n[2, 3]\"") && dot.contains("label=\"b\\n[]\""), dot);
        assertTrue(dot.contains("label=\"softmax\\n[1, 3]\\naxis=-1\"") && dot.contains("label=\"pow\\n[1, 3]\\np=3\""), dot);
        assertFalse(dot.contains("var:") || dot.contains("param:") || dot.contains("label=\"leaf"), "markers folded away: " + dot);
        // every edge joins two nodes that exist
        java.util.Set<String> ids = new java.util.HashSet<>();
        java.util.regex.Matcher n = java.util.regex.Pattern.compile("(\\w+) \\[shape").matcher(dot);
        while (n.find()) {
            ids.add(n.group(1));
        }
        java.util.regex.Matcher e = java.util.regex.Pattern.compile("(\\w+) -> (\\w+);").matcher(dot);
        int edges = 0;
        while (e.find()) {
            assertTrue(ids.contains(e.group(1)) && ids.contains(e.group(2)), e.group());
            edges++;
        }
        assertEquals(9, edges, dot);   // matmul 2, add 2, softmax 1, pow 1, sum 1, add 2
        // the markers change no value: the same gradient as without a picture
        CliTest.Run plain = run("graph", "--expr", "sum(softmax(x @ w + b)^3) + x", "--var", "x=1,2:1x2", "--var", "w=randn:2x3",
                "--var", "b=0.5");
        assertEquals(r.out().lines().filter(l -> l.startsWith("d(")).toList(), plain.err().lines().filter(l -> l.startsWith("d(")).toList());
    }
}
