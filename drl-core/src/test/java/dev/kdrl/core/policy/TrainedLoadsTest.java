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
        assertThat(back).isEqualTo(t).hasSameHashCodeAs(t).hasToString("TrainedLoads[house=1..100, senti=2.5..99]");
        assertThat(back.services()).containsExactly("house", "senti");
        assertThat(back.low(1)).isEqualTo(2.5);
        assertThat(back.high(0)).isEqualTo(100);
        // the arrays given are copied
        double[] low = {1, 2};
        TrainedLoads copied = new TrainedLoads(List.of("a", "b"), low, new double[] {3, 4});
        low[0] = 9;
        assertThat(copied.low(0)).isEqualTo(1);
    }

    @Test
    void aPolicysRangesMustNameItsServicesInItsOrder() {
        EnvSignature env = new EnvSignature(List.of("house", "senti"), new int[] {2, 2}, 4, "paper", List.of(), 40);
        Mlp actor = Mlp.of(new int[] {4, 4}, Activation.TANH, new double[][] {new double[16]},
                new double[][] {new double[4]});
        SavedPolicy without = new SavedPolicy("x", java.util.Map.of(), env, actor, null, null, "dev");
        assertThat(TrainedLoads.of(without)).isEmpty();
        SavedPolicy swapped = new SavedPolicy("x", java.util.Map.of("load_range", "senti=1..2, house=1..2"), env, actor,
                null, null, "dev");
        assertThatThrownBy(() -> TrainedLoads.of(swapped)).hasMessage("manifest field 'hyper.load_range' names [senti, "
                + "house], expected the policy's services [house, senti]");
        SavedPolicy fits = without.withHyperParameter("load_range", "house=1..2, senti=3..4");
        assertThat(without.hyperParameters()).isEmpty();
        assertThat(fits.hyperParameters()).containsOnlyKeys("load_range");
        assertThat(fits.actor()).isSameAs(without.actor());
        assertThat(TrainedLoads.of(fits).orElseThrow().high(1)).isEqualTo(4);
        // read leniently, what cannot be read is handed over and reads as none
        java.util.List<String> said = new java.util.ArrayList<>();
        assertThat(TrainedLoads.of(swapped, said::add)).isEmpty();
        assertThat(said).containsExactly("manifest field 'hyper.load_range' names [senti, house], expected the "
                + "policy's services [house, senti]");
        assertThat(TrainedLoads.of(fits, said::add)).isPresent();
        assertThat(TrainedLoads.of(without, said::add)).isEmpty();
        assertThat(said).hasSize(1);
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
                .hasMessage("manifest field 'hyper.load_range': load range of house: 100.0..1.0 (expected finite "
                        + "numbers, the first at most the second)");
    }
}
