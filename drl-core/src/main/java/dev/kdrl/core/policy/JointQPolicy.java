package dev.kdrl.core.policy;

import dev.kdrl.core.space.MultiDiscrete;
import java.util.Arrays;
import java.util.Objects;

/**
 * A trained Q-network over the flattened joint action of a {@link MultiDiscrete} space (DQN), in plain Java:
 * observation → {@link ObservationNormalizer} → {@link Mlp} → {@code prod(nvec)} Q-values, output {@code j}
 * being the value of the joint action {@code MultiDiscrete(nvec).unflatten(j)} (lexicographic order,
 * component 0 most significant).
 *
 * <p>It acts greedily: the joint action of the highest Q-value, ties going to the lowest flat index. There is
 * no stochastic mode. Immutable and thread-safe.
 */
public final class JointQPolicy implements NetworkPolicy {
    /** The default {@link #name()}. */
    public static final String DEFAULT_NAME = "joint-q";

    private final Mlp network;
    private final ObservationNormalizer normalizer;
    private final MultiDiscrete space;
    private final String name;

    private JointQPolicy(Mlp network, ObservationNormalizer normalizer, int[] nvec, String name) {
        this.network = Objects.requireNonNull(network, "network must not be null");
        this.normalizer = normalizer == null ? ObservationNormalizer.identity(network.inputSize()) : normalizer;
        this.space = new MultiDiscrete(Objects.requireNonNull(nvec, "nvec must not be null"));
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank, got '" + name + "'");
        }
        this.name = name;
        if (network.outputSize() != space.cardinality()) {
            throw new IllegalArgumentException("the Q-network has " + network.outputSize() + " outputs, nvec "
                    + Arrays.toString(nvec) + " needs prod(nvec) = " + space.cardinality());
        }
        if (this.normalizer.size() != network.inputSize()) {
            throw new IllegalArgumentException("the normalizer has size " + this.normalizer.size()
                    + ", the Q-network's input size is " + network.inputSize());
        }
    }

    /**
     * A greedy policy.
     *
     * @param network    observation (normalised) → one Q-value per joint action
     * @param normalizer the observation statistics, or null for none
     * @throws IllegalArgumentException if the network's output size is not {@code prod(nvec)} or the
     *                                  normaliser's size is not the network's input size
     */
    public static JointQPolicy of(Mlp network, ObservationNormalizer normalizer, int[] nvec) {
        return new JointQPolicy(network, normalizer, nvec, DEFAULT_NAME);
    }

    @Override
    public JointQPolicy withName(String newName) {
        return new JointQPolicy(network, normalizer, space.nvec(), newName);
    }

    /**
     * The Q-values of every joint action, by flat index (length {@code prod(nvec)}).
     *
     * @param obs a raw (not normalised) observation of length {@link #observationSize()}, finite
     * @throws IllegalArgumentException for a wrong length or a non-finite component
     */
    public double[] qValues(double[] obs) {
        return PolicyInput.forward(network, normalizer, obs);
    }

    /** The flat index of the highest Q-value; ties go to the lowest index. */
    public int greedyIndex(double[] obs) {
        return argmax(qValues(obs));
    }

    /** The index of the largest value, the lowest among equal ones (NaN never wins; 0 if all are NaN). */
    static int argmax(double[] q) {
        int best = 0;
        for (int j = 1; j < q.length; j++) {
            if (q[j] > q[best] || Double.isNaN(q[best]) && !Double.isNaN(q[j])) {
                best = j;
            }
        }
        return best;
    }

    /** The joint action of the highest Q-value: {@code actionSpace().unflatten(greedyIndex(obs))}. */
    @Override
    public int[] act(double[] obs) {
        return space.unflatten(greedyIndex(obs));
    }

    /** The Q-network. */
    public Mlp network() {
        return network;
    }

    @Override
    public ObservationNormalizer normalizer() {
        return normalizer;
    }

    /** A copy of the number of choices per component. */
    public int[] nvec() {
        return space.nvec();
    }

    @Override
    public MultiDiscrete actionSpace() {
        return space;
    }

    @Override
    public int observationSize() {
        return network.inputSize();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return "JointQPolicy[" + name + ", " + network + ", nvec=" + Arrays.toString(space.nvec()) + "]";
    }
}
