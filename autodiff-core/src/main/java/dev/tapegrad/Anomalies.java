package dev.tapegrad;

import java.security.CodeSource;
import java.util.Arrays;

/** The checks behind anomaly mode; only called when a tape was opened with DETECT_ANOMALY. */
final class Anomalies {
    private static final CodeSource OWN = Tape.class.getProtectionDomain().getCodeSource();
    private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

    private Anomalies() {}

    /** Kind of the worst non-finite value in {@code x}: 0 none, 1 infinity, 2 NaN. */
    private static int badness(double[] x) {
        int worst = 0;
        for (double v : x) {
            if (Double.isNaN(v)) {
                return 2;
            }
            if (Double.isInfinite(v)) {
                worst = 1;
            }
        }
        return worst;
    }

    private static int firstBad(double[] x) {
        for (int i = 0; i < x.length; i++) {
            if (!Double.isFinite(x[i])) {
                return i;
            }
        }
        return -1;
    }

    static void checkForward(Tape tape, String op, Tensor out, Tensor[] inputs) {
        int bad = badness(out.data);
        if (bad == 0) {
            return;
        }
        int worstIn = 0;
        for (Tensor t : inputs) {
            worstIn = Math.max(worstIn, badness(t.data));
        }
        if (worstIn >= bad) {
            return;  // passed on from an input, not produced here
        }
        int i = firstBad(out.data);
        throw new AnomalyException("anomaly in the forward pass: " + op + " (tape position " + tape.size()
                + ") produced " + out.data[i] + " at index " + Arrays.toString(unravel(i, out.shape))
                + " of its output of shape " + Shapes.str(out.shape) + "; input shapes " + shapes(inputs)
                + "; recorded at " + callerSite());
    }

    static void checkBackward(Node node, int input, Tensor grad) {
        int i = firstBad(grad.data);
        if (i < 0) {
            return;
        }
        throw new AnomalyException("anomaly in the backward pass: the gradient that " + node.opName()
                + " (tape position " + node.index + ") passes to its input " + input + " holds "
                + grad.data[i] + " at index " + Arrays.toString(unravel(i, grad.shape)) + "; input shapes "
                + shapes(node.inputs) + "; the op was recorded at " + (node.site == null ? "?" : node.site));
    }

    private static String shapes(Tensor[] ts) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < ts.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(Shapes.str(ts[i].shape));
        }
        return sb.toString();
    }

    static int[] unravel(int flat, int[] shape) {
        int[] idx = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] > 0) {
                idx[d] = flat % shape[d];
                flat /= shape[d];
            }
        }
        return idx;
    }

    /** The first stack frame outside Tapegrad's own classes: where the user's code called the op. */
    static StackTraceElement callerSite() {
        return WALKER.walk(frames -> frames
                .filter(f -> !isOwn(f.getDeclaringClass()))
                .findFirst()
                .map(StackWalker.StackFrame::toStackTraceElement)
                .orElse(null));
    }

    private static boolean isOwn(Class<?> c) {
        if (!c.getName().startsWith("dev.tapegrad.")) {
            return false;
        }
        CodeSource cs = c.getProtectionDomain().getCodeSource();
        return cs == null || OWN == null || cs.getLocation().equals(OWN.getLocation());
    }
}
