package dev.kdrl.train.run;

import dev.kdrl.core.rng.Rng;
import dev.kdrl.env.quota.QuotaModel;
import dev.kdrl.env.quota.TraceSampler;
import dev.kdrl.env.trace.Trace;
import java.util.Objects;

/**
 * Training traffic that is partly recorded traffic (a {@link TraceSampler}): each episode draws, from its seed, with
 * probability {@code share} a whole window of a long recorded trace (as many rows as the episode, the first row
 * uniform among the possible ones, the model's columns by name), else the trace of the {@code otherwise} sampler.
 * Real traffic shows a value how load moves where it is sustained (a busy afternoon stays busy for hours), which the
 * synthetic traces, returning to the middle of the range at every fresh draw, do not. Same seed, same trace.
 */
public final class RecordedWindows implements TraceSampler {
    private final Trace recorded;
    private final int length;
    private final double share;
    private final TraceSampler otherwise;

    /**
     * @param recorded  the recorded traffic, with a column for every service of {@code model} and at least
     *                  {@code length} rows
     * @param length    rows per window: the training episode's length
     * @param share     share of episodes played on a window, in (0, 1]
     * @param otherwise the other episodes' traces
     * @throws IllegalArgumentException naming the trace when a column is missing or it is shorter than a window
     */
    public RecordedWindows(QuotaModel model, Trace recorded, int length, double share, TraceSampler otherwise) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(recorded, "recorded");
        if (!(share > 0 && share <= 1)) {
            throw new IllegalArgumentException("--traffic-windows-share must be in (0, 1], got " + share);
        }
        if (length < 1) {
            throw new IllegalArgumentException("window length must be >= 1, got " + length);
        }
        Trace aligned;
        try {
            aligned = recorded.select(model.serviceNames());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--traffic-windows: " + e.getMessage(), e);
        }
        if (aligned.length() < length) {
            throw new IllegalArgumentException("--traffic-windows " + recorded.source() + " has " + aligned.length()
                    + " rows, expected at least " + length + " (one training episode of --trace); --traffic-windows "
                    + "none trains without recorded windows");
        }
        this.recorded = aligned;
        this.length = length;
        this.share = share;
        this.otherwise = Objects.requireNonNull(otherwise, "otherwise");
    }

    /** The trace an episode reset with {@code seed} plays. */
    @Override
    public Trace sample(long seed) {
        Rng rng = Rng.of(seed);
        boolean window = rng.nextDouble() < share;
        long sub = rng.nextSeed();
        if (!window) {
            return otherwise.sample(sub);
        }
        int from = Rng.of(sub).nextInt(0, recorded.length() - length + 1);
        return recorded.slice(from, from + length);
    }
}
