package dev.kdrl.core.space;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kdrl.core.rng.Rng;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DiscreteTest {

    @Test
    void containsInsideBoundaryOutsideAndNull() {
        Discrete d = new Discrete(5);
        assertThat(d.contains(0)).isTrue();
        assertThat(d.contains(2)).isTrue();
        assertThat(d.contains(4)).isTrue();
        assertThat(d.contains(5)).isFalse();
        assertThat(d.contains(-1)).isFalse();
        assertThat(d.contains(Integer.MIN_VALUE)).isFalse();
        assertThat(d.contains(null)).isFalse();
        assertThat(d.flatSize()).isEqualTo(1);
    }

    @Test
    void seededSampleIsDeterministicAndCoversTheSpace() {
        Discrete d = new Discrete(6);
        Rng a = Rng.of(5);
        Rng b = Rng.of(5);
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            Integer x = d.sample(a);
            assertThat(x).isEqualTo(d.sample(b));
            assertThat(d.contains(x)).isTrue();
            seen.add(x);
        }
        assertThat(seen).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5);
    }

    @Test
    void constructorRejectsNonPositiveN() {
        assertThatThrownBy(() -> new Discrete(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("n must be > 0, got 0");
        assertThatThrownBy(() -> new Discrete(-3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("n must be > 0, got -3");
    }
}
