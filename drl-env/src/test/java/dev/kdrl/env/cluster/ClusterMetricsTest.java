package dev.kdrl.env.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.kdrl.core.env.StepResult;
import dev.kdrl.core.predict.Predictors;
import dev.kdrl.env.baseline.FixedPolicy;
import dev.kdrl.env.baseline.GreedyPolicy;
import dev.kdrl.env.paper.PaperProfile;
import dev.kdrl.env.quota.QuotaState;
import dev.kdrl.env.trace.Trace;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterMetricsTest {

    /**
     * The JSON form: the keys the paper model's rows share first, the totals over the services, then each service's
     * metrics as {@code <metric>_<service>}, its values those of the record.
     */
    @Test
    void asAMapTheKeysThePaperRowsShareComeFirstThenTotalsThenEachService() {
        ClusterMetrics m = new ClusterMetrics("p", "t.csv", 3, 12.5, 7.25, 9, List.of(
                new ClusterMetrics.Service("a", 0.1, 0.2, Double.POSITIVE_INFINITY, 4, 0.06, 100, 2, 1, 3, 5),
                new ClusterMetrics.Service("b", 0.3, 0.4, 0.9, 0, 0, 50, 5, 2, 1, 4)));
        java.util.Map<String, Object> map = m.toMap();
        assertThat(List.copyOf(map.keySet())).containsExactly("policy", "trace", "steps", "return", "mean_cpu",
                "max_cpu", "revisions_created", "refused_creations", "cold_starts",
                "time_over_slo_share_a", "requests_over_slo_share_a", "p95_over_slo_a", "dropped_requests_a",
                "dropped_share_a", "core_seconds_a", "refused_creations_a", "cold_starts_a", "revisions_created_a",
                "max_cpu_a",
                "time_over_slo_share_b", "requests_over_slo_share_b", "p95_over_slo_b", "dropped_requests_b",
                "dropped_share_b", "core_seconds_b", "refused_creations_b", "cold_starts_b", "revisions_created_b",
                "max_cpu_b");
        assertThat(map).containsEntry("return", 12.5).containsEntry("mean_cpu", 7.25).containsEntry("max_cpu", 9.0)
                .containsEntry("revisions_created", 4).containsEntry("refused_creations", 7)
                .containsEntry("cold_starts", 3).containsEntry("p95_over_slo_a", Double.POSITIVE_INFINITY)
                .containsEntry("requests_over_slo_share_b", 0.4).containsEntry("max_cpu_b", 4.0);
    }

    /** The episode's figures are the sums of the periods' and the simulator's. */
    @Test
    void metricsAddUpThePeriods() {
        ClusterEnv env = ClusterEnvTest.env(ClusterEnvTest.TEST, ClusterEnv.Options.defaults());
        int[] action = {20, 1, 3};
        ClusterMetrics m = ClusterMetrics.run(env, new FixedPolicy(action), 0);
        env.reset(0);
        double ret = 0;
        double cores = 0;
        int revisions = 0;
        for (int k = 0; k < ClusterEnvTest.TEST.length(); k++) {
            StepResult<double[]> r = env.step(action);
            ret += r.reward();
            for (ServicePeriod p : (ServicePeriod[]) r.info().get(ClusterEnv.PERIODS)) {
                cores += p.coreSeconds();
                revisions += p.revisions();
            }
        }
        assertThat(m.steps()).isEqualTo(ClusterEnvTest.TEST.length());
        assertThat(m.ret()).isEqualTo(ret);
        assertThat(m.meanCores()).isCloseTo(cores / (m.steps() * 120.0), within(1e-9));
        assertThat(m.revisions()).isEqualTo(revisions);
        assertThat(m.peakCores()).isLessThanOrEqualTo(40);
        assertThat(m.services()).extracting(ClusterMetrics.Service::name).containsExactly("house", "senti", "numbr");
        double peaks = 0;
        for (ClusterMetrics.Service s : m.services()) {
            assertThat(s.peakCores()).isPositive().isLessThanOrEqualTo(m.peakCores());
            peaks += s.peakCores();
        }
        assertThat(peaks).isGreaterThanOrEqualTo(m.peakCores());
        for (ClusterMetrics.Service s : m.services()) {
            assertThat(s.timeOverSloShare()).isBetween(0.0, 1.0);
            assertThat(s.requestsOverSloShare()).isBetween(0.0, 1.0);
            assertThat(s.p95OverSlo()).isPositive();
        }
        assertThat(ClusterMetrics.header(List.of("house", "senti", "numbr"))).contains("p95/SLO");
        assertThat(m.row()).startsWith("fixed[20,1,3]");
    }

    /** Knative's default (no min-scale) with the best fixed configuration does at least as well as with the first. */
    @Test
    void knativeDefaultBaselines() {
        ClusterEnv env = new ClusterEnv(PaperProfile.generalModel(), ClusterParams.DEFAULTS,
                ClusterEnvTest.TEST.slice(0, 6), KnativeDefault.options(ClusterEnv.Options.defaults()));
        FixedPolicy first = KnativeDefault.firstRow(env.model());
        assertThat(first.action()).containsExactly(0, 0, 0);
        ClusterMetrics mFirst = ClusterMetrics.run(env, first, 0);
        FixedPolicy best = KnativeDefault.bestFixed(env);
        ClusterMetrics mBest = ClusterMetrics.run(env, best, 0);
        // every joint configuration played, in lexicographic order: the best is the first with the highest return
        int[] n = env.actionSpace().nvec();
        double top = Double.NEGATIVE_INFINITY;
        int[] argmax = null;
        int played = 0;
        for (int a = 0; a < n[0]; a++) {
            for (int b = 0; b < n[1]; b++) {
                for (int c = 0; c < n[2]; c++) {
                    double ret = ClusterMetrics.run(env, new FixedPolicy(new int[] {a, b, c}), 0).ret();
                    played++;
                    if (ret > top) {
                        top = ret;
                        argmax = new int[] {a, b, c};
                    }
                }
            }
        }
        assertThat(played).isGreaterThan(1);
        assertThat(best.action()).containsExactly(argmax);
        assertThat(mBest.ret()).isEqualTo(top).isGreaterThan(mFirst.ret());
        assertThat(best.name()).isEqualTo("knative-best[" + argmax[0] + "," + argmax[1] + "," + argmax[2] + "]");
        ClusterEnv withMinScale = ClusterEnvTest.env(ClusterEnvTest.TEST.slice(0, 6), ClusterEnv.Options.defaults());
        assertThatThrownBy(() -> KnativeDefault.bestFixed(withMinScale)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("without min-scale");
        // one roll-out per service away from the initial configuration, none after
        assertThat(mFirst.revisions()).isEqualTo(3);
    }

    /** The paper model's greedy planner acts in the cluster model on the state the policy sees (the prediction). */
    @Test
    void greedyPlansOnThePredictedState() {
        Trace test = ClusterEnvTest.TEST;
        ClusterEnv env = ClusterEnvTest.env(test, ClusterEnv.Options.defaults()
                .withPredictor(Predictors.create("last-value", Predictors.Settings.defaults())));
        GreedyPolicy greedy = new GreedyPolicy(env.model(), env::state);
        env.reset(0);
        int onActual = 0;
        double played = 0;
        for (int k = 0; k < test.length(); k++) {
            QuotaState s = env.state();
            // the state greedy reads holds the forecast (last value: the previous row), not the period's actual load
            assertThat(s.traffic()).as("step " + k).containsExactly(test.row(Math.max(0, k - 1)));
            int[] action = greedy.act(null);
            QuotaState actual = env.model().resume(s.step(), s.prevAction(), s.prevPod(), s.prevRes(), test.row(k));
            if (!java.util.Arrays.equals(action, new GreedyPolicy(env.model(), () -> actual).act(null))) {
                onActual++;
            }
            played += env.step(action).reward();
        }
        // on the actual load it would have decided otherwise at some steps: the forecast is what it planned on
        assertThat(onActual).isPositive();
        // the metrics play the same episode
        ClusterMetrics m = ClusterMetrics.run(env, greedy, 0);
        assertThat(m.steps()).isEqualTo(test.length());
        assertThat(m.ret()).isEqualTo(played);
    }
}
