package dev.kdrl.env.baseline;

import dev.kdrl.core.policy.Policy;
import dev.kdrl.env.quota.QuotaEnv;
import dev.kdrl.env.quota.QuotaModel;
import dev.kdrl.env.quota.QuotaState;
import java.util.Objects;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * Receding-horizon planning with known future traffic: at every step it computes the exact best
 * {@code k} decisions from the current state ({@link OptimalPlanner}, cut at the episode's end) and takes
 * the first. {@code k = 1} is {@link GreedyPolicy} where some decision fits the quota (where none does, greedy takes
 * the least CPU and this the first in order); {@code k} = episode length is the exact optimum.
 */
public final class LookaheadPolicy implements Policy<double[], int[]> {
    private final Supplier<QuotaState> state;
    private final IntFunction<double[]> trafficAt;
    private final int episodeLength;
    private final int horizon;
    private final OptimalPlanner planner;

    /**
     * @param model         the dynamics
     * @param state         the current internal state
     * @param trafficAt     traffic served by the decision at absolute step {@code s}
     * @param episodeLength decisions in the episode (planning stops there)
     * @param horizon       {@code k}, &gt;= 1
     */
    public LookaheadPolicy(QuotaModel model, Supplier<QuotaState> state, IntFunction<double[]> trafficAt,
                           int episodeLength, int horizon) {
        if (horizon < 1) {
            throw new IllegalArgumentException("horizon must be >= 1, got " + horizon);
        }
        this.state = Objects.requireNonNull(state, "state");
        this.trafficAt = Objects.requireNonNull(trafficAt, "trafficAt");
        this.episodeLength = episodeLength;
        this.horizon = horizon;
        this.planner = new OptimalPlanner(model, 1);
    }

    /** Look-ahead on {@code env}'s own state and trace. */
    public static LookaheadPolicy of(QuotaEnv env, int horizon) {
        return new LookaheadPolicy(env.model(), env::state, env::trafficAt, env.episodeLength(), horizon);
    }

    @Override
    public int[] act(double[] observation) {
        QuotaState s = QuotaState.current(state);
        int steps = Math.max(1, Math.min(horizon, episodeLength - s.step()));
        return planner.solve(s, trafficAt, steps).action(0);
    }

    @Override
    public String name() {
        return "lookahead-" + horizon;
    }
}
