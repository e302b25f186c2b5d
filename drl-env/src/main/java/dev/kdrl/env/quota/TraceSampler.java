package dev.kdrl.env.quota;

import dev.kdrl.env.trace.Trace;

/**
 * How a training environment ({@link SampledTrafficEnv}) picks each episode's traffic from the reset seed: same
 * seed, same trace. Implementations: {@link NoisyTraces} (a recorded trace with multiplicative noise) and, in
 * drl-train, a mixture with synthetic uniform traffic.
 */
@FunctionalInterface
public interface TraceSampler {

    /** The trace an episode reset with {@code seed} plays. */
    Trace sample(long seed);
}
