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
    JOINT_Q("joint-q");

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
        throw new IllegalArgumentException("unknown actor head '" + label + "' (expected multi-categorical or "
                + "joint-q)");
    }

    /** The number of actor outputs this head needs for {@code nvec}: {@code sum(nvec)} or {@code prod(nvec)}. */
    public long outputsFor(int[] nvec) {
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
