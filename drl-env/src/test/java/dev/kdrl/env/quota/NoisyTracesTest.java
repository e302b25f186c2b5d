package dev.kdrl.env.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kdrl.core.env.EnvChecker;
import dev.kdrl.env.paper.PaperProfile;
import dev.kdrl.env.trace.Trace;
import dev.kdrl.env.trace.TraceCsv;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class NoisyTracesTest {
    static final Trace TRAIN = TraceCsv.read(Path.of("../datasets/paper/train-200.csv"));

    @Test
    void keepsTheContractAndIsSeeded() {
        EnvChecker.check(new SampledTrafficEnv(PaperProfile.model(), new NoisyTraces(PaperProfile.model(), TRAIN, 0.2)),
                3, 450);
        NoisyTraces env = new NoisyTraces(PaperProfile.model(), TRAIN, 0.2);
        Trace a = env.sample(5);
        Trace b = env.sample(5);
        Trace c = env.sample(6);
        assertThat(a.row(10)).containsExactly(b.row(10));
        boolean differs = false;
        for (int r = 0; r < TRAIN.length(); r++) {
            for (int k = 0; k < 3; k++) {
                double base = TRAIN.value(r, k);
                double v = a.value(r, k);
                assertThat(v).isBetween(Math.max(1, Math.rint(base * 0.8) - 1), Math.min(100, Math.rint(base * 1.2) + 1));
                assertThat(v).isBetween(1.0, 100.0);
                differs |= v != c.value(r, k);
            }
        }
        assertThat(differs).isTrue();
    }

    @Test
    void anEpisodePlaysTheSampledTraceOfItsResetSeed() {
        NoisyTraces traces = new NoisyTraces(PaperProfile.model(), TRAIN, 0.2);
        SampledTrafficEnv env = new SampledTrafficEnv(PaperProfile.model(), traces);
        assertThat(env.current()).isNull();
        assertThatThrownBy(() -> env.step(new int[] {0, 0, 0})).isInstanceOf(IllegalStateException.class);
        QuotaEnv direct = new QuotaEnv(PaperProfile.model(), traces.sample(9));
        assertThat(env.reset(9)).containsExactly(direct.reset(9));
        for (int t = 0; t < 20; t++) {
            int[] action = {t % 22, (t * 3) % 7, (t * 5) % 8};
            assertThat(env.step(action).observation()).as("step %d", t).containsExactly(direct.step(action).observation());
        }
        assertThat(env.current()).isNotNull();
    }

    @Test
    void zeroNoiseReplaysTheTraceAndBadNoiseIsRefused() {
        NoisyTraces env = new NoisyTraces(PaperProfile.model(), TRAIN, 0);
        assertThat(env.sample(1)).isSameAs(env.sample(2));
        assertThatThrownBy(() -> new NoisyTraces(PaperProfile.model(), TRAIN, 1.5))
                .hasMessage("traffic noise must be in [0, 1), got 1.5");
    }
}
