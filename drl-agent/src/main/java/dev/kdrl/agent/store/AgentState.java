package dev.kdrl.agent.store;

import java.util.List;
import java.util.Map;

/**
 * What the agent must remember across restarts: the bookkeeping of the last decision it wrote (the same
 * fields the simulator keeps between steps) and what it wrote.
 *
 * @param formatVersion {@link StateStore#FORMAT_VERSION}
 * @param cycles        decisions written so far
 * @param time          the cycle time of the last decision (ISO-8601)
 * @param services      service names in model order
 * @param action        configuration index per service
 * @param pods          pod count per service
 * @param resources     CPU cores held per service, as the decision computed them
 * @param observation   what the policy saw
 * @param spec          the custom resource's spec as written
 */
public record AgentState(int formatVersion, long cycles, String time, List<String> services, int[] action,
                         int[] pods, double[] resources, double[] observation, Map<String, String> spec) {
}
