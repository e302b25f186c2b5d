package dev.kdrl.env.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.kdrl.core.rng.Rng;
import dev.kdrl.env.trace.Trace;
import dev.kdrl.env.trace.TraceCsv;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EmpiricalTrafficTest {
    /** Two services: the first alternates around 10 (autocorrelation -1, clipped to 0), the second grows. */
    static final double[][] ROWS = {{8, 1}, {12, 2}, {8, 3}, {12, 4}, {8, 5}};

    @Test
    void ar1FitsTheMeanAndTheClippedLagOneAutocorrelationAndKeepsTheResiduals() {
        EmpiricalTraffic d = EmpiricalTraffic.fit(ROWS, 2, EmpiricalTraffic.Kind.AR1, "rows");
        assertThat(d.size()).isEqualTo(4);
        assertThat(d.mean()).containsExactly(9.6, 3.0);
        // service 0: sum (x_t - m)(x_t+1 - m) < 0, clipped to 0: the next value is a row's, whatever the current
        assertThat(d.autocorrelation()[0]).isZero();
        // service 1: 1..5 around 3: (-2*-1 + -1*0 + 0*1 + 1*2) / (4 + 1 + 0 + 1 + 4) = 0.4
        assertThat(d.autocorrelation()[1]).isCloseTo(0.4, within(1e-12));
        double[][] all = d.sample(new double[] {100, 10}, 99, Rng.of(0));
        assertThat(all).hasNumberOfRows(4);
        for (int t = 0; t < 4; t++) {
            // service 0 (rho 0): exactly row t+1; service 1: 3 + 0.4 (10 - 3) + (x_t+1 - 3 - 0.4 (x_t - 3))
            assertThat(all[t][0]).isEqualTo(ROWS[t + 1][0]);
            double expected = 3 + 0.4 * 7 + (ROWS[t + 1][1] - 3 - 0.4 * (ROWS[t][1] - 3));
            assertThat(all[t][1]).isEqualTo((double) Math.round(expected));
        }
    }

    @Test
    void theStatisticsAreTheAutocorrelationMeanAndStandardDeviationPerService() {
        EmpiricalTraffic d = EmpiricalTraffic.fit(ROWS, 2, EmpiricalTraffic.Kind.AR1, "rows");
        // service 0: 8, 12, 8, 12, 8 around 9.6: variance (3 * 1.6^2 + 2 * 2.4^2) / 5 = 3.84
        // service 1: 1..5 around 3: variance 10 / 5 = 2
        double[] s = d.statistics();
        assertThat(s).hasSize(6);
        assertThat(s[0]).isZero();
        assertThat(s[1]).isEqualTo(9.6);
        assertThat(s[2]).isCloseTo(Math.sqrt(3.84), within(1e-12));
        assertThat(s[3]).isCloseTo(0.4, within(1e-12));
        assertThat(s[4]).isEqualTo(3.0);
        assertThat(s[5]).isCloseTo(Math.sqrt(2), within(1e-12));
        assertThat(d.standardDeviation()).containsExactly(s[2], s[5]);
        // one row says nothing of how the load moves; no history, nothing at all
        assertThat(EmpiricalTraffic.fit(new double[][] {{8, 1}}, 2, EmpiricalTraffic.Kind.AR1, "one").statistics())
                .isNull();
        assertThat(EmpiricalTraffic.fit(new double[][] {{8, 1}}, 2, EmpiricalTraffic.Kind.MARGINAL, "one")
                .statistics()).isNull();
        assertThat(EmpiricalTraffic.fit(new double[0][], 2, EmpiricalTraffic.Kind.AR1, "none").statistics()).isNull();
        assertThat(TrafficDistribution.none().statistics()).isNull();
    }

    @Test
    void marginalIgnoresTheCurrentTrafficAndDeltaAddsTheObservedChanges() {
        EmpiricalTraffic marginal = EmpiricalTraffic.fit(ROWS, 2, EmpiricalTraffic.Kind.MARGINAL, "rows");
        assertThat(marginal.size()).isEqualTo(5);
        assertThat(marginal.sample(new double[] {50, 50}, 10, Rng.of(0))).isDeepEqualTo(ROWS);
        EmpiricalTraffic delta = EmpiricalTraffic.fit(ROWS, 2, EmpiricalTraffic.Kind.DELTA, "rows");
        assertThat(delta.sample(new double[] {50, 50}, 10, Rng.of(0)))
                .isDeepEqualTo(new double[][] {{54, 51}, {46, 51}, {54, 51}, {46, 51}});
        // rounded to whole users and clamped at 0
        assertThat(delta.sample(new double[] {2.4, 0.2}, 10, Rng.of(0))[1]).containsExactly(0, 1);
    }

    @Test
    void fewerSamplesAreDistinctAndDrawnFromTheSeed() {
        Trace train = TraceCsv.read(Path.of("../datasets/paper/train-200.csv"));
        EmpiricalTraffic d = EmpiricalTraffic.fit(train, List.of("house", "senti", "numbr"), EmpiricalTraffic.Kind.MARGINAL);
        double[] u = {50, 50, 50};
        double[][] a = d.sample(u, 16, Rng.of(7));
        assertThat(a).hasNumberOfRows(16);
        assertThat(d.sample(u, 16, Rng.of(7))).isDeepEqualTo(a);
        assertThat(d.sample(u, 16, Rng.of(8))).isNotEqualTo(a);
        // distinct rows of the trace (draws without replacement)
        Set<Integer> rows = new HashSet<>();
        for (double[] s : a) {
            int r = -1;
            for (int k = 0; k < train.length(); k++) {
                if (Arrays.equals(train.row(k), s)) {
                    r = k;
                }
            }
            assertThat(r).isNotNegative();
            rows.add(r);
        }
        assertThat(rows).hasSize(16);
    }

    @Test
    void tooShortHistoriesHaveNoSampleAndBadRowsAreRefused() {
        assertThat(EmpiricalTraffic.fit(new double[][] {{3, 4}}, 2, EmpiricalTraffic.Kind.AR1, "h")
                .sample(new double[] {1, 1}, 8, Rng.of(0))).isEmpty();
        assertThat(EmpiricalTraffic.fit(new double[0][], 2, EmpiricalTraffic.Kind.MARGINAL, "h").size()).isZero();
        assertThatThrownBy(() -> EmpiricalTraffic.fit(new double[][] {{1, 2}, {3}}, 2, EmpiricalTraffic.Kind.AR1, "h"))
                .hasMessage("traffic history h: row 1 has 1 values, expected 2");
        assertThatThrownBy(() -> EmpiricalTraffic.fit(new double[][] {{1, -2}}, 2, EmpiricalTraffic.Kind.AR1, "h"))
                .hasMessage("traffic history h: row 0, column 1: value -2.0 is invalid (expected a finite number >= 0)");
        assertThatThrownBy(() -> EmpiricalTraffic.Kind.of("gauss"))
                .hasMessage("traffic distribution 'gauss' is unknown (expected one of [ar1, marginal, delta])");
    }
}
