package dev.kdrl.env.baseline;

import dev.kdrl.core.policy.Policy;
import dev.kdrl.core.space.MultiDiscrete;
import dev.kdrl.env.metrics.EpisodeRunner;
import dev.kdrl.env.quota.QuotaEnv;
import dev.kdrl.env.quota.QuotaModel;
import java.util.Arrays;

/**
 * One configuration per service, forever: what a cluster without an autoscaler of this kind runs
 * (the "default Knative" setting).
 */
public final class FixedPolicy implements Policy<double[], int[]> {
    private final int[] action;
    private final String name;

    public FixedPolicy(int[] action) {
        this(action, "fixed" + Arrays.toString(action).replace(" ", ""));
    }

    public FixedPolicy(int[] action, String name) {
        this.action = action.clone();
        this.name = name;
    }

    /** The configuration the model starts from, kept forever. */
    public static FixedPolicy initial(QuotaEnv env) {
        return initial(env.model());
    }

    /** The configuration {@code model} starts from, kept forever. */
    public static FixedPolicy initial(QuotaModel model) {
        int[] a = model.initial().action();
        return new FixedPolicy(a, "fixed-initial" + Arrays.toString(a).replace(" ", ""));
    }

    /**
     * The best single joint action kept for the whole episode of {@code env} (an oracle: it sees the
     * trace). Ties go to the first action in lexicographic order. It plays every candidate's episode on {@code env},
     * which it leaves ended: reset it before stepping it ({@link dev.kdrl.env.metrics.EpisodeRunner} does).
     */
    public static FixedPolicy best(QuotaEnv env) {
        MultiDiscrete space = env.actionSpace();
        double bestReturn = Double.NEGATIVE_INFINITY;
        int[] best = null;
        for (long k = 0; k < space.cardinality(); k++) {
            int[] a = space.unflatten(k);
            double ret = EpisodeRunner.episodeReturn(env, new FixedPolicy(a), 0L);
            if (ret > bestReturn) {
                bestReturn = ret;
                best = a;
            }
        }
        return new FixedPolicy(best, "fixed-best" + Arrays.toString(best).replace(" ", ""));
    }

    public int[] action() {
        return action.clone();
    }

    @Override
    public int[] act(double[] observation) {
        return action.clone();
    }

    @Override
    public String name() {
        return name;
    }
}
