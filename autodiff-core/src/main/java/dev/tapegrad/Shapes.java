package dev.tapegrad;

import java.util.Arrays;

/** Shape arithmetic shared by the ops: broadcasting, strides, axis normalisation, messages. */
final class Shapes {
    static final int[] SCALAR = new int[0];

    private Shapes() {}

    static int size(int[] shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("shape " + str(shape) + " has more than 2^31-1 elements");
        }
        return (int) n;
    }

    static int sizeChecked(String op, int[] shape) {
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException(op + ": negative dimension in shape " + str(shape));
            }
        }
        return size(shape);
    }

    /** Equal shapes; a plain loop, cheaper than Arrays.equals for the short arrays of shapes. */
    static boolean same(int[] a, int[] b) {
        if (a == b) {
            return true;
        }
        if (a.length != b.length) {
            return false;
        }
        for (int i = 0; i < a.length; i++) {
            if (a[i] != b[i]) {
                return false;
            }
        }
        return true;
    }

    static String str(int[] shape) {
        return Arrays.toString(shape);
    }

    /** Row-major strides of a contiguous array of this shape. */
    static int[] strides(int[] shape) {
        int[] s = new int[shape.length];
        int acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= shape[i];
        }
        return s;
    }

    /** numpy broadcasting of two shapes, or an error naming the op and both shapes. */
    static int[] broadcast(String op, int[] a, int[] b) {
        if (same(a, b)) {
            return a;
        }
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            int db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            if (da == db || db == 1) {
                out[i] = da;
            } else if (da == 1) {
                out[i] = db;
            } else {
                throw new IllegalArgumentException(op + ": shapes " + str(a) + " and " + str(b)
                        + " cannot be broadcast: axis " + i + " of the broadcast result has sizes "
                        + da + " and " + db);
            }
        }
        return out;
    }

    /** True if {@code from} can be broadcast to {@code to} (numpy rules, one direction). */
    static boolean broadcastableTo(int[] from, int[] to) {
        if (from.length > to.length) {
            return false;
        }
        int off = to.length - from.length;
        for (int i = 0; i < from.length; i++) {
            if (from[i] != 1 && from[i] != to[i + off]) {
                return false;
            }
        }
        return true;
    }

    /** Strides of {@code shape} read as if broadcast to {@code out}: 0 on broadcast axes. */
    static int[] broadcastStrides(int[] shape, int[] out) {
        int[] s = new int[out.length];
        int[] own = strides(shape);
        int off = out.length - shape.length;
        for (int i = 0; i < shape.length; i++) {
            s[i + off] = shape[i] == 1 && out[i + off] != 1 ? 0 : own[i];
        }
        return s;
    }

    static int axis(String op, int axis, int rank) {
        if (axis < -rank || axis >= rank || (rank == 0)) {
            throw new IllegalArgumentException(op + ": axis " + axis + " is out of range for a tensor of rank "
                    + rank + (rank == 0 ? " (a scalar has no axes)" : " (valid: " + (-rank) + " to " + (rank - 1) + ")"));
        }
        return axis < 0 ? axis + rank : axis;
    }

    static int[] withAxisKept(int[] shape, int axis) {
        int[] s = shape.clone();
        s[axis] = 1;
        return s;
    }

    static int[] withoutAxis(int[] shape, int axis) {
        int[] s = new int[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (i != axis) {
                s[j++] = shape[i];
            }
        }
        return s;
    }

    /** Product of the dimensions before {@code axis}. */
    static int outer(int[] shape, int axis) {
        int n = 1;
        for (int i = 0; i < axis; i++) {
            n *= shape[i];
        }
        return n;
    }

    /** Product of the dimensions after {@code axis}. */
    static int inner(int[] shape, int axis) {
        int n = 1;
        for (int i = axis + 1; i < shape.length; i++) {
            n *= shape[i];
        }
        return n;
    }
}
