package dev.tapegrad.nn;

/**
 * A learning rate as a function of the step (an epoch or an iteration, as the caller counts,
 * from 0). Schedules are pure functions, so a training loop sets
 * {@code optimizer.setLearningRate(schedule.rate(epoch))} (or calls {@link #apply}) whenever it
 * likes, and restarting at any step gives the same rates.
 *
 * <pre>{@code
 * LearningRateSchedule s = LearningRateSchedule.linearWarmup(5, LearningRateSchedule.cosine(1e-3, 45, 1e-5));
 * for (int epoch = 0; epoch < 50; epoch++) { s.apply(opt, epoch); ... }
 * }</pre>
 */
@FunctionalInterface
public interface LearningRateSchedule {

    /** The learning rate at {@code step} (≥ 0). */
    double rate(int step);

    /** Sets {@code optimizer}'s learning rate to {@link #rate(int) rate(step)}. */
    default void apply(Optimizer optimizer, int step) {
        optimizer.setLearningRate(rate(step));
    }

    /** Always {@code rate}. */
    static LearningRateSchedule constant(double rate) {
        check("constant", rate);
        return step -> rate;
    }

    /** {@code rate · γ^⌊step / stepSize⌋} (PyTorch's StepLR). */
    static LearningRateSchedule step(double rate, int stepSize, double gamma) {
        check("step", rate);
        if (stepSize <= 0 || !(gamma >= 0)) {
            throw new IllegalArgumentException("LearningRateSchedule.step: stepSize " + stepSize
                    + " must be positive and gamma " + gamma + " non-negative");
        }
        return step -> rate * Math.pow(gamma, Math.floorDiv(step, stepSize));
    }

    /** {@code rate · γ^step} (PyTorch's ExponentialLR). */
    static LearningRateSchedule exponential(double rate, double gamma) {
        check("exponential", rate);
        if (!(gamma >= 0)) {
            throw new IllegalArgumentException("LearningRateSchedule.exponential: gamma " + gamma + " must be non-negative");
        }
        return step -> rate * Math.pow(gamma, step);
    }

    /**
     * Cosine annealing from {@code rate} at step 0 to {@code minRate} at {@code totalSteps} and
     * after: minRate + (rate − minRate)(1 + cos(π·t/T))/2 (PyTorch's CosineAnnealingLR, one half
     * period).
     */
    static LearningRateSchedule cosine(double rate, int totalSteps, double minRate) {
        check("cosine", rate);
        check("cosine", minRate);
        if (totalSteps <= 0) {
            throw new IllegalArgumentException("LearningRateSchedule.cosine: totalSteps " + totalSteps + " must be positive");
        }
        return step -> minRate + (rate - minRate) * (1 + Math.cos(Math.PI * Math.min(step, totalSteps) / totalSteps)) / 2;
    }

    /**
     * Linear warm-up: {@code after.rate(0) · (step + 1) / warmupSteps} for the first
     * {@code warmupSteps} steps (reaching the full rate on the last of them), then
     * {@code after.rate(step − warmupSteps)}.
     */
    static LearningRateSchedule linearWarmup(int warmupSteps, LearningRateSchedule after) {
        if (warmupSteps < 0) {
            throw new IllegalArgumentException("LearningRateSchedule.linearWarmup: warmupSteps " + warmupSteps + " must be ≥ 0");
        }
        return step -> step < warmupSteps ? after.rate(0) * (step + 1) / warmupSteps : after.rate(step - warmupSteps);
    }

    private static void check(String name, double rate) {
        if (!(rate >= 0) || Double.isInfinite(rate)) {
            throw new IllegalArgumentException("LearningRateSchedule." + name + ": rate " + rate + " must be finite and non-negative");
        }
    }
}
