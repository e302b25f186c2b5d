package dev.kdrl.agent.k8s;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the {@code DRLScaleAction}: created when absent, else JSON-merge-patched (only the spec fields
 * are sent). A 409 Conflict (e.g. a concurrent create) and 5xx answers are retried with doubling backoff;
 * 403 (RBAC) and 404 (CRD or namespace missing) fail at once with a message saying what to fix.
 */
public final class ScaleActionWriter implements ActionSink {
    private static final Logger LOG = LoggerFactory.getLogger(ScaleActionWriter.class);
    /** The resource type for fabric8's generic client. */
    public static final ResourceDefinitionContext CONTEXT = new ResourceDefinitionContext.Builder()
            .withGroup(ScaleActionSpec.GROUP)
            .withVersion(ScaleActionSpec.VERSION)
            .withKind(ScaleActionSpec.KIND)
            .withPlural(ScaleActionSpec.PLURAL)
            .withNamespaced(true)
            .build();

    private static final ObjectMapper JSON = new ObjectMapper();

    private final KubernetesClient client;
    private final String namespace;
    private final String name;
    private final int retries;
    private final Duration backoff;
    /**
     * The resource's generation after this writer's last write: a patch that leaves it so changed no spec field
     * (the CRD has a status subresource, so an operator's status writes do not move it); null: none known.
     */
    private volatile Long lastGeneration;

    private dev.kdrl.agent.ops.StopSignal stop = dev.kdrl.agent.ops.StopSignal.PROCESS;

    public ScaleActionWriter(KubernetesClient client, String namespace, String name, int retries, Duration backoff) {
        this.client = client;
        this.namespace = namespace;
        this.name = name;
        this.retries = retries;
        this.backoff = backoff;
    }

    /** Gives up the retries when {@code signal} is requested (default: {@link dev.kdrl.agent.ops.StopSignal#PROCESS}). */
    public ScaleActionWriter stoppingOn(dev.kdrl.agent.ops.StopSignal signal) {
        this.stop = signal;
        return this;
    }

    private MixedOperation<GenericKubernetesResource, GenericKubernetesResourceList,
            Resource<GenericKubernetesResource>> resources() {
        return client.genericKubernetesResources(CONTEXT);
    }

    @Override
    public String write(Map<String, String> spec) throws WriteFailure, InterruptedException {
        Duration wait = backoff;
        KubernetesClientException last = null;
        for (int attempt = 0; attempt <= retries; attempt++) {
            if (attempt > 0) {
                if (!stop.requested()) {
                    LOG.warn("writing {}/{} failed ({}); retry {} of {} in {} ms", namespace, name, brief(last),
                            attempt, retries, wait.toMillis());
                }
                if (!stop.beforeRetry(wait)) {
                    // the write may have reached the server: OTHER keeps the pending decision for the next start
                    throw new WriteFailure(WriteFailure.Kind.OTHER, dev.kdrl.agent.ops.StopSignal.noRetry(attempt,
                            brief(last)), last);
                }
                wait = wait.multipliedBy(2);
            }
            try {
                return once(spec);
            } catch (KubernetesClientException e) {
                last = e;
                int code = e.getCode();
                if (code == 401) {
                    throw new WriteFailure(WriteFailure.Kind.OTHER, "the API server refused the credentials (401) "
                            + "writing " + ScaleActionSpec.PLURAL + " " + namespace + "/" + name + ": check the "
                            + "kubeconfig's user or the ServiceAccount token; " + brief(e), e);
                }
                if (code == 403) {
                    throw new WriteFailure(WriteFailure.Kind.FORBIDDEN, "the API server refused (403) to write "
                            + ScaleActionSpec.PLURAL + " " + namespace + "/" + name + ": grant get/create/patch on "
                            + ScaleActionSpec.PLURAL + "." + ScaleActionSpec.GROUP + " in namespace " + namespace
                            + " (deploy/rbac.yaml); " + brief(e), e);
                }
                if (code == 404) {
                    throw new WriteFailure(WriteFailure.Kind.NOT_FOUND, ScaleActionSpec.missingIn(namespace) + "; "
                            + brief(e), e);
                }
                boolean retryable = code == 409 || code >= 500 || ApiErrors.unanswered(e) || code == 429;
                if (!retryable) {
                    throw new WriteFailure(WriteFailure.Kind.OTHER, "HTTP " + code + ": " + brief(e), e);
                }
            }
        }
        WriteFailure.Kind kind = ApiErrors.unanswered(last) ? WriteFailure.Kind.OTHER : WriteFailure.Kind.GAVE_UP;
        throw new WriteFailure(kind, "still failing after " + (retries + 1) + " attempts: " + brief(last), last);
    }

    private String once(Map<String, String> spec) {
        String patch;
        try {
            patch = JSON.writeValueAsString(Map.of("spec", spec));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + spec, e); // strings only: cannot happen
        }
        try {
            GenericKubernetesResource written = resources().inNamespace(namespace).withName(name)
                    .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
            Long generation = generation(written);
            boolean same = generation != null && generation.equals(lastGeneration);
            lastGeneration = generation;
            return (same ? "unchanged " : "patched ") + namespace + "/" + name;
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
            // no such resource yet (or deleted): create it; a 404 there means the CRD or namespace is missing
            return create(spec);
        }
    }

    @Override
    public Map<String, String> current() {
        GenericKubernetesResource cr = resources().inNamespace(namespace).withName(name).get();
        if (cr == null || !(cr.getAdditionalProperties().get("spec") instanceof Map<?, ?> spec)) {
            return null;
        }
        Map<String, String> out = new LinkedHashMap<>();
        spec.forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
        return out;
    }

    private String create(Map<String, String> spec) {
        GenericKubernetesResource cr = new GenericKubernetesResource();
        cr.setApiVersion(ScaleActionSpec.API_VERSION);
        cr.setKind(ScaleActionSpec.KIND);
        cr.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
        cr.setAdditionalProperty("spec", new LinkedHashMap<>(spec));
        lastGeneration = generation(resources().inNamespace(namespace).resource(cr).create());
        return "created " + namespace + "/" + name;
    }

    private static Long generation(GenericKubernetesResource r) {
        return r == null || r.getMetadata() == null ? null : r.getMetadata().getGeneration();
    }

    private static String brief(KubernetesClientException e) {
        return e == null ? "" : ApiErrors.brief(e);
    }
}
