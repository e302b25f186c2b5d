package dev.kdrl.env.baseline;

import dev.kdrl.core.policy.Policy;
import dev.kdrl.env.metrics.EpisodeMetrics;
import dev.kdrl.env.metrics.EpisodeRunner;
import dev.kdrl.env.quota.QuotaEnv;
import dev.kdrl.env.quota.QuotaModel;
import dev.kdrl.env.trace.Trace;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Every baseline policy and the exact optimum on one trace: the yardstick for any learned policy.
 * Each policy plays on its own environment, so planners that read the environment's state see only
 * their own episode.
 */
public final class Baselines {

    private Baselines() {
    }

    /** Which baselines to play and with which settings. */
    public record Options(long randomSeed, int lookahead, boolean optimum) {

        public Options {
            if (lookahead < 0) {
                throw new IllegalArgumentException("lookahead must be >= 0 (0 = none), got " + lookahead);
            }
        }

        /** Seed 0, look-ahead 3, with the exact optimum. */
        public static Options defaults() {
            return new Options(0, 3, true);
        }
    }

    /**
     * Plays fixed-initial, fixed-best, usage-hybrid, random, greedy, lookahead-k (when {@code k > 1}) and
     * the optimum (when asked), in that order.
     */
    public static List<EpisodeMetrics> evaluate(QuotaModel model, Trace trace, Options options) {
        List<Function<QuotaEnv, Policy<double[], int[]>>> policies = new ArrayList<>();
        policies.add(FixedPolicy::initial);
        policies.add(FixedPolicy::best);
        policies.add(env -> new UsageBasedHybridPolicy(env.model()));
        policies.add(env -> new RandomPolicy(env.actionSpace(), options.randomSeed()));
        policies.add(GreedyPolicy::of);
        if (options.lookahead() > 1) {
            policies.add(env -> LookaheadPolicy.of(env, options.lookahead()));
        }
        if (options.optimum()) {
            policies.add(OptimalPolicy::of);
        }
        List<EpisodeMetrics> out = new ArrayList<>();
        for (Function<QuotaEnv, Policy<double[], int[]>> make : policies) {
            QuotaEnv env = new QuotaEnv(model, trace);
            out.add(EpisodeRunner.run(env, make.apply(env), 0L).metrics());
        }
        return out;
    }
}
