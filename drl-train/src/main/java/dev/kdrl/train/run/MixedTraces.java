package dev.kdrl.train.run;

import dev.kdrl.core.rng.Rng;
import dev.kdrl.env.quota.NoisyTraces;
import dev.kdrl.env.quota.QuotaModel;
import dev.kdrl.env.quota.SampledTrafficEnv;
import dev.kdrl.env.quota.TraceSampler;
import dev.kdrl.env.trace.Trace;
import java.util.Objects;

/**
 * Training traffic as a mixture (a {@link TraceSampler} for {@link SampledTrafficEnv}): each sample draws, from the
 * seed, either (with probability {@code uniformShare}) a synthetic trace as long as the base trace whose every
 * value is an integer uniform in {@code [min, max]} of its service's column in the base trace (each service in its
 * own recorded range, so services of different scales keep theirs), or the base trace with
 * multiplicative noise (see {@link NoisyTraces}; noise 0 replays it as recorded). The synthetic
 * episodes show the policy traffic combinations and state/traffic pairs the one recorded trace never
 * contains. With {@code persistence} p > 0 a synthetic trace is autocorrelated like real traffic: each
 * service draws a persistence {@code rho} uniform in {@code [0, p]} per episode, and each period keeps the
 * previous period's value (times a factor uniform in [0.9, 1.1], rounded and clipped) with probability
 * {@code rho}, else draws a fresh uniform value; the values stay uniform in the range, only their order
 * changes. With {@code rangeJitter} j &gt; 0 each service of a synthetic trace draws its own range per episode, a
 * sub-range of {@code [min, max]} whose width is {@code (max - min) * (1 - j * u)} for {@code u} uniform in
 * {@code [0, 1)}, placed uniformly: episodes then differ in their load's mean and spread as well as in its
 * persistence (for a value that reads the traffic's statistics). With {@code plainShare} s &gt; 0 that share of the
 * synthetic traces is drawn as the base trace's range itself is, neither persistent nor jittered: every value an
 * independent integer uniform in {@code [min, max]} (so that the paper's own kind of traffic, which a persistence and a
 * range drawn per service per episode almost never give all three services at once, stays in the training). With
 * {@code rangeMargin} m &gt; 0 every synthetic range is first widened at each end by m times its width (not below 0
 * users), so that the policy also learns loads a little beyond the recorded ones. Same seed, same trace; a share or
 * margin of 0 draws exactly what the constructors without it draw.
 */
public final class MixedTraces implements TraceSampler {
    private final Trace base;
    private final NoisyTraces noisy;
    private final double uniformShare;
    private final double persistence;
    private final double rangeJitter;
    private final double plainShare;
    /** Each service's range in the base trace, whole users. */
    private final int[] lo;
    private final int[] hi;

    /**
     * @param noise        relative amplitude of the noise on the base trace, in [0, 1)
     * @param uniformShare share of episodes on a uniform synthetic trace, in [0, 1]
     */
    public MixedTraces(QuotaModel model, Trace base, double noise, double uniformShare) {
        this(model, base, noise, uniformShare, 0);
    }

    /**
     * @param noise        relative amplitude of the noise on the base trace, in [0, 1)
     * @param uniformShare share of episodes on a uniform synthetic trace, in [0, 1]
     * @param persistence  largest per-service probability that a synthetic period repeats the previous one, in [0, 1)
     */
    public MixedTraces(QuotaModel model, Trace base, double noise, double uniformShare, double persistence) {
        this(model, base, noise, uniformShare, persistence, 0);
    }

    /**
     * @param noise        relative amplitude of the noise on the base trace, in [0, 1)
     * @param uniformShare share of episodes on a uniform synthetic trace, in [0, 1]
     * @param persistence  largest per-service probability that a synthetic period repeats the previous one, in [0, 1)
     * @param rangeJitter  largest share of the range a synthetic service's own range leaves out, in [0, 1)
     */
    public MixedTraces(QuotaModel model, Trace base, double noise, double uniformShare, double persistence,
                       double rangeJitter) {
        this(model, base, noise, uniformShare, persistence, rangeJitter, 0);
    }

    /**
     * @param noise        relative amplitude of the noise on the base trace, in [0, 1)
     * @param uniformShare share of episodes on a uniform synthetic trace, in [0, 1]
     * @param persistence  largest per-service probability that a synthetic period repeats the previous one, in [0, 1)
     * @param rangeJitter  largest share of the range a synthetic service's own range leaves out, in [0, 1)
     * @param plainShare   share of the synthetic traces drawn independent and uniform in the whole range, in [0, 1]
     */
    public MixedTraces(QuotaModel model, Trace base, double noise, double uniformShare, double persistence,
                       double rangeJitter, double plainShare) {
        this(model, base, noise, uniformShare, persistence, rangeJitter, plainShare, true);
    }

    /**
     * @param noise        relative amplitude of the noise on the base trace, in [0, 1)
     * @param uniformShare share of episodes on a uniform synthetic trace, in [0, 1]
     * @param persistence  largest per-service probability that a synthetic period repeats the previous one, in [0, 1)
     * @param rangeJitter  largest share of the range a synthetic service's own range leaves out, in [0, 1)
     * @param plainShare   share of the synthetic traces drawn independent and uniform in the whole range, in [0, 1]
     * @param perService   each service in its own column's range (else every service in the whole trace's range, as
     *                     before 2026-12-07: the same draws as then)
     */
    public MixedTraces(QuotaModel model, Trace base, double noise, double uniformShare, double persistence,
                       double rangeJitter, double plainShare, boolean perService) {
        this(model, base, noise, uniformShare, persistence, rangeJitter, plainShare, perService, 0);
    }

    /**
     * @param noise        relative amplitude of the noise on the base trace, in [0, 1)
     * @param uniformShare share of episodes on a uniform synthetic trace, in [0, 1]
     * @param persistence  largest per-service probability that a synthetic period repeats the previous one, in [0, 1)
     * @param rangeJitter  largest share of the range a synthetic service's own range leaves out, in [0, 1)
     * @param plainShare   share of the synthetic traces drawn independent and uniform in the whole range, in [0, 1]
     * @param perService   each service in its own column's range (else every service in the whole trace's range, as
     *                     before 2026-12-07: the same draws as then)
     * @param rangeMargin  the synthetic range widened at each end by this share of its width (not below 0 users), in
     *                     [0, 1]; 0 draws exactly what the constructors without it draw
     */
    public MixedTraces(QuotaModel model, Trace base, double noise, double uniformShare, double persistence,
                       double rangeJitter, double plainShare, boolean perService, double rangeMargin) {
        if (!(rangeMargin >= 0 && rangeMargin <= 1)) {
            throw new IllegalArgumentException("traffic range margin must be in [0, 1], got " + rangeMargin);
        }
        if (!(plainShare >= 0 && plainShare <= 1)) {
            throw new IllegalArgumentException("plain traffic share must be in [0, 1], got " + plainShare);
        }
        this.plainShare = plainShare;
        if (!(rangeJitter >= 0 && rangeJitter < 1)) {
            throw new IllegalArgumentException("traffic range jitter must be in [0, 1), got " + rangeJitter);
        }
        this.rangeJitter = rangeJitter;
        if (!(uniformShare >= 0 && uniformShare <= 1)) {
            throw new IllegalArgumentException("uniform traffic share must be in [0, 1], got " + uniformShare);
        }
        if (!(persistence >= 0 && persistence < 1)) {
            throw new IllegalArgumentException("traffic persistence must be in [0, 1), got " + persistence);
        }
        this.persistence = persistence;
        this.base = Objects.requireNonNull(base, "trace").select(Objects.requireNonNull(model, "model").serviceNames());
        this.noisy = new NoisyTraces(model, base, noise, perService);
        this.uniformShare = uniformShare;
        this.lo = new int[this.base.numColumns()];
        this.hi = new int[this.base.numColumns()];
        for (int c = 0; c < lo.length; c++) { // the noisy traces' ranges, widened by the margin, whole users
            double[] range = widened(noisy.low(c), noisy.high(c), rangeMargin);
            lo[c] = (int) range[0];
            hi[c] = (int) range[1];
        }
    }

    /**
     * The range a synthetic service draws in, whole users: {@code [low, high]} widened at each end by {@code margin}
     * times its width, not below 0, its floor rounded up and its ceiling down (never below the floor).
     */
    static double[] widened(double low, double high, double margin) {
        double pad = margin * (high - low);
        int from = (int) Math.ceil(Math.max(0, low - pad));
        int to = Math.max(from, (int) Math.floor(high + pad));
        return new double[] {from, to};
    }

    /** The trace an episode reset with {@code seed} plays. */
    @Override
    public Trace sample(long seed) {
        Rng rng = Rng.of(seed);
        boolean uniform = rng.nextDouble() < uniformShare;
        long sub = rng.nextSeed();
        if (!uniform) {
            return noisy.sample(sub);
        }
        // drawn only with a share, so that a share of 0 leaves every other draw where it was
        boolean plain = plainShare > 0 && rng.nextDouble() < plainShare;
        double persistence = plain ? 0 : this.persistence;
        double rangeJitter = plain ? 0 : this.rangeJitter;
        Rng values = Rng.of(sub);
        double[][] rows = new double[base.length()][base.numColumns()];
        double[] rho = new double[base.numColumns()];
        for (int c = 0; c < rho.length && persistence > 0; c++) {
            rho[c] = persistence * values.nextDouble();
        }
        int[] from = new int[rho.length];
        int[] to = new int[rho.length];
        for (int c = 0; c < rho.length; c++) {
            from[c] = lo[c];
            to[c] = hi[c];
            if (rangeJitter > 0) {
                int width = (int) Math.round((hi[c] - lo[c]) * (1 - rangeJitter * values.nextDouble()));
                from[c] = lo[c] + values.nextInt(0, hi[c] - lo[c] - width + 1);
                to[c] = from[c] + width;
            }
        }
        for (int r = 0; r < rows.length; r++) {
            for (int c = 0; c < rows[r].length; c++) {
                if (r > 0 && persistence > 0 && values.nextDouble() < rho[c]) {
                    double f = 0.9 + 0.2 * values.nextDouble();
                    rows[r][c] = Math.min(to[c], Math.max(from[c], Math.rint(rows[r - 1][c] * f)));
                } else {
                    rows[r][c] = values.nextInt(from[c], to[c] + 1);
                }
            }
        }
        return new Trace(base.source() + "~uniform#" + seed, base.columns(), rows);
    }
}
