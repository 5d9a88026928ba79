package dev.tapegrad;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * An n-dimensional, row-major array of float64 values, and the unit of automatic differentiation.
 *
 * <p>A tensor's values never change through the public API: every op returns a new tensor, and
 * arrays passed in are copied. Broadcasting follows numpy; axes may be negative (-1 is the last).
 * Inside {@link Tape#record(Tape.Option...)} the ops on tensors that want gradients are recorded so that
 * {@link Tape#backward} can replay them.
 *
 * <pre>{@code
 * Tensor x = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
 * Tensor w = Tensor.randn(rng, 3, 2).requiresGrad(true);
 * try (Tape tape = Tape.record()) {
 *     Tensor loss = x.matmul(w).tanh().sum();
 *     tape.backward(loss);
 * }
 * Tensor dw = w.grad();
 * }</pre>
 *
 * <p>Identity, not value, is what {@code equals} compares: a tensor is a node of a graph.
 */
public final class Tensor {
    final double[] data;
    final int[] shape;
    /** The tape node that produced this tensor, or null for a leaf or a constant. */
    Node node;
    /** For a leaf: whether it wants gradients. */
    boolean requiresGrad;
    /** Accumulated gradient of a leaf, written by {@link Tape#backward} (guarded by this tensor). */
    Tensor grad;
    /** Forward-mode tangents, one per open level that this tensor depends on; null in plain use. */
    ForwardMode.Dual duals;

    static {
        dev.tapegrad.internal.Access.set(new dev.tapegrad.internal.Access.Core() {
            @Override public double[] data(Tensor t) { return t.data; }
            @Override public int[] shape(Tensor t) { return t.shape; }
            @Override public Tensor wrap(double[] data, int[] shape) { return new Tensor(data, shape); }
            @Override public Tensor alias(Tensor t) { return t.alias(); }
            @Override public boolean tracks(Tape tape, Tensor t) { return tape.tracks(t); }
            @Override public Tape currentTape() { return Tape.current(); }
            @Override public String str(int[] shape) { return Shapes.str(shape); }
            @Override public int[] unravel(int flat, int[] shape) { return Anomalies.unravel(flat, shape); }
        });
    }

    /** Wraps without copying: for ops that made {@code data} themselves. */
    Tensor(double[] data, int[] shape) {
        this.data = data;
        this.shape = shape;
    }

    // ---------------------------------------------------------------- creation

    /** A rank-0 tensor holding {@code value}. */
    public static Tensor scalar(double value) {
        return new Tensor(new double[] {value}, Shapes.SCALAR);
    }

    /** A rank-1 tensor of the given values (copied). */
    public static Tensor vector(double... values) {
        return new Tensor(values.clone(), new int[] {values.length});
    }

    /** A rank-2 tensor from rows of equal length (copied). */
    public static Tensor matrix(double[][] rows) {
        int r = rows.length;
        int c = r == 0 ? 0 : rows[0].length;
        double[] d = new double[r * c];
        for (int i = 0; i < r; i++) {
            if (rows[i].length != c) {
                throw new IllegalArgumentException("matrix: row " + i + " has " + rows[i].length
                        + " values but row 0 has " + c);
            }
            System.arraycopy(rows[i], 0, d, i * c, c);
        }
        return new Tensor(d, new int[] {r, c});
    }

    /**
     * A tensor of the given shape holding {@code values} in row-major order (copied).
     *
     * @throws IllegalArgumentException if the number of values is not the product of the shape
     */
    public static Tensor of(double[] values, int... shape) {
        int n = Shapes.sizeChecked("of", shape);
        if (values.length != n) {
            throw new IllegalArgumentException("of: " + values.length + " values do not fill shape "
                    + Shapes.str(shape) + " (" + n + " elements)");
        }
        return new Tensor(values.clone(), shape.clone());
    }

    /** Zeros of the given shape. */
    public static Tensor zeros(int... shape) {
        return new Tensor(new double[Shapes.sizeChecked("zeros", shape)], shape.clone());
    }

    /** Ones of the given shape. */
    public static Tensor ones(int... shape) {
        return full(1.0, shape);
    }

    /** A tensor of the given shape with every element equal to {@code value}. */
    public static Tensor full(double value, int... shape) {
        double[] d = new double[Shapes.sizeChecked("full", shape)];
        Arrays.fill(d, value);
        return new Tensor(d, shape.clone());
    }

    /** The n×n identity matrix. */
    public static Tensor eye(int n) {
        double[] d = new double[Shapes.sizeChecked("eye", new int[] {n, n})];
        for (int i = 0; i < n; i++) {
            d[i * n + i] = 1.0;
        }
        return new Tensor(d, new int[] {n, n});
    }

    /** {@code [0, 1, ..., n-1]} as a rank-1 tensor. */
    public static Tensor arange(int n) {
        double[] d = new double[Shapes.sizeChecked("arange", new int[] {n})];
        for (int i = 0; i < n; i++) {
            d[i] = i;
        }
        return new Tensor(d, new int[] {n});
    }

    /** Standard normal samples from {@code rng}: same generator state, same tensor. */
    public static Tensor randn(RandomGenerator rng, int... shape) {
        double[] d = new double[Shapes.sizeChecked("randn", shape)];
        for (int i = 0; i < d.length; i++) {
            d[i] = rng.nextGaussian();
        }
        return new Tensor(d, shape.clone());
    }

    /** Uniform samples in [0, 1) from {@code rng}. */
    public static Tensor rand(RandomGenerator rng, int... shape) {
        double[] d = new double[Shapes.sizeChecked("rand", shape)];
        for (int i = 0; i < d.length; i++) {
            d[i] = rng.nextDouble();
        }
        return new Tensor(d, shape.clone());
    }

    // ---------------------------------------------------------------- reading

    /** The shape (a copy); empty for a scalar. */
    public int[] shape() {
        return shape.clone();
    }

    /** Size of one axis (negative axes count from the end). */
    public int shape(int axis) {
        return shape[Shapes.axis("shape", axis, shape.length)];
    }

    /** Number of elements. */
    public int size() {
        return data.length;
    }

    /** Number of axes (0 for a scalar). */
    public int rank() {
        return shape.length;
    }

    /** The single value of a one-element tensor. */
    public double item() {
        if (data.length != 1) {
            throw new IllegalStateException("item: tensor of shape " + Shapes.str(shape)
                    + " has " + data.length + " elements, not 1");
        }
        return data[0];
    }

    /** The element at the given index (one entry per axis; negative entries count from the end). */
    public double get(int... index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException("get: index " + Arrays.toString(index) + " has " + index.length
                    + " entries but the tensor of shape " + Shapes.str(shape) + " has rank " + shape.length);
        }
        int flat = 0;
        for (int i = 0; i < index.length; i++) {
            int k = index[i] < 0 ? index[i] + shape[i] : index[i];
            if (k < 0 || k >= shape[i]) {
                throw new IndexOutOfBoundsException("get: index " + Arrays.toString(index)
                        + " is out of bounds for shape " + Shapes.str(shape));
            }
            flat = flat * shape[i] + k;
        }
        return data[flat];
    }

    /** A copy of the values in row-major order. */
    public double[] toArray() {
        return data.clone();
    }

    // ---------------------------------------------------------------- gradients

    /**
     * Marks this leaf as wanting gradients (or not) and returns it, like PyTorch's
     * {@code requires_grad_()}. Only leaves (tensors not produced by a recorded op) can be marked.
     */
    public Tensor requiresGrad(boolean wanted) {
        Node live = liveNode();
        if (live != null) {
            throw new IllegalStateException("requiresGrad: only leaves can be marked; this tensor was produced by "
                    + live.opName() + " on a tape; use detach() to get a leaf");
        }
        this.requiresGrad = wanted;
        return this;
    }

    /** True if this is a leaf that wants gradients or the output of a live recorded op. */
    public boolean requiresGrad() {
        return requiresGrad || liveNode() != null;
    }

    /** True if this tensor was not produced by a live recorded op. */
    public boolean isLeaf() {
        return liveNode() == null;
    }

    /** A live node of this tensor on any tape, or null. */
    Node liveNode() {
        return node != null && !node.released() ? node : null;
    }

    /** The gradient accumulated by {@link Tape#backward}, or null if none was. */
    public synchronized Tensor grad() {
        return grad;
    }

    /** Forgets the accumulated gradient. */
    public synchronized void zeroGrad() {
        grad = null;
    }

    /**
     * Adds {@code g} into this leaf's gradient. Atomic: threads that replay their own tapes into a
     * shared leaf (a weight, say) lose no accumulation.
     */
    synchronized void accumulateGrad(Tensor g) {
        grad = grad == null ? g : grad.add(g);
    }

    /**
     * A leaf with the same values that is not on any tape and does not want gradients. The values
     * are copied, so the result stays as it is when an optimizer later updates this tensor in place
     * (a snapshot of a parameter).
     */
    public Tensor detach() {
        return new Tensor(data.clone(), shape);
    }

    /**
     * True if nothing records and none of {@code ts} carries a forward-mode tangent: a backward rule
     * may then take a fused kernel path instead of its Tensor ops.
     */
    static boolean plain(Tensor... ts) {
        for (Tensor t : ts) {
            if (t.duals != null) {
                return false;
            }
        }
        return !Tape.isRecording();
    }

    /** A new leaf over the same values, for internal use where nothing will update them in place. */
    Tensor alias() {
        Tensor t = new Tensor(data, shape);
        t.duals = duals;
        return t;
    }

    /**
     * Direct access to the values of a leaf, for optimizers that update parameters in place (as
     * PyTorch's {@code with torch.no_grad(): p -= lr * p.grad}). Refused for recorded tensors.
     * Changing the values while a tape still holds them invalidates that tape's gradients.
     */
    public double[] leafValues() {
        Node live = liveNode();
        if (live != null) {
            throw new IllegalStateException("leafValues: only a leaf's values can be updated in place; this tensor was produced by " + live.opName());
        }
        return data;
    }

    // ---------------------------------------------------------------- arithmetic (numpy broadcasting)

    /** Elementwise sum with broadcasting. */
    public Tensor add(Tensor other) { return BinaryOps.ADD.apply(this, other); }
    /** Adds a constant. */
    public Tensor add(double c) { return BinaryOps.ADD.apply(this, scalar(c)); }
    /** Elementwise difference with broadcasting. */
    public Tensor sub(Tensor other) { return BinaryOps.SUB.apply(this, other); }
    /** Subtracts a constant. */
    public Tensor sub(double c) { return BinaryOps.SUB.apply(this, scalar(c)); }
    /** Elementwise product with broadcasting. */
    public Tensor mul(Tensor other) { return BinaryOps.MUL.apply(this, other); }
    /** Multiplies by a constant. */
    public Tensor mul(double c) { return BinaryOps.MUL.apply(this, scalar(c)); }
    /** Elementwise quotient with broadcasting. */
    public Tensor div(Tensor other) { return BinaryOps.DIV.apply(this, other); }
    /** Divides by a constant. */
    public Tensor div(double c) { return BinaryOps.DIV.apply(this, scalar(c)); }
    /**
     * Elementwise maximum with broadcasting. Gradient at a tie a = b: half to each input (the
     * minimum-norm subgradient, as PyTorch).
     */
    public Tensor maximum(Tensor other) { return BinaryOps.MAXIMUM.apply(this, other); }
    /** Elementwise minimum with broadcasting. Gradient at a tie: half to each input. */
    public Tensor minimum(Tensor other) { return BinaryOps.MINIMUM.apply(this, other); }

    // ---------------------------------------------------------------- elementwise functions

    /** {@code -x}. */
    public Tensor neg() { return UnaryOps.neg(this); }
    /** {@code x²}; gradient 2x. */
    public Tensor square() { return UnaryOps.square(this); }
    /** {@code √x}; gradient 1/(2√x), +Infinity at 0. */
    public Tensor sqrt() { return UnaryOps.sqrt(this); }
    /** {@code |x|}; gradient sign(x), 0 at 0. */
    public Tensor abs() { return UnaryOps.abs(this); }
    /** {@code eˣ}. */
    public Tensor exp() { return UnaryOps.exp(this); }
    /** Natural logarithm. */
    public Tensor log() { return UnaryOps.log(this); }
    /** Hyperbolic tangent; gradient 1 − tanh². */
    public Tensor tanh() { return UnaryOps.tanh(this); }
    /** Logistic function 1/(1+e⁻ˣ), without overflow in either tail; gradient σ(1−σ). */
    public Tensor sigmoid() { return UnaryOps.sigmoid(this); }
    /** {@code max(x, 0)}; gradient 1 for x &gt; 0, 0 for x ≤ 0 (0 at the kink, as PyTorch). */
    public Tensor relu() { return UnaryOps.relu(this); }
    /** {@code log(1+eˣ)} computed as max(x,0) + log1p(e^−|x|); gradient σ(x). */
    public Tensor softplus() { return UnaryOps.softplus(this); }

    /**
     * {@code xᵖ} for a constant exponent. Gradient p·xᵖ⁻¹; for p = 0 the gradient is 0 everywhere
     * (including x = 0); for 0 &lt; p &lt; 1 it is +Infinity at x = 0.
     */
    public Tensor pow(double p) { return UnaryOps.pow(this, p); }

    /**
     * {@code min(max(x, lo), hi)}. Gradient 1 on the closed interval [lo, hi] (including the bounds,
     * as PyTorch), 0 outside.
     */
    public Tensor clamp(double lo, double hi) { return UnaryOps.clamp(this, lo, hi); }

    // ---------------------------------------------------------------- linear algebra

    /**
     * Matrix product with numpy semantics: 1-D·1-D is a dot product, a 1-D operand is promoted to a
     * row (left) or a column (right) and the added axis removed, N-D operands are stacks of matrices
     * whose batch axes broadcast.
     */
    public Tensor matmul(Tensor other) { return MatMulOp.matmul(this, other); }

    // ---------------------------------------------------------------- shape

    /** Swaps the last two axes (a rank-1 or rank-0 tensor is returned as it is). */
    public Tensor transpose() { return ShapeOps.transpose(this); }
    /** Reorders the axes: output axis i is input axis {@code axes[i]}. */
    public Tensor permute(int... axes) { return ShapeOps.permute(this, axes); }
    /** Same values, new shape; one entry may be -1 to be inferred. */
    public Tensor reshape(int... newShape) { return ShapeOps.reshape(this, newShape); }
    /** Broadcasts to a larger shape (numpy rules); the gradient sums over the broadcast axes. */
    public Tensor broadcastTo(int... newShape) { return ShapeOps.broadcastTo(this, newShape); }
    /** Elements {@code from} (inclusive) to {@code to} (exclusive) along {@code axis}. */
    public Tensor slice(int axis, int from, int to) { return ShapeOps.slice(this, axis, from, to); }
    /** Inserts an axis of size 1 at {@code axis}. */
    public Tensor unsqueeze(int axis) { return ShapeOps.unsqueeze(this, axis); }
    /** Removes the axis {@code axis}, which must have size 1. */
    public Tensor squeeze(int axis) { return ShapeOps.squeeze(this, axis); }

    /** Joins tensors along an existing axis; all other axes must agree. */
    public static Tensor concat(int axis, Tensor... tensors) { return ShapeOps.concat(axis, tensors); }
    /** Joins tensors of equal shape along a new axis. */
    public static Tensor stack(int axis, Tensor... tensors) { return ShapeOps.stack(axis, tensors); }

    // ---------------------------------------------------------------- reductions

    /** Sum of all elements (a scalar). */
    public Tensor sum() { return ReduceOps.sumAll(this); }
    /** Sum along one axis, which is removed. */
    public Tensor sum(int axis) { return ReduceOps.sum(this, axis, false); }
    /** Sum along one axis, kept with size 1 if {@code keepDims}. */
    public Tensor sum(int axis, boolean keepDims) { return ReduceOps.sum(this, axis, keepDims); }
    /** Mean of all elements. */
    public Tensor mean() { return ReduceOps.sumAll(this).div(size()); }
    /** Mean along one axis. */
    public Tensor mean(int axis) { return mean(axis, false); }
    /** Mean along one axis, kept with size 1 if {@code keepDims}. */
    public Tensor mean(int axis, boolean keepDims) {
        int n = shape[Shapes.axis("mean", axis, shape.length)];
        return ReduceOps.sum(this, axis, keepDims).div(n);
    }
    /** Maximum of all elements. Gradient: 1/k to each of k tied maxima. */
    public Tensor max() {
        if (data.length == 0) {  // refuse before the reshape is recorded
            throw new IllegalArgumentException("max: tensor of shape " + Shapes.str(shape) + " is empty");
        }
        return reshape(-1).max(0);
    }
    /** Maximum along an axis. Gradient: 1/k to each of k tied maxima, 0 elsewhere. */
    public Tensor max(int axis) { return ReduceOps.max(this, axis, false); }
    /** Maximum along an axis, kept with size 1 if {@code keepDims}. */
    public Tensor max(int axis, boolean keepDims) { return ReduceOps.max(this, axis, keepDims); }
    /** Minimum along an axis ({@code -max(-x)}); ties split as for max. */
    public Tensor min(int axis) {
        // check here, before neg() is recorded, and name min rather than max in the message
        int ax = Shapes.axis("min", axis, shape.length);
        if (shape[ax] == 0) {
            throw new IllegalArgumentException("min: axis " + axis + " of shape " + Shapes.str(shape) + " is empty");
        }
        return neg().max(axis).neg();
    }
    /**
     * {@code log(Σ exp(x))} along an axis with the max shift. All −Infinity gives −Infinity with
     * gradient 0.
     */
    public Tensor logSumExp(int axis) { return ReduceOps.logSumExp(this, axis, false); }
    /** {@link #logSumExp(int)} keeping the axis with size 1 if {@code keepDims}. */
    public Tensor logSumExp(int axis, boolean keepDims) { return ReduceOps.logSumExp(this, axis, keepDims); }
    /** Softmax along an axis, with the max shift; its gradient is s ⊙ (g − Σ g ⊙ s). */
    public Tensor softmax(int axis) { return ReduceOps.softmax(this, axis); }
    /** {@code x − logSumExp(x)} along an axis: stable log-probabilities. */
    public Tensor logSoftmax(int axis) { return sub(logSumExp(axis, true)); }

    // ---------------------------------------------------------------- printing

    /**
     * numpy-like text: the values (abbreviated with "..." past 1,000 elements) and the shape, e.g.
     * {@code tensor([[1, 2], [3, 4]], shape=[2, 2])}.
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("tensor(");
        TensorFormat.format(sb, data, shape);
        sb.append(", shape=").append(Shapes.str(shape));
        if (requiresGrad()) {
            Node live = liveNode();
            sb.append(live == null ? ", requiresGrad" : ", op=" + live.opName());
        }
        return sb.append(')').toString();
    }
}
