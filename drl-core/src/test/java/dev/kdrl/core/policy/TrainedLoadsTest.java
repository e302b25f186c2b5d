package dev.kdrl.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TrainedLoadsTest {

    @Test
    void theRecordedFormRoundTrips() {
        TrainedLoads t = new TrainedLoads(List.of("house", "senti"), new double[] {1, 2.5}, new double[] {100, 99});
        assertThat(t.encode()).isEqualTo("house=1..100, senti=2.5..99");
        TrainedLoads back = TrainedLoads.parse(t.encode());
        assertThat(back.services()).containsExactly("house", "senti");
        assertThat(back.low()).containsExactly(1, 2.5);
        assertThat(back.high()).containsExactly(100, 99);
    }

    @Test
    void outsideMeansBeyondATenthOfTheWidth() {
        TrainedLoads t = new TrainedLoads(List.of("a", "b"), new double[] {10, 5}, new double[] {110, 5});
        assertThat(t.outside(0, 120)).isFalse();
        assertThat(t.outside(0, 120.5)).isTrue();
        assertThat(t.outside(0, 0)).isFalse();
        assertThat(t.outside(0, -0.5)).isTrue();
        assertThat(t.outside(0, 60)).isFalse();
        // a constant training load: any other is outside
        assertThat(t.outside(1, 5)).isFalse();
        assertThat(t.outside(1, 6)).isTrue();
    }

    @Test
    void aValueThatCannotBeReadIsNamed() {
        assertThatThrownBy(() -> TrainedLoads.parse("house=1..100, senti=lots"))
                .hasMessage("manifest field 'hyper.load_range': 'senti=lots' (expected service=LOW..HIGH, e.g. "
                        + "house=1..100)");
        assertThatThrownBy(() -> TrainedLoads.parse("house=100..1"))
                .hasMessage("load range of house: 100.0..1.0 (expected finite numbers, the first at most the second)");
    }
}
