package dev.kdrl.agent.ops;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DecisionLatencyTest {

    @Test
    void nearestRankQuantilesAndTheSummaryLine() {
        DecisionLatency latency = new DecisionLatency();
        assertThat(latency.summary()).isNull();
        assertThat(latency.quantileNanos(0.5)).isNaN();
        for (int i = 200; i >= 1; i--) { // out of order, past the first capacity
            latency.add(i * 1_000_000L);
        }
        assertThat(latency.count()).isEqualTo(200);
        assertThat(latency.quantileNanos(0.50)).isEqualTo(100e6);
        assertThat(latency.quantileNanos(0.99)).isEqualTo(198e6);
        assertThat(latency.quantileNanos(1.0)).isEqualTo(200e6);
        assertThat(latency.summary()).matches("simulated 200 cycles: decision p50 100\\.000 ms, p99 198\\.000 ms, "
                + "max 200\\.000 ms; peak RSS (\\d+ kB|unknown)");
    }

    @Test
    void oneCycle() {
        DecisionLatency latency = new DecisionLatency();
        latency.add(1_234_567);
        assertThat(latency.summary()).startsWith("simulated 1 cycles: decision p50 1.235 ms, p99 1.235 ms, max 1.235 ms;");
    }
}
