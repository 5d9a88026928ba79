package dev.tapegrad;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * A user-defined primitive: a forward computation that is not recorded op by op, and a backward
 * rule (vector-Jacobian product) written with Tensor ops. The whole function becomes one node on
 * the tape. Because the backward is made of Tensor ops, a replay with
 * {@link Tape#createGraph()} records it and the function can be differentiated again.
 *
 * <pre>{@code
 * DifferentiableFunction swish = DifferentiableFunction.of("swish",
 *     in -> in[0].mul(in[0].sigmoid()),
 *     (ctx, g) -> {
 *         Tensor x = ctx.input(0), s = x.sigmoid();
 *         return new Tensor[] {g.mul(s.add(x.mul(s).mul(s.neg().add(1))))};
 *     });
 * Tensor y = swish.apply(x);
 * }</pre>
 *
 * <p>Forward mode: give the function a Jacobian-vector product with {@link #withJvp}; without one,
 * a tangent that reaches the function is pushed through the transpose of its backward (the
 * backward is linear in its seed), which needs a backward written with differentiable Tensor ops
 * (a {@link #onceDifferentiable()} function without a JVP refuses forward mode with a clear error).
 *
 * <p>For second derivatives to be right, compute what the backward needs from
 * {@link Context#input(int)} and {@link Context#output(int)} inside the backward (these are the
 * recorded tensors); values saved with {@link Context#save} during the forward are constants.
 * Gradients reach the leaves only after the whole replay succeeded, so a backward that throws leaves
 * every {@code grad()} unchanged. The backward's result is checked: one gradient per input (null
 * for "no gradient"), each of its input's shape; a mismatch names the function, the input and both
 * shapes.
 */
public final class DifferentiableFunction {

    /** The forward of a multi-output function; it may save tensors in the context. */
    @FunctionalInterface
    public interface Forward {
        /** Computes the outputs from the inputs (nothing is recorded while it runs). */
        Tensor[] apply(Context ctx, Tensor[] inputs);
    }

    /** The backward (vector-Jacobian product) of a single-output function. */
    @FunctionalInterface
    public interface Backward {
        /** Returns one gradient per input (null for none), each of its input's shape. */
        Tensor[] apply(Context ctx, Tensor gradOutput);
    }

    /** The backward of a multi-output function: one gradient per output comes in. */
    @FunctionalInterface
    public interface MultiBackward {
        /** Returns one gradient per input (null for none); outputs that got no gradient pass zeros. */
        Tensor[] apply(Context ctx, Tensor[] gradOutputs);
    }

    /** The Jacobian-vector product of a function: output tangents from input tangents. */
    @FunctionalInterface
    public interface Jvp {
        /**
         * Returns one tangent per output (null for zero) from one tangent per input ({@code null} for
         * an input whose tangent is zero), written with Tensor ops.
         */
        Tensor[] apply(Context ctx, Tensor[] inputTangents);
    }

    /** What a backward may read: the inputs, the outputs, saved tensors and which inputs need gradients. */
    public static final class Context {
        private Tensor[] inputs;
        private Tensor[] outputs;
        private final List<Tensor> saved = new ArrayList<>();
        private Node node;

        /** Input {@code i} as recorded (differentiable inside a {@code createGraph} replay). */
        public Tensor input(int i) {
            return inputs[i];
        }

        /** Number of inputs. */
        public int inputCount() {
            return inputs.length;
        }

        /** Output {@code i} as recorded (only meaningful in the backward). */
        public Tensor output(int i) {
            if (outputs == null) {
                throw new IllegalStateException("output: outputs exist only after the forward has run");
            }
            return outputs[i];
        }

        /** The single output of a single-output function. */
        public Tensor output() {
            return output(0);
        }

        /** Saves tensors computed in the forward for the backward (they are constants there). */
        public void save(Tensor... tensors) {
            saved.addAll(Arrays.asList(tensors));
        }

        /** Saved tensor {@code i}, in the order of {@link #save}. */
        public Tensor saved(int i) {
            return saved.get(i);
        }

        /** True if input {@code i} wants a gradient in this replay: the backward may skip the others. */
        public boolean needsInputGrad(int i) {
            return node == null || node.needsGrad(i);
        }
    }

    private final String name;
    private final Forward forward;
    private final MultiBackward backward;
    private final Jvp jvp;
    private final boolean onceDifferentiable;
    private final Op op;
    private final Op onceGuard;

    private DifferentiableFunction(String name, Forward forward, MultiBackward backward, Jvp jvp, boolean onceDifferentiable) {
        this.name = name;
        this.forward = forward;
        this.backward = backward;
        this.jvp = jvp;
        this.onceDifferentiable = onceDifferentiable;
        this.op = new Op(name, false) {
            @Override
            Tensor[] vjp(Node call, Tensor g) {
                Call c = call.attrs();
                return callBackward(c.ctx, call, c.unpack(g));
            }

            @Override
            Tensor jvp(Node call, Tensor[] t) {
                Call c = call.attrs();
                return c.pack(outputTangents(c.ctx, t));
            }
        };
        this.onceGuard = new Op(name + " (backward)", false) {
            @Override
            Tensor[] vjp(Node call, Tensor g) {
                throw new UnsupportedOperationException(name + ": second derivative not supported: "
                        + "the function was declared once-differentiable");
            }

            @Override
            Tensor jvp(Node call, Tensor[] t) {
                throw new UnsupportedOperationException(name + ": derivative of its gradient not supported: "
                        + "the function was declared once-differentiable");
            }
        };
    }

    /**
     * One application of the function: its context, and for several outputs where each output's
     * values sit in the packed output of the node.
     */
    private static final class Call {
        final Context ctx;
        final int[][] shapes;  // null for a single output
        final int[] starts;

        Call(Context ctx, int[][] shapes, int[] starts) {
            this.ctx = ctx;
            this.shapes = shapes;
            this.starts = starts;
        }

        Tensor[] unpack(Tensor packed) {
            if (shapes == null) {
                return new Tensor[] {packed};
            }
            Tensor[] gs = new Tensor[shapes.length];
            for (int i = 0; i < shapes.length; i++) {
                gs[i] = packed.slice(0, starts[i], starts[i + 1]).reshape(shapes[i]);
            }
            return gs;
        }

        Tensor pack(Tensor[] parts) {
            if (shapes == null) {
                return parts[0] == null ? Tensor.zeros(ctx.outputs[0].shape) : parts[0];
            }
            Tensor[] flat = new Tensor[shapes.length];
            for (int i = 0; i < shapes.length; i++) {
                flat[i] = (parts[i] == null ? Tensor.zeros(shapes[i]) : parts[i]).reshape(-1);
            }
            return Tensor.concat(0, flat);
        }
    }

    /**
     * The same function with a Jacobian-vector product for forward mode ({@link Autodiff#jvp}), like
     * JAX's {@code defjvp}: it gets the input tangents and returns one tangent per output.
     */
    public DifferentiableFunction withJvp(Jvp jvp) {
        return new DifferentiableFunction(name, forward, backward, jvp, onceDifferentiable);
    }

    /**
     * The same function, declared differentiable only once (PyTorch's {@code once_differentiable}):
     * for a backward that is not written with differentiable Tensor ops (it reads raw values, say).
     * Its gradients can still be recorded, but differentiating them again throws an
     * {@link UnsupportedOperationException} that names the function, instead of a silently wrong
     * second derivative.
     */
    public DifferentiableFunction onceDifferentiable() {
        return new DifferentiableFunction(name, forward, backward, jvp, true);
    }

    /** A single-output function whose forward needs no context. */
    public static DifferentiableFunction of(String name, Function<Tensor[], Tensor> forward, Backward backward) {
        return new DifferentiableFunction(name, (ctx, in) -> new Tensor[] {forward.apply(in)},
                (ctx, gs) -> backward.apply(ctx, gs[0]), null, false);
    }

    /** A single-output function whose forward saves tensors in the context. */
    public static DifferentiableFunction withContext(String name, Forward forward, Backward backward) {
        return new DifferentiableFunction(name, forward, (ctx, gs) -> backward.apply(ctx, gs[0]), null, false);
    }

    /** A function with several outputs; call it with {@link #applyMulti}. */
    public static DifferentiableFunction multi(String name, Forward forward, MultiBackward backward) {
        return new DifferentiableFunction(name, forward, backward, null, false);
    }

    /** The function's name, as it appears on the tape and in error messages. */
    public String name() {
        return name;
    }

    /** Applies a single-output function. */
    public Tensor apply(Tensor... inputs) {
        Tensor[] out = run(inputs);
        if (out.length != 1) {
            throw new IllegalStateException(name + ": forward returned " + out.length + " outputs; use applyMulti");
        }
        return out[0];
    }

    /** Applies the function and returns all of its outputs. */
    public Tensor[] applyMulti(Tensor... inputs) {
        return run(inputs);
    }

    private Tensor[] run(Tensor[] inputs) {
        Tensor[] ins = inputs.clone();
        Context ctx = new Context();
        ctx.inputs = ins;
        Tensor[] raw;
        try (Tape.Pause p = Tape.pause()) {
            raw = forward.apply(ctx, ins);
        }
        if (raw == null || raw.length == 0) {
            throw new IllegalStateException(name + ": forward returned no outputs");
        }
        // Fresh tensors that share the values: an output may be one of the inputs itself.
        Tensor[] outs = new Tensor[raw.length];
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == null) {
                throw new IllegalStateException(name + ": forward returned null for output " + i);
            }
            outs[i] = new Tensor(raw[i].data, raw[i].shape);
        }
        ctx.outputs = outs;
        if (outs.length == 1) {
            return new Tensor[] {op.finishAll(new Call(ctx, null, null), outs[0], ins)};
        }
        return recordMulti(ctx, ins, outs);
    }

    /**
     * Several outputs: one node produces their values packed end to end, and each output is a
     * recorded slice of it, so the tape keeps one output per node and the gradients (or tangents)
     * of all the outputs arrive packed in one tensor.
     */
    private Tensor[] recordMulti(Context ctx, Tensor[] ins, Tensor[] outs) {
        int total = 0;
        int[] starts = new int[outs.length + 1];
        int[][] shapes = new int[outs.length][];
        for (int i = 0; i < outs.length; i++) {
            total += outs[i].size();
            starts[i + 1] = total;
            shapes[i] = outs[i].shape;
        }
        double[] packed = new double[total];
        for (int i = 0; i < outs.length; i++) {
            System.arraycopy(outs[i].data, 0, packed, starts[i], outs[i].size());
        }
        Tensor p = op.finishAll(new Call(ctx, shapes, starts), new Tensor(packed, new int[] {total}), ins);
        Tensor[] result = new Tensor[outs.length];
        for (int i = 0; i < outs.length; i++) {
            result[i] = ShapeOps.reshape(ShapeOps.slice(p, 0, starts[i], starts[i + 1]), outs[i].shape);
        }
        ctx.outputs = result;
        return result;
    }

    /**
     * The output tangents: from the user's JVP, or else by transposing the backward, which is linear
     * in its seed: J·t is the gradient of ⟨backward(u), t⟩ with respect to the seed u.
     */
    private Tensor[] outputTangents(Context ctx, Tensor[] t) {
        Tensor[] outs = ctx.outputs;
        Tensor[] result;
        if (jvp != null) {
            result = jvp.apply(ctx, t);
        } else {
            if (onceDifferentiable) {
                throw new UnsupportedOperationException(name + ": forward mode needs a JVP (withJvp) because the "
                        + "function was declared once-differentiable, so its backward cannot be transposed");
            }
            Tensor[] seeds = new Tensor[outs.length];
            ctx.node = null;  // every input's gradient is wanted here
            try (Tape tape = Tape.record()) {
                for (int i = 0; i < outs.length; i++) {
                    seeds[i] = Tensor.zeros(outs[i].shape).requiresGrad(true);
                }
                Tensor[] gs = backward.apply(ctx, seeds);
                Tensor inner = null;
                for (int i = 0; i < gs.length && i < t.length; i++) {
                    if (gs[i] != null && t[i] != null) {
                        Tensor term = gs[i].mul(t[i]).sum();
                        inner = inner == null ? term : inner.add(term);
                    }
                }
                if (inner == null || !tape.tracks(inner)) {
                    return new Tensor[outs.length];
                }
                result = tape.createGraph().gradient(inner, seeds);  // recorded: reverse over forward works
            }
        }
        if (result == null || result.length != outs.length) {
            throw new IllegalStateException(name + ": JVP returned " + (result == null ? "null" : result.length + " tangents")
                    + " for " + outs.length + " output" + (outs.length == 1 ? "" : "s"));
        }
        for (int i = 0; i < result.length; i++) {
            if (result[i] != null && !Arrays.equals(result[i].shape, outs[i].shape)) {
                throw new IllegalStateException(name + ": JVP returned a tangent of shape " + Shapes.str(result[i].shape)
                        + " for output " + i + " of shape " + Shapes.str(outs[i].shape));
            }
        }
        return result;
    }

    private Tensor[] callBackward(Context ctx, Node node, Tensor[] gradOutputs) {
        ctx.node = node;
        Tensor[] gs;
        boolean guard = onceDifferentiable && Tape.isRecording();
        try (Tape.Pause p = guard ? Tape.pause() : null) {
            gs = backward.apply(ctx, gradOutputs);
        }
        Tensor[] ins = ctx.inputs;
        if (gs == null || gs.length != ins.length) {
            throw new IllegalStateException(name + ": backward returned " + (gs == null ? "null" : gs.length + " gradients")
                    + " for " + ins.length + " input" + (ins.length == 1 ? "" : "s"));
        }
        for (int i = 0; i < gs.length; i++) {
            if (gs[i] != null && !Arrays.equals(gs[i].shape, ins[i].shape)) {
                throw new IllegalStateException(name + ": backward returned a gradient of shape " + Shapes.str(gs[i].shape)
                        + " for input " + i + " of shape " + Shapes.str(ins[i].shape));
            }
        }
        if (guard) {
            // the gradients depend on the inputs and the incoming gradients through code the tape cannot see
            Tensor[] deps = new Tensor[ins.length + gradOutputs.length];
            System.arraycopy(ins, 0, deps, 0, ins.length);
            System.arraycopy(gradOutputs, 0, deps, ins.length, gradOutputs.length);
            for (int i = 0; i < gs.length; i++) {
                if (gs[i] != null) {
                    gs[i] = onceGuard.finishAll(null, new Tensor(gs[i].data, gs[i].shape), deps);
                }
            }
        }
        return gs;
    }
}
