package dev.kdrl.env.baseline;

import dev.kdrl.core.policy.Policy;
import dev.kdrl.env.metrics.EpisodeMetrics;
import dev.kdrl.env.metrics.EpisodeRunner;
import dev.kdrl.env.quota.QuotaEnv;
import dev.kdrl.env.quota.QuotaModel;
import dev.kdrl.env.trace.Trace;
import java.util.ArrayList;
import java.util.List;

/**
 * Every baseline policy and the exact optimum on one trace: the yardstick for any learned policy. The
 * policies come from the {@link Planners} registry; each plays on its own environment, so planners that read
 * the environment's state see only their own episode.
 */
public final class Baselines {

    private Baselines() {
    }

    /**
     * Which baselines to play and with which settings.
     *
     * @param randomSeed     seed of the random policy and of {@code expected-2}'s draws
     * @param lookahead      horizon of the look-ahead planner; 0 or 1 leaves it out
     * @param optimum        whether to play the exact optimum
     * @param expected       whether to play {@code expected-2}
     * @param trafficHistory where {@code expected-2} takes its traffic distribution from ({@link EmpiricalTraffic},
     *                       AR(1) fit): a recorded history, or {@code null} for the trace being played (its
     *                       one-step statistics, never its order: the planner still does not know which row
     *                       comes next)
     * @param expectedConfidence {@code expected-2}'s confidence ({@link ExpectedValuePolicy.Settings#confidence()}; 0:
     *                       the best mean value wins; by default its default)
     */
    public record Options(long randomSeed, int lookahead, boolean optimum, boolean expected, Trace trafficHistory,
                          double expectedConfidence) {

        public Options {
            if (lookahead < 0) {
                throw new IllegalArgumentException("lookahead must be >= 0 (0 = none), got " + lookahead);
            }
            CautiousChoice.requireConfidence("expected-2's confidence", expectedConfidence);
        }

        /** {@code expected-2} with its default confidence. */
        public Options(long randomSeed, int lookahead, boolean optimum, boolean expected, Trace trafficHistory) {
            this(randomSeed, lookahead, optimum, expected, trafficHistory,
                    ExpectedValuePolicy.Settings.defaults().confidence());
        }

        /** {@code expected-2} included, its distribution from the trace being played. */
        public Options(long randomSeed, int lookahead, boolean optimum) {
            this(randomSeed, lookahead, optimum, true, null);
        }

        /** Seed 0, look-ahead 3, with {@code expected-2} and the exact optimum. */
        public static Options defaults() {
            return new Options(0, 3, true);
        }
    }

    /**
     * The next period's traffic as {@code expected-2} assumes it when {@code trace} is played: an AR(1) fit
     * ({@link EmpiricalTraffic}) of {@code history}, or of {@code trace}'s one-step statistics when it is null.
     */
    public static EmpiricalTraffic trafficModel(QuotaModel model, Trace trace, Trace history) {
        return EmpiricalTraffic.fit(history != null ? history : trace, model.serviceNames(), EmpiricalTraffic.Kind.AR1);
    }

    /**
     * Plays fixed-initial, fixed-best, usage-hybrid, random, greedy, expected-2 (when asked), lookahead-k (when
     * {@code k > 1}) and the optimum (when asked), in that order: the order of {@link Planners#names()}.
     */
    public static List<EpisodeMetrics> evaluate(QuotaModel model, Trace trace, Options options) {
        EmpiricalTraffic traffic = trafficModel(model, trace, options.trafficHistory());
        ExpectedValuePolicy.Settings expected = ExpectedValuePolicy.Settings.defaults().withSeed(options.randomSeed())
                .withConfidence(options.expectedConfidence());
        List<EpisodeMetrics> out = new ArrayList<>();
        for (String name : Planners.names()) {
            boolean skip = switch (name) {
                case Planners.EXPECTED -> !options.expected();
                case Planners.LOOKAHEAD -> options.lookahead() <= 1;
                case Planners.OPTIMUM -> !options.optimum();
                default -> false;
            };
            if (skip) {
                continue;
            }
            QuotaEnv env = new QuotaEnv(model, trace);
            Policy<double[], int[]> policy = Planners.create(name,
                    Planners.Context.offline(env, traffic, expected, options.randomSeed(), Math.max(1, options.lookahead())));
            out.add(EpisodeRunner.run(env, policy, 0L).metrics());
        }
        return out;
    }
}
