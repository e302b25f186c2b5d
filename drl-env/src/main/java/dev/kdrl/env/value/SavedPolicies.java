package dev.kdrl.env.value;

import dev.kdrl.core.policy.ActorHead;
import dev.kdrl.core.policy.EnvSignature;
import dev.kdrl.core.policy.Policy;
import dev.kdrl.core.policy.SavedPolicy;
import dev.kdrl.env.baseline.TrafficDistribution;
import dev.kdrl.env.quota.Observation;
import dev.kdrl.env.quota.QuotaModel;
import dev.kdrl.env.quota.QuotaState;
import dev.kdrl.env.quota.Signatures;
import java.util.Objects;
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

    /** Whether {@code saved} acts by a (one- or two-step) search on the model ({@link AfterstatePolicy}). */
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

    /**
     * The signature of {@code model} under {@code profile} as {@code saved} reads it; a profile file is compared by
     * its content, not its path, when {@code saved} recorded its action tables
     * ({@link dev.kdrl.env.profile.Profiles#signatureName}).
     */
    public static EnvSignature signature(SavedPolicy saved, QuotaModel model, String profile) {
        if (!saved.env().actionTables().isEmpty()) { // without tables the name is what tells two files apart
            profile = dev.kdrl.env.profile.Profiles.signatureName(profile, saved.env().profile());
        }
        return searches(saved) ? AfterstatePolicy.signature(model, profile,
                AfterstateFeatures.OBSERVATION_TRAFFIC.equals(saved.env().observation()))
                : Signatures.of(model, profile, observation(saved));
    }

    /**
     * The deterministic policy of {@code saved} in {@code model}, named {@code model(<algorithm>)}; an afterstate model
     * searches {@code state}. With no {@link Future} known, a model saved to look two steps ahead decides in one step
     * here (and a traffic-aware value reads the training traffic's average statistics), so it does not play as
     * {@code drl evaluate} and the live agent play it: for that, pass the next period's traffic distribution to
     * {@link #acting(SavedPolicy, QuotaModel, String, Supplier, Future)} (e.g. {@code new Future(
     * Baselines.trafficModel(model, trace, null), env.episodeLength(), 0)}, what {@code drl evaluate} passes).
     *
     * @throws IllegalArgumentException if it was trained for another environment, saying what differs
     */
    public static Policy<double[], int[]> acting(SavedPolicy saved, QuotaModel model, String profile,
                                                Supplier<QuotaState> state) {
        return acting(saved, model, profile, state, Future.NONE);
    }

    /**
     * What an afterstate model that looks two steps ahead ({@link AfterstatePolicy.Lookahead}) assumes of the
     * future: the next period's traffic (the distribution {@code expected-2} uses), the decisions in the episode
     * ({@link Integer#MAX_VALUE} without end) and the seed of the traffic draws.
     */
    public record Future(TrafficDistribution traffic, int episodeLength, long seed) {
        /** Nothing known: a two-step model decides in one step. */
        public static final Future NONE = new Future(TrafficDistribution.none(), Integer.MAX_VALUE, 0);

        public Future {
            Objects.requireNonNull(traffic, "traffic");
            if (episodeLength < 1) {
                throw new IllegalArgumentException("episodeLength must be >= 1, got " + episodeLength);
            }
        }
    }

    /**
     * {@link #acting(SavedPolicy, QuotaModel, String, Supplier)}, an afterstate model looking two steps ahead over
     * {@code future} when it was saved with {@link AfterstatePolicy.Lookahead} settings.
     */
    public static Policy<double[], int[]> acting(SavedPolicy saved, QuotaModel model, String profile,
                                                Supplier<QuotaState> state, Future future) {
        EnvSignature actual = signature(saved, model, profile);
        return searches(saved)
                ? AfterstatePolicy.of(model, state, saved, actual).setTraffic(future.traffic(), future.episodeLength(),
                        future.seed())
                : saved.actingPolicyFor(actual).withName("model(" + saved.algorithm() + ")");
    }
}
