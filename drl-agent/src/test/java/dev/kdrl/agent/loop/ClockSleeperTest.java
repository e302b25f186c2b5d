package dev.kdrl.agent.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ClockSleeperTest {

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void aTimeAlreadyPastReturnsAtOnce() {
        Clock fixed = Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);
        Sleeper sleeper = Sleeper.of(fixed);
        assertThatCode(() -> sleeper.sleepUntil(Instant.parse("2026-11-22T09:59:00Z"))).doesNotThrowAnyException();
        assertThatCode(() -> sleeper.sleepUntil(fixed.instant())).doesNotThrowAnyException();
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void wakeEndsASleepAndEveryLaterOne() throws Exception {
        Clock clock = Clock.systemUTC();
        Sleeper sleeper = Sleeper.of(clock);
        Instant inAnHour = clock.instant().plus(Duration.ofHours(1));
        Thread t = new Thread(() -> {
            try {
                sleeper.sleepUntil(inAnHour);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        t.start();
        sleeper.wake();
        t.join();
        // a stopped loop that asks to sleep again is not held
        long start = System.nanoTime();
        sleeper.sleepUntil(inAnHour);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    }
}
