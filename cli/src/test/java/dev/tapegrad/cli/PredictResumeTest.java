package dev.tapegrad.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code tapegrad predict}, and {@code train --resume} continuing bit-identically. */
class PredictResumeTest {

    @TempDir
    static Path tmp;

    static String p(String name) {
        return tmp.resolve(name).toString();
    }

    @Test
    void predictWritesOneLinePerSampleAgreeingWithEval() throws IOException {
        CliTest.Run help = CliTest.run("predict", "--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("Usage: tapegrad predict") && help.out().contains("--out=FILE"), help.out());
        CliTest.Run t = CliTest.run("train", "--data", "iris", "--layers", "6", "--epochs", "30", "--lr", "0.01", "-q", "--history=",
                "--save", p("iris.safetensors"));
        assertEquals(0, t.code(), t.err());
        CliTest.Run r = CliTest.run("predict", "--model", p("iris.safetensors"), "--out", p("pred.csv"));
        assertEquals(0, r.code(), r.err());
        List<String> lines = Files.readAllLines(tmp.resolve("pred.csv"));
        assertEquals("sample,label,prediction,name,setosa,versicolor,virginica", lines.get(0));
        assertEquals(31, lines.size(), "30 test samples and the header");
        long right = lines.stream().skip(1).map(l -> l.split(",")).filter(c -> c[1].equals(c[2])).count();
        String acc = t.out().substring(t.out().indexOf("test accuracy"), t.out().indexOf(')') + 1);
        assertTrue(acc.contains("(" + right + "/30)"), acc + " vs " + right);
        assertTrue(r.out().contains("predictions: " + p("pred.csv") + " (30 samples of iris), accuracy"), r.out());
        for (String l : lines.subList(1, lines.size())) {
            String[] c = l.split(",");
            double sum = Double.parseDouble(c[4]) + Double.parseDouble(c[5]) + Double.parseDouble(c[6]);
            assertEquals(1, sum, 1e-12, "probabilities: " + l);
            int best = Double.parseDouble(c[4]) >= Math.max(Double.parseDouble(c[5]), Double.parseDouble(c[6])) ? 0
                    : Double.parseDouble(c[5]) >= Double.parseDouble(c[6]) ? 1 : 2;
            assertEquals(Integer.toString(best), c[2], l);
        }
        // features only, no label column: predictions to standard output
        Files.writeString(tmp.resolve("new.csv"), "sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n6.7,3.0,5.2,2.3\n");
        CliTest.Run u = CliTest.run("predict", "--model", p("iris.safetensors"), "--data", "csv:" + p("new.csv"));
        assertEquals(0, u.code(), u.err());
        List<String> out = u.out().lines().toList();
        assertEquals("sample,prediction,name,setosa,versicolor,virginica", out.get(0));
        assertTrue(out.get(1).startsWith("0,0,setosa,"), u.out());
        assertTrue(out.get(2).startsWith("1,2,virginica,"), u.out());
        Files.writeString(tmp.resolve("wide.csv"), "1,2,3,4,5,6\n");
        CliTest.Run w = CliTest.run("predict", "--model", p("iris.safetensors"), "--data", "csv:" + p("wide.csv"));
        assertEquals(1, w.code());
        assertTrue(w.err().contains("takes 4"), w.err());
    }

    @Test
    void twoEpochsThenResumeTwoGiveTheModelOfFourStraightBitForBit() throws IOException {
        String[] common = {"train", "--data", "digits", "--layers", "16", "--batch", "64", "--augment", "none", "-q",
            "--seed", "9"};
        assertEquals(0, CliTest.run(CliTest.concat(common, "--epochs", "4", "--save", p("straight.safetensors"),
                "--history", p("straight.csv"))).code());
        CliTest.Run first = CliTest.run(CliTest.concat(common, "--epochs", "2", "--checkpoint", p("run.ckpt"), "--history=",
                "--save", p("half.safetensors")));
        assertEquals(0, first.code(), first.err());
        CliTest.Run rest = CliTest.run(CliTest.concat(common, "--epochs", "4", "--resume", p("run.ckpt"),
                "--save", p("resumed.safetensors"), "--history", p("resumed.csv")));
        assertEquals(0, rest.code(), rest.err());
        assertArrayEquals(Files.readAllBytes(tmp.resolve("straight.safetensors")), Files.readAllBytes(tmp.resolve("resumed.safetensors")));
        assertEquals(CliTest.lossColumns(tmp.resolve("straight.csv")), CliTest.lossColumns(tmp.resolve("resumed.csv")),
                "the resumed history holds all four epochs");
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(tmp.resolve("half.safetensors")),
                Files.readAllBytes(tmp.resolve("resumed.safetensors"))));

        CliTest.Run other = CliTest.run(CliTest.concat(common, "--epochs", "4", "--lr", "0.01", "--resume", p("run.ckpt"), "--history="));
        assertEquals(2, other.code(), other.err());
        assertTrue(other.err().contains("the checkpoint was made with options"), other.err());
        CliTest.Run missing = CliTest.run(CliTest.concat(common, "--resume", p("nope.ckpt"), "--history="));
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("no such checkpoint file"), missing.err());
    }
}
