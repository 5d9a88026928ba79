package dev.tapegrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapegrad.Tensor;
import org.junit.jupiter.api.Test;

/** ART-1: vigilance sets the number of categories; every input resonates with a template it contains. */
class Art1Test {

    @Test
    void raisingVigilanceIncreasesTheNumberOfCategories() {
        Tensor data = Art1.digits(300);
        int previous = 0;
        for (double rho : new double[] {0.2, 0.4, 0.6, 0.8}) {
            Art1 art = new Art1(rho);
            int passes = art.fit(data, 20);
            assertTrue(passes < 20, "stable at vigilance " + rho);
            assertTrue(art.categories() > previous, "vigilance " + rho + ": " + art.categories() + " after " + previous);
            previous = art.categories();
            checkResonance(art, data);
        }
    }

    /** Each input's template is a subset of it (fast learning) that passes the vigilance test. */
    private static void checkResonance(Art1 art, Tensor data) {
        int[] a = art.assignments();
        for (int i = 0; i < a.length; i++) {
            Tensor in = data.slice(0, i, i + 1).reshape(64), w = art.templates().slice(0, a[i], a[i] + 1).reshape(64);
            double overlap = in.mul(w).sum().item();
            assertEquals(w.sum().item(), overlap, 0, "template of input " + i + " lies inside it");
            assertTrue(overlap / in.sum().item() >= art.vigilance(), "input " + i + " passes vigilance");
        }
    }

    @Test
    void identicalInputsShareACategoryAndDisjointOnesDoNot() {
        Tensor x = Tensor.matrix(new double[][] {{1, 1, 0, 0}, {0, 0, 1, 1}, {1, 1, 0, 0}, {1, 0, 0, 0}});
        Art1 strict = new Art1(0.9);
        strict.fit(x, 10);
        int[] a = strict.assignments();
        assertEquals(a[0], a[2]);
        assertTrue(a[0] != a[1]);
        assertEquals(3, strict.categories());
        // {1,0,0,0} shrinks the template of {1,1,0,0} to itself; {1,1,0,0} then matches it only by 1/2,
        // which passes at vigilance 0.4 (two categories) and fails at 0.9 (a third one)
        Art1 loose = new Art1(0.4);
        loose.fit(x, 10);
        assertEquals(2, loose.categories());
    }

    @Test
    void badInputIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new Art1(0));
        assertThrows(IllegalArgumentException.class, () -> new Art1(0.5).fit(Tensor.matrix(new double[][] {{0, 0}}), 3));
        assertThrows(IllegalArgumentException.class, () -> new Art1(0.5).fit(Tensor.matrix(new double[][] {{0.5, 1}}), 3));
    }
}
