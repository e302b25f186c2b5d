package dev.kdrl.train.algo;

import dev.kdrl.core.env.VecEnv;

/**
 * An on-policy algorithm's validated settings, which also build the algorithm: one record per algorithm
 * ({@link Trpo.Config}, {@link Ppo.Config}), registered by name in {@link Algorithms}.
 */
public sealed interface AlgorithmConfig permits Trpo.Config, Ppo.Config {

    /** The algorithm's name, as on the command line and in the saved model. */
    String name();

    /** The algorithm with these settings on {@code env}. */
    OnPolicyAlgorithm create(VecEnv<double[], int[]> env, OnPolicyAlgorithm.Common common);
}
