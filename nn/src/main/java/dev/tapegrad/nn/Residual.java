package dev.tapegrad.nn;

import dev.tapegrad.Tensor;
import java.util.Arrays;
import java.util.Objects;

/**
 * A skip connection (He et al., 2016): {@code y = body(x) + shortcut(x)}, with the identity as the
 * default shortcut. The body's parameters are named {@code body.*} and the shortcut's
 * {@code shortcut.*}.
 *
 * <pre>{@code
 * Module block = new Residual(new Sequential(new Linear(64, 64, rng), Activation.relu(), new Linear(64, 64, rng)));
 * Module down  = new Residual(new Linear(64, 32, rng), new Linear(64, 32, false, rng));   // projection shortcut
 * }</pre>
 */
public final class Residual extends Module {
    private final Module body;
    private final Module shortcut;

    /** {@code x + body(x)}; the body must keep the shape. */
    public Residual(Module body) {
        this.body = registerModule("body", Objects.requireNonNull(body, "Residual: body is null"));
        this.shortcut = null;
    }

    /** {@code body(x) + shortcut(x)}; both must give the same shape. */
    public Residual(Module body, Module shortcut) {
        this.body = registerModule("body", Objects.requireNonNull(body, "Residual: body is null"));
        this.shortcut = registerModule("shortcut", Objects.requireNonNull(shortcut, "Residual: shortcut is null"));
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor y = body.forward(x);
        Tensor s = shortcut == null ? x : shortcut.forward(x);
        if (!Arrays.equals(y.shape(), s.shape())) {
            throw new IllegalArgumentException("Residual: body output of shape " + Arrays.toString(y.shape())
                    + " and " + (shortcut == null ? "input" : "shortcut output") + " of shape "
                    + Arrays.toString(s.shape()) + " differ (input " + Arrays.toString(x.shape()) + ")");
        }
        return y.add(s);
    }
}
