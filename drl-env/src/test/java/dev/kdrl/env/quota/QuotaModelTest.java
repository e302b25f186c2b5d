package dev.kdrl.env.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kdrl.core.env.EnvChecker;
import dev.kdrl.core.rng.Rng;
import dev.kdrl.env.paper.PaperProfile;
import dev.kdrl.env.trace.Trace;
import dev.kdrl.env.trace.TraceCsv;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class QuotaModelTest {
    static final Trace TRAIN = TraceCsv.read(Path.of("../datasets/paper/train-200.csv"));
    static final Trace TEST = TraceCsv.read(Path.of("../datasets/paper/test-20.csv"));
    static final Trace NASA = TraceCsv.read(Path.of("../datasets/nasa/nasa-http-1995.csv"));

    static QuotaState state(QuotaModel m, int[] a, int[] pods, double[] res, double[] traffic) {
        return new QuotaState(1, a, pods, res, traffic, m.observation(res, a, traffic));
    }

    /** A load that is not a count of users (NaN, negative, infinite, huge) is refused, not read as minPods pods. */
    @Test
    void aLoadOrStateThatCannotBeIsRefused() {
        QuotaModel m = PaperProfile.model();
        assertThat(m.podsNeeded(0, 0, Trace.MAX_VALUE)).isPositive();
        for (double bad : new double[] {Double.NaN, -1, Double.POSITIVE_INFINITY, 1e12}) {
            assertThatThrownBy(() -> m.podsNeeded(0, 0, bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("service house: load " + bad + " (expected concurrent users >= 0 and <= 1000000000)");
            assertThatThrownBy(() -> m.resume(1, new int[3], new int[3], new double[3], new double[] {1, bad, 1}))
                    .hasMessage("traffic[1] is " + bad + " (expected a load >= 0 and <= 1000000000)");
        }
        assertThatThrownBy(() -> m.resume(1, new int[3], new int[] {0, 0, -1}, new double[3], new double[3]))
                .hasMessage("prevPod[2] is -1 (expected a pod count >= 0)");
        assertThatThrownBy(() -> m.resume(1, new int[3], new int[3], new double[] {-0.5, 0, 0}, new double[3]))
                .hasMessage("prevRes[0] is -0.5 (expected cores >= 0, finite)");
    }

    @Test
    void envCheckerPassesForThePaperAndTheGeneralEnvironment() {
        EnvChecker.check(PaperProfile.env(TRAIN), 1, 450);
        EnvChecker.check(PaperProfile.env(TEST), 2, 100);
        EnvChecker.check(new QuotaEnv(PaperProfile.generalModel(), TRAIN), 3, 450);
        EnvChecker.check(new QuotaEnv(PaperProfile.generalModel(), NASA.slice(0, 300)), 4, 700);
        QuotaModel scaleToZero = QuotaModel.general(PaperProfile.services(), 40, 0);
        EnvChecker.check(new QuotaEnv(scaleToZero, NASA.slice(0, 300)), 5, 700);
    }

    @Test
    void fiveServiceGeneralModelFromYamlRunsPlansAndKeepsTheContract() {
        QuotaModel five = dev.kdrl.env.profile.Profiles.load(
                Path.of("../datasets/profiles/example-5-services.yaml")).toModel();
        assertThat(five.actionSpace().size()).isEqualTo(5);
        Trace scaled = TraceCsv.read(Path.of("../datasets/nasa/nasa-http-1995-scaled100.csv"));
        double[][] rows = new double[60][5];
        for (int r = 0; r < 60; r++) {
            double[] row = scaled.row(600 + r);
            rows[r] = new double[] {row[0], row[1], row[2], row[0] / 2, row[1] / 3};
        }
        List<String> names = five.serviceNames();
        Trace trace = new Trace("nasa-5", names, rows);
        EnvChecker.check(new QuotaEnv(five, trace), 6, 200);
        QuotaEnv env = new QuotaEnv(five, trace.slice(0, 4));
        double greedy = dev.kdrl.env.metrics.EpisodeRunner.episodeReturn(env,
                dev.kdrl.env.baseline.GreedyPolicy.of(env), 0);
        var plan = dev.kdrl.env.baseline.OptimalPlanner.solve(env);
        assertThat(plan.value()).isGreaterThanOrEqualTo(greedy);
        env.reset(0);
        double replayed = 0;
        for (int[] a : plan.actions()) {
            replayed += env.step(a).reward();
        }
        assertThat(replayed).isEqualTo(plan.value());
    }

    @Test
    void podsFollowTheExactFloatingPointOrder() {
        QuotaModel m = PaperProfile.model();
        // house action 16 has concurrency 10: 21 / 10 / 0.7 = 3.0000000000000004 -> 4 pods
        assertThat(m.podsNeeded(0, 16, 21)).isEqualTo(4);
        assertThat(m.podsNeeded(0, 16, 14)).isEqualTo(2);
        assertThat(QuotaModel.latencyShare(690, 1200)).isEqualTo(57);
    }

    @Test
    void paperTruncatesRequestedCoresAndGeneralKeepsFractions() {
        assertThat(PaperProfile.model().requestedCores(3, 2.5)).isEqualTo(7);
        assertThat(PaperProfile.generalModel().requestedCores(3, 2.5)).isEqualTo(7.5);
    }

    @Test
    void paperScaleDownCheckIgnoresTheThirdServiceButTheGeneralModelSumsAll() {
        assertThat(PaperProfile.model().inChangeSum(2)).isFalse();
        assertThat(PaperProfile.model().inChangeSum(1)).isTrue();
        assertThat(PaperProfile.generalModel().inChangeSum(2)).isTrue();
    }

    /** Two decisions of the same state and action are equal, as values; any difference makes them unequal. */
    @Test
    void transitionsAreEqualByContent() {
        QuotaModel m = PaperProfile.model();
        int[] prev = {16, 4, 4};
        QuotaState s = state(m, prev, new int[] {2, 2, 2}, new double[] {8, 8, 4}, new double[] {14, 28, 14});
        Transition a = m.decide(s, prev);
        Transition b = m.decide(s, prev.clone());
        assertThat(a).isNotSameAs(b).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a).isNotEqualTo(m.decide(s, new int[] {16, 4, 5}));
        assertThat(a).isNotEqualTo(m.decide(state(m, prev, new int[] {2, 2, 2}, new double[] {8, 8, 4},
                new double[] {14, 35, 14}), prev));
        assertThat(a).isNotEqualTo(null).isNotEqualTo("a transition");
    }

    @Test
    void decisionKinds() {
        QuotaModel m = PaperProfile.model();
        // senti (max +2 pods by K-HPA, threshold 1500 ms): action 4 = (4 cores, 10, 800 ms)
        int[] prev = {16, 4, 4};
        int[] pods = {2, 2, 2};
        double[] res = {8, 8, 4};
        // senti traffic 28 -> ceil(28/10/0.7)=4 pods: +2 -> K-HPA add
        Transition t = m.decide(state(m, prev, pods, res, new double[] {14, 28, 14}), prev);
        assertThat(t.kinds()).containsExactly(ScaleKind.KEEP, ScaleKind.ADD, ScaleKind.KEEP);
        assertThat(t.pods()).containsExactly(2, 4, 2);
        assertThat(t.added()).containsExactly(0, 8, 0);
        assertThat(t.resources()).containsExactly(8, 16, 4);
        // senti traffic 35 -> 5 pods: +3 exceeds the step -> fresh revision
        t = m.decide(state(m, prev, pods, res, new double[] {14, 35, 14}), prev);
        assertThat(t.kinds()[1]).isEqualTo(ScaleKind.FRESH);
        assertThat(t.added()[1]).isEqualTo(20);
        // house on action 16 (230 ms <= 730) adds pods; a new configuration is fresh
        t = m.decide(state(m, prev, pods, res, new double[] {28, 14, 14}), new int[] {16, 4, 5});
        assertThat(t.kinds()).containsExactly(ScaleKind.ADD, ScaleKind.KEEP, ScaleKind.FRESH);
        // fewer pods without the scale-down check firing: keep pods and resources
        t = m.decide(state(m, prev, new int[] {5, 2, 2}, new double[] {20, 8, 4}, new double[] {14, 14, 14}), prev);
        assertThat(t.change()).isFalse();
        assertThat(t.kinds()[0]).isEqualTo(ScaleKind.KEEP);
        assertThat(t.pods()[0]).isEqualTo(5);
        assertThat(t.resources()[0]).isEqualTo(20);
    }

    @Test
    void scaleDownCheckFiresWhenHeldResourcesBreakTheQuotaButTheRequestFits() {
        QuotaModel m = PaperProfile.model();
        // house holds 10 pods x 4 = 40 cores on action 16; traffic drops to 14 -> 2 pods
        int[] prev = {16, 4, 4};
        QuotaState s = state(m, prev, new int[] {10, 2, 2}, new double[] {40, 8, 4}, new double[] {14, 14, 14});
        Transition t = m.decide(s, prev);
        // requested 8 + 8 + 4 = 20 <= 40, partial = 40 (held) + 8 = 48 > 40 -> fresh revision
        assertThat(t.change()).isTrue();
        assertThat(t.kinds()[0]).isEqualTo(ScaleKind.FRESH);
        assertThat(t.resources()[0]).isEqualTo(8);
        assertThat(t.pods()[0]).isEqualTo(2);
    }

    @Test
    void zeroTrafficScalesToTheMinimumWithoutDividingByZero() {
        QuotaModel one = QuotaModel.general(PaperProfile.services(), 40, 1);
        QuotaModel zero = QuotaModel.general(PaperProfile.services(), 40, 0);
        Trace idle = new Trace("idle", List.of("house", "senti", "numbr"), new double[][] {{0, 0, 0}, {0, 0, 0}});
        for (QuotaModel m : List.of(one, zero)) {
            QuotaEnv env = new QuotaEnv(m, idle);
            env.reset(0);
            var r = env.step(new int[] {0, 0, 0});
            assertThat(Double.isFinite(r.reward())).isTrue();
            assertThat(env.state().prevPod()).containsOnly(m.minPods());
        }
        // with no pods at all the efficiency term counts one smallest pod (0.5 cores)
        QuotaEnv env = new QuotaEnv(zero, idle);
        env.reset(0);
        double r = env.step(new int[] {0, 0, 0}).reward();
        double sub = 1200.0 / 1100 + 2200.0 / 1500 + 900.0 / 900;
        assertThat(r).isEqualTo(200 * (sub + 9 * 40 / 0.5));
    }

    @Test
    void generalEpisodeHasOneStepPerTraceRowAndPaperEpisodeSkipsRowZero() {
        assertThat(new QuotaEnv(PaperProfile.generalModel(), TRAIN).episodeLength()).isEqualTo(200);
        assertThat(new QuotaEnv(PaperProfile.generalModel(), TEST).episodeLength()).isEqualTo(20);
        assertThat(PaperProfile.env(TRAIN).episodeLength()).isEqualTo(200);
        assertThat(PaperProfile.env(TEST).episodeLength()).isEqualTo(19);
        assertThat(PaperProfile.env(NASA).episodeLength()).isEqualTo(200);
        QuotaEnv general = new QuotaEnv(PaperProfile.generalModel(), TEST);
        double[] first = general.reset(0);
        assertThat(first[2]).isEqualTo(TEST.value(0, 0));
        assertThat(PaperProfile.env(TEST).reset(0)).containsExactly(10, 25, 34, 20, 64, 28, 10, 55, 16);
    }

    @Test
    void eachEnvironmentOwnsItsTrace() {
        QuotaEnv a = PaperProfile.env(TRAIN);
        QuotaEnv b = PaperProfile.env(TEST);
        a.reset(0);
        b.reset(0);
        double[] obsA = a.step(new int[] {0, 0, 0}).observation();
        double[] obsB = b.step(new int[] {0, 0, 0}).observation();
        assertThat(obsA[2]).isEqualTo(TRAIN.value(1, 0));
        assertThat(obsB[2]).isEqualTo(TEST.value(1, 0));
    }

    @Test
    void traceColumnsAreMatchedByNameAndMissingOnesNamed() {
        Trace reordered = TRAIN.select(List.of("numbr", "house", "senti"));
        QuotaEnv env = PaperProfile.env(reordered);
        assertThat(env.trace().columns()).containsExactly("house", "senti", "numbr");
        Trace missing = TRAIN.select(List.of("house", "numbr"));
        assertThatThrownBy(() -> PaperProfile.env(missing))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no column 'senti'");
    }

    @Test
    void stepRejectsActionsOutsideTheSpace() {
        QuotaEnv env = PaperProfile.env(TEST);
        env.reset(0);
        assertThatThrownBy(() -> env.step(new int[] {22, 0, 0}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[22, 0, 0]");
    }

    @Test
    void jointEvaluatorMatchesDecideBitForBit() {
        for (QuotaModel m : List.of(PaperProfile.model(), PaperProfile.generalModel())) {
            Rng rng = Rng.of(11);
            JointActionEvaluator eval = new JointActionEvaluator(m);
            for (int k = 0; k < 40; k++) {
                int[] prev = m.actionSpace().sample(rng);
                int[] pods = {rng.nextInt(0, 12), rng.nextInt(0, 12), rng.nextInt(0, 12)};
                double[] res = new double[3];
                for (int i = 0; i < 3; i++) {
                    res[i] = m.store(pods[i] * m.service(i).config(prev[i]).cpu() + rng.nextInt(3) * 0.5);
                }
                double[] traffic = {rng.nextInt(101), rng.nextInt(101), rng.nextInt(101)};
                QuotaState s = state(m, prev, pods, res, traffic);
                eval.load(s);
                boolean fin = rng.nextBoolean();
                int[] count = {0};
                eval.forEach(fin, (index, action, change, reward) -> {
                    Transition t = m.decide(s, action);
                    assertThat(change).isEqualTo(t.change());
                    assertThat(reward).isEqualTo(m.reward(t, fin));
                    for (int i = 0; i < 3; i++) {
                        assertThat(eval.podsAfter(i, action[i], change)).isEqualTo(t.pods()[i]);
                        assertThat(eval.resources(i, action[i], change)).isEqualTo(t.resources()[i]);
                        assertThat(eval.kind(i, action[i], change)).isEqualTo(t.kinds()[i]);
                    }
                    assertThat(index).isEqualTo((int) m.actionSpace().flatten(action));
                    count[0]++;
                });
                assertThat(count[0]).isEqualTo(1232);
            }
        }
    }

    @Test
    void invalidModelsAreRejectedWithTheFieldAndValue() {
        assertThatThrownBy(() -> QuotaModel.general(PaperProfile.services(), -1, 1))
                .hasMessage("quota must be a finite number > 0, got -1.0");
        assertThatThrownBy(() -> QuotaModel.general(PaperProfile.services(), 40, -2))
                .hasMessage("minPods must be >= 0, got -2");
        assertThatThrownBy(() -> new ServiceConfig(0, 10, 100)).hasMessage("cpu must be a finite number > 0, got 0.0");
    }

    /** An embedder's general model is refused as a profile's is when no decision can keep its quota. */
    @Test
    void aGeneralModelWithNoRoomUnderItsQuotaIsRefused() {
        assertThatThrownBy(() -> QuotaModel.general(PaperProfile.services(), 1, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("QuotaModel.general: service house's smallest configuration needs 1.5 cores (1 pod of "
                        + "1.5), above the quota of 1 cores: expected a quota of at least that, or smaller "
                        + "configurations");
        assertThatThrownBy(() -> QuotaModel.general(PaperProfile.services(), 3.5, 2, "mine"))
                .hasMessageStartingWith("mine: service senti's smallest configuration needs 4 cores (2 pods of 2)");
        assertThatThrownBy(() -> QuotaModel.general(PaperProfile.services(), 5, 2, "mine"))
                .hasMessageStartingWith("mine: quota 5 cores is below the ");
        assertThat(QuotaModel.general(PaperProfile.services(), 2, 0).quota()).isEqualTo(2.0);
    }

    @Test
    void aLiveAgentNeverReachesThePublishedLastStep() {
        QuotaModel paper = PaperProfile.model();
        for (long n : new long[] {0, 1, 196, 197, 198, 199, 200, 5_000, Long.MAX_VALUE}) {
            int step = paper.liveStep(n);
            assertThat(paper.isPaperFinalStep(step)).as("decision after %d", n).isFalse();
            assertThat(paper.isPaperFinalStep(step + 1)).as("the one after that, after %d", n).isFalse();
        }
        assertThat(paper.liveStep(150)).isEqualTo(150);
        assertThat(paper.isPaperFinalStep(199)).isTrue();
        QuotaModel general = PaperProfile.generalModel();
        assertThat(general.liveStep(5_000)).isEqualTo(5_000);
        assertThat(general.liveStep(Long.MAX_VALUE)).isEqualTo(Integer.MAX_VALUE);
        assertThatThrownBy(() -> paper.liveStep(-1)).hasMessageContaining("got -1");
    }

}
