package dev.kdrl.env.quota;

/**
 * One configuration (one action) of a service: CPU limit per pod, Knative concurrency target and the
 * p95 latency measured offline with that configuration.
 *
 * @param cpu         CPU cores per pod, in {@link Limit#CPU}'s range
 * @param concurrency Knative concurrency target ({@code autoscaling.knative.dev/target}), in {@link
 *                    Limit#CONCURRENCY}'s range
 * @param latencyMs   measured p95 latency in milliseconds, in {@link Limit#MILLISECONDS}' range
 */
public record ServiceConfig(double cpu, double concurrency, double latencyMs) {

    public ServiceConfig {
        requirePositive("cpu", cpu);
        requirePositive("concurrency", concurrency);
        requirePositive("latencyMs", latencyMs);
        Limit.CPU.require("cpu", cpu);
        Limit.CONCURRENCY.require("concurrency", concurrency);
        Limit.MILLISECONDS.require("latencyMs", latencyMs);
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
