package dev.kdrl.train.algo;

import java.util.List;

/**
 * The training algorithms by name: the one place that knows which names exist. The on-policy ones ({@code trpo},
 * {@code ppo}) are {@link AlgorithmConfig} records with documented defaults ({@link Trpo.Config#published()},
 * {@link Ppo.Config#defaults()}); {@code rl4j-dqn} is RL4J's DQN ({@code dev.kdrl.train.rl4j}); {@code afterstate} learns the value of the
 * state after a decision and acts by a one-step search on the model ({@link AfterstateTd}).
 */
public final class Algorithms {
    public static final String TRPO = "trpo";
    public static final String PPO = "ppo";
    public static final String RL4J_DQN = "rl4j-dqn";
    /** Temporal-difference learning of the afterstate value, acting by one-step search ({@link AfterstateTd}). */
    public static final String AFTERSTATE = "afterstate";

    /** Every algorithm's name. */
    public static final List<String> NAMES = List.of(TRPO, PPO, RL4J_DQN, AFTERSTATE);

    private Algorithms() {
    }

    /**
     * @return {@code name} if it is one of {@link #NAMES}
     * @throws IllegalArgumentException naming the value and the names there are
     */
    public static String require(String name) {
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException("--algo must be one of " + String.join(", ", NAMES) + ", got '" + name
                    + "'");
        }
        return name;
    }

    /** Whether {@code name} is an on-policy algorithm of this package (trained by {@link OnPolicyAlgorithm}). */
    public static boolean isOnPolicy(String name) {
        return TRPO.equals(name) || PPO.equals(name);
    }
}
