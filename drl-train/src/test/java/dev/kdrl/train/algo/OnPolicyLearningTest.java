package dev.kdrl.train.algo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kdrl.core.env.EnvChecker;
import dev.kdrl.core.env.SyncVecEnv;
import dev.kdrl.core.policy.EnvSignature;
import dev.kdrl.core.policy.PolicyFile;
import dev.kdrl.core.policy.SavedPolicy;
import dev.kdrl.env.paper.PaperProfile;
import dev.kdrl.env.quota.Signatures;
import dev.kdrl.env.trace.Trace;
import dev.kdrl.env.trace.TraceCsv;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnPolicyLearningTest {
    static final Trace TEST = TraceCsv.read(Path.of("../datasets/paper/test-20.csv"));

    static OnPolicyAlgorithm.Common common(int nSteps, long seed) {
        return new OnPolicyAlgorithm.Common(nSteps, 0.9, 0.95, true, false, 1.0, new int[] {32, 32}, seed);
    }

    static double greedyReward(OnPolicyAlgorithm algo) {
        // deterministic policy on fresh identity episodes: mean reward per step (max 2)
        SavedPolicy p = algo.snapshot(new EnvSignature(List.of("a", "b"), IdentityEnv.NVEC, 5, "identity",
                List.of(), 1));
        IdentityEnv env = new IdentityEnv();
        double total = 0;
        int steps = 0;
        for (long seed = 100; seed < 110; seed++) {
            double[] obs = env.reset(seed);
            for (int t = 0; t < IdentityEnv.LENGTH; t++) {
                var r = env.step(p.policy().act(obs));
                total += r.reward();
                steps++;
                obs = r.observation();
            }
        }
        return total / steps;
    }

    @Test
    void identityEnvKeepsTheContract() {
        EnvChecker.check(new IdentityEnv());
    }

    @Test
    void ppoLearnsTheIdentityTask() {
        SyncVecEnv<double[], int[]> vec = SyncVecEnv.of(4, i -> new IdentityEnv());
        Ppo ppo = new Ppo(vec, common(64, 3), new Ppo.Config(3e-3, 4, 64, 0.2, 0.0, 0.5));
        double before = greedyReward(ppo);
        ppo.learn(6_000, List.of());
        double after = greedyReward(ppo);
        assertThat(after).as("before %s after %s", before, after).isGreaterThan(1.9);
    }

    @Test
    void trpoLearnsTheIdentityTask() {
        SyncVecEnv<double[], int[]> vec = SyncVecEnv.of(4, i -> new IdentityEnv());
        Trpo trpo = new Trpo(vec, common(64, 4), new Trpo.Config(15, 0.1, 0.05, 10, 0.8, 1e-3, 5, 64, 1.0, 0.05));
        double before = greedyReward(trpo);
        trpo.learn(6_000, List.of());
        double after = greedyReward(trpo);
        assertThat(after).as("before %s after %s", before, after).isGreaterThan(1.9);
    }

    static List<Map<String, Double>> run(long seed) {
        return run(seed, org.nd4j.linalg.api.buffer.DataType.DOUBLE);
    }

    static List<Map<String, Double>> run(long seed, org.nd4j.linalg.api.buffer.DataType type) {
        return run(seed, type, false, false);
    }

    static List<Map<String, Double>> run(long seed, org.nd4j.linalg.api.buffer.DataType type, boolean ppo,
                                         boolean criticOnThisThread) {
        SyncVecEnv<double[], int[]> vec = SyncVecEnv.of(2, i -> PaperProfile.env(TEST));
        OnPolicyAlgorithm.Common common = new OnPolicyAlgorithm.Common(19, 0.99, 0.95, true, true, 1e-3,
                new int[] {16, 16}, seed, type);
        OnPolicyAlgorithm trpo = ppo ? new Ppo(vec, common, new Ppo.Config(1e-3, 3, 10, 0.2, 0.01, 0.5))
                : new Trpo(vec, common, Trpo.Config.published().withFisherFraction(0.5));
        if (criticOnThisThread) {
            trpo.fitCriticOnThisThread();
        }
        List<Map<String, Double>> out = new ArrayList<>();
        trpo.learn(4 * 38, List.of(ctx -> {
            Map<String, Double> m = new java.util.TreeMap<>(ctx.metrics());
            m.keySet().removeIf(k -> k.startsWith("time/") && !k.equals("time/total_timesteps"));
            out.add(m);
            return true;
        }));
        return out;
    }

    @Test
    void sameSeedGivesIdenticalMetrics() {
        List<Map<String, Double>> a = run(9);
        List<Map<String, Double>> b = run(9);
        assertThat(a).hasSize(4).isEqualTo(b);
        assertThat(run(10)).isNotEqualTo(a);
    }

    @Test
    void theCriticOnItsOwnThreadChangesNothing() {
        var f = org.nd4j.linalg.api.buffer.DataType.FLOAT;
        for (boolean ppo : new boolean[] {false, true}) {
            List<Map<String, Double>> beside = run(12, f, ppo, false);
            assertThat(beside).hasSize(4).isEqualTo(run(12, f, ppo, true));
        }
    }

    @Test
    void sameSeedGivesIdenticalMetricsInFloatToo() {
        var f = org.nd4j.linalg.api.buffer.DataType.FLOAT;
        List<Map<String, Double>> a = run(9, f);
        assertThat(a).hasSize(4).isEqualTo(run(9, f));
        assertThat(a).isNotEqualTo(run(9));
    }

    @Test
    void bothAlgorithmsLearnTheIdentityTaskInFloat() {
        var f = org.nd4j.linalg.api.buffer.DataType.FLOAT;
        Ppo ppo = new Ppo(SyncVecEnv.of(4, i -> new IdentityEnv()), new OnPolicyAlgorithm.Common(64, 0.9, 0.95, true,
                false, 1.0, new int[] {32, 32}, 3, f), new Ppo.Config(3e-3, 4, 64, 0.2, 0.0, 0.5));
        ppo.learn(6_000, List.of());
        assertThat(greedyReward(ppo)).isGreaterThan(1.9);
        Trpo trpo = new Trpo(SyncVecEnv.of(4, i -> new IdentityEnv()), new OnPolicyAlgorithm.Common(64, 0.9, 0.95,
                true, false, 1.0, new int[] {32, 32}, 4, f), new Trpo.Config(15, 0.1, 0.05, 10, 0.8, 1e-3, 5, 64, 1.0,
                0.05));
        trpo.learn(6_000, List.of());
        assertThat(greedyReward(trpo)).isGreaterThan(1.9);
    }

    @Test
    void savedPolicyMatchesTheDl4jActorAndSurvivesSaveLoad(@TempDir Path dir) {
        SyncVecEnv<double[], int[]> vec = SyncVecEnv.of(1, i -> PaperProfile.env(TEST));
        Trpo trpo = new Trpo(vec, new OnPolicyAlgorithm.Common(19, 0.99, 0.95, true, true, 1e-3,
                new int[] {16, 16}, 5), Trpo.Config.published());
        trpo.learn(38, List.of());
        EnvSignature sig = Signatures.of(PaperProfile.model(), "paper");
        SavedPolicy saved = trpo.snapshot(sig);
        Path file = dir.resolve("m.zip");
        PolicyFile.save(saved, file);
        SavedPolicy loaded = PolicyFile.load(file);
        assertThat(loaded.algorithm()).isEqualTo("trpo");
        assertThat(loaded.hyperParameters()).containsEntry("target_kl", "0.01").containsEntry("cg_max_steps", "15");
        double[] raw = {10, 25, 34, 20, 64, 28, 10, 55, 16};
        double[] x = trpo.normalizer().normalize(raw);
        double[] dl4j = trpo.networks().logits(new double[][] {x})[0];
        double[] plain = loaded.policy().logits(raw);
        for (int k = 0; k < dl4j.length; k++) {
            assertThat(plain[k]).isCloseTo(dl4j[k], org.assertj.core.api.Assertions.within(1e-9));
        }
        assertThat(loaded.policy().act(raw)).containsExactly(trpo.heads().argmax(dl4j));
    }
}
