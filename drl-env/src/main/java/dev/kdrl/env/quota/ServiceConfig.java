package dev.kdrl.env.quota;

/**
 * One configuration (one action) of a service: CPU limit per pod, Knative concurrency target and the
 * p95 latency measured offline with that configuration.
 *
 * @param cpu         CPU cores per pod, &gt; 0
 * @param concurrency Knative concurrency target ({@code autoscaling.knative.dev/target}), &gt; 0
 * @param latencyMs   measured p95 latency in milliseconds, &gt; 0
 */
public record ServiceConfig(double cpu, double concurrency, double latencyMs) {

    public ServiceConfig {
        requirePositive("cpu", cpu);
        requirePositive("concurrency", concurrency);
        requirePositive("latencyMs", latencyMs);
    }

    /** Same CPU and concurrency: switching between the two makes no new Knative Revision. */
    public boolean sameDeployment(ServiceConfig other) {
        return cpu == other.cpu && concurrency == other.concurrency;
    }

    static void requirePositive(String field, double v) {
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(field + " must be a finite number > 0, got " + v);
        }
    }
}
