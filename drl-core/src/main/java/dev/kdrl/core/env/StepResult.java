package dev.kdrl.core.env;

import java.util.Map;
import java.util.Objects;

/**
 * What one {@link Env#step(Object)} returns.
 *
 * @param observation the next observation
 * @param reward      the reward of this transition
 * @param terminated  the episode reached a terminal state (no future reward: do not bootstrap)
 * @param truncated   the episode was cut by a time limit (not terminal: bootstrap from {@code observation})
 * @param info        extra diagnostics; never {@code null}
 */
public record StepResult<O>(O observation, double reward, boolean terminated, boolean truncated,
                            Map<String, Object> info) {

    public StepResult {
        Objects.requireNonNull(info, "info");
    }

    /** The episode is over, by termination or truncation. */
    public boolean done() {
        return terminated || truncated;
    }
}
