package dev.tapegrad;

import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * A record of the differentiable ops run on this thread, replayed in reverse to compute gradients.
 *
 * <p>The tape is an append-only list of nodes in execution order (a Wengert list), so a reverse loop
 * over it visits every node after all the nodes that use its output: no sort and no recursion, which
 * lets a chain of millions of ops replay on the default thread stack. Only ops with at least one input
 * that wants gradients are recorded; everything else just computes values.
 *
 * <pre>{@code
 * Tensor w = Tensor.randn(rng, 3, 2).requiresGrad(true);
 * try (Tape tape = Tape.record()) {
 *     Tensor loss = x.matmul(w).sigmoid().sub(y).square().mean();
 *     tape.backward(loss);                  // adds dloss/dw into w.grad()
 * }
 * }</pre>
 *
 * <p>After a replay the tape releases its nodes (so that the graph can be collected) unless it was
 * opened with {@link Option#KEEP} or the replay was asked to keep it ({@link #retainGraph()},
 * {@link #createGraph()}). Replaying released nodes is an error that says how to keep them. A
 * released tape goes on recording new ops.
 *
 * <p>A tape belongs to the thread that opened it; tapes opened inside another one stack, and the
 * innermost one records. Ops on tensors recorded by another tape treat them as constants.
 */
public final class Tape implements AutoCloseable {

    /** Options for {@link #record(Option...)}. */
    public enum Option {
        /** Keep the nodes after every replay, so that the tape can be replayed again. */
        KEEP,
        /**
         * Anomaly mode: the first NaN or infinity produced by a recorded op, in the forward or the
         * backward pass, throws an {@link AnomalyException} naming the op, its position on the tape,
         * the input shapes, the place in the caller's code and the first bad element. Off by default;
         * when off it costs nothing.
         */
        DETECT_ANOMALY
    }

    private final Thread owner;
    final Tape parent;
    private final boolean keep;
    final boolean detectAnomaly;
    /** Whether recording was paused when this tape opened: a new tape records, and closing restores. */
    private final boolean pausedBefore;
    private Node[] nodes = new Node[64];
    private int size;
    private boolean closed;

    private Tape(Tape parent, boolean keep, boolean detectAnomaly, boolean pausedBefore) {
        this.owner = Thread.currentThread();
        this.parent = parent;
        this.pausedBefore = pausedBefore;
        this.keep = keep;
        this.detectAnomaly = detectAnomaly;
    }

    /**
     * Starts recording on this thread. Use with try-with-resources; closing stops the recording.
     *
     * @param options {@link Option#KEEP} to keep the nodes after replays, {@link Option#DETECT_ANOMALY}
     *                to report the first non-finite value
     */
    public static Tape record(Option... options) {
        boolean keep = false, anomaly = false;
        for (Option o : options) {
            keep |= o == Option.KEEP;
            anomaly |= o == Option.DETECT_ANOMALY;
        }
        ThreadState s = ThreadState.get();
        Tape t = new Tape(s.current, keep, anomaly, s.paused);
        s.current = t;
        s.paused = false;  // a tape opened inside Tape.pause() records (as torch.enable_grad inside no_grad)
        return t;
    }

    /** The innermost open tape of this thread, or null. */
    static Tape current() {
        return ThreadState.get().current;
    }

    /** True if this thread has an open tape and recording is not paused. */
    public static boolean isRecording() {
        ThreadState s = ThreadState.get();
        return s.current != null && !s.paused;
    }

    /**
     * Pauses recording on every tape of this thread until the returned handle is closed, like
     * PyTorch's {@code torch.no_grad()}: for evaluation and optimizer updates. A tape opened while
     * paused records until it is closed.
     *
     * <pre>{@code try (Tape.Pause p = Tape.pause()) { accuracy = model.forward(x) ... } }</pre>
     */
    public static Pause pause() {
        ThreadState s = ThreadState.get();
        Pause p = new Pause(s, s.paused);
        s.paused = true;
        return p;
    }

    /** Handle returned by {@link #pause()}; closing it restores recording. */
    public static final class Pause implements AutoCloseable {
        private final ThreadState state;
        private final boolean restore;

        private Pause(ThreadState state, boolean restore) {
            this.state = state;
            this.restore = restore;
        }

        @Override
        public void close() {
            state.paused = restore;
        }
    }

    /** Number of nodes currently on the tape (0 after a release). */
    public int size() {
        return size;
    }

    // ---------------------------------------------------------------- recording

    /**
     * Records {@code out = op(inputs)} on the innermost open tape of this thread that tracks one of
     * the inputs, unless recording is paused. Called by {@link Op#finish} once an input looked like a
     * candidate. (Inputs recorded by a tape enclosing that one are constants for it.)
     */
    static void record(Op op, Object attrs, Tensor out, Tensor[] inputs) {
        ThreadState s = ThreadState.get();
        if (s.paused) {
            return;
        }
        for (Tape tape = s.current; tape != null; tape = tape.parent) {
            for (Tensor t : inputs) {
                if (tape.tracks(t)) {
                    tape.append(op, attrs, out, inputs);
                    return;
                }
            }
        }
    }

    private void append(Op op, Object attrs, Tensor out, Tensor[] inputs) {
        if (detectAnomaly) {
            Anomalies.checkForward(this, op.name(), out, inputs);
        }
        Node n = new Node(op, attrs, inputs, out, this, size);
        if (detectAnomaly) {
            n.site = Anomalies.callerSite();
        }
        if (size == nodes.length) {
            nodes = Arrays.copyOf(nodes, nodes.length * 2);
        }
        nodes[size++] = n;
        out.node = n;
    }

    /** True if {@code t} is a leaf that wants gradients or the output of a live node of this tape. */
    boolean tracks(Tensor t) {
        return t.requiresGrad || liveNode(t) != null;
    }

    /** The live node that produced {@code t} on this tape, or null. */
    Node liveNode(Tensor t) {
        Node n = t.node;
        return n != null && n.tape == this && !n.released() ? n : null;
    }

    /** The node (live or released) that produced {@code t} on this tape, or null. */
    private Node anyNode(Tensor t) {
        Node n = t.node;
        return n != null && n.tape == this ? n : null;
    }

    /** The node at position {@code i} (for graph export and tests). */
    Node node(int i) {
        return nodes[i];
    }

    // ---------------------------------------------------------------- replay

    /**
     * Replays the tape from the scalar {@code loss} and adds d(loss)/d(leaf) into the {@code grad()}
     * of every leaf that wants gradients. Gradients are added only after the whole replay succeeded.
     *
     * @throws IllegalArgumentException if {@code loss} is not a scalar (use {@link #vjp} with a seed)
     */
    public void backward(Tensor loss) {
        new Replay(this, false, false).backward(loss);
    }

    /**
     * Gradients of the scalar {@code y} with respect to each of {@code xs}; touches no {@code grad()}.
     * An input that {@code y} does not depend on gets zeros of its shape (never null).
     */
    public Tensor[] gradient(Tensor y, Tensor... xs) {
        return new Replay(this, false, false).gradient(y, xs);
    }

    /**
     * Vector-Jacobian products {@code seedᵀ · ∂y/∂x} for each of {@code xs}: the gradient of a
     * non-scalar {@code y} weighted by {@code seed}, which has y's shape. (DESIGN's
     * {@code gradient(y, seed, x)}: Java overloading cannot tell it from {@code gradient(y, x, w)}.)
     */
    public Tensor[] vjp(Tensor y, Tensor seed, Tensor... xs) {
        return new Replay(this, false, false).vjp(y, seed, xs);
    }

    /**
     * A replay that keeps the nodes afterwards (PyTorch's {@code retain_graph=True}):
     * {@code tape.retainGraph().gradient(y, x)}.
     */
    public Replay retainGraph() {
        return new Replay(this, false, true);
    }

    /**
     * A replay that records the gradient computation on this tape (PyTorch's
     * {@code create_graph=True}), so the gradients it returns can be differentiated again. Implies
     * keeping the nodes.
     *
     * <pre>{@code
     * Tensor g  = tape.createGraph().gradient(x.pow(3).sum(), x)[0];  // 3x², recorded
     * Tensor gg = tape.gradient(g.sum(), x)[0];                        // 6x
     * }</pre>
     */
    public Replay createGraph() {
        return new Replay(this, true, true);
    }

    /**
     * A replay where an output that this tape did not record (a constant: a gradient that came out
     * independent of the input, say) gives zero gradients instead of an error, as JAX does:
     * {@code tape.zerosForConstants().gradient(g.sum(), x)}.
     */
    public Replay zerosForConstants() {
        return new Replay(this, false, false).zerosForConstants();
    }

    /** One configured replay of a tape: see {@link #retainGraph()} and {@link #createGraph()}. */
    public static final class Replay {
        private final Tape tape;
        private final boolean createGraph;
        private final boolean retain;
        private final boolean zerosForConstants;

        Replay(Tape tape, boolean createGraph, boolean retain) {
            this(tape, createGraph, retain, false);
        }

        private Replay(Tape tape, boolean createGraph, boolean retain, boolean zerosForConstants) {
            this.tape = tape;
            this.createGraph = createGraph;
            this.retain = retain;
            this.zerosForConstants = zerosForConstants;
        }

        /**
         * This replay, with an output that the tape did not record (a constant, as when a function
         * does not depend on its input) giving zero gradients instead of an error, as JAX does.
         * Function transformations use it: the Hessian of a linear function is zero.
         */
        public Replay zerosForConstants() {
            return new Replay(tape, createGraph, retain, true);
        }

        /** As {@link Tape#backward(Tensor)}. */
        public void backward(Tensor loss) {
            tape.checkOpen("backward");
            requireScalar("backward", loss);
            Map<Tensor, Tensor> leafGrads = tape.replay("backward", loss, Tensor.ones(loss.shape), createGraph, zerosForConstants, new Tensor[0]);
            for (Map.Entry<Tensor, Tensor> e : leafGrads.entrySet()) {
                Tensor g = createGraph ? e.getValue() : e.getValue().alias();
                e.getKey().accumulateGrad(g);
            }
            tape.afterReplay(retain);
        }

        /** As {@link Tape#gradient(Tensor, Tensor...)}. */
        public Tensor[] gradient(Tensor y, Tensor... xs) {
            tape.checkOpen("gradient");
            requireScalar("gradient", y);
            return vjpUnchecked("gradient", y, Tensor.ones(y.shape), xs);
        }

        /** As {@link Tape#vjp(Tensor, Tensor, Tensor...)}. */
        public Tensor[] vjp(Tensor y, Tensor seed, Tensor... xs) {
            tape.checkOpen("vjp");
            if (!Arrays.equals(seed.shape, y.shape)) {
                throw new IllegalArgumentException("vjp: seed of shape " + Shapes.str(seed.shape)
                        + " does not match the output of shape " + Shapes.str(y.shape));
            }
            return vjpUnchecked("vjp", y, seed, xs);
        }

        private Tensor[] vjpUnchecked(String what, Tensor y, Tensor seed, Tensor[] xs) {
            Map<Tensor, Tensor> leafGrads = tape.replay(what, y, seed, createGraph, zerosForConstants, xs);
            Tensor[] out = new Tensor[xs.length];
            for (int i = 0; i < xs.length; i++) {
                Tensor x = xs[i];
                Tensor g;
                Node xn = tape.liveNode(x);
                if (x == y) {
                    g = seed;
                } else if (xn != null) {
                    g = xn.grad;
                } else {
                    g = leafGrads.get(x);
                }
                out[i] = g != null ? g : Tensor.zeros(x.shape);
            }
            tape.clearGrads(y);
            tape.afterReplay(retain);
            return out;
        }

        private static void requireScalar(String what, Tensor y) {
            if (y.size() != 1) {
                throw new IllegalArgumentException(what + ": output of shape " + Shapes.str(y.shape)
                        + " is not a scalar; give a seed of its shape with tape.vjp(y, seed, x...)");
            }
        }
    }

    private void checkOpen(String what) {
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException(what + ": this tape belongs to thread " + owner.getName()
                    + "; each thread records and replays its own tapes");
        }
        if (closed) {
            throw new IllegalStateException(what + ": the tape is closed; replay it inside its try-with-resources "
                    + "block, before close()");
        }
    }

    /**
     * The reverse loop. Returns the gradients of the leaves reached; the gradients of recorded
     * intermediate tensors stay in their nodes until {@link #clearGrads}. While it runs, the ops of
     * the backward rules are recorded on this tape (and the ones enclosing it) if {@code createGraph},
     * and on no tape otherwise: never on a tape opened inside this one.
     */
    private Map<Tensor, Tensor> replay(String what, Tensor y, Tensor seed, boolean createGraph, boolean zerosForConstants,
                                       Tensor[] wanted) {
        Map<Tensor, Tensor> leafGrads = new IdentityHashMap<>();
        Node start = anyNode(y);
        if (start == null) {
            if (y.requiresGrad) {
                // y is a leaf that wants gradients: d y / d y = seed
                leafGrads.put(y, seed);
                return leafGrads;
            }
            if (zerosForConstants && y.liveNode() == null) {
                return leafGrads;
            }
            throw new IllegalArgumentException(what + ": the output (shape " + Shapes.str(y.shape) + ") was not recorded on "
                    + "this tape: " + (y.node != null ? "it was recorded on another tape"
                    : "it was computed outside the tape, or from tensors that want no gradient (mark the inputs with "
                    + "requiresGrad(true) before the forward pass, inside Tape.record())"));
        }
        if (start.release == Node.Release.REPLAYED) {
            throw new IllegalStateException(what + ": the tape was already replayed and released its nodes; "
                    + "to replay it again open it with Tape.record(Tape.Option.KEEP) or replay with "
                    + "tape.retainGraph().backward(...)/gradient(...)");
        }
        java.util.Set<Node> keepGrad = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        for (Tensor x : wanted) {
            Node xn = liveNode(x);
            if (xn != null) {
                keepGrad.add(xn);
            }
        }
        java.util.Set<Tensor> ownedSums = createGraph ? null : java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        ThreadState s = ThreadState.get();
        Tape savedCurrent = s.current;
        boolean savedPaused = s.paused;
        s.current = this;
        s.paused = !createGraph;
        try {
            clearGradsFrom(start.index);
            start.grad = seed;
            for (int i = start.index; i >= 0; i--) {
                Node node = nodes[i];
                Tensor g = node.grad;
                if (g == null || node.released()) {
                    continue;
                }
                Tensor[] ins = node.inputs;
                Tensor[] gs = node.op.vjp(node, g);
                if (gs.length != ins.length) {
                    throw new IllegalStateException(node.opName() + ": backward returned " + gs.length
                            + " gradients for " + ins.length + " inputs");
                }
                for (int j = 0; j < ins.length; j++) {
                    Tensor gj = gs[j];
                    Tensor in = ins[j];
                    if (gj == null || !tracks(in)) {
                        continue;
                    }
                    if (!Shapes.same(gj.shape, in.shape)) {
                        throw new IllegalStateException(node.opName() + ": backward returned a gradient of shape "
                                + Shapes.str(gj.shape) + " for input " + j + " of shape " + Shapes.str(in.shape));
                    }
                    if (detectAnomaly) {
                        Anomalies.checkBackward(node, j, gj);
                    }
                    Node src = liveNode(in);
                    if (src != null) {
                        src.grad = src.grad == null ? gj : src.grad.add(gj);
                    } else if (createGraph) {
                        leafGrads.merge(in, gj, Tensor::add);
                    } else {
                        accumulateLeaf(leafGrads, ownedSums, in, gj);
                    }
                }
                if (keepGrad.isEmpty() || !keepGrad.contains(node)) {  // skip identity hashing in the common case
                    node.grad = null;  // done with it: free memory as we go
                }
            }
        } catch (RuntimeException | Error e) {
            clearGradsFrom(start.index);
            throw e;
        } finally {
            s.current = savedCurrent;
            s.paused = savedPaused;
        }
        return leafGrads;
    }

    /**
     * Adds {@code g} to a leaf's gradient sum without recording. The first gradient is kept as it
     * is; the second makes a new sum tensor that only this replay has seen, and later ones are added
     * into it in place (a leaf used by many ops, like a weight, would otherwise cost a new array per
     * use). Gradients that carry forward-mode tangents are added with the op, so the tangents add too.
     */
    private static void accumulateLeaf(Map<Tensor, Tensor> sums, java.util.Set<Tensor> owned, Tensor leaf, Tensor g) {
        Tensor prev = sums.get(leaf);
        if (prev == null) {
            sums.put(leaf, g);
        } else if (owned.contains(prev) && prev.duals == null && g.duals == null) {
            dev.tapegrad.kernels.Elementwise.binary(dev.tapegrad.kernels.Elementwise.Binary.ADD, prev.data, null, g.data, null,
                    prev.shape, prev.data);
        } else {
            Tensor sum = prev.add(g);
            owned.add(sum);
            sums.put(leaf, sum);
        }
    }

    private void clearGradsFrom(int index) {
        for (int i = Math.min(index, size - 1); i >= 0; i--) {
            nodes[i].grad = null;
        }
    }

    private void clearGrads(Tensor y) {
        Node n = liveNode(y);
        if (n != null) {
            clearGradsFrom(n.index);
        }
    }

    private void afterReplay(boolean retain) {
        if (!retain && !keep) {
            releaseNodes(Node.Release.REPLAYED);
        }
    }

    /** Cuts every node's references so the graph can be collected; the tape then records afresh. */
    private void releaseNodes(Node.Release why) {
        for (int i = 0; i < size; i++) {
            nodes[i].release(why);
            nodes[i] = null;
        }
        size = 0;
        if (nodes.length > 1024) {
            nodes = new Node[64];
        }
    }

    /** Stops recording and releases the nodes. Must be called on the thread that opened the tape. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("close: this tape belongs to thread " + owner.getName());
        }
        ThreadState s = ThreadState.get();
        if (s.current != this) {
            throw new IllegalStateException("close: tapes must be closed innermost first");
        }
        closed = true;
        releaseNodes(Node.Release.CLOSED);
        s.current = parent;
        s.paused = pausedBefore;
    }
}
