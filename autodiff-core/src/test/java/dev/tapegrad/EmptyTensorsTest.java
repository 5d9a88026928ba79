package dev.tapegrad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Ops on tensors with an empty dimension: right shapes forward and backward, no crash. */
class EmptyTensorsTest {
    /** Applies fn on a tape and returns [output shape, gradient shapes...] after a replay with a ones seed. */
    private static int[][] shapes(Function<Tensor[], Tensor> fn, Tensor... inputs) {
        Tensor[] leaves = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            leaves[i] = inputs[i].detach().requiresGrad(true);
        }
        try (Tape tape = Tape.record()) {
            Tensor y = fn.apply(leaves);
            Tensor[] g = tape.vjp(y, Tensor.ones(y.shape()), leaves);
            int[][] out = new int[1 + g.length][];
            out[0] = y.shape();
            for (int i = 0; i < g.length; i++) {
                out[i + 1] = g[i].shape();
                assertArrayEquals(inputs[i].shape(), g[i].shape());
            }
            return out;
        }
    }

    @Test
    void elementwiseAndBroadcasting() {
        assertArrayEquals(new int[] {0, 3}, shapes(in -> in[0].add(in[1]), Tensor.zeros(0, 3), Tensor.ones(3))[0]);
        assertArrayEquals(new int[] {0}, shapes(in -> in[0].mul(in[1]), Tensor.zeros(0), Tensor.scalar(2))[0]);
        assertArrayEquals(new int[] {2, 0}, shapes(in -> in[0].maximum(in[1]), Tensor.zeros(2, 1), Tensor.zeros(0))[0]);
        assertArrayEquals(new int[] {0, 4}, shapes(in -> in[0].exp().div(in[1]), Tensor.zeros(0, 4), Tensor.ones(1, 4))[0]);
    }

    @Test
    void matmulWithAnEmptyInnerDimensionGivesZeros() {
        Tensor a = Tensor.zeros(2, 0), b = Tensor.zeros(0, 3);
        Tensor c = a.matmul(b);
        assertArrayEquals(new int[] {2, 3}, c.shape());
        assertArrayEquals(new double[6], c.toArray());
        shapes(in -> in[0].matmul(in[1]), a, b);
        assertEquals(0.0, Tensor.zeros(0).matmul(Tensor.zeros(0)).item());
        assertArrayEquals(new int[] {0, 3}, shapes(in -> in[0].matmul(in[1]), Tensor.zeros(0, 2), Tensor.ones(2, 3))[0]);
    }

    @Test
    void reductionsAndShapeOps() {
        Tensor e = Tensor.zeros(0, 3);
        assertEquals(0.0, e.sum().item());
        assertArrayEquals(new double[3], e.sum(0).toArray());
        assertArrayEquals(new int[] {0}, e.sum(1).shape());
        assertArrayEquals(new int[] {1, 3}, shapes(in -> in[0].sum(0, true), e)[0]);
        assertArrayEquals(new int[] {0, 3}, shapes(in -> in[0].softmax(1), e)[0]);
        assertArrayEquals(new int[] {0, 1}, shapes(in -> in[0].logSumExp(1, true), e)[0]);
        assertArrayEquals(new int[] {3, 0}, shapes(in -> in[0].transpose(), e)[0]);
        assertArrayEquals(new int[] {3, 0}, shapes(in -> in[0].reshape(3, 0), e)[0]);
        assertArrayEquals(new int[] {2, 3}, shapes(in -> Tensor.concat(0, in[0], in[1]), e, Tensor.ones(2, 3))[0]);
        assertArrayEquals(new int[] {2, 0, 3}, shapes(in -> Tensor.stack(0, in[0], in[1]), e, Tensor.zeros(0, 3))[0]);
        assertArrayEquals(new int[] {0, 3}, shapes(in -> in[0].slice(0, 1, 1), Tensor.ones(2, 3))[0]);
        assertArrayEquals(new int[] {4, 0, 3}, shapes(in -> in[0].broadcastTo(4, 0, 3), e)[0]);
        assertArrayEquals(new int[] {1, 0, 3}, shapes(in -> in[0].unsqueeze(0), e)[0]);
    }
}
