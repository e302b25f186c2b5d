package dev.kdrl.env.value;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kdrl.core.policy.Activation;
import dev.kdrl.core.policy.ActorHead;
import dev.kdrl.core.policy.Mlp;
import dev.kdrl.core.policy.ObservationNormalizer;
import dev.kdrl.core.policy.PolicyFile;
import dev.kdrl.core.policy.SavedPolicy;
import dev.kdrl.core.rng.Rng;
import dev.kdrl.env.baseline.EmpiricalTraffic;
import dev.kdrl.env.baseline.ExpectedValuePolicy;
import dev.kdrl.env.baseline.GreedyPolicy;
import dev.kdrl.env.baseline.TrafficDistribution;
import dev.kdrl.env.metrics.EpisodeRunner;
import dev.kdrl.env.paper.PaperProfile;
import dev.kdrl.env.quota.QuotaEnv;
import dev.kdrl.env.quota.QuotaModel;
import dev.kdrl.env.quota.QuotaState;
import dev.kdrl.env.quota.ServiceProfile;
import dev.kdrl.env.quota.Transition;
import dev.kdrl.env.trace.Trace;
import dev.kdrl.env.trace.TraceCsv;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AfterstatePolicyTest {
    private static final Trace TRAIN = TraceCsv.read(Path.of("../datasets/paper/train-200.csv"));
    private static final QuotaModel MODEL = PaperProfile.model();
    private static final int SIZE = AfterstateFeatures.size(MODEL);
    private static final int SIZE_TRAFFIC = AfterstateFeatures.size(MODEL, true);

    /** A value network with seeded random weights (scale) and zero output bias. */
    static Mlp net(long seed, double scale) {
        return net(seed, scale, SIZE);
    }

    /** A value network of {@code inputs} inputs with seeded random weights (scale) and zero output bias. */
    static Mlp net(long seed, double scale, int inputs) {
        Rng rng = Rng.of(seed);
        int[] sizes = {inputs, 8, 1};
        double[][] w = new double[2][];
        double[][] b = new double[2][];
        for (int l = 0; l < 2; l++) {
            w[l] = new double[sizes[l] * sizes[l + 1]];
            b[l] = new double[sizes[l + 1]];
            for (int i = 0; i < w[l].length; i++) {
                w[l][i] = rng.nextGaussian() * scale;
            }
        }
        return Mlp.of(sizes, Activation.TANH, w, b);
    }

    private static AfterstatePolicy policy(QuotaEnv env, Mlp v, int candidates) {
        return new AfterstatePolicy(MODEL, env::state, v, ObservationNormalizer.identity(SIZE), 0.8, 1e-3, candidates);
    }

    @Test
    void withAZeroValueItIsTheGreedyPlanner() {
        for (int k : new int[] {1, 5}) {
            QuotaEnv env = new QuotaEnv(MODEL, TRAIN);
            QuotaEnv ref = new QuotaEnv(MODEL, TRAIN);
            AfterstatePolicy p = policy(env, net(1, 0), k);
            GreedyPolicy greedy = GreedyPolicy.of(ref);
            env.reset(0);
            ref.reset(0);
            while (!env.episodeOver()) {
                int[] a = p.act(null);
                assertThat(a).containsExactly(greedy.act(null));
                env.step(a);
                ref.step(a);
            }
        }
    }

    @Test
    void theCandidatesAreTheBestJointActionsByImmediateRewardScoredWithTheValue() {
        QuotaEnv env = new QuotaEnv(MODEL, TRAIN);
        env.reset(0);
        Rng rng = Rng.of(4);
        for (int t = 0; t < 17; t++) {
            env.step(env.actionSpace().sample(rng));
        }
        QuotaState s = env.state();
        Mlp v = net(2, 0.5);
        AfterstatePolicy p = policy(env, v, 6);
        AfterstatePolicy.Scores scores = new AfterstatePolicy.Scores(6);
        int[] chosen = p.act(s, scores);
        // brute force: every joint action's reward, stable-sorted by reward descending (lexicographic among ties)
        List<int[]> all = new ArrayList<>();
        int[] nvec = MODEL.actionSpace().nvec();
        for (int a = 0; a < nvec[0]; a++) {
            for (int b = 0; b < nvec[1]; b++) {
                for (int c = 0; c < nvec[2]; c++) {
                    all.add(new int[] {a, b, c});
                }
            }
        }
        boolean fin = MODEL.isPaperFinalStep(s.step());
        all.sort(Comparator.comparingDouble((int[] a) -> -MODEL.reward(MODEL.decide(s, a), fin)));
        assertThat(scores.count).isEqualTo(6);
        double best = Double.NEGATIVE_INFINITY;
        int bestJ = -1;
        for (int j = 0; j < 6; j++) {
            assertThat(scores.candidates[j]).containsExactly(all.get(j));
            Transition tr = MODEL.decide(s, all.get(j));
            double r = MODEL.reward(tr, fin);
            assertThat(scores.reward[j]).isEqualTo(r);
            double score = r * 1e-3 + 0.8 * v.forward(AfterstateFeatures.of(MODEL, s, tr))[0];
            assertThat(scores.score[j]).isEqualTo(score);
            if (score > best) {
                best = score;
                bestJ = j;
            }
        }
        assertThat(chosen).containsExactly(all.get(bestJ));
        assertThat(scores.best).isEqualTo(bestJ);
    }

    @Test
    void aMarginKeepsGreedysChoiceUnlessAnotherScoresHigherByMoreThanIt() {
        Mlp v = net(2, 0.5);
        int differ = 0;
        for (double margin : new double[] {0, 0.3, 1e6}) {
            QuotaEnv env = new QuotaEnv(MODEL, TRAIN);
            QuotaEnv ref = new QuotaEnv(MODEL, TRAIN);
            var p = new AfterstatePolicy(MODEL, env::state, v, ObservationNormalizer.identity(SIZE), 0.8, 1e-3, 6,
                    margin);
            GreedyPolicy greedy = GreedyPolicy.of(ref);
            AfterstatePolicy.Scores scores = new AfterstatePolicy.Scores(6);
            env.reset(0);
            ref.reset(0);
            int notGreedy = 0;
            while (!env.episodeOver()) {
                int[] a = p.act(env.state(), scores);
                int[] g = greedy.act(null);
                assertThat(scores.candidates[0]).containsExactly(g);
                if (scores.best == 0) {
                    assertThat(a).containsExactly(g);
                    for (int j = 1; j < scores.count; j++) {
                        assertThat(scores.score[j]).isLessThanOrEqualTo(scores.score[0] + margin);
                    }
                } else {
                    notGreedy++;
                    assertThat(scores.score[scores.best]).isGreaterThan(scores.score[0] + margin);
                }
                env.step(a);
                ref.step(a);
            }
            if (margin == 0) {
                differ = notGreedy;
            } else if (margin > 1e5) {
                assertThat(notGreedy).isZero();
            } else {
                assertThat(notGreedy).isLessThan(differ);
            }
        }
        assertThat(differ).isPositive();
        assertThatThrownBy(() -> new AfterstatePolicy(MODEL, () -> null, v, ObservationNormalizer.identity(SIZE), 0.8,
                1e-3, 6, -1)).hasMessage("margin must be a finite number >= 0, got -1.0");
    }

    @Test
    void theFeaturesAreWhatTheySay() {
        QuotaEnv env = new QuotaEnv(MODEL, TRAIN);
        env.reset(0);
        for (int t = 0; t < 5; t++) {
            env.step(new int[] {20, 1, 3});
        }
        QuotaState s = env.state();
        Transition tr = MODEL.decide(s, new int[] {16, 4, 5});
        double[] f = AfterstateFeatures.of(MODEL, s, tr);
        assertThat(f).hasSize(22 + 7 + 8 + 3 * 4 + 2);
        int k = 0;
        double held = 0;
        for (int i = 0; i < 3; i++) {
            ServiceProfile svc = MODEL.service(i);
            for (int a = 0; a < svc.numActions(); a++) {
                assertThat(f[k++]).isEqualTo(a == tr.action()[i] ? 1 : 0);
            }
            assertThat(f[k++]).isEqualTo(tr.pods()[i]);
            assertThat(f[k++]).isEqualTo(MODEL.store(tr.resources()[i]) / 40);
            assertThat(f[k++]).isEqualTo(s.traffic()[i]);
            int pods = MODEL.podsNeeded(i, tr.action()[i], s.traffic()[i]);
            assertThat(f[k++]).isEqualTo(MODEL.requestedCores(pods, svc.config(tr.action()[i]).cpu()) / 40);
            held += tr.resources()[i];
        }
        assertThat(f[k++]).isEqualTo(held / 40);
        assertThat(f[k]).isZero();
    }

    @Test
    void aSavedPolicyActsTheSameAfterLoadingAndRefusesAnotherEnvironment(@TempDir Path dir) {
        Mlp v = net(3, 0.7);
        ObservationNormalizer norm = ObservationNormalizer.identity(SIZE);
        SavedPolicy saved = new SavedPolicy("afterstate", Map.of("gamma", "0.8", "reward_scale", "0.001",
                "candidates", "4"), AfterstatePolicy.signature(MODEL, "paper"), v, null, norm, "test",
                ActorHead.AFTERSTATE_VALUE);
        Path file = dir.resolve("as.zip");
        PolicyFile.save(saved, file);
        SavedPolicy loaded = PolicyFile.load(file);
        assertThat(loaded.head()).isEqualTo(ActorHead.AFTERSTATE_VALUE);
        assertThat(loaded.env().observation()).isEqualTo("afterstate");
        QuotaEnv a = new QuotaEnv(MODEL, TRAIN);
        QuotaEnv b = new QuotaEnv(MODEL, TRAIN);
        var fromFile = AfterstatePolicy.of(MODEL, a::state, loaded, AfterstatePolicy.signature(MODEL, "paper"));
        var direct = new AfterstatePolicy(MODEL, b::state, v, norm, 0.8, 1e-3, 4);
        assertThat(fromFile.name()).isEqualTo("model(afterstate)");
        assertThat(EpisodeRunner.episodeReturn(a, fromFile, 0L)).isEqualTo(EpisodeRunner.episodeReturn(b, direct, 0L));
        assertThatThrownBy(loaded::actingPolicy).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("acts by a one-step search on the environment's model");
        assertThatThrownBy(() -> AfterstatePolicy.of(MODEL.withQuota(60), a::state, loaded,
                AfterstatePolicy.signature(MODEL.withQuota(60), "paper")))
                .hasMessage("the policy was trained for a different environment (the policy's, then this one's): quota 40.0 vs 60.0");
        SavedPolicy noCandidates = new SavedPolicy("afterstate", Map.of("gamma", "0.8", "reward_scale", "0.001"),
                loaded.env(), v, null, norm, "test", ActorHead.AFTERSTATE_VALUE);
        assertThatThrownBy(() -> AfterstatePolicy.of(MODEL, a::state, noCandidates, loaded.env()))
                .hasMessage("manifest field 'hyper.candidates' is missing (expected a whole number >= 1)");
    }

    /** Each hyper-parameter a saved afterstate policy acts by is checked, named as the field of the manifest. */
    @Test
    void savedHyperParametersAreRefusedNamingTheManifestField() {
        Map<String, String> good = new java.util.LinkedHashMap<>(Map.of("gamma", "0.8", "reward_scale", "0.001",
                "candidates", "4", "margin", "0.4"));
        good.putAll(AfterstatePolicy.Lookahead.defaults().hyperParameters());
        AfterstatePolicy.checkHyperParameters(good);
        // {key, value (null: left out), the message}
        for (String[] c : List.of(
                new String[] {"gamma", "abc", "manifest field 'hyper.gamma' is 'abc' (expected a number >= 0 and <= 1)"},
                new String[] {"gamma", "1.5", "manifest field 'hyper.gamma' is '1.5' (expected a number >= 0 and <= 1)"},
                new String[] {"reward_scale", "0", "manifest field 'hyper.reward_scale' is '0' (expected a finite "
                        + "number > 0)"},
                new String[] {"candidates", "0", "manifest field 'hyper.candidates' is '0' (expected a whole number "
                        + ">= 1)"},
                new String[] {"candidates", "2.5", "manifest field 'hyper.candidates' is '2.5' (expected a whole "
                        + "number >= 1)"},
                new String[] {"margin", "-1", "manifest field 'hyper.margin' is '-1' (expected a finite number >= 0)"},
                new String[] {"lookahead_candidates", "0", "manifest field 'hyper.lookahead_candidates' is '0' "
                        + "(expected a whole number from 1 to 64)"},
                new String[] {"lookahead_samples", "0", "manifest field 'hyper.lookahead_samples' is '0' (expected a "
                        + "whole number >= 1)"},
                new String[] {"lookahead_value_weight", "NaN", "manifest field 'hyper.lookahead_value_weight' is "
                        + "'NaN' (expected a number >= 0 and <= 1)"},
                new String[] {"lookahead_confidence", "-1", "manifest field 'hyper.lookahead_confidence' is '-1' "
                        + "(expected a finite number >= 0)"},
                new String[] {"lookahead_confidence", null, "manifest field 'hyper.lookahead_anchor_confidence' is "
                        + "'0.5' (expected 0 while 'hyper.lookahead_confidence' is missing: an anchor needs a "
                        + "confidence above 0)"})) {
            Map<String, String> h = new java.util.LinkedHashMap<>(good);
            if (c[1] == null) {
                h.remove(c[0]);
            } else {
                h.put(c[0], c[1]);
            }
            assertThatThrownBy(() -> AfterstatePolicy.checkHyperParameters(h)).as(c[0] + "=" + c[1]).hasMessage(c[2]);
        }
    }

    @Test
    void withAZeroValueWeightTheTwoStepSearchIsTheExpected2Planner() {
        assertThat(playsLikeExpected2(0)).as("decisions where looking ahead changed greedy's choice").isPositive();
    }

    @Test
    void withAConfidenceTheTwoStepSearchIsTheCautiousExpected2PlannerAndDecidesOtherwise() {
        // both choose by CautiousChoice, each from its own per-sample values
        int cautious = playsLikeExpected2(1);
        assertThat(cautious).as("decisions where looking ahead changed greedy's choice").isPositive();
        assertThat(cautious).as("the confidence keeps greedy's choice more often").isLessThan(playsLikeExpected2(0));
    }

    /**
     * Plays 40 steps with a zero value weight and {@code confidence}, checking every decision against expected-2's
     * with the same settings; returns how many differ from greedy's.
     */
    private static int playsLikeExpected2(double confidence) {
        return playsLikeExpected2(new AfterstatePolicy.Lookahead(6, 12, 0, confidence), confidence);
    }

    /**
     * Plays 40 steps with the two-step settings {@code look} (6 candidates, 12 samples), checking every decision
     * against expected-2's with the same candidates and samples and {@code plannerConfidence}; returns how many differ
     * from greedy's.
     */
    private static int playsLikeExpected2(AfterstatePolicy.Lookahead look, double plannerConfidence) {
        EmpiricalTraffic traffic = EmpiricalTraffic.fit(TRAIN, MODEL.serviceNames(), EmpiricalTraffic.Kind.AR1);
        QuotaEnv env = new QuotaEnv(MODEL, TRAIN.slice(0, 40));
        QuotaEnv ref = new QuotaEnv(MODEL, TRAIN.slice(0, 40));
        // reward scale 1, so that the sums are the planner's to the last bit
        AfterstatePolicy p = new AfterstatePolicy(MODEL, env::state, net(5, 0.5), ObservationNormalizer.identity(SIZE),
                0.8, 1, 4, 0.4).setLookahead(look).setTraffic(traffic, env.episodeLength(), 3);
        ExpectedValuePolicy planner = ExpectedValuePolicy.of(ref, traffic,
                new ExpectedValuePolicy.Settings(1, 6, 12, 3, plannerConfidence));
        GreedyPolicy greedy = GreedyPolicy.of(ref);
        env.reset(0);
        ref.reset(0);
        int notGreedy = 0;
        while (!env.episodeOver()) {
            int[] a = p.act(null);
            assertThat(a).containsExactly(planner.act(null));
            notGreedy += java.util.Arrays.equals(a, greedy.act(null)) ? 0 : 1;
            env.step(a);
            ref.step(a);
        }
        return notGreedy;
    }

    @Test
    void anAnchoredSearchKeepsExpected2sDecisionUnlessTheValueClearlyBeatsIt() {
        // an anchor that nothing can beat (a value weighing 0.4, a confidence of 1e9): expected-2's decision, with the
        // anchor's confidence, at every step
        assertThat(playsLikeExpected2(new AfterstatePolicy.Lookahead(6, 12, 0.4, 1e9, 0.5), 0.5))
                .as("decisions where the planner left greedy's choice").isPositive();

        // a reachable bar: the decision an oracle takes from the per-sample scores with and without the value
        Mlp v = net(7, 3);
        double[][] next = {{30, 40, 50}, {80, 20, 10}, {55, 90, 35}, {10, 60, 75}, {95, 5, 60}, {45, 45, 20}};
        TrafficDistribution six = (state, max, rng) -> next;
        QuotaEnv walk = new QuotaEnv(MODEL, TRAIN);
        walk.reset(0);
        int plannerMoved = 0;
        int valueMoved = 0;
        for (int t = 0; t < 30; t++) {
            QuotaState s = walk.state();
            AfterstatePolicy anchored = new AfterstatePolicy(MODEL, () -> s, v, ObservationNormalizer.identity(SIZE),
                    0.8, 1e-3, 3).setLookahead(new AfterstatePolicy.Lookahead(5, 6, 1, 0.5, 0.5)).setTraffic(six, 200,
                    0);
            AfterstatePolicy.Scores first = new AfterstatePolicy.Scores(5);
            new AfterstatePolicy(MODEL, () -> s, v, ObservationNormalizer.identity(SIZE), 0.8, 1e-3, 5).act(s, first);
            double[][] q = new double[first.count][next.length];
            double[][] q0 = new double[first.count][next.length];
            for (int j = 0; j < first.count; j++) {
                Transition t1 = MODEL.decide(s, first.candidates[j]);
                for (int k = 0; k < next.length; k++) {
                    QuotaState s2 = MODEL.next(s, t1, next[k]);
                    AfterstatePolicy.Scores second = new AfterstatePolicy.Scores(3);
                    new AfterstatePolicy(MODEL, () -> s2, v, ObservationNormalizer.identity(SIZE), 0.8, 1e-3, 3)
                            .act(s2, second);
                    double m = Double.NEGATIVE_INFINITY;
                    double m0 = Double.NEGATIVE_INFINITY;
                    for (int c = 0; c < second.count; c++) {
                        Transition t2 = MODEL.decide(s2, second.candidates[c]);
                        m = Math.max(m, second.reward[c] * 1e-3 + v.forward(AfterstateFeatures.of(MODEL, s2, t2))[0]);
                        m0 = Math.max(m0, second.reward[c] * 1e-3);
                    }
                    q[j][k] = first.reward[j] * 1e-3 + m;
                    q0[j][k] = (first.reward[j] + second.reward[0]) * 1e-3;
                    assertThat(m0).isEqualTo(second.reward[0] * 1e-3);
                }
            }
            int planned = boundChoice(q0, 0, 0.5);
            int chosen = boundChoice(q, planned, 0.5);
            assertThat(anchored.act(null)).as("step %d", t).containsExactly(first.candidates[chosen]);
            plannerMoved += planned != 0 ? 1 : 0;
            valueMoved += chosen != planned ? 1 : 0;
            walk.step(first.candidates[chosen]);
        }
        assertThat(plannerMoved).as("steps where the planner left greedy's choice").isPositive();
        assertThat(valueMoved).as("steps where the value left the planner's").isPositive();
        assertThatThrownBy(() -> new AfterstatePolicy.Lookahead(6, 12, 0.4, 0, 0.5))
                .hasMessage("a lookahead anchor confidence (0.5) needs a lookahead confidence above 0, got 0 (with a "
                        + "confidence of 0, give an anchor confidence of 0)");
        var saved = new AfterstatePolicy.Lookahead(6, 12, 0.4, 1, 0.5);
        assertThat(AfterstatePolicy.Lookahead.of(saved.hyperParameters())).isEqualTo(saved);
        assertThat(saved.hyperParameters()).containsEntry("lookahead_anchor_confidence", "0.5");
        assertThat(new AfterstatePolicy.Lookahead(6, 12, 0.4, 1).hyperParameters())
                .doesNotContainKey("lookahead_anchor_confidence");
    }

    /**
     * Of the rows {@code q[j]} (per-sample scores), the one whose mean advantage over row {@code ref}, less {@code k}
     * standard errors, is the highest positive one (ties to the lower index); {@code ref} when none is positive.
     */
    private static int boundChoice(double[][] q, int ref, double k) {
        int best = ref;
        double bestBound = 0;
        for (int j = 0; j < q.length; j++) {
            if (j == ref) {
                continue;
            }
            int n = q[j].length;
            double mean = 0;
            for (int s = 0; s < n; s++) {
                mean += (q[j][s] - q[ref][s]) / n;
            }
            double sq = 0;
            for (int s = 0; s < n; s++) {
                double d = q[j][s] - q[ref][s] - mean;
                sq += d * d;
            }
            double bound = mean - k * Math.sqrt(sq / (n - 1) / n);
            if (bound > bestBound) {
                bestBound = bound;
                best = j;
            }
        }
        return best;
    }

    @Test
    void theTwoStepScoreIsTheRewardPlusTheMeanOverSamplesOfTheBestOneStepScore() {
        QuotaEnv env = new QuotaEnv(MODEL, TRAIN);
        env.reset(0);
        for (int t = 0; t < 9; t++) {
            env.step(new int[] {20, 1, 3});
        }
        QuotaState s = env.state();
        Mlp v = net(6, 0.8);
        double[][] next = {{30, 40, 50}, {80, 20, 10}};
        TrafficDistribution two = (state, max, rng) -> next;
        AfterstatePolicy p = new AfterstatePolicy(MODEL, () -> s, v, ObservationNormalizer.identity(SIZE), 0.8, 1e-3, 3)
                .setLookahead(new AfterstatePolicy.Lookahead(5, 2, 0.5)).setTraffic(two, 200, 0);
        // brute force over the 5 best first decisions and the 3 best second ones
        AfterstatePolicy oneStep = new AfterstatePolicy(MODEL, () -> s, v, ObservationNormalizer.identity(SIZE), 0.8,
                1e-3, 5);
        AfterstatePolicy.Scores first = new AfterstatePolicy.Scores(5);
        oneStep.act(s, first);
        double best = Double.NEGATIVE_INFINITY;
        int[] expected = null;
        for (int j = 0; j < first.count; j++) {
            Transition t = MODEL.decide(s, first.candidates[j]);
            double sum = 0;
            for (double[] u : next) {
                QuotaState s2 = MODEL.next(s, t, u);
                AfterstatePolicy.Scores second = new AfterstatePolicy.Scores(3);
                new AfterstatePolicy(MODEL, () -> s2, v, ObservationNormalizer.identity(SIZE), 0.8, 1e-3, 3)
                        .act(s2, second);
                double m = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < second.count; k++) {
                    Transition t2 = MODEL.decide(s2, second.candidates[k]);
                    m = Math.max(m, second.reward[k] * 1e-3 + 0.5 * v.forward(AfterstateFeatures.of(MODEL, s2, t2))[0]);
                }
                sum += m;
            }
            double score = first.reward[j] * 1e-3 + sum / next.length;
            if (score > best) {
                best = score;
                expected = first.candidates[j];
            }
        }
        assertThat(p.act(null)).containsExactly(expected);
    }

    @Test
    void twoStepsIsTheSearchActTakesAndLastFeaturesWhatTheValueRead() {
        Mlp v = net(5, 0.6);
        QuotaEnv env = new QuotaEnv(MODEL, TRAIN.slice(0, 40));
        TrafficDistribution traffic = dev.kdrl.env.baseline.EmpiricalTraffic.fit(TRAIN, MODEL.serviceNames(),
                dev.kdrl.env.baseline.EmpiricalTraffic.Kind.AR1);
        AfterstatePolicy p = policy(env, v, 4).setLookahead(new AfterstatePolicy.Lookahead(6, 8, 0.4))
                .setTraffic(traffic, env.episodeLength(), 2);
        env.reset(0);
        assertThat(policy(env, v, 4).twoSteps(env.state())).as("no lookahead").isNull();
        int differ = 0;
        while (!env.episodeOver()) {
            var s = env.state();
            int[] searched = p.twoSteps(s);
            int[] acted = p.act(null);
            assertThat(p.decide(s)).as("decide on the state at hand is act's decision").containsExactly(acted);
            if (s.step() + 1 >= env.episodeLength()) {
                assertThat(searched).as("nothing follows the last decision").isNull();
            } else {
                assertThat(searched).containsExactly(acted);
                differ += java.util.Arrays.equals(searched, policy(env, v, 4).act(null)) ? 0 : 1;
            }
            var t = MODEL.decide(s, acted);
            double value = p.value(s, t);
            double[] expected = new double[SIZE];
            AfterstateFeatures.write(MODEL, s, t, expected);
            assertThat(p.lastFeatures()).containsExactly(expected);
            assertThat(value).isEqualTo(v.forward(expected)[0]);
            env.step(acted);
        }
        assertThat(differ).as("the search is not the one-step choice everywhere").isPositive();
    }

    @Test
    void withoutANextDecisionOrASampleTheTwoStepPolicyDecidesInOneStep() {
        Mlp v = net(7, 0.6);
        TrafficDistribution alwaysHigh = (state, max, rng) -> new double[][] {{200, 200, 200}};
        for (TrafficDistribution d : List.of(TrafficDistribution.none(), alwaysHigh)) {
            QuotaEnv env = new QuotaEnv(MODEL, TRAIN.slice(0, 30));
            QuotaEnv ref = new QuotaEnv(MODEL, TRAIN.slice(0, 30));
            // without samples the two-step policy decides in one step; with samples but no next decision (an episode
            // of one decision) it takes greedy's choice, as nothing follows
            int steps = d == alwaysHigh ? 1 : env.episodeLength();
            AfterstatePolicy p = new AfterstatePolicy(MODEL, env::state, v, ObservationNormalizer.identity(SIZE), 0.8,
                    1e-3, 4).setLookahead(new AfterstatePolicy.Lookahead(8, 4, 0.3)).setTraffic(d, steps, 0);
            AfterstatePolicy one = new AfterstatePolicy(MODEL, ref::state, v, ObservationNormalizer.identity(SIZE), 0.8,
                    1e-3, 4);
            env.reset(0);
            ref.reset(0);
            int[] a = p.act(null);
            assertThat(a).containsExactly(d == alwaysHigh ? GreedyPolicy.of(ref).act(null) : one.act(null));
        }
    }

    @Test
    void theValueCountsForNothingAfterTheLastDecisionAtTheLeavesOfTheSearch() {
        Mlp v = net(11, 2);
        double[][] next = {{30, 40, 50}, {80, 20, 10}, {60, 60, 60}};
        TrafficDistribution three = (state, max, rng) -> next;
        var look = new AfterstatePolicy.Lookahead(8, 3, 1);
        var noValue = new AfterstatePolicy.Lookahead(8, 3, 0);
        int differs = 0;
        QuotaEnv env = new QuotaEnv(MODEL, TRAIN);
        env.reset(0);
        for (int t = 0; t < 40; t++) {
            QuotaState s = env.state();
            java.util.function.BiFunction<AfterstatePolicy.Lookahead, Integer, int[]> act = (l, length) ->
                    new AfterstatePolicy(MODEL, () -> s, v, ObservationNormalizer.identity(SIZE), 0.8, 1e-3, 4)
                            .setLookahead(l).setTraffic(three, length, 0).act(null);
            // the next decision is the episode's last: its value counts for nothing, as if the weight were 0
            assertThat(act.apply(look, s.step() + 2)).containsExactly(act.apply(noValue, s.step() + 2));
            differs += java.util.Arrays.equals(act.apply(look, 200), act.apply(noValue, 200)) ? 0 : 1;
            env.step(GreedyPolicy.of(env).act(null));
        }
        assertThat(differs).as("states where the value at the leaves changes the decision").isPositive();
    }

    @Test
    void atAnEpisodesLastDecisionTheValueCountsForNothing() {
        // a value scaled up so that it overrules the immediate reward often
        Mlp v = net(8, 3);
        int differs = 0;
        for (int length = 2; length <= 30; length++) {
            QuotaEnv env = new QuotaEnv(MODEL, TRAIN.slice(0, length));
            QuotaEnv ref = new QuotaEnv(MODEL, TRAIN.slice(0, length));
            AfterstatePolicy p = policy(env, v, 6).setTraffic(TrafficDistribution.none(), env.episodeLength(), 0);
            AfterstatePolicy endless = policy(ref, v, 6);
            GreedyPolicy greedy = GreedyPolicy.of(ref);
            env.reset(0);
            ref.reset(0);
            while (!env.episodeOver()) {
                int[] a = p.act(null);
                boolean last = env.state().step() + 1 == env.episodeLength();
                int[] scored = endless.act(null);
                if (last) {
                    assertThat(a).containsExactly(greedy.act(null));
                    differs += java.util.Arrays.equals(scored, a) ? 0 : 1;
                } else {
                    assertThat(a).containsExactly(scored);
                }
                env.step(a);
                ref.step(a);
            }
        }
        assertThat(differs).as("last decisions where the value would have overruled greedy").isPositive();
    }

    @Test
    void theTrafficAwareFeaturesAppendTheStatistics() {
        QuotaEnv env = new QuotaEnv(MODEL, TRAIN);
        env.reset(0);
        env.step(new int[] {20, 1, 3});
        QuotaState s = env.state();
        Transition tr = MODEL.decide(s, new int[] {16, 4, 5});
        double[] stats = {0.1, 50, 20, 0.2, 60, 21, 0.3, 70, 22};
        double[] out = new double[SIZE_TRAFFIC];
        AfterstateFeatures.write(MODEL, s, tr, stats, out);
        assertThat(SIZE_TRAFFIC).isEqualTo(SIZE + 9);
        assertThat(java.util.Arrays.copyOf(out, SIZE)).containsExactly(AfterstateFeatures.of(MODEL, s, tr));
        assertThat(java.util.Arrays.copyOfRange(out, SIZE, SIZE_TRAFFIC)).containsExactly(stats);
        assertThat(AfterstateFeatures.observation(true)).isEqualTo("afterstate-traffic");
        assertThatThrownBy(() -> AfterstateFeatures.write(MODEL, s, tr, new double[4], out))
                .hasMessage("afterstate features: " + SIZE_TRAFFIC + " outputs and 4 traffic statistics, expected "
                        + SIZE_TRAFFIC + " and 9");
    }

    @Test
    void aTrafficAwareValueReadsTheDistributionsStatisticsElseTheTrainingAverage() {
        QuotaEnv env = new QuotaEnv(MODEL, TRAIN);
        env.reset(0);
        QuotaState s = env.state();
        Transition tr = MODEL.decide(s, new int[] {20, 1, 3});
        Mlp v = net(9, 0.5, SIZE_TRAFFIC);
        double[] mean = new double[SIZE_TRAFFIC];
        double[] var = new double[SIZE_TRAFFIC];
        for (int i = 0; i < SIZE_TRAFFIC; i++) {
            mean[i] = i * 0.5;
            var[i] = 1 + i;
        }
        ObservationNormalizer norm = ObservationNormalizer.of(mean, var, 100);
        EmpiricalTraffic traffic = EmpiricalTraffic.fit(TRAIN, MODEL.serviceNames(), EmpiricalTraffic.Kind.AR1);
        java.util.function.Function<double[], Double> expected = stats -> {
            double[] f = new double[SIZE_TRAFFIC];
            AfterstateFeatures.write(MODEL, s, tr, stats, f);
            return v.forward(norm.normalize(f))[0];
        };
        java.util.function.Supplier<AfterstatePolicy> fresh = () -> new AfterstatePolicy(MODEL, () -> s, v, norm, 0.8,
                1e-3, 4);
        AfterstatePolicy fitted = fresh.get().setTraffic(traffic, 200, 0);
        assertThat(fitted.trafficFeatures()).isTrue();
        assertThat(fitted.value(s, tr)).isEqualTo(expected.apply(traffic.statistics()));
        double[] average = java.util.Arrays.copyOfRange(mean, SIZE, SIZE_TRAFFIC);
        assertThat(fresh.get().value(s, tr)).isEqualTo(expected.apply(average));
        double[] given = {0.5, 40, 10, 0.5, 40, 10, 0.5, 40, 10};
        assertThat(fresh.get().setTraffic(traffic, 200, 0).setStatistics(given).value(s, tr))
                .isEqualTo(expected.apply(given));
        // statistics given after a value was computed replace those it read
        assertThat(fitted.setStatistics(given).value(s, tr)).isEqualTo(expected.apply(given));
        assertThat(fitted.setStatistics(null).value(s, tr)).isEqualTo(expected.apply(traffic.statistics()));
        // no sample but statistics (drl evaluate --dynamics cluster)
        AfterstatePolicy only = fresh.get().setTraffic(TrafficDistribution.statisticsOnly(given), 200, 0);
        assertThat(only.value(s, tr)).isEqualTo(expected.apply(given));
        assertThat(TrafficDistribution.statisticsOnly(given).sample(s, 8, Rng.of(0))).isEmpty();
        assertThat(expected.apply(given)).isNotEqualTo(expected.apply(traffic.statistics()))
                .isNotEqualTo(expected.apply(average));
        assertThatThrownBy(() -> fresh.get().setStatistics(new double[3]))
                .hasMessage("traffic statistics: 3 values, expected 9");
    }

    @Test
    void aTrafficAwareModelRoundTripsThroughThePolicyFileAndRefusesThePlainSignature(@TempDir Path dir) {
        Mlp v = net(10, 0.7, SIZE_TRAFFIC);
        ObservationNormalizer norm = ObservationNormalizer.identity(SIZE_TRAFFIC);
        SavedPolicy saved = new SavedPolicy("afterstate", Map.of("gamma", "0.8", "reward_scale", "0.001",
                "candidates", "4"), AfterstatePolicy.signature(MODEL, "paper", true), v, null, norm, "test",
                ActorHead.AFTERSTATE_VALUE);
        Path file = dir.resolve("traffic.zip");
        PolicyFile.save(saved, file);
        SavedPolicy loaded = PolicyFile.load(file);
        assertThat(loaded.env().observation()).isEqualTo("afterstate-traffic");
        assertThat(loaded.env().observationSize()).isEqualTo(SIZE_TRAFFIC);
        EmpiricalTraffic traffic = EmpiricalTraffic.fit(TRAIN, MODEL.serviceNames(), EmpiricalTraffic.Kind.AR1);
        QuotaEnv a = new QuotaEnv(MODEL, TRAIN);
        QuotaEnv b = new QuotaEnv(MODEL, TRAIN);
        var fromFile = SavedPolicies.acting(loaded, MODEL, "paper", a::state,
                new SavedPolicies.Future(traffic, a.episodeLength(), 0));
        var direct = new AfterstatePolicy(MODEL, b::state, v, norm, 0.8, 1e-3, 4)
                .setTraffic(traffic, b.episodeLength(), 0);
        assertThat(EpisodeRunner.episodeReturn(a, fromFile, 0L)).isEqualTo(EpisodeRunner.episodeReturn(b, direct, 0L));
        assertThatThrownBy(() -> AfterstatePolicy.of(MODEL, a::state, loaded, AfterstatePolicy.signature(MODEL, "paper")))
                .hasMessageContaining("afterstate-traffic");
    }

    @Test
    void theTwoStepSettingsRoundTripThroughThePolicyFileAndAreChecked(@TempDir Path dir) {
        Mlp v = net(3, 0.7);
        ObservationNormalizer norm = ObservationNormalizer.identity(SIZE);
        var look = new AfterstatePolicy.Lookahead(8, 32, 0.2);
        Map<String, String> h = new java.util.LinkedHashMap<>(Map.of("gamma", "0.8", "reward_scale", "0.001",
                "candidates", "4"));
        h.putAll(look.hyperParameters());
        SavedPolicy saved = new SavedPolicy("afterstate", h, AfterstatePolicy.signature(MODEL, "paper"), v, null, norm,
                "test", ActorHead.AFTERSTATE_VALUE);
        Path file = dir.resolve("as2.zip");
        PolicyFile.save(saved, file);
        SavedPolicy loaded = PolicyFile.load(file);
        assertThat(AfterstatePolicy.of(MODEL, () -> null, loaded, loaded.env()).lookahead()).isEqualTo(look);
        assertThat(look.hyperParameters()).doesNotContainKey("lookahead_confidence");
        var cautious = new AfterstatePolicy.Lookahead(8, 32, 0.2, 1.5);
        h.putAll(cautious.hyperParameters());
        SavedPolicy withConfidence = new SavedPolicy("afterstate", h, AfterstatePolicy.signature(MODEL, "paper"), v,
                null, norm, "test", ActorHead.AFTERSTATE_VALUE);
        PolicyFile.save(withConfidence, file);
        assertThat(AfterstatePolicy.of(MODEL, () -> null, PolicyFile.load(file), loaded.env()).lookahead())
                .isEqualTo(cautious);
        assertThatThrownBy(() -> new AfterstatePolicy.Lookahead(8, 32, 0.2, -1))
                .hasMessage("lookahead confidence must be a finite number >= 0, got -1.0");
        h.put("lookahead_samples", "0");
        SavedPolicy bad = new SavedPolicy("afterstate", h, loaded.env(), v, null, norm, "test",
                ActorHead.AFTERSTATE_VALUE);
        assertThatThrownBy(() -> AfterstatePolicy.of(MODEL, () -> null, bad, loaded.env()))
                .hasMessage("manifest field 'hyper.lookahead_samples' is '0' (expected a whole number >= 1)");
        assertThatThrownBy(() -> new AfterstatePolicy.Lookahead(65, 1, 0))
                .hasMessage("lookahead candidates must be in [1, 64], got 65");
        assertThatThrownBy(() -> new AfterstatePolicy.Lookahead(8, 1, 1.5))
                .hasMessage("lookahead value weight must be in [0, 1], got 1.5");
    }

    @Test
    void aValueNetworkOfTheWrongShapeIsRefused() {
        QuotaEnv env = new QuotaEnv(MODEL, TRAIN);
        Mlp wrong = Mlp.of(new int[] {9, 1}, Activation.TANH, new double[][] {new double[9]}, new double[][] {{0}});
        assertThatThrownBy(() -> policy(env, wrong, 3))
                .hasMessage("the value network has 9 inputs and 1 outputs; this model's afterstate needs " + SIZE
                        + " inputs (or " + SIZE_TRAFFIC + " with the traffic statistics) and 1 output");
    }
}
