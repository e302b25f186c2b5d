package dev.kdrl.train.algo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.kdrl.core.env.SyncVecEnv;
import dev.kdrl.core.policy.EnvSignature;
import dev.kdrl.core.policy.PolicyFile;
import dev.kdrl.core.policy.SavedPolicy;
import dev.kdrl.env.paper.PaperProfile;
import dev.kdrl.env.quota.Signatures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shrinking trust region and the averaged policy. */
class TrainingScheduleTest {

    private static Trpo trpo(Trpo.Config config, long seed) {
        SyncVecEnv<double[], int[]> vec = SyncVecEnv.of(2, i -> PaperProfile.env(OnPolicyLearningTest.TEST));
        return new Trpo(vec, new OnPolicyAlgorithm.Common(19, 0.99, 0.95, true, true, 1e-3, new int[] {16, 16}, seed),
                config);
    }

    @Test
    void targetKlMovesLinearlyFromItsStartToItsFinalValue() {
        Trpo.Config c = Trpo.Config.published().withTargetKl(0.01, 0.002);
        assertThat(c.targetKlAt(0)).isEqualTo(0.01);
        assertThat(c.targetKlAt(0.5)).isCloseTo(0.006, within(1e-15));
        assertThat(c.targetKlAt(1)).isCloseTo(0.002, within(1e-15));
        assertThat(c.targetKlAt(1.5)).as("clamped past the end").isCloseTo(0.002, within(1e-15));
        assertThat(Trpo.Config.published().targetKlAt(0.7)).as("published: constant").isEqualTo(0.01);
        assertThat(Trpo.Config.published().withTargetKl(0.03).targetKlFinal()).isEqualTo(0.03);
        assertThatThrownBy(() -> Trpo.Config.published().withTargetKl(0.01, 0))
                .hasMessageContaining("targetKlFinal must be > 0, got 0.0");
    }

    @Test
    void eachUpdateKeepsWithinThatIterationsTrustRegion() {
        Trpo t = trpo(Trpo.Config.published().withTargetKl(0.02, 0.004), 3);
        List<Double> target = new ArrayList<>();
        List<Double> kl = new ArrayList<>();
        t.learn(4 * 38, List.of(ctx -> {
            target.add(ctx.metrics().get("train/target_kl"));
            kl.add(ctx.metrics().get("train/approx_kl"));
            return true;
        }));
        assertThat(target).hasSize(4);
        for (int k = 0; k < 4; k++) {
            assertThat(target.get(k)).isCloseTo(0.02 + (0.004 - 0.02) * (k + 1) / 4.0, within(1e-12));
            assertThat(kl.get(k)).isLessThan(target.get(k));
        }
        assertThat(kl).as("some steps were taken").anyMatch(v -> v > 0);
        assertThat(t.hyperParameters()).containsEntry("target_kl", "0.02").containsEntry("target_kl_final", "0.004");
        assertThat(trpo(Trpo.Config.published(), 3).hyperParameters()).doesNotContainKey("target_kl_final");
    }

    @Test
    void averagingSavesTheMeanActorAndLeavesTheTrainedOneAsItWas(@TempDir Path dir) {
        Trpo t = trpo(Trpo.Config.published().withTargetKl(0.05), 4);
        EnvSignature sig = Signatures.of(PaperProfile.model(), "paper");
        Path file = dir.resolve("average.zip");
        Callbacks.Averaging avg = new Callbacks.Averaging(3 * 38, file, sig);
        List<double[]> seen = new ArrayList<>();
        t.learn(5 * 38, List.of(avg, ctx -> {
            seen.add(ctx.algorithm().networks().actorParams());
            return true;
        }));
        assertThat(avg.count()).as("iterations ending at 114, 152 and 190 steps").isEqualTo(3);
        double[] mean = new double[seen.get(0).length];
        for (int k = 2; k < 5; k++) {
            for (int i = 0; i < mean.length; i++) {
                mean[i] += seen.get(k)[i] / 3;
            }
        }
        assertThat(avg.mean()).containsExactly(mean, within(1e-12));
        assertThat(seen.get(4)).as("the averaged iterates differ").isNotEqualTo(seen.get(2));
        assertThat(t.networks().actorParams()).as("the trained actor is restored").containsExactly(seen.get(4));

        SavedPolicy saved = PolicyFile.load(file);
        double[] raw = {10, 25, 34, 20, 64, 28, 10, 55, 16};
        double[] x = t.normalizer().normalize(raw);
        double[] current = t.networks().actorParams();
        t.networks().setActorParams(avg.mean());
        double[] expected = t.networks().logits(new double[][] {x})[0];
        t.networks().setActorParams(current);
        assertThat(saved.policy().logits(raw)).containsExactly(expected, within(1e-9));
    }

    @Test
    void averagingBeforeItsStartSavesNothing(@TempDir Path dir) {
        Trpo t = trpo(Trpo.Config.published(), 5);
        Path file = dir.resolve("average.zip");
        Callbacks.Averaging avg = new Callbacks.Averaging(1_000_000, file, Signatures.of(PaperProfile.model(), "paper"));
        t.learn(38, List.of(avg));
        assertThat(avg.count()).isZero();
        assertThat(avg.mean()).isNull();
        assertThat(file).doesNotExist();
    }
}
