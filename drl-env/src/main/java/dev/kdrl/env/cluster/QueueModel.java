package dev.kdrl.env.cluster;

/**
 * Latency from load for the pods of one revision: a processor-sharing pod with a hard concurrency limit and a bounded
 * queue ({@code docs/spec/knative-semantics.md} §6.1 and §1.6), calibrated on the profile's measured p95.
 *
 * <p>The load is concurrent users (the trace's unit, as in the paper's Locust runs: a user sends its next request when
 * the previous one returns), spread evenly over the ready pods: {@code n} in-flight requests per pod.
 *
 * <ul>
 *   <li><b>Processor sharing</b> (M/M/1-PS, Little's law): the mean response time is {@code E[T] = s (1 + n)}; the
 *       p95 is taken proportional to the mean (the shape of the distribution is fixed). Calibration: at the
 *       operating point {@code n* = target x utilisation} (Knative keeps a pod there) the p95 equals the measured
 *       {@code L95}, so {@code p95(n) = L95 (1 + n) / (1 + n*)}.</li>
 *   <li><b>Concurrency limit</b> {@code K} (containerConcurrency; 0 = none): at most {@code K} are in service, the
 *       rest wait in the queue-proxy's FIFO queue; by Little's law with the throughput of {@code K} in service,
 *       {@code p95(n) = p95(K) n / K} for {@code n > K}.</li>
 *   <li><b>Bounded queue</b>: a pod holds at most {@code K + queueDepth x K} requests; the users beyond that, over all
 *       ready pods, have their requests dropped (HTTP 503).</li>
 *   <li><b>Tail</b>: the latency above the p95 is taken as exponential, {@code P(T > x) = 0.05^(x / p95)}, so the
 *       share of requests over the SLO is {@code 0.05^(SLO / p95)} (5 % when the p95 is the SLO).</li>
 *   <li><b>Request rate</b>: a user sends {@code 1 / E[T*]} requests per second, {@code E[T*] = L95 / ln 20} the mean
 *       at the operating point (the exponential tail's mean); offered requests are counted at that pace, served or
 *       dropped.</li>
 * </ul>
 *
 * @param p95Seconds       measured p95 at the operating point, seconds
 * @param operatingPoint   in-flight requests per pod at the operating point ({@code n*})
 * @param limit            hard per-pod concurrency limit {@code K}; 0 = none
 * @param queueDepth       queue slots per pod ({@code queueDepth x K})
 */
public record QueueModel(double p95Seconds, double operatingPoint, double limit, double queueDepth) {

    private static final double LN20 = Math.log(20);

    public QueueModel {
        if (!(p95Seconds > 0) || !(operatingPoint > 0) || !(limit >= 0) || !(queueDepth >= 0)) {
            throw new IllegalArgumentException("queue model needs p95 > 0, operating point > 0, limit >= 0, queue >= 0;"
                    + " got " + p95Seconds + ", " + operatingPoint + ", " + limit + ", " + queueDepth);
        }
    }

    /** The model of a configuration with {@code latencyMs} p95 at {@code concurrency x utilisation} per pod. */
    public static QueueModel of(double latencyMs, double concurrency, double utilisation,
                                ClusterParams.ServiceParams sp) {
        double limit = sp.concurrencyLimit() * concurrency;
        return new QueueModel(latencyMs / 1000, concurrency * utilisation, limit, sp.queueDepth() * limit);
    }

    /** p95 latency in seconds with {@code n} in-flight requests per pod. */
    public double p95(double n) {
        double perPod = Math.max(0, n);
        if (limit > 0 && perPod > limit) {
            return p95Seconds * (1 + limit) / (1 + operatingPoint) * perPod / limit;
        }
        return p95Seconds * (1 + perPod) / (1 + operatingPoint);
    }

    /** In-flight requests one pod holds before it drops: limit plus queue; infinite without a limit. */
    public double capacityPerPod() {
        return limit > 0 ? limit + queueDepth : Double.POSITIVE_INFINITY;
    }

    /** Requests per second one user sends. */
    public double requestsPerUserSecond() {
        return LN20 / p95Seconds;
    }

    /** Share of requests slower than {@code sloSeconds} when the p95 is {@code p95}: {@code 0.05^(slo / p95)}. */
    public static double overShare(double sloSeconds, double p95) {
        if (p95 == Double.POSITIVE_INFINITY) {
            return 1;
        }
        return Math.exp(-LN20 * sloSeconds / p95);
    }
}
