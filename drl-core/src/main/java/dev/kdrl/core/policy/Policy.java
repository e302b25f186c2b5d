package dev.kdrl.core.policy;

/**
 * Maps an observation to an action. Learned policies, baselines and planners all implement this, so
 * evaluation, the CLI and the live agent treat them alike. Planners that need more than the observation
 * (the internal state of a simulator, future traffic) receive it through their constructor.
 */
@FunctionalInterface
public interface Policy<O, A> {

    A act(O observation);

    /** Called before the first {@link #act} of each episode; stateful policies reset here. */
    default void reset() {
    }

    /** A short name for reports. */
    default String name() {
        return getClass().getSimpleName();
    }
}
