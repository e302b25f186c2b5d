package dev.kdrl.core.env;

import java.util.List;
import java.util.Map;

/**
 * One batched step of a {@link VecEnv}; index {@code i} is environment {@code i}.
 *
 * @param observations      next observations (of the new episode where one ended)
 * @param rewards           rewards
 * @param terminated        terminal flags
 * @param truncated         time-limit flags
 * @param finalObservations the last observation of an episode that ended at this step, else {@code null}
 * @param infos             per-environment info maps
 */
public record VecStepResult<O>(List<O> observations, double[] rewards, boolean[] terminated,
                               boolean[] truncated, List<O> finalObservations,
                               List<Map<String, Object>> infos) {

    /** Whether environment {@code i} finished an episode at this step. */
    public boolean done(int i) {
        return terminated[i] || truncated[i];
    }
}
