package dev.kdrl.env.value;

import dev.kdrl.env.quota.QuotaModel;
import dev.kdrl.env.quota.QuotaState;
import dev.kdrl.env.quota.ServiceProfile;
import dev.kdrl.env.quota.Transition;

/**
 * What the value network of an {@link AfterstatePolicy} reads of the state right after a decision: per service, in
 * service order, the configuration one-hot ({@code nvec[i]} values), the pods, the held cores over the quota, the
 * load the decision served (the best guess of the next period's when the load persists) and the cores the held
 * configuration would request for it over the quota; then the namespace's held cores over the quota and 1 when the
 * next decision is the published environment's special final step (else 0). Every value is known to the live agent.
 *
 * <p>The traffic-aware variant ({@link #OBSERVATION_TRAFFIC}, {@code drl train --afterstate-traffic-features}) adds,
 * per service, what the played traffic's history says of how the load moves: its lag-1 autocorrelation, mean and
 * standard deviation ({@link dev.kdrl.env.baseline.TrafficDistribution#statistics()}: in training the episode's
 * trace, in {@code drl evaluate} the played trace or {@code --traffic-history}, in the agent its recorded load), so
 * that one value serves traffic that persists and traffic that does not.
 */
public final class AfterstateFeatures {

    /** The name recorded as the observation of an afterstate model's signature. */
    public static final String OBSERVATION = "afterstate";

    /** The observation name of the traffic-aware variant. */
    public static final String OBSERVATION_TRAFFIC = "afterstate-traffic";

    /** Traffic statistics per service in the traffic-aware variant. */
    public static final int STATISTICS_PER_SERVICE = 3;

    private AfterstateFeatures() {
    }

    /** Number of features for {@code model}. */
    public static int size(QuotaModel model) {
        int size = 2;
        for (ServiceProfile s : model.services()) {
            size += s.numActions() + 4;
        }
        return size;
    }

    /** Number of features for {@code model}, with the traffic statistics when {@code traffic}. */
    public static int size(QuotaModel model, boolean traffic) {
        return size(model) + (traffic ? statisticsSize(model) : 0);
    }

    /** Number of traffic statistics the traffic-aware variant reads for {@code model}. */
    public static int statisticsSize(QuotaModel model) {
        return STATISTICS_PER_SERVICE * model.numServices();
    }

    /** The observation name of the variant. */
    public static String observation(boolean traffic) {
        return traffic ? OBSERVATION_TRAFFIC : OBSERVATION;
    }

    /**
     * The features of the state after {@code decision} was taken in {@code before}, written to {@code out} (length
     * {@link #size}).
     */
    public static void write(QuotaModel model, QuotaState before, Transition decision, double[] out) {
        write(model, before, decision, null, out);
    }

    /**
     * The features of the state after {@code decision} was taken in {@code before}, written to {@code out}: the
     * traffic-aware variant when {@code statistics} is not null ({@link #STATISTICS_PER_SERVICE} values per service,
     * copied after the others; {@code out} of length {@code size(model, true)}), else the plain one.
     */
    public static void write(QuotaModel model, QuotaState before, Transition decision, double[] statistics,
                             double[] out) {
        int plain = size(model);
        int expected = statistics == null ? plain : plain + statisticsSize(model);
        if (out.length != expected || statistics != null && statistics.length != expected - plain) {
            throw new IllegalArgumentException("afterstate features: " + out.length + " outputs and "
                    + (statistics == null ? "no" : String.valueOf(statistics.length)) + " traffic statistics, expected "
                    + expected + " and " + (expected - plain));
        }
        java.util.Arrays.fill(out, 0);
        double q = model.quota();
        int[] action = decision.action();
        int[] pods = decision.pods();
        double[] res = decision.resources();
        double[] traffic = before.traffic();
        int k = 0;
        double held = 0;
        for (int i = 0; i < model.numServices(); i++) {
            ServiceProfile s = model.service(i);
            out[k + action[i]] = 1;
            k += s.numActions();
            out[k++] = pods[i];
            out[k++] = model.store(res[i]) / q;
            out[k++] = traffic[i];
            int needed = model.podsNeeded(i, action[i], traffic[i]);
            out[k++] = model.requestedCores(needed, s.config(action[i]).cpu()) / q;
            held += res[i];
        }
        out[k++] = held / q;
        out[k++] = model.isPaperFinalStep(before.step() + 1) ? 1 : 0;
        if (statistics != null) {
            System.arraycopy(statistics, 0, out, k, statistics.length);
        }
    }

    /** {@link #write} into a fresh array. */
    public static double[] of(QuotaModel model, QuotaState before, Transition decision) {
        double[] out = new double[size(model)];
        write(model, before, decision, out);
        return out;
    }
}
