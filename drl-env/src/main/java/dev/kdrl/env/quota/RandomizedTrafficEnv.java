package dev.kdrl.env.quota;

import dev.kdrl.core.env.Env;
import dev.kdrl.core.env.StepResult;
import dev.kdrl.core.rng.Rng;
import dev.kdrl.core.space.Box;
import dev.kdrl.core.space.MultiDiscrete;
import dev.kdrl.env.trace.Trace;
import java.util.Objects;

/**
 * Traffic randomisation for training policies that generalise beyond one recorded trace: every
 * {@link #reset(long)} plays an episode of the model over a fresh variant of the base trace, each value
 * multiplied by an independent factor uniform in {@code [1 - noise, 1 + noise]}, rounded, and clipped to
 * {@code [min, max]} of the base trace (so the observation space stays the same). The variant is drawn
 * from the reset seed: same seed, same episode.
 */
public final class RandomizedTrafficEnv implements Env<double[], int[]> {
    private final QuotaModel model;
    private final Trace base;
    private final double noise;
    private final double lo;
    private final double hi;
    private final MultiDiscrete actionSpace;
    private final Box observationSpace;
    private QuotaEnv current;

    /**
     * @param noise relative amplitude in [0, 1); 0 replays the base trace
     */
    public RandomizedTrafficEnv(QuotaModel model, Trace base, double noise) {
        if (!(noise >= 0 && noise < 1)) {
            throw new IllegalArgumentException("traffic noise must be in [0, 1), got " + noise);
        }
        this.model = Objects.requireNonNull(model, "model");
        this.base = Objects.requireNonNull(base, "trace").select(model.serviceNames());
        this.noise = noise;
        this.lo = this.base.min();
        this.hi = this.base.max();
        this.actionSpace = model.actionSpace();
        this.observationSpace = model.observationSpace();
    }

    @Override
    public Box observationSpace() {
        return observationSpace;
    }

    @Override
    public MultiDiscrete actionSpace() {
        return actionSpace;
    }

    @Override
    public double[] reset(long seed) {
        current = new QuotaEnv(model, variant(seed));
        return current.reset(seed);
    }

    /** The trace variant an episode reset with {@code seed} plays. */
    public Trace variant(long seed) {
        if (noise == 0) {
            return base;
        }
        Rng rng = Rng.of(seed);
        double[][] rows = new double[base.length()][];
        for (int r = 0; r < rows.length; r++) {
            rows[r] = base.row(r);
            for (int c = 0; c < rows[r].length; c++) {
                double f = 1 + noise * (2 * rng.nextDouble() - 1);
                rows[r][c] = Math.min(hi, Math.max(lo, Math.rint(rows[r][c] * f)));
            }
        }
        return new Trace(base.source() + "~noise" + noise + "#" + seed, base.columns(), rows);
    }

    @Override
    public StepResult<double[]> step(int[] action) {
        if (current == null) {
            throw new IllegalStateException("step called before reset");
        }
        return current.step(action);
    }

    /** The environment of the current episode; {@code null} before the first reset. */
    public QuotaEnv current() {
        return current;
    }
}
