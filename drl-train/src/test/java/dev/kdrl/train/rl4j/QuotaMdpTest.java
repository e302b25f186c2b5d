package dev.kdrl.train.rl4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kdrl.env.paper.PaperProfile;
import dev.kdrl.env.quota.QuotaEnv;
import dev.kdrl.env.trace.Trace;
import dev.kdrl.env.trace.TraceCsv;
import java.nio.file.Path;
import org.deeplearning4j.gym.StepReply;
import org.junit.jupiter.api.Test;

class QuotaMdpTest {
    static final Trace TEST = TraceCsv.read(Path.of("../datasets/paper/test-20.csv"));

    @Test
    void flattenedActionsStepTheEnvironmentLikeJointOnes() {
        QuotaMdp mdp = new QuotaMdp(() -> PaperProfile.env(TEST), 100, 1);
        assertThat(mdp.getActionSpace().getSize()).isEqualTo(1232);
        assertThat(mdp.getObservationSpace().getShape()).containsExactly(9);
        QuotaEnv direct = PaperProfile.env(TEST);
        double[] first = direct.reset(0);
        QuotaMdp.Observation o = mdp.reset();
        for (int i = 0; i < 9; i++) {
            assertThat(o.toArray()[i]).isEqualTo(first[i] / 100);
        }
        // [20, 1, 3] is flat index 20 * 56 + 1 * 8 + 3 = 1131
        assertThat(mdp.jointAction(1131)).containsExactly(20, 1, 3);
        int steps = 0;
        while (!mdp.isDone()) {
            StepReply<QuotaMdp.Observation> r = mdp.step(1131);
            var d = direct.step(new int[] {20, 1, 3});
            assertThat(r.getReward()).isEqualTo(d.reward());
            assertThat(r.isDone()).isEqualTo(d.done());
            steps++;
        }
        assertThat(steps).isEqualTo(19);
    }
}
