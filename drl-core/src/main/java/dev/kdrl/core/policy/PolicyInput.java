package dev.kdrl.core.policy;

import java.util.Objects;

/** The input path both {@link NetworkPolicy} kinds share: a checked raw observation, normalised, through the net. */
final class PolicyInput {

    private PolicyInput() {
    }

    /**
     * {@code net.forward(normalizer.normalize(obs))} after checking the raw observation.
     *
     * @throws IllegalArgumentException for a wrong length or a non-finite component
     */
    static double[] forward(Mlp net, ObservationNormalizer normalizer, double[] obs) {
        Objects.requireNonNull(obs, "observation must not be null");
        if (obs.length != net.inputSize()) {
            throw new IllegalArgumentException("observation has length " + obs.length + ", the policy expects "
                    + net.inputSize());
        }
        for (int i = 0; i < obs.length; i++) {
            if (!Double.isFinite(obs[i])) {
                throw new IllegalArgumentException("observation[" + i + "] is " + obs[i]
                        + " (expected a finite number)");
            }
        }
        return net.forward(normalizer.normalize(obs));
    }
}
