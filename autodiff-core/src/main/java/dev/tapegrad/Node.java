package dev.tapegrad;

/**
 * One entry of the tape: the op that ran, its inputs, its output and the rule that maps the
 * gradient of the output to gradients of the inputs. Nodes are released (their references cut)
 * when the tape is released, so that tensors kept by the user do not keep the whole graph alive.
 */
final class Node {
    /** Vector-Jacobian product of one recorded op, written with Tensor ops. */
    @FunctionalInterface
    interface Backward {
        /**
         * Returns one gradient per input (null where {@code node.needsGrad(i)} is false or the input
         * gets nothing), each of the input's shape.
         */
        Tensor[] apply(Node node, Tensor gradOutput);
    }

    final String op;
    Tensor[] inputs;
    Tensor output;
    Backward backward;
    final Tape tape;
    final int index;
    /** Accumulated gradient of {@link #output} during a replay; null outside one. */
    Tensor grad;
    /** Where the user's code recorded this op; only kept in anomaly mode. */
    StackTraceElement site;

    Node(String op, Tensor[] inputs, Tensor output, Backward backward, Tape tape, int index) {
        this.op = op;
        this.inputs = inputs;
        this.output = output;
        this.backward = backward;
        this.tape = tape;
        this.index = index;
    }

    /** True if input {@code i} is a leaf that wants gradients or an output of a live op on this tape. */
    boolean needsGrad(int i) {
        return tape.tracks(inputs[i]);
    }

    boolean released() {
        return backward == null;
    }

    void release() {
        inputs = null;
        backward = null;
        grad = null;
    }
}
