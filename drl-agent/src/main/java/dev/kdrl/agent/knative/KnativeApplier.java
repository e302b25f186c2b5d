package dev.kdrl.agent.knative;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kdrl.agent.config.AgentConfig;
import dev.kdrl.agent.k8s.ApiErrors;
import dev.kdrl.agent.k8s.WriteFailure;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies per-service decisions (CPU limit per pod, concurrency target, pod count) to Knative Services, as the
 * published Go operator did but without its flaws ({@code shared/reference/knative/PROVENANCE.md}):
 * <ul>
 *   <li>each Service is read, and only a Service whose target annotation, first container's
 *       {@code resources.limits.cpu}, {@code min-scale} or {@code initial-scale} differs is written;</li>
 *   <li>the write is a JSON patch (RFC 6902) that first {@code test}s {@code metadata.resourceVersion}, then adds or
 *       replaces only those four values (creating a missing {@code annotations}, {@code resources} or
 *       {@code limits} object), and lowers {@code resources.requests.cpu} to the new limit when it is above it (a
 *       pod whose request exceeds its limit is invalid): every other field, including the rest of the atomic
 *       {@code containers} list, is
 *       kept by the server. A Service changed between the read and the patch fails the test (the API server answers
 *       422) or, like any optimistic-lock failure, 409: it is read again and the patch rebuilt, up to
 *       {@code retries} times;</li>
 *   <li>Services whose CPU (limit x pods) falls are written before those whose CPU rises, and the roll-out's peak
 *       (a changed Service's new pods counted while its old ones still run) is checked against the namespace's
 *       ResourceQuota {@code limits.cpu}: a decision that cannot fit is logged and counted, then applied anyway
 *       (Knative starts the pods as quota frees);</li>
 *   <li>optionally, once {@code status.latestReadyRevisionName} names a newer Revision than before the patch, the
 *       Revision named before is deleted (only if it carries the label {@code serving.knative.dev/service} of that
 *       Service: no name is guessed), and with a pod grace period its pods too;</li>
 *   <li>a failure of one Service (missing, forbidden, ...) is reported on one line and the others are still
 *       applied.</li>
 * </ul>
 */
public final class KnativeApplier {
    private static final Logger LOG = LoggerFactory.getLogger(KnativeApplier.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Knative Services ({@code serving.knative.dev/v1}). */
    public static final ResourceDefinitionContext SERVICES = new ResourceDefinitionContext.Builder()
            .withGroup("serving.knative.dev").withVersion("v1").withKind("Service").withPlural("services")
            .withNamespaced(true).build();
    /** Knative Revisions. */
    public static final ResourceDefinitionContext REVISIONS = new ResourceDefinitionContext.Builder()
            .withGroup("serving.knative.dev").withVersion("v1").withKind("Revision").withPlural("revisions")
            .withNamespaced(true).build();
    /** The concurrency target annotation. */
    public static final String TARGET = "autoscaling.knative.dev/target";
    /** The minimum scale annotation (the decision's pod count). */
    public static final String MIN_SCALE = "autoscaling.knative.dev/min-scale";
    /** The initial scale annotation (the decision's pod count). */
    public static final String INITIAL_SCALE = "autoscaling.knative.dev/initial-scale";
    /**
     * The scale annotations {@code apply.minScale: none} removes: min- and initial-scale, each in its current and
     * its older spelling (Knative still reads both).
     */
    static final List<String> POD_SCALE_KEYS = List.of(MIN_SCALE, "autoscaling.knative.dev/minScale", INITIAL_SCALE,
            "autoscaling.knative.dev/initialScale");
    /** The label Knative sets on a Revision: its Service's name. */
    public static final String SERVICE_LABEL = "serving.knative.dev/service";
    /** The label Knative sets on a Revision's pods: the Revision's name. */
    public static final String REVISION_LABEL = "serving.knative.dev/revision";
    /** Poll interval while waiting for a new Revision to become ready. */
    static final Duration POLL = Duration.ofMillis(200);

    /**
     * One Service's wanted values.
     *
     * @param service        the name in the configuration and the DRLScaleAction ({@code house})
     * @param knativeService the Knative Service's name
     * @param cpu            CPU limit per pod, a quantity ({@code 3500m})
     * @param concurrency    the concurrency target ({@code 20})
     * @param pods           min- and initial-scale ({@code 4})
     */
    public record Target(String service, String knativeService, String cpu, String concurrency, String pods) {
    }

    /** What happened to one Service. */
    public enum Result {
        /** Patched (its new values differed). */
        PATCHED("patched"),
        /** Already had the values: not written. */
        UNCHANGED("unchanged"),
        /** Not applied: see the message. */
        FAILED("failed");

        private final String label;

        Result(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /**
     * One Service's outcome.
     *
     * @param failure why it failed ({@code null} unless {@link Result#FAILED})
     * @param message one line
     */
    public record Outcome(Target target, Result result, WriteFailure.Kind failure, String message) {
        @Override
        public String toString() {
            return target.service() + " " + message;
        }
    }

    /**
     * A whole decision's outcome.
     *
     * @param outcomes      per Service, in the order they were applied (failed reads first)
     * @param peakOverQuota whether the roll-out's peak exceeds the quota's {@code limits.cpu}
     */
    public record Report(List<Outcome> outcomes, boolean peakOverQuota) {
        /** One line: {@code house patched (...); senti unchanged; ...}. */
        public String summary() {
            return String.join("; ", outcomes.stream().map(Outcome::toString).toList());
        }

        /** The failed outcomes. */
        public List<Outcome> failures() {
            return outcomes.stream().filter(o -> o.result() == Result.FAILED).toList();
        }

        /** The outcome of the service of that configuration name. */
        public Outcome of(String service) {
            return outcomes.stream().filter(o -> o.target().service().equals(service)).findFirst().orElse(null);
        }
    }

    /** Receives counted events: a decision whose roll-out cannot fit the quota. */
    public interface Events {
        /** A decision's roll-out peak exceeds the quota. */
        void quotaPeakOver();

        /** A Service was patched. */
        void patched(String service);

        /** A previous Revision was deleted. */
        void revisionDeleted(String service);

        /** No events recorded. */
        Events NONE = new Events() {
            @Override
            public void quotaPeakOver() {
            }

            @Override
            public void patched(String service) {
            }

            @Override
            public void revisionDeleted(String service) {
            }
        };
    }

    private final KubernetesClient client;
    private final String namespace;
    private final int retries;
    private final Duration backoff;
    private final AgentConfig.Revisions revisions;
    private final Events events;
    /** Previous Revisions not deleted yet (the new one was not ready in time): Service name → pending deletion. */
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    /** The quota the decisions are planned for (agent.yaml's), to name a ResourceQuota that disagrees; NaN: unknown. */
    private volatile double plannedQuota = Double.NaN;
    /** What was said once: no ResourceQuota to check against, a ResourceQuota below the planned quota. */
    private final java.util.Set<String> saidOnce = ConcurrentHashMap.newKeySet();
    /** {@code apply.minScale: none}: no pod count written, min- and initial-scale removed ({@link #leavingPods}). */
    private volatile boolean leavePods;
    /** Called with the Knative Service's name between its read and its patch (tests provoke conflicts there). */
    private volatile Consumer<String> beforePatch = name -> {
    };

    private record Pending(String service, String knativeService, String oldRevision, long generation) {
    }

    /** One Service as read. */
    private record Live(GenericKubernetesResource svc, String resourceVersion, Map<String, Object> template,
                        Map<String, Object> annotations, Map<String, Object> container, String target,
                        String minScale, String initialScale, String cpu, String readyRevision) {
    }

    /**
     * @param retries   extra attempts after a conflict, 429 or 5xx
     * @param backoff   wait before the first retry, doubled after each
     * @param revisions what happens to the previous Revision of a changed Service
     */
    public KnativeApplier(KubernetesClient client, String namespace, int retries, Duration backoff,
                          AgentConfig.Revisions revisions, Events events) {
        this.client = client;
        this.namespace = namespace;
        this.retries = retries;
        this.backoff = backoff;
        this.revisions = revisions;
        this.events = events;
    }

    private dev.kdrl.agent.ops.StopSignal stop = dev.kdrl.agent.ops.StopSignal.PROCESS;

    /**
     * With {@code true} ({@code apply.minScale: none}), the pods are left to Knative's autoscaler: a target's pod count
     * is neither checked nor written, and each changed Service's {@code min-scale} and {@code initial-scale} are
     * removed (Knative's defaults: no floor, one pod to start a new Revision), so the KPA alone sizes the pods for the
     * configuration's concurrency target. A Service is unchanged when its CPU limit and target match and it has
     * neither annotation. The roll-out's quota check counts a changed Service's new Revision at its first pod.
     * Default {@code false}: both are the target's pod count. Returns this applier.
     */
    public KnativeApplier leavingPods(boolean leave) {
        this.leavePods = leave;
        return this;
    }

    /** Whether the pods are left to Knative's autoscaler ({@link #leavingPods}). */
    public boolean leavesPods() {
        return leavePods;
    }

    /**
     * Gives up the patches' retries and the wait for a new Revision when {@code signal} is requested (default:
     * {@link dev.kdrl.agent.ops.StopSignal#PROCESS}).
     */
    public KnativeApplier stoppingOn(dev.kdrl.agent.ops.StopSignal signal) {
        this.stop = signal;
        return this;
    }

    /**
     * For tests: runs {@code hook} with the Knative Service's name between reading it and patching it (a write
     * there makes the patch's resourceVersion test fail, as a concurrent writer would).
     */
    public void beforePatch(Consumer<String> hook) {
        this.beforePatch = hook;
    }

    private MixedOperation<GenericKubernetesResource, GenericKubernetesResourceList,
            Resource<GenericKubernetesResource>> services() {
        return client.genericKubernetesResources(SERVICES);
    }

    /** The values each Service holds now, by configuration name ({@code null} for a Service that cannot be read). */
    public Map<String, Target> current(List<Target> services) {
        Map<String, Target> out = new LinkedHashMap<>();
        for (Target t : services) {
            GenericKubernetesResource svc = services().inNamespace(namespace).withName(t.knativeService()).get();
            if (svc == null) {
                out.put(t.service(), null);
                continue;
            }
            Live l = live(svc);
            out.put(t.service(), new Target(t.service(), t.knativeService(), l.cpu(), l.target(), l.minScale()));
        }
        return out;
    }

    /**
     * Applies {@code targets}: reads every Service, orders the changed ones (falling CPU first), checks the
     * roll-out against the quota, patches each, and (when configured) deletes each previous Revision once the new
     * one is ready.
     */
    public Report apply(List<Target> targets) throws InterruptedException {
        settlePending();
        List<Outcome> outcomes = new ArrayList<>();
        List<Change> changes = new ArrayList<>();
        for (Target t : targets) {
            String bad = invalid(t, !leavePods);
            if (bad != null) {
                outcomes.add(failed(t, WriteFailure.Kind.OTHER, bad));
                continue;
            }
            try {
                Live l = read(t);
                Outcome settled = settledWithoutPatch(t, l, "");
                if (settled != null) {
                    outcomes.add(settled);
                } else {
                    changes.add(leavePods ? new Change(t, l, cores(l.cpu(), "1"), cores(t.cpu(), "1"))
                            : new Change(t, l, cores(l.cpu(), l.minScale()), cores(t.cpu(), initialScale(t))));
                }
            } catch (KubernetesClientException e) {
                outcomes.add(failure(t, "read", e));
            }
        }
        // services whose CPU falls first, so their roll-out frees quota before the others need it
        changes.sort(Comparator.comparingInt(c -> c.after().compareTo(c.before())));
        boolean over = checkQuota(changes);
        long deadline = System.nanoTime() + revisions.readyTimeout().toNanos();
        for (List<Change> phase : phases(changes)) {
            List<Patched> done = new ArrayList<>();
            for (Change c : phase) {
                done.add(patch(c.target(), c.live()));
            }
            outcomes.addAll(revisions.deletePrevious() ? awaitRevisions(done, deadline)
                    : done.stream().map(Patched::outcome).toList());
        }
        return new Report(List.copyOf(outcomes), over);
    }

    /**
     * The changes in the groups patched together: with {@code deletePrevious}, the Services whose CPU falls, then
     * the others once the first group's previous Revisions are deleted (so that the rises find the quota the falls
     * free; needed only when there are both); else all at once.
     */
    private List<List<Change>> phases(List<Change> sorted) {
        List<Change> falls = sorted.stream().filter(c -> c.after().compareTo(c.before()) < 0).toList();
        if (!revisions.deletePrevious() || falls.isEmpty() || falls.size() == sorted.size()) {
            return sorted.isEmpty() ? List.of() : List.of(sorted);
        }
        return List.of(falls, sorted.subList(falls.size(), sorted.size()));
    }

    /** A patch's outcome, and what deleting the previous Revision needs: its name and the patched generation. */
    private record Patched(Outcome outcome, String previousRevision, long generation) {
    }

    private record Change(Target target, Live live, BigDecimal before, BigDecimal after) {
    }

    /**
     * What a read of the Service settles without a patch (missing, no container, already holding the values, or
     * values Knative would refuse), or {@code null} when it needs one; {@code unchangedNote} ends the unchanged
     * message.
     */
    private Outcome settledWithoutPatch(Target t, Live l, String unchangedNote) {
        if (l == null) {
            return missing(t);
        }
        if (l.container() == null) {
            return noContainer(t);
        }
        if (same(l, t)) {
            return unchanged(t, unchangedNote);
        }
        String refusal = leavePods ? null : scaleRefusal(namespace, l, t);
        return refusal == null ? null : failed(t, WriteFailure.Kind.OTHER, refusal);
    }

    /** The Service already holds the target's values; {@code note} ends the message. */
    private Outcome unchanged(Target t, String note) {
        return new Outcome(t, Result.UNCHANGED, null, "unchanged (" + values(t) + note + ")");
    }

    /** {@code null}, or why the target's values cannot be written. */
    static String invalid(Target t) {
        return invalid(t, true);
    }

    /** {@code null}, or why the target's values cannot be written; {@code pods}: its pod count is written. */
    static String invalid(Target t, boolean pods) {
        if (parseQuantity(t.cpu()) == null) {
            return "resource " + quote(t.cpu()) + " is not a CPU quantity (expected e.g. 3500m or 3.5)";
        }
        if (t.concurrency() == null || !t.concurrency().matches("[0-9]+(\\.[0-9]+)?")) {
            return "concurrency " + quote(t.concurrency()) + " is not a number (expected e.g. 20)";
        }
        if (pods && (t.pods() == null || !t.pods().matches("[0-9]{1,9}"))) {
            return "podcount " + quote(t.pods()) + " is not a whole number of pods (expected e.g. 4)";
        }
        return null;
    }

    private static String quote(String s) {
        return s == null ? "missing" : "'" + s + "'";
    }

    private Live read(Target t) {
        GenericKubernetesResource svc = services().inNamespace(namespace).withName(t.knativeService()).get();
        return svc == null ? null : live(svc);
    }

    @SuppressWarnings("unchecked")
    private static Live live(GenericKubernetesResource svc) {
        Map<String, Object> spec = map(svc.getAdditionalProperties().get("spec"));
        Map<String, Object> template = spec == null ? null : map(spec.get("template"));
        Map<String, Object> meta = template == null ? null : map(template.get("metadata"));
        Map<String, Object> annotations = meta == null ? null : map(meta.get("annotations"));
        Map<String, Object> podSpec = template == null ? null : map(template.get("spec"));
        Map<String, Object> container = null;
        if (podSpec != null && podSpec.get("containers") instanceof List<?> list && !list.isEmpty()) {
            container = map(list.get(0));
        }
        Map<String, Object> resources = container == null ? null : map(container.get("resources"));
        Map<String, Object> limits = resources == null ? null : map(resources.get("limits"));
        Map<String, Object> status = map(svc.getAdditionalProperties().get("status"));
        return new Live(svc, svc.getMetadata().getResourceVersion(), template, annotations, container,
                str(annotations, TARGET), str(annotations, MIN_SCALE), str(annotations, INITIAL_SCALE),
                str(limits, "cpu"), str(status, "latestReadyRevisionName"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
    }

    private static String str(Map<String, Object> m, String key) {
        Object v = m == null ? null : m.get(key);
        return v == null ? null : String.valueOf(v);
    }

    /** Knative's {@code max-scale} annotation, then its older spelling (the order Knative reads them in). */
    static final List<String> MAX_SCALE_KEYS = List.of("autoscaling.knative.dev/max-scale",
            "autoscaling.knative.dev/maxScale");
    /** Knative's {@code activation-scale} annotation. */
    static final String ACTIVATION_SCALE = "autoscaling.knative.dev/activation-scale";

    /**
     * {@code null}, or why Knative's admission webhook would refuse the Service with the target's pod count as
     * {@code min-scale}: a {@code max-scale} (not 0, which means unlimited) or an {@code activation-scale} below it
     * (knative/serving {@code pkg/apis/autoscaling/annotation_validation.go}, {@code validateMinMaxScale}). Said
     * before writing, with what to change, instead of the webhook's denial.
     */
    static String scaleRefusal(String namespace, Live l, Target t) {
        long pods = Long.parseLong(t.pods());
        String service = "Knative Service " + namespace + "/" + t.knativeService();
        for (String key : MAX_SCALE_KEYS) {
            String v = str(l.annotations(), key);
            if (v == null) {
                continue;
            }
            if (v.trim().matches("[0-9]{1,9}")) {
                long max = Long.parseLong(v.trim());
                if (max != 0 && max < pods) {
                    return service + " has " + key + " " + max + ", below the decision's " + pods + " pods (min-scale)"
                            + ", which Knative refuses: raise or remove its " + key;
                }
            }
            break; // Knative reads the first spelling present only
        }
        String activation = str(l.annotations(), ACTIVATION_SCALE);
        if (activation != null && activation.trim().matches("[0-9]{1,9}") && Long.parseLong(activation.trim()) < pods) {
            return service + " has " + ACTIVATION_SCALE + " " + activation.trim() + ", below the decision's " + pods
                    + " pods (min-scale), which Knative refuses: raise or remove its " + ACTIVATION_SCALE;
        }
        return null;
    }

    private boolean same(Live l, Target t) {
        boolean scale = leavePods ? podScaleKeys(l).isEmpty()
                : Objects.equals(l.minScale(), t.pods()) && Objects.equals(l.initialScale(), initialScale(t));
        return Objects.equals(l.target(), t.concurrency()) && scale && sameQuantity(l.cpu(), t.cpu());
    }

    /** The {@link #POD_SCALE_KEYS} the Service's template carries. */
    private static List<String> podScaleKeys(Live l) {
        return l.annotations() == null ? List.of()
                : POD_SCALE_KEYS.stream().filter(l.annotations()::containsKey).toList();
    }

    /**
     * The initial-scale a target writes: its pod count, at least 1 (Knative's webhook refuses an initial-scale of 0
     * unless the cluster sets {@code allow-zero-initial-scale}; a min-scale of 0 lets the Revision scale to zero
     * after its first pod, as the cluster-faithful simulator starts it).
     */
    static String initialScale(Target t) {
        return t.pods() != null && t.pods().matches("0+") ? "1" : t.pods();
    }

    private static boolean sameQuantity(String a, String b) {
        BigDecimal x = parseQuantity(a);
        BigDecimal y = parseQuantity(b);
        return x != null && y != null && x.compareTo(y) == 0;
    }

    static BigDecimal parseQuantity(String q) {
        if (q == null || q.isBlank()) {
            return null;
        }
        try {
            return Quantity.getAmountInBytes(new Quantity(q));
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Limit per pod x pods, in cores; unknown values count as 0 (limit) and 1 (pods, Knative's initial scale). */
    private static BigDecimal cores(String cpu, String pods) {
        BigDecimal limit = parseQuantity(cpu);
        if (limit == null) {
            return BigDecimal.ZERO;
        }
        long n = 1;
        if (pods != null && pods.matches("[0-9]{1,9}")) {
            n = Long.parseLong(pods);
        }
        return limit.multiply(BigDecimal.valueOf(n));
    }

    private String values(Target t) {
        return "cpu " + t.cpu() + ", target " + t.concurrency() + (leavePods ? ", scale left to Knative"
                : ", scale " + t.pods());
    }

    /**
     * The quota (cores) the decisions are planned for: a ResourceQuota whose hard {@code limits.cpu} is below it is
     * named once (the decisions would keep asking for more than the namespace allows); NaN, the default: not known
     * (the reconciler applies others' decisions), nothing named. Returns this applier.
     */
    public KnativeApplier plannedFor(double quota) {
        this.plannedQuota = quota;
        return this;
    }

    /**
     * Checks the roll-out of {@code changes}, in order, against the tightest ResourceQuota with a {@code limits.cpu}:
     * while a Service rolls out its new pods count before its old ones go.
     *
     * @return whether the peak exceeds the quota (logged and counted)
     */
    private boolean checkQuota(List<Change> changes) {
        if (changes.isEmpty()) {
            return false;
        }
        List<ResourceQuota> quotas;
        try {
            quotas = client.resourceQuotas().inNamespace(namespace).list().getItems();
        } catch (KubernetesClientException e) {
            LOG.warn("cannot read the ResourceQuotas of namespace {} ({}): roll-out not checked against the quota",
                    namespace, brief(e));
            return false;
        }
        boolean over = false;
        boolean any = false;
        for (ResourceQuota q : quotas) {
            Quantity hardQ = q.getSpec() == null || q.getSpec().getHard() == null ? null
                    : q.getSpec().getHard().get("limits.cpu");
            if (hardQ == null) {
                continue;
            }
            any = true;
            BigDecimal hard = Quantity.getAmountInBytes(hardQ);
            if (hard.doubleValue() < plannedQuota && saidOnce.add("below " + q.getMetadata().getName() + " " + hard)) {
                LOG.warn("ResourceQuota {}/{} allows limits.cpu {} cores, but the decisions are planned for a quota of "
                        + "{} cores (agent.yaml quota): set quota: {} there, or raise the ResourceQuota", namespace,
                        q.getMetadata().getName(), plain(hard), plain(BigDecimal.valueOf(plannedQuota)), plain(hard));
            }
            Quantity usedQ = q.getStatus() == null || q.getStatus().getUsed() == null ? null
                    : q.getStatus().getUsed().get("limits.cpu");
            BigDecimal used;
            String basis;
            if (usedQ != null) {
                used = Quantity.getAmountInBytes(usedQ);
                basis = "used " + plain(used);
            } else {
                used = changes.stream().map(Change::before).reduce(BigDecimal.ZERO, BigDecimal::add);
                basis = "used unknown (no status.used), taken as the changed services' " + plain(used);
            }
            BigDecimal running = used;
            BigDecimal peak = used;
            String peakAt = null;
            for (Change c : changes) {
                BigDecimal during = running.add(c.after());
                if (during.compareTo(peak) > 0) {
                    peak = during;
                    peakAt = c.target().service();
                }
                running = during.subtract(c.before());
            }
            if (peak.compareTo(hard) > 0) {
                over = true;
                LOG.warn("the roll-out cannot fit ResourceQuota {}/{}: limits.cpu peaks at {} cores (while {} rolls "
                        + "out) above hard {} ({}); applying anyway, Knative starts the new pods as the old ones go",
                        namespace, q.getMetadata().getName(), plain(peak), peakAt, plain(hard), basis);
            } else {
                LOG.debug("roll-out fits ResourceQuota {}/{}: peak {} <= {} ({})", namespace,
                        q.getMetadata().getName(), plain(peak), plain(hard), basis);
            }
        }
        if (!any && saidOnce.add("none")) {
            LOG.info("namespace {} has no ResourceQuota with a limits.cpu: roll-outs are not checked against a quota",
                    namespace);
        }
        if (over) {
            events.quotaPeakOver();
        }
        return over;
    }

    private static String plain(BigDecimal d) {
        return d.stripTrailingZeros().toPlainString();
    }

    /**
     * Patches one Service, rebuilding the patch after a conflict; returns what deleting its previous Revision needs
     * ({@link #awaitRevisions} waits for the new one).
     */
    private Patched patch(Target t, Live first) throws InterruptedException {
        Live l = first;
        Duration wait = backoff;
        String previousRevision = first.readyRevision();
        int conflicts = 0;
        for (int attempt = 0; ; attempt++) {
            String ops = ops(l, t, leavePods);
            beforePatch.accept(t.knativeService());
            GenericKubernetesResource patched;
            try {
                patched = services().inNamespace(namespace).withName(t.knativeService())
                        .patch(PatchContext.of(PatchType.JSON), ops);
            } catch (KubernetesClientException e) {
                int code = e.getCode();
                // a failed resourceVersion test is a 422 (the API server's answer to any patch it cannot apply):
                // it was a conflict when the Service's resourceVersion has moved since the read
                boolean conflict = code == 409 || (code == 422 && moved(t, l.resourceVersion()));
                boolean retryable = conflict || code == 429 || code >= 500 || ApiErrors.unanswered(e);
                if (code == 404) {
                    return new Patched(missing(t), null, 0);
                }
                if (!retryable) {
                    return new Patched(failure(t, "patch", e), null, 0);
                }
                if (attempt >= retries) {
                    // a 5xx or a lost answer may come after the patch landed: one last read tells
                    Outcome landed = landedAnyway(t);
                    if (landed != null) {
                        return new Patched(landed, null, 0);
                    }
                    return new Patched(failed(t, WriteFailure.Kind.GAVE_UP, "still failing after "
                            + (attempt + 1) + " attempts: " + brief(e)), null, 0);
                }
                if (!stop.requested()) {
                    LOG.warn("patching Knative Service {}/{} failed ({}: {}); retry {} of {} in {} ms", namespace,
                            t.knativeService(), conflict ? "changed since read" : "HTTP " + code, brief(e),
                            attempt + 1, retries, wait.toMillis());
                    if (conflict) {
                        conflicts++;
                    }
                }
                if (!stop.beforeRetry(wait)) {
                    return new Patched(failed(t, WriteFailure.Kind.OTHER,
                            dev.kdrl.agent.ops.StopSignal.noRetry(attempt + 1, brief(e))), null, 0);
                }
                wait = wait.multipliedBy(2);
                try {
                    l = read(t);
                } catch (KubernetesClientException re) {
                    return new Patched(failure(t, "read", re), null, 0);
                }
                Outcome settled = settledWithoutPatch(t, l, ", set meanwhile");
                if (settled != null) {
                    return new Patched(settled, null, 0);
                }
                continue;
            }
            events.patched(t.service());
            String msg = "patched (" + values(t) + ")" + (conflicts > 0 ? " after " + conflicts
                    + " conflict" + (conflicts > 1 ? "s" : "") : "");
            LOG.info("Knative Service {}/{} {}", namespace, t.knativeService(), msg);
            return new Patched(new Outcome(t, Result.PATCHED, null, msg), previousRevision, generation(patched));
        }
    }

    /**
     * After the last attempt failed: the Service as read now, when it holds the target's values (the patch landed
     * though its answer was an error or was lost), as unchanged; else (or unreadable) {@code null}.
     */
    private Outcome landedAnyway(Target t) {
        Live now;
        try {
            now = read(t);
        } catch (KubernetesClientException e) {
            return null;
        }
        if (now == null || now.container() == null || !same(now, t)) {
            return null;
        }
        LOG.info("Knative Service {}/{} holds the values ({}) though the last patch failed: it landed", namespace,
                t.knativeService(), values(t));
        return unchanged(t, ", found set after the last attempt failed: it landed");
    }

    /** Whether the Service's resourceVersion is no longer {@code resourceVersion} (unknown: no). */
    private boolean moved(Target t, String resourceVersion) {
        try {
            GenericKubernetesResource now = services().inNamespace(namespace).withName(t.knativeService()).get();
            return now != null && !Objects.equals(now.getMetadata().getResourceVersion(), resourceVersion);
        } catch (KubernetesClientException e) {
            return false;
        }
    }

    private static long generation(GenericKubernetesResource r) {
        Long g = r == null || r.getMetadata() == null ? null : r.getMetadata().getGeneration();
        return g == null ? 0 : g;
    }

    /** The JSON patch that gives {@code svc} the values of {@code t} (its pod count as min- and initial-scale). */
    static String ops(GenericKubernetesResource svc, Target t) {
        return ops(live(svc), t, false);
    }

    /** The JSON patch that gives {@code svc} the values of {@code t}; {@code leavePods}: see {@link #leavingPods}. */
    static String ops(GenericKubernetesResource svc, Target t, boolean leavePods) {
        return ops(live(svc), t, leavePods);
    }

    /**
     * The JSON patch for {@code l}: the resourceVersion test, then the four values, adding a missing parent object
     * whole so that no other field is touched.
     */
    static String ops(Live l, Target t, boolean leavePods) {
        List<Map<String, Object>> ops = new ArrayList<>();
        ops.add(op("test", "/metadata/resourceVersion", l.resourceVersion()));
        Map<String, String> wanted = new LinkedHashMap<>();
        wanted.put(TARGET, t.concurrency());
        if (leavePods) {
            for (String key : podScaleKeys(l)) {
                ops.add(op("remove", "/spec/template/metadata/annotations/" + pointer(key), null));
            }
        } else {
            wanted.put(MIN_SCALE, t.pods());
            wanted.put(INITIAL_SCALE, initialScale(t));
        }
        if (l.template() == null) {
            ops.add(op("add", "/spec/template", Map.of("metadata", Map.of("annotations", wanted))));
        } else if (!(l.template().get("metadata") instanceof Map<?, ?>)) {
            ops.add(op("add", "/spec/template/metadata", Map.of("annotations", wanted)));
        } else if (l.annotations() == null) {
            ops.add(op("add", "/spec/template/metadata/annotations", wanted));
        } else {
            wanted.forEach((k, v) -> ops.add(op("add", "/spec/template/metadata/annotations/" + pointer(k), v)));
        }
        String c0 = "/spec/template/spec/containers/0";
        Map<String, Object> resources = l.container() == null ? null : map(l.container().get("resources"));
        if (l.container() == null) {
            throw new IllegalStateException("no container"); // checked by the callers
        } else if (resources == null) {
            ops.add(op("add", c0 + "/resources", Map.of("limits", Map.of("cpu", t.cpu()))));
        } else if (!(resources.get("limits") instanceof Map<?, ?>)) {
            ops.add(op("add", c0 + "/resources/limits", Map.of("cpu", t.cpu())));
        } else {
            ops.add(op("add", c0 + "/resources/limits/cpu", t.cpu()));
        }
        // a CPU request above the new limit makes every pod of the new Revision invalid (the API server refuses a
        // pod whose request exceeds its limit): such a request is lowered to the limit, any other is kept
        Map<String, Object> requests = resources == null ? null : map(resources.get("requests"));
        BigDecimal requested = requests == null ? null : parseQuantity(str(requests, "cpu"));
        BigDecimal limit = parseQuantity(t.cpu());
        if (requested != null && limit != null && requested.compareTo(limit) > 0) {
            ops.add(op("add", c0 + "/resources/requests/cpu", t.cpu()));
        }
        try {
            return JSON.writeValueAsString(ops);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e); // maps of strings: cannot happen
        }
    }

    private static Map<String, Object> op(String op, String path, Object value) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("op", op);
        m.put("path", path);
        if (!"remove".equals(op)) {
            m.put("value", value);
        }
        return m;
    }

    /** A JSON pointer token (RFC 6901): {@code ~} and {@code /} escaped. */
    static String pointer(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }

    /**
     * The outcomes of {@code done}, each patched Service's message ending with what became of its previous
     * Revision: waits, for all of them together until {@code deadline} ({@link System#nanoTime}), until each
     * Service's {@code status.latestReadyRevisionName} names another Revision than before its patch (at the patched
     * generation or later), and deletes the previous one then; not ready in time, the deletion is left for a later
     * call.
     */
    private List<Outcome> awaitRevisions(List<Patched> done, long deadline) throws InterruptedException {
        Outcome[] out = new Outcome[done.size()];
        Map<Integer, Pending> waiting = new LinkedHashMap<>();
        for (int i = 0; i < out.length; i++) {
            Patched p = done.get(i);
            out[i] = p.outcome();
            if (p.outcome().result() != Result.PATCHED) {
                continue;
            }
            Target t = p.outcome().target();
            if (p.previousRevision() == null) {
                out[i] = withState(p.outcome(), "no previous ready revision to delete");
            } else {
                waiting.put(i, new Pending(t.service(), t.knativeService(), p.previousRevision(), p.generation()));
            }
        }
        while (!waiting.isEmpty()) {
            for (var it = waiting.entrySet().iterator(); it.hasNext(); ) {
                var e = it.next();
                String state = tryDelete(e.getValue());
                if (state != null) {
                    out[e.getKey()] = withState(out[e.getKey()], state);
                    it.remove();
                }
            }
            if (waiting.isEmpty()) {
                break;
            }
            if (stop.requested()) {
                waiting.forEach((i, p) -> {
                    LOG.info("Knative Service {}/{}: stopping (SIGTERM) before a new revision was ready; revision {} "
                            + "is kept", namespace, p.knativeService(), p.oldRevision());
                    out[i] = withState(out[i], "revision " + p.oldRevision() + " kept: stopping before a new "
                            + "revision was ready");
                });
                break;
            }
            if (System.nanoTime() >= deadline) {
                waiting.forEach((i, p) -> {
                    pending.put(p.knativeService(), p);
                    LOG.warn("Knative Service {}/{}: no new ready revision within the decision's readyTimeout ({} ms "
                            + "from its first patch); revision {} is deleted once one is ready (checked at the next "
                            + "decision)", namespace, p.knativeService(), revisions.readyTimeout().toMillis(),
                            p.oldRevision());
                    out[i] = withState(out[i], "revision " + p.oldRevision() + " kept: no new ready revision within "
                            + "the decision's readyTimeout (" + revisions.readyTimeout().toMillis() + " ms from its "
                            + "first patch)");
                });
                break;
            }
            stop.sleep(POLL);
        }
        return List.of(out);
    }

    private static Outcome withState(Outcome o, String state) {
        return new Outcome(o.target(), o.result(), o.failure(), o.message() + "; " + state);
    }

    /** Deletions left by earlier calls whose new Revision is ready now. */
    private void settlePending() {
        for (Pending p : List.copyOf(pending.values())) {
            String state = tryDelete(p);
            if (state != null) {
                pending.remove(p.knativeService(), p);
                LOG.info("Knative Service {}/{}: {}", namespace, p.knativeService(), state);
            }
        }
    }

    /** Previous Revisions still waiting for their Service's new one to be ready (by Knative Service). */
    public Map<String, String> pendingDeletions() {
        Map<String, String> out = new LinkedHashMap<>();
        pending.forEach((k, v) -> out.put(k, v.oldRevision()));
        return out;
    }

    /** {@code null} while the new Revision is not ready; else what was done. */
    private String tryDelete(Pending p) {
        GenericKubernetesResource svc;
        try {
            svc = services().inNamespace(namespace).withName(p.knativeService()).get();
        } catch (KubernetesClientException e) {
            return "revision " + p.oldRevision() + " kept: cannot read the Service (" + brief(e) + ")";
        }
        if (svc == null) {
            return "revision " + p.oldRevision() + " kept: the Service is gone";
        }
        Map<String, Object> status = map(svc.getAdditionalProperties().get("status"));
        String ready = str(status, "latestReadyRevisionName");
        Object observed = status == null ? null : status.get("observedGeneration");
        long seen = observed instanceof Number n ? n.longValue() : 0;
        if (ready == null || ready.equals(p.oldRevision()) || seen < p.generation()) {
            return null;
        }
        return deleteRevision(p, ready);
    }

    private String deleteRevision(Pending p, String ready) {
        String old = p.oldRevision();
        try {
            GenericKubernetesResource rev = client.genericKubernetesResources(REVISIONS).inNamespace(namespace)
                    .withName(old).get();
            if (rev == null) {
                return "revision " + old + " already gone (" + ready + " ready)";
            }
            Map<String, String> labels = rev.getMetadata().getLabels();
            String owner = labels == null ? null : labels.get(SERVICE_LABEL);
            if (!p.knativeService().equals(owner)) {
                LOG.warn("revision {}/{} is labelled {}={}, not {}: not deleted", namespace, old, SERVICE_LABEL,
                        owner, p.knativeService());
                return "revision " + old + " kept: labelled " + SERVICE_LABEL + "=" + owner;
            }
            client.genericKubernetesResources(REVISIONS).inNamespace(namespace).withName(old).delete();
            String pods = "";
            if (revisions.podGracePeriod() != null) {
                long grace = revisions.podGracePeriod().toSeconds();
                // one by one (verbs list and delete, no deletecollection), each by the name the list gave
                int n = 0;
                for (var pod : client.pods().inNamespace(namespace).withLabel(REVISION_LABEL, old).list().getItems()) {
                    client.pods().inNamespace(namespace).withName(pod.getMetadata().getName()).withGracePeriod(grace)
                            .delete();
                    n++;
                }
                pods = " and its " + n + " pod" + (n == 1 ? "" : "s") + " (grace " + grace + " s)";
            }
            events.revisionDeleted(p.service());
            LOG.info("Knative Service {}/{}: {} is ready, deleted revision {}{}", namespace, p.knativeService(), ready,
                    old, pods);
            return "deleted revision " + old + pods + " (" + ready + " ready)";
        } catch (KubernetesClientException e) {
            LOG.warn("deleting revision {}/{} failed: {}", namespace, old, brief(e));
            return "revision " + old + " kept: delete failed (HTTP " + e.getCode() + ": " + brief(e) + ")";
        }
    }

    private Outcome missing(Target t) {
        if (!knativeServed()) {
            return failed(t, WriteFailure.Kind.NOT_FOUND, "the API server does not serve serving.knative.dev/v1 "
                    + "(404 for Knative Service " + namespace + "/" + t.knativeService() + "): Knative Serving is not "
                    + "installed in this cluster; install it, or use apply.mode cr");
        }
        return failed(t, WriteFailure.Kind.NOT_FOUND, "Knative Service " + namespace + "/" + t.knativeService()
                + " not found (404): create it, or map " + t.service() + " to its name (services[].knativeService)");
    }

    /**
     * Whether the API server serves Knative Serving's {@code v1} (discovery, which every authenticated user may read);
     * true when discovery cannot tell (the Service's own 404 is then reported).
     */
    private boolean knativeServed() {
        try {
            // GET /apis/serving.knative.dev/v1: null when the API server answers 404
            io.fabric8.kubernetes.api.model.APIResourceList served = client.getApiResources("serving.knative.dev/v1");
            return served != null && served.getResources() != null
                    && served.getResources().stream().anyMatch(r -> "services".equals(r.getName()));
        } catch (KubernetesClientException e) {
            return true;
        }
    }

    private Outcome noContainer(Target t) {
        return failed(t, WriteFailure.Kind.OTHER, "Knative Service " + namespace + "/" + t.knativeService()
                + " has no spec.template.spec.containers[0] to set resources.limits.cpu on");
    }

    private Outcome failure(Target t, String verb, KubernetesClientException e) {
        int code = e.getCode();
        if (code == 403) {
            return failed(t, WriteFailure.Kind.FORBIDDEN, "the API server refused (403) to " + verb
                    + " services.serving.knative.dev " + namespace + "/" + t.knativeService() + ": grant get and "
                    + "patch on it (deploy/rbac-knative.yaml, or deploy/rbac-reconciler.yaml in mode reconciler); " + brief(e));
        }
        if (code == 404) {
            return missing(t);
        }
        return failed(t, code >= 500 || code == 409 || code == 429 ? WriteFailure.Kind.GAVE_UP
                : WriteFailure.Kind.OTHER, verb + " failed (HTTP "
                + code + "): " + brief(e));
    }

    private Outcome failed(Target t, WriteFailure.Kind kind, String message) {
        // the caller's one line says it (the agent's cycle line, the reconciler's status line)
        LOG.debug("{}: {}", t.service(), message);
        return new Outcome(t, Result.FAILED, kind, "failed: " + message);
    }

    static String brief(KubernetesClientException e) {
        return ApiErrors.brief(e);
    }
}
