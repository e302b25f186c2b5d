package dev.kdrl.env.baseline;

import dev.kdrl.core.policy.Policy;
import dev.kdrl.env.quota.QuotaEnv;
import dev.kdrl.env.quota.QuotaModel;
import dev.kdrl.env.quota.QuotaState;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The planners and baseline policies by name: the one list that {@link Baselines} (so {@code drl baselines} and
 * {@code drl evaluate}) and the live agent ({@code policy.planner}) read. A planner is {@linkplain Entry#live()
 * live} when it needs no trace, only the state the next decision is taken in and the past: those the agent can
 * run. The others play a known trace: {@code fixed-best} and {@code optimum} see all of it, {@code lookahead}
 * the next {@code k} periods, and {@code random} is a yardstick, not a controller.
 *
 * <pre>{@code
 * Policy<double[], int[]> p = Planners.create("expected-2",
 *         Planners.Context.live(model, agent::currentState, history, seed));
 * }</pre>
 */
public final class Planners {
    public static final String FIXED_INITIAL = "fixed-initial";
    public static final String FIXED_BEST = "fixed-best";
    public static final String HYBRID = "hybrid";
    public static final String RANDOM = "random";
    public static final String GREEDY = "greedy";
    public static final String EXPECTED = ExpectedValuePolicy.NAME;
    public static final String LOOKAHEAD = "lookahead";
    public static final String OPTIMUM = "optimum";

    private Planners() {
    }

    /**
     * What a planner is built from.
     *
     * @param model     the dynamics
     * @param state     the state the next decision is taken in (its traffic is that decision's)
     * @param traffic   the next period's traffic as {@code expected-2} assumes it
     * @param expected  {@code expected-2}'s settings (its seed included)
     * @param seed      the seed of {@code random}
     * @param lookahead {@code lookahead}'s horizon {@code k}, &gt;= 1
     * @param env       the environment whose trace is played, or {@code null} in the live agent (then only
     *                  {@linkplain Entry#live() live} planners can be built)
     */
    public record Context(QuotaModel model, Supplier<QuotaState> state, TrafficDistribution traffic,
                          ExpectedValuePolicy.Settings expected, long seed, int lookahead, QuotaEnv env) {
        public Context {
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(traffic, "traffic");
            Objects.requireNonNull(expected, "expected");
            if (lookahead < 1) {
                throw new IllegalArgumentException("lookahead must be >= 1, got " + lookahead);
            }
        }

        /**
         * The live agent's context: no trace; {@code traffic} from its recorded history; {@code seed} seeds
         * {@code expected-2}'s draws, whose other settings are the defaults.
         */
        public static Context live(QuotaModel model, Supplier<QuotaState> state, TrafficDistribution traffic,
                                   long seed) {
            return live(model, state, traffic, seed, ExpectedValuePolicy.Settings.defaults().confidence());
        }

        /** The live agent's context, with {@code expected-2}'s {@code confidence} ({@link CautiousChoice}). */
        public static Context live(QuotaModel model, Supplier<QuotaState> state, TrafficDistribution traffic,
                                   long seed, double confidence) {
            return new Context(model, state, traffic,
                    ExpectedValuePolicy.Settings.defaults().withSeed(seed).withConfidence(confidence), seed, 1, null);
        }

        /** A context playing {@code env}'s trace, on its own state. */
        public static Context offline(QuotaEnv env, TrafficDistribution traffic, ExpectedValuePolicy.Settings expected,
                                      long seed, int lookahead) {
            return new Context(env.model(), env::state, traffic, expected, seed, lookahead, env);
        }

        /** Decisions in the episode: the trace's, or unbounded in the live agent. */
        int episodeLength() {
            return env == null ? Integer.MAX_VALUE : env.episodeLength();
        }

        QuotaEnv requireEnv(String planner) {
            if (env == null) {
                throw new IllegalArgumentException("planner " + planner + " plays a known trace; without one, use one "
                        + "of " + liveNames());
            }
            return env;
        }
    }

    /**
     * One planner.
     *
     * @param name        its name in configurations and on command lines
     * @param live        whether it needs no trace (the live agent can run it)
     * @param description one line for help texts
     * @param factory     builds it from a context
     */
    public record Entry(String name, boolean live, String description,
                        Function<Context, Policy<double[], int[]>> factory) {
    }

    /** In the order of the baseline table. */
    private static final List<Entry> ENTRIES = List.of(
            new Entry(FIXED_INITIAL, true, "the model's initial configuration, kept forever",
                    c -> FixedPolicy.initial(c.model())),
            new Entry(FIXED_BEST, false, "the best single configuration for the whole trace (an oracle)",
                    c -> FixedPolicy.best(c.requireEnv(FIXED_BEST))),
            new Entry(HYBRID, true, "the usage-based hybrid autoscaler: per service the cheapest configuration "
                    + "meeting the SLO, blind to the quota", c -> new UsageBasedHybridPolicy(c.model())),
            new Entry(RANDOM, false, "uniformly random joint actions (a yardstick)", c -> {
                c.requireEnv(RANDOM);
                return new RandomPolicy(c.model().actionSpace(), c.seed());
            }),
            new Entry(GREEDY, true, "the best immediate reward for the next period's load",
                    c -> new GreedyPolicy(c.model(), c.state())),
            new Entry(EXPECTED, true, "one step plus the expected best reward of the next, over the traffic "
                    + "history's one-step statistics",
                    c -> new ExpectedValuePolicy(c.model(), c.state(), c.traffic(), c.episodeLength(), c.expected())),
            new Entry(LOOKAHEAD, false, "the exact best k steps over the known traffic, first one taken",
                    c -> LookaheadPolicy.of(c.requireEnv(LOOKAHEAD), c.lookahead())),
            new Entry(OPTIMUM, false, "the exact offline optimum of the trace",
                    c -> OptimalPolicy.of(c.requireEnv(OPTIMUM))));

    /** Every planner's name, in the order of the baseline table. */
    public static List<String> names() {
        return ENTRIES.stream().map(Entry::name).toList();
    }

    /** The planners the live agent can run ({@linkplain Entry#live() live}), in the same order. */
    public static List<String> liveNames() {
        return ENTRIES.stream().filter(Entry::live).map(Entry::name).toList();
    }

    /** Every entry, in the order of {@link #names()}. */
    public static List<Entry> entries() {
        return ENTRIES;
    }

    /**
     * The entry of that name.
     *
     * @throws IllegalArgumentException naming the planner and the known ones
     */
    public static Entry entry(String name) {
        for (Entry e : ENTRIES) {
            if (e.name().equals(name)) {
                return e;
            }
        }
        throw new IllegalArgumentException("planner '" + name + "' is unknown (expected one of " + names() + ")");
    }

    /**
     * The planner {@code name} in {@code context}.
     *
     * @throws IllegalArgumentException for an unknown name, or a planner that needs a trace in a context
     *                                  without one
     */
    public static Policy<double[], int[]> create(String name, Context context) {
        return entry(name).factory().apply(context);
    }
}
