package dev.tapegrad;

/** numpy-like printing of tensor values, abbreviated with "..." past 1,000 elements. */
final class TensorFormat {
    private static final int THRESHOLD = 1000;
    private static final int EDGE = 3;

    private TensorFormat() {}

    static void format(StringBuilder sb, double[] data, int[] shape) {
        boolean summarise = data.length > THRESHOLD;
        if (shape.length == 0) {
            sb.append(num(data[0]));
            return;
        }
        rec(sb, data, shape, Shapes.strides(shape), 0, 0, summarise);
    }

    private static void rec(StringBuilder sb, double[] data, int[] shape, int[] strides, int axis, int off,
                            boolean summarise) {
        sb.append('[');
        int n = shape[axis];
        boolean cut = summarise && n > 2 * EDGE;
        for (int i = 0; i < n; i++) {
            if (cut && i == EDGE) {
                sb.append("..., ");
                i = n - EDGE;
            }
            if (axis == shape.length - 1) {
                sb.append(num(data[off + i * strides[axis]]));
            } else {
                rec(sb, data, shape, strides, axis + 1, off + i * strides[axis], summarise);
            }
            if (i < n - 1) {
                sb.append(", ");
            }
        }
        sb.append(']');
    }

    /** Up to 8 significant digits, trailing zeros dropped. */
    static String num(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        if (!Double.isFinite(v)) {
            return Double.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";
        }
        String s = String.format(java.util.Locale.ROOT, "%.8g", v);
        if (s.contains("e")) {
            String[] parts = s.split("e");
            return strip(parts[0]) + "e" + parts[1];
        }
        return strip(s);
    }

    private static String strip(String s) {
        if (!s.contains(".")) {
            return s;
        }
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }
}
