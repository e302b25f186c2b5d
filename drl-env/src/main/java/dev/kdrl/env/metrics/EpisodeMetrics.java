package dev.kdrl.env.metrics;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one episode of a policy did.
 *
 * @param policy                policy name
 * @param trace                 trace name or file
 * @param steps                 decisions taken
 * @param episodeReturn         undiscounted sum of rewards
 * @param overQuotaSteps        steps whose resulting CPU exceeds the quota ({@code total > Q})
 * @param overlapOverQuotaSteps steps whose roll-out peak exceeds the quota ({@code totalUpdate > Q})
 * @param meanCpu               mean CPU cores in use after each decision
 * @param maxCpu                largest CPU cores in use after a decision
 * @param services              service names
 * @param meanLatencyToSlo      per service, mean of chosen configuration's latency / SLO
 * @param revisionsCreated      fresh revisions rolled out, summed over services
 * @param podChanges            (step, service) pairs whose pod count changed
 */
public record EpisodeMetrics(String policy, String trace, int steps, double episodeReturn, int overQuotaSteps,
                             int overlapOverQuotaSteps, double meanCpu, double maxCpu, List<String> services,
                             double[] meanLatencyToSlo, int revisionsCreated, int podChanges) {

    public EpisodeMetrics {
        services = List.copyOf(services);
        meanLatencyToSlo = meanLatencyToSlo.clone();
        if (meanLatencyToSlo.length != services.size()) {
            throw new IllegalArgumentException("meanLatencyToSlo has " + meanLatencyToSlo.length + " values for "
                    + services.size() + " services " + services + " (expected one per service)");
        }
    }

    /** Equal metrics have equal components, {@code meanLatencyToSlo} by content. */
    @Override
    public boolean equals(Object o) {
        return o instanceof EpisodeMetrics m && Objects.equals(policy, m.policy) && Objects.equals(trace, m.trace)
                && steps == m.steps && Double.compare(episodeReturn, m.episodeReturn) == 0 && overQuotaSteps == m.overQuotaSteps
                && overlapOverQuotaSteps == m.overlapOverQuotaSteps && Double.compare(meanCpu, m.meanCpu) == 0
                && Double.compare(maxCpu, m.maxCpu) == 0 && services.equals(m.services)
                && Arrays.equals(meanLatencyToSlo, m.meanLatencyToSlo) && revisionsCreated == m.revisionsCreated
                && podChanges == m.podChanges;
    }

    @Override
    public int hashCode() {
        return Objects.hash(policy, trace, steps, episodeReturn, overQuotaSteps, overlapOverQuotaSteps, meanCpu, maxCpu,
                services, Arrays.hashCode(meanLatencyToSlo), revisionsCreated, podChanges);
    }

    @Override
    public String toString() {
        return "EpisodeMetrics" + toMap();
    }

    @Override
    public double[] meanLatencyToSlo() {
        return meanLatencyToSlo.clone();
    }

    /** The metrics as an ordered map with snake_case keys, the form of the JSON and CSV outputs. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("policy", policy);
        m.put("trace", trace);
        m.put("steps", steps);
        m.put("return", episodeReturn);
        m.put("over_quota_steps", overQuotaSteps);
        m.put("overlap_over_quota_steps", overlapOverQuotaSteps);
        m.put("mean_cpu", meanCpu);
        m.put("max_cpu", maxCpu);
        for (int i = 0; i < services.size(); i++) {
            m.put("mean_latency_slo_" + services.get(i), meanLatencyToSlo[i]);
        }
        m.put("revisions_created", revisionsCreated);
        m.put("pod_changes", podChanges);
        return m;
    }
}
