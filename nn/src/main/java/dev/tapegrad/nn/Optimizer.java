package dev.tapegrad.nn;

import dev.tapegrad.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Updates parameters (leaves that want gradients) from their accumulated gradients, in place
 * through {@link Tensor#leafValues()} with plain loops, like PyTorch's {@code optimizer.step()}
 * under {@code no_grad}. Parameters without a gradient are skipped.
 *
 * <p>Gradient clipping is applied inside {@link #step()}, to the gradients the update sees
 * (the stored {@code grad()} tensors are left unchanged): {@link #clipGradNorm(double)} scales all
 * gradients together so that their global L2 norm is at most the limit (PyTorch's
 * {@code clip_grad_norm_}), {@link #clipGradValue(double)} clamps each element (PyTorch's
 * {@code clip_grad_value_}); value clipping comes first when both are set.
 *
 * <pre>{@code
 * Optimizer opt = new Adam(model.parameters(), 1e-3).clipGradNorm(1.0);
 * try (Tape tape = Tape.record()) { tape.backward(loss(model)); }
 * opt.step();
 * opt.zeroGrad();
 * }</pre>
 */
public abstract class Optimizer {
    private final String name;
    private final List<Tensor> params;
    private double learningRate;
    private double maxNorm = Double.POSITIVE_INFINITY;
    private double maxValue = Double.POSITIVE_INFINITY;
    private int steps;
    private double lastGradNorm = Double.NaN;
    private double[][] scratch;

    /**
     * @throws IllegalArgumentException if a parameter is not a leaf that wants gradients, appears
     *                                  twice, or the learning rate is negative or not finite
     */
    protected Optimizer(String name, List<Tensor> parameters, double learningRate) {
        this.name = name;
        Map<Tensor, Boolean> seen = new IdentityHashMap<>();
        List<Tensor> ps = new ArrayList<>();
        for (int i = 0; i < parameters.size(); i++) {
            Tensor p = parameters.get(i);
            if (p == null || !p.isLeaf() || !p.requiresGrad()) {
                throw new IllegalArgumentException(name + ": parameter " + i
                        + " must be a leaf that wants gradients (Tensor.requiresGrad(true))");
            }
            if (seen.put(p, Boolean.TRUE) != null) {
                throw new IllegalArgumentException(name + ": parameter " + i + " appears twice");
            }
            ps.add(p);
        }
        this.params = Collections.unmodifiableList(ps);
        setLearningRate(learningRate);
    }

    /** The parameters this optimizer updates, in the order given. */
    public final List<Tensor> parameters() {
        return params;
    }

    /** The current learning rate. */
    public final double learningRate() {
        return learningRate;
    }

    /**
     * Sets the learning rate used by the next steps (what a {@link LearningRateSchedule} drives).
     *
     * @throws IllegalArgumentException if it is negative or not finite
     */
    public final void setLearningRate(double rate) {
        if (!(rate >= 0) || Double.isInfinite(rate)) {
            throw new IllegalArgumentException(name + ": learning rate " + rate + " must be finite and non-negative");
        }
        this.learningRate = rate;
    }

    /**
     * Clips the global L2 norm of the gradients to {@code maxNorm} in every later step
     * (scale by maxNorm / (norm + 1e−6) when norm &gt; maxNorm, as PyTorch). Returns this.
     */
    public Optimizer clipGradNorm(double maxNorm) {
        if (!(maxNorm > 0)) {
            throw new IllegalArgumentException(name + ": clipGradNorm limit " + maxNorm + " must be positive");
        }
        this.maxNorm = maxNorm;
        return this;
    }

    /** Clamps every gradient element to [−maxValue, maxValue] in every later step. Returns this. */
    public Optimizer clipGradValue(double maxValue) {
        if (!(maxValue > 0)) {
            throw new IllegalArgumentException(name + ": clipGradValue limit " + maxValue + " must be positive");
        }
        this.maxValue = maxValue;
        return this;
    }

    /** Number of steps taken so far. */
    public final int stepCount() {
        return steps;
    }

    /**
     * The global L2 norm of the gradients seen by the last step, before norm clipping (after value
     * clipping); NaN before the first step.
     */
    public final double lastGradNorm() {
        return lastGradNorm;
    }

    /** Applies one update to every parameter that has a gradient. */
    public final void step() {
        double[][] given = new double[params.size()][];
        for (int i = 0; i < given.length; i++) {
            Tensor g = params.get(i).grad();
            if (g != null) {
                given[i] = g.isLeaf() ? g.leafValues() : g.toArray();
            }
        }
        apply(given);
    }

    /**
     * Applies one update with the given gradients instead of the accumulated {@code grad()}s, for
     * example the sum of the gradients of several data-parallel workers. Clipping applies as in
     * {@link #step()}; the arrays are only read.
     *
     * @param gradients one array per parameter, in the order of {@link #parameters()}, each of its
     *                  parameter's size; a null entry skips that parameter
     * @throws IllegalArgumentException if the count or a size differs
     */
    public final void step(double[][] gradients) {
        if (gradients.length != params.size()) {
            throw new IllegalArgumentException(name + ".step: " + gradients.length + " gradients for "
                    + params.size() + " parameters");
        }
        for (int i = 0; i < gradients.length; i++) {
            if (gradients[i] != null && gradients[i].length != params.get(i).size()) {
                throw new IllegalArgumentException(name + ".step: gradient " + i + " has " + gradients[i].length
                        + " values, parameter " + i + " of shape " + java.util.Arrays.toString(params.get(i).shape())
                        + " has " + params.get(i).size());
            }
        }
        apply(gradients.clone());
    }

    private void apply(double[][] grads) {
        int n = params.size();
        boolean clip = maxNorm != Double.POSITIVE_INFINITY || maxValue != Double.POSITIVE_INFINITY;
        if (clip && scratch == null) {
            scratch = new double[n][];
        }
        double sumSq = 0;
        for (int i = 0; i < n; i++) {
            double[] gv = grads[i];
            if (gv == null) {
                continue;
            }
            if (clip) {
                // Copy: a gradient array may be shared with another tensor, so it is never written.
                if (scratch[i] == null || scratch[i].length != gv.length) {
                    scratch[i] = new double[gv.length];
                }
                double[] s = scratch[i];
                for (int k = 0; k < gv.length; k++) {
                    s[k] = Math.max(-maxValue, Math.min(maxValue, gv[k]));
                }
                gv = s;
            }
            for (double v : gv) {
                sumSq += v * v;
            }
            grads[i] = gv;
        }
        double norm = Math.sqrt(sumSq);
        lastGradNorm = norm;
        if (norm > maxNorm) {
            double scale = maxNorm / (norm + 1e-6);
            for (double[] gv : grads) {
                if (gv != null) {
                    for (int k = 0; k < gv.length; k++) {
                        gv[k] *= scale;
                    }
                }
            }
        }
        steps++;
        for (int i = 0; i < n; i++) {
            if (grads[i] != null) {
                update(i, params.get(i).leafValues(), grads[i]);
            }
        }
    }

    /**
     * Updates parameter {@code index} in place. {@code step} counts from 1 ({@link #stepCount()}).
     *
     * @param index position of the parameter in {@link #parameters()} (for per-parameter state)
     * @param w     the parameter's values, to be updated in place
     * @param g     its gradient (after clipping); read only
     */
    protected abstract void update(int index, double[] w, double[] g);

    /** Per-parameter state arrays of the parameters' sizes, zero-filled, created on first use. */
    protected final double[] state(double[][] table, int index) {
        if (table[index] == null) {
            table[index] = new double[params.get(index).size()];
        }
        return table[index];
    }

    /**
     * The optimizer's per-parameter state tables by name (Adam's {@code m} and {@code v}, SGD's
     * momentum buffers, ...), for {@link #state()} and {@link #loadState}. A table holds one array
     * per parameter, null until the parameter's first update. Optimizers with state override this.
     *
     * @return the live tables (not copies)
     */
    protected Map<String, double[][]> stateTables() {
        return Map.of();
    }

    /**
     * A copy of everything the next steps depend on besides the parameters and the options: the
     * per-parameter state under {@code "<table>.<parameter index>"} (entries not yet created are
     * left out). With {@link #stepCount()} and {@link #learningRate()} this is what a checkpoint
     * needs to continue bit-identically.
     *
     * @return the state, in a fixed order
     */
    public final Map<String, double[]> state() {
        Map<String, double[]> out = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, double[][]> t : new java.util.TreeMap<>(stateTables()).entrySet()) {
            for (int i = 0; i < t.getValue().length; i++) {
                if (t.getValue()[i] != null) {
                    out.put(t.getKey() + "." + i, t.getValue()[i].clone());
                }
            }
        }
        return out;
    }

    /**
     * Restores what {@link #state()} returned (and the step count), replacing the current state.
     * Everything is checked before anything changes.
     *
     * @param stepCount the number of steps taken, as {@link #stepCount()} returned it
     * @param state     the state, as {@link #state()} returned it
     * @throws IllegalArgumentException naming the entry if an entry's table or parameter does not
     *                                  exist or its length is not the parameter's size
     */
    public final void loadState(int stepCount, Map<String, double[]> state) {
        if (stepCount < 0) {
            throw new IllegalArgumentException(name + ".loadState: step count " + stepCount + " is negative");
        }
        Map<String, double[][]> tables = stateTables();
        for (Map.Entry<String, double[]> e : state.entrySet()) {
            int dot = e.getKey().lastIndexOf('.');
            double[][] table = dot < 0 ? null : tables.get(e.getKey().substring(0, dot));
            int index;
            try {
                index = dot < 0 ? -1 : Integer.parseInt(e.getKey().substring(dot + 1));
            } catch (NumberFormatException nfe) {
                index = -1;
            }
            if (table == null || index < 0 || index >= params.size()) {
                throw new IllegalArgumentException(name + ".loadState: no state entry '" + e.getKey() + "' in this optimizer"
                        + " (tables " + new java.util.TreeSet<>(tables.keySet()) + ", " + params.size() + " parameters)");
            }
            if (e.getValue().length != params.get(index).size()) {
                throw new IllegalArgumentException(name + ".loadState: entry '" + e.getKey() + "' holds " + e.getValue().length
                        + " values but parameter " + index + " has " + params.get(index).size());
            }
        }
        for (double[][] table : tables.values()) {
            java.util.Arrays.fill(table, null);
        }
        for (Map.Entry<String, double[]> e : state.entrySet()) {
            int dot = e.getKey().lastIndexOf('.');
            tables.get(e.getKey().substring(0, dot))[Integer.parseInt(e.getKey().substring(dot + 1))] = e.getValue().clone();
        }
        this.steps = stepCount;
    }

    /** Forgets the gradient of every parameter. */
    public final void zeroGrad() {
        for (Tensor p : params) {
            p.zeroGrad();
        }
    }

    /** Global L2 norm of the parameters' gradients (missing gradients count as zero). */
    public static double gradNorm(List<Tensor> parameters) {
        double s = 0;
        for (Tensor p : parameters) {
            Tensor g = p.grad();
            if (g != null) {
                for (double v : g.isLeaf() ? g.leafValues() : g.toArray()) {
                    s += v * v;
                }
            }
        }
        return Math.sqrt(s);
    }

    static void checkNonNegative(String name, String what, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(name + ": " + what + " " + v + " must be finite and non-negative");
        }
    }

    static void checkBeta(String name, String what, double v) {
        if (!(v >= 0 && v < 1)) {
            throw new IllegalArgumentException(name + ": " + what + " " + v + " must be in [0, 1)");
        }
    }

    @Override
    public String toString() {
        return name + "(lr=" + learningRate + ", " + params.size() + " parameters"
                + (maxNorm < Double.POSITIVE_INFINITY ? ", clipNorm=" + maxNorm : "")
                + (maxValue < Double.POSITIVE_INFINITY ? ", clipValue=" + maxValue : "") + ")";
    }
}
