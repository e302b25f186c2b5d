package dev.kdrl.env.baseline;

import dev.kdrl.core.policy.Policy;
import dev.kdrl.env.quota.QuotaEnv;
import java.util.List;

/**
 * Plays the exact offline optimum of one environment's episode ({@link OptimalPlanner}): the upper
 * bound any policy can reach on that trace. The plan is computed once, at construction.
 */
public final class OptimalPolicy implements Policy<double[], int[]> {
    private final QuotaEnv env;
    private final OptimalPlanner.Plan plan;

    private OptimalPolicy(QuotaEnv env, OptimalPlanner.Plan plan) {
        this.env = env;
        this.plan = plan;
    }

    /** Solves {@code env}'s episode now; the policy then follows the plan on that env. */
    public static OptimalPolicy of(QuotaEnv env) {
        return new OptimalPolicy(env, OptimalPlanner.solve(env));
    }

    /** The optimum's undiscounted return. */
    public double value() {
        return plan.value();
    }

    /** The plan's joint action of every step (a copy). */
    public List<int[]> actions() {
        return plan.actions();
    }

    @Override
    public int[] act(double[] observation) {
        int step = env.state().step();
        if (step >= plan.steps()) {
            throw new IllegalStateException("the optimum follows the env it was solved on (OptimalPolicy.of(env)), "
                    + "which is at step " + step + ", past its plan of " + plan.steps() + " steps: play it on that "
                    + "env, after a reset");
        }
        return plan.action(step);
    }

    @Override
    public String name() {
        return "optimum";
    }
}
