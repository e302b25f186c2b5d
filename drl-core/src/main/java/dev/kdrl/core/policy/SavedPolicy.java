package dev.kdrl.core.policy;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A trained policy as saved by {@link PolicyFile}: the networks, the observation statistics, what it was trained
 * for and how. Validated on construction: the actor's input size is the environment's observation size, its
 * output size is {@code sum(nvec)}, the critic (if any) maps an observation to one value, the normaliser has the
 * observation size.
 *
 * @param algorithm       the training algorithm, e.g. {@code trpo} or {@code ppo}; not blank
 * @param hyperParameters the hyper-parameters as text (kept sorted by key); keys not blank
 * @param env             the environment the policy was trained for
 * @param actor           observation (normalised) → {@code sum(nvec)} logits
 * @param critic          observation (normalised) → state value, or null when not saved
 * @param normalizer      observation statistics; null is replaced by {@link ObservationNormalizer#identity}
 * @param libraryVersion  the version of this library that wrote the policy (see {@link
 *                        #currentLibraryVersion()}); not blank
 */
public record SavedPolicy(
        String algorithm, Map<String, String> hyperParameters, EnvSignature env, Mlp actor, Mlp critic,
        ObservationNormalizer normalizer, String libraryVersion) {

    /** Validates the parts and their fit; copies the hyper-parameters. */
    public SavedPolicy {
        if (algorithm == null || algorithm.isBlank()) {
            throw new IllegalArgumentException("algorithm must not be blank, got '" + algorithm + "'");
        }
        if (libraryVersion == null || libraryVersion.isBlank()) {
            throw new IllegalArgumentException("libraryVersion must not be blank, got '" + libraryVersion + "'");
        }
        Objects.requireNonNull(hyperParameters, "hyperParameters must not be null (use an empty map)");
        Objects.requireNonNull(env, "env must not be null");
        Objects.requireNonNull(actor, "actor must not be null");
        TreeMap<String, String> hyper = new TreeMap<>();
        hyperParameters.forEach((k, v) -> {
            if (k == null || k.isBlank()) {
                throw new IllegalArgumentException("hyper-parameter names must not be blank, got '" + k + "'");
            }
            hyper.put(k, Objects.requireNonNull(v, "hyper-parameter " + k + " has a null value"));
        });
        hyperParameters = Collections.unmodifiableMap(hyper);
        if (actor.inputSize() != env.observationSize()) {
            throw new IllegalArgumentException("the actor's input size is " + actor.inputSize()
                    + ", the environment's observation size is " + env.observationSize());
        }
        if (actor.outputSize() != env.totalActions()) {
            throw new IllegalArgumentException("the actor has " + actor.outputSize() + " outputs, the environment's "
                    + "nvec " + Arrays.toString(env.nvec()) + " needs sum(nvec) = " + env.totalActions());
        }
        if (critic != null && (critic.inputSize() != actor.inputSize() || critic.outputSize() != 1)) {
            throw new IllegalArgumentException("the critic maps " + critic.inputSize() + " inputs to "
                    + critic.outputSize() + " outputs, expected " + actor.inputSize() + " inputs to 1 output");
        }
        if (normalizer == null) {
            normalizer = ObservationNormalizer.identity(actor.inputSize());
        } else if (normalizer.size() != actor.inputSize()) {
            throw new IllegalArgumentException("the normalizer has size " + normalizer.size()
                    + ", the environment's observation size is " + actor.inputSize());
        }
    }

    /** The deterministic policy (argmax per head), named after the {@link #algorithm()}. */
    public MultiCategoricalPolicy policy() {
        return MultiCategoricalPolicy.deterministic(actor, normalizer, env.nvec()).withName(algorithm);
    }

    /**
     * The deterministic policy after checking that {@code actual} is the environment it was trained for.
     *
     * @throws IllegalArgumentException saying what differs (see {@link EnvSignature#requireSame})
     */
    public MultiCategoricalPolicy policyFor(EnvSignature actual) {
        env.requireSame(actual);
        return policy();
    }

    /** True if a critic was saved. */
    public boolean hasCritic() {
        return critic != null;
    }

    /**
     * The critic's value of a raw (not normalised) observation.
     *
     * @throws IllegalStateException if no critic was saved
     */
    public double value(double[] obs) {
        if (critic == null) {
            throw new IllegalStateException("this policy was saved without a critic");
        }
        return critic.forward(normalizer.normalize(obs))[0];
    }

    /**
     * The version of this library as recorded in its jar manifest ({@code Implementation-Version}), or {@code
     * "dev"} when running from classes (tests, IDE).
     */
    public static String currentLibraryVersion() {
        String v = SavedPolicy.class.getPackage().getImplementationVersion();
        return v == null || v.isBlank() ? "dev" : v;
    }
}
