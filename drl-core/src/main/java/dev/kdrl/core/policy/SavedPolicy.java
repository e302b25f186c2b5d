package dev.kdrl.core.policy;

import dev.kdrl.core.rng.Rng;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A trained policy as saved by {@link PolicyFile}: the networks, the observation statistics, what it was trained
 * for and how. Validated on construction: the actor's input size is the environment's observation size, its
 * output size is what the {@link ActorHead head} needs ({@code sum(nvec)} logits for {@link
 * ActorHead#MULTI_CATEGORICAL}, {@code prod(nvec)} Q-values for {@link ActorHead#JOINT_Q}), the critic (if any)
 * maps an observation to one value, the normaliser has the observation size.
 *
 * <p>{@link #actingPolicy()} acts with either head; {@link #policy()} is the multi-categorical policy itself
 * (with its log-probabilities and sampling) and refuses a joint-q actor.
 *
 * @param algorithm       the training algorithm, e.g. {@code trpo}, {@code ppo} or {@code rl4j-dqn}; not blank
 * @param hyperParameters the hyper-parameters as text (kept sorted by key); keys not blank
 * @param env             the environment the policy was trained for
 * @param actor           observation (normalised) → {@code sum(nvec)} logits, or {@code prod(nvec)} Q-values
 *                        for a joint-q head
 * @param critic          observation (normalised) → state value, or null when not saved
 * @param normalizer      observation statistics; null is replaced by {@link ObservationNormalizer#identity}
 * @param libraryVersion  the version of this library that wrote the policy (see {@link
 *                        #currentLibraryVersion()}); not blank
 * @param head            what the actor's outputs mean; null is replaced by {@link ActorHead#MULTI_CATEGORICAL}
 */
public record SavedPolicy(
        String algorithm, Map<String, String> hyperParameters, EnvSignature env, Mlp actor, Mlp critic,
        ObservationNormalizer normalizer, String libraryVersion, ActorHead head) {

    /** A policy with a {@link ActorHead#MULTI_CATEGORICAL multi-categorical} actor (TRPO, PPO). */
    public SavedPolicy(String algorithm, Map<String, String> hyperParameters, EnvSignature env, Mlp actor,
            Mlp critic, ObservationNormalizer normalizer, String libraryVersion) {
        this(algorithm, hyperParameters, env, actor, critic, normalizer, libraryVersion,
                ActorHead.MULTI_CATEGORICAL);
    }

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
        if (head == null) {
            head = ActorHead.MULTI_CATEGORICAL;
        }
        if (head == ActorHead.MULTI_CATEGORICAL && actor.outputSize() != env.totalActions()) {
            throw new IllegalArgumentException("the actor has " + actor.outputSize() + " outputs, the environment's "
                    + "nvec " + Arrays.toString(env.nvec()) + " needs sum(nvec) = " + env.totalActions());
        }
        if (head == ActorHead.JOINT_Q && actor.outputSize() != head.outputsFor(env.nvec())) {
            throw new IllegalArgumentException("the joint-q actor has " + actor.outputSize() + " outputs, the "
                    + "environment's nvec " + Arrays.toString(env.nvec()) + " needs prod(nvec) = "
                    + head.outputsFor(env.nvec()) + " (one Q-value per joint action)");
        }
        if (head == ActorHead.AFTERSTATE_VALUE && actor.outputSize() != 1) {
            throw new IllegalArgumentException("the afterstate-value network has " + actor.outputSize()
                    + " outputs, expected 1");
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

    /**
     * This policy with the hyper-parameter {@code key} set to {@code value} (added, or replacing the recorded one):
     * a copy; the networks, normaliser and environment are shared, as they are immutable.
     */
    public SavedPolicy withHyperParameter(String key, String value) {
        Map<String, String> hyper = new TreeMap<>(hyperParameters);
        hyper.put(key, value);
        return new SavedPolicy(algorithm, hyper, env, actor, critic, normalizer, libraryVersion, head);
    }

    /**
     * The deterministic multi-categorical policy (argmax per head), named after the {@link #algorithm()}.
     *
     * @throws IllegalStateException if the actor is not {@link ActorHead#MULTI_CATEGORICAL} (use {@link
     *                               #actingPolicy()})
     */
    public MultiCategoricalPolicy policy() {
        requireHead(ActorHead.MULTI_CATEGORICAL, "use actingPolicy() to act with it");
        return MultiCategoricalPolicy.deterministic(actor, normalizer, env.nvec()).withName(algorithm);
    }

    /**
     * The deterministic multi-categorical policy after checking that {@code actual} is the environment it was
     * trained for.
     *
     * @throws IllegalArgumentException saying what differs (see {@link EnvSignature#requireSame})
     * @throws IllegalStateException    if the actor is not {@link ActorHead#MULTI_CATEGORICAL} (use {@link
     *                                  #actingPolicyFor})
     */
    public MultiCategoricalPolicy policyFor(EnvSignature actual) {
        env.requireSame(actual);
        return policy();
    }

    /**
     * The deterministic policy of either head, named after the {@link #algorithm()}: a {@link
     * MultiCategoricalPolicy} (argmax per component) or a {@link JointQPolicy} (argmax over the joint actions).
     */
    public NetworkPolicy actingPolicy() {
        return switch (head) {
            case MULTI_CATEGORICAL -> policy();
            case JOINT_Q -> JointQPolicy.of(actor, normalizer, env.nvec()).withName(algorithm);
            case AFTERSTATE_VALUE -> throw new IllegalStateException("the " + algorithm + " policy has an "
                    + head.label() + " network: it acts by a one-step search on the environment's model "
                    + "(drl-env's SavedPolicies.acting(saved, model, profile, state, future), the future for its "
                    + "two-step search), not on an observation alone");
        };
    }

    /**
     * {@link #actingPolicy()} after checking that {@code actual} is the environment it was trained for.
     *
     * @throws IllegalArgumentException saying what differs (see {@link EnvSignature#requireSame})
     */
    public NetworkPolicy actingPolicyFor(EnvSignature actual) {
        env.requireSame(actual);
        return actingPolicy();
    }

    /**
     * The Q-network policy of a joint-q actor, named after the {@link #algorithm()}.
     *
     * @throws IllegalStateException if the actor is not {@link ActorHead#JOINT_Q}
     */
    public JointQPolicy jointQPolicy() {
        requireHead(ActorHead.JOINT_Q, "use policy() or actingPolicy()");
        return JointQPolicy.of(actor, normalizer, env.nvec()).withName(algorithm);
    }

    /**
     * The policy sampling its actions from {@code rng} (see {@link MultiCategoricalPolicy#stochastic(Rng)}).
     *
     * @throws IllegalStateException for a {@link ActorHead#JOINT_Q} actor, which acts greedily only
     */
    public MultiCategoricalPolicy stochasticPolicy(Rng rng) {
        if (head != ActorHead.MULTI_CATEGORICAL) {
            throw new IllegalStateException("the " + algorithm + " policy has a " + head.label() + " actor ("
                    + (head == ActorHead.JOINT_Q ? "a Q-value per joint action" : "the value of the state after a "
                    + "decision") + "), which acts greedily only: it has no stochastic mode");
        }
        return policy().stochastic(rng);
    }

    private void requireHead(ActorHead expected, String hint) {
        if (head != expected) {
            throw new IllegalStateException("the " + algorithm + " policy has " + article(head.label()) + " actor, "
                    + "not " + article(expected.label()) + " one: " + hint);
        }
    }

    private static String article(String label) {
        return ("aeiou".indexOf(label.charAt(0)) >= 0 ? "an " : "a ") + label;
    }

    /** True if a critic was saved. */
    public boolean hasCritic() {
        return critic != null;
    }

    /**
     * The critic's value of a raw (not normalised) observation, checked as {@link #policy()}'s actions check theirs.
     *
     * @throws IllegalStateException    if no critic was saved
     * @throws IllegalArgumentException for an observation of another length, or with a value that is not finite
     */
    public double value(double[] obs) {
        if (critic == null) {
            throw new IllegalStateException("this policy was saved without a critic");
        }
        return PolicyInput.forward(critic, normalizer, obs)[0];
    }

    /**
     * The version of this library as recorded in its jar manifest ({@code Implementation-Version}), or {@code "dev"}
     * when there is none: running from classes (tests, IDE), and from this project's own jars and {@code drl.jar},
     * which do not set it yet (every policy they save, the bundled ones included, records {@code dev}). An embedding
     * application that repackages the library with that manifest attribute records its value.
     */
    public static String currentLibraryVersion() {
        String v = SavedPolicy.class.getPackage().getImplementationVersion();
        return v == null || v.isBlank() ? "dev" : v;
    }
}
