package dev.kdrl.agent.loop;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Sleeps on a latch, so a stop wakes it without an interrupt (an interrupt would close the history file's
 * channel mid-append). The clock is read again at least every second, so a clock that jumps is followed.
 */
final class ClockSleeper implements Sleeper {
    private final Clock clock;
    private final CountDownLatch woken = new CountDownLatch(1);

    ClockSleeper(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void sleepUntil(Instant until) throws InterruptedException {
        long ms = Duration.between(clock.instant(), until).toMillis();
        while (ms > 0 && woken.getCount() > 0) {
            woken.await(Math.min(ms, 1000), TimeUnit.MILLISECONDS);
            ms = Duration.between(clock.instant(), until).toMillis();
        }
    }

    @Override
    public void wake() {
        woken.countDown();
    }
}
