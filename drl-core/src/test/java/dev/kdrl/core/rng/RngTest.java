package dev.kdrl.core.rng;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RngTest {

    private static long[] longs(Rng rng, int n) {
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = rng.nextLong();
        }
        return out;
    }

    @Test
    void sameSeedGivesSameSequence() {
        Rng a = Rng.of(42);
        Rng b = Rng.of(42);
        for (int i = 0; i < 1000; i++) {
            assertThat(a.nextLong()).isEqualTo(b.nextLong());
            assertThat(a.nextDouble()).isEqualTo(b.nextDouble());
            assertThat(a.nextInt(17)).isEqualTo(b.nextInt(17));
            assertThat(a.nextGaussian()).isEqualTo(b.nextGaussian());
            assertThat(a.nextSeed()).isEqualTo(b.nextSeed());
        }
    }

    @Test
    void differentSeedsGiveDifferentSequences() {
        assertThat(longs(Rng.of(1), 20)).isNotEqualTo(longs(Rng.of(2), 20));
    }

    @Test
    void splitStreamsAreDeterministic() {
        Rng parentA = Rng.of(7);
        Rng parentB = Rng.of(7);
        Rng childA1 = parentA.split();
        Rng childA2 = parentA.split();
        Rng childB1 = parentB.split();
        Rng childB2 = parentB.split();
        assertThat(longs(childA1, 100)).isEqualTo(longs(childB1, 100));
        assertThat(longs(childA2, 100)).isEqualTo(longs(childB2, 100));
        assertThat(longs(parentA, 100)).isEqualTo(longs(parentB, 100));
    }

    @Test
    void splitChildrenDifferFromEachOtherAndFromParent() {
        Rng parent = Rng.of(7);
        Rng c1 = parent.split();
        Rng c2 = parent.split();
        long[] p = longs(parent, 50);
        long[] a = longs(c1, 50);
        long[] b = longs(c2, 50);
        assertThat(a).isNotEqualTo(b);
        assertThat(a).isNotEqualTo(p);
        assertThat(b).isNotEqualTo(p);
    }

    @Test
    void drawingFromAChildDoesNotShiftTheParentOrSiblings() {
        Rng parentA = Rng.of(99);
        Rng childA = parentA.split();
        Rng siblingA = parentA.split();
        longs(childA, 1234); // heavy use of one stream

        Rng parentB = Rng.of(99);
        parentB.split(); // same split history, child never used
        Rng siblingB = parentB.split();

        assertThat(longs(parentA, 100)).isEqualTo(longs(parentB, 100));
        assertThat(longs(siblingA, 100)).isEqualTo(longs(siblingB, 100));
    }

    @Test
    void nextGaussianIsRoughlyStandardNormal() {
        Rng rng = Rng.of(12345);
        int n = 20_000;
        double sum = 0;
        double sumSq = 0;
        int beyond2 = 0;
        for (int i = 0; i < n; i++) {
            double x = rng.nextGaussian();
            assertThat(Double.isFinite(x)).isTrue();
            sum += x;
            sumSq += x * x;
            if (Math.abs(x) > 2) {
                beyond2++;
            }
        }
        double mean = sum / n;
        double var = sumSq / n - mean * mean;
        assertThat(Math.abs(mean)).as("mean %s", mean).isLessThan(0.03);
        assertThat(Math.abs(var - 1)).as("variance %s", var).isLessThan(0.05);
        // P(|Z| > 2) ~ 0.0455; a uniform or wrongly scaled generator would miss this badly
        assertThat(beyond2 / (double) n).isBetween(0.038, 0.053);
    }

    @Test
    void uniformDrawsStayInRange() {
        Rng rng = Rng.of(3);
        for (int i = 0; i < 10_000; i++) {
            assertThat(rng.nextDouble()).isGreaterThanOrEqualTo(0.0).isLessThan(1.0);
            assertThat(rng.nextDouble(-2.5, 4.0)).isGreaterThanOrEqualTo(-2.5).isLessThan(4.0);
            assertThat(rng.nextInt(5)).isBetween(0, 4);
            assertThat(rng.nextInt(-3, 3)).isBetween(-3, 2);
        }
    }
}
