package dev.kdrl.core.space;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kdrl.core.rng.Rng;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class BoxTest {
    private static final double INF = Double.POSITIVE_INFINITY;

    private final Box box = new Box(new double[] {-1.0, 0.0}, new double[] {1.0, 10.0});

    @Test
    void containsInsideBoundaryOutsideWrongLengthNullAndNaN() {
        assertThat(box.contains(new double[] {0.0, 5.0})).isTrue();
        assertThat(box.contains(new double[] {-1.0, 0.0})).as("low corner").isTrue();
        assertThat(box.contains(new double[] {1.0, 10.0})).as("high corner").isTrue();
        assertThat(box.contains(new double[] {Math.nextUp(1.0), 5.0})).isFalse();
        assertThat(box.contains(new double[] {0.0, Math.nextDown(0.0)})).isFalse();
        assertThat(box.contains(new double[] {-2.0, 5.0})).isFalse();
        assertThat(box.contains(new double[] {0.0, 11.0})).isFalse();
        assertThat(box.contains(new double[] {0.0})).isFalse();
        assertThat(box.contains(new double[] {0.0, 5.0, 0.0})).isFalse();
        assertThat(box.contains(null)).isFalse();
        assertThat(box.contains(new double[] {Double.NaN, 5.0})).isFalse();
        assertThat(box.contains(new double[] {0.0, INF})).isFalse();
    }

    @Test
    void infiniteBoundsContainLargeButNotNaN() {
        Box unbounded = Box.uniform(2, -INF, INF);
        assertThat(unbounded.contains(new double[] {1e300, -1e300})).isTrue();
        assertThat(unbounded.contains(new double[] {Double.NaN, 0})).isFalse();
    }

    @Test
    void seededSampleIsDeterministicAndInside() {
        Rng a = Rng.of(21);
        Rng b = Rng.of(21);
        double min0 = INF;
        double max0 = -INF;
        for (int i = 0; i < 5000; i++) {
            double[] x = box.sample(a);
            assertThat(x).isEqualTo(box.sample(b));
            assertThat(box.contains(x)).as(Arrays.toString(x)).isTrue();
            min0 = Math.min(min0, x[0]);
            max0 = Math.max(max0, x[0]);
        }
        // actually spread over the box, not stuck at a corner
        assertThat(min0).isLessThan(-0.99);
        assertThat(max0).isGreaterThan(0.99);
    }

    @Test
    void infiniteBoundsSampleFiniteMembers() {
        Box b = new Box(new double[] {-INF, 2.0, -INF, -3.0}, new double[] {INF, INF, 5.0, 3.0});
        Rng rng = Rng.of(8);
        double sumUnbounded = 0;
        double sumSqUnbounded = 0;
        double sumHalfLow = 0;
        double sumHalfHigh = 0;
        int n = 5000;
        for (int i = 0; i < n; i++) {
            double[] x = b.sample(rng);
            for (double v : x) {
                assertThat(Double.isFinite(v)).as(Arrays.toString(x)).isTrue();
            }
            assertThat(b.contains(x)).as(Arrays.toString(x)).isTrue();
            assertThat(x[1]).isGreaterThanOrEqualTo(2.0);
            assertThat(x[2]).isLessThanOrEqualTo(5.0);
            sumUnbounded += x[0];
            sumSqUnbounded += x[0] * x[0];
            sumHalfLow += x[1];
            sumHalfHigh += x[2];
        }
        // unbounded: standard normal; half-bounded: bound +/- Exp(1), so mean distance 1 from the bound
        assertThat(Math.abs(sumUnbounded / n)).isLessThan(0.1);
        assertThat(sumSqUnbounded / n).isBetween(0.85, 1.15);
        assertThat(sumHalfLow / n).isBetween(2.0 + 0.9, 2.0 + 1.1);
        assertThat(sumHalfHigh / n).isBetween(5.0 - 1.1, 5.0 - 0.9);
    }

    @Test
    void boundsAreDefensivelyCopied() {
        double[] low = {0.0};
        double[] high = {1.0};
        Box b = new Box(low, high);
        low[0] = 5;
        high[0] = 6;
        assertThat(b.contains(new double[] {0.5})).isTrue();
        b.low()[0] = 0.9;
        b.high()[0] = 0.1;
        assertThat(b.low()).containsExactly(0.0);
        assertThat(b.high()).containsExactly(1.0);
    }

    @Test
    void uniformAndShape() {
        Box u = Box.uniform(3, -2, 2);
        assertThat(u.dimension()).isEqualTo(3);
        assertThat(u.flatSize()).isEqualTo(3);
        assertThat(u.low()).containsExactly(-2, -2, -2);
        assertThat(u.high()).containsExactly(2, 2, 2);
        assertThat(u).isEqualTo(new Box(new double[] {-2, -2, -2}, new double[] {2, 2, 2}));
        assertThat(u.hashCode()).isEqualTo(new Box(new double[] {-2, -2, -2}, new double[] {2, 2, 2}).hashCode());
        assertThat(u).isNotEqualTo(Box.uniform(3, -2, 3));
    }

    @Test
    void veryWideFiniteBoundsSampleInside() {
        Box wide = Box.uniform(1, -Double.MAX_VALUE, Double.MAX_VALUE);
        Rng rng = Rng.of(3);
        for (int k = 0; k < 1000; k++) {
            double[] x = wide.sample(rng);
            assertThat(Double.isFinite(x[0])).isTrue();
            assertThat(wide.contains(x)).isTrue();
        }
    }

    @Test
    void degenerateBoxSamplesItsPoint() {
        Box p = new Box(new double[] {4.0}, new double[] {4.0});
        assertThat(p.sample(Rng.of(1))).containsExactly(4.0);
    }

    @Test
    void constructorValidation() {
        assertThatThrownBy(() -> new Box(new double[] {0, 2}, new double[] {1, 1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("bounds of dimension 1 must satisfy low <= high and not be one infinite point, got [2.0, 1.0]");
        assertThatThrownBy(() -> new Box(new double[] {Double.POSITIVE_INFINITY}, new double[] {Double.POSITIVE_INFINITY}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dimension 0");
        assertThatThrownBy(() -> Box.uniform(-1, 0, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("n must be > 0, got -1");
        assertThatThrownBy(() -> new Box(new double[] {Double.NaN}, new double[] {1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dimension 0");
        assertThatThrownBy(() -> new Box(new double[] {0}, new double[] {Double.NaN}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dimension 0");
        assertThatThrownBy(() -> new Box(new double[] {0, 0}, new double[] {1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("equal length");
        assertThatThrownBy(() -> new Box(new double[0], new double[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("non-empty");
        assertThatThrownBy(() -> new Box(null, new double[] {1}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Box.uniform(0, 0, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
