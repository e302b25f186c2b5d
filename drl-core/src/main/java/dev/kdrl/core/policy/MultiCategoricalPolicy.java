package dev.kdrl.core.policy;

import dev.kdrl.core.rng.Rng;
import dev.kdrl.core.space.MultiDiscrete;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * A trained actor for a {@link MultiDiscrete} action space, in plain Java: observation → {@link
 * ObservationNormalizer} → actor {@link Mlp} → {@code sum(nvec)} logits, split in order into one independent
 * categorical distribution ("head") per component: head {@code k} owns logits {@code [o_k, o_k + nvec[k])}
 * with {@code o_k = nvec[0] + ... + nvec[k-1]}. The probability of a joint action is the product over heads,
 * so its log-probability is the sum of the per-head log-softmax values (stable-baselines3's {@code
 * MultiCategoricalDistribution}).
 *
 * <p>As a {@link Policy} it acts in one of two {@link Mode modes}: {@link Mode#DETERMINISTIC} (the default:
 * the most likely value of each head, ties going to the lowest index) or {@link Mode#STOCHASTIC} (a sample
 * from each head, drawn from the {@link Rng} given at construction).
 *
 * <p>Thread-safe in deterministic mode; in stochastic mode {@link #act} draws from the shared {@link Rng},
 * which is not thread-safe. {@link #logits}, {@link #logProb}, {@link #entropy} and {@link #sample(double[],
 * Rng)} with a caller's own {@link Rng} are always thread-safe.
 */
public final class MultiCategoricalPolicy implements NetworkPolicy {
    /** The default {@link #name()}. */
    public static final String DEFAULT_NAME = "multi-categorical";

    /** How {@link #act} chooses an action. */
    public enum Mode {
        /** The most likely value of each head (ties to the lowest index). */
        DETERMINISTIC,
        /** A sample from each head, drawn from the policy's {@link Rng}. */
        STOCHASTIC
    }

    private final Mlp actor;
    private final ObservationNormalizer normalizer;
    private final int[] nvec;
    private final MultiCategorical distribution;
    private final Mode mode;
    private final Rng rng;
    private final String name;

    private MultiCategoricalPolicy(Mlp actor, ObservationNormalizer normalizer, int[] nvec, Mode mode, Rng rng,
            String name) {
        this.actor = Objects.requireNonNull(actor, "actor must not be null");
        this.normalizer = normalizer == null ? ObservationNormalizer.identity(actor.inputSize()) : normalizer;
        Objects.requireNonNull(nvec, "nvec must not be null");
        this.nvec = new MultiDiscrete(nvec).nvec();
        this.mode = Objects.requireNonNull(mode, "mode must not be null");
        if (mode == Mode.STOCHASTIC && rng == null) {
            throw new IllegalArgumentException("a stochastic policy needs an Rng");
        }
        this.rng = rng;
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank, got '" + name + "'");
        }
        this.name = name;
        this.distribution = new MultiCategorical(nvec);
        int total = distribution.width();
        if (actor.outputSize() != total) {
            throw new IllegalArgumentException("the actor has " + actor.outputSize() + " outputs, nvec "
                    + Arrays.toString(nvec) + " needs sum(nvec) = " + total);
        }
        if (this.normalizer.size() != actor.inputSize()) {
            throw new IllegalArgumentException("the normalizer has size " + this.normalizer.size()
                    + ", the actor's input size is " + actor.inputSize());
        }
    }

    /**
     * A deterministic policy.
     *
     * @param normalizer the observation statistics, or null for none
     * @throws IllegalArgumentException if the actor's output size is not {@code sum(nvec)} or the normaliser's
     *                                  size is not the actor's input size
     */
    public static MultiCategoricalPolicy deterministic(Mlp actor, ObservationNormalizer normalizer, int[] nvec) {
        return new MultiCategoricalPolicy(actor, normalizer, nvec, Mode.DETERMINISTIC, null, DEFAULT_NAME);
    }

    /** A stochastic policy whose {@link #act} samples from {@code rng} (e.g. {@code Rng.of(seed)}). */
    public static MultiCategoricalPolicy stochastic(Mlp actor, ObservationNormalizer normalizer, int[] nvec,
            Rng rng) {
        return new MultiCategoricalPolicy(actor, normalizer, nvec, Mode.STOCHASTIC,
                Objects.requireNonNull(rng, "rng must not be null"), DEFAULT_NAME);
    }

    /**
     * The same policy under another {@link #name()}; a stochastic one draws from the same {@link Rng} (the two
     * interleave their draws: give {@link #stochastic(Rng)} its own stream for an independent copy).
     */
    @Override
    public MultiCategoricalPolicy withName(String newName) {
        return new MultiCategoricalPolicy(actor, normalizer, nvec, mode, rng, newName);
    }

    /** The same network acting deterministically. */
    public MultiCategoricalPolicy deterministic() {
        return new MultiCategoricalPolicy(actor, normalizer, nvec, Mode.DETERMINISTIC, null, name);
    }

    /** The same network sampling its actions from {@code sampler}. */
    public MultiCategoricalPolicy stochastic(Rng sampler) {
        return new MultiCategoricalPolicy(actor, normalizer, nvec, Mode.STOCHASTIC,
                Objects.requireNonNull(sampler, "rng must not be null"), name);
    }

    /**
     * The unnormalised log-probabilities of all heads, concatenated (length {@code sum(nvec)}).
     *
     * @param obs a raw (not normalised) observation of length {@link #observationSize()}, finite
     * @throws IllegalArgumentException for a wrong length or a non-finite component
     */
    public double[] logits(double[] obs) {
        return PolicyInput.forward(actor, normalizer, obs);
    }

    /** Acts according to the {@link #mode()}: argmax per head, or a sample from the policy's {@link Rng}. */
    @Override
    public int[] act(double[] obs) {
        return mode == Mode.DETERMINISTIC ? argmax(obs) : sample(obs, rng);
    }

    /** The most likely value of each head; ties go to the lowest index. */
    public int[] argmax(double[] obs) {
        return distribution.argmax(logits(obs));
    }

    /**
     * Samples each head independently by inverse transform: one {@link Rng#nextDouble()} per head, in head
     * order, so the same {@code rng} state gives the same action.
     */
    public int[] sample(double[] obs, Rng sampler) {
        Objects.requireNonNull(sampler, "rng must not be null");
        double[] logits = logits(obs);
        double[] u = new double[nvec.length];
        for (int k = 0; k < u.length; k++) {
            u[k] = sampler.nextDouble();
        }
        return distribution.sample(logits, u);
    }

    /**
     * The log-probability of a joint action: the sum over heads of {@code log softmax(head logits)[a_k]},
     * computed stably as {@code l[a] - max - log(sum(exp(l - max)))}.
     *
     * @throws IllegalArgumentException if the action does not belong to the action space
     */
    public double logProb(double[] obs, int[] action) {
        Objects.requireNonNull(action, "action must not be null");
        if (action.length != nvec.length) {
            throw new IllegalArgumentException("action has " + action.length + " components, nvec "
                    + Arrays.toString(nvec) + " has " + nvec.length);
        }
        for (int k = 0; k < nvec.length; k++) {
            if (action[k] < 0 || action[k] >= nvec[k]) {
                throw new IllegalArgumentException("action[" + k + "] is " + action[k] + ", must be in [0, "
                        + nvec[k] + ")");
            }
        }
        return distribution.logProb(logits(obs), action);
    }

    /** The entropy of the joint distribution: the sum of the heads' entropies, in nats. */
    public double entropy(double[] obs) {
        return distribution.entropy(logits(obs));
    }

    /** The per-head probabilities (softmax of each head's logits), concatenated like {@link #logits}. */
    public double[] probabilities(double[] obs) {
        return distribution.probabilities(logits(obs));
    }

    public Mlp actor() {
        return actor;
    }

    /** The normaliser (the identity if none was given). */
    @Override
    public ObservationNormalizer normalizer() {
        return normalizer;
    }

    /** A copy of the number of choices per head. */
    public int[] nvec() {
        return nvec.clone();
    }

    /** The action space, {@code MultiDiscrete(nvec)}. */
    @Override
    public MultiDiscrete actionSpace() {
        return new MultiDiscrete(nvec);
    }

    /** Length of the observations, the actor's input size. */
    @Override
    public int observationSize() {
        return actor.inputSize();
    }

    public Mode mode() {
        return mode;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return "MultiCategoricalPolicy[" + name + ", " + actor + ", nvec=" + Arrays.toString(nvec) + ", "
                + mode.name().toLowerCase(Locale.ROOT) + "]";
    }
}
