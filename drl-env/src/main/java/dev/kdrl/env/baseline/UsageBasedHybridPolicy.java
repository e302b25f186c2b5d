package dev.kdrl.env.baseline;

import dev.kdrl.core.policy.Policy;
import dev.kdrl.env.quota.Observation;
import dev.kdrl.env.quota.QuotaModel;
import dev.kdrl.env.quota.ServiceConfig;
import dev.kdrl.env.quota.ServiceProfile;

/**
 * The usage-based hybrid autoscaler that preceded the DRL agent: per service, for the traffic in the
 * observation, the configuration needing the least CPU ({@code pods * cpu}) whose latency meets the SLO;
 * ties go to the lower latency, then the lower index. It is blind to the quota and to the cost of
 * revision overlap. If no configuration meets the SLO, the fastest one is taken. It reads the traffic from either
 * {@link Observation} (told apart by their lengths, which always differ).
 */
public final class UsageBasedHybridPolicy implements Policy<double[], int[]> {
    private final QuotaModel model;
    private final int paperSize;
    private final int fullSize;

    public UsageBasedHybridPolicy(QuotaModel model) {
        this.model = java.util.Objects.requireNonNull(model, "model");
        this.paperSize = Observation.PAPER.size(model);
        this.fullSize = Observation.FULL.size(model);
    }

    @Override
    public int[] act(double[] observation) {
        Observation kind;
        if (observation.length == paperSize) {
            kind = Observation.PAPER;
        } else if (observation.length == fullSize) {
            kind = Observation.FULL;
        } else {
            throw new IllegalArgumentException("observation of " + observation.length + " values; this model's is "
                    + paperSize + " (paper) or " + fullSize + " (full)");
        }
        int n = model.numServices();
        int[] action = new int[n];
        for (int i = 0; i < n; i++) {
            action[i] = choose(i, observation[kind.trafficIndex(model, i)]);
        }
        return action;
    }

    private int choose(int i, double users) {
        ServiceProfile s = model.service(i);
        int best = -1;
        double bestCpu = Double.POSITIVE_INFINITY;
        double bestLatency = Double.POSITIVE_INFINITY;
        int fastest = 0;
        for (int a = 0; a < s.numActions(); a++) {
            ServiceConfig c = s.config(a);
            if (c.latencyMs() < s.config(fastest).latencyMs()) {
                fastest = a;
            }
            if (c.latencyMs() > s.sloMs()) {
                continue;
            }
            double cpu = model.podsNeeded(i, a, users) * c.cpu();
            if (cpu < bestCpu || (cpu == bestCpu && c.latencyMs() < bestLatency)) {
                best = a;
                bestCpu = cpu;
                bestLatency = c.latencyMs();
            }
        }
        return best >= 0 ? best : fastest;
    }

    @Override
    public String name() {
        return "usage-hybrid";
    }
}
