package dev.kdrl.env.cluster;

import dev.kdrl.core.space.MultiDiscrete;
import dev.kdrl.env.baseline.FixedPolicy;
import dev.kdrl.env.quota.QuotaModel;
import java.util.Arrays;

/**
 * Knative's default autoscaling as a baseline in the cluster model: one configuration per service for the whole
 * episode, no min-scale, initial-scale 1, the KPA alone ({@link ClusterEnv.MinScale#NONE}). Which configuration is a
 * choice; two are offered:
 *
 * <ul>
 *   <li>{@link #firstRow}: each service's first profile row (configuration 0), what a team that profiled its services
 *       from the smallest CPU limit up would deploy first;</li>
 *   <li>{@link #bestFixed}: the joint configuration with the best return on the episode played (an oracle: it is
 *       chosen knowing the trace), the strongest Knative default there is for that traffic.</li>
 * </ul>
 */
public final class KnativeDefault {

    private KnativeDefault() {
    }

    /** The environment options of Knative's default: {@code options} with no min-scale. */
    public static ClusterEnv.Options options(ClusterEnv.Options options) {
        return options.withMinScale(ClusterEnv.MinScale.NONE);
    }

    /** Configuration 0 of every service, kept forever. */
    public static FixedPolicy firstRow(QuotaModel model) {
        int[] a = new int[model.numServices()];
        return new FixedPolicy(a, "knative-first" + Arrays.toString(a).replace(" ", ""));
    }

    /**
     * The best single joint configuration for one episode of {@code env} (which must run without min-scale); ties go to
     * the first in lexicographic order. Plays every joint configuration once.
     *
     * @throws IllegalArgumentException when {@code env} sets min-scale from the decision
     */
    public static FixedPolicy bestFixed(ClusterEnv env) {
        if (env.options().minScale() != ClusterEnv.MinScale.NONE) {
            throw new IllegalArgumentException("Knative's default runs without min-scale: pass an env with MinScale.NONE");
        }
        MultiDiscrete space = env.actionSpace();
        double bestReturn = Double.NEGATIVE_INFINITY;
        int[] best = null;
        for (long k = 0; k < space.cardinality(); k++) {
            int[] a = space.unflatten(k);
            double ret = ClusterMetrics.run(env, new FixedPolicy(a), 0L).ret();
            if (ret > bestReturn) {
                bestReturn = ret;
                best = a;
            }
        }
        return new FixedPolicy(best, "knative-best" + Arrays.toString(best).replace(" ", ""));
    }
}
