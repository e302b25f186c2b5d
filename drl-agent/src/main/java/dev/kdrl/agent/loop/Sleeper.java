package dev.kdrl.agent.loop;

import java.time.Clock;

/**
 * How the loop waits for the next cycle's time on its clock: {@link #of(Clock)} really waits; a test moves a
 * fake clock instead.
 */
public interface Sleeper {

    /** Returns once {@code until} has come on the loop's clock, or earlier after {@link #wake()}. */
    void sleepUntil(java.time.Instant until) throws InterruptedException;

    /** A stop was asked: ends the sleep in progress, and every later one returns at once. */
    void wake();

    /** Waits on {@code clock} for real, on a latch that {@link #wake()} opens. */
    static Sleeper of(Clock clock) {
        return new ClockSleeper(clock);
    }
}
