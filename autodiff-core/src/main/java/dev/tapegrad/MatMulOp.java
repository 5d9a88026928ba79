package dev.tapegrad;

import dev.tapegrad.kernels.MatMul;

/**
 * Matrix products. One primitive, {@code mm(a, b, transA, transB)} on stacks of matrices with
 * broadcasting batch axes; its backward is the same primitive with other transpose flags, so no
 * transpose is ever materialised and the gradient is itself differentiable. {@link #matmul}
 * adds numpy's promotion of 1-D operands on top with reshapes.
 */
final class MatMulOp {
    private MatMulOp() {}

    static Tensor matmul(Tensor a, Tensor b) {
        int ra = a.rank(), rb = b.rank();
        if (ra == 0 || rb == 0) {
            throw new IllegalArgumentException("matmul: shapes " + Shapes.str(a.shape) + " and " + Shapes.str(b.shape)
                    + ": a scalar operand has no matrix axes; use mul");
        }
        int ka = a.shape[ra - 1];
        int kb = rb == 1 ? b.shape[0] : b.shape[rb - 2];
        if (ka != kb) {
            throw new IllegalArgumentException("matmul: shapes " + Shapes.str(a.shape) + " and " + Shapes.str(b.shape)
                    + " do not match: inner dimensions " + ka + " and " + kb + " differ");
        }
        // check the batch axes before anything is recorded
        if (ra > 2 || rb > 2) {
            Shapes.broadcast("matmul (batch axes)", batchShape(a.shape, ra >= 2 ? 2 : 1), batchShape(b.shape, rb >= 2 ? 2 : 1));
        }
        if (ra >= 2 && rb >= 2) {
            return mm(a, b, false, false);
        }
        if (ra == 1 && rb == 1) {
            return mm(a.reshape(1, ka), b.reshape(kb, 1), false, false).reshape();
        }
        if (ra == 1) {
            return mm(a.reshape(1, ka), b, false, false).squeeze(-2);
        }
        return mm(a, b.reshape(kb, 1), false, false).squeeze(-1);
    }

    private static int[] batchShape(int[] shape, int matrixAxes) {
        return java.util.Arrays.copyOf(shape, Math.max(shape.length - matrixAxes, 0));
    }

    /** {@code op(a) · op(b)} over broadcast batch axes; a and b have rank ≥ 2. */
    static Tensor mm(Tensor a, Tensor b, boolean transA, boolean transB) {
        int ra = a.rank(), rb = b.rank();
        int m = transA ? a.shape[ra - 1] : a.shape[ra - 2];
        int k = transA ? a.shape[ra - 2] : a.shape[ra - 1];
        int kb = transB ? b.shape[rb - 1] : b.shape[rb - 2];
        int n = transB ? b.shape[rb - 2] : b.shape[rb - 1];
        if (k != kb) {
            throw new IllegalArgumentException("matmul: shapes " + Shapes.str(a.shape) + (transA ? "ᵀ" : "") + " and "
                    + Shapes.str(b.shape) + (transB ? "ᵀ" : "") + " do not match: inner dimensions " + k + " and " + kb + " differ");
        }
        int[] batchA = batchShape(a.shape, 2), batchB = batchShape(b.shape, 2);
        int[] batch = Shapes.broadcast("matmul (batch axes)", batchA, batchB);
        int[] outShape = java.util.Arrays.copyOf(batch, batch.length + 2);
        outShape[batch.length] = m;
        outShape[batch.length + 1] = n;
        double[] out = new double[Shapes.size(outShape)];
        int batches = Shapes.size(batch);
        if (batches == 1) {
            MatMul.gemm(a.data, 0, transA, b.data, 0, transB, out, 0, m, k, n);
        } else {
            int[] sa = Shapes.broadcastStrides(batchA, batch), sb = Shapes.broadcastStrides(batchB, batch);
            int[] bs = Shapes.strides(batch);
            for (int t = 0; t < batches; t++) {
                int ia = 0, ib = 0, rem = t;
                for (int d = 0; d < batch.length; d++) {
                    int idx = rem / bs[d];
                    rem %= bs[d];
                    ia += idx * sa[d];
                    ib += idx * sb[d];
                }
                MatMul.gemm(a.data, ia * m * k, transA, b.data, ib * k * n, transB, out, t * m * n, m, k, n);
            }
        }
        Tensor y = new Tensor(out, outShape);
        return Tape.record("matmul", y, (node, g) -> {
            Tensor ga = null, gb = null;
            if (node.needsGrad(0)) {
                ga = transA ? (transB ? mm(b, g, true, true) : mm(b, g, false, true))
                            : (transB ? mm(g, b, false, false) : mm(g, b, false, true));
                ga = BinaryOps.unbroadcast(ga, a.shape);
            }
            if (node.needsGrad(1)) {
                gb = transB ? (transA ? mm(g, a, true, true) : mm(g, a, true, false))
                            : (transA ? mm(a, g, false, false) : mm(a, g, true, false));
                gb = BinaryOps.unbroadcast(gb, b.shape);
            }
            return new Tensor[] {ga, gb};
        }, a, b);
    }
}
