package dev.kdrl.env.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.kdrl.env.metrics.EpisodeRunner;
import dev.kdrl.env.paper.PaperProfile;
import dev.kdrl.env.quota.QuotaEnv;
import dev.kdrl.env.quota.QuotaModel;
import dev.kdrl.env.trace.Trace;
import dev.kdrl.env.trace.TraceCsv;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class OptimalPlannerTest {
    static final Trace TRAIN = TraceCsv.read(Path.of("../datasets/paper/train-200.csv"));
    static final Trace TEST = TraceCsv.read(Path.of("../datasets/paper/test-20.csv"));

    /** Plays the plan on a fresh env and returns the undiscounted return. */
    static double play(QuotaEnv env, List<int[]> plan) {
        env.reset(0);
        double ret = 0;
        for (int[] a : plan) {
            ret += env.step(a).reward();
        }
        assertThat(env.episodeOver()).isTrue();
        return ret;
    }

    @Test
    void paperTest20OptimumMatchesReferenceAndItsPlanScoresIt() {
        QuotaEnv env = PaperProfile.env(TEST);
        OptimalPlanner.Plan plan = OptimalPlanner.solve(env);
        assertThat(plan.actions()).hasSize(19);
        assertThat(plan.value()).isCloseTo(69_786.99, within(69_786.99 * 1e-6 + 0.005));
        assertThat(play(env, plan.actions())).isEqualTo(plan.value());
        assertThat(plan.toString()).startsWith("Plan[value=" + plan.value() + ", 19 actions ["
                + java.util.Arrays.toString(plan.actions().get(0)) + ", ").endsWith(", ...], maxStates="
                + plan.maxStates() + "]");
    }

    @Test
    void paperTrain200OptimumMatchesReferenceAndItsPlanScoresIt() {
        QuotaEnv env = PaperProfile.env(TRAIN);
        OptimalPlanner.Plan plan = OptimalPlanner.solve(env);
        assertThat(plan.actions()).hasSize(200);
        assertThat(plan.value()).isCloseTo(777_094.0652, within(777_094.0652 * 1e-6));
        assertThat(play(env, plan.actions())).isEqualTo(plan.value());
    }

    @Test
    void agreesWithTheNaiveDynamicProgramOnShortTraces() {
        for (int rows : new int[] {3, 6, 9}) {
            for (QuotaModel model : List.of(PaperProfile.model(), PaperProfile.generalModel())) {
                QuotaEnv env = new QuotaEnv(model, TRAIN.slice(40, 40 + rows));
                double fast = OptimalPlanner.solve(env).value();
                double naive = NaiveOptimalPlanner.solve(env).value();
                assertThat(fast).as("rows %d, quirks %s", rows, model.quirks()).isEqualTo(naive);
            }
        }
    }

    @Test
    void sameResultWithOneOrTwoThreads() {
        QuotaEnv env = PaperProfile.env(TEST);
        QuotaModel m = env.model();
        OptimalPlanner.Plan one = new OptimalPlanner(m, 1).solve(m.initialState(TEST.row(0)), env::trafficAt, 19);
        OptimalPlanner.Plan two = new OptimalPlanner(m, 2).solve(m.initialState(TEST.row(0)), env::trafficAt, 19);
        assertThat(two.value()).isEqualTo(one.value());
        assertThat(two.actions()).containsExactlyElementsOf(one.actions());
        // a value: equal by content, and what a caller does with its actions does not change it
        assertThat(two).isEqualTo(one).hasSameHashCodeAs(one);
        int first = one.action(0)[0];
        one.actions().get(0)[0] = first + 1;
        assertThat(one.action(0)[0]).isEqualTo(first);
        one.action(0)[0] = first + 1;
        assertThat(one).isEqualTo(two);
        OptimalPolicy optimum = OptimalPolicy.of(env);
        optimum.actions().forEach(a -> a[0] = 0);
        assertThat(EpisodeRunner.run(env, optimum, 0).metrics().episodeReturn()).isEqualTo(optimum.value());
    }

    /** The optimum plays the env it was solved on: played on another, it says so. */
    @Test
    void theOptimumPlayedOnAnotherEnvSaysWhichEnvItFollows() {
        QuotaEnv solvedOn = PaperProfile.env(TRAIN.slice(0, 6));
        OptimalPolicy optimum = OptimalPolicy.of(solvedOn);
        EpisodeRunner.run(solvedOn, optimum, 0);
        QuotaEnv other = PaperProfile.env(TRAIN.slice(0, 6));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> EpisodeRunner.run(other, optimum, 0))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the optimum follows the env it was solved on (OptimalPolicy.of(env)), which is at step 5, "
                        + "past its plan of 5 steps: play it on that env, after a reset");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> EpisodeRunner.run(other, null, 0))
                .isInstanceOf(NullPointerException.class).hasMessage("policy");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> OptimalPolicy.of(null))
                .isInstanceOf(NullPointerException.class).hasMessage("env");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> GreedyPolicy.of(null))
                .isInstanceOf(NullPointerException.class).hasMessage("env");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new RandomPolicy(null, 0))
                .isInstanceOf(NullPointerException.class).hasMessage("space");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TraceCsv.read((Path) null))
                .isInstanceOf(NullPointerException.class).hasMessage("file");
    }
}
