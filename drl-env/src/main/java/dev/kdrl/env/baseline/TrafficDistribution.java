package dev.kdrl.env.baseline;

import dev.kdrl.core.rng.Rng;
import dev.kdrl.env.quota.QuotaState;
import java.util.function.Supplier;

/**
 * What a planner that does not see the future assumes about the traffic of the period after the next
 * decision: equally weighted samples of it, given the state the next decision is taken in (whose
 * {@link QuotaState#traffic()} is the load that decision serves). {@link EmpiricalTraffic} fits one on a
 * recorded history; a test may return the true next traffic (a one-point distribution).
 */
@FunctionalInterface
public interface TrafficDistribution {

    /**
     * Up to {@code maxSamples} equally weighted traffic vectors (one value per service, each finite and
     * {@code >= 0}) for the period after the decision taken in {@code state}; none when nothing is known.
     *
     * @param rng the stream to draw from (a distribution that returns every sample it has draws nothing)
     */
    double[][] sample(QuotaState state, int maxSamples, Rng rng);

    /**
     * What the traffic-aware value of an afterstate model reads of the traffic this distribution describes: per
     * service, in service order, its lag-1 autocorrelation, mean and standard deviation (three values per service,
     * as {@link EmpiricalTraffic#statistics()} fits them); null when nothing is known (the default).
     */
    default double[] statistics() {
        return null;
    }

    /**
     * No sample (a planner plans one step), but {@code statistics} for a traffic-aware value (null: none): what {@code
     * drl evaluate --dynamics cluster} gives a model, which decides in one step there.
     */
    static TrafficDistribution statisticsOnly(double[] statistics) {
        double[] copy = statistics == null ? null : statistics.clone();
        return new TrafficDistribution() {
            @Override
            public double[][] sample(QuotaState state, int maxSamples, Rng rng) {
                return new double[0][];
            }

            @Override
            public double[] statistics() {
                return copy == null ? null : copy.clone();
            }
        };
    }

    /**
     * The distribution {@code current} gives at each call, its samples and its statistics: one refitted as its history
     * grows (the live agent's).
     */
    static TrafficDistribution refitted(Supplier<? extends TrafficDistribution> current) {
        return new TrafficDistribution() {
            @Override
            public double[][] sample(QuotaState state, int maxSamples, Rng rng) {
                return current.get().sample(state, maxSamples, rng);
            }

            @Override
            public double[] statistics() {
                return current.get().statistics();
            }
        };
    }

    /** No knowledge at all: no sample (a planner then plans one step, like greedy). */
    static TrafficDistribution none() {
        return (state, maxSamples, rng) -> new double[0][];
    }
}
