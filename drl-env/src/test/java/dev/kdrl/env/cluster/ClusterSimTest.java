package dev.kdrl.env.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.kdrl.env.cluster.ClusterSim.RevisionView;
import dev.kdrl.env.quota.QuotaModel;
import dev.kdrl.env.quota.ServiceConfig;
import dev.kdrl.env.quota.ServiceProfile;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Hand-worked cases of the pod lifecycle, quota admission, ReplicaSet back-off and revision roll-out. Defaults: 2-s
 * ticks, Pending 1 s + start-up 4 s (a pod created at t is ready at t + 5, seen at the next tick), drain 30 s.
 */
class ClusterSimTest {

    /** One service: config 0 = 2 cores, target 10, p95 500 ms; config 1 = 2 cores, target 20, p95 800 ms. */
    static QuotaModel oneService(double quota) {
        ServiceProfile s = new ServiceProfile("a", 1000, 1000, 0,
                List.of(new ServiceConfig(2, 10, 500), new ServiceConfig(2, 20, 800)));
        return QuotaModel.general(List.of(s), quota, 0);
    }

    /** Ticks at 0, 2, ... up to and including {@code until}. */
    static void runUntil(ClusterSim sim, double until, double load) {
        while (sim.time() <= until + 1e-9) {
            sim.tick(new double[] {load});
        }
    }

    static RevisionView rev(ClusterSim sim, int k) {
        return sim.revisions(0).get(k);
    }

    @Test
    void backoffDoublesFrom5msAndCapsAt1000s() {
        assertThat(ClusterSim.backoff(1)).isEqualTo(0.005);
        assertThat(ClusterSim.backoff(8)).isEqualTo(0.64);
        assertThat(ClusterSim.backoff(10)).isCloseTo(2.56, within(1e-12));
        assertThat(ClusterSim.backoff(19)).isEqualTo(1000);
        assertThat(ClusterSim.backoff(60)).isEqualTo(1000);
    }

    /**
     * Quota 6, old revision 2 pods (4 cores, min-scale 2), new revision min-scale = initial-scale 2: together 8 cores.
     * t = 0: the new ReplicaSet's first batch (1 pod) is admitted (6 <= 6), the second refused; it retries at
     * 5, 15, 35, 75, 155, 315, 635, 1275 ms inside the tick (9 refusals), next at 2.555 s; t = 4: refused (10), next
     * 4 + 2.56; t = 6: its pod is ready (an own-pod event: immediate sync), refused (11). The new revision never reaches
     * 2 ready pods, so the traffic stays on the old one; at 600 + 30 s it is scaled to zero and its pod drains 30 s.
     */
    @Test
    void rollOutWhoseRevisionsTogetherExceedTheQuotaStaysOnTheOldRevision() {
        ClusterSim sim = new ClusterSim(oneService(6), ClusterParams.DEFAULTS);
        sim.start(new int[] {0}, new int[] {2});
        assertThat(sim.charged()).isEqualTo(4);
        sim.clearPeriod();
        assertThat(sim.apply(0, 1, 2, 2)).isTrue();
        runUntil(sim, 0, 14);
        assertThat(sim.charged()).isEqualTo(6);
        assertThat(sim.periodResults()[0].refusedCreations()).isEqualTo(9);
        assertThat(rev(sim, 1).nextRetry()).isCloseTo(2.555, within(1e-9));
        runUntil(sim, 2, 14);
        assertThat(sim.periodResults()[0].refusedCreations()).isEqualTo(9);
        runUntil(sim, 4, 14);
        assertThat(sim.periodResults()[0].refusedCreations()).isEqualTo(10);
        runUntil(sim, 6, 14);
        assertThat(sim.periodResults()[0].refusedCreations()).isEqualTo(11);
        assertThat(rev(sim, 1).ready()).isEqualTo(1);
        runUntil(sim, 628, 14);
        assertThat(rev(sim, 0).serving()).isTrue();
        assertThat(rev(sim, 0).ready()).isEqualTo(2);
        assertThat(rev(sim, 1).failed()).isFalse();
        assertThat(sim.peakCharged()).isEqualTo(6);
        runUntil(sim, 630, 14);
        assertThat(rev(sim, 1).failed()).isTrue();
        assertThat(rev(sim, 1).terminating()).isEqualTo(1);
        assertThat(sim.charged()).isEqualTo(6);
        runUntil(sim, 658, 14);
        assertThat(sim.charged()).isEqualTo(6);
        runUntil(sim, 660, 14);
        assertThat(sim.charged()).isEqualTo(4);
        assertThat(rev(sim, 0).serving()).isTrue();
        // the old revision served every request at its operating point: 7 users per pod -> p95 = 500 ms
        assertThat(sim.periodResults()[0].p95Seconds()).isCloseTo(0.5, within(1e-12));
    }

    /**
     * Quota 8: both revisions fit. New pods created at 0, ready at 5, seen at 6: the route moves. Knative then scales
     * the unreachable old revision by its KPA: its 3 buckets of 14 users average to 42/k over k buckets; ceil(6/k)
     * falls to 1 at k = 6 (t = 12: one pod drains until 42); the window empties at t = 66 (desired 0), the 30-s grace
     * ends at 96 and the last pod drains until 126.
     */
    @Test
    void knativeScalesTheOldRevisionDownAfterTheShift() {
        ClusterSim sim = new ClusterSim(oneService(8), ClusterParams.DEFAULTS);
        sim.start(new int[] {0}, new int[] {2});
        sim.clearPeriod();
        sim.apply(0, 1, 2, 2);
        runUntil(sim, 4, 14);
        assertThat(rev(sim, 0).serving()).isTrue();
        assertThat(sim.charged()).isEqualTo(8);
        runUntil(sim, 6, 14);
        assertThat(rev(sim, 1).serving()).isTrue();
        assertThat(rev(sim, 0).unreachable()).isTrue();
        runUntil(sim, 10, 14);
        assertThat(rev(sim, 0).replicas()).isEqualTo(2);
        runUntil(sim, 12, 14);
        assertThat(rev(sim, 0).replicas()).isEqualTo(1);
        assertThat(rev(sim, 0).terminating()).isEqualTo(1);
        runUntil(sim, 40, 14);
        assertThat(sim.charged()).isEqualTo(8);
        runUntil(sim, 42, 14);
        assertThat(sim.charged()).isEqualTo(6);
        runUntil(sim, 94, 14);
        assertThat(rev(sim, 0).replicas()).isEqualTo(1);
        runUntil(sim, 96, 14);
        assertThat(rev(sim, 0).replicas()).isZero();
        runUntil(sim, 124, 14);
        assertThat(sim.charged()).isEqualTo(6);
        runUntil(sim, 126, 14);
        assertThat(sim.charged()).isEqualTo(4);
        assertThat(sim.revisions(0)).hasSize(1);
        assertThat(sim.peakCharged()).isEqualTo(8);
    }

    /**
     * The Go operator deletes the old revision as soon as the new one is ready and force-deletes its pods (grace period
     * 0): at t = 6 the old revision's 4 cores stop counting against the quota at once (no drain) and it is gone.
     */
    @Test
    void operatorForceDeletesTheOldRevisionsPodsWhenTheNewOneIsReady() {
        ClusterSim sim = new ClusterSim(oneService(8), ClusterParams.DEFAULTS.withOperatorDeletesOldRevision(true));
        sim.start(new int[] {0}, new int[] {2});
        sim.clearPeriod();
        sim.apply(0, 1, 2, 2);
        runUntil(sim, 4, 14);
        assertThat(sim.charged()).isEqualTo(8);
        assertThat(rev(sim, 0).serving()).isTrue();
        runUntil(sim, 6, 14);
        assertThat(sim.revisions(0)).hasSize(1);
        assertThat(rev(sim, 0).serving()).isTrue();
        assertThat(rev(sim, 0).action()).isEqualTo(1);
        assertThat(sim.charged()).isEqualTo(4);
        assertThat(sim.chargedBy(0)).isEqualTo(4);
        assertThat(sim.periodResults()[0].peakCores()).isEqualTo(8);
        assertThat(sim.episodePeakCharged(0)).isEqualTo(8);
        runUntil(sim, 60, 14);
        assertThat(sim.charged()).isEqualTo(4);
    }

    /**
     * Quota 4, one revision without min-scale, 2 ready pods (4 cores). No load: at t = 2 the KPA keeps floor(2/2) = 1
     * pod, so one pod drains until 32 (still charged). The load jumps to 14 at t = 4; at t = 8 the panic window
     * (0, 14, 14) gives ceil(9.33/7) = 2 pods on 1 ready: panic, 2 pods; the creation is refused (2 + 2 + 2 > 4) and
     * retried with back-off; when the draining pod leaves at t = 32, its own ReplicaSet wakes and the pod is admitted
     * in that tick; it is ready at 37 (seen at 38).
     */
    @Test
    void creationRefusedAtTheQuotaIsAdmittedWhenATerminatingPodLeaves() {
        ClusterSim sim = new ClusterSim(oneService(4), ClusterParams.DEFAULTS);
        sim.start(new int[] {0}, new int[] {2}, false);
        sim.clearPeriod();
        runUntil(sim, 2, 0);
        assertThat(rev(sim, 0).ready()).isEqualTo(1);
        assertThat(rev(sim, 0).terminating()).isEqualTo(1);
        assertThat(sim.charged()).isEqualTo(4);
        runUntil(sim, 6, 14);
        assertThat(sim.periodResults()[0].refusedCreations()).isZero();
        runUntil(sim, 8, 14);
        assertThat(rev(sim, 0).replicas()).isEqualTo(2);
        assertThat(rev(sim, 0).panicking()).isTrue();
        assertThat(sim.periodResults()[0].refusedCreations()).isEqualTo(9);
        runUntil(sim, 30, 14);
        assertThat(rev(sim, 0).starting()).isZero();
        assertThat(rev(sim, 0).nextRetry()).isGreaterThan(32);
        int refusedBefore = sim.periodResults()[0].refusedCreations();
        runUntil(sim, 32, 14);
        assertThat(rev(sim, 0).terminating()).isZero();
        assertThat(rev(sim, 0).starting()).isEqualTo(1);
        assertThat(sim.charged()).isEqualTo(4);
        assertThat(sim.periodResults()[0].refusedCreations()).isEqualTo(refusedBefore);
        runUntil(sim, 36, 14);
        assertThat(rev(sim, 0).ready()).isEqualTo(1);
        runUntil(sim, 38, 14);
        assertThat(rev(sim, 0).ready()).isEqualTo(2);
        assertThat(sim.peakCharged()).isEqualTo(4);
    }

    /**
     * A pod of another revision leaving does not wake this ReplicaSet: the refused pod is admitted at its next back-off
     * retry after the old pods have left, not at their removal. Quota 6: the old revision's 2 pods (4 cores) and the
     * new one's first pod fill it; the new one (target 20 x 0.7 = 14) soon wants 2 pods for 28 users and is refused.
     * Knative scales the unreachable old revision to zero; its pods drain and leave while the new ReplicaSet is
     * waiting out a long back-off.
     */
    @Test
    void anotherRevisionsPodLeavingWaitsForTheBackOff() {
        ClusterSim sim = new ClusterSim(oneService(6), ClusterParams.DEFAULTS);
        sim.start(new int[] {0}, new int[] {2});
        sim.clearPeriod();
        sim.apply(0, 1, 1, 1);
        double t = 0;
        while (sim.revisions(0).size() > 1) {
            RevisionView waiting = rev(sim, 1);
            sim.tick(new double[] {28});
            t += 2;
            assertThat(t).as("the old revision is gone within 300 s").isLessThan(300);
            if (sim.revisions(0).size() == 1) {
                // the old pods left in this tick: the new ReplicaSet was not woken (its retry is later)
                assertThat(waiting.nextRetry()).isGreaterThan(t);
                assertThat(waiting.replicas()).isEqualTo(2);
            }
        }
        assertThat(sim.charged()).isEqualTo(2);
        assertThat(rev(sim, 0).starting()).isZero();
        double retry = rev(sim, 0).nextRetry();
        int admittedAt = (int) (2 * Math.ceil(retry / 2 - 1e-9));
        runUntil(sim, admittedAt - 2, 28);
        assertThat(rev(sim, 0).starting()).isZero();
        assertThat(sim.charged()).isEqualTo(2);
        runUntil(sim, admittedAt, 28);
        assertThat(rev(sim, 0).starting()).isEqualTo(1);
        assertThat(sim.charged()).isEqualTo(4);
    }

    /**
     * The traffic goes to the newest ready revision, even while a newer one is still starting (the Configuration's
     * latest ready revision, §2). Quota 12: R1 (min = initial = 2) is created at 0, R2 (the same sizes) at 2. R1 is
     * ready at 6 and takes the traffic (R0 becomes unreachable); R2 is ready at 8 and takes it from R1. R1, active
     * since 6, keeps one pod while its one bucket of 14 users is in its window, then goes (at 98, the grace being 30
     * s) and its pod drains until 128.
     */
    @Test
    void theNewestReadyRevisionTakesTheTrafficWhileANewerOneStarts() {
        ClusterSim sim = new ClusterSim(oneService(12), ClusterParams.DEFAULTS);
        sim.start(new int[] {0}, new int[] {2});
        sim.clearPeriod();
        sim.apply(0, 1, 2, 2);
        runUntil(sim, 0, 14);
        sim.apply(0, 0, 2, 2);
        runUntil(sim, 4, 14);
        assertThat(rev(sim, 0).serving()).isTrue();
        runUntil(sim, 6, 14);
        assertThat(rev(sim, 1).serving()).isTrue();
        assertThat(rev(sim, 0).unreachable()).isTrue();
        assertThat(rev(sim, 2).unreachable()).isFalse();
        runUntil(sim, 8, 14);
        assertThat(rev(sim, 2).serving()).isTrue();
        assertThat(rev(sim, 1).unreachable()).isTrue();
        runUntil(sim, 96, 14);
        assertThat(rev(sim, 1).replicas()).isEqualTo(1);
        runUntil(sim, 98, 14);
        assertThat(rev(sim, 1).replicas()).isZero();
        assertThat(rev(sim, 1).failed()).isFalse();
        runUntil(sim, 128, 14);
        assertThat(sim.revisions(0)).extracting(RevisionView::id).containsExactly(2);
        assertThat(sim.charged()).isEqualTo(4);
    }

    /**
     * A revision that became ready is not left holding its pods when a newer one fails: quota 12, R1 (2 pods) is ready
     * at 6 and serves; R2 wants 5 pods, more than the quota ever leaves it, and fails at 632. R1 keeps the traffic, R0
     * and R2 go, and only R1's 4 cores stay charged.
     */
    @Test
    void aReadyRevisionServesWhenTheNewestFails() {
        ClusterSim sim = new ClusterSim(oneService(12), ClusterParams.DEFAULTS);
        sim.start(new int[] {0}, new int[] {2});
        sim.clearPeriod();
        sim.apply(0, 1, 2, 2);
        runUntil(sim, 0, 14);
        sim.apply(0, 0, 5, 5);
        runUntil(sim, 6, 14);
        assertThat(rev(sim, 1).serving()).isTrue();
        runUntil(sim, 630, 14);
        assertThat(sim.revisions(0)).extracting(RevisionView::id).containsExactly(1, 2);
        assertThat(rev(sim, 1).failed()).isFalse();
        runUntil(sim, 632, 14);
        assertThat(rev(sim, 1).failed()).isTrue();
        runUntil(sim, 700, 14);
        assertThat(rev(sim, 0).serving()).isTrue();
        assertThat(rev(sim, 0).ready()).isEqualTo(2);
        assertThat(sim.charged()).isEqualTo(4);
    }

    /**
     * A revision's PA is active again after a scale from zero once max(min-scale, 1) pods are ready (not its
     * initial-scale), and scale to zero waits a stable window from then (§1.5). Grace 1 s: R1 (min-scale 0,
     * initial-scale 3) serves from 6 and goes to zero at 66; one period of load at 200 brings a pod, ready at 208:
     * active again; its window is empty from about 260, but the pod stays until 268 (208 + 60).
     */
    @Test
    void aPaActiveAgainAfterAColdStartWaitsAStableWindow() {
        ClusterParams p = new ClusterParams(2, 120, 60, 10, 200, 1000, 2, 0.7, 1, 600, 1, false, false,
                ClusterParams.ServiceParams.DEFAULTS, java.util.Map.of());
        ClusterSim sim = new ClusterSim(oneService(40), p);
        sim.start(new int[] {0}, new int[] {1}, false);
        sim.clearPeriod();
        sim.apply(0, 1, 0, 3);
        runUntil(sim, 6, 0);
        assertThat(rev(sim, 1).serving()).isTrue();
        runUntil(sim, 198, 0);
        assertThat(sim.revisions(0)).hasSize(1);
        assertThat(rev(sim, 0).replicas()).isZero();
        runUntil(sim, 200, 7);
        runUntil(sim, 208, 0);
        assertThat(rev(sim, 0).ready()).isEqualTo(1);
        runUntil(sim, 266, 0);
        assertThat(rev(sim, 0).replicas()).isEqualTo(1);
        runUntil(sim, 268, 0);
        assertThat(rev(sim, 0).replicas()).isZero();
    }

    /**
     * Writing the same template again makes no revision, even when the newest one failed (Knative keeps serving the
     * old one; the published operator writes only what differs). The roll-out of
     * {@link #rollOutWhoseRevisionsTogetherExceedTheQuotaStaysOnTheOldRevision} fails at 630.
     */
    @Test
    void theSameTemplateAfterAFailedRevisionMakesNoRevision() {
        ClusterSim sim = new ClusterSim(oneService(6), ClusterParams.DEFAULTS);
        sim.start(new int[] {0}, new int[] {2});
        sim.clearPeriod();
        assertThat(sim.apply(0, 1, 2, 2)).isTrue();
        runUntil(sim, 630, 14);
        assertThat(rev(sim, 1).failed()).isTrue();
        assertThat(sim.apply(0, 1, 2, 2)).isFalse();
        assertThat(sim.revisions(0)).hasSize(2);
        runUntil(sim, 700, 14);
        assertThat(rev(sim, 0).serving()).isTrue();
        assertThat(rev(sim, 0).action()).isZero();
        assertThat(sim.apply(0, 1, 1, 1)).isTrue();
    }

    /**
     * Knative aims at the smaller of the target and the hard limit (§1.2): with {@code concurrencyLimit} 0.5 the limit
     * is 5 for target 10, so 35 users need ceil(35 / (5 x 0.7)) = 10 pods, not ceil(35 / 7) = 5.
     */
    @Test
    void aHardLimitBelowTheTargetLowersTheKpaTarget() {
        ClusterParams p = ClusterParams.DEFAULTS.withServices(new ClusterParams.ServiceParams(4, 30, 0.5, 10, 0),
                java.util.Map.of());
        ClusterSim sim = new ClusterSim(oneService(40), p);
        sim.start(new int[] {0}, new int[] {1}, false);
        sim.clearPeriod();
        runUntil(sim, 240, 35);
        assertThat(rev(sim, 0).replicas()).isEqualTo(10);
        assertThat(rev(sim, 0).ready()).isEqualTo(10);
    }

    /**
     * The KPA counts ready pods only (§0.1): one ready pod, 28 users (target 7): panic at 2 for 4 pods, which are
     * starting until 8. While they start, 4 / 1 ready >= 2 keeps extending the panic (last at 6), so it ends at 68,
     * not at 64 as it would if the starting pods counted.
     */
    @Test
    void panicCountsReadyPodsNotStartingOnes() {
        ClusterSim sim = new ClusterSim(oneService(40), ClusterParams.DEFAULTS);
        sim.start(new int[] {0}, new int[] {1}, false);
        sim.clearPeriod();
        runUntil(sim, 2, 28);
        assertThat(rev(sim, 0).panicking()).isTrue();
        assertThat(rev(sim, 0).replicas()).isEqualTo(4);
        runUntil(sim, 6, 28);
        assertThat(rev(sim, 0).ready()).isEqualTo(1);
        runUntil(sim, 8, 28);
        assertThat(rev(sim, 0).ready()).isEqualTo(4);
        runUntil(sim, 66, 28);
        assertThat(rev(sim, 0).panicking()).isTrue();
        runUntil(sim, 68, 28);
        assertThat(rev(sim, 0).panicking()).isFalse();
    }

    /**
     * Pod creations go in slow-start batches 1, 2, 4, ... and a batch with a refusal ends the sync (§3.2): quota 4,
     * one pod running, a new revision of 8 pods: the first batch's pod is admitted, the second batch's 2 are refused
     * and the rest are not tried; with the 8 back-off retries inside the tick, 10 refusals (not 7 + 8).
     */
    @Test
    void creationsGoInSlowStartBatches() {
        ClusterSim sim = new ClusterSim(oneService(4), ClusterParams.DEFAULTS);
        sim.start(new int[] {0}, new int[] {1});
        sim.clearPeriod();
        sim.apply(0, 0, 8, 8);
        runUntil(sim, 0, 7);
        assertThat(rev(sim, 1).starting()).isEqualTo(1);
        assertThat(sim.charged()).isEqualTo(4);
        assertThat(sim.periodResults()[0].refusedCreations()).isEqualTo(10);
    }

    /**
     * Until its PA is ready, a revision keeps at least its initial-scale (§1.5, #16260): quota 8, a new revision with
     * min-scale 0 and initial-scale 3 gets 2 of its 3 pods; with 2 ready and no traffic its KPA would keep
     * floor(2 / 2) = 1, but the bound keeps 3 replicas and both pods.
     */
    @Test
    void initialScaleBoundsARevisionUntilItsPaIsReady() {
        ClusterSim sim = new ClusterSim(oneService(8), ClusterParams.DEFAULTS);
        sim.start(new int[] {0}, new int[] {2});
        sim.clearPeriod();
        sim.apply(0, 1, 0, 3);
        runUntil(sim, 20, 14);
        assertThat(rev(sim, 1).ready()).isEqualTo(2);
        assertThat(rev(sim, 1).replicas()).isEqualTo(3);
        assertThat(rev(sim, 1).terminating()).isZero();
        assertThat(rev(sim, 0).serving()).isTrue();
    }

    /**
     * The quota charges the queue-proxy's share with every pod: with 0.025 cores, 2 pods of 2 cores need 4.05; a quota
     * of 4 admits one (the second is refused), one of 4.05 both.
     */
    @Test
    void queueProxyShareCountsAgainstTheQuota() {
        ClusterParams p = ClusterParams.DEFAULTS.withServices(new ClusterParams.ServiceParams(4, 30, 1, 10, 0.025),
                java.util.Map.of());
        ClusterSim tight = new ClusterSim(oneService(4), p);
        tight.start(new int[] {0}, new int[] {2});
        assertThat(rev(tight, 0).ready()).isEqualTo(1);
        assertThat(tight.charged()).isCloseTo(2.025, within(1e-12));
        tight.clearPeriod();
        runUntil(tight, 0, 7);
        assertThat(tight.periodResults()[0].refusedCreations()).isPositive();
        ClusterSim fits = new ClusterSim(oneService(4.05), p);
        fits.start(new int[] {0}, new int[] {2});
        assertThat(rev(fits, 0).ready()).isEqualTo(2);
        assertThat(fits.charged()).isCloseTo(4.05, within(1e-12));
    }

    /** At the operating point (0.7 x target per pod) the period's p95 is the profile's; 5 % over an SLO at the p95. */
    @Test
    void queueingModelReproducesTheProfileAtTheOperatingPoint() {
        QueueModel q = QueueModel.of(1100, 10, 0.7, ClusterParams.ServiceParams.DEFAULTS);
        assertThat(q.p95(7)).isCloseTo(1.1, within(1e-12));
        assertThat(q.p95(0)).isCloseTo(1.1 / 8, within(1e-12));
        // beyond the limit of 10 in service: Little's law with 10 in service
        assertThat(q.p95(10)).isCloseTo(1.1 * 11 / 8, within(1e-12));
        assertThat(q.p95(20)).isCloseTo(1.1 * 11 / 8 * 2, within(1e-12));
        assertThat(q.capacityPerPod()).isEqualTo(110);
        assertThat(QueueModel.overShare(1.1, 1.1)).isCloseTo(0.05, within(1e-12));

        ServiceProfile house = new ServiceProfile("house", 1200, 730, 0, List.of(new ServiceConfig(1.5, 10, 1100)));
        ClusterSim sim = new ClusterSim(QuotaModel.general(List.of(house), 40, 0), ClusterParams.DEFAULTS);
        sim.start(new int[] {0}, new int[] {3});
        sim.clearPeriod();
        ServicePeriod p = sim.runPeriod(new double[] {21}, null)[0];
        assertThat(p.p95Seconds()).isCloseTo(1.1, within(1e-12));
        assertThat(p.droppedRequests()).isZero();
        assertThat(p.overSloRequests() / p.offeredRequests()).isCloseTo(Math.pow(0.05, 1.2 / 1.1), within(1e-12));
        // 21 users at ln(20) / 1.1 requests per second each, for 120 s
        assertThat(p.offeredRequests()).isCloseTo(21 * Math.log(20) / 1.1 * 120, within(1e-6));
        assertThat(p.coreSeconds()).isCloseTo(3 * 1.5 * 120, within(1e-9));
        assertThat(p.secondsOverSlo()).isZero();
    }

    /** Users beyond limit + queue (110 per pod) are dropped; more than 5 % dropped makes the p95 infinite. */
    @Test
    void requestsBeyondTheQueueAreDropped() {
        ServiceProfile house = new ServiceProfile("house", 1200, 730, 0, List.of(new ServiceConfig(1.5, 10, 1100)));
        ClusterSim sim = new ClusterSim(QuotaModel.general(List.of(house), 1.5, 0), ClusterParams.DEFAULTS);
        sim.start(new int[] {0}, new int[] {1});
        sim.clearPeriod();
        ServicePeriod p = sim.runPeriod(new double[] {220}, null)[0];
        assertThat(p.droppedRequests() / p.offeredRequests()).isCloseTo(0.5, within(1e-12));
        assertThat(p.p95Seconds()).isInfinite();
        assertThat(p.refusedCreations()).isPositive();
        assertThat(p.secondsOverSlo()).isEqualTo(120);
    }

    /**
     * Knative's default, one pod, no load from t = 0: the KPA wants 0 from t = 2 (S = 0, floor(1/2) = 0); the revision
     * has been active a stable window at 60 and the grace (30 s from 2) has passed at 32, so the pod goes at 60 and
     * drains until 90. Load 7 from t = 100: the requests wait at the activator; the KPA at 102 sees S = 7/30, P = 7/3:
     * 1 pod, a cold start, ready at 107 (seen at 108).
     */
    @Test
    void scaleToZeroAndColdStart() {
        ClusterSim sim = new ClusterSim(oneService(6), ClusterParams.DEFAULTS);
        sim.start(new int[] {0}, new int[] {1}, false);
        sim.clearPeriod();
        runUntil(sim, 58, 0);
        assertThat(rev(sim, 0).replicas()).isEqualTo(1);
        runUntil(sim, 60, 0);
        assertThat(rev(sim, 0).replicas()).isZero();
        assertThat(rev(sim, 0).terminating()).isEqualTo(1);
        runUntil(sim, 88, 0);
        assertThat(sim.charged()).isEqualTo(2);
        runUntil(sim, 98, 0);
        assertThat(sim.charged()).isZero();
        sim.clearPeriod();
        runUntil(sim, 100, 7);
        assertThat(rev(sim, 0).starting()).isZero();
        runUntil(sim, 102, 7);
        assertThat(rev(sim, 0).starting()).isEqualTo(1);
        assertThat(sim.periodResults()[0].coldStarts()).isEqualTo(1);
        runUntil(sim, 106, 7);
        assertThat(rev(sim, 0).ready()).isZero();
        runUntil(sim, 108, 7);
        assertThat(rev(sim, 0).ready()).isEqualTo(1);
        ServicePeriod p = sim.periodResults()[0];
        assertThat(p.droppedRequests()).isZero();
        // tick 100 waits 2 + 1 + 4 s, ticks 102..106 wait 5, 3, 1 s for the pod, each + 0.5 s (7 users on one pod):
        // all four ticks over the 1-s SLO
        assertThat(p.p95Seconds()).isGreaterThan(0.5);
        assertThat(p.secondsOverSlo()).isEqualTo(8);
    }

    /** An interpolated period moves the load linearly from one row to the next: 10 to 20 offers the requests of 15. */
    @Test
    void interpolatedLoad() {
        ClusterParams p = new ClusterParams(2, 120, 60, 10, 200, 1000, 2, 0.7, 30, 600, 1, false, true,
                ClusterParams.ServiceParams.DEFAULTS, java.util.Map.of());
        ClusterSim sim = new ClusterSim(oneService(40), p);
        sim.start(new int[] {0}, new int[] {3});
        sim.clearPeriod();
        ServicePeriod period = sim.runPeriod(new double[] {10}, new double[] {20})[0];
        assertThat(period.offeredRequests()).isCloseTo(15 * Math.log(20) / 0.5 * 120, within(1e-6));
    }

    @Test
    void mixtureP95OfTwoEqualHalvesLiesBetweenThem() {
        double x = ClusterSim.mixtureP95(new double[] {1, 2}, new double[] {1, 1}, 2, 0, 2);
        // 0.5 * 0.05^(x/1) + 0.5 * 0.05^(x/2) = 0.05
        assertThat(0.5 * Math.pow(0.05, x) + 0.5 * Math.pow(0.05, x / 2)).isCloseTo(0.05, within(1e-6));
        assertThat(x).isBetween(1.0, 2.0);
        assertThat(ClusterSim.mixtureP95(new double[] {1}, new double[] {1}, 1, 0.06, 1.06)).isInfinite();
    }
}
