package dev.kdrl.core.env;

import dev.kdrl.core.space.Box;
import dev.kdrl.core.space.Discrete;
import dev.kdrl.core.space.Space;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A tiny correct environment: observation {@code double[]{t}} where {@code t} counts steps of the
 * episode, reward equals the action, and the episode terminates after {@code length} steps. Records every
 * seed it was reset with. Subclasses in {@link BadEnvs} each break exactly one contract rule.
 */
class CounterEnv implements Env<double[], Integer> {
    static final int DEFAULT_LENGTH = 3;

    final int length;
    final List<Long> seeds = new ArrayList<>();
    int t;
    boolean started;
    boolean done;

    CounterEnv() {
        this(DEFAULT_LENGTH);
    }

    CounterEnv(int length) {
        this.length = length;
    }

    @Override
    public Space<double[]> observationSpace() {
        return Box.uniform(1, 0, length);
    }

    @Override
    public Space<Integer> actionSpace() {
        return new Discrete(3);
    }

    @Override
    public double[] reset(long seed) {
        seeds.add(seed);
        t = 0;
        started = true;
        done = false;
        return observation();
    }

    @Override
    public StepResult<double[]> step(Integer action) {
        checkCanStep();
        if (!actionSpace().contains(action)) {
            throw new IllegalArgumentException("action " + action + " not in " + actionSpace());
        }
        t++;
        done = t >= length;
        return new StepResult<>(observation(), reward(action), done, false, Map.of("t", t));
    }

    void checkCanStep() {
        if (!started) {
            throw new IllegalStateException("step before reset");
        }
        if (done) {
            throw new IllegalStateException("step after episode end");
        }
    }

    double[] observation() {
        return new double[] {t};
    }

    double reward(int action) {
        return action;
    }
}
