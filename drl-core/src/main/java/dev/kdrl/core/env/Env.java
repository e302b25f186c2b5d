package dev.kdrl.core.env;

import dev.kdrl.core.space.Space;

/**
 * A sequential decision process (Gymnasium's {@code Env}): {@link #reset(long)} starts an episode and
 * returns its first observation; {@link #step(Object)} applies one action.
 *
 * <p>Contract, checked by {@link EnvChecker}: observations are members of {@link #observationSpace()};
 * the same seed and the same actions give the same trajectory; {@code step} before the first
 * {@code reset}, or after an episode ended, throws {@link IllegalStateException}; returned observations
 * are fresh objects the caller may keep or modify.
 *
 * @param <O> observation type
 * @param <A> action type
 */
public interface Env<O, A> {

    Space<O> observationSpace();

    Space<A> actionSpace();

    /** Starts a new episode; every random choice of the episode derives from {@code seed}. */
    O reset(long seed);

    /**
     * Applies {@code action}.
     *
     * @throws IllegalStateException before the first {@link #reset(long)} or after the episode ended
     * @throws IllegalArgumentException when {@code action} is not in {@link #actionSpace()}
     */
    StepResult<O> step(A action);
}
