package dev.kdrl.train.run;

import dev.kdrl.core.env.Env;
import dev.kdrl.core.env.StepResult;
import dev.kdrl.core.rng.Rng;
import dev.kdrl.core.space.Box;
import dev.kdrl.core.space.MultiDiscrete;
import dev.kdrl.env.quota.QuotaEnv;
import dev.kdrl.env.quota.QuotaModel;
import dev.kdrl.env.quota.RandomizedTrafficEnv;
import dev.kdrl.env.trace.Trace;
import java.util.Objects;

/**
 * Training episodes over a mixture of traffic: every {@link #reset(long)} draws, from the reset seed,
 * either (with probability {@code uniformShare}) a synthetic trace as long as the base trace whose every
 * value is an integer uniform in {@code [min, max]} of the base trace, or the base trace with
 * multiplicative noise (see {@link RandomizedTrafficEnv}; noise 0 replays it as recorded). The synthetic
 * episodes show the policy traffic combinations and state/traffic pairs the one recorded trace never
 * contains. With {@code persistence} p > 0 a synthetic trace is autocorrelated like real traffic: each
 * service draws a persistence {@code rho} uniform in {@code [0, p]} per episode, and each period keeps the
 * previous period's value (times a factor uniform in [0.9, 1.1], rounded and clipped) with probability
 * {@code rho}, else draws a fresh uniform value; the values stay uniform in the range, only their order
 * changes. Same seed, same episode.
 */
public final class MixedTrafficEnv implements Env<double[], int[]> {
    private final QuotaModel model;
    private final Trace base;
    private final RandomizedTrafficEnv noisy;
    private final double uniformShare;
    private final double persistence;
    private final int lo;
    private final int hi;
    private QuotaEnv current;

    /**
     * @param noise        relative amplitude of the noise on the base trace, in [0, 1)
     * @param uniformShare share of episodes on a uniform synthetic trace, in [0, 1]
     */
    public MixedTrafficEnv(QuotaModel model, Trace base, double noise, double uniformShare) {
        this(model, base, noise, uniformShare, 0);
    }

    /**
     * @param noise        relative amplitude of the noise on the base trace, in [0, 1)
     * @param uniformShare share of episodes on a uniform synthetic trace, in [0, 1]
     * @param persistence  largest per-service probability that a synthetic period repeats the previous one, in [0, 1)
     */
    public MixedTrafficEnv(QuotaModel model, Trace base, double noise, double uniformShare, double persistence) {
        if (!(uniformShare >= 0 && uniformShare <= 1)) {
            throw new IllegalArgumentException("uniform traffic share must be in [0, 1], got " + uniformShare);
        }
        if (!(persistence >= 0 && persistence < 1)) {
            throw new IllegalArgumentException("traffic persistence must be in [0, 1), got " + persistence);
        }
        this.persistence = persistence;
        this.model = Objects.requireNonNull(model, "model");
        this.base = Objects.requireNonNull(base, "trace").select(model.serviceNames());
        this.noisy = new RandomizedTrafficEnv(model, base, noise);
        this.uniformShare = uniformShare;
        this.lo = (int) Math.ceil(this.base.min());
        this.hi = Math.max(lo, (int) Math.floor(this.base.max()));
    }

    @Override
    public Box observationSpace() {
        return noisy.observationSpace();
    }

    @Override
    public MultiDiscrete actionSpace() {
        return noisy.actionSpace();
    }

    @Override
    public double[] reset(long seed) {
        current = new QuotaEnv(model, variant(seed));
        return current.reset(seed);
    }

    /** The trace an episode reset with {@code seed} plays. */
    public Trace variant(long seed) {
        Rng rng = Rng.of(seed);
        boolean uniform = rng.nextDouble() < uniformShare;
        long sub = rng.nextSeed();
        if (!uniform) {
            return noisy.variant(sub);
        }
        Rng values = Rng.of(sub);
        double[][] rows = new double[base.length()][base.numColumns()];
        double[] rho = new double[base.numColumns()];
        for (int c = 0; c < rho.length && persistence > 0; c++) {
            rho[c] = persistence * values.nextDouble();
        }
        for (int r = 0; r < rows.length; r++) {
            for (int c = 0; c < rows[r].length; c++) {
                if (r > 0 && persistence > 0 && values.nextDouble() < rho[c]) {
                    double f = 0.9 + 0.2 * values.nextDouble();
                    rows[r][c] = Math.min(hi, Math.max(lo, Math.rint(rows[r - 1][c] * f)));
                } else {
                    rows[r][c] = values.nextInt(lo, hi + 1);
                }
            }
        }
        return new Trace(base.source() + "~uniform#" + seed, base.columns(), rows);
    }

    @Override
    public StepResult<double[]> step(int[] action) {
        if (current == null) {
            throw new IllegalStateException("step called before reset");
        }
        return current.step(action);
    }
}
