package dev.kdrl.train.algo;

/**
 * Generalised advantage estimation over a rollout of {@code T} steps of {@code E} environments.
 * Arrays are indexed {@code [t][e]}. A time-limit truncation is not a terminal state: the caller adds
 * {@code gamma * V(final observation)} to that step's reward beforehand (and marks the step done, so the
 * next step's value, which belongs to a new episode, is not used).
 */
public final class Gae {

    private Gae() {
    }

    /** Advantages and returns ({@code advantage + value}). */
    public record Result(double[][] advantages, double[][] returns) {
    }

    /**
     * @param rewards    {@code [T][E]}
     * @param values     {@code [T][E]} critic values of the observations the actions were taken in
     * @param dones      {@code [T][E]} the episode ended at this step (terminated or truncated)
     * @param lastValues {@code [E]} values of the observations after the last step
     */
    public static Result compute(double[][] rewards, double[][] values, boolean[][] dones, double[] lastValues,
                                 double gamma, double lambda) {
        int steps = rewards.length;
        int envs = lastValues.length;
        double[][] adv = new double[steps][envs];
        double[][] ret = new double[steps][envs];
        for (int e = 0; e < envs; e++) {
            double gae = 0;
            for (int t = steps - 1; t >= 0; t--) {
                double nextValue = t == steps - 1 ? lastValues[e] : values[t + 1][e];
                double nonTerminal = dones[t][e] ? 0 : 1;
                double delta = rewards[t][e] + gamma * nextValue * nonTerminal - values[t][e];
                gae = delta + gamma * lambda * nonTerminal * gae;
                adv[t][e] = gae;
                ret[t][e] = gae + values[t][e];
            }
        }
        return new Result(adv, ret);
    }
}
