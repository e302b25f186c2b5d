package dev.kdrl.env.cluster;

import java.util.Arrays;
import java.util.Locale;

/**
 * The reward of one decision period of {@link ClusterEnv}, computed from what the period realised
 * ({@link ServicePeriod}), not from the profile's numbers.
 *
 * <ul>
 *   <li>{@link #PAPER} (default): the paper's shape on realised figures, {@code w * (sum_i SLO_i / p95_i + 9 Q /
 *       total)}: {@code p95_i} the period's p95 of service {@code i} (an infinite p95, more than 5 % dropped, gives
 *       0; a period without requests uses one request's latency on an idle pod), {@code total} the cores the quota
 *       charged on average over the period (at least the smallest pod's), {@code w = 200} when no pod creation was
 *       refused by the quota in the period and 100 otherwise (the paper halves the reward when the roll-out's peak
 *       exceeds the quota; here the quota refuses the pods instead). The paper's -100 for a total over the quota
 *       cannot occur: admission keeps the total within it.</li>
 *   <li>{@link #SLO_CORES}: {@code 100 * (sum_i (1 - bad_i) - total / Q)}: {@code bad_i} the share of service
 *       {@code i}'s requests over its SLO or dropped; one point per service served well, minus the share of the quota
 *       held.</li>
 * </ul>
 */
public enum ClusterReward {
    /** The paper's shape on realised latency and quota use. */
    PAPER,
    /** Requests within the SLO minus the quota held. */
    SLO_CORES;

    /** Its name on a command line: {@code paper} or {@code slo-cores}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The reward named {@code label}. */
    public static ClusterReward parse(String label) {
        for (ClusterReward r : values()) {
            if (r.label().equalsIgnoreCase(label.strip())) {
                return r;
            }
        }
        throw new IllegalArgumentException("reward '" + label + "' is not one of "
                + Arrays.stream(values()).map(ClusterReward::label).toList());
    }

    /**
     * The reward of a period.
     *
     * @param periods   per service, the period's figures
     * @param sloMs     per service, its SLO in ms
     * @param idleP95Ms per service, one request's p95 on an idle pod of its configuration (for a period without load)
     * @param quota     the namespace quota in cores
     * @param minCores  the smallest pod's cores
     */
    public double of(ServicePeriod[] periods, double[] sloMs, double[] idleP95Ms, double quota, double minCores) {
        double total = 0;
        boolean refused = false;
        for (ServicePeriod p : periods) {
            total += p.meanCores();
            refused |= p.refusedCreations() > 0;
        }
        if (this == SLO_CORES) {
            double good = 0;
            for (ServicePeriod p : periods) {
                good += 1 - p.badShare();
            }
            return 100 * (good - total / quota);
        }
        double sub = 0;
        for (int i = 0; i < periods.length; i++) {
            double p95Ms = Double.isNaN(periods[i].p95Seconds()) ? idleP95Ms[i] : periods[i].p95Seconds() * 1000;
            sub += Double.isInfinite(p95Ms) ? 0 : sloMs[i] / p95Ms;
        }
        return (refused ? 100 : 200) * (sub + 9 * quota / Math.max(total, minCores));
    }

    @Override
    public String toString() {
        return label();
    }
}
