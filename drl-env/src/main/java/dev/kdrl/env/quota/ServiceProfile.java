package dev.kdrl.env.quota;

import java.util.List;

/**
 * A service as the model sees it: its actions (configurations, indexed from 0), its latency SLO and the
 * rule for horizontal scaling (K-HPA) within one configuration.
 *
 * @param name                   service name, as written in the {@code DRLScaleAction} (e.g. {@code house})
 * @param sloMs                  latency SLO in milliseconds, &gt; 0
 * @param khpaLatencyThresholdMs pods are added to the running revision (K-HPA) only while the current
 *                               configuration's latency is at most this; otherwise a fresh revision is rolled out
 * @param maxPodStep             at most this many pods are added by K-HPA in one step; 0 means no limit
 * @param configs                the actions, at least one
 */
public record ServiceProfile(String name, double sloMs, double khpaLatencyThresholdMs, int maxPodStep,
                             List<ServiceConfig> configs) {
    /**
     * What a profile file's service name must be: what the live agent can write into the {@code DRLScaleAction}'s
     * fields ({@code service<name>_resource}) and match to its configuration.
     */
    public static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    /** {@link #NAME} in words, for messages. */
    public static final String NAME_RULE = "lower-case letters, digits and '-' (not first or last), as the live agent "
            + "writes it into the DRLScaleAction's field service<name>_resource";


    public ServiceProfile {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("service name must not be blank, got '" + name + "'");
        }
        ServiceConfig.requirePositive("sloMs of service " + name, sloMs);
        ServiceConfig.requirePositive("khpaLatencyThresholdMs of service " + name, khpaLatencyThresholdMs);
        Limit.MILLISECONDS.require("sloMs of service " + name, sloMs);
        Limit.MILLISECONDS.require("khpaLatencyThresholdMs of service " + name, khpaLatencyThresholdMs);
        if (maxPodStep < 0) {
            throw new IllegalArgumentException("maxPodStep of service " + name + " must be >= 0 (0 = no limit), got "
                    + maxPodStep);
        }
        if (configs == null || configs.isEmpty()) {
            throw new IllegalArgumentException("service " + name + " must have at least one configuration");
        }
        configs = List.copyOf(configs);
    }

    public int numActions() {
        return configs.size();
    }

    public ServiceConfig config(int action) {
        return configs.get(action);
    }

    /** The CPU per pod of its smallest configuration, in cores. */
    public double smallestCpu() {
        double min = Double.POSITIVE_INFINITY;
        for (ServiceConfig c : configs) {
            min = Math.min(min, c.cpu());
        }
        return min;
    }
}
