package dev.kdrl.agent.loop;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A clock that moves only when told, and a {@link Sleeper} that "sleeps" by moving it to the instant waited
 * for: the loop runs through hours of schedule in microseconds, and every wait is recorded.
 */
final class FakeTime extends Clock implements Sleeper {
    private Instant now;
    private boolean woken;
    /** Every instant the loop waited for, in order. */
    final List<Instant> waits = new ArrayList<>();
    /** Runs after each sleep, with the clock at its end (e.g. to change leadership or to stop). */
    Consumer<Instant> afterSleep = t -> { };

    FakeTime(Instant start) {
        this.now = start;
    }

    /** Moves the clock forward, as a cycle that takes {@code d} would. */
    void advance(Duration d) {
        now = now.plus(d);
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void sleepUntil(Instant until) {
        waits.add(until);
        if (!woken && until.isAfter(now)) {
            now = until;
        }
        afterSleep.accept(now);
    }

    @Override
    public void wake() {
        woken = true;
    }
}
