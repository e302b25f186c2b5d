package dev.kdrl.env.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kdrl.core.env.EnvChecker;
import dev.kdrl.env.paper.PaperProfile;
import dev.kdrl.env.trace.Trace;
import dev.kdrl.env.trace.TraceCsv;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class RandomizedTrafficEnvTest {
    static final Trace TRAIN = TraceCsv.read(Path.of("../datasets/paper/train-200.csv"));

    @Test
    void keepsTheContractAndIsSeeded() {
        EnvChecker.check(new RandomizedTrafficEnv(PaperProfile.model(), TRAIN, 0.2), 3, 450);
        RandomizedTrafficEnv env = new RandomizedTrafficEnv(PaperProfile.model(), TRAIN, 0.2);
        Trace a = env.variant(5);
        Trace b = env.variant(5);
        Trace c = env.variant(6);
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
    void zeroNoiseReplaysTheTraceAndBadNoiseIsRefused() {
        RandomizedTrafficEnv env = new RandomizedTrafficEnv(PaperProfile.model(), TRAIN, 0);
        assertThat(env.variant(1)).isSameAs(env.variant(2));
        assertThatThrownBy(() -> new RandomizedTrafficEnv(PaperProfile.model(), TRAIN, 1.5))
                .hasMessage("traffic noise must be in [0, 1), got 1.5");
    }
}
