package dev.kdrl.env.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.kdrl.core.env.StepResult;
import dev.kdrl.env.baseline.FixedPolicy;
import dev.kdrl.env.baseline.GreedyPolicy;
import dev.kdrl.env.paper.PaperProfile;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterMetricsTest {

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
        assertThat(mBest.ret()).isGreaterThanOrEqualTo(mFirst.ret());
        // one roll-out per service away from the initial configuration, none after
        assertThat(mFirst.revisions()).isEqualTo(3);
    }

    /** The paper model's greedy planner acts in the cluster model on the state the policy sees (the prediction). */
    @Test
    void greedyPlansOnThePredictedState() {
        ClusterEnv env = ClusterEnvTest.env(ClusterEnvTest.TEST, ClusterEnv.Options.defaults());
        ClusterMetrics m = ClusterMetrics.run(env, new GreedyPolicy(env.model(), env::state), 0);
        assertThat(m.steps()).isEqualTo(ClusterEnvTest.TEST.length());
        assertThat(m.ret()).isPositive();
    }
}
