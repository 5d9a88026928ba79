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

    private static final ThreadLocal<Tape> CURRENT = new ThreadLocal<>();

    private final Thread owner;
    private final Tape parent;
    private final boolean keep;
    final boolean detectAnomaly;
    private Node[] nodes = new Node[64];
    private int size;
    private boolean recording = true;
    private boolean closed;
    private boolean releasedOnce;

    private Tape(Tape parent, boolean keep, boolean detectAnomaly) {
        this.owner = Thread.currentThread();
        this.parent = parent;
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
        Tape t = new Tape(CURRENT.get(), keep, anomaly);
        CURRENT.set(t);
        return t;
    }

    /** The innermost open tape of this thread, or null. */
    static Tape current() {
        return CURRENT.get();
    }

    /** True if this thread has an open tape that is recording (not paused). */
    public static boolean isRecording() {
        Tape t = CURRENT.get();
        return t != null && t.recording;
    }

    /**
     * Pauses recording on this thread's current tape until the returned handle is closed, like
     * PyTorch's {@code torch.no_grad()}: for evaluation and optimizer updates.
     *
     * <pre>{@code try (Tape.Pause p = Tape.pause()) { accuracy = model.forward(x) ... } }</pre>
     */
    public static Pause pause() {
        Tape t = CURRENT.get();
        boolean was = t != null && t.recording;
        if (t != null) {
            t.recording = false;
        }
        return new Pause(t, was);
    }

    /** Handle returned by {@link #pause()}; closing it restores recording. */
    public static final class Pause implements AutoCloseable {
        private final Tape tape;
        private final boolean restore;

        private Pause(Tape tape, boolean restore) {
            this.tape = tape;
            this.restore = restore;
        }

        @Override
        public void close() {
            if (tape != null) {
                tape.recording = restore;
            }
        }
    }

    /** Number of nodes currently on the tape (0 after a release). */
    public int size() {
        return size;
    }

    // ---------------------------------------------------------------- recording

    /**
     * Records {@code out = op(inputs)} on the current tape if any input wants gradients, and returns
     * {@code out}. The cheap test on the inputs comes first, so ops on plain tensors never look up
     * the thread's tape.
     */
    static Tensor record(String op, Tensor out, Node.Backward backward, Tensor... inputs) {
        boolean candidate = false;
        for (Tensor t : inputs) {
            if (t.requiresGrad || t.node != null) {
                candidate = true;
                break;
            }
        }
        if (!candidate) {
            return out;
        }
        Tape tape = CURRENT.get();
        if (tape == null || !tape.recording) {
            return out;
        }
        boolean tracked = false;
        for (Tensor t : inputs) {
            if (tape.tracks(t)) {
                tracked = true;
                break;
            }
        }
        if (!tracked) {
            return out;
        }
        if (tape.detectAnomaly) {
            Anomalies.checkForward(tape, op, out, inputs);
        }
        Node n = new Node(op, inputs, out, backward, tape, tape.size);
        if (tape.detectAnomaly) {
            n.site = Anomalies.callerSite();
        }
        if (tape.size == tape.nodes.length) {
            tape.nodes = Arrays.copyOf(tape.nodes, tape.nodes.length * 2);
        }
        tape.nodes[tape.size++] = n;
        out.node = n;
        return out;
    }

    /**
     * A cheap necessary condition for {@link #record} to record an op on these inputs: one of them
     * wants gradients and this thread's tape is recording. The hottest ops test it first so that
     * unrecorded calls (every op of a plain backward pass) allocate no closure and no input array.
     */
    static boolean mayRecord(Tensor a, Tensor b) {
        if (!(a.requiresGrad || a.node != null || b.requiresGrad || b.node != null)) {
            return false;
        }
        Tape tape = CURRENT.get();
        return tape != null && tape.recording;
    }

    /** {@link #mayRecord(Tensor, Tensor)} for one input. */
    static boolean mayRecord(Tensor a) {
        if (!(a.requiresGrad || a.node != null)) {
            return false;
        }
        Tape tape = CURRENT.get();
        return tape != null && tape.recording;
    }

    /** True if {@code t} is a leaf that wants gradients or the output of a live node of this tape. */
    boolean tracks(Tensor t) {
        Node n = t.node;
        if (n != null) {
            return n.tape == this && n.backward != null;
        }
        return t.requiresGrad;
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

    /** One configured replay of a tape: see {@link #retainGraph()} and {@link #createGraph()}. */
    public static final class Replay {
        private final Tape tape;
        private final boolean createGraph;
        private final boolean retain;

        Replay(Tape tape, boolean createGraph, boolean retain) {
            this.tape = tape;
            this.createGraph = createGraph;
            this.retain = retain;
        }

        /** As {@link Tape#backward(Tensor)}. */
        public void backward(Tensor loss) {
            tape.checkOpen("backward");
            requireScalar("backward", loss);
            Map<Tensor, Tensor> leafGrads = tape.replay(loss, Tensor.ones(loss.shape), createGraph, new Tensor[0]);
            for (Map.Entry<Tensor, Tensor> e : leafGrads.entrySet()) {
                Tensor leaf = e.getKey();
                Tensor g = createGraph ? e.getValue() : e.getValue().alias();
                leaf.grad = leaf.grad == null ? g : leaf.grad.add(g);
            }
            tape.afterReplay(retain);
        }

        /** As {@link Tape#gradient(Tensor, Tensor...)}. */
        public Tensor[] gradient(Tensor y, Tensor... xs) {
            tape.checkOpen("gradient");
            requireScalar("gradient", y);
            return vjpUnchecked(y, Tensor.ones(y.shape), xs);
        }

        /** As {@link Tape#vjp(Tensor, Tensor, Tensor...)}. */
        public Tensor[] vjp(Tensor y, Tensor seed, Tensor... xs) {
            tape.checkOpen("vjp");
            if (!Arrays.equals(seed.shape, y.shape)) {
                throw new IllegalArgumentException("vjp: seed of shape " + Shapes.str(seed.shape)
                        + " does not match the output of shape " + Shapes.str(y.shape));
            }
            return vjpUnchecked(y, seed, xs);
        }

        private Tensor[] vjpUnchecked(Tensor y, Tensor seed, Tensor[] xs) {
            Map<Tensor, Tensor> leafGrads = tape.replay(y, seed, createGraph, xs);
            Tensor[] out = new Tensor[xs.length];
            for (int i = 0; i < xs.length; i++) {
                Tensor x = xs[i];
                Tensor g;
                if (x == y) {
                    g = seed;
                } else if (x.node != null && x.node.tape == tape && x.node.backward != null) {
                    g = x.node.grad;
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
    }

    /**
     * The reverse loop. Returns the gradients of the leaves reached; the gradients of recorded
     * intermediate tensors stay in their nodes until {@link #clearGrads}.
     */
    private Map<Tensor, Tensor> replay(Tensor y, Tensor seed, boolean createGraph, Tensor[] wanted) {
        Map<Tensor, Tensor> leafGrads = new IdentityHashMap<>();
        Node start = y.node;
        if (start == null || start.tape != this) {
            // y was not recorded here: it is a leaf (or a constant); d y / d y = seed.
            if (y.requiresGrad && y.node == null) {
                leafGrads.put(y, seed);
            }
            return leafGrads;
        }
        if (start.backward == null) {
            throw new IllegalStateException("the tape was already replayed and released its nodes; "
                    + "to replay it again open it with Tape.record(Tape.Option.KEEP) or replay with "
                    + "tape.retainGraph().backward(...)/gradient(...)");
        }
        java.util.Set<Node> keepGrad = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        for (Tensor x : wanted) {
            if (x.node != null) {
                keepGrad.add(x.node);
            }
        }
        java.util.Set<Tensor> ownedSums = createGraph ? null : java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        boolean wasRecording = recording;
        recording = createGraph;
        try {
            clearGradsFrom(start.index);
            start.grad = seed;
            for (int i = start.index; i >= 0; i--) {
                Node node = nodes[i];
                Tensor g = node.grad;
                if (g == null || node.backward == null) {
                    continue;
                }
                Tensor[] ins = node.inputs;
                Tensor[] gs = node.backward.apply(node, g);
                if (gs.length != ins.length) {
                    throw new IllegalStateException(node.op + ": backward returned " + gs.length
                            + " gradients for " + ins.length + " inputs");
                }
                for (int j = 0; j < ins.length; j++) {
                    Tensor gj = gs[j];
                    Tensor in = ins[j];
                    if (gj == null || !tracks(in)) {
                        continue;
                    }
                    if (!Shapes.same(gj.shape, in.shape)) {
                        throw new IllegalStateException(node.op + ": backward returned a gradient of shape "
                                + Shapes.str(gj.shape) + " for input " + j + " of shape " + Shapes.str(in.shape));
                    }
                    if (detectAnomaly) {
                        Anomalies.checkBackward(node, j, gj);
                    }
                    Node src = in.node;
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
            recording = wasRecording;
        }
        return leafGrads;
    }

    /**
     * Adds {@code g} to a leaf's gradient sum without recording. The first gradient is kept as it
     * is; the second makes a new sum tensor that only this replay has seen, and later ones are added
     * into it in place (a leaf used by many ops, like a weight, would otherwise cost a new array per use).
     */
    private static void accumulateLeaf(Map<Tensor, Tensor> sums, java.util.Set<Tensor> owned, Tensor leaf, Tensor g) {
        Tensor prev = sums.get(leaf);
        if (prev == null) {
            sums.put(leaf, g);
        } else if (owned.contains(prev)) {
            dev.tapegrad.kernels.Elementwise.binary(dev.tapegrad.kernels.Elementwise.ADD, prev.data, null, g.data, null,
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
        if (y.node != null && y.node.tape == this && y.node.backward != null) {
            clearGradsFrom(y.node.index);
        }
    }

    private void afterReplay(boolean retain) {
        if (!retain && !keep) {
            releaseNodes();
        }
    }

    /** Cuts every node's references so the graph can be collected; the tape then records afresh. */
    private void releaseNodes() {
        for (int i = 0; i < size; i++) {
            nodes[i].release();
            nodes[i] = null;
        }
        size = 0;
        releasedOnce = true;
        if (nodes.length > 1024) {
            nodes = new Node[64];
        }
    }

    /** True once a replay has released the nodes. */
    boolean wasReleased() {
        return releasedOnce;
    }

    /** Stops recording and releases the nodes. Must be called on the thread that opened the tape. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        checkOpen("close");
        if (CURRENT.get() != this) {
            throw new IllegalStateException("close: tapes must be closed innermost first");
        }
        closed = true;
        releaseNodes();
        // set, not remove: a removed entry is re-created by the next get() on every op of the next
        // tape (ThreadLocal.setInitialValue showed up in the op-overhead profile); null holds nothing
        CURRENT.set(parent);
    }
}
