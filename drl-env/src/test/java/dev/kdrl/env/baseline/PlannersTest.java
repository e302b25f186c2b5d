package dev.kdrl.env.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kdrl.env.metrics.EpisodeMetrics;
import dev.kdrl.env.paper.PaperProfile;
import dev.kdrl.env.quota.QuotaEnv;
import dev.kdrl.env.quota.QuotaModel;
import dev.kdrl.env.trace.Trace;
import dev.kdrl.env.trace.TraceCsv;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlannersTest {
    static final Trace TEST = TraceCsv.read(Path.of("../datasets/paper/test-20.csv"));
    static final Trace TRAIN = TraceCsv.read(Path.of("../datasets/paper/train-200.csv"));

    @Test
    void theRegistryListsEveryPlannerAndTheLiveOnes() {
        assertThat(Planners.names()).containsExactly("fixed-initial", "fixed-best", "hybrid", "random", "greedy",
                "expected-2", "lookahead", "optimum");
        assertThat(Planners.liveNames()).containsExactly("fixed-initial", "hybrid", "greedy", "expected-2");
    }

    @Test
    void livePlannersNeedNoTraceAndTheOthersSaySo() {
        QuotaModel model = PaperProfile.model();
        Planners.Context live = Planners.Context.live(model, () -> model.initialState(new double[3]),
                TrafficDistribution.none(), 0);
        for (String name : Planners.liveNames()) {
            assertThat(Planners.create(name, live).act(model.initialState(new double[3]).observation())).hasSize(3);
        }
        for (String name : List.of("fixed-best", "random", "lookahead", "optimum")) {
            assertThatThrownBy(() -> Planners.create(name, live))
                    .hasMessage("planner " + name + " plays a known trace; without one, use one of "
                            + "[fixed-initial, hybrid, greedy, expected-2]");
        }
        assertThatThrownBy(() -> Planners.create("oracle", live)).hasMessage("planner 'oracle' is unknown (expected "
                + "one of [fixed-initial, fixed-best, hybrid, random, greedy, expected-2, lookahead, optimum])");
    }

    @Test
    void plannersAskedToDecideBeforeTheEnvironmentIsResetSaySo() {
        QuotaEnv env = new QuotaEnv(PaperProfile.model(), TEST);
        Planners.Context offline = Planners.Context.offline(env, Baselines.trafficModel(env.model(), TEST, null),
                ExpectedValuePolicy.Settings.defaults(), 0, 2);
        for (String name : List.of("greedy", "expected-2", "lookahead")) {
            assertThatThrownBy(() -> Planners.create(name, offline).act(new double[9]))
                    .as(name)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("no state to decide in: reset the environment before the first decision");
        }
        env.reset(0L);
        assertThat(Planners.create("greedy", offline).act(env.state().observation())).hasSize(3);
    }

    @Test
    void theLiveContextCarriesExpectedsSeedAndConfidence() {
        QuotaModel model = PaperProfile.model();
        Planners.Context dflt = Planners.Context.live(model, () -> model.initialState(new double[3]),
                TrafficDistribution.none(), 7);
        assertThat(dflt.expected()).isEqualTo(ExpectedValuePolicy.Settings.defaults().withSeed(7));
        Planners.Context bold = Planners.Context.live(model, () -> model.initialState(new double[3]),
                TrafficDistribution.none(), 7, 0);
        assertThat(bold.expected()).isEqualTo(ExpectedValuePolicy.Settings.defaults().withSeed(7).withConfidence(0));
        assertThat(((ExpectedValuePolicy) Planners.create("expected-2", bold)).settings().confidence()).isZero();
        assertThatThrownBy(() -> Planners.Context.live(model, () -> model.initialState(new double[3]),
                TrafficDistribution.none(), 7, -1)).hasMessageContaining("confidence must be a finite number >= 0, got -1");
    }

    @Test
    void baselinesPlayTheRegistryInItsOrderWithExpectedAfterGreedy() {
        List<EpisodeMetrics> rows = Baselines.evaluate(PaperProfile.model(), TEST, new Baselines.Options(0, 2, true));
        assertThat(rows).extracting(EpisodeMetrics::policy).containsExactly("fixed-initial[21,6,7]",
                "fixed-best[20,1,0]", "usage-hybrid", "random(seed=0)", "greedy", "expected-2", "lookahead-2",
                "optimum");
        List<EpisodeMetrics> without = Baselines.evaluate(PaperProfile.model(), TEST,
                new Baselines.Options(0, 0, false, false, null));
        assertThat(without).extracting(EpisodeMetrics::policy).containsExactly("fixed-initial[21,6,7]",
                "fixed-best[20,1,0]", "usage-hybrid", "random(seed=0)", "greedy");
    }

    @Test
    void expectedTakesItsDistributionFromTheHistoryGiven() {
        // test-20 played with train-200's one-step statistics, or with its own: two different planners
        double own = expected(new Baselines.Options(0, 0, false, true, null));
        double train = expected(new Baselines.Options(0, 0, false, true, TRAIN));
        assertThat(own).isNotEqualTo(train);
        assertThat(expected(new Baselines.Options(0, 0, false, true, TEST))).isEqualTo(own);
    }

    private static double expected(Baselines.Options options) {
        return Baselines.evaluate(PaperProfile.model(), TEST, options).stream()
                .filter(m -> m.policy().equals("expected-2")).findFirst().orElseThrow().episodeReturn();
    }
}
