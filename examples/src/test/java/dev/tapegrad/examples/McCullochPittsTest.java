package dev.tapegrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tapegrad.Tensor;
import org.junit.jupiter.api.Test;

/** The hand-set neurons compute the truth tables of Java's own boolean operators. */
class McCullochPittsTest {

    @Test
    void andOrNotTruthTables() {
        Tensor two = McCullochPitts.truthInputs(2);
        Tensor and = McCullochPitts.and().fire(two), or = McCullochPitts.or().fire(two);
        for (int r = 0; r < 4; r++) {
            boolean a = two.get(r, 0) == 1, b = two.get(r, 1) == 1;
            assertEquals(a && b ? 1 : 0, and.get(r), 0, "AND row " + r);
            assertEquals(a || b ? 1 : 0, or.get(r), 0, "OR row " + r);
        }
        Tensor one = McCullochPitts.truthInputs(1);
        Tensor not = McCullochPitts.not().fire(one);
        assertEquals(1, not.get(0), 0);
        assertEquals(0, not.get(1), 0);
        assertEquals(8, McCullochPitts.truthInputs(3).shape(0));
    }

    @Test
    void aWrongInputWidthIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> McCullochPitts.and().fire(McCullochPitts.truthInputs(1)));
    }
}
