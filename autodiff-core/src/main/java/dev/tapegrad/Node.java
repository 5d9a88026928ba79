package dev.tapegrad;

/**
 * One application of an op: the op definition, its parameters ({@link #attrs}), its inputs and its
 * output. On a tape it is an entry of the Wengert list; in forward mode the same object is handed
 * to the op's JVP (then it belongs to no tape). Nodes are released (their references cut) when the
 * tape is released, so that tensors kept by the user do not keep the whole graph alive.
 */
final class Node {
    /** Why a node no longer holds its inputs. */
    enum Release { LIVE, REPLAYED, CLOSED }

    final Op op;
    final Object attrs;
    Tensor[] inputs;
    final Tensor output;
    /** The tape this node is on; null for a forward-mode call. */
    final Tape tape;
    final int index;
    /** Accumulated gradient of {@link #output} during a replay; null outside one. */
    Tensor grad;
    /** Where the user's code recorded this op; only kept in anomaly mode. */
    StackTraceElement site;
    Release release = Release.LIVE;

    Node(Op op, Object attrs, Tensor[] inputs, Tensor output, Tape tape, int index) {
        this.op = op;
        this.attrs = attrs;
        this.inputs = inputs;
        this.output = output;
        this.tape = tape;
        this.index = index;
    }

    /** Input {@code i} as recorded. */
    Tensor input(int i) {
        return inputs[i];
    }

    /** The op's parameters, of the op's own type. */
    @SuppressWarnings("unchecked")
    <A> A attrs() {
        return (A) attrs;
    }

    /**
     * True if input {@code i} needs a gradient: it is a leaf that wants gradients or the output of a
     * live op on this node's tape. Always true outside a tape.
     */
    boolean needsGrad(int i) {
        return tape == null || tape.tracks(inputs[i]);
    }

    boolean released() {
        return release != Release.LIVE;
    }

    void release(Release why) {
        inputs = null;
        grad = null;
        release = why;
    }

    /** The op's name, for messages. */
    String opName() {
        return op.name();
    }
}
