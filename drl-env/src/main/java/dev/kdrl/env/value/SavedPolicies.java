package dev.kdrl.env.value;

import dev.kdrl.core.policy.ActorHead;
import dev.kdrl.core.policy.EnvSignature;
import dev.kdrl.core.policy.Policy;
import dev.kdrl.core.policy.SavedPolicy;
import dev.kdrl.env.quota.Observation;
import dev.kdrl.env.quota.QuotaModel;
import dev.kdrl.env.quota.QuotaState;
import dev.kdrl.env.quota.Signatures;
import java.util.function.Supplier;

/**
 * A saved policy put to work on a model, the same way for {@code drl evaluate} and the live agent: what it reads of
 * the state, the environment it must have been trained for, and the deterministic policy itself (an {@link
 * AfterstatePolicy} searching the model's state, or the network acting on the {@link Observation} it was trained
 * on).
 */
public final class SavedPolicies {

    private SavedPolicies() {
    }

    /** Whether {@code saved} acts by a one-step search on the model ({@link AfterstatePolicy}). */
    public static boolean searches(SavedPolicy saved) {
        return saved.head() == ActorHead.AFTERSTATE_VALUE;
    }

    /**
     * What {@code saved} reads: the observation its signature names; {@link Observation#PAPER} for an afterstate
     * model, which reads the state itself.
     *
     * @throws IllegalArgumentException for an observation this version does not know, naming it and the known ones
     */
    public static Observation observation(SavedPolicy saved) {
        if (searches(saved)) {
            return Observation.PAPER;
        }
        try {
            return Observation.parse(saved.env().observation());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the policy reads " + e.getMessage() + "; this version knows "
                    + Observation.labels(), e);
        }
    }

    /** The signature of {@code model} under {@code profile} as {@code saved} reads it. */
    public static EnvSignature signature(SavedPolicy saved, QuotaModel model, String profile) {
        return searches(saved) ? AfterstatePolicy.signature(model, profile)
                : Signatures.of(model, profile, observation(saved));
    }

    /**
     * The deterministic policy of {@code saved} in {@code model}, named {@code model(<algorithm>)}; an afterstate model
     * searches {@code state}.
     *
     * @throws IllegalArgumentException if it was trained for another environment, saying what differs
     */
    public static Policy<double[], int[]> acting(SavedPolicy saved, QuotaModel model, String profile,
                                                Supplier<QuotaState> state) {
        EnvSignature actual = signature(saved, model, profile);
        return searches(saved) ? AfterstatePolicy.of(model, state, saved, actual)
                : saved.actingPolicyFor(actual).withName("model(" + saved.algorithm() + ")");
    }
}
