package dev.kdrl.core.space;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kdrl.core.rng.Rng;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MultiDiscreteTest {
    private final MultiDiscrete space = new MultiDiscrete(22, 7, 8);

    @Test
    void cardinalityAndShape() {
        assertThat(space.cardinality()).isEqualTo(1232L);
        assertThat(space.size()).isEqualTo(3);
        assertThat(space.flatSize()).isEqualTo(3);
        assertThat(space.n(0)).isEqualTo(22);
        assertThat(space.n(1)).isEqualTo(7);
        assertThat(space.n(2)).isEqualTo(8);
        assertThat(space.nvec()).containsExactly(22, 7, 8);
    }

    @Test
    void nvecIsDefensivelyCopied() {
        int[] nvec = {3, 4};
        MultiDiscrete m = new MultiDiscrete(nvec);
        nvec[0] = 100;
        assertThat(m.cardinality()).isEqualTo(12);
        m.nvec()[1] = 100;
        assertThat(m.n(1)).isEqualTo(4);
    }

    @Test
    void unflattenIsLexicographicWithComponentZeroMostSignificant() {
        assertThat(space.unflatten(0)).containsExactly(0, 0, 0);
        assertThat(space.unflatten(1)).containsExactly(0, 0, 1);
        assertThat(space.unflatten(7)).containsExactly(0, 0, 7);
        assertThat(space.unflatten(8)).containsExactly(0, 1, 0);
        assertThat(space.unflatten(55)).containsExactly(0, 6, 7);
        assertThat(space.unflatten(56)).containsExactly(1, 0, 0);
        assertThat(space.unflatten(1231)).containsExactly(21, 6, 7);
    }

    @Test
    void flattenUnflattenRoundTripOverTheWholeSpaceInOrder() {
        Set<List<Integer>> seen = new HashSet<>();
        int[] previous = null;
        for (long i = 0; i < space.cardinality(); i++) {
            int[] v = space.unflatten(i);
            assertThat(space.contains(v)).as("unflatten(%s)=%s", i, Arrays.toString(v)).isTrue();
            assertThat(space.flatten(v)).isEqualTo(i);
            if (previous != null) {
                assertThat(Arrays.compare(previous, v)).as("order at %s", i).isNegative();
            }
            previous = v;
            seen.add(Arrays.stream(v).boxed().toList());
        }
        assertThat(seen).hasSize(1232);
        // and the other direction, from an independent enumeration
        long expected = 0;
        for (int a = 0; a < 22; a++) {
            for (int b = 0; b < 7; b++) {
                for (int c = 0; c < 8; c++) {
                    assertThat(space.flatten(new int[] {a, b, c})).isEqualTo(expected++);
                }
            }
        }
    }

    @Test
    void unflattenRejectsOutOfRangeIndices() {
        assertThatThrownBy(() -> space.unflatten(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("index must be in [0, 1232), got -1");
        assertThatThrownBy(() -> space.unflatten(1232))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("index must be in [0, 1232), got 1232");
    }

    @Test
    void flattenRejectsNonMembers() {
        assertThatThrownBy(() -> space.flatten(new int[] {22, 0, 0})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> space.flatten(new int[] {0, 0})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> space.flatten(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void containsInsideBoundaryOutsideWrongLengthAndNull() {
        assertThat(space.contains(new int[] {0, 0, 0})).isTrue();
        assertThat(space.contains(new int[] {21, 6, 7})).isTrue();
        assertThat(space.contains(new int[] {10, 3, 4})).isTrue();
        assertThat(space.contains(new int[] {22, 0, 0})).isFalse();
        assertThat(space.contains(new int[] {0, 7, 0})).isFalse();
        assertThat(space.contains(new int[] {0, 0, 8})).isFalse();
        assertThat(space.contains(new int[] {0, -1, 0})).isFalse();
        assertThat(space.contains(new int[] {0, 0})).isFalse();
        assertThat(space.contains(new int[] {0, 0, 0, 0})).isFalse();
        assertThat(space.contains(new int[0])).isFalse();
        assertThat(space.contains(null)).isFalse();
    }

    @Test
    void seededSampleIsDeterministicAndInsideAndCoversEveryComponentValue() {
        Rng a = Rng.of(11);
        Rng b = Rng.of(11);
        boolean[][] hit = {new boolean[22], new boolean[7], new boolean[8]};
        for (int i = 0; i < 5000; i++) {
            int[] x = space.sample(a);
            assertThat(x).isEqualTo(space.sample(b));
            assertThat(space.contains(x)).as(Arrays.toString(x)).isTrue();
            for (int k = 0; k < 3; k++) {
                hit[k][x[k]] = true;
            }
        }
        for (boolean[] h : hit) {
            for (boolean v : h) {
                assertThat(v).isTrue();
            }
        }
    }

    @Test
    void constructorValidation() {
        assertThatThrownBy(() -> new MultiDiscrete(22, 0, 8))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("nvec[1] must be > 0, got 0");
        assertThatThrownBy(() -> new MultiDiscrete(3, 4, -2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("nvec[2] must be > 0, got -2");
        assertThatThrownBy(() -> new MultiDiscrete())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("nvec must have at least one component, got []");
        assertThatThrownBy(() -> new MultiDiscrete((int[]) null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("nvec must have at least one component, got null");
    }

    @Test
    void equalityByNvec() {
        assertThat(new MultiDiscrete(22, 7, 8)).isEqualTo(space).hasSameHashCodeAs(space);
        assertThat(new MultiDiscrete(22, 8, 7)).isNotEqualTo(space);
        assertThat(space).hasToString("MultiDiscrete[22, 7, 8]");
    }
}
