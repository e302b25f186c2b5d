package dev.kdrl.agent.loop;

import dev.kdrl.agent.config.AgentConfig;
import dev.kdrl.agent.prom.QueryFailure;
import java.time.Instant;

/** Where the agent reads each service's current load: Prometheus, or a trace in a simulation. */
public interface LoadSource {

    /**
     * The load (concurrent users) of {@code service} at the agent's {@code cycle}-th cycle (0-based, counted from
     * when the agent was built: the process's start or this replica's leader term; not the number the cycle
     * logs, which continues the saved state's count), scheduled at {@code time}.
     *
     * @throws QueryFailure when no usable value could be read
     */
    double read(AgentConfig.Service service, long cycle, Instant time) throws QueryFailure, InterruptedException;

    /** Whether the source can serve {@code cycle}; a trace runs out, Prometheus never does. */
    default boolean hasCycle(long cycle) {
        return true;
    }
}
