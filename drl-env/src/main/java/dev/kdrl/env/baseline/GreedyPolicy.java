package dev.kdrl.env.baseline;

import dev.kdrl.core.policy.Policy;
import dev.kdrl.env.quota.JointActionEvaluator;
import dev.kdrl.env.quota.QuotaEnv;
import dev.kdrl.env.quota.QuotaModel;
import dev.kdrl.env.quota.QuotaState;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The one-step planner: for the current internal state (which the observation only partly shows) it
 * tries every joint action on the model and takes the best immediate reward; ties go to the first
 * action in lexicographic order. When no joint action fits the quota (every one earns the over-quota reward), it takes
 * the one that holds the least CPU after the decision ({@link JointActionEvaluator#bestImmediateOrLeastTotal}), not
 * the first in order, which may ask for far more than the quota. A strong reference for learned policies.
 */
public final class GreedyPolicy implements Policy<double[], int[]> {
    private final QuotaModel model;
    private final Supplier<QuotaState> state;
    private final JointActionEvaluator evaluator;

    /**
     * @param model the dynamics to plan with
     * @param state the current internal state (e.g. {@code env::state}); its traffic is the next decision's
     */
    public GreedyPolicy(QuotaModel model, Supplier<QuotaState> state) {
        this.model = Objects.requireNonNull(model, "model");
        this.state = Objects.requireNonNull(state, "state");
        this.evaluator = new JointActionEvaluator(model);
    }

    /** Greedy on {@code env}'s own state. */
    public static GreedyPolicy of(QuotaEnv env) {
        Objects.requireNonNull(env, "env");
        return new GreedyPolicy(env.model(), env::state);
    }

    @Override
    public int[] act(double[] observation) {
        QuotaState s = QuotaState.current(state);
        evaluator.load(s);
        boolean paperFinal = model.isPaperFinalStep(s.step());
        return evaluator.bestImmediateOrLeastTotal(paperFinal);
    }

    @Override
    public String name() {
        return "greedy";
    }
}
