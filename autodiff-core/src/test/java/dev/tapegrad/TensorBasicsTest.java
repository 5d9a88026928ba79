package dev.tapegrad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Printing like numpy, and tensors that never share the caller's arrays. */
class TensorBasicsTest {

    @Test
    void printsLikeNumpy() {
        assertEquals("tensor(2.5, shape=[])", Tensor.scalar(2.5).toString());
        assertEquals("tensor([1, 2, 3], shape=[3])", Tensor.vector(1, 2, 3).toString());
        assertEquals("tensor([[1, 2], [3, 4]], shape=[2, 2])", Tensor.matrix(new double[][] {{1, 2}, {3, 4}}).toString());
        assertEquals("tensor([[[0.5], [-0.25]]], shape=[1, 2, 1])", Tensor.of(new double[] {0.5, -0.25}, 1, 2, 1).toString());
        assertEquals("tensor([nan, inf, -inf, 0.33333333], shape=[4])",
                Tensor.vector(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1 / 3.0).toString());
        assertEquals("tensor([1.5e-12, 12345679], shape=[2])", Tensor.vector(1.5e-12, 12345678.9).toString());
        assertEquals("tensor([], shape=[0])", Tensor.zeros(0).toString());
        assertEquals("tensor([[], []], shape=[2, 0])", Tensor.zeros(2, 0).toString());
    }

    @Test
    void largeTensorsAreAbbreviated() {
        String s = Tensor.arange(2000).toString();
        assertEquals("tensor([0, 1, 2, ..., 1997, 1998, 1999], shape=[2000])", s);
        String m = Tensor.arange(1200).reshape(40, 30).toString();
        assertTrue(m.startsWith("tensor([[0, 1, 2, ..., 27, 28, 29], [30, 31, 32, ..., 57, 58, 59], [60,"), m);
        assertTrue(m.contains("..., [1110,"), m);
        assertTrue(m.endsWith("1197, 1198, 1199]], shape=[40, 30])"), m);
        assertTrue(m.length() < 400, m);
        Tensor small = Tensor.arange(1000);
        assertTrue(!small.toString().contains("..."));
    }

    @Test
    void printingShowsGradientState() {
        Tensor x = Tensor.vector(1, 2).requiresGrad(true);
        assertEquals("tensor([1, 2], shape=[2], requiresGrad)", x.toString());
        try (Tape tape = Tape.record()) {
            assertEquals("tensor([2, 4], shape=[2], op=mul)", x.mul(2.0).toString());
        }
    }

    @Test
    void inputArraysAreCopied() {
        double[] values = {1, 2, 3, 4};
        Tensor v = Tensor.vector(values);
        Tensor t = Tensor.of(values, 2, 2);
        double[][] rows = {{1, 2}, {3, 4}};
        Tensor m = Tensor.matrix(rows);
        int[] shape = {2, 2};
        Tensor z = Tensor.zeros(shape);
        Tensor o = Tensor.of(values, shape);
        values[0] = 99;
        rows[0][0] = 99;
        shape[0] = 7;
        assertEquals(1.0, v.get(0));
        assertEquals(1.0, t.get(0, 0));
        assertEquals(1.0, m.get(0, 0));
        assertArrayEquals(new int[] {2, 2}, z.shape());
        assertArrayEquals(new int[] {2, 2}, o.shape());
    }

    @Test
    void readersReturnCopies() {
        Tensor t = Tensor.of(new double[] {1, 2, 3, 4}, 2, 2);
        t.toArray()[0] = 42;
        t.shape()[0] = 9;
        assertEquals(1.0, t.get(0, 0));
        assertArrayEquals(new int[] {2, 2}, t.shape());
        Tensor r = t.reshape(4);
        r.toArray()[1] = 42;
        assertEquals(2.0, t.get(0, 1));
    }

    @Test
    void creationAndReading() {
        Tensor e = Tensor.eye(3);
        assertArrayEquals(new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, e.toArray());
        assertEquals(6, Tensor.full(0.5, 2, 3).size());
        assertEquals(0.5, Tensor.full(0.5, 2, 3).get(-1, -1));
        assertEquals(3, Tensor.ones(4, 1, 2).rank());
        assertEquals(2, Tensor.ones(4, 1, 2).shape(-1));
        var rng1 = OpGradientPropertiesTest.rng(7);
        var rng2 = OpGradientPropertiesTest.rng(7);
        assertArrayEquals(Tensor.randn(rng1, 3, 3).toArray(), Tensor.randn(rng2, 3, 3).toArray());
        for (double u : Tensor.rand(rng1, 100).toArray()) {
            assertTrue(u >= 0 && u < 1);
        }
    }

    @Test
    void detachIsASnapshotThatAnInPlaceUpdateOfTheLeafDoesNotChange() {
        Tensor w = Tensor.vector(1, 2, 3).requiresGrad(true);
        Tensor snapshot = w.detach();
        w.leafValues()[0] = 42;
        assertArrayEquals(new double[] {1, 2, 3}, snapshot.toArray());
        assertEquals(false, snapshot.requiresGrad());
    }
}
