package dev.kdrl.env.cluster;

/**
 * What one service went through in one decision period of {@link ClusterSim}.
 *
 * @param offeredRequests  requests the users sent
 * @param droppedRequests  requests dropped: beyond the pods' limit and queue, or with no pod ready or starting
 * @param overSloRequests  served requests slower than the SLO (expected count under the model's tail)
 * @param p95Seconds       p95 latency of every request of the period (dropped ones as infinitely slow; infinite when
 *                         more than 5 % were dropped; {@code NaN} without requests)
 * @param secondsOverSlo   seconds whose p95 exceeded the SLO or that dropped more than 5 %
 * @param coreSeconds      CPU-core-seconds the quota charged to the service's pods
 * @param meanCores        {@code coreSeconds / period}
 * @param refusedCreations pod creations refused by the quota (HTTP 403), retries included
 * @param coldStarts       pods created for the serving revision while it had no pod at all
 * @param revisions        revisions created in the period
 * @param readyPodsEnd     ready pods of the serving revision at the period's end
 * @param chargedCoresEnd  cores charged to the service at the period's end
 * @param peakCores        the most cores charged to the service at once in the period
 */
public record ServicePeriod(double offeredRequests, double droppedRequests, double overSloRequests, double p95Seconds,
                            double secondsOverSlo, double coreSeconds, double meanCores, int refusedCreations,
                            int coldStarts, int revisions, int readyPodsEnd, double chargedCoresEnd,
                            double peakCores) {

    /** Share of the requests over the SLO or dropped; 0 without requests. */
    public double badShare() {
        return offeredRequests > 0 ? (overSloRequests + droppedRequests) / offeredRequests : 0;
    }
}
