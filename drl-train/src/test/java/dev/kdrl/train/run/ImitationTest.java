package dev.kdrl.train.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kdrl.core.env.SyncVecEnv;
import dev.kdrl.core.policy.Policy;
import dev.kdrl.env.baseline.GreedyPolicy;
import dev.kdrl.env.paper.PaperProfile;
import dev.kdrl.env.quota.NoisyTraces;
import dev.kdrl.env.quota.Observation;
import dev.kdrl.env.quota.QuotaEnv;
import dev.kdrl.env.quota.QuotaModel;
import dev.kdrl.env.quota.SampledTrafficEnv;
import dev.kdrl.env.quota.Signatures;
import dev.kdrl.env.trace.Trace;
import dev.kdrl.env.trace.TraceCsv;
import dev.kdrl.train.algo.OnPolicyAlgorithm;
import dev.kdrl.train.algo.Trpo;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ImitationTest {
    private static final Trace TRAIN = TraceCsv.read(Path.of("../datasets/paper/train-200.csv"));
    private static final QuotaModel MODEL = PaperProfile.model();

    private static Trpo trpo(SyncVecEnv<double[], int[]> vec, long seed) {
        return new Trpo(vec, new OnPolicyAlgorithm.Common(50, 0.8, 0.95, true, true, 1e-3, new int[] {64, 64}, seed,
                org.nd4j.linalg.api.buffer.DataType.FLOAT), Trpo.Config.published());
    }

    private static SyncVecEnv<double[], int[]> envs() {
        return SyncVecEnv.of(2, i -> new SampledTrafficEnv(MODEL, new NoisyTraces(MODEL, TRAIN, 0.2),
                Observation.FULL));
    }

    /** Share of the steps of an episode over train-200 where {@code policy} takes greedy's action. */
    private static double agreementWithGreedy(Policy<double[], int[]> policy) {
        QuotaEnv env = new QuotaEnv(MODEL, TRAIN, Observation.FULL);
        GreedyPolicy greedy = GreedyPolicy.of(env);
        double[] obs = env.reset(0);
        int same = 0;
        int steps = 0;
        while (!env.episodeOver()) {
            int[] a = policy.act(obs);
            same += Arrays.equals(a, greedy.act(obs)) ? 1 : 0;
            steps++;
            obs = env.step(a).observation();
        }
        return same / (double) steps;
    }

    @Test
    void imitationTeachesThePolicyTheTeachersActions() {
        SyncVecEnv<double[], int[]> vec = envs();
        Trpo algo = trpo(vec, 3);
        var signature = Signatures.of(MODEL, "paper", Observation.FULL);
        double before = agreementWithGreedy(algo.snapshot(signature).policy());
        OnPolicyAlgorithm.Imitation done = algo.imitate(TrainingRun.teacher("greedy", MODEL, vec), 4000, 32, 128,
                1e-3, 2, 128);
        double after = agreementWithGreedy(algo.snapshot(signature).policy());
        assertThat(done.steps()).isEqualTo(4000);
        assertThat(done.rounds()).isEqualTo(40);
        assertThat(done.samples()).isEqualTo(4000);
        assertThat(algo.timesteps()).isEqualTo(4000);
        assertThat(before).isLessThan(0.05);
        assertThat(after).isGreaterThan(0.3);
        assertThat(done.accuracy()).isGreaterThan(0.3);
    }

    @Test
    void imitationIsDeterministicForASeed() {
        double[][] params = new double[3][];
        for (int k = 0; k < 3; k++) {
            SyncVecEnv<double[], int[]> vec = envs();
            Trpo algo = trpo(vec, k < 2 ? 5 : 6);
            algo.imitate(TrainingRun.teacher("greedy", MODEL, vec), 400, 2, 64, 1e-3, 1, 64);
            params[k] = algo.networks().actorParams();
        }
        assertThat(params[1]).containsExactly(params[0]);
        assertThat(params[2]).isNotEqualTo(params[0]);
    }

    @Test
    void aLookaheadTeacherPlansOnTheEpisodesOwnTraffic() {
        SyncVecEnv<double[], int[]> vec = SyncVecEnv.of(1, i -> new QuotaEnv(MODEL, TRAIN, Observation.FULL));
        OnPolicyAlgorithm.Teacher teacher = TrainingRun.teacher("lookahead-2", MODEL, vec);
        vec.reset(0);
        QuotaEnv same = new QuotaEnv(MODEL, TRAIN);
        same.reset(0);
        assertThat(teacher.act(0)).containsExactly(
                dev.kdrl.env.baseline.LookaheadPolicy.of(same, 2).act(null));
    }

    @Test
    void unknownTeachersAreRefusedNamingTheChoices() {
        assertThatThrownBy(() -> new TrainingRun.Imitation("optimum", 10, 1, 1, 1e-3))
                .hasMessage("teacher 'optimum' is not greedy or lookahead-K with K >= 2");
        assertThatThrownBy(() -> new TrainingRun.Imitation("lookahead-1", 10, 1, 1, 1e-3))
                .hasMessage("teacher 'lookahead-1' is not greedy or lookahead-K with K >= 2");
        assertThatThrownBy(() -> new TrainingRun.Imitation("greedy", -1, 1, 1, 1e-3))
                .hasMessageContaining("imitation needs steps >= 0");
    }
}
