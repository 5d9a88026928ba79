package dev.tapegrad.cli;

import dev.tapegrad.nn.History;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bar redraws one line in place, shows the running accuracy, and leaves nothing behind. */
class ProgressBarTest {

    /** What a terminal shows after printing {@code text}: '\r' returns to column 0 and overwrites. */
    static List<String> screen(String text) {
        List<StringBuilder> lines = new ArrayList<>(List.of(new StringBuilder()));
        int col = 0;
        for (char c : text.toCharArray()) {
            StringBuilder line = lines.get(lines.size() - 1);
            if (c == '\r') {
                col = 0;
            } else if (c == '\n') {
                lines.add(new StringBuilder());
                col = 0;
            } else {
                if (col < line.length()) {
                    line.setCharAt(col, c);
                } else {
                    line.append(c);
                }
                col++;
            }
        }
        return lines.stream().map(b -> b.toString().stripTrailing()).toList();
    }

    @Test
    void drawsInPlaceWithRunningAccuracyAndClearsTheLineAtTheEndOfEachEpoch() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream terminal = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        ProgressBarCallback bar = new ProgressBarCallback(terminal, 100);
        bar.onTrainBegin(2, 4, 100);
        for (int e = 1; e <= 2; e++) {
            bar.onEpochBegin(e);
            for (int b = 1; b <= 4; b++) {
                bar.onBatchEnd(e, b, 0.5, 25, b <= 2 ? 25 : 5);
                String now = bar.line();
                assertTrue(now.length() <= 99, now);
                if (b == 4) {
                    assertTrue(now.startsWith("epoch " + e + "/2 [") && now.contains("100/100"), now);
                    assertTrue(now.contains("loss 0.5000") && now.contains("acc 60.00%"), "60 of 100 right: " + now);
                }
            }
            String midEpoch = bytes.toString(StandardCharsets.UTF_8);
            assertTrue(screen(midEpoch).get(screen(midEpoch).size() - 1).startsWith("epoch " + e + "/2"),
                    "the bar is on the last line while the epoch runs");
            bar.onEpochEnd(new History.Epoch(e, 0.5, 0.6, Double.NaN, Double.NaN, 1e-3, 1, 100), new History());
            terminal.print("epoch " + e + "/2  loss 0.5000\n");   // what the trainer prints next, on the same terminal
        }
        bar.onTrainEnd(new History());
        String all = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(all.contains("\r"), "drawn in place");
        assertFalse(all.replace("\r", "").contains("\n\n"));
        assertEquals(List.of("epoch 1/2  loss 0.5000", "epoch 2/2  loss 0.5000", ""), screen(all),
                "only the per-epoch lines stay: no leftover bars");
    }

    @Test
    void noBarOnANarrowOrNonInteractiveTerminalOrInCi() {
        assertTrue(ProgressBarCallback.wanted(true, null, 80));
        assertFalse(ProgressBarCallback.wanted(true, null, 40), "narrow");
        assertFalse(ProgressBarCallback.wanted(false, null, 200), "not a terminal");
        assertFalse(ProgressBarCallback.wanted(true, "true", 200), "CI");
        assertTrue(ProgressBarCallback.wanted(true, "false", 200));
    }
}
