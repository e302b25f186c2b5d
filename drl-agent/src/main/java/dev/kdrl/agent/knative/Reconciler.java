package dev.kdrl.agent.knative;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kdrl.agent.config.AgentConfig;
import dev.kdrl.agent.k8s.ApiErrors;
import dev.kdrl.agent.k8s.ApiFailure;
import dev.kdrl.agent.k8s.ScaleActionSpec;
import dev.kdrl.agent.k8s.ScaleActionWriter;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code apply.mode: reconciler}, a drop-in replacement of the published Go operator: watches the
 * {@code DRLScaleAction} resources of one namespace and applies each new generation of one to the Knative Services
 * ({@link KnativeApplier}: only changed Services are patched, nothing else on them is lost), the spec's service
 * names mapped to Knative Services by the configuration's {@code services[]}. It then replaces the resource's
 * {@code status} (through the status subresource) with
 * <pre>
 * status:
 *   observedGeneration: 3                 # the metadata.generation applied
 *   appliedAt: "2026-12-05T21:00:00Z"
 *   services:
 *     house: {result: patched, message: "patched (cpu 3500m, target 20, scale 4)"}
 *     senti: {result: unchanged, message: ...}
 *     numbr: {result: failed, message: "Knative Service default/numbr not found (404): ..."}
 *     extra: {result: invalid, message: "spec.serviceextra_podcount: service 'extra' is not in the configuration"}
 * </pre>
 * Results: {@code patched}, {@code unchanged}, {@code skipped} (no fields for a configured service), {@code failed}
 * (the API server's answer: missing Service, 403, ...; retried at every resync, every 60 s) and {@code invalid} (the
 * spec's own values, or a pod count above the service's {@code maxPods}: not retried before the spec changes). A generation already applied without {@code failed}
 * services is not applied again, so a restart writes nothing.
 */
public final class Reconciler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The result of a service whose fields in the spec are wrong: not retried until the spec changes. */
    public static final String INVALID = "invalid";
    private static final Pattern FIELD = Pattern.compile("service(.+)_(resource|concurrency|podcount)");

    private final KubernetesClient client;
    private final String namespace;
    private final List<AgentConfig.Service> services;
    private final KnativeApplier applier;
    private final Duration resync;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "drl-reconciler");
        t.setDaemon(true);
        return t;
    });
    private SharedIndexInformer<GenericKubernetesResource> informer;

    /**
     * @param services the configured services: spec name → Knative Service
     * @param resync   how often every resource is looked at again (a failed service is retried then)
     */
    /** Told (service, result) of every service a reconciliation leaves failed or invalid: a metric. */
    private java.util.function.BiConsumer<String, String> failures = (service, result) -> { };

    public Reconciler(KubernetesClient client, String namespace, List<AgentConfig.Service> services,
                      KnativeApplier applier, Duration resync) {
        this.client = client;
        this.namespace = namespace;
        this.services = List.copyOf(services);
        this.applier = applier;
        this.resync = resync;
    }

    /** Tells {@code sink} (service, result) of every service a reconciliation leaves failed or invalid. */
    public Reconciler onFailure(java.util.function.BiConsumer<String, String> sink) {
        this.failures = java.util.Objects.requireNonNull(sink, "sink");
        return this;
    }

    /** Starts watching (list, then watch) in the background; returns once the first list is in. */
    public void start() {
        // one list first: without the CRD or the rights to list, the informer would only log fabric8's stack trace
        try {
            client.genericKubernetesResources(ScaleActionWriter.CONTEXT).inNamespace(namespace)
                    .list(new ListOptionsBuilder().withLimit(1L).build());
        } catch (KubernetesClientException e) {
            String what = ScaleActionSpec.PLURAL + "." + ScaleActionSpec.GROUP + " in namespace " + namespace;
            throw new ApiFailure(e.getCode() == 404 ? ScaleActionSpec.missingIn(namespace)
                    : e.getCode() == 403 ? "the API server refused (403) to list " + what + ": grant get, list, watch "
                    + "on it and patch on its status (deploy/rbac-reconciler.yaml); " + ApiErrors.brief(e)
                    : "cannot list " + what + ": " + ApiErrors.brief(e), e);
        }
        informer = client.genericKubernetesResources(ScaleActionWriter.CONTEXT).inNamespace(namespace)
                .inform(new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(GenericKubernetesResource r) {
                        submit(r.getMetadata().getName());
                    }

                    @Override
                    public void onUpdate(GenericKubernetesResource before, GenericKubernetesResource after) {
                        // a new generation (spec changed), or a resync (the same object again: failed services
                        // are retried); not the status this reconciler wrote
                        boolean resync = java.util.Objects.equals(before.getMetadata().getResourceVersion(),
                                after.getMetadata().getResourceVersion());
                        if (resync || !java.util.Objects.equals(before.getMetadata().getGeneration(),
                                after.getMetadata().getGeneration())) {
                            submit(after.getMetadata().getName());
                        }
                    }

                    @Override
                    public void onDelete(GenericKubernetesResource r, boolean unknownFinalState) {
                        LOG.info("{}/{} deleted: the Services keep their last values", namespace,
                                r.getMetadata().getName());
                    }
                }, resync.toMillis());
        LOG.info("reconciling {} in {} for {}", ScaleActionWriter.CONTEXT.getPlural(), namespace,
                services.stream().map(s -> s.name() + "->" + s.knativeService()).toList());
    }

    private void submit(String name) {
        if (worker.isShutdown()) {
            return;
        }
        worker.submit(() -> {
            try {
                reconcile(name);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.warn("reconciling {}/{} failed: {}", namespace, name, e.toString(), e);
            }
        });
    }

    /**
     * {@code null}, or why {@code t}'s pod count is not applied: it exceeds the service's {@code maxPods}, the cap the
     * configuration sets on what the agent gives a service, or the default {@link AgentConfig#MAX_PODS} when it sets
     * none (as the deciding agent does not write such a decision). A pod count that is not a number is left to the
     * applier, which refuses it.
     */
    static String aboveMaxPods(KnativeApplier.Target t, Integer maxPods) {
        if (t.pods() == null || !t.pods().matches("[0-9]+")) {
            return null;
        }
        long max = AgentConfig.Service.podCap(maxPods);
        String digits = t.pods().replaceFirst("^0+(?=.)", "");
        if (digits.length() <= 18 && Long.parseLong(digits) <= max) {
            return null;
        }
        return "spec.service" + t.service() + "_podcount: " + t.pods() + " pods is above " + (maxPods != null
                ? "the configuration's maxPods of " + t.service() + " (" + maxPods + ")"
                : "the default maxPods (" + AgentConfig.MAX_PODS + "; none is configured for " + t.service() + ")")
                + ": not applied";
    }

    /**
     * Applies the resource's current generation unless it was applied without failures already.
     *
     * @return the status written, or {@code null} when nothing was to do
     */
    public Map<String, Object> reconcile(String name) throws InterruptedException {
        GenericKubernetesResource cr = client.genericKubernetesResources(ScaleActionWriter.CONTEXT)
                .inNamespace(namespace).withName(name).get();
        if (cr == null) {
            return null;
        }
        long generation = cr.getMetadata().getGeneration() == null ? 0 : cr.getMetadata().getGeneration();
        Map<String, Object> status = map(cr.getAdditionalProperties().get("status"));
        boolean retry = status != null && status.get("observedGeneration") instanceof Number n
                && n.longValue() == generation;
        if (retry && !hasFailure(status)) {
            LOG.debug("{}/{} generation {} already applied", namespace, name, generation);
            return null;
        }
        Map<String, Object> spec = map(cr.getAdditionalProperties().get("spec"));
        if (spec == null) {
            spec = Map.of();
        }
        Map<String, Map<String, String>> results = new LinkedHashMap<>();
        Set<String> configured = new HashSet<>();
        List<KnativeApplier.Target> targets = new java.util.ArrayList<>();
        List<KnativeApplier.Target> all = KnativeSink.targets(services, spec);
        for (int i = 0; i < all.size(); i++) {
            KnativeApplier.Target t = all.get(i);
            configured.add(t.service());
            // apply.minScale none: the podcount is not applied, so not checked either
            String aboveMax = applier.leavesPods() ? null : aboveMaxPods(t, services.get(i).maxPods());
            if (t.cpu() == null && t.concurrency() == null && t.pods() == null) {
                results.put(t.service(), result("skipped", "the spec has no service" + t.service() + "_* fields"));
            } else if (aboveMax != null) {
                results.put(t.service(), result(INVALID, aboveMax));
            } else {
                targets.add(t);
            }
        }
        KnativeApplier.Report report = applier.apply(targets);
        for (KnativeApplier.Target t : targets) {
            KnativeApplier.Outcome o = report.of(t.service());
            String message = o.message();
            String label = o.result().label();
            if (o.result() == KnativeApplier.Result.FAILED) {
                message = message.replaceFirst("^failed: ", "");
                // the resource's own fields are what is wrong: named, and not retried before the spec changes
                if (KnativeApplier.invalid(t, !applier.leavesPods()) != null) {
                    message = "spec.service" + t.service() + "_" + message;
                    label = INVALID;
                }
            }
            Map<String, Object> before = retry ? map(map(status.get("services")) == null ? null
                    : map(status.get("services")).get(t.service())) : null;
            if (o.result() == KnativeApplier.Result.UNCHANGED && before != null
                    && KnativeApplier.Result.PATCHED.label().equals(before.get("result"))) {
                // retrying a generation for another service's failure: this one's patch stays reported
                results.put(t.service(), result(String.valueOf(before.get("result")),
                        String.valueOf(before.get("message"))));
            } else {
                results.put(t.service(), result(label, message));
            }
        }
        for (String key : spec.keySet()) {
            Matcher m = FIELD.matcher(key);
            if (m.matches() && !configured.contains(m.group(1)) && !results.containsKey(m.group(1))) {
                results.put(m.group(1), result(INVALID, "spec." + key + ": service '" + m.group(1)
                        + "' is not in the configuration (services[].name: " + configured + ")"));
            }
        }
        Map<String, Object> newStatus = new LinkedHashMap<>();
        newStatus.put("observedGeneration", generation);
        newStatus.put("appliedAt", Instant.now().toString());
        newStatus.put("services", results);
        String patch;
        try {
            patch = JSON.writeValueAsString(List.of(Map.of("op", "add", "path", "/status", "value", newStatus)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        try {
            client.genericKubernetesResources(ScaleActionWriter.CONTEXT).inNamespace(namespace).withName(name)
                    .subresource("status").patch(PatchContext.of(PatchType.JSON), patch);
        } catch (KubernetesClientException e) {
            LOG.warn("{}/{}: applied generation {} but cannot write its status (HTTP {}): {}", namespace, name,
                    generation, e.getCode(), KnativeApplier.brief(e));
        }
        if (results.values().stream().anyMatch(Reconciler::failed)) {
            LOG.warn("{}/{} generation {}: {}", namespace, name, generation, results);
        } else {
            LOG.info("{}/{} generation {}: {}", namespace, name, generation, results);
        }
        results.forEach((service, r) -> {
            if (failed(r)) {
                failures.accept(service, r.get("result"));
            }
        });
        return newStatus;
    }

    /** Whether a service's result in the status is a failure: invalid, or failed. */
    private static boolean failed(Map<String, String> result) {
        return INVALID.equals(result.get("result")) || "failed".equals(result.get("result"));
    }

    private static Map<String, String> result(String result, String message) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("result", result);
        m.put("message", message);
        return m;
    }

    private static boolean hasFailure(Map<String, Object> status) {
        Map<String, Object> s = map(status.get("services"));
        return s != null && s.values().stream().anyMatch(v -> v instanceof Map<?, ?> m
                && "failed".equals(m.get("result")));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
    }

    /** Stops watching; a reconciliation in progress finishes (up to 30 s). */
    @Override
    public void close() {
        if (informer != null) {
            informer.close();
        }
        worker.shutdown();
        try {
            if (!worker.awaitTermination(30, TimeUnit.SECONDS)) {
                worker.shutdownNow();
            }
        } catch (InterruptedException e) {
            worker.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
