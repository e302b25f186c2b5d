package dev.kdrl.core.policy;

import dev.kdrl.core.space.MultiDiscrete;

/**
 * What the outputs of a saved policy's actor network mean, for a {@link MultiDiscrete} action space with
 * {@code nvec}. Each constant has a stable {@link #label()} written to policy files ({@code actor.head}).
 */
public enum ActorHead {
    /**
     * {@code sum(nvec)} logits, one independent categorical distribution per component ({@link
     * MultiCategoricalPolicy}); trained by TRPO and PPO. Acts deterministically or by sampling.
     */
    MULTI_CATEGORICAL("multi-categorical"),
    /**
     * {@code prod(nvec)} Q-values, one per joint action in the lexicographic order of {@link
     * MultiDiscrete#unflatten} ({@link JointQPolicy}); trained by DQN. Acts greedily only.
     */
    JOINT_Q("joint-q"),
    /**
     * One output: the value of the state right after a decision (the afterstate), computed from the environment's
     * own features of it; the policy acts by a one-step search on the environment's model scored with it (drl-env's
     * {@code AfterstatePolicy}), so it cannot act on an observation alone.
     */
    AFTERSTATE_VALUE("afterstate-value");

    private final String label;

    ActorHead(String label) {
        this.label = label;
    }

    /** The name written to policy files, e.g. {@code joint-q}. */
    public String label() {
        return label;
    }

    /**
     * The head named {@code label}, as written by {@link #label()}.
     *
     * @throws IllegalArgumentException for an unknown name
     */
    public static ActorHead fromLabel(String label) {
        for (ActorHead h : values()) {
            if (h.label.equals(label)) {
                return h;
            }
        }
        throw new IllegalArgumentException("unknown actor head '" + label + "' (expected multi-categorical, "
                + "joint-q or afterstate-value)");
    }

    /** The number of actor outputs this head needs for {@code nvec}: {@code sum(nvec)}, {@code prod(nvec)} or 1. */
    public long outputsFor(int[] nvec) {
        if (this == AFTERSTATE_VALUE) {
            return 1;
        }
        MultiDiscrete space = new MultiDiscrete(nvec);
        if (this == JOINT_Q) {
            return space.cardinality();
        }
        long sum = 0;
        for (int n : nvec) {
            sum += n;
        }
        return sum;
    }
}
