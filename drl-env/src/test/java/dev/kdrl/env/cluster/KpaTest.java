package dev.kdrl.env.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Hand-worked KPA decisions (docs/spec/knative-semantics.md §1.3-1.4). Target 10 x 0.7 = 7 per pod. */
class KpaTest {

    /** Knative's defaults, 2-s buckets: stable window 30 buckets, panic window 3. */
    private static Kpa kpa() {
        return new Kpa(7, 2, 60, 10, 2.0, 1000, 2);
    }

    private static void record(Kpa k, double value, int buckets) {
        for (int b = 0; b < buckets; b++) {
            k.record(value);
        }
    }

    @Test
    void noDataNoDecision() {
        assertThat(kpa().decide(0, 3, true)).isEqualTo(-1);
    }

    @Test
    void desiredPodsFromWindowAverages() {
        Kpa k = kpa();
        // 27 buckets of 35 and 3 of 42: S = (27*35 + 3*42) / 30 = 35.7, P = 42
        record(k, 35, 27);
        record(k, 42, 3);
        assertThat(k.stableAverage()).isCloseTo(35.7, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(k.panicAverage()).isEqualTo(42);
        // dspc = ceil(35.7 / 7) = 6; dppc = ceil(42 / 7) = 6; 6 / 5 < 2: no panic; desired 6
        assertThat(k.decide(0, 5, true)).isEqualTo(6);
        assertThat(k.panicking()).isFalse();
    }

    @Test
    void firstWindowIsAveragedOverTheBucketsSeen() {
        Kpa k = kpa();
        k.record(10);
        k.record(20);
        // S = P = 15 over the 2 buckets seen; ceil(15 / 7) = 3
        assertThat(k.stableAverage()).isEqualTo(15);
        assertThat(k.decide(0, 3, true)).isEqualTo(3);
    }

    @Test
    void scaleDownIsHalvedWhileReachableAndFreeWhenNot() {
        Kpa k = kpa();
        record(k, 7, 30);
        // dspc = 1, but a reachable revision keeps floor(10 / 2) = 5
        assertThat(k.decide(0, 10, true)).isEqualTo(5);
        // an unreachable one has no scale-down limit
        assertThat(kpa2(7).decide(0, 10, false)).isEqualTo(1);
    }

    private static Kpa kpa2(double value) {
        Kpa k = kpa();
        record(k, value, 30);
        return k;
    }

    @Test
    void scaleUpIsLimitedByTheRate() {
        Kpa k = new Kpa(7, 2, 60, 10, 2.0, 1.1, 2);
        record(k, 70, 30);
        // dspc = 10, maxUp = ceil(1.1 * 2) = 3; dppc = 10 -> 10 / 2 >= 2: panic, still 3
        assertThat(k.decide(0, 2, true)).isEqualTo(3);
        // the threshold reads the unclamped dppc (§1.4): the clamped 3 / 2 would not panic
        assertThat(k.panicking()).isTrue();
    }

    /**
     * A target that is not exactly representable: 3 x 0.7 = 2.0999999999999996, and 21 users make 10 pods of it (the
     * ratio 10.000000000000002 is 10), not 11.
     */
    @Test
    void floatingPointRoundingOfTheTargetAddsNoPod() {
        Kpa k = new Kpa(3 * 0.7, 2, 60, 10, 2.0, 1000, 2);
        record(k, 21, 30);
        assertThat(k.decide(0, 10, true)).isEqualTo(10);
        // a genuine excess still counts
        Kpa more = new Kpa(3 * 0.7, 2, 60, 10, 2.0, 1000, 2);
        record(more, 21.01, 30);
        assertThat(more.decide(0, 10, true)).isEqualTo(11);
    }

    /**
     * A window's average does not depend on the buckets that left it: after many fractional loads, a panic window of
     * 6.9, 7.2 and 6.9 averages to 7 and wants one pod of target 7 (a running sum drifted above 7 and asked for 2).
     */
    @Test
    void windowAveragesDoNotDriftWithHistory() {
        java.util.Random random = new java.util.Random(3);
        for (int trial = 0; trial < 20; trial++) {
            Kpa k = new Kpa(7, 2, 6, 100, 2.0, 1000, 2);
            for (int b = 0; b < 200; b++) {
                k.record(Math.round(random.nextDouble() * 200) / 10.0);
            }
            k.record(6.9);
            k.record(7.2);
            k.record(6.9);
            assertThat(k.panicAverage()).isEqualTo(7.0);
            assertThat(k.decide(0, 1, true)).as("trial %d", trial).isEqualTo(1);
        }
    }

    /** The worked example of §1.4: R = 5, S = 50, P = 150 -> panic, 22 pods, held a stable window, then 11, 5, 4. */
    @Test
    void panicEntryHoldAndExit() {
        Kpa k = kpa();
        record(k, 1050.0 / 27, 27);
        record(k, 150, 3);
        assertThat(k.stableAverage()).isCloseTo(50, org.assertj.core.data.Offset.offset(1e-9));
        // dspc = ceil(50 / 7) = 8; dppc = ceil(150 / 7) = 22; 22 / 5 = 4.4 >= 2: panic; max(8, 22) = 22
        assertThat(k.decide(0, 5, true)).isEqualTo(22);
        assertThat(k.panicking()).isTrue();
        // the load falls to 28 (4 pods' worth); 22 pods ready. Panic holds 22 while now <= panicTime + 60
        double now = 0;
        for (int b = 0; b < 30; b++) {
            k.record(28);
            now += 2;
            assertThat(k.decide(now, 22, true)).as("at %s s", now).isEqualTo(22);
            assertThat(k.panicking()).isTrue();
        }
        assertThat(now).isEqualTo(60);
        // first decision after panicTime + 60 < now: out of panic; S = 28 -> 4 pods, but at most halving: 11
        k.record(28);
        assertThat(k.decide(62, 22, true)).isEqualTo(11);
        assertThat(k.panicking()).isFalse();
        k.record(28);
        assertThat(k.decide(64, 11, true)).isEqualTo(5);
        k.record(28);
        assertThat(k.decide(66, 5, true)).isEqualTo(4);
    }

    @Test
    void panicIsExtendedWhileOverTheThreshold() {
        Kpa k = kpa();
        record(k, 140, 30);
        // dppc = 20, 20 / 5 >= 2: panic at 0
        assertThat(k.decide(0, 5, true)).isEqualTo(20);
        // still over at 50 s (20 / 9 >= 2): panicTime moves to 50
        assertThat(k.decide(50, 9, true)).isEqualTo(20);
        record(k, 7, 30);
        // under the threshold from now on; panic ends only after 50 + 60 = 110 s
        assertThat(k.decide(110, 20, true)).isEqualTo(20);
        assertThat(k.panicking()).isTrue();
        assertThat(k.decide(112, 20, true)).isEqualTo(10);
        assertThat(k.panicking()).isFalse();
    }
}
