package dev.kdrl.env.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Hand-worked rewards of one period of two services, SLOs 1000 and 2000 ms, quota 10. */
class ClusterRewardTest {
    private static final double[] SLO = {1000, 2000};
    private static final double[] IDLE = {100, 400};

    private static ServicePeriod period(double offered, double dropped, double over, double p95, double meanCores,
                                        int refused) {
        return new ServicePeriod(offered, dropped, over, p95, 0, meanCores * 120, meanCores, refused, 0, 0, 1,
                meanCores, meanCores);
    }

    @Test
    void paperShapeOnRealisedLatencyAndCores() {
        ServicePeriod[] p = {period(100, 0, 5, 0.5, 3, 0), period(100, 0, 1, 1.0, 2, 0)};
        // 200 * (1000/500 + 2000/1000 + 9 * 10 / (3 + 2)) = 200 * (2 + 2 + 18) = 4400
        assertThat(ClusterReward.PAPER.of(p, SLO, IDLE, 10, 0.5)).isCloseTo(4400, within(1e-9));
        // a refused pod creation halves it
        p[1] = period(100, 0, 1, 1.0, 2, 3);
        assertThat(ClusterReward.PAPER.of(p, SLO, IDLE, 10, 0.5)).isCloseTo(2200, within(1e-9));
    }

    @Test
    void infiniteP95ScoresZeroAndNoRequestsUseTheIdleLatency() {
        ServicePeriod[] p = {period(100, 10, 0, Double.POSITIVE_INFINITY, 4, 0), period(0, 0, 0, Double.NaN, 1, 0)};
        // 200 * (0 + 2000/400 + 9 * 10 / 5) = 200 * 23 = 4600
        assertThat(ClusterReward.PAPER.of(p, SLO, IDLE, 10, 0.5)).isCloseTo(4600, within(1e-9));
    }

    @Test
    void sloCores() {
        ServicePeriod[] p = {period(100, 10, 10, 0.5, 3, 0), period(100, 0, 5, 1.0, 2, 0)};
        // 100 * ((1 - 0.2) + (1 - 0.05) - 5 / 10) = 100 * 1.25 = 125
        assertThat(ClusterReward.SLO_CORES.of(p, SLO, IDLE, 10, 0.5)).isCloseTo(125, within(1e-9));
        assertThat(ClusterReward.parse("slo-cores")).isEqualTo(ClusterReward.SLO_CORES);
        assertThatThrownBy(() -> ClusterReward.parse("profit")).hasMessage("reward 'profit' is not one of [paper, slo-cores]");
    }
}
