package dev.tapegrad;

import dev.tapegrad.kernels.MatMul;
import dev.tapegrad.testing.Domain;
import dev.tapegrad.testing.Gen;
import dev.tapegrad.testing.OpTest;
import dev.tapegrad.testing.ShapeGenerator;
import java.util.ArrayList;
import java.util.List;

/**
 * Matrix products. One primitive, {@code mm(a, b, transA, transB)} on stacks of matrices with
 * broadcasting batch axes; its VJP is the same primitive with other transpose flags, so no
 * transpose is ever materialised and the gradient is itself differentiable; its JVP is the
 * product rule (it is bilinear). {@link #matmul} adds numpy's promotion of 1-D operands on top
 * with reshapes.
 */
public final class MatMulOp {
    private MatMulOp() {}

    private record Flags(boolean transA, boolean transB) {}

    private static final Flags[] FLAGS = {
        new Flags(false, false), new Flags(false, true), new Flags(true, false), new Flags(true, true)};

    /** {@code op(a) · op(b)}: see {@link #mm}. */
    static final Op MM = new Op("matmul") {
        @Override
        Tensor[] vjp(Node call, Tensor g) {
            Tensor a = call.input(0), b = call.input(1);
            Flags f = call.attrs();
            boolean transA = f.transA(), transB = f.transB();
            Tensor ga = null, gb = null;
            if (call.needsGrad(0)) {
                ga = transA ? (transB ? mm(b, g, true, true) : mm(b, g, false, true))
                            : (transB ? mm(g, b, false, false) : mm(g, b, false, true));
                ga = BinaryOps.unbroadcast(ga, a.shape);
            }
            if (call.needsGrad(1)) {
                gb = transB ? (transA ? mm(g, a, true, true) : mm(g, a, true, false))
                            : (transA ? mm(a, g, false, false) : mm(a, g, true, false));
                gb = BinaryOps.unbroadcast(gb, b.shape);
            }
            return new Tensor[] {ga, gb};
        }

        @Override
        Tensor jvp(Node call, Tensor[] t) {
            Flags f = call.attrs();
            Tensor a = call.input(0), b = call.input(1);
            Tensor da = t[0] == null ? null : mm(t[0], b, f.transA(), f.transB());
            Tensor db = t[1] == null ? null : mm(a, t[1], f.transA(), f.transB());
            return da == null ? db : db == null ? da : da.add(db);
        }
    };

    /**
     * Matrix product with numpy semantics: 1-D·1-D is a dot product, a 1-D operand is promoted to a
     * row (left) or a column (right) and the added axis removed, N-D operands are stacks of matrices
     * whose batch axes broadcast. The same as {@code a.matmul(b)}.
     */
    public static Tensor matmul(Tensor a, Tensor b) {
        return matmulImpl(a, b);
    }

    private static Tensor matmulImpl(Tensor a, Tensor b) {
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
        } else {  // small products run in parallel across the batch (same bits as one call per matrix)
            MatMul.gemmBatch(a.data, transA, b.data, transB, out, m, k, n, batch,
                    Shapes.broadcastStrides(batchA, batch), Shapes.broadcastStrides(batchB, batch));
        }
        return MM.finish(FLAGS[(transA ? 2 : 0) + (transB ? 1 : 0)], new Tensor(out, outShape), a, b);
    }

    private static final Domain MATRIX_VALUES = Domain.free(-2, 2);

    private static void addMatmul(List<OpTest> out, String name, String description, ShapeGenerator shapes) {
        out.add(OpTest.of(name, "a.matmul(b): " + description, new Domain[] {MATRIX_VALUES, MATRIX_VALUES}, shapes,
                (s, rng) -> new OpTest.Bound("", in -> in[0].matmul(in[1]))));
    }

    static final OpRegistry.Family FAMILY = new OpRegistry.Family() {
        /** matmul in every form. */
        @Override
        public List<OpTest> tests() {
            List<OpTest> out = new ArrayList<>();
            addMatmul(out, "matmul(1-D,1-D)", "dot product [k]·[k]", rng -> {
                int k = Gen.dim(rng);
                return new int[][] {{k}, {k}};
            });
            addMatmul(out, "matmul(1-D,2-D)", "row vector [k]·[k,n] -> [n]", rng -> {
                int k = Gen.dim(rng);
                return new int[][] {{k}, {k, Gen.dim(rng)}};
            });
            addMatmul(out, "matmul(2-D,1-D)", "matrix-vector [m,k]·[k] -> [m]", rng -> {
                int k = Gen.dim(rng);
                return new int[][] {{Gen.dim(rng), k}, {k}};
            });
            addMatmul(out, "matmul(2-D,2-D)", "matrix product [m,k]·[k,n]", rng -> {
                int k = Gen.dim(rng);
                return new int[][] {{Gen.dim(rng), k}, {k, Gen.dim(rng)}};
            });
            addMatmul(out, "matmul(N-D,N-D)", "batched, batch axes broadcast: [...,m,k]·[...,k,n]", rng -> {
                int[] batch = Gen.shape(rng, 1 + rng.nextInt(2), 3);
                int[] ba = Gen.broadcastVariant(rng, batch), bb = Gen.broadcastVariant(rng, batch);
                if (ba.length == 0 && bb.length == 0) {
                    ba = batch;
                }
                int m = Gen.dim(rng), k = Gen.dim(rng), n = Gen.dim(rng);
                return new int[][] {Gen.append(ba, m, k), Gen.append(bb, k, n)};
            });
            addMatmul(out, "matmul(N-D,2-D)", "batch times one matrix: [...,m,k]·[k,n]", rng -> {
                int k = Gen.dim(rng);
                return new int[][] {Gen.append(Gen.shape(rng, 1 + rng.nextInt(2), 3), Gen.dim(rng), k), {k, Gen.dim(rng)}};
            });
            addMatmul(out, "matmul(N-D,1-D)", "batch times a vector: [...,m,k]·[k] -> [...,m]", rng -> {
                int k = Gen.dim(rng);
                return new int[][] {Gen.append(Gen.shape(rng, 1 + rng.nextInt(2), 3), Gen.dim(rng), k), {k}};
            });
            addMatmul(out, "matmul(1-D,N-D)", "a vector times a batch: [k]·[...,k,n] -> [...,n]", rng -> {
                int k = Gen.dim(rng);
                return new int[][] {{k}, Gen.append(Gen.shape(rng, 1 + rng.nextInt(2), 3), k, Gen.dim(rng))};
            });
            return out;
        }

        @Override
        public List<OpRegistry.NamedFunction> functions() {
            return List.of(new OpRegistry.NamedFunction("matmul", 2, "a.matmul(b), numpy semantics", in -> in[0].matmul(in[1])));
        }
    };
}
