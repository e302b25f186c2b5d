package dev.kdrl.agent.ops;

import dev.kdrl.agent.k8s.WriteFailure;
import dev.kdrl.agent.knative.KnativeApplier;
import dev.kdrl.agent.prom.FailureKind;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The agent's own metrics in a Micrometer Prometheus registry (served at {@code /metrics}):
 * <ul>
 *   <li>{@code drl_agent_cycles_total{outcome="ok|failed"}}</li>
 *   <li>{@code drl_agent_query_failures_total{service,kind}} (kinds: {@link dev.kdrl.agent.prom.FailureKind})</li>
 *   <li>{@code drl_agent_write_failures_total{kind}}</li>
 *   <li>{@code drl_agent_untrained_load_cycles_total{service}}: cycles whose predicted load lay well outside the
 *       loads the model was trained on</li>
 *   <li>{@code drl_agent_decision_seconds} histogram: from the first query's answer to the CR written,
 *       without network waits</li>
 *   <li>per service: {@code drl_agent_observed_load}, {@code drl_agent_predicted_load},
 *       {@code drl_agent_cpu_millicores}, {@code drl_agent_concurrency_target}, {@code drl_agent_pods}</li>
 *   <li>per service, when the agent reads what the services hold ({@code apply.minScale} decision or none in mode
 *       knative): {@code drl_agent_held_pods}, {@code drl_agent_held_cores} (NaN when the read failed)</li>
 *   <li>{@code drl_agent_requested_cores}, {@code drl_agent_quota_cores},
 *       {@code drl_agent_predicted_over_quota} (1 when the decision's CPU exceeds the quota),
 *       {@code drl_agent_leader} (1 on the replica that writes)</li>
 *   <li>applying to Knative Services (modes knative and reconciler): {@code drl_agent_quota_peak_over_total}
 *       (decisions whose roll-out peak exceeds the ResourceQuota's {@code limits.cpu}),
 *       {@code drl_agent_service_patches_total{service}}, {@code drl_agent_revisions_deleted_total{service}};
 *       the reconciler's {@code drl_agent_service_failures_total{service,result}} (failed or invalid)</li>
 * </ul>
 */
public final class AgentMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, AtomicLong> gauges = new ConcurrentHashMap<>();
    private final Timer decision;
    private final List<String> serviceNames;

    public AgentMetrics(List<String> services, double quota) {
        this(services, quota, true);
    }

    /**
     * The metrics of mode {@code reconciler}, which makes no decisions: only what applying to the Knative Services
     * counts (no cycles, queries, decisions or leader gauge, whose zeros and NaNs would trip a deciding agent's
     * alerts).
     */
    public static AgentMetrics forReconciler(List<String> services) {
        return new AgentMetrics(services, Double.NaN, false);
    }

    /** Every meter's {@code # HELP} text, by name (the README's table of metrics, shortened). */
    static final Map<String, String> HELP = Map.ofEntries(
            Map.entry("drl.agent.decision", "Decision time per cycle without network waits (predict, policy, "
                    + "bookkeeping)"),
            Map.entry("drl.agent.cycles", "Cycles, by whether the decision was written (outcome ok or failed)"),
            Map.entry("drl.agent.query.failures", "Failed Prometheus queries, by service and kind"),
            Map.entry("drl.agent.write.failures", "Failed writes of a decision, by kind"),
            Map.entry("drl.agent.untrained.load.cycles", "Cycles whose predicted load lay well outside the model's "
                    + "training loads, by service"),
            Map.entry("drl.agent.observed.load", "Load read from Prometheus this cycle (NaN when the query failed)"),
            Map.entry("drl.agent.predicted.load", "Load predicted for the next period"),
            Map.entry("drl.agent.cpu.millicores", "CPU limit per pod decided, in millicores"),
            Map.entry("drl.agent.concurrency.target", "Concurrency target decided"),
            Map.entry("drl.agent.pods", "Pod count decided"),
            Map.entry("drl.agent.held.pods", "Ready and starting pods of the service's newest Revision, read before "
                    + "the decision (apply.minScale decision or none, mode knative; NaN when the read failed)"),
            Map.entry("drl.agent.held.cores", "CPU cores the quota charges for all the service's pods, read before "
                    + "the decision (apply.minScale decision or none, mode knative; NaN when the read failed)"),
            Map.entry("drl.agent.requested.cores", "CPU cores the decision requests"),
            Map.entry("drl.agent.quota.cores", "CPU quota the decisions are planned for, in cores"),
            Map.entry("drl.agent.predicted.over.quota", "1 when the decision's CPU exceeds the quota"),
            Map.entry("drl.agent.leader", "1 on the replica that writes"),
            Map.entry("drl.agent.quota.peak.over", "Decisions whose roll-out peak exceeds the ResourceQuota's "
                    + "limits.cpu (applied anyway)"),
            Map.entry("drl.agent.service.patches", "Knative Services patched, by service"),
            Map.entry("drl.agent.revisions.deleted", "Previous Revisions deleted, by service"),
            Map.entry("drl.agent.service.failures", "Services of a DRLScaleAction left failed or invalid, by service "
                    + "and result"));

    private AgentMetrics(List<String> services, double quota, boolean deciding) {
        serviceNames = List.copyOf(services);
        // every meter's HELP from one table, whichever call registers it first
        registry.config().meterFilter(new io.micrometer.core.instrument.config.MeterFilter() {
            @Override
            public io.micrometer.core.instrument.Meter.Id map(io.micrometer.core.instrument.Meter.Id id) {
                String help = HELP.get(id.getName());
                return help == null || id.getDescription() != null ? id : new io.micrometer.core.instrument.Meter.Id(
                        id.getName(), io.micrometer.core.instrument.Tags.of(id.getTagsAsIterable()), id.getBaseUnit(),
                        help, id.getType());
            }
        });
        if (!deciding) {
            decision = null;
            registerApplying(services);
            return;
        }
        decision = Timer.builder("drl.agent.decision")
                .description("Decision time per cycle without network waits (predict, policy, bookkeeping)")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(10_000))
                .maximumExpectedValue(Duration.ofSeconds(1))
                .register(registry);
        Counter.builder("drl.agent.cycles").tag("outcome", "ok").register(registry);
        Counter.builder("drl.agent.cycles").tag("outcome", "failed").register(registry);
        for (String s : services) {
            gauge("drl.agent.observed.load", "service", s);
            gauge("drl.agent.predicted.load", "service", s);
            gauge("drl.agent.cpu.millicores", "service", s);
            gauge("drl.agent.concurrency.target", "service", s);
            gauge("drl.agent.pods", "service", s);
        }
        gauge("drl.agent.requested.cores", null, null);
        gauge("drl.agent.predicted.over.quota", null, null);
        set("drl.agent.leader", null, null, 0);
        // every failure series exists from the start, at 0, so rate() and alerts work before the first failure
        for (String s : services) {
            for (FailureKind k : FailureKind.values()) {
                registry.counter("drl.agent.query.failures", "service", s, "kind", k.label());
            }
        }
        for (WriteFailure.Kind k : WriteFailure.Kind.values()) {
            registry.counter("drl.agent.write.failures", "kind", k.label());
        }
        for (String s : services) {
            registry.counter("drl.agent.untrained.load.cycles", "service", s);
        }
        set("drl.agent.quota.cores", null, null, quota);
        registerApplying(services);
    }

    /** The counters of applying to the Knative Services, at 0 from the start. */
    private void registerApplying(List<String> services) {
        registry.counter("drl.agent.quota.peak.over");
        for (String s : services) {
            registry.counter("drl.agent.service.patches", "service", s);
            registry.counter("drl.agent.revisions.deleted", "service", s);
            registry.counter("drl.agent.service.failures", "service", s, "result", "failed");
            registry.counter("drl.agent.service.failures", "service", s, "result", "invalid");
        }
    }

    /** The counters of {@link KnativeApplier}. */
    public KnativeApplier.Events knativeEvents() {
        return new KnativeApplier.Events() {
            @Override
            public void quotaPeakOver() {
                registry.counter("drl.agent.quota.peak.over").increment();
            }

            @Override
            public void patched(String service) {
                registry.counter("drl.agent.service.patches", "service", service).increment();
            }

            @Override
            public void revisionDeleted(String service) {
                registry.counter("drl.agent.revisions.deleted", "service", service).increment();
            }
        };
    }

    private AtomicLong gauge(String name, String tagKey, String tagValue) {
        return gauges.computeIfAbsent(name + "|" + tagValue, k -> {
            AtomicLong bits = new AtomicLong(Double.doubleToLongBits(Double.NaN));
            Gauge.Builder<AtomicLong> b = Gauge.builder(name, bits, a -> Double.longBitsToDouble(a.get()));
            if (tagKey != null) {
                b.tag(tagKey, tagValue);
            }
            b.register(registry);
            return bits;
        });
    }

    private void set(String name, String tagKey, String tagValue, double v) {
        gauge(name, tagKey, tagValue).set(Double.doubleToLongBits(v));
    }

    public void serviceGauge(String name, String service, double v) {
        set(name, "service", service, v);
    }

    public void globalGauge(String name, double v) {
        set(name, null, null, v);
    }

    public void cycle(boolean ok) {
        registry.counter("drl.agent.cycles", "outcome", ok ? "ok" : "failed").increment();
    }

    public void queryFailure(String service, String kind) {
        registry.counter("drl.agent.query.failures", "service", service, "kind", kind).increment();
    }

    /** A cycle in which {@code service}'s predicted load lay well outside the loads the model was trained on. */
    public void untrainedLoad(String service) {
        registry.counter("drl.agent.untrained.load.cycles", "service", service).increment();
    }

    /**
     * The reconciler could not apply a service of a {@code DRLScaleAction} ({@code result} failed: the API server's
     * answer; invalid: the spec's own values); a service the configuration does not know is counted as "other".
     */
    public void serviceFailure(String service, String result) {
        String s = serviceNames.contains(service) ? service : "other";
        registry.counter("drl.agent.service.failures", "service", s, "result", result).increment();
    }

    public void writeFailure(String kind) {
        registry.counter("drl.agent.write.failures", "kind", kind).increment();
    }

    public void decisionNanos(long nanos) {
        decision.record(Duration.ofNanos(nanos));
    }

    /** The Prometheus text exposition of every metric. */
    public String scrape() {
        return registry.scrape();
    }
}
