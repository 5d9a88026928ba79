package dev.tapegrad.nn;

import dev.tapegrad.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A non-finite loss stops training before the update; a non-finite validation loss is reported; writes are atomic. */
class TrainerFaultsTest {

    @TempDir
    Path tmp;

    /** Cross-entropy, but NaN in training mode from epoch {@code from} on (or in evaluation in epoch {@code valEpoch}). */
    static final class Poison implements TrainingCallback {
        int epoch;
        final int from;
        final int valEpoch;
        final Module model;

        Poison(Module model, int from, int valEpoch) {
            this.model = model;
            this.from = from;
            this.valEpoch = valEpoch;
        }

        @Override
        public void onEpochBegin(int e) {
            epoch = e;
        }

        Loss loss() {
            return (out, batch) -> {
                Tensor l = Losses.crossEntropy(out, batch);
                boolean bad = model.isTraining() ? epoch >= from : epoch == valEpoch;
                return bad ? l.mul(Double.NaN) : l;
            };
        }
    }

    @Test
    void aNaNTrainingLossStopsBeforeTheStepAndRestoresTheBestEpoch() throws IOException {
        Dataset[] d = TrainerTest.iris();
        Module m = TrainerTest.mlp(1);
        Poison p = new Poison(m, 3, -1);
        List<double[]> atEpochEnd = new ArrayList<>();
        List<Integer> best = new ArrayList<>();
        Trainer t = Trainer.builder(m, new Adam(m.parameters(), 0.02), p.loss()).epochs(5).validation(d[1])
                .callback(p).callback(new TrainingCallback() {
                    @Override
                    public void onEpochEnd(History.Epoch e, History h) {
                        atEpochEnd.add(flat(m));
                        best.add(h.bestEpoch());
                    }
                }).seed(2).build();
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> t.fit(d[0]));
        assertTrue(e.getMessage().contains("loss became NaN in epoch 3, batch 1"), e.getMessage());
        assertTrue(e.getMessage().contains("stopped before the update"), e.getMessage());
        int bestEpoch = best.get(1);
        assertEquals(bestEpoch, e.restoredEpoch());
        assertTrue(e.getMessage().contains("epoch " + bestEpoch + " (the best) were restored"), e.getMessage());
        assertEquals(2, e.history().epochs());
        double[] now = flat(m);
        assertTrue(java.util.Arrays.stream(now).allMatch(Double::isFinite), "no NaN reached the weights");
        assertArrayEquals(atEpochEnd.get(bestEpoch - 1), now, "the best epoch's weights are back");
    }

    @Test
    void aNaNInTheFirstBatchLeavesTheInitialWeights() {
        Module m = TrainerTest.mlp(1);
        double[] initial = flat(m);
        Poison p = new Poison(m, 1, -1);
        Dataset[] d = assertDoesNotThrowIris();
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () ->
                Trainer.builder(m, new SGD(m.parameters(), 0.1), p.loss()).epochs(2).callback(p).build().fit(d[0]));
        assertEquals(-1, e.restoredEpoch());
        assertArrayEquals(initial, flat(m));
    }

    @Test
    void aNaNValidationLossIsReportedAndNeverTheBestEpoch() throws IOException {
        Dataset[] d = TrainerTest.iris();
        Module m = TrainerTest.mlp(1);
        Poison p = new Poison(m, 99, 1);   // validation NaN after epoch 1 only
        java.io.ByteArrayOutputStream lines = new java.io.ByteArrayOutputStream();
        History h = Trainer.builder(m, new Adam(m.parameters(), 0.02), p.loss()).epochs(3).validation(d[1]).earlyStopping(2)
                .callback(p).progress(new java.io.PrintStream(lines, true, StandardCharsets.UTF_8)).build().fit(d[0]);
        assertTrue(Double.isNaN(h.valLoss()[0]));
        assertTrue(h.bestEpoch() >= 2, "the NaN epoch cannot be the best: " + h.bestEpoch());
        assertEquals(1, h.warnings().size());
        assertTrue(h.warnings().get(0).contains("validation loss is NaN after epoch 1"), h.warnings().get(0));
        assertTrue(lines.toString(StandardCharsets.UTF_8).contains("warning: Trainer: validation loss is NaN"), lines.toString());
        assertFalse(h.stoppedEarly() && h.epochs() == 2 && h.bestEpoch() == 1);
    }

    static Dataset[] assertDoesNotThrowIris() {
        try {
            return TrainerTest.iris();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static double[] flat(Module m) {
        return m.parameters().stream().flatMapToDouble(t -> java.util.Arrays.stream(t.toArray())).toArray();
    }

    @Test
    void aFailedWriteLeavesTheOldFileAndNoTemporary() throws IOException {
        Path f = tmp.resolve("h.csv");
        Files.writeString(f, "old");
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(f, out -> {
            out.write("half of the new".getBytes(StandardCharsets.UTF_8));
            out.flush();
            throw new IOException("No space left on device");
        }));
        assertEquals("cannot write " + f + ": No space left on device", e.getMessage());
        assertEquals("old", Files.readString(f));
        try (var s = Files.list(tmp)) {
            assertEquals(List.of("h.csv"), s.map(x -> x.getFileName().toString()).toList());
        }
        Path fresh = tmp.resolve("new.csv");
        assertThrows(IOException.class, () -> AtomicFiles.write(fresh, out -> {
            throw new IOException("No space left on device");
        }));
        assertFalse(Files.exists(fresh), "no 0-byte file is left behind");
    }

    @Test
    void staleTemporariesOfDeadProcessesAreRemovedAndWritesReplaceTheFile() throws IOException {
        Path f = tmp.resolve("m.safetensors");
        // pid 2^22 + 1 is above Linux's pid_max default and never alive; our own pid's file is ours
        Path stale = AtomicFiles.temporaryFor(f.toAbsolutePath(), (1L << 22) + 1);
        Files.writeString(stale, "left by a killed save");
        Path other = tmp.resolve(".other.safetensors.12.tmp");
        Files.writeString(other, "not ours");
        AtomicFiles.write(f, out -> out.write(new byte[] {1, 2, 3}));
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(f));
        assertFalse(Files.exists(stale));
        assertTrue(Files.exists(other), "temporaries of other files are left alone");
    }

    @Test
    void checkWritableFailsOnARealReadOnlyFileSystemNamingTheTarget() {
        Path target = Path.of("/proc/tapegrad-history.csv");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self")), "no /proc (not Linux)");
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.checkWritable(target));
        assertTrue(e.getMessage().startsWith("cannot write /proc/tapegrad-history.csv: "), e.getMessage());
        assertFalse(e.getMessage().contains(".tmp"), e.getMessage());
    }
}
