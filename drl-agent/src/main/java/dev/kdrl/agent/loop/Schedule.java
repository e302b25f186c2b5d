package dev.kdrl.agent.loop;

import java.time.Duration;
import java.time.Instant;

/**
 * Cycle times: every {@code period}, {@code offset} past each multiple of the period since the epoch
 * (period 120 s, offset 55 s: 00:00:55, 00:02:55, 00:04:55, ... UTC), as the published agent ran 5 s
 * before its load generator changed the load.
 */
public record Schedule(Duration period, Duration offset) {
    /** The longest period: one day (as {@code schedule.period} is bounded), so no arithmetic here can overflow. */
    public static final Duration MAX_PERIOD = Duration.ofDays(1);

    public Schedule {
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("period must be > 0, got " + period);
        }
        if (period.compareTo(MAX_PERIOD) > 0) {
            throw new IllegalArgumentException("period must be <= " + MAX_PERIOD + ", got " + period);
        }
        if (offset.isNegative() || offset.compareTo(period) >= 0) {
            throw new IllegalArgumentException("offset must be in [0, period), got " + offset);
        }
    }

    /** The first cycle time strictly after {@code after}. */
    public Instant next(Instant after) {
        long p = period.toNanos();
        long o = offset.toNanos();
        // work in nanoseconds since the epoch: fine until the year 2262; past that (or before 1677) the exact
        // arithmetic throws instead of wrapping round to a time in the past
        long t = Math.addExact(Math.multiplyExact(after.getEpochSecond(), 1_000_000_000L), after.getNano());
        long k = Math.floorDiv(Math.subtractExact(t, o), p) + 1;
        long next = Math.addExact(Math.multiplyExact(k, p), o);
        return Instant.ofEpochSecond(Math.floorDiv(next, 1_000_000_000L), Math.floorMod(next, 1_000_000_000L));
    }
}
