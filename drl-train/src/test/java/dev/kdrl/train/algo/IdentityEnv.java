package dev.kdrl.train.algo;

import dev.kdrl.core.env.Env;
import dev.kdrl.core.env.StepResult;
import dev.kdrl.core.rng.Rng;
import dev.kdrl.core.space.Box;
import dev.kdrl.core.space.MultiDiscrete;
import java.util.Map;

/**
 * The identity task for a multi-discrete action: the observation shows a random target per head (one-hot
 * blocks), the reward is the number of heads whose action equals its target. Episodes of 16 steps end
 * by truncation. A learner that works gets close to {@code heads} reward per step.
 */
final class IdentityEnv implements Env<double[], int[]> {
    static final int[] NVEC = {3, 2};
    static final int LENGTH = 16;
    private final MultiDiscrete actions = new MultiDiscrete(NVEC);
    private final Box observations = Box.uniform(5, 0, 1);
    private Rng rng;
    private int[] target;
    private int t;

    @Override
    public Box observationSpace() {
        return observations;
    }

    @Override
    public MultiDiscrete actionSpace() {
        return actions;
    }

    @Override
    public double[] reset(long seed) {
        rng = Rng.of(seed);
        t = 0;
        target = actions.sample(rng);
        return obs();
    }

    private double[] obs() {
        double[] o = new double[5];
        o[target[0]] = 1;
        o[3 + target[1]] = 1;
        return o;
    }

    @Override
    public StepResult<double[]> step(int[] action) {
        if (rng == null || t >= LENGTH) {
            throw new IllegalStateException("reset first");
        }
        double r = (action[0] == target[0] ? 1 : 0) + (action[1] == target[1] ? 1 : 0);
        t++;
        target = actions.sample(rng);
        return new StepResult<>(obs(), r, false, t >= LENGTH, Map.of());
    }
}
