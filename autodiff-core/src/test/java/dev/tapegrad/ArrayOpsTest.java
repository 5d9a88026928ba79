package dev.tapegrad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** ArrayOps against values worked out by hand from numpy's and PyTorch's documented semantics. */
class ArrayOpsTest {
    private static final Tensor X = Tensor.arange(6).reshape(2, 3);  // [[0, 1, 2], [3, 4, 5]]

    private static void values(double[] expected, Tensor t) {
        assertArrayEquals(expected, t.toArray());
    }

    @Test
    void squeezeFlattenTransposeMoveaxis() {
        assertArrayEquals(new int[] {3, 2}, ArrayOps.squeeze(Tensor.zeros(1, 3, 1, 2)).shape());
        assertArrayEquals(new int[] {}, ArrayOps.squeeze(Tensor.zeros(1, 1)).shape());
        assertArrayEquals(new int[] {2, 12, 5}, ArrayOps.flatten(Tensor.zeros(2, 3, 4, 5), 1, -2).shape());
        assertArrayEquals(new int[] {1}, ArrayOps.flatten(Tensor.scalar(2)).shape());
        assertArrayEquals(new int[] {5, 4, 3}, ArrayOps.T(Tensor.zeros(3, 4, 5)).shape());
        values(new double[] {0, 3, 1, 4, 2, 5}, ArrayOps.T(X));
        assertArrayEquals(new int[] {3, 4, 2}, ArrayOps.moveaxis(Tensor.zeros(2, 3, 4), 0, -1).shape());
        assertArrayEquals(new int[] {4, 2, 3}, ArrayOps.moveaxis(Tensor.zeros(2, 3, 4), -1, 0).shape());
        assertArrayEquals(new int[] {4, 3, 2}, ArrayOps.moveaxis(Tensor.zeros(2, 3, 4), new int[] {0, 2}, new int[] {2, 0}).shape());
    }

    @Test
    void splitsEvenAndUneven() {
        Tensor v = Tensor.arange(7);
        Tensor[] a = ArrayOps.arraySplit(v, 3, 0);  // numpy: sizes 3, 2, 2
        assertEquals(3, a.length);
        values(new double[] {0, 1, 2}, a[0]);
        values(new double[] {5, 6}, a[2]);
        Tensor[] s = ArrayOps.split(v, 3, 0);       // PyTorch: sizes 3, 3, 1
        values(new double[] {6}, s[2]);
        Tensor[] c = ArrayOps.chunk(Tensor.arange(6), 4, 0);  // PyTorch: ceil(6/4) = 2 → 3 chunks
        assertEquals(3, c.length);
        Tensor[] z = ArrayOps.split(v, new int[] {1, 0, 6}, 0);
        assertEquals(0, z[1].size());
        assertThrows(IllegalArgumentException.class, () -> ArrayOps.split(v, new int[] {3, 3}, 0));
    }

    @Test
    void flipRollRepeatTile() {
        values(new double[] {2, 1, 0, 5, 4, 3}, ArrayOps.flip(X, 1));
        values(new double[] {5, 4, 3, 2, 1, 0}, ArrayOps.flip(X));
        values(new double[] {2, 0, 1, 5, 3, 4}, ArrayOps.roll(X, 1, 1));
        values(new double[] {1, 2, 0, 4, 5, 3}, ArrayOps.roll(X, -1, -1));
        values(new double[] {5, 0, 1, 2, 3, 4}, ArrayOps.roll(X, 1));
        // numpy's repeat: each element in place; PyTorch's repeat (repeatTiles): the whole block
        values(new double[] {0, 1, 2, 0, 1, 2, 3, 4, 5, 3, 4, 5}, ArrayOps.repeat(X, 2, 0));
        values(new double[] {0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5}, ArrayOps.repeat(X, 2));
        values(new double[] {0, 1, 1, 2, 2, 2}, ArrayOps.repeat(Tensor.arange(3), new int[] {1, 2, 3}, 0));
        values(new double[] {0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5}, ArrayOps.repeatTiles(X, 2, 1));
        assertArrayEquals(new int[] {2, 4, 3}, ArrayOps.repeatTiles(X, 2, 2, 1).shape());
        assertThrows(IllegalArgumentException.class, () -> ArrayOps.repeatTiles(X, 2));
        values(new double[] {0, 1, 2, 0, 1, 2, 3, 4, 5, 3, 4, 5}, ArrayOps.tile(X, 2));  // numpy: reps padded to (1, 2)
        assertArrayEquals(new int[] {3, 2, 3}, ArrayOps.tile(X, 3, 1, 1).shape());
    }

    @Test
    void padTrianglesDiagonals() {
        Tensor p = ArrayOps.pad(Tensor.vector(1, 2), new int[][] {{1, 2}}, 9);
        values(new double[] {9, 1, 2, 9, 9}, p);
        assertArrayEquals(new int[] {4, 4}, ArrayOps.pad(X, new int[][] {{1, 1}, {0, 1}}).shape());
        assertThrows(IllegalArgumentException.class, () -> ArrayOps.pad(X, new int[][] {{1, 1}}));
        Tensor sq = Tensor.arange(9).reshape(3, 3).add(1);
        values(new double[] {1, 0, 0, 4, 5, 0, 7, 8, 9}, ArrayOps.tril(sq, 0));
        values(new double[] {0, 2, 3, 0, 0, 6, 0, 0, 0}, ArrayOps.triu(sq, 1));
        values(new double[] {1, 2, 0, 4, 5, 6, 7, 8, 9}, ArrayOps.tril(sq, 1));
        values(new double[] {1, 5, 9}, ArrayOps.diag(sq, 0));
        values(new double[] {2, 6}, ArrayOps.diag(sq, 1));
        values(new double[] {4, 8}, ArrayOps.diag(sq, -1));
        values(new double[] {0, 1, 0, 0, 0, 2, 0, 0, 0}, ArrayOps.diag(Tensor.vector(1, 2), 1));
        values(new double[] {0, 0, 1, 0}, ArrayOps.diag(Tensor.vector(1), -1));
        assertEquals(15.0, ArrayOps.trace(sq).item());
        assertEquals(8.0, ArrayOps.trace(sq, 1, 0, 1).item());
        Tensor t3 = Tensor.arange(24).reshape(2, 3, 4);
        Tensor d = ArrayOps.diagonal(t3, 0, 1, 2);  // numpy: shape (2, 3), [[0, 5, 10], [12, 17, 22]]
        assertArrayEquals(new int[] {2, 3}, d.shape());
        values(new double[] {0, 5, 10, 12, 17, 22}, d);
        values(new double[] {1, 6, 11, 13, 18, 23}, ArrayOps.diagonal(t3, 1, 1, 2));
        values(new double[] {0, 13}, ArrayOps.diagonal(t3, 0, 0, 2).slice(0, 0, 1).reshape(2));  // x[i, 0, i]
        Tensor e = ArrayOps.diagEmbed(Tensor.vector(1, 2), 0);
        values(new double[] {1, 0, 0, 2}, e);
        assertArrayEquals(new int[] {2, 3, 3}, ArrayOps.diagEmbed(Tensor.ones(2, 2), -1).shape());
        values(new double[] {1, 2}, ArrayOps.diagonal(ArrayOps.diagEmbed(Tensor.vector(1, 2), 1), 1, -2, -1));
    }

    @Test
    void stridedSlicingFollowsPython() {
        Tensor v = Tensor.arange(6);
        values(new double[] {5, 4, 3, 2, 1, 0}, ArrayOps.slice(v, 0, null, null, -1));
        values(new double[] {1, 3}, ArrayOps.slice(v, 0, 1, 5, 2));
        values(new double[] {4, 2}, ArrayOps.slice(v, 0, -2, 0, -2));
        values(new double[] {0, 3}, ArrayOps.slice(v, 0, -10, 10, 3));
        values(new double[] {}, ArrayOps.slice(v, 0, 4, 1, 1));
        values(new double[] {2, 5}, ArrayOps.slice(X, 1, 2, null, 1));
        assertThrows(IllegalArgumentException.class, () -> ArrayOps.slice(v, 0, null, null, 0));
    }
}
