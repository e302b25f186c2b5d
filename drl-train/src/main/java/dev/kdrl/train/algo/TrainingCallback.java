package dev.kdrl.train.algo;

import java.util.Map;

/** Hooks into the training loop (stable-baselines3 callbacks with a typed context). */
public interface TrainingCallback {

    /**
     * What the loop knows after one iteration.
     *
     * @param algorithm      the algorithm (to snapshot its policy)
     * @param iteration      iterations done
     * @param timesteps      environment steps so far
     * @param totalTimesteps the step budget
     * @param metrics        this iteration's metrics ({@code rollout/ep_rew_mean}, {@code train/approx_kl}, ...)
     */
    record Context(OnPolicyAlgorithm algorithm, int iteration, long timesteps, long totalTimesteps,
                   Map<String, Double> metrics) {
    }

    default void onStart(OnPolicyAlgorithm algorithm, long totalTimesteps) {
    }

    /** Called after every iteration; return {@code false} to stop training. */
    boolean onIteration(Context context);

    default void onEnd(OnPolicyAlgorithm algorithm) {
    }
}
