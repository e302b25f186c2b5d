package dev.kdrl.agent.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ScheduleTest {

    @Test
    void firesAtTheOffsetOfEveryPeriod() {
        Schedule s = new Schedule(Duration.ofSeconds(120), Duration.ofSeconds(55));
        assertThat(s.next(Instant.parse("2026-11-22T10:00:00Z"))).isEqualTo("2026-11-22T10:00:55Z");
        assertThat(s.next(Instant.parse("2026-11-22T10:00:55Z"))).isEqualTo("2026-11-22T10:02:55Z");
        assertThat(s.next(Instant.parse("2026-11-22T10:00:54.999Z"))).isEqualTo("2026-11-22T10:00:55Z");
        assertThat(s.next(Instant.parse("2026-11-22T10:01:30Z"))).isEqualTo("2026-11-22T10:02:55Z");
    }

    @Test
    void subSecondPeriods() {
        Schedule s = new Schedule(Duration.ofMillis(500), Duration.ofMillis(100));
        assertThat(s.next(Instant.parse("2026-11-22T10:00:00.350Z"))).isEqualTo("2026-11-22T10:00:00.600Z");
    }

    @Test
    void validates() {
        assertThatThrownBy(() -> new Schedule(Duration.ZERO, Duration.ZERO)).hasMessageContaining("period");
        assertThatThrownBy(() -> new Schedule(Duration.ofSeconds(10), Duration.ofSeconds(10)))
                .hasMessageContaining("offset");
    }

    @Test
    void periodsLongerThanADayAreRefusedAndNothingOverflows() {
        assertThatThrownBy(() -> new Schedule(Duration.ofNanos(Long.MAX_VALUE), Duration.ofSeconds(55)))
                .hasMessageContaining("period must be <= PT24H");
        Schedule day = new Schedule(Duration.ofDays(1), Duration.ofHours(23));
        assertThat(day.next(Instant.parse("2026-11-22T10:00:00Z"))).isEqualTo("2026-11-22T23:00:00Z");
        // past the nanosecond range: an exception, never a time wrapped round into the past
        assertThatThrownBy(() -> day.next(Instant.parse("2262-04-12T00:00:00Z")))
                .isInstanceOf(ArithmeticException.class);
    }
}
