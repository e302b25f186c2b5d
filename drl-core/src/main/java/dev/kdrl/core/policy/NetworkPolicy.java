package dev.kdrl.core.policy;

import dev.kdrl.core.space.MultiDiscrete;

/**
 * A trained network acting on raw observations for a {@link MultiDiscrete} action space, as returned by {@link
 * SavedPolicy#actingPolicy()}: a {@link MultiCategoricalPolicy} (logits per component) or a {@link JointQPolicy}
 * (a Q-value per joint action).
 */
public sealed interface NetworkPolicy extends Policy<double[], int[]> permits MultiCategoricalPolicy, JointQPolicy {

    /** The same policy under another {@link #name()}. */
    NetworkPolicy withName(String newName);

    /** The action space the policy acts in. */
    MultiDiscrete actionSpace();

    /** Length of the observations the policy takes. */
    int observationSize();

    /** The normaliser applied to raw observations before the network (the identity if none). */
    ObservationNormalizer normalizer();
}
