package dev.kdrl.agent.knative;

import dev.kdrl.agent.config.AgentConfig;
import dev.kdrl.agent.loop.HeldSource;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What each Knative Service holds now, read from the API server ({@link HeldSource}): the pods of the Revision its
 * {@code status.latestCreatedRevisionName} names that are neither finished nor being deleted (what its ReplicaSet
 * counts: ready and starting), and the cores the namespace's ResourceQuota {@code limits.cpu} charges for all its
 * pods (label {@code serving.knative.dev/service}), every Revision's: a pod is charged unless its phase is
 * Succeeded or Failed or its {@code deletionTimestamp} plus grace period has passed (Kubernetes' {@code QuotaV1Pod},
 * {@code knative-semantics.md} §3.4), at the larger of its containers' summed {@code limits.cpu} and its largest init
 * container's (plus the sidecars, init containers with {@code restartPolicy: Always}, started before it), plus its
 * {@code overhead}; and how much of a newest-Revision pod's charge lies beyond the CPU limit of the container the agent
 * sets (the Service template's first, found in the pod by name: the queue-proxy's and other sidecars' limits, the pod
 * overhead). A Service that does not
 * exist holds nothing. Needs {@code get} on the Services and {@code list} on pods in the namespace.
 */
public final class KnativeHeld implements HeldSource {
    private final KubernetesClient client;
    private final String namespace;
    private final List<AgentConfig.Service> services;
    private final Clock clock;

    /** @param services the configured services in model order */
    public KnativeHeld(KubernetesClient client, String namespace, List<AgentConfig.Service> services, Clock clock) {
        this.client = client;
        this.namespace = namespace;
        this.services = List.copyOf(services);
        this.clock = clock;
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalStateException naming the namespace, the request and why, in one line (for a 403: what to grant)
     */
    @Override
    public Held read() {
        try {
            return readAll();
        } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
            String why = e.getCode() == 403 ? "forbidden (403): grant get on the Services and list on pods in "
                    + namespace + " (deploy/rbac-knative.yaml, both Roles)" : e.getCode() == 401
                    ? "unauthorized (401): the API server refused the credentials"
                    : dev.kdrl.agent.k8s.ApiErrors.unanswered(e) ? dev.kdrl.agent.k8s.ApiErrors.transport(e)
                    : "HTTP " + e.getCode() + ": " + dev.kdrl.agent.k8s.ApiErrors.brief(e);
            throw new IllegalStateException("reading the Knative Services and pods of namespace " + namespace
                    + " failed: " + why, e);
        }
    }

    private Held readAll() {
        int n = services.size();
        int[] pods = new int[n];
        double[] cores = new double[n];
        double[] overhead = new double[n];
        java.util.Arrays.fill(overhead, Double.NaN);
        Instant now = clock.instant();
        for (int i = 0; i < n; i++) {
            String name = services.get(i).knativeService();
            GenericKubernetesResource svc = client.genericKubernetesResources(KnativeApplier.SERVICES)
                    .inNamespace(namespace).withName(name).get();
            String latest = svc == null ? null : latestCreated(svc);
            String user = svc == null ? DEFAULT_USER_CONTAINER : userContainer(svc);
            BigDecimal charged = BigDecimal.ZERO;
            for (Pod p : client.pods().inNamespace(namespace).withLabel(KnativeApplier.SERVICE_LABEL, name).list()
                    .getItems()) {
                if (!charged(p, now)) {
                    continue;
                }
                BigDecimal limits = limitsCpu(p);
                charged = charged.add(limits);
                if (counted(p, latest)) {
                    pods[i]++;
                    double beyond = limits.subtract(userContainerCpu(p, user)).doubleValue();
                    overhead[i] = Double.isNaN(overhead[i]) ? beyond : Math.max(overhead[i], beyond);
                }
            }
            cores[i] = charged.doubleValue();
        }
        return new Held(pods, cores, overhead);
    }

    /** The name Knative gives a Service's only container when its template names none. */
    static final String DEFAULT_USER_CONTAINER = "user-container";

    /** The name of the container the agent sets: the Service template's first, by its name or Knative's default. */
    @SuppressWarnings("unchecked")
    static String userContainer(GenericKubernetesResource svc) {
        Object spec = svc.getAdditionalProperties().get("spec");
        Object template = spec instanceof Map<?, ?> m ? m.get("template") : null;
        Object podSpec = template instanceof Map<?, ?> m ? m.get("spec") : null;
        Object containers = podSpec instanceof Map<?, ?> m ? m.get("containers") : null;
        Object first = containers instanceof List<?> l && !l.isEmpty() ? l.get(0) : null;
        Object name = first instanceof Map<?, ?> m ? m.get("name") : null;
        return name == null || String.valueOf(name).isBlank() ? DEFAULT_USER_CONTAINER : String.valueOf(name);
    }

    /**
     * The CPU limit of {@code p}'s container named {@code user} (the one the agent sets; a mesh may inject its proxy
     * before it), else of its first container, in cores; 0 without one.
     */
    static BigDecimal userContainerCpu(Pod p, String user) {
        List<Container> containers = p.getSpec() == null ? List.of() : or(p.getSpec().getContainers());
        for (Container c : containers) {
            if (user.equals(c.getName())) {
                return cpu(c);
            }
        }
        return containers.isEmpty() ? BigDecimal.ZERO : cpu(containers.get(0));
    }

    private static String latestCreated(GenericKubernetesResource svc) {
        Object status = svc.getAdditionalProperties().get("status");
        Object name = status instanceof Map<?, ?> m ? m.get("latestCreatedRevisionName") : null;
        return name == null ? null : String.valueOf(name);
    }

    /** Whether a charged pod {@code p} counts among the pods of Revision {@code latest}: not being deleted. */
    static boolean counted(Pod p, String latest) {
        Map<String, String> labels = p.getMetadata().getLabels();
        return p.getMetadata().getDeletionTimestamp() == null && latest != null && labels != null
                && latest.equals(labels.get(KnativeApplier.REVISION_LABEL));
    }

    /** Whether the quota charges {@code p} at {@code now}. */
    static boolean charged(Pod p, Instant now) {
        String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
        if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
            return false;
        }
        String deletion = p.getMetadata().getDeletionTimestamp();
        Long grace = p.getMetadata().getDeletionGracePeriodSeconds();
        return deletion == null || grace == null || !now.isAfter(Instant.parse(deletion).plusSeconds(grace));
    }

    /** The {@code limits.cpu} the quota charges for {@code p}, in cores. */
    static BigDecimal limitsCpu(Pod p) {
        if (p.getSpec() == null) {
            return BigDecimal.ZERO;
        }
        BigDecimal sum = BigDecimal.ZERO;
        for (Container c : or(p.getSpec().getContainers())) {
            sum = sum.add(cpu(c));
        }
        // an init container with restartPolicy Always is a sidecar: it runs beside the containers, so it adds to
        // them, and to every init container started after it
        BigDecimal sidecars = BigDecimal.ZERO;
        BigDecimal init = BigDecimal.ZERO;
        for (Container c : or(p.getSpec().getInitContainers())) {
            if ("Always".equals(c.getRestartPolicy())) {
                sidecars = sidecars.add(cpu(c));
            } else {
                init = init.max(cpu(c).add(sidecars));
            }
        }
        sum = sum.add(sidecars).max(init);
        Map<String, Quantity> overhead = p.getSpec().getOverhead();
        if (overhead != null && overhead.get("cpu") != null) {
            sum = sum.add(Quantity.getAmountInBytes(overhead.get("cpu")));
        }
        return sum;
    }

    private static BigDecimal cpu(Container c) {
        Quantity q = c.getResources() == null || c.getResources().getLimits() == null ? null
                : c.getResources().getLimits().get("cpu");
        return q == null ? BigDecimal.ZERO : Quantity.getAmountInBytes(q);
    }

    private static List<Container> or(List<Container> list) {
        return list == null ? List.of() : list;
    }
}
