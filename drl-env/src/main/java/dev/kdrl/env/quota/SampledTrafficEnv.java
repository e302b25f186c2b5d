package dev.kdrl.env.quota;

import dev.kdrl.core.env.Env;
import dev.kdrl.core.env.StepResult;
import dev.kdrl.core.space.Box;
import dev.kdrl.core.space.MultiDiscrete;
import java.util.Objects;

/**
 * Episodes of the model over traffic that changes per episode: every {@link #reset(long)} plays a fresh
 * {@link QuotaEnv} over the trace the {@link TraceSampler} picks for the reset seed (same seed, same episode). The
 * sampled traces must keep the model's observation space (their values within the range it was built for).
 */
public final class SampledTrafficEnv implements Env<double[], int[]> {
    private final QuotaModel model;
    private final TraceSampler sampler;
    private final Observation observation;
    private QuotaEnv current;

    public SampledTrafficEnv(QuotaModel model, TraceSampler sampler) {
        this(model, sampler, Observation.PAPER);
    }

    /** Episodes that show {@code observation} of the state. */
    public SampledTrafficEnv(QuotaModel model, TraceSampler sampler, Observation observation) {
        this.model = Objects.requireNonNull(model, "model");
        this.sampler = Objects.requireNonNull(sampler, "sampler");
        this.observation = Objects.requireNonNull(observation, "observation");
    }

    @Override
    public Box observationSpace() {
        return observation.space(model);
    }

    @Override
    public MultiDiscrete actionSpace() {
        return model.actionSpace();
    }

    @Override
    public double[] reset(long seed) {
        current = new QuotaEnv(model, sampler.sample(seed), observation);
        return current.reset(seed);
    }

    @Override
    public StepResult<double[]> step(int[] action) {
        if (current == null) {
            throw new IllegalStateException("step called before reset");
        }
        return current.step(action);
    }

    /** The environment of the current episode; {@code null} before the first reset. */
    public QuotaEnv current() {
        return current;
    }
}
