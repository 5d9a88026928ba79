package dev.tapegrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapegrad.testing.GradCheck;
import dev.tapegrad.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The shape of the finite-difference error curves (a V with its minimum near ∛ε for central and
 * √ε for forward differences, slopes 1 and 2 on the truncation side) and the number of
 * evaluations each method needs. Nothing here is timed.
 */
class NumericalVsAutodiffTest {

    private static int argmin(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] < v[best]) {
                best = i;
            }
        }
        return best;
    }

    @Test
    void theErrorCurvesAreVShapedWithTheirMinimaWhereTheoryPutsThem() {
        double[] h = NumericalVsAutodiff.steps();
        assertEquals(1e-1, h[0], 1e-16);
        assertEquals(1e-12, h[h.length - 1], 1e-27);
        for (long seed = 1; seed <= 3; seed++) {
            double[][] err = NumericalVsAutodiff.errorCurves(10, seed);
            int f = argmin(err[0]), c = argmin(err[1]);
            assertTrue(h[c] >= 1e-6 - 1e-12 && h[c] <= 3.2e-5, "seed " + seed + ": central minimum at h = " + h[c]);
            assertTrue(h[f] >= 1e-9 && h[f] <= 1e-7, "seed " + seed + ": forward minimum at h = " + h[f]);
            assertTrue(err[1][c] < 1e-2 * err[0][f], "central's best " + err[1][c] + " vs forward's best " + err[0][f]);
            assertTrue(err[1][c] < 1e-9, "central's best " + err[1][c]);
            // both arms of the V rise far above the minimum
            assertTrue(err[1][0] > 1e5 * err[1][c] && err[1][h.length - 1] > 1e3 * err[1][c]);
            assertTrue(err[0][0] > 1e5 * err[0][f] && err[0][h.length - 1] > 1e3 * err[0][f]);
            // truncation side: a decade of h is a decade of error for forward, two for central
            double slopeF = Math.log10(err[0][2] / err[0][4]), slopeC = Math.log10(err[1][2] / err[1][4]);
            assertEquals(1, slopeF, 0.05, "forward differences are first order");
            assertEquals(2, slopeC, 0.05, "central differences are second order");
        }
    }

    @Test
    void numericalGradientsCostNPlusOneOr2NEvaluationsAndAgreeWithTheTape() {
        for (int n : new int[] {10, 100, 1000}) {
            Tensor x = NumericalVsAutodiff.point(n, 4), exact = NumericalVsAutodiff.autodiff(x);
            NumericalVsAutodiff.Counter fwd = new NumericalVsAutodiff.Counter(), cen = new NumericalVsAutodiff.Counter();
            double[] gf = NumericalVsAutodiff.forward(x, 1e-8, fwd), gc = NumericalVsAutodiff.central(x, 6e-6, cen);
            assertEquals(n + 1, fwd.evaluations());
            assertEquals(2L * n, cen.evaluations());
            // round-off grows with |f|, which grows with n: ε·|f|/h
            double ec = NumericalVsAutodiff.relativeError(gc, exact), ef = NumericalVsAutodiff.relativeError(gf, exact);
            assertTrue(ec < 1e-7, "n = " + n + ": central error " + ec);
            assertTrue(ef < 1e-4 && ef > ec, "n = " + n + ": forward error " + ef + ", central " + ec);
        }
        // the tape's gradient also passes the library's own check
        GradCheck.assertGradients(in -> NumericalVsAutodiff.f(in[0]), NumericalVsAutodiff.point(7, 5));
    }
}
