package dev.kdrl.train.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kdrl.core.env.EnvChecker;
import dev.kdrl.env.paper.PaperProfile;
import dev.kdrl.env.quota.SampledTrafficEnv;
import dev.kdrl.env.trace.Trace;
import dev.kdrl.env.trace.TraceCsv;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class MixedTracesTest {
    static final Trace TRAIN = TraceCsv.read(Path.of("../datasets/paper/train-200.csv"));

    static boolean sameValues(Trace a, Trace b) {
        for (int r = 0; r < a.length(); r++) {
            if (!java.util.Arrays.equals(a.row(r), b.row(r))) {
                return false;
            }
        }
        return true;
    }

    @Test
    void keepsTheEnvContract() {
        EnvChecker.check(new SampledTrafficEnv(PaperProfile.model(), new MixedTraces(PaperProfile.model(), TRAIN, 0.1,
                0.5)), 3, 450);
    }

    @Test
    void shareZeroReplaysTheTraceAndShareOneIsUniformInItsRange() {
        MixedTraces none = new MixedTraces(PaperProfile.model(), TRAIN, 0, 0);
        for (long s = 0; s < 5; s++) {
            assertThat(sameValues(none.sample(s), TRAIN)).isTrue();
        }
        MixedTraces all = new MixedTraces(PaperProfile.model(), TRAIN, 0, 1);
        Trace v = all.sample(7);
        assertThat(v.length()).isEqualTo(TRAIN.length());
        assertThat(sameValues(v, TRAIN)).isFalse();
        double min = 1e9;
        double max = -1;
        double sum = 0;
        for (int r = 0; r < v.length(); r++) {
            for (double x : v.row(r)) {
                assertThat(x).isEqualTo(Math.rint(x)).isBetween(1.0, 100.0);
                min = Math.min(min, x);
                max = Math.max(max, x);
                sum += x;
            }
        }
        // 600 uniform draws in 1..100: the extremes are close to the range's, the mean close to 50.5
        assertThat(min).isLessThanOrEqualTo(5);
        assertThat(max).isGreaterThanOrEqualTo(95);
        assertThat(sum / (3 * v.length())).isBetween(45.0, 56.0);
    }

    /** Three services of different scales: 10..59, 2..7 and 500..990 users over 50 rows. */
    static Trace scales() {
        double[][] rows = new double[50][];
        for (int r = 0; r < rows.length; r++) {
            rows[r] = new double[] {10 + r, 2 + r % 6, 500 + 10 * r};
        }
        return new Trace("scales", PaperProfile.model().serviceNames(), rows);
    }

    /** Services of different scales: each synthetic service draws in its own recorded range, not the trace's. */
    @Test
    void eachServiceDrawsInItsOwnRecordedRange() {
        Trace scales = scales();
        for (double jitter : new double[] {0, 0.7}) {
            MixedTraces mixed = new MixedTraces(PaperProfile.model(), scales, 0, 1, 0.8, jitter);
            for (long seed = 0; seed < 20; seed++) {
                Trace t = mixed.sample(seed);
                for (int r = 0; r < t.length(); r++) {
                    assertThat(t.value(r, 0)).as("jitter %s seed %d row %d", jitter, seed, r).isBetween(10.0, 59.0);
                    assertThat(t.value(r, 1)).as("jitter %s seed %d row %d", jitter, seed, r).isBetween(2.0, 7.0);
                    assertThat(t.value(r, 2)).as("jitter %s seed %d row %d", jitter, seed, r).isBetween(500.0, 990.0);
                }
            }
        }
        Trace noisy = new dev.kdrl.env.quota.NoisyTraces(PaperProfile.model(), scales, 0.5).sample(3);
        for (int r = 0; r < noisy.length(); r++) {
            assertThat(noisy.value(r, 1)).isBetween(2.0, 7.0);
            assertThat(noisy.value(r, 0)).isBetween(10.0, 59.0);
        }
    }

    /**
     * A range margin widens each service's synthetic range at each end by that share of its width, never below 0
     * users; a margin of 0 draws what the constructor without one draws.
     */
    @Test
    void aRangeMarginWidensEachServicesRange() {
        Trace scales = scales();
        // ranges 10..59 (width 49, margin 4.9), 2..7 (width 5, 0.5), 500..990 (width 490, 49)
        MixedTraces wide = new MixedTraces(PaperProfile.model(), scales, 0, 1, 0, 0, 0, true, 0.1);
        double[] min = {1e9, 1e9, 1e9};
        double[] max = {-1, -1, -1};
        for (long seed = 0; seed < 40; seed++) {
            Trace t = wide.sample(seed);
            for (int r = 0; r < t.length(); r++) {
                for (int c = 0; c < 3; c++) {
                    min[c] = Math.min(min[c], t.value(r, c));
                    max[c] = Math.max(max[c], t.value(r, c));
                }
            }
        }
        // 2,000 draws per service: the small ranges' every whole user is reached, none beyond the widened range
        assertThat(new double[] {min[0], min[1], max[0], max[1]}).containsExactly(6.0, 2.0, 63.0, 7.0);
        assertThat(min[2]).isBetween(451.0, 470.0);
        assertThat(max[2]).isBetween(1020.0, 1039.0);
        // a margin of 1 on a range starting at 2: not below 0
        MixedTraces wider = new MixedTraces(PaperProfile.model(), scales, 0, 1, 0, 0, 0, true, 1);
        double low = 1e9;
        for (long seed = 0; seed < 40; seed++) {
            Trace t = wider.sample(seed);
            for (int r = 0; r < t.length(); r++) {
                low = Math.min(low, t.value(r, 1));
            }
        }
        assertThat(low).isEqualTo(0.0);
        // a margin of 0 draws what the code before margins drew: digests of 20 samples each, computed by that code
        // (commit c5e6e6e's MixedTraces)
        Trace test = TraceCsv.read(Path.of("../datasets/paper/test-20.csv"));
        assertThat(digest(new MixedTraces(PaperProfile.model(), TRAIN, 0.1, 0.8, 0.8, 0.7, 0.2, true, 0)))
                .isEqualTo(3889827328571384849L);
        assertThat(digest(new MixedTraces(PaperProfile.model(), TRAIN, 0.1, 0.8, 0.8, 0.7, 0.2, false, 0)))
                .isEqualTo(4833753662970569745L);
        assertThat(digest(new MixedTraces(PaperProfile.model(), test, 0.1, 0.8, 0.8, 0.7, 0.2, true, 0)))
                .isEqualTo(-5265824691886446063L);
        assertThat(digest(new MixedTraces(PaperProfile.model(), test, 0.1, 0.8, 0.8, 0.7, 0.2, false, 0)))
                .isEqualTo(6705587542594464273L);
        assertThatThrownBy(() -> new MixedTraces(PaperProfile.model(), TRAIN, 0, 1, 0, 0, 0, true, 1.5))
                .hasMessage("traffic range margin must be in [0, 1], got 1.5");
    }

    /** A digest of the values of the samples of seeds 0-19. */
    static long digest(MixedTraces traces) {
        long h = 17;
        for (long seed = 0; seed < 20; seed++) {
            Trace s = traces.sample(seed);
            for (int r = 0; r < s.length(); r++) {
                for (double v : s.row(r)) {
                    h = h * 31 + Double.doubleToLongBits(v);
                }
            }
        }
        return h;
    }

    /** Column {@code c} of {@code t}, each value checked to be a whole number of users in train-200's range 1..100. */
    static java.util.DoubleSummaryStatistics wholeUsersInRange(Trace t, int c) {
        java.util.DoubleSummaryStatistics col = new java.util.DoubleSummaryStatistics();
        for (int r = 0; r < t.length(); r++) {
            double v = t.value(r, c);
            assertThat(v).isEqualTo(Math.rint(v)).isBetween(1.0, 100.0);
            col.accept(v);
        }
        return col;
    }

    static double lag1(Trace t, int c) {
        double mean = 0;
        for (int r = 0; r < t.length(); r++) {
            mean += t.value(r, c);
        }
        mean /= t.length();
        double num = 0;
        double den = 0;
        for (int r = 0; r < t.length(); r++) {
            double d = t.value(r, c) - mean;
            den += d * d;
            if (r > 0) {
                num += d * (t.value(r - 1, c) - mean);
            }
        }
        return num / den;
    }

    @Test
    void persistenceMakesSyntheticTracesAutocorrelated() {
        MixedTraces iid = new MixedTraces(PaperProfile.model(), TRAIN, 0, 1, 0);
        MixedTraces sticky = new MixedTraces(PaperProfile.model(), TRAIN, 0, 1, 0.9);
        double a = 0;
        double b = 0;
        int n = 0;
        for (long s = 0; s < 20; s++) {
            Trace x = iid.sample(s);
            Trace y = sticky.sample(s);
            assertThat(sameValues(y, sticky.sample(s))).isTrue();
            for (int c = 0; c < 3; c++) {
                a += lag1(x, c);
                b += lag1(y, c);
                n++;
                for (int r = 0; r < y.length(); r++) {
                    assertThat(y.value(r, c)).isEqualTo(Math.rint(y.value(r, c))).isBetween(1.0, 100.0);
                }
            }
        }
        // persistence uniform in [0, 0.9]: mean lag-1 autocorrelation near 0.45 (independent values: near 0)
        assertThat(a / n).isBetween(-0.1, 0.1);
        assertThat(b / n).isBetween(0.3, 0.6);
        // persistence 0 draws exactly the independent traces
        assertThat(sameValues(new MixedTraces(PaperProfile.model(), TRAIN, 0, 1, 0).sample(5), iid.sample(5))).isTrue();
        assertThatThrownBy(() -> new MixedTraces(PaperProfile.model(), TRAIN, 0, 1, 1.0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("persistence");
    }

    @Test
    void rangeJitterGivesEachServiceItsOwnRangePerEpisode() {
        MixedTraces whole = new MixedTraces(PaperProfile.model(), TRAIN, 0, 1, 0.5);
        MixedTraces jittered = new MixedTraces(PaperProfile.model(), TRAIN, 0, 1, 0.5, 0.7);
        java.util.Set<Long> means = new java.util.HashSet<>();
        double narrowest = Double.POSITIVE_INFINITY;
        int partial = 0;
        for (long s = 0; s < 30; s++) {
            Trace t = jittered.sample(s);
            assertThat(sameValues(t, jittered.sample(s))).isTrue();
            for (int c = 0; c < 3; c++) {
                java.util.DoubleSummaryStatistics col = wholeUsersInRange(t, c);
                double min = col.getMin();
                double max = col.getMax();
                double sum = col.getSum();
                // at least 30 % of train-200's range (1..100) per service, often less than all of it
                narrowest = Math.min(narrowest, max - min);
                partial += max - min < 90 ? 1 : 0;
                means.add(Math.round(sum / t.length() / 5));
            }
        }
        assertThat(narrowest).isBetween(20.0, 60.0);
        assertThat(partial).as("services of 90 whose range left out more than a tenth").isGreaterThan(20);
        assertThat(means.size()).as("distinct mean loads (to 5 users)").isGreaterThan(5);
        // no jitter: the same traces as before the option existed (values printed by the code since each service
        // draws in its own range, 2026-12-07: house and numbr span 1..100 in train-200 as before, senti 2..99)
        Trace same = new MixedTraces(PaperProfile.model(), TRAIN, 0, 1, 0.5, 0).sample(3);
        assertThat(sameValues(same, whole.sample(3))).isTrue();
        assertThat(new double[][] {same.row(0), same.row(1), same.row(2), same.row(3)})
                .isDeepEqualTo(new double[][] {{44, 32, 7}, {61, 74, 1}, {97, 96, 16}, {78, 90, 84}});
        // every service in the whole trace's range (--traffic-range trace): the draws of the code before 2026-12-07
        Trace traceWide = new MixedTraces(PaperProfile.model(), TRAIN, 0, 1, 0.5, 0, 0, false).sample(3);
        assertThat(new double[][] {traceWide.row(0), traceWide.row(1), traceWide.row(2), traceWide.row(3)})
                .isDeepEqualTo(new double[][] {{44, 35, 7}, {61, 73, 1}, {97, 11, 16}, {78, 35, 84}});
        assertThatThrownBy(() -> new MixedTraces(PaperProfile.model(), TRAIN, 0, 1, 0.5, 1.0))
                .hasMessage("traffic range jitter must be in [0, 1), got 1.0");
    }

    @Test
    void aPlainShareDrawsIndependentTracesOverTheWholeRange() {
        MixedTraces shaped = new MixedTraces(PaperProfile.model(), TRAIN, 0, 1, 0.8, 0.7);
        MixedTraces plain = new MixedTraces(PaperProfile.model(), TRAIN, 0, 1, 0.8, 0.7, 1);
        double lag = 0;
        int n = 0;
        for (long s = 0; s < 20; s++) {
            Trace t = plain.sample(s);
            assertThat(sameValues(t, plain.sample(s))).isTrue();
            for (int c = 0; c < 3; c++) {
                java.util.DoubleSummaryStatistics col = wholeUsersInRange(t, c);
                double min = col.getMin();
                double max = col.getMax();
                // 200 independent draws in 1..100 per service: the whole range, not a sub-range
                assertThat(min).as("seed %d, service %d", s, c).isLessThanOrEqualTo(10);
                assertThat(max).as("seed %d, service %d", s, c).isGreaterThanOrEqualTo(91);
                lag += lag1(t, c);
                n++;
            }
        }
        // no persistence (with it, up to 0.8, the mean lag-1 autocorrelation is near 0.4)
        assertThat(lag / n).isBetween(-0.1, 0.1);
        // a share of 0 draws the traces of the constructor without it; a share between draws either kind per episode
        MixedTraces zero = new MixedTraces(PaperProfile.model(), TRAIN, 0, 1, 0.8, 0.7, 0);
        MixedTraces half = new MixedTraces(PaperProfile.model(), TRAIN, 0, 1, 0.8, 0.7, 0.5);
        int plainOnes = 0;
        for (long s = 0; s < 100; s++) {
            assertThat(sameValues(zero.sample(s), shaped.sample(s))).isTrue();
            Trace t = half.sample(s);
            boolean isPlain = sameValues(t, plain.sample(s));
            assertThat(isPlain || sameValues(t, shaped.sample(s))).as("seed %d", s).isTrue();
            plainOnes += isPlain ? 1 : 0;
        }
        assertThat(plainOnes).isBetween(30, 70);
        assertThatThrownBy(() -> new MixedTraces(PaperProfile.model(), TRAIN, 0, 1, 0.8, 0.7, 1.5))
                .hasMessage("plain traffic share must be in [0, 1], got 1.5");
    }

    @Test
    void seededMixture() {
        MixedTraces env = new MixedTraces(PaperProfile.model(), TRAIN, 0, 0.5);
        int uniform = 0;
        for (long s = 0; s < 200; s++) {
            Trace v = env.sample(s);
            assertThat(sameValues(v, env.sample(s))).as("seed %d", s).isTrue();
            if (!sameValues(v, TRAIN)) {
                uniform++;
            }
        }
        assertThat(uniform).isBetween(70, 130);
        assertThat(sameValues(env.sample(1), env.sample(2)) && sameValues(env.sample(1), env.sample(3))
                && sameValues(env.sample(1), env.sample(4))).isFalse();
        assertThatThrownBy(() -> new MixedTraces(PaperProfile.model(), TRAIN, 0, 1.5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[0, 1]");
    }
}
