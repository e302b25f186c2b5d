package dev.kdrl.train.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kdrl.core.env.EnvChecker;
import dev.kdrl.env.paper.PaperProfile;
import dev.kdrl.env.trace.Trace;
import dev.kdrl.env.trace.TraceCsv;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class MixedTrafficEnvTest {
    static final Trace TRAIN = TraceCsv.read(Path.of("../datasets/paper/train-200.csv"));

    static boolean sameValues(Trace a, Trace b) {
        for (int r = 0; r < a.length(); r++) {
            if (!java.util.Arrays.equals(a.row(r), b.row(r))) {
                return false;
            }
        }
        return true;
    }

    @Test
    void keepsTheEnvContract() {
        EnvChecker.check(new MixedTrafficEnv(PaperProfile.model(), TRAIN, 0.1, 0.5), 3, 450);
    }

    @Test
    void shareZeroReplaysTheTraceAndShareOneIsUniformInItsRange() {
        MixedTrafficEnv none = new MixedTrafficEnv(PaperProfile.model(), TRAIN, 0, 0);
        for (long s = 0; s < 5; s++) {
            assertThat(sameValues(none.variant(s), TRAIN)).isTrue();
        }
        MixedTrafficEnv all = new MixedTrafficEnv(PaperProfile.model(), TRAIN, 0, 1);
        Trace v = all.variant(7);
        assertThat(v.length()).isEqualTo(TRAIN.length());
        assertThat(sameValues(v, TRAIN)).isFalse();
        double min = 1e9;
        double max = -1;
        double sum = 0;
        for (int r = 0; r < v.length(); r++) {
            for (double x : v.row(r)) {
                assertThat(x).isEqualTo(Math.rint(x)).isBetween(1.0, 100.0);
                min = Math.min(min, x);
                max = Math.max(max, x);
                sum += x;
            }
        }
        // 600 uniform draws in 1..100: the extremes are close to the range's, the mean close to 50.5
        assertThat(min).isLessThanOrEqualTo(5);
        assertThat(max).isGreaterThanOrEqualTo(95);
        assertThat(sum / (3 * v.length())).isBetween(45.0, 56.0);
    }

    @Test
    void seededMixture() {
        MixedTrafficEnv env = new MixedTrafficEnv(PaperProfile.model(), TRAIN, 0, 0.5);
        int uniform = 0;
        for (long s = 0; s < 200; s++) {
            Trace v = env.variant(s);
            assertThat(sameValues(v, env.variant(s))).as("seed %d", s).isTrue();
            if (!sameValues(v, TRAIN)) {
                uniform++;
            }
        }
        assertThat(uniform).isBetween(70, 130);
        assertThat(sameValues(env.variant(1), env.variant(2)) && sameValues(env.variant(1), env.variant(3))
                && sameValues(env.variant(1), env.variant(4))).isFalse();
        assertThatThrownBy(() -> new MixedTrafficEnv(PaperProfile.model(), TRAIN, 0, 1.5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[0, 1]");
    }
}
