package dev.kdrl.env.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.kdrl.env.paper.PaperProfile;
import dev.kdrl.env.quota.QuotaEnv;
import dev.kdrl.env.quota.QuotaModel;
import dev.kdrl.env.quota.QuotaState;
import dev.kdrl.env.quota.ServiceConfig;
import dev.kdrl.env.quota.ServiceProfile;
import dev.kdrl.env.trace.Trace;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The grouped DP against the naive one on general models the paper profile does not exercise: several
 * actions with the same deployment (a configuration class of several actions), a service with a single
 * deployment (it can never roll out a fresh one), two and four services, scale to zero, tight quotas,
 * and a start in the middle of an episode.
 */
class OptimalPlannerExtraTest {

    private static ServiceConfig c(double cpu, double conc, double lat) {
        return new ServiceConfig(cpu, conc, lat);
    }

    /** Services with duplicated deployments (same cpu and concurrency, different latency). */
    private static List<ServiceProfile> services() {
        return List.of(
                new ServiceProfile("a", 1200, 730, 0, List.of(c(1.5, 10, 1100), c(2, 10, 690), c(2, 10, 500),
                        c(3, 20, 700), c(3, 20, 950), c(4, 30, 670))),
                new ServiceProfile("b", 2200, 1500, 2, List.of(c(2, 10, 1500), c(3, 10, 1000), c(3, 10, 1600),
                        c(4, 15, 1300))),
                new ServiceProfile("c", 900, 630, 0, List.of(c(0.5, 10, 900), c(1, 10, 420), c(1, 15, 630),
                        c(2, 20, 700))),
                // a single deployment: only K-HPA adds, keeps or scale-down checks
                new ServiceProfile("d", 1000, 800, 1, List.of(c(1, 10, 600), c(1, 10, 900))));
    }

    private static Trace randomTrace(List<String> names, int rows, long seed) {
        Random rnd = new Random(seed);
        double[][] data = new double[rows][names.size()];
        for (double[] row : data) {
            for (int i = 0; i < row.length; i++) {
                // zero traffic now and then (scale to zero with minPods 0)
                row[i] = rnd.nextInt(6) == 0 ? 0 : rnd.nextInt(45);
            }
        }
        return new Trace("random-" + seed, names, data);
    }

    private static void agree(QuotaModel model, Trace trace) {
        QuotaEnv env = new QuotaEnv(model, trace);
        OptimalPlanner.Plan fast = OptimalPlanner.solve(env);
        double naive = NaiveOptimalPlanner.solve(env).value();
        assertThat(fast.value()).as("%s quota %s minPods %d", trace.source(), model.quota(), model.minPods())
                .isEqualTo(naive);
        assertThat(OptimalPlannerTest.play(env, fast.actions())).isEqualTo(fast.value());
    }

    @Test
    void agreesWithTheNaiveDynamicProgramOnGeneralModels() {
        List<ServiceProfile> all = services();
        List<List<ServiceProfile>> sets = List.of(all.subList(0, 1), all.subList(0, 2), all.subList(0, 3), all,
                List.of(all.get(3), all.get(1), all.get(2)));
        long seed = 1;
        for (List<ServiceProfile> set : sets) {
            List<String> names = new ArrayList<>();
            set.forEach(s -> names.add(s.name()));
            for (double quota : new double[] {12, 25, 40}) {
                for (int minPods : new int[] {0, 1}) {
                    agree(QuotaModel.general(set, quota, minPods), randomTrace(names, 6, seed++));
                }
            }
        }
    }

    @Test
    void agreesWithTheNaiveDynamicProgramElsewhereInTheTrace() {
        for (QuotaModel model : List.of(PaperProfile.model(), PaperProfile.generalModel())) {
            QuotaEnv env = new QuotaEnv(model, OptimalPlannerTest.TRAIN.slice(100, 108));
            assertThat(OptimalPlanner.solve(env).value()).isEqualTo(NaiveOptimalPlanner.solve(env).value());
        }
    }

    @Test
    void agreesFromTheMiddleOfAnEpisode() {
        QuotaEnv env = PaperProfile.env(OptimalPlannerTest.TRAIN);
        env.reset(0);
        Random rnd = new Random(7);
        for (int k = 0; k < 120; k++) {
            env.step(new int[] {rnd.nextInt(22), rnd.nextInt(7), rnd.nextInt(8)});
        }
        QuotaState state = env.state();
        for (int steps : new int[] {1, 5, 80}) {
            OptimalPlanner.Plan fast = new OptimalPlanner(env.model()).solve(state, env::trafficAt, steps);
            NaiveOptimalPlanner.Plan naive = steps > 10 ? null
                    : new NaiveOptimalPlanner(env.model()).solve(state, env::trafficAt, steps);
            if (naive != null) {
                assertThat(fast.value()).isEqualTo(naive.value());
            }
            // the paper's 200th step (weight 100) is inside the last horizon
            assertThat(fast.actions()).hasSize(steps);
            // its value is what its actions earn, played from the same state
            QuotaEnv replay = PaperProfile.env(OptimalPlannerTest.TRAIN);
            replay.reset(0);
            Random again = new Random(7);
            for (int k = 0; k < 120; k++) {
                replay.step(new int[] {again.nextInt(22), again.nextInt(7), again.nextInt(8)});
            }
            double earned = 0;
            for (int[] a : fast.actions()) {
                earned += replay.step(a).reward();
            }
            assertThat(earned).as("%d steps", steps).isCloseTo(fast.value(), within(1e-6 * Math.abs(fast.value())));
        }
    }

    @Test
    void solvesOneOrTwoServices() {
        for (List<ServiceProfile> set : List.of(services().subList(0, 1), services().subList(0, 2))) {
            List<String> names = set.stream().map(ServiceProfile::name).toList();
            QuotaEnv env = new QuotaEnv(QuotaModel.general(set, 10, 0), randomTrace(names, 8, 5));
            OptimalPlanner.Plan plan = OptimalPlanner.solve(env);
            assertThat(OptimalPlannerTest.play(env, plan.actions())).isEqualTo(plan.value());
        }
    }

    @Test
    void sameResultWithOneOrTwoThreadsOnAGeneralModel() {
        List<ServiceProfile> set = services();
        QuotaModel model = QuotaModel.general(set, 30, 0);
        Trace trace = randomTrace(List.of("a", "b", "c", "d"), 12, 99);
        QuotaEnv env = new QuotaEnv(model, trace);
        QuotaState start = model.initialState(trace.row(0));
        OptimalPlanner.Plan one = new OptimalPlanner(model, 1).solve(start, env::trafficAt, env.episodeLength());
        OptimalPlanner.Plan two = new OptimalPlanner(model, 2).solve(start, env::trafficAt, env.episodeLength());
        OptimalPlanner.Plan three = new OptimalPlanner(model, 3).solve(start, env::trafficAt, env.episodeLength());
        assertThat(two.value()).isEqualTo(one.value());
        assertThat(two.actions()).containsExactlyElementsOf(one.actions());
        assertThat(three.actions()).containsExactlyElementsOf(one.actions());
        assertThat(OptimalPlannerTest.play(env, one.actions())).isEqualTo(one.value());
    }
}
