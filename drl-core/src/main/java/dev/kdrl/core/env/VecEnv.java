package dev.kdrl.core.env;

import dev.kdrl.core.space.Space;
import java.util.List;

/**
 * Several environments stepped as one batch, so a policy can evaluate all observations in one forward
 * pass. An environment whose episode ends is reset at once (auto-reset): its entry in
 * {@link VecStepResult#observations()} is the first observation of the next episode and the last
 * observation of the finished one is in {@link VecStepResult#finalObservations()}.
 */
public interface VecEnv<O, A> extends AutoCloseable {

    int numEnvs();

    Space<O> observationSpace();

    Space<A> actionSpace();

    /** Resets every environment; environment {@code i} gets a seed derived from {@code seed} and {@code i}. */
    List<O> reset(long seed);

    /** Steps environment {@code i} with {@code actions.get(i)}. */
    VecStepResult<O> step(List<A> actions);

    @Override
    default void close() {
    }
}
