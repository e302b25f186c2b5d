package dev.kdrl.env.quota;

import java.util.Arrays;

/**
 * How an episode starts: the configuration, pods and resources assumed to be running before the first
 * decision, and optionally a fixed first observation (the paper's quirk; {@code null} computes it from
 * the state and the first traffic row).
 */
public record InitialState(int[] action, int[] pods, double[] resources, double[] observation) {

    public InitialState {
        if (action.length != pods.length || action.length != resources.length) {
            throw new IllegalArgumentException("initial action, pods and resources need one entry per service, got "
                    + action.length + ", " + pods.length + ", " + resources.length);
        }
        for (int i = 0; i < action.length; i++) {
            if (pods[i] < 0 || !(resources[i] >= 0) || Double.isInfinite(resources[i])) {
                throw new IllegalArgumentException("initial pods and resources of service " + i
                        + " must be >= 0, got " + pods[i] + " and " + resources[i]);
            }
        }
        if (observation != null && observation.length != 3 * action.length) {
            throw new IllegalArgumentException("initial observation needs " + 3 * action.length + " values, got "
                    + observation.length);
        }
        action = action.clone();
        pods = pods.clone();
        resources = resources.clone();
        observation = observation == null ? null : observation.clone();
    }

    @Override
    public int[] action() {
        return action.clone();
    }

    @Override
    public int[] pods() {
        return pods.clone();
    }

    @Override
    public double[] resources() {
        return resources.clone();
    }

    @Override
    public double[] observation() {
        return observation == null ? null : observation.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InitialState s && Arrays.equals(action, s.action) && Arrays.equals(pods, s.pods)
                && Arrays.equals(resources, s.resources) && Arrays.equals(observation, s.observation);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(new Object[] {action, pods, resources, observation});
    }

    @Override
    public String toString() {
        return "InitialState[action=" + Arrays.toString(action) + ", pods=" + Arrays.toString(pods)
                + ", resources=" + Arrays.toString(resources) + ", observation=" + Arrays.toString(observation) + "]";
    }
}
