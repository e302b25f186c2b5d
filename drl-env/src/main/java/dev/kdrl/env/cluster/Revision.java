package dev.kdrl.env.cluster;

/**
 * One Knative revision of a service in {@link ClusterSim}: its configuration, its Deployment's replicas, its pods
 * (starting, ready, terminating), its KPA and its ReplicaSet controller's back-off. Mutable, owned by the simulator.
 */
final class Revision {
    final int id;
    final int action;
    final double cpu;
    final double concurrency;
    /** Cores the quota charges per pod: the CPU limit plus the queue-proxy's share. */
    final double chargedPerPod;
    final int minScale;
    final int initialScale;
    final double createdAt;
    final Kpa kpa;
    final QueueModel queue;

    /** Pods created, not ready yet (Pending, then starting), by ready time. */
    final TimeQueue starting = new TimeQueue();
    /** Deleted pods draining, by removal time; they hold quota until removed. */
    final TimeQueue terminating = new TimeQueue();
    int ready;
    /** Deployment {@code spec.replicas}. */
    int replicas;
    /** Whether the PA has been ready once (ready pods reached {@code max(minScale, initialScale)}). */
    boolean initialized;
    /** Since when the PA has been active (NaN while it is not: before it is ready, and after a scale to zero). */
    double activeSince = Double.NaN;
    /** Traffic moved away from it (routingState reserve): min-scale ignored, no scale-down limit. */
    boolean unreachable;
    /** Timed out before becoming ready (progress deadline): scaled to zero for good. */
    boolean failed;
    double zeroSince = Double.NaN;
    /** The ReplicaSet must sync at the next tick (its spec or one of its pods changed). */
    boolean resync = true;
    int failures;
    double nextRetry = Double.POSITIVE_INFINITY;

    Revision(int id, int action, double cpu, double concurrency, double chargedPerPod, int minScale, int initialScale,
             double createdAt, Kpa kpa, QueueModel queue) {
        this.id = id;
        this.action = action;
        this.cpu = cpu;
        this.concurrency = concurrency;
        this.chargedPerPod = chargedPerPod;
        this.minScale = minScale;
        this.initialScale = initialScale;
        this.createdAt = createdAt;
        this.kpa = kpa;
        this.queue = queue;
        this.replicas = initialScale;
    }

    /** Pods the ReplicaSet counts: not terminating. */
    int active() {
        return ready + starting.size();
    }

    /** Pods the quota charges: every pod not yet removed. */
    int charged() {
        return ready + starting.size() + terminating.size();
    }

    /**
     * Ready pods the PA needs to become active: {@code max(minScale, initialScale)} the first time, {@code max(minScale,
     * 1)} after (a scale from zero; §1.5).
     */
    int activeThreshold() {
        return Math.max(minScale, initialized ? 1 : initialScale);
    }
}
