package dev.kdrl.env.quota;

import dev.kdrl.core.rng.Rng;
import dev.kdrl.env.trace.Trace;
import java.util.Objects;

/**
 * Traffic randomisation for training policies that generalise beyond one recorded trace (a {@link TraceSampler}
 * for {@link SampledTrafficEnv}): each sampled trace is the base trace with every value multiplied by an
 * independent factor uniform in {@code [1 - noise, 1 + noise]}, rounded, and clipped to {@code [min, max]} of its
 * column in the base trace (so each service's load stays in its own recorded range). Drawn from the seed: same seed, same trace.
 */
public final class NoisyTraces implements TraceSampler {
    private final Trace base;
    private final double noise;
    private final double[] lo;
    private final double[] hi;

    /**
     * @param model the model whose services' columns are taken from {@code base}
     * @param noise relative amplitude in [0, 1); 0 replays the base trace
     */
    public NoisyTraces(QuotaModel model, Trace base, double noise) {
        this(model, base, noise, true);
    }

    /**
     * @param noise      relative amplitude in [0, 1); 0 replays the base trace
     * @param perService clip each service to its own column's range (else to the whole trace's, as before 2026-12-07)
     */
    public NoisyTraces(QuotaModel model, Trace base, double noise, boolean perService) {
        if (!(noise >= 0 && noise < 1)) {
            throw new IllegalArgumentException("traffic noise must be in [0, 1), got " + noise);
        }
        this.base = Objects.requireNonNull(base, "trace").select(Objects.requireNonNull(model, "model").serviceNames());
        this.noise = noise;
        this.lo = new double[this.base.numColumns()];
        this.hi = new double[this.base.numColumns()];
        for (int c = 0; c < lo.length; c++) {
            lo[c] = perService ? this.base.min(c) : this.base.min();
            hi[c] = perService ? this.base.max(c) : this.base.max();
        }
    }

    /** The smallest value column {@code c} of a sampled trace takes: its service's range's floor (see the class). */
    public double low(int c) {
        return lo[c];
    }

    /** The largest value column {@code c} of a sampled trace takes: its service's range's ceiling (see the class). */
    public double high(int c) {
        return hi[c];
    }

    /** The base trace with noise drawn from {@code seed} (the base trace itself when the noise is 0). */
    @Override
    public Trace sample(long seed) {
        if (noise == 0) {
            return base;
        }
        Rng rng = Rng.of(seed);
        double[][] rows = new double[base.length()][];
        for (int r = 0; r < rows.length; r++) {
            rows[r] = base.row(r);
            for (int c = 0; c < rows[r].length; c++) {
                double f = 1 + noise * (2 * rng.nextDouble() - 1);
                rows[r][c] = Math.min(hi[c], Math.max(lo[c], Math.rint(rows[r][c] * f)));
            }
        }
        return new Trace(base.source() + "~noise" + noise + "#" + seed, base.columns(), rows);
    }
}
