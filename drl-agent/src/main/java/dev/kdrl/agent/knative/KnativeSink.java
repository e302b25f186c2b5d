package dev.kdrl.agent.knative;

import dev.kdrl.agent.config.AgentConfig;
import dev.kdrl.agent.k8s.ActionSink;
import dev.kdrl.agent.k8s.WriteFailure;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code apply.mode: knative}: the agent applies each decision to the Knative Services itself
 * ({@link KnativeApplier}); with {@code apply.writeResource} it also writes the {@code DRLScaleAction} afterwards,
 * for observers. A decision with a Service that could not be applied fails the cycle (the others are applied). The
 * resource is for observers only: when it cannot be written the Services stay applied, the cycle does not fail
 * (its state is saved, as the Services hold it) and a warning says why.
 */
public final class KnativeSink implements ActionSink {
    private static final Logger LOG = LoggerFactory.getLogger(KnativeSink.class);
    private final KnativeApplier applier;
    private final List<AgentConfig.Service> services;
    private final ActionSink resource;

    /**
     * @param services the configured services (name → Knative Service)
     * @param resource also writes the custom resource, or {@code null}
     */
    public KnativeSink(KnativeApplier applier, List<AgentConfig.Service> services, ActionSink resource) {
        this.applier = applier;
        this.services = List.copyOf(services);
        this.resource = resource;
    }

    /** The targets a DRLScaleAction spec gives the configured services (a service without fields gets nulls). */
    public static List<KnativeApplier.Target> targets(List<AgentConfig.Service> services, Map<String, ?> spec) {
        List<KnativeApplier.Target> out = new ArrayList<>();
        for (AgentConfig.Service s : services) {
            out.add(new KnativeApplier.Target(s.name(), s.knativeService(), field(spec, s.name(), "resource"),
                    field(spec, s.name(), "concurrency"), field(spec, s.name(), "podcount")));
        }
        return out;
    }

    private static String field(Map<String, ?> spec, String service, String what) {
        Object v = spec.get("service" + service + "_" + what);
        return v == null ? null : String.valueOf(v);
    }

    @Override
    public String write(Map<String, String> spec) throws WriteFailure, InterruptedException {
        KnativeApplier.Report report = applier.apply(targets(services, spec));
        String written = "";
        if (resource != null) {
            try {
                written = "; " + resource.write(spec);
            } catch (WriteFailure e) {
                // the decision is in the Services already: failing the cycle would leave the saved state behind them
                written = "; the DRLScaleAction for observers was not written (" + e.getMessage() + ")";
                LOG.warn("applied to the Knative Services, but the DRLScaleAction for observers was not written: {}",
                        e.getMessage());
            }
        }
        List<KnativeApplier.Outcome> failures = report.failures();
        if (!failures.isEmpty()) {
            java.util.Set<String> applied = new java.util.LinkedHashSet<>();
            for (KnativeApplier.Outcome o : report.outcomes()) {
                if (o.result() != KnativeApplier.Result.FAILED) {
                    applied.add(o.target().service());
                }
            }
            // the kind of an uncertain failure (a patch that gave up on 5xx may have landed) over a certain refusal,
            // so that the pending decision is forgotten only when every failure was refused for certain
            WriteFailure.Kind kind = failures.stream().map(KnativeApplier.Outcome::failure)
                    .filter(k -> k != WriteFailure.Kind.FORBIDDEN && k != WriteFailure.Kind.NOT_FOUND).findFirst()
                    .orElse(failures.get(0).failure());
            throw new WriteFailure(kind, "knative: " + report.summary() + written, null, applied);
        }
        return "knative: " + report.summary() + written;
    }

    /**
     * Dry run in mode knative: logs, per Knative Service, the values a decision would set (CPU limit, concurrency
     * target, min-scale and initial-scale, or with {@code leavePods} ({@code apply.minScale: none}) that they are
     * removed) and writes nothing.
     */
    public static ActionSink dryRun(String namespace, List<AgentConfig.Service> services, boolean leavePods) {
        List<AgentConfig.Service> configured = List.copyOf(services);
        return new ActionSink() {
            @Override
            public String write(Map<String, String> spec) {
                List<String> lines = new ArrayList<>();
                for (KnativeApplier.Target t : targets(configured, spec)) {
                    lines.add("Knative Service " + namespace + "/" + t.knativeService() + ": cpu " + t.cpu()
                            + ", target " + t.concurrency() + ", " + scales(t, leavePods));
                }
                LOG.info("dry run: would set {}", String.join("; ", lines));
                return "dry run, not applied: " + lines.size() + " Knative Services";
            }

            @Override
            public Map<String, String> current() {
                return null;
            }
        };
    }

    /** What a dry run says of {@code t}'s min- and initial-scale. */
    private static String scales(KnativeApplier.Target t, boolean leavePods) {
        if (leavePods) {
            return "min-scale and initial-scale removed (pods left to Knative)";
        }
        String initial = KnativeApplier.initialScale(t);
        return java.util.Objects.equals(t.pods(), initial) ? "min-scale and initial-scale " + t.pods()
                : "min-scale " + t.pods() + ", initial-scale " + initial;
    }

    /**
     * Whether the Services hold {@code decided}: with the pods left to Knative ({@code apply.minScale: none}), the
     * podcount of a decision is not written, so only its CPU limits and concurrency targets are compared.
     */
    @Override
    public boolean holds(Map<String, String> decided, Map<String, String> live) {
        if (!applier.leavesPods()) {
            return ActionSink.super.holds(decided, live);
        }
        return live != null && withoutPodcount(decided).equals(withoutPodcount(live));
    }

    private static Map<String, String> withoutPodcount(Map<String, String> spec) {
        Map<String, String> out = new LinkedHashMap<>(spec);
        out.keySet().removeIf(k -> k.endsWith("_podcount"));
        return out;
    }

    /** The spec the Services hold now (only the services that could be read). */
    @Override
    public Map<String, String> current() {
        Map<String, String> out = new LinkedHashMap<>();
        applier.current(targets(services, Map.of())).forEach((name, t) -> {
            if (t != null) {
                out.put("service" + name + "_resource", t.cpu());
                out.put("service" + name + "_concurrency", t.concurrency());
                out.put("service" + name + "_podcount", t.pods());
            }
        });
        return out;
    }
}
