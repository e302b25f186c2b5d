package dev.kdrl.train.algo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kdrl.core.policy.ActorHead;
import dev.kdrl.core.policy.PolicyFile;
import dev.kdrl.core.policy.SavedPolicy;
import dev.kdrl.env.baseline.EmpiricalTraffic;
import dev.kdrl.env.baseline.GreedyPolicy;
import dev.kdrl.env.metrics.EpisodeRunner;
import dev.kdrl.env.paper.PaperProfile;
import dev.kdrl.env.quota.NoisyTraces;
import dev.kdrl.env.quota.QuotaEnv;
import dev.kdrl.env.quota.QuotaModel;
import dev.kdrl.env.trace.Trace;
import dev.kdrl.env.trace.TraceCsv;
import dev.kdrl.env.value.AfterstateFeatures;
import dev.kdrl.env.value.AfterstatePolicy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

class AfterstateTdTest {
    private static final Trace TRAIN = TraceCsv.read(Path.of("../datasets/paper/train-200.csv"));
    private static final QuotaModel MODEL = PaperProfile.model();

    private static AfterstateTd.Config config(long seed, double epsilon) {
        return new AfterstateTd.Config(0.8, 0, 4, 0, epsilon, 0, 4, 256, 1e-3, 1e-3, new int[] {32, 32}, 0, seed,
                DataType.FLOAT);
    }

    private static List<Map<String, Double>> run(AfterstateTd td, long steps) {
        List<Map<String, Double>> out = new ArrayList<>();
        td.learn(steps, m -> out.add(Map.copyOf(m)) || true);
        out.replaceAll(m -> {
            Map<String, Double> c = new java.util.TreeMap<>(m);
            c.keySet().removeIf(k -> k.endsWith("_s"));
            return c;
        });
        return out;
    }

    @Test
    void sameSeedSameRunAndAnotherSeedAnother() {
        var a = run(new AfterstateTd(MODEL, new NoisyTraces(MODEL, TRAIN, 0.2), 2, config(1, 0.1)), 1600);
        var b = run(new AfterstateTd(MODEL, new NoisyTraces(MODEL, TRAIN, 0.2), 2, config(1, 0.1)), 1600);
        var c = run(new AfterstateTd(MODEL, new NoisyTraces(MODEL, TRAIN, 0.2), 2, config(2, 0.1)), 1600);
        assertThat(a).hasSize(4).isEqualTo(b).isNotEqualTo(c);
        assertThat(a.get(3).get("time/total_timesteps")).isEqualTo(1600.0);
        assertThat(a.get(0).get("train/explored")).isBetween(0.02, 0.25);
    }

    @Test
    void theValueLearnsTheReturnsAndTheSavedPolicyActsLikeTheTrainedOne(@TempDir Path dir) {
        AfterstateTd td = new AfterstateTd(MODEL, new NoisyTraces(MODEL, TRAIN, 0.2), 4, config(3, 0.05));
        run(td, 24000);
        // on an episode it never trained on (train-200 as recorded), the value predicts each afterstate's discounted
        // return without bias
        QuotaEnv env = new QuotaEnv(MODEL, TRAIN);
        AfterstatePolicy policy = td.policy(env::state);
        env.reset(0);
        List<Double> predicted = new ArrayList<>();
        List<Double> rewards = new ArrayList<>();
        while (!env.episodeOver()) {
            var before = env.state();
            int[] a = policy.act(null);
            predicted.add(policy.value(before, MODEL.decide(before, a)));
            rewards.add(env.step(a).reward() * 1e-3);
        }
        int n = rewards.size();
        double[] g = new double[n];
        for (int t = n - 2; t >= 0; t--) {
            g[t] = rewards.get(t + 1) + 0.8 * g[t + 1];
        }
        double mean = java.util.Arrays.stream(g).average().orElseThrow();
        double var = 0;
        double mse = 0;
        for (int t = 0; t < n; t++) {
            var += (g[t] - mean) * (g[t] - mean) / n;
            mse += (g[t] - predicted.get(t)) * (g[t] - predicted.get(t)) / n;
        }
        double predictedMean = predicted.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        assertThat(mean).isGreaterThan(5);
        assertThat(predictedMean).isCloseTo(mean, org.assertj.core.api.Assertions.withinPercentage(15));
        // an unlearned value (zero) would err by about mean^2 + var; the future traffic the value cannot know keeps
        // the error near the returns' own variance
        assertThat(mse).isLessThan(0.1 * (mean * mean + var)).isLessThan(1.2 * var);
        var signature = AfterstatePolicy.signature(MODEL, "paper");
        SavedPolicy saved = td.snapshot(signature);
        assertThat(saved.head()).isEqualTo(ActorHead.AFTERSTATE_VALUE);
        assertThat(saved.hyperParameters()).containsEntry("candidates", "4").containsEntry("gamma", "0.8")
                .containsEntry("reward_scale", "0.001");
        Path file = dir.resolve("model.zip");
        PolicyFile.save(saved, file);
        QuotaEnv a = new QuotaEnv(MODEL, TRAIN);
        QuotaEnv b = new QuotaEnv(MODEL, TRAIN);
        double trained = EpisodeRunner.episodeReturn(a, td.policy(a::state), 0L);
        double loaded = EpisodeRunner.episodeReturn(b, AfterstatePolicy.of(MODEL, b::state, PolicyFile.load(file),
                signature), 0L);
        assertThat(loaded).isEqualTo(trained);
        // the value changes decisions: the trained policy is not the greedy planner
        QuotaEnv ge = new QuotaEnv(MODEL, TRAIN);
        assertThat(trained).isNotEqualTo(EpisodeRunner.episodeReturn(ge, GreedyPolicy.of(ge), 0L));
        // the training's own evaluation (eval/return, best.zip) knows where its episode ends, as drl evaluate does:
        // nothing follows the last decision, so it is greedy's; a policy without the end would often decide otherwise
        int otherwise = 0;
        for (int end = 20; end <= 200; end += 10) {
            QuotaEnv e = new QuotaEnv(MODEL, TRAIN.slice(0, end));
            AfterstatePolicy evaluated = td.policy(e);
            e.reset(0);
            while (e.state().step() + 1 < e.episodeLength()) {
                e.step(evaluated.act(null));
            }
            int[] last = evaluated.act(null);
            assertThat(last).containsExactly(GreedyPolicy.of(e).act(null));
            otherwise += java.util.Arrays.equals(td.policy(e::state).act(null), last) ? 0 : 1;
        }
        assertThat(otherwise).isPositive();
    }

    @Test
    void aTrafficAwareValueLearnsFromEachEpisodesStatisticsAndIsSavedAsSuch() {
        var cfg = new AfterstateTd.Config(0.8, 0, 4, 0, 0.1, 0, 4, 256, 1e-3, 1e-3, new int[] {32, 32}, 0, 7,
                DataType.FLOAT, null, true);
        AfterstateTd td = new AfterstateTd(MODEL, new NoisyTraces(MODEL, TRAIN, 0.2), 2, cfg);
        var metrics = run(td, 1600);
        assertThat(run(new AfterstateTd(MODEL, new NoisyTraces(MODEL, TRAIN, 0.2), 2, cfg), 1600)).isEqualTo(metrics);
        SavedPolicy saved = td.snapshot(AfterstatePolicy.signature(MODEL, "paper", true));
        int plain = AfterstateFeatures.size(MODEL);
        assertThat(saved.actor().inputSize()).isEqualTo(plain + 9);
        assertThat(saved.env().observation()).isEqualTo("afterstate-traffic");
        assertThat(saved.hyperParameters()).containsEntry("traffic_features", "true");
        // the features it learnt from are the statistics of each episode's trace: noisy copies of train-200, so their
        // average is near train-200's own
        double[] own = EmpiricalTraffic.fit(TRAIN, MODEL.serviceNames(), EmpiricalTraffic.Kind.AR1).statistics();
        double[] mean = saved.normalizer().mean();
        for (int k = 0; k < 9; k++) {
            double tolerance = k % 3 == 0 ? 0.1 : 0.1 * own[k];
            assertThat(mean[plain + k]).as("statistic %d", k).isCloseTo(own[k],
                    org.assertj.core.api.Assertions.within(tolerance));
        }
        // episodes alternating between train-200 (autocorrelation about 0) and the same values sorted (about 1): the
        // autocorrelation features vary between episodes as their traces do (variance near 0.25, not near 0)
        Trace sorted = sortedColumns(TRAIN);
        AfterstateTd mixed = new AfterstateTd(MODEL, seed -> (seed & 1) == 0 ? TRAIN : sorted, 2, cfg);
        run(mixed, 1600);
        double[] mixedVar = mixed.snapshot(AfterstatePolicy.signature(MODEL, "paper", true)).normalizer().var();
        for (int k = 0; k < 9; k += 3) {
            assertThat(mixedVar[plain + k]).as("autocorrelation %d", k / 3).isBetween(0.15, 0.3);
        }
        // playing an environment, the policy reads that environment's trace's statistics
        QuotaEnv env = new QuotaEnv(MODEL, TRAIN.slice(0, 50));
        env.reset(0);
        var s = env.state();
        var t = MODEL.decide(s, new int[] {20, 1, 3});
        double[] sliced = EmpiricalTraffic.fit(TRAIN.slice(0, 50), MODEL.serviceNames(), EmpiricalTraffic.Kind.AR1)
                .statistics();
        assertThat(td.policy(env).value(s, t)).isEqualTo(td.policy(env::state).setStatistics(sliced).value(s, t))
                .isNotEqualTo(td.policy(env::state).setStatistics(own).value(s, t));
    }

    /** The trace with each column's values in ascending order (a lag-1 autocorrelation near 1). */
    private static Trace sortedColumns(Trace t) {
        double[][] rows = new double[t.length()][t.numColumns()];
        for (int c = 0; c < t.numColumns(); c++) {
            double[] col = new double[t.length()];
            for (int r = 0; r < col.length; r++) {
                col[r] = t.value(r, c);
            }
            java.util.Arrays.sort(col);
            for (int r = 0; r < col.length; r++) {
                rows[r][c] = col[r];
            }
        }
        return new Trace(t.source() + "~sorted", t.columns(), rows);
    }

    @Test
    void averagingSavesTheMeanOfTheValueNetworksFromTheGivenStepOn() {
        var sig = AfterstatePolicy.signature(MODEL, "paper");
        // without averaging: the latest network after every iteration (400 steps each)
        AfterstateTd plain = new AfterstateTd(MODEL, new NoisyTraces(MODEL, TRAIN, 0.2), 2, config(5, 0.1));
        List<double[][]> weights = new ArrayList<>();
        plain.learn(1600, m -> weights.add(plain.snapshot(sig).actor().weights()) || true);
        AfterstateTd avg = new AfterstateTd(MODEL, new NoisyTraces(MODEL, TRAIN, 0.2), 2,
                new AfterstateTd.Config(0.8, 0, 4, 0, 0.1, 0, 4, 256, 1e-3, 1e-3, new int[] {32, 32}, 800, 5,
                        DataType.FLOAT));
        avg.learn(1600, m -> true);
        double[][] mean = avg.snapshot(sig).actor().weights();
        assertThat(avg.snapshot(sig).hyperParameters()).containsEntry("average_from", "800");
        // iterations ending at 800, 1200 and 1600 steps
        for (int l = 0; l < mean.length; l++) {
            for (int i = 0; i < mean[l].length; i += 97) {
                double expected = (weights.get(1)[l][i] + weights.get(2)[l][i] + weights.get(3)[l][i]) / 3;
                assertThat(mean[l][i]).isCloseTo(expected, org.assertj.core.api.Assertions.within(1e-12));
            }
        }
        assertThat(mean[0]).isNotEqualTo(weights.get(3)[0]);
    }

    @Test
    void fromTheGivenStepOnTheTrainingEpisodesActByTheTwoStepSearch() {
        var lookahead = new AfterstatePolicy.Lookahead(16, 64, 0.4, 1);
        // no exploration, and every episode plays train-200 as recorded
        var cfg = new AfterstateTd.Config(0.8, 0, 4, 0, 0, 0, 4, 256, 1e-3, 1e-3, new int[] {32, 32}, 0, 9,
                DataType.FLOAT, lookahead, false, 1);
        AfterstateTd td = new AfterstateTd(MODEL, seed -> TRAIN, 1, cfg);
        List<Map<String, Double>> metrics = new ArrayList<>();
        td.learn(1, m -> metrics.add(Map.copyOf(m)) || true);
        assertThat(td.snapshot(AfterstatePolicy.signature(MODEL, "paper")).hyperParameters())
                .containsEntry("two_step_from", "1");
        // the second iteration's episode replayed: the search over 4 first decisions x 8 draws of train-200's AR(1)
        // traffic, with the network the first iteration left, one step where the search has nothing to look at
        double twoSteps = replay(td, true);
        double oneStep = replay(td, false);
        td.learn(td.timesteps() + 1, m -> metrics.add(Map.copyOf(m)) || true);
        assertThat(metrics).hasSize(2);
        assertThat(metrics.get(1).get("rollout/ep_rew_mean")).isEqualTo(twoSteps);
        assertThat(twoSteps).isNotEqualTo(oneStep);
        // without the option the same run acts in one step
        AfterstateTd plain = new AfterstateTd(MODEL, seed -> TRAIN, 1, new AfterstateTd.Config(0.8, 0, 4, 0, 0, 0, 4,
                256, 1e-3, 1e-3, new int[] {32, 32}, 0, 9, DataType.FLOAT, lookahead, false));
        List<Map<String, Double>> one = new ArrayList<>();
        plain.learn(1, m -> one.add(Map.copyOf(m)) || true);
        double oneStepPlain = replay(plain, false);
        plain.learn(plain.timesteps() + 1, m -> one.add(Map.copyOf(m)) || true);
        assertThat(one.get(1).get("rollout/ep_rew_mean")).isEqualTo(oneStepPlain);
    }

    /** train-200 played by {@code td}'s policy as it stands (the training episodes' seed of iteration 1, episode 0). */
    private static double replay(AfterstateTd td, boolean twoSteps) {
        return replay(MODEL, TRAIN, td, twoSteps, true);
    }

    /**
     * {@code trace} played on {@code model} by {@code td}'s policy as it stands, with the training episodes' search
     * and seed of iteration 1, episode 0; {@code knownEnd}: the search is told where the episode ends.
     */
    private static double replay(QuotaModel model, Trace trace, AfterstateTd td, boolean twoSteps, boolean knownEnd) {
        QuotaEnv env = new QuotaEnv(model, trace);
        AfterstatePolicy policy = td.policy(env::state);
        if (twoSteps) {
            policy.setLookahead(new AfterstatePolicy.Lookahead(AfterstateTd.Config.TWO_STEP_CANDIDATES,
                    AfterstateTd.Config.TWO_STEP_SAMPLES, 0.4, 1)).setTraffic(
                    dev.kdrl.env.baseline.Baselines.trafficModel(model, trace, null),
                    knownEnd ? env.episodeLength() : Integer.MAX_VALUE, 9 * 1_000_003L + 1);
        }
        env.reset(0);
        double sum = 0;
        while (!env.episodeOver()) {
            int[] a = twoSteps ? policy.twoSteps(env.state()) : null;
            sum += env.step(a != null ? a : policy.act(env.state(), new AfterstatePolicy.Scores(4))).reward();
        }
        return sum;
    }

    @Test
    void theTrainingEpisodesSearchKnowsWhereTheEpisodeEnds() {
        // the general model has no paper's final step: only the episode's length says where it ends
        QuotaModel general = dev.kdrl.env.profile.Profiles.model("paper-general", null, null);
        var cfg = new AfterstateTd.Config(0.8, 0, 4, 0, 0, 0, 4, 256, 1e-3, 1e-3, new int[] {32, 32}, 0, 9,
                DataType.FLOAT, new AfterstatePolicy.Lookahead(16, 64, 0.4, 1), false, 1);
        AfterstateTd td = new AfterstateTd(general, seed -> TRAIN, 1, cfg);
        List<Map<String, Double>> metrics = new ArrayList<>();
        td.learn(1, m -> metrics.add(Map.copyOf(m)) || true);
        double known = replay(general, TRAIN, td, true, true);
        double unknown = replay(general, TRAIN, td, true, false);
        td.learn(td.timesteps() + 1, m -> metrics.add(Map.copyOf(m)) || true);
        assertThat(metrics.get(1).get("rollout/ep_rew_mean")).isEqualTo(known);
        // looking past the end would have played otherwise
        assertThat(unknown).isNotEqualTo(known);
    }

    @Test
    void theTrainingSearchIsTheSavedOnesCutDown() {
        var small = new AfterstatePolicy.Lookahead(2, 5, 0.3, 0.5);
        var cfg = new AfterstateTd.Config(0.8, 0, 4, 0, 0, 0, 4, 256, 1e-3, 1e-3, new int[] {32, 32}, 0, 9,
                DataType.FLOAT, small, false, 1);
        assertThat(cfg.trainingLookahead()).isEqualTo(small);
        var cfgDefault = new AfterstateTd.Config(0.8, 0, 4, 0, 0, 0, 4, 256, 1e-3, 1e-3, new int[] {32, 32}, 0, 9,
                DataType.FLOAT, new AfterstatePolicy.Lookahead(16, 64, 0.4, 1), false, 1);
        assertThat(cfgDefault.trainingLookahead()).isEqualTo(new AfterstatePolicy.Lookahead(4, 8, 0.4, 1));
    }

    private static AfterstateTd.Config ensemble(long seed, int members, long averageFrom) {
        return new AfterstateTd.Config(0.8, 0, 4, 0, 0.1, 0, 4, 256, 1e-3, 1e-3, new int[] {32, 32}, averageFrom, seed,
                DataType.FLOAT, null, false, 0, false, members);
    }

    @Test
    void anEnsembleLearnsFromItsOwnInitialWeightsAndActsAndIsSavedAsTheMeanOfItsValues() {
        var sig = AfterstatePolicy.signature(MODEL, "paper");
        AfterstateTd td = new AfterstateTd(MODEL, new NoisyTraces(MODEL, TRAIN, 0.2), 2, ensemble(7, 3, 0));
        List<dev.kdrl.core.policy.Mlp> initial = td.members();
        assertThat(initial).hasSize(3);
        assertThat(initial.get(0).weights(0)).isNotEqualTo(initial.get(1).weights(0));
        assertThat(initial.get(1).weights(0)).isNotEqualTo(initial.get(2).weights(0));
        run(td, 1600);
        List<dev.kdrl.core.policy.Mlp> members = td.members();
        for (int k = 0; k < 3; k++) {
            assertThat(members.get(k).weights(1)).as("member %d learnt", k).isNotEqualTo(initial.get(k).weights(1));
        }
        SavedPolicy saved = td.snapshot(sig);
        int size = AfterstateFeatures.size(MODEL, false);
        assertThat(saved.actor().layerSizes()).containsExactly(size, 96, 96, 1);
        assertThat(saved.hyperParameters()).containsEntry("ensemble", "3");
        // the saved network, which the policy also acts by, outputs the mean of the members' values
        java.util.SplittableRandom r = new java.util.SplittableRandom(8);
        for (int t = 0; t < 50; t++) {
            double[] x = r.doubles(size, -2, 2).toArray();
            double mean = (members.get(0).forward(x)[0] + members.get(1).forward(x)[0] + members.get(2).forward(x)[0])
                    / 3;
            assertThat(saved.actor().forward(x)[0]).isCloseTo(mean, org.assertj.core.api.Assertions.within(1e-9));
        }
        QuotaEnv env = new QuotaEnv(MODEL, TRAIN);
        env.reset(0);
        AfterstatePolicy policy = td.policy(env::state);
        int[] a = policy.act(null);
        double[] features = new double[size];
        AfterstateFeatures.write(MODEL, env.state(), MODEL.decide(env.state(), a), null, features);
        assertThat(policy.value(env.state(), MODEL.decide(env.state(), a)))
                .isEqualTo(saved.actor().forward(saved.normalizer().normalize(features))[0]);
        // the same seed learns the same ensemble
        AfterstateTd again = new AfterstateTd(MODEL, new NoisyTraces(MODEL, TRAIN, 0.2), 2, ensemble(7, 3, 0));
        run(again, 1600);
        assertThat(again.snapshot(sig).actor()).isEqualTo(saved.actor());
    }

    @Test
    void anEnsembleOnItsOwnEpisodesPlaysAGroupPerMemberAndMemberZeroStartsAsASingleLearner() {
        var sig = AfterstatePolicy.signature(MODEL, "paper");
        AfterstateTd.Config own = new AfterstateTd.Config(0.8, 0, 4, 0, 0.1, 0, 4, 256, 1e-3, 1e-3, new int[] {32, 32},
                0, 7, DataType.FLOAT, null, false, 0, false, 2, true);
        List<double[]> ownTargets = new ArrayList<>();
        AfterstateTd td = new AfterstateTd(MODEL, new NoisyTraces(MODEL, TRAIN, 0.2), 2, own);
        td.onFit((x, y) -> ownTargets.add(y));
        var metrics = run(td, 800);
        // 800 steps are two iterations of one member's 2 episodes: each iteration fits two groups of episodes
        assertThat(metrics).hasSize(2);
        assertThat(metrics.get(1).get("time/total_timesteps")).isEqualTo(800.0);
        assertThat(ownTargets).hasSize(4);
        List<double[]> singleTargets = new ArrayList<>();
        AfterstateTd single = new AfterstateTd(MODEL, new NoisyTraces(MODEL, TRAIN, 0.2), 2, ensemble(7, 1, 0));
        single.onFit((x, y) -> singleTargets.add(y));
        run(single, 800);
        // the first iteration's first group is what one learner with the same seed plays (the same streams, the same
        // initial value and statistics); the second group plays other episodes
        assertThat(ownTargets.get(0)).containsExactly(singleTargets.get(0));
        assertThat(ownTargets.get(1)).isNotEqualTo(ownTargets.get(0));
        assertThat(td.snapshot(sig).hyperParameters()).containsEntry("ensemble", "2")
                .containsEntry("ensemble_own_episodes", "true");
        AfterstateTd again = new AfterstateTd(MODEL, new NoisyTraces(MODEL, TRAIN, 0.2), 2, own);
        run(again, 800);
        assertThat(again.snapshot(sig).actor()).isEqualTo(td.snapshot(sig).actor());
        assertThat(td.members().get(0).weights(0)).isNotEqualTo(td.members().get(1).weights(0));
    }

    @Test
    void badSettingsAreRefused() {
        assertThatThrownBy(() -> new AfterstateTd.Config(1.0, 0, 4, 0, 0.1, 0, 4, 256, 1e-3, 1e-3, new int[] {8}, 0, 1,
                DataType.FLOAT)).hasMessageContaining("need gamma in [0, 1)");
        assertThatThrownBy(() -> new AfterstateTd.Config(0.8, 0, 0, 0, 0.1, 0, 4, 256, 1e-3, 1e-3, new int[] {8}, 0, 1,
                DataType.FLOAT)).hasMessageContaining("need candidates, epochs, batch >= 1");
        assertThatThrownBy(() -> new AfterstateTd.Config(0.8, 0, 4, 0, 1.5, 0, 4, 256, 1e-3, 1e-3, new int[] {8}, 0, 1,
                DataType.FLOAT)).hasMessageContaining("exploration probabilities must be in [0, 1], got 1.5");
        assertThatThrownBy(() -> new AfterstateTd.Config(0.8, 0, 4, 0, 0.1, 0, 4, 256, 1e-3, 1e-3, new int[] {8}, 0, 1,
                DataType.FLOAT, AfterstatePolicy.Lookahead.defaults(), false, -1))
                .hasMessageContaining("twoStepFrom must be >= 0 (0: one step), got -1");
        assertThatThrownBy(() -> new AfterstateTd.Config(0.8, 0, 4, 0, 0.1, 0, 4, 256, 1e-3, 1e-3, new int[] {8}, 0, 1,
                DataType.FLOAT, null, false, 100)).hasMessageContaining("only for a policy saved to look two steps ahead");
        assertThatThrownBy(() -> ensemble(1, 0, 0)).hasMessage("ensemble must be >= 1 value networks, got 0");
        assertThatThrownBy(() -> new AfterstateTd.Config(0.8, 0, 4, 0, 0.1, 0, 4, 256, 1e-3, 1e-3, new int[] {8}, 0, 1,
                DataType.FLOAT, null, false, 0, false, 1, true)).hasMessage("own training episodes per member need an "
                + "ensemble of more than one value network, got ensemble 1");
        assertThatThrownBy(() -> ensemble(1, 2, 800)).hasMessage("an ensemble of 2 value networks cannot also average "
                + "weights (averageFrom 800): use one or the other");
    }

    @Test
    void siblingTargetsTeachTheCandidatesNotTakenFromTheSameNextLoad() {
        var cfg = new AfterstateTd.Config(0.8, 0, 4, 0, 0, 0, 4, 256, 1e-3, 1e-3, new int[] {32, 32}, 0, 9,
                DataType.FLOAT, null, false, 0, true);
        AfterstateTd td = new AfterstateTd(MODEL, seed -> TRAIN, 1, cfg);
        // the policy the first iteration acts with (the value and the normaliser before any fit)
        QuotaEnv env = new QuotaEnv(MODEL, TRAIN);
        AfterstatePolicy policy = td.policy(env::state);
        List<double[][]> xs = new ArrayList<>();
        List<double[]> ys = new ArrayList<>();
        td.onFit((x, y) -> {
            xs.add(x);
            ys.add(y);
        });
        td.learn(1, m -> true);
        double[][] x = xs.get(0);
        double[] y = ys.get(0);

        // replayed here: every candidate not taken, then the best one-step score after it under the next row's load
        env.reset(0);
        List<double[]> expectedX = new ArrayList<>();
        List<Double> expectedY = new ArrayList<>();
        AfterstatePolicy.Scores scores = new AfterstatePolicy.Scores(4);
        AfterstatePolicy.Scores after = new AfterstatePolicy.Scores(4);
        int steps = 0;
        while (!env.episodeOver()) {
            var s = env.state();
            int[] taken = policy.act(s, scores);
            boolean paperFinal = MODEL.isPaperFinalStep(s.step());
            env.step(taken);
            steps++;
            for (int j = 0; j < scores.count && !paperFinal; j++) {
                if (java.util.Arrays.equals(scores.candidates[j], taken)) {
                    continue;
                }
                expectedX.add(scores.afterstates[j]);
                if (env.episodeOver()) {
                    expectedY.add(0.0);
                } else {
                    double[] nextLoad = TRAIN.row(s.step() + 1);
                    policy.act(MODEL.next(s, MODEL.decide(s, scores.candidates[j]), nextLoad), after);
                    expectedY.add(after.score[after.best]);
                }
            }
        }
        assertThat(steps).isEqualTo(200);
        assertThat(expectedX).hasSizeGreaterThan(400);
        // the taken afterstates first (one per decision), then the siblings in the order they were met
        assertThat(x).hasNumberOfRows(steps + expectedX.size());
        for (int i = 0; i < expectedX.size(); i++) {
            assertThat(x[steps + i]).as("sibling %d", i).containsExactly(expectedX.get(i));
            assertThat(y[steps + i]).as("sibling %d", i).isEqualTo(expectedY.get(i));
        }
        // off by default: the taken afterstates alone
        AfterstateTd plain = new AfterstateTd(MODEL, seed -> TRAIN, 1, new AfterstateTd.Config(0.8, 0, 4, 0, 0, 0, 4,
                256, 1e-3, 1e-3, new int[] {32, 32}, 0, 9, DataType.FLOAT, null, false, 0));
        List<Integer> rows = new ArrayList<>();
        plain.onFit((xx, yy) -> rows.add(xx.length));
        plain.learn(1, m -> true);
        assertThat(rows).containsExactly(steps);
        assertThat(td.hyperParameters()).containsEntry("sibling_targets", "true");
        assertThat(plain.hyperParameters()).doesNotContainKey("sibling_targets");
    }
}
