package dev.kdrl.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kdrl.agent.config.AgentConfig;
import dev.kdrl.agent.k8s.Crd;
import dev.kdrl.agent.k8s.ScaleActionWriter;
import dev.kdrl.agent.k8s.WriteFailure;
import dev.kdrl.agent.knative.KnativeApplier;
import dev.kdrl.agent.knative.KnativeApplier.Result;
import dev.kdrl.agent.knative.KnativeApplier.Target;
import dev.kdrl.agent.knative.KnativeSink;
import dev.kdrl.agent.loop.AgentFixtures;
import dev.kdrl.agent.ops.AgentMetrics;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Applying decisions to Knative Services (apply.mode knative and reconciler) on a real kube-apiserver with the
 * Knative Serving CRDs of {@code src/test/resources/knative} installed and no Knative controller: the test creates
 * Services and Revisions and writes {@code status.latestReadyRevisionName} itself. Every call of the agent goes
 * through the ServiceAccount token of {@code deploy/rbac-knative.yaml} or {@code deploy/rbac-reconciler.yaml},
 * applied into a namespace of each test's own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KnativeApplyIT {
    private static final Path DEPLOY = Path.of("../deploy");
    private static final List<String> NAMES = List.of("house", "senti", "numbr");
    private static final io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext CRDS =
            new io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext.Builder()
                    .withGroup("apiextensions.k8s.io").withVersion("v1").withKind("CustomResourceDefinition")
                    .withPlural("customresourcedefinitions").withNamespaced(false).build();

    @TempDir
    Path dir;
    private Path serverDir;
    private RealApiServer api;
    private KubernetesClient admin;

    @BeforeAll
    void start() throws Exception {
        serverDir = Files.createTempDirectory("knative-it");
        api = new RealApiServer(serverDir);
        admin = api.admin();
        for (String crd : List.of("service.yaml", "revision.yaml")) {
            // The 1.20 API server refuses a schema default of "" ("Invalid value: null: must be of type string"),
            // which these CRDs carry on a few optional names: see withoutEmptyDefaults
            try (InputStream in = KnativeApplyIT.class.getResourceAsStream("/knative/" + crd)) {
                GenericKubernetesResource raw = admin.getKubernetesSerialization().unmarshal(in,
                        GenericKubernetesResource.class);
                withoutEmptyDefaults(raw.getAdditionalProperties());
                admin.genericKubernetesResources(CRDS).resource(raw).createOr(NonDeletingOperation::update);
            }
        }
        apply(admin, DEPLOY.resolve("crd.yaml"), null);
        for (String name : List.of("services.serving.knative.dev", "revisions.serving.knative.dev", Crd.NAME)) {
            admin.apiextensions().v1().customResourceDefinitions().withName(name)
                    .waitUntilCondition(Crd::isEstablished, 30, TimeUnit.SECONDS);
        }
    }

    /**
     * Removes every schema {@code default: ""} (refused by the 1.20 API server), and makes a list-map key that
     * had one {@code required} instead (1.20 wants a map key defaulted or required). Nothing else changes (see
     * src/test/resources/knative/PROVENANCE.md).
     */
    @SuppressWarnings("unchecked")
    static void withoutEmptyDefaults(Object node) {
        if (node instanceof List<?> list) {
            list.forEach(KnativeApplyIT::withoutEmptyDefaults);
            return;
        }
        if (!(node instanceof Map<?, ?>)) {
            return;
        }
        Map<String, Object> m = (Map<String, Object>) node;
        if (m.get("x-kubernetes-list-map-keys") instanceof List<?> keys && m.get("items") instanceof Map<?, ?> items
                && items.get("properties") instanceof Map<?, ?> props) {
            for (Object key : keys) {
                if (props.get(key) instanceof Map<?, ?> p && "".equals(p.get("default"))) {
                    List<Object> required = new ArrayList<>(items.get("required") instanceof List<?> r ? r : List.of());
                    required.add(key);
                    ((Map<String, Object>) items).put("required", required);
                }
            }
        }
        if ("".equals(m.get("default"))) {
            m.remove("default");
        }
        m.values().forEach(KnativeApplyIT::withoutEmptyDefaults);
    }

    @AfterAll
    void stop() throws Exception {
        if (admin != null) {
            admin.close();
        }
        if (api != null) {
            api.close();
        }
        if (serverDir != null) {
            // the API server's and etcd's files (about 60 MB): not left in the temporary directory
            try (var files = Files.walk(serverDir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    // ---------------------------------------------------------------------------------------------- fixtures

    /** Applies {@code file}'s objects, moved to {@code namespace} when not null. */
    private static void apply(KubernetesClient client, Path file, String namespace) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            for (HasMetadata item : client.load(in).items()) {
                if (namespace != null) {
                    item.getMetadata().setNamespace(namespace);
                    if (item instanceof RoleBinding rb) {
                        rb.getSubjects().forEach(s -> s.setNamespace(namespace));
                    }
                }
                client.resource(item).createOr(NonDeletingOperation::update);
            }
        }
    }

    /** A new namespace with {@code rbacFile} applied in it; returns a client with its ServiceAccount's token. */
    private KubernetesClient namespaceFor(String ns, String rbacFile) throws Exception {
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
                .create();
        apply(admin, DEPLOY.resolve(rbacFile), ns);
        // the file's own ServiceAccount: drl-agent, or the reconciler's drl-reconciler
        String account;
        try (InputStream in = Files.newInputStream(DEPLOY.resolve(rbacFile))) {
            account = admin.load(in).items().stream().filter(i -> "ServiceAccount".equals(i.getKind()))
                    .map(i -> i.getMetadata().getName()).findFirst().orElseThrow();
        }
        return api.client(token(ns, account));
    }

    private String token(String ns, String account) {
        return admin.serviceAccounts().inNamespace(ns).withName(account)
                .tokenRequest(new TokenRequestBuilder().withNewSpec()
                        .withAudiences("https://kubernetes.default.svc").withExpirationSeconds(3600L).endSpec()
                        .build())
                .getStatus().getToken();
    }

    /** A Service with fields the agent must keep: labels, annotations, env, ports, a probe, a second container. */
    private GenericKubernetesResource service(String ns, String name, String cpu, String target, String scale) {
        String yaml = """
                apiVersion: serving.knative.dev/v1
                kind: Service
                metadata:
                  name: %1$s
                  namespace: %2$s
                  labels: {app: %1$s, team: drl}
                  annotations: {example.com/owner: platform}
                spec:
                  template:
                    metadata:
                      labels: {tier: web}
                      annotations:
                        autoscaling.knative.dev/target: "%4$s"
                        autoscaling.knative.dev/min-scale: "%5$s"
                        autoscaling.knative.dev/initial-scale: "%5$s"
                        autoscaling.knative.dev/max-scale: "30"
                    spec:
                      containerConcurrency: 0
                      timeoutSeconds: 300
                      containers:
                        - name: app
                          image: ghcr.io/example/%1$s:1
                          env:
                            - {name: MODE, value: prod}
                            - {name: WORKERS, value: "4"}
                          ports:
                            - {name: http1, containerPort: 8080}
                          readinessProbe:
                            httpGet: {path: /healthz, port: 8080}
                            periodSeconds: 5
                          resources:
                            requests: {cpu: 250m, memory: 256Mi}
                            limits: {cpu: "%3$s", memory: 512Mi}
                        - name: sidecar
                          image: ghcr.io/example/sidecar:1
                          resources:
                            limits: {cpu: 100m}
                  traffic:
                    - {latestRevision: true, percent: 100}
                """.formatted(name, ns, cpu, target, scale);
        GenericKubernetesResource svc = admin.getKubernetesSerialization().unmarshal(yaml,
                GenericKubernetesResource.class);
        return admin.genericKubernetesResources(KnativeApplier.SERVICES).inNamespace(ns).resource(svc).create();
    }

    private GenericKubernetesResource get(String ns, String name) {
        return admin.genericKubernetesResources(KnativeApplier.SERVICES).inNamespace(ns).withName(name).get();
    }

    private static long rv(GenericKubernetesResource r) {
        return Long.parseLong(r.getMetadata().getResourceVersion());
    }

    private static KnativeApplier applier(KubernetesClient sa, String ns, AgentConfig.Revisions revisions,
                                          KnativeApplier.Events events) {
        return new KnativeApplier(sa, ns, 3, Duration.ofMillis(20), revisions, events);
    }

    private static final AgentConfig.Revisions KEEP = new AgentConfig.Revisions(false, Duration.ofSeconds(1), null);

    private static Target target(String name, String cpu, String target, String pods) {
        return new Target(name, name, cpu, target, pods);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> at(Object o, String... path) {
        Object cur = o;
        for (String p : path) {
            cur = p.matches("\\d+") ? ((List<Object>) cur).get(Integer.parseInt(p)) : ((Map<String, Object>) cur).get(p);
        }
        return (Map<String, Object>) cur;
    }

    /** {@code before} as a deep copy with the four values of {@code t} set where the agent sets them. */
    @SuppressWarnings("unchecked")
    private GenericKubernetesResource expectedAfter(GenericKubernetesResource before, Target t) {
        GenericKubernetesResource copy = admin.getKubernetesSerialization().clone(before);
        Map<String, Object> template = at(copy.getAdditionalProperties(), "spec", "template");
        Map<String, Object> annotations = at(template, "metadata", "annotations");
        annotations.put(KnativeApplier.TARGET, t.concurrency());
        annotations.put(KnativeApplier.MIN_SCALE, t.pods());
        annotations.put(KnativeApplier.INITIAL_SCALE, t.pods());
        at(template, "spec", "containers", "0", "resources", "limits").put("cpu", t.cpu());
        return copy;
    }

    private static void await(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    private static void assertForbidden(Runnable call) {
        assertThatThrownBy(call::run).isInstanceOf(KubernetesClientException.class)
                .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).as(e.getMessage()).isEqualTo(403));
    }

    // ---------------------------------------------------------------------------------------------- tests

    @Test
    void onlyChangedServicesArePatchedAndEveryOtherFieldIsKept() throws Exception {
        String ns = "keep";
        try (KubernetesClient sa = namespaceFor(ns, "rbac-knative.yaml")) {
            service(ns, "house", "1000m", "10", "1");
            service(ns, "senti", "2", "15", "3"); // "2" cores is the decision's 2000m: unchanged
            service(ns, "numbr", "500m", "5", "1");
            Map<String, GenericKubernetesResource> before = new LinkedHashMap<>();
            NAMES.forEach(n -> before.put(n, get(ns, n)));
            // the fields the test claims are kept were accepted by the CRD's schema in the first place
            Map<String, Object> c0 = at(before.get("house").getAdditionalProperties(), "spec", "template", "spec",
                    "containers", "0");
            assertThat(c0).containsKeys("env", "ports", "readinessProbe", "resources");
            assertThat(before.get("house").getMetadata().getLabels()).containsEntry("team", "drl");

            List<Target> decision = List.of(target("house", "3500m", "20", "4"), target("senti", "2000m", "15", "3"),
                    target("numbr", "1500m", "10", "2"));
            KnativeApplier.Report report = applier(sa, ns, KEEP, KnativeApplier.Events.NONE).apply(decision);

            assertThat(report.failures()).isEmpty();
            assertThat(report.of("house").result()).isEqualTo(Result.PATCHED);
            assertThat(report.of("senti").result()).isEqualTo(Result.UNCHANGED);
            assertThat(report.of("numbr").result()).isEqualTo(Result.PATCHED);
            assertThat(rv(get(ns, "senti"))).as("senti not written").isEqualTo(rv(before.get("senti")));
            for (Target t : List.of(decision.get(0), decision.get(2))) {
                GenericKubernetesResource after = get(ns, t.service());
                GenericKubernetesResource expected = expectedAfter(before.get(t.service()), t);
                assertThat(after.getAdditionalProperties().get("spec")).as(t.service())
                        .isEqualTo(expected.getAdditionalProperties().get("spec"));
                assertThat(after.getMetadata().getLabels()).isEqualTo(before.get(t.service()).getMetadata().getLabels());
                assertThat(after.getMetadata().getAnnotations())
                        .isEqualTo(before.get(t.service()).getMetadata().getAnnotations());
                assertThat(after.getMetadata().getGeneration()).isEqualTo(before.get(t.service()).getMetadata()
                        .getGeneration() + 1);
            }

            // the same decision again, by a new applier (an agent restarted): nothing written
            Map<String, Long> rvs = new LinkedHashMap<>();
            NAMES.forEach(n -> rvs.put(n, rv(get(ns, n))));
            KnativeApplier.Report again = applier(sa, ns, KEEP, KnativeApplier.Events.NONE).apply(decision);
            assertThat(again.outcomes()).extracting(KnativeApplier.Outcome::result).containsOnly(Result.UNCHANGED);
            NAMES.forEach(n -> assertThat(rv(get(ns, n))).as(n).isEqualTo(rvs.get(n)));
        }
    }

    @Test
    void servicesWhoseCpuFallsGoFirstAndAPeakOverTheQuotaIsCounted() throws Exception {
        String ns = "order";
        try (KubernetesClient sa = namespaceFor(ns, "rbac-knative.yaml")) {
            // senti rises from 1 x 1 to 3 x 2 = 6 cores, house falls from 4 x 2 = 8 to 2 x 1 = 2; numbr stays 1
            service(ns, "senti", "1", "10", "1");
            service(ns, "house", "2", "10", "4");
            service(ns, "numbr", "1", "10", "1");
            setQuota(ns, "12", "10"); // 10 used of 12
            AgentMetrics metrics = new AgentMetrics(NAMES, 12);
            KnativeApplier applier = applier(sa, ns, KEEP, metrics.knativeEvents());
            // configured order senti, house, numbr: rising first would peak at 10 + 6 = 16 > 12
            KnativeApplier.Report report = applier.apply(List.of(target("senti", "2", "10", "3"),
                    target("house", "1", "10", "2"), target("numbr", "1", "10", "1")));
            assertThat(report.outcomes()).extracting(o -> o.target().service() + " " + o.result())
                    .containsExactly("numbr UNCHANGED", "house PATCHED", "senti PATCHED");
            assertThat(rv(get(ns, "house"))).as("house written before senti").isLessThan(rv(get(ns, "senti")));
            // falling first: 10 + 2 = 12, then 12 - 8 + 6 = 10: fits
            assertThat(report.peakOverQuota()).isFalse();
            assertThat(metrics.scrape()).contains("drl_agent_quota_peak_over_total 0.0")
                    .contains("drl_agent_service_patches_total{service=\"house\"} 1.0");

            // 11 used of 12 now, house rises from 1 x 2 to 2 x 4 = 8 cores: its roll-out peaks at 19 > 12
            setQuota(ns, "12", "11");
            KnativeApplier.Report tight = applier.apply(List.of(target("senti", "2", "10", "3"),
                    target("house", "2", "10", "4"), target("numbr", "1", "10", "1")));
            assertThat(tight.peakOverQuota()).isTrue();
            // counted, and applied anyway: Knative starts the pods as quota frees
            assertThat(tight.outcomes()).extracting(o -> o.target().service() + " " + o.result())
                    .containsExactly("senti UNCHANGED", "numbr UNCHANGED", "house PATCHED");
            assertThat(metrics.scrape()).contains("drl_agent_quota_peak_over_total 1.0");
            assertThat(at(get(ns, "house").getAdditionalProperties(), "spec", "template", "spec", "containers", "0",
                    "resources", "limits")).containsEntry("cpu", "2");
        }
    }

    /** A ResourceQuota with {@code limits.cpu} hard and used (status written as the quota controller would). */
    private void setQuota(String ns, String hard, String used) {
        var quotas = admin.resourceQuotas().inNamespace(ns);
        if (quotas.withName("compute").get() == null) {
            quotas.resource(new ResourceQuotaBuilder().withNewMetadata().withName("compute").endMetadata()
                    .withNewSpec().addToHard("limits.cpu", new Quantity(hard)).endSpec().build()).create();
        }
        quotas.withName("compute").editStatus(q -> new ResourceQuotaBuilder(q).withNewStatus()
                .addToHard("limits.cpu", new Quantity(hard)).addToUsed("limits.cpu", new Quantity(used)).endStatus()
                .build());
    }

    @Test
    void thePreviousRevisionIsDeletedOnceTheNewOneIsReadyAndNotBefore() throws Exception {
        String ns = "revisions";
        try (KubernetesClient sa = namespaceFor(ns, "rbac-knative.yaml")) {
            for (String n : List.of("house", "senti")) {
                service(ns, n, "1", "10", "1");
                revision(ns, n + "-00001", n);
                ready(ns, n, n + "-00001", 1);
                for (int i = 0; i < 2; i++) {
                    pod(ns, n + "-00001-pod-" + i, n + "-00001");
                }
            }
            pod(ns, "unrelated", "other-00001");
            // a fake Knative controller for house only: a new generation gets a new Revision, ready after 1 s;
            // before it says so, the old Revision must still exist
            AtomicBoolean oldSeenBeforeReady = new AtomicBoolean();
            AtomicBoolean stopController = new AtomicBoolean();
            Thread controller = fakeController(stopController, () -> {
                long gen = get(ns, "house").getMetadata().getGeneration();
                if (gen <= 1) {
                    return false;
                }
                revision(ns, "house-00002", "house");
                Thread.sleep(1000);
                oldSeenBeforeReady.set(revisionExists(ns, "house-00001"));
                ready(ns, "house", "house-00002", gen);
                return true;
            });
            AgentConfig.Revisions delete = new AgentConfig.Revisions(true, Duration.ofMillis(2500), Duration.ZERO);
            AgentMetrics metrics = new AgentMetrics(NAMES, 40);
            KnativeApplier applier = applier(sa, ns, delete, metrics.knativeEvents());
            List<Target> decision = List.of(target("house", "2", "10", "2"), target("senti", "2", "10", "2"));
            KnativeApplier.Report report = applier.apply(decision);
            stopController.set(true);
            controller.join(5000);

            assertThat(oldSeenBeforeReady).as("old revision kept until the new one was ready").isTrue();
            assertThat(report.of("house").message()).contains("deleted revision house-00001 and its 2 pods");
            assertThat(revisionExists(ns, "house-00001")).isFalse();
            assertThat(revisionExists(ns, "house-00002")).isTrue();
            assertThat(podNames(ns)).doesNotContain("house-00001-pod-0", "house-00001-pod-1")
                    .contains("unrelated", "senti-00001-pod-0");
            // senti's new revision never became ready in time: kept, and deleted at a later decision once ready
            assertThat(report.of("senti").message()).contains("revision senti-00001 kept");
            assertThat(revisionExists(ns, "senti-00001")).isTrue();
            assertThat(applier.pendingDeletions()).containsEntry("senti", "senti-00001");
            revision(ns, "senti-00002", "senti");
            ready(ns, "senti", "senti-00002", get(ns, "senti").getMetadata().getGeneration());
            KnativeApplier.Report later = applier.apply(decision);
            assertThat(later.outcomes()).extracting(KnativeApplier.Outcome::result).containsOnly(Result.UNCHANGED);
            assertThat(revisionExists(ns, "senti-00001")).isFalse();
            assertThat(podNames(ns)).doesNotContain("senti-00001-pod-0").contains("unrelated");
            assertThat(applier.pendingDeletions()).isEmpty();
            assertThat(metrics.scrape()).contains("drl_agent_revisions_deleted_total{service=\"senti\"} 1.0");

            // a Revision of another Service's name is never deleted: the label decides, not the name
            service(ns, "numbr", "1", "10", "1");
            revision(ns, "numbr-00001", "house");
            ready(ns, "numbr", "numbr-00001", 1);
            Thread numbrController = new Thread(() -> {
                try {
                    await(() -> get(ns, "numbr").getMetadata().getGeneration() > 1, Duration.ofSeconds(10), "numbr");
                    ready(ns, "numbr", "numbr-00002", 2);
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
            });
            numbrController.start();
            KnativeApplier.Report foreign = applier.apply(List.of(target("numbr", "2", "10", "1")));
            numbrController.join(5000);
            assertThat(foreign.of("numbr").message()).contains("revision numbr-00001 kept: labelled "
                    + KnativeApplier.SERVICE_LABEL + "=house");
            assertThat(revisionExists(ns, "numbr-00001")).isTrue();
        }
    }

    /**
     * The Services of one decision are patched together and their new Revisions awaited together, within one
     * readyTimeout; only when some Services' CPU falls and others' rises are the falls patched, and their previous
     * Revisions deleted, before the rises are patched.
     */
    @Test
    void oneDecisionsServicesAreAwaitedTogetherAndFallsBeforeRises() throws Exception {
        String ns = "revisions-together";
        try (KubernetesClient sa = namespaceFor(ns, "rbac-knative.yaml")) {
            for (String n : List.of("house", "senti", "numbr")) {
                service(ns, n, "1", "10", "1");
                revision(ns, n + "-00001", n);
                ready(ns, n, n + "-00001", 1);
            }
            // a fake Knative controller that makes house's new Revision ready only once senti has been patched too:
            // awaiting house before patching senti would run out of time
            AtomicBoolean stopController = new AtomicBoolean();
            Thread controller = fakeController(stopController, () -> {
                if (get(ns, "house").getMetadata().getGeneration() <= 1
                        || get(ns, "senti").getMetadata().getGeneration() <= 1) {
                    return false;
                }
                for (String n : List.of("house", "senti")) {
                    revision(ns, n + "-00002", n);
                    ready(ns, n, n + "-00002", 2);
                }
                return true;
            });
            AgentConfig.Revisions delete = new AgentConfig.Revisions(true, Duration.ofMillis(3000), null);
            KnativeApplier applier = applier(sa, ns, delete, KnativeApplier.Events.NONE);
            long started = System.nanoTime();
            KnativeApplier.Report report = applier.apply(List.of(target("house", "2", "10", "2"),
                    target("senti", "2", "10", "2")));
            long tookMs = (System.nanoTime() - started) / 1_000_000;
            stopController.set(true);
            controller.join(5000);
            assertThat(report.of("house").message()).contains("deleted revision house-00001");
            assertThat(report.of("senti").message()).contains("deleted revision senti-00001");
            assertThat(tookMs).as("one wait for both, well within readyTimeout").isLessThan(3000);

            // numbr's CPU falls (1 x 1 -> 0.5 x 1), house's rises (2 x 2 -> 3 x 2): numbr first, and house is
            // patched only once numbr's previous Revision is deleted
            AtomicBoolean numbrOldGoneBeforeHousePatched = new AtomicBoolean();
            AtomicBoolean stopSecond = new AtomicBoolean();
            AtomicBoolean numbrDone = new AtomicBoolean();
            Thread second = fakeController(stopSecond, () -> {
                if (!numbrDone.get() && get(ns, "numbr").getMetadata().getGeneration() > 1) {
                    revision(ns, "numbr-00002", "numbr");
                    Thread.sleep(300);
                    ready(ns, "numbr", "numbr-00002", 2);
                    numbrDone.set(true);
                }
                if (get(ns, "house").getMetadata().getGeneration() <= 2) {
                    return false;
                }
                numbrOldGoneBeforeHousePatched.set(!revisionExists(ns, "numbr-00001"));
                revision(ns, "house-00003", "house");
                ready(ns, "house", "house-00003", 3);
                return true;
            });
            KnativeApplier.Report phased = applier.apply(List.of(target("house", "3", "10", "2"),
                    target("senti", "2", "10", "2"), target("numbr", "500m", "10", "1")));
            stopSecond.set(true);
            second.join(5000);
            assertThat(phased.outcomes()).extracting(o -> o.target().service())
                    .containsExactly("senti", "numbr", "house");
            assertThat(phased.of("numbr").message()).contains("deleted revision numbr-00001");
            assertThat(phased.of("house").message()).contains("deleted revision house-00002");
            assertThat(numbrOldGoneBeforeHousePatched).as("the fall's old revision deleted before the rise's patch")
                    .isTrue();

            // a fall whose new revision never becomes ready holds the rise back for the decision's readyTimeout
            // only, not one more: the rise is patched then, both previous revisions left for a later decision
            AgentConfig.Revisions short1 = new AgentConfig.Revisions(true, Duration.ofMillis(1500), null);
            KnativeApplier hurried = applier(sa, ns, short1, KnativeApplier.Events.NONE);
            long began = System.nanoTime();
            KnativeApplier.Report late = hurried.apply(List.of(target("house", "4", "10", "2"),
                    target("senti", "2", "10", "2"), target("numbr", "250m", "10", "1")));
            long ms = (System.nanoTime() - began) / 1_000_000;
            assertThat(late.of("numbr").result()).isEqualTo(Result.PATCHED);
            assertThat(late.of("house").result()).isEqualTo(Result.PATCHED);
            for (String n : List.of("numbr", "house")) {
                assertThat(late.of(n).message()).contains("kept: no new ready revision within the decision's "
                        + "readyTimeout (1500 ms from its first patch)");
            }
            assertThat(hurried.pendingDeletions()).containsOnlyKeys("numbr", "house");
            assertThat(ms).as("one readyTimeout for the decision").isGreaterThanOrEqualTo(1500).isLessThan(3000);
        }
    }

    /** One look of a fake Knative controller at the cluster: true when it has done its part. */
    private interface ControllerStep {
        boolean run() throws InterruptedException;
    }

    /** A fake Knative controller: runs {@code step} every 20 ms on a thread of its own until done or stopped. */
    private static Thread fakeController(AtomicBoolean stop, ControllerStep step) {
        Thread t = new Thread(() -> {
            try {
                while (!stop.get() && !step.run()) {
                    Thread.sleep(20);
                }
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "fake-knative");
        t.start();
        return t;
    }

    private void revision(String ns, String name, String service) {
        GenericKubernetesResource r = new GenericKubernetesResource();
        r.setApiVersion("serving.knative.dev/v1");
        r.setKind("Revision");
        r.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(name).withNamespace(ns)
                .addToLabels(KnativeApplier.SERVICE_LABEL, service).build());
        r.setAdditionalProperty("spec", Map.of("containers", List.of(Map.of("image", "ghcr.io/example/x:1"))));
        admin.genericKubernetesResources(KnativeApplier.REVISIONS).inNamespace(ns).resource(r).create();
    }

    private boolean revisionExists(String ns, String name) {
        return admin.genericKubernetesResources(KnativeApplier.REVISIONS).inNamespace(ns).withName(name).get() != null;
    }

    /** What Knative's controller would write: the ready revision and the generation it saw. */
    private void ready(String ns, String service, String revision, long generation) {
        String patch = "{\"status\":{\"observedGeneration\":" + generation + ",\"latestCreatedRevisionName\":\""
                + revision + "\",\"latestReadyRevisionName\":\"" + revision + "\"}}";
        admin.genericKubernetesResources(KnativeApplier.SERVICES).inNamespace(ns).withName(service)
                .subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE), patch);
    }

    private void pod(String ns, String name, String revision) {
        admin.pods().inNamespace(ns).resource(new PodBuilder().withNewMetadata().withName(name)
                .addToLabels(KnativeApplier.REVISION_LABEL, revision).endMetadata().withNewSpec().addNewContainer()
                .withName("app").withImage("ghcr.io/example/x:1").endContainer().endSpec().build()).create();
    }

    private List<String> podNames(String ns) {
        return admin.pods().inNamespace(ns).list().getItems().stream().map(p -> p.getMetadata().getName()).toList();
    }

    /**
     * {@code apply.minScale: none} on the real server, through rbac-knative.yaml's rights: the patch removes min-scale
     * and initial-scale and keeps every other field, the same decision again writes nothing, and what each Service
     * holds (its newest Revision's pods, the cores the quota charges for all its pods) is read as the API server
     * keeps pods: a pod bound to a node and being deleted stays charged within its grace period but is not counted.
     */
    @Test
    @SuppressWarnings("unchecked")
    void withThePodsLeftToKnativeScaleIsRemovedAndWhatTheServicesHoldIsRead() throws Exception {
        String ns = "kpa";
        try (KubernetesClient sa = namespaceFor(ns, "rbac-knative.yaml")) {
            service(ns, "house", "1000m", "10", "4");
            service(ns, "senti", "2", "15", "3");
            GenericKubernetesResource before = get(ns, "house");
            List<Target> decision = List.of(target("house", "3500m", "20", "9"), target("senti", "2000m", "15",
                    "9"));
            KnativeApplier applier = applier(sa, ns, KEEP, KnativeApplier.Events.NONE).leavingPods(true);
            KnativeApplier.Report report = applier.apply(decision);
            assertThat(report.failures()).isEmpty();
            assertThat(report.of("house").result()).isEqualTo(Result.PATCHED);
            // senti's configuration is unchanged, but its min-scale goes
            assertThat(report.of("senti").result()).isEqualTo(Result.PATCHED);
            GenericKubernetesResource expected = admin.getKubernetesSerialization().clone(before);
            Map<String, Object> template = at(expected.getAdditionalProperties(), "spec", "template");
            Map<String, Object> annotations = at(template, "metadata", "annotations");
            annotations.put(KnativeApplier.TARGET, "20");
            annotations.remove(KnativeApplier.MIN_SCALE);
            annotations.remove(KnativeApplier.INITIAL_SCALE);
            at(template, "spec", "containers", "0", "resources", "limits").put("cpu", "3500m");
            assertThat(get(ns, "house").getAdditionalProperties().get("spec"))
                    .isEqualTo(expected.getAdditionalProperties().get("spec"));
            assertThat(at(get(ns, "senti").getAdditionalProperties(), "spec", "template", "metadata", "annotations"))
                    .containsEntry("autoscaling.knative.dev/max-scale", "30")
                    .doesNotContainKeys(KnativeApplier.MIN_SCALE, KnativeApplier.INITIAL_SCALE);
            long rv = rv(get(ns, "house"));
            assertThat(applier.apply(decision).outcomes()).extracting(KnativeApplier.Outcome::result)
                    .containsOnly(Result.UNCHANGED);
            assertThat(rv(get(ns, "house"))).isEqualTo(rv);

            // house: revision 2 is the newest, with two pods; revision 1 keeps one; senti has none
            ready(ns, "house", "house-00002", 2);
            heldPod(ns, "h2-a", "house", "house-00002", "3500m");
            heldPod(ns, "h2-b", "house", "house-00002", "3500m");
            heldPod(ns, "h1-a", "house", "house-00001", "1");
            heldPod(ns, "h2-c", "house", "house-00002", "3500m");
            admin.pods().inNamespace(ns).withName("h2-c").withGracePeriod(300).delete();
            assertThat(admin.pods().inNamespace(ns).withName("h2-c").get().getMetadata().getDeletionTimestamp())
                    .as("a pod bound to a node waits for its kubelet").isNotNull();
            List<AgentConfig.Service> services = List.of(new AgentConfig.Service("house", "house", null, Map.of(),
                    null, null), new AgentConfig.Service("senti", "senti", null, Map.of(), null, null));
            dev.kdrl.agent.loop.HeldSource.Held held = new dev.kdrl.agent.knative.KnativeHeld(sa, ns, services,
                    java.time.Clock.systemUTC()).read();
            assertThat(held.pods()).containsExactly(2, 0);
            // 3 x (3.5 + the sidecar's 0.1) + 1 x 1.1: the deleted pod is charged within its grace period
            assertThat(held.cores()[0]).isCloseTo(4 * 3.6 - 2.5, org.assertj.core.data.Offset.offset(1e-9));
            assertThat(held.cores()[1]).isZero();
            // beyond the user container's limit, what the queue-proxy's adds to each of the newest Revision's pods
            assertThat(held.podOverhead()[0]).isCloseTo(0.1, org.assertj.core.data.Offset.offset(1e-9));
            assertThat(held.podOverhead()[1]).isNaN();
        }
    }

    /** A pod of {@code service}'s {@code revision}, bound to a node (so that its deletion is graceful). */
    private void heldPod(String ns, String name, String service, String revision, String cpu) {
        admin.pods().inNamespace(ns).resource(new PodBuilder().withNewMetadata().withName(name)
                .addToLabels(KnativeApplier.SERVICE_LABEL, service).addToLabels(KnativeApplier.REVISION_LABEL, revision)
                .endMetadata().withNewSpec().withNodeName("node-1").addNewContainer().withName("user-container")
                .withImage("ghcr.io/example/x:1").withNewResources().addToLimits("cpu", new Quantity(cpu)).endResources()
                .endContainer().addNewContainer().withName("queue-proxy").withImage("ghcr.io/example/qp:1")
                .withNewResources().addToLimits("cpu", new Quantity("100m")).endResources().endContainer().endSpec()
                .build()).create();
    }

    @Test
    void aMissingServiceIsOneClearLineAndTheOthersAreStillApplied() throws Exception {
        String ns = "missing";
        try (KubernetesClient sa = namespaceFor(ns, "rbac-knative.yaml")) {
            service(ns, "senti", "1", "10", "1");
            service(ns, "numbr", "1", "10", "1");
            List<AgentConfig.Service> services = new ArrayList<>();
            for (String n : NAMES) {
                services.add(new AgentConfig.Service(n, n, null, Map.of(), null, null));
            }
            // apply.writeResource: the DRLScaleAction is written too, for observers (rbac.yaml's rights: admin here)
            ScaleActionWriter writer = new ScaleActionWriter(admin, ns, "drl-action", 1, Duration.ofMillis(10));
            KnativeSink sink = new KnativeSink(applier(sa, ns, KEEP, KnativeApplier.Events.NONE), services, writer);
            Map<String, String> spec = new LinkedHashMap<>();
            for (String n : NAMES) {
                spec.put("service" + n + "_resource", "2000m");
                spec.put("service" + n + "_concurrency", "12");
                spec.put("service" + n + "_podcount", "2");
            }
            assertThatThrownBy(() -> sink.write(spec)).isInstanceOf(WriteFailure.class)
                    .satisfies(e -> {
                        WriteFailure f = (WriteFailure) e;
                        assertThat(f.kind()).isEqualTo(WriteFailure.Kind.NOT_FOUND);
                        assertThat(f.getMessage()).doesNotContain("\n")
                                .contains("house failed: Knative Service missing/house not found (404)")
                                .contains("services[].knativeService")
                                .contains("senti patched").contains("numbr patched")
                                .endsWith("; created " + ns + "/drl-action");
                    });
            assertThat(admin.genericKubernetesResources(ScaleActionWriter.CONTEXT).inNamespace(ns).withName("drl-action")
                    .get().<Map<String, Object>>get("spec")).isEqualTo(spec);
            for (String n : List.of("senti", "numbr")) {
                assertThat(at(get(ns, n).getAdditionalProperties(), "spec", "template", "metadata", "annotations"))
                        .containsEntry(KnativeApplier.TARGET, "12").containsEntry(KnativeApplier.MIN_SCALE, "2");
            }
            // what the cluster holds, as a spec: the two Services that exist
            assertThat(sink.current()).containsEntry("servicesenti_resource", "2000m")
                    .containsEntry("servicenumbr_podcount", "2").doesNotContainKey("servicehouse_resource");
        }
    }

    @Test
    void aServiceChangedBetweenReadAndPatchIsReadAgainAndNothingIsLost() throws Exception {
        String ns = "conflict";
        try (KubernetesClient sa = namespaceFor(ns, "rbac-knative.yaml")) {
            service(ns, "house", "1", "10", "1");
            KnativeApplier applier = applier(sa, ns, KEEP, KnativeApplier.Events.NONE);
            AtomicInteger patches = new AtomicInteger();
            // another writer changes the Service after the agent read it, before its first patch
            applier.beforePatch(name -> {
                if (patches.getAndIncrement() == 0) {
                    admin.genericKubernetesResources(KnativeApplier.SERVICES).inNamespace(ns).withName(name)
                            .patch(PatchContext.of(PatchType.JSON_MERGE),
                                    "{\"metadata\":{\"labels\":{\"changed-by\":\"someone-else\"}},\"spec\":{\"template\""
                                            + ":{\"metadata\":{\"annotations\":{\"example.com/rollout\":\"2\"}}}}}");
                }
            });
            KnativeApplier.Report report = applier.apply(List.of(target("house", "3", "25", "5")));
            assertThat(report.of("house").result()).isEqualTo(Result.PATCHED);
            assertThat(report.of("house").message()).contains("after 1 conflict");
            assertThat(patches).hasValue(2);
            GenericKubernetesResource after = get(ns, "house");
            assertThat(after.getMetadata().getLabels()).containsEntry("changed-by", "someone-else");
            assertThat(at(after.getAdditionalProperties(), "spec", "template", "metadata", "annotations"))
                    .containsEntry("example.com/rollout", "2").containsEntry(KnativeApplier.TARGET, "25")
                    .containsEntry(KnativeApplier.INITIAL_SCALE, "5");
        }
    }

    @Test
    void theStaleResourceVersionTestIsRefusedByTheServer() throws Exception {
        // what the applier's retry relies on: the API server refuses a JSON patch whose resourceVersion test
        // fails with 422 (the applier then sees the resourceVersion moved: a conflict), and a patch carrying a
        // stale resourceVersion with 409 Conflict (retried as such)
        String ns = "stale";
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
                .create();
        GenericKubernetesResource svc = service(ns, "house", "1", "10", "1");
        String stale = svc.getMetadata().getResourceVersion();
        admin.genericKubernetesResources(KnativeApplier.SERVICES).inNamespace(ns).withName("house")
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"labels\":{\"x\":\"y\"}}}");
        var house = admin.genericKubernetesResources(KnativeApplier.SERVICES).inNamespace(ns).withName("house");
        assertThatThrownBy(() -> house.patch(PatchContext.of(PatchType.JSON),
                "[{\"op\":\"test\",\"path\":\"/metadata/resourceVersion\",\"value\":\"" + stale + "\"}]"))
                .isInstanceOf(KubernetesClientException.class)
                .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(422));
        assertThatThrownBy(() -> house.patch(PatchContext.of(PatchType.JSON_MERGE),
                "{\"metadata\":{\"resourceVersion\":\"" + stale + "\",\"labels\":{\"x\":\"z\"}}}"))
                .isInstanceOf(KubernetesClientException.class)
                .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(409));
    }

    @Test
    void theKnativeRoleRefusesAnythingOutsideItsRights() throws Exception {
        String ns = "rbac-kn";
        try (KubernetesClient sa = namespaceFor(ns, "rbac-knative.yaml")) {
            service(ns, "house", "1", "10", "1");
            service(ns, "other", "1", "10", "1");
            admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("rbac-kn-2").endMetadata()
                    .build()).create();
            service("rbac-kn-2", "house", "1", "10", "1");
            var services = sa.genericKubernetesResources(KnativeApplier.SERVICES);
            // allowed: exactly what the applier does
            assertThat(services.inNamespace(ns).withName("house").get()).isNotNull();
            assertThat(sa.resourceQuotas().inNamespace(ns).list().getItems()).isEmpty();
            // refused
            assertForbidden(() -> services.inNamespace(ns).withName("other").get());
            assertForbidden(() -> services.inNamespace(ns).withName("other").patch(
                    PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"labels\":{\"a\":\"b\"}}}"));
            assertForbidden(() -> services.inNamespace(ns).list());
            assertForbidden(() -> services.inNamespace(ns).withName("house").delete());
            assertForbidden(() -> services.inNamespace(ns).resource(get(ns, "house")).update());
            assertForbidden(() -> services.inNamespace("rbac-kn-2").withName("house").get());
            assertForbidden(() -> sa.genericKubernetesResources(ScaleActionWriter.CONTEXT).inNamespace(ns).list());
            assertForbidden(() -> sa.secrets().inNamespace(ns).list());
            assertForbidden(() -> sa.configMaps().inNamespace(ns).list());
            assertForbidden(() -> sa.resourceQuotas().inNamespace(ns).resource(new ResourceQuotaBuilder()
                    .withNewMetadata().withName("q").endMetadata().build()).create());
            assertForbidden(() -> sa.pods().inNamespace("rbac-kn-2").list());
            // through the applier: a Service outside resourceNames is a one-line 403 naming what to grant
            KnativeApplier.Report report = applier(sa, ns, KEEP, KnativeApplier.Events.NONE)
                    .apply(List.of(target("other", "2", "10", "1"), target("house", "2", "10", "1")));
            assertThat(report.of("other").failure()).isEqualTo(WriteFailure.Kind.FORBIDDEN);
            assertThat(report.of("other").message()).contains("refused (403)").contains("grant get and patch");
            assertThat(report.of("house").result()).isEqualTo(Result.PATCHED);
        }
    }

    @Test
    void theReconcilerAppliesCreatedAndPatchedResourcesWritesStatusAndRestartsIdle() throws Exception {
        String ns = "reconciler";
        try (KubernetesClient sa = namespaceFor(ns, "rbac-reconciler.yaml")) {
            service(ns, "house", "1", "10", "1");
            service(ns, "senti", "1", "10", "1");
            service(ns, "numbr", "1", "10", "1");
            Map<String, String> env = inCluster(ns, token(ns, "drl-reconciler"));
            Path config = dir.resolve("reconciler.yaml");
            Files.writeString(config, """
                    namespace: %s
                    apply: {mode: reconciler}
                    services:
                      - {name: house, knativeService: house}
                      - {name: senti, knativeService: senti}
                      - {name: numbr, knativeService: numbr}
                    http: {enabled: false}
                    kubernetes: {retries: 3, backoff: 10ms}
                    """.formatted(ns));
            var actions = admin.genericKubernetesResources(ScaleActionWriter.CONTEXT).inNamespace(ns);
            try (AgentProcess agent = new AgentProcess(dir, "reconciler", env, "--config", config.toString())) {
                await(() -> log(agent).contains("ready"), Duration.ofSeconds(60), "the reconciler to start");
                // 1. created: house and senti change, numbr is already there, an unknown service is reported
                GenericKubernetesResource cr = new GenericKubernetesResource();
                cr.setApiVersion(dev.kdrl.agent.k8s.ScaleActionSpec.API_VERSION);
                cr.setKind(dev.kdrl.agent.k8s.ScaleActionSpec.KIND);
                cr.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("drl-action")
                        .build());
                Map<String, String> spec = new LinkedHashMap<>();
                spec.putAll(fields("house", "3500m", "20", "4"));
                spec.putAll(fields("senti", "4000m", "10", "3"));
                spec.putAll(fields("numbr", "1000m", "10", "1"));
                spec.put("servicebogus_podcount", "1");
                cr.setAdditionalProperty("spec", spec);
                actions.resource(cr).create();
                await(() -> observed(actions.withName("drl-action").get()) == 1, Duration.ofSeconds(30),
                        "status.observedGeneration 1\n" + log(agent));
                Map<String, Object> status = actions.withName("drl-action").get().get("status");
                assertThat(at(status, "services", "house")).containsEntry("result", "patched");
                assertThat(at(status, "services", "senti")).containsEntry("result", "patched");
                assertThat(at(status, "services", "numbr")).containsEntry("result", "unchanged");
                assertThat(at(status, "services", "bogus")).containsEntry("result", "invalid");
                assertThat((String) at(status, "services", "bogus").get("message"))
                        .contains("spec.servicebogus_podcount").contains("not in the configuration");
                assertLimits(ns, "house", "3500m", "20", "4");
                assertLimits(ns, "senti", "4000m", "10", "3");

                // 2. patched: generation 2, only numbr changes; a bad value is named
                long sentiRv = rv(get(ns, "senti"));
                actions.withName("drl-action").patch(PatchContext.of(PatchType.JSON_MERGE),
                        "{\"spec\":{\"servicenumbr_resource\":\"2500m\",\"servicenumbr_podcount\":\"2\","
                                + "\"servicehouse_podcount\":\"four\",\"servicebogus_podcount\":null}}");
                await(() -> observed(actions.withName("drl-action").get()) == 2, Duration.ofSeconds(30),
                        "status.observedGeneration 2\n" + log(agent));
                status = actions.withName("drl-action").get().get("status");
                assertThat(at(status, "services", "numbr")).containsEntry("result", "patched");
                assertThat(at(status, "services", "senti")).containsEntry("result", "unchanged");
                assertThat(at(status, "services", "house")).containsEntry("result", "invalid")
                        .containsEntry("message", "spec.servicehouse_podcount 'four' is not a whole number of pods "
                                + "(expected e.g. 4)");
                assertThat(at(status, "services")).doesNotContainKey("bogus");
                assertThat(rv(get(ns, "senti"))).isEqualTo(sentiRv);
                assertLimits(ns, "numbr", "2500m", "10", "2");
                assertLimits(ns, "house", "3500m", "20", "4");
                // 3. fix the value: applied
                actions.withName("drl-action").patch(PatchContext.of(PatchType.JSON_MERGE),
                        "{\"spec\":{\"servicehouse_podcount\":\"5\"}}");
                await(() -> observed(actions.withName("drl-action").get()) == 3, Duration.ofSeconds(30),
                        "status.observedGeneration 3\n" + log(agent));
                assertLimits(ns, "house", "3500m", "20", "5");
            }

            // 4. restarted: nothing applied, the status not rewritten
            Map<String, Long> rvs = new LinkedHashMap<>();
            NAMES.forEach(n -> rvs.put(n, rv(get(ns, n))));
            long crRv = rv(actions.withName("drl-action").get());
            try (AgentProcess agent = new AgentProcess(dir, "reconciler-restarted", env, "--config",
                    config.toString())) {
                await(() -> log(agent).contains("ready"), Duration.ofSeconds(60), "the reconciler to restart");
                Thread.sleep(2000); // the informer's first list has been handed to the worker by now
                assertThat(log(agent)).doesNotContain("generation 3:").doesNotContain("patched (");
                // stopped as Kubernetes stops a pod: a request, not a failure
                assertThat(agent.terminate(Duration.ofSeconds(40))).as(log(agent)).isZero();
                assertThat(log(agent)).contains("SIGTERM: stopping the reconciler");
            }
            NAMES.forEach(n -> assertThat(rv(get(ns, n))).as(n).isEqualTo(rvs.get(n)));
            assertThat(rv(actions.withName("drl-action").get())).isEqualTo(crRv);

            // 5. the reconciler's rights: no spec writes, no creates, no deletes
            var mine = sa.genericKubernetesResources(ScaleActionWriter.CONTEXT).inNamespace(ns);
            assertThat(mine.list().getItems()).hasSize(1);
            assertForbidden(() -> mine.withName("drl-action").patch(PatchContext.of(PatchType.JSON_MERGE),
                    "{\"spec\":{\"servicehouse_podcount\":\"9\"}}"));
            assertForbidden(() -> mine.withName("drl-action").delete());
            GenericKubernetesResource other = new GenericKubernetesResource();
            other.setApiVersion(dev.kdrl.agent.k8s.ScaleActionSpec.API_VERSION);
            other.setKind(dev.kdrl.agent.k8s.ScaleActionSpec.KIND);
            other.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("x").build());
            assertForbidden(() -> mine.resource(other).create());
            assertForbidden(() -> sa.genericKubernetesResources(KnativeApplier.SERVICES).inNamespace(ns)
                    .withName("house").delete());
            assertForbidden(() -> sa.leases().inNamespace(ns).list());
            assertForbidden(() -> sa.genericKubernetesResources(ScaleActionWriter.CONTEXT).inNamespace("default")
                    .list());
        }
    }

    @Test
    void theReconcilerRetriesAFailedServiceAtTheNextResync() throws Exception {
        String ns = "resync";
        try (KubernetesClient sa = namespaceFor(ns, "rbac-reconciler.yaml")) {
            service(ns, "house", "1", "10", "1");
            var actions = admin.genericKubernetesResources(ScaleActionWriter.CONTEXT).inNamespace(ns);
            GenericKubernetesResource cr = new GenericKubernetesResource();
            cr.setApiVersion(dev.kdrl.agent.k8s.ScaleActionSpec.API_VERSION);
            cr.setKind(dev.kdrl.agent.k8s.ScaleActionSpec.KIND);
            cr.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("drl-action").build());
            Map<String, String> spec = new LinkedHashMap<>(fields("house", "2", "20", "2"));
            spec.putAll(fields("senti", "3", "30", "3"));
            cr.setAdditionalProperty("spec", spec);
            actions.resource(cr).create();
            List<AgentConfig.Service> services = List.of(new AgentConfig.Service("house", "house", null, Map.of(),
                    null, null), new AgentConfig.Service("senti", "senti", null, Map.of(), null, null));
            try (dev.kdrl.agent.knative.Reconciler reconciler = new dev.kdrl.agent.knative.Reconciler(sa, ns,
                    services, applier(sa, ns, KEEP, KnativeApplier.Events.NONE), Duration.ofSeconds(1))) {
                reconciler.start();
                await(() -> observed(actions.withName("drl-action").get()) == 1, Duration.ofSeconds(20), "status");
                Map<String, Object> status = actions.withName("drl-action").get().get("status");
                assertThat(at(status, "services", "senti")).containsEntry("result", "failed");
                assertThat(at(status, "services", "house")).containsEntry("result", "patched");
                // the missing Service appears: the same generation is applied again at a resync
                service(ns, "senti", "1", "10", "1");
                await(() -> "patched".equals(at(actions.withName("drl-action").get().get("status"), "services",
                        "senti").get("result")), Duration.ofSeconds(20), "senti applied at a resync");
                assertLimits(ns, "senti", "3", "30", "3");
                // house was patched by the first attempt: still reported so, not written again
                assertThat(at(actions.withName("drl-action").get().get("status"), "services", "house"))
                        .containsEntry("result", "patched");
                long crRv = rv(actions.withName("drl-action").get());
                Thread.sleep(2500); // two more resyncs: nothing failed, nothing to do
                assertThat(rv(actions.withName("drl-action").get())).isEqualTo(crRv);
            }
        }
    }

    @Test
    void theAgentInKnativeModeAppliesItsDecisionsThroughTheInClusterPath() throws Exception {
        String ns = "agent";
        try (KubernetesClient sa = namespaceFor(ns, "rbac-knative.yaml")) {
            for (String n : NAMES) {
                service(ns, n, "1", "10", "1");
            }
            Map<String, String> env = inCluster(ns, token(ns, "drl-agent"));
            Path config = knativeConfig(dir, ns, "{planner: greedy}", "{mode: knative}");
            assertThat(simulated(dir, "knative", env, config, TEST_20, 2))
                    .contains("applying to the Knative Services of " + ns).contains("knative: ");
            Map<String, String> spec = RealApiServerIT.expectedSpecAfter(2);
            for (String n : NAMES) {
                assertLimits(ns, n, spec.get("service" + n + "_resource"), spec.get("service" + n + "_concurrency"),
                        spec.get("service" + n + "_podcount"));
            }
            assertThat(sa.genericKubernetesResources(KnativeApplier.SERVICES).inNamespace(ns).withName("house").get())
                    .isNotNull();

            // restarted with the last period's load again: the same decision, found on the Services, writes nothing
            Map<String, Long> rvs = new LinkedHashMap<>();
            NAMES.forEach(n -> rvs.put(n, rv(get(ns, n))));
            Path again = Files.writeString(dir.resolve("again.csv"), "house,senti,numbr\n"
                    + Files.readAllLines(Path.of(TEST_20)).get(2) + "\n");
            assertThat(simulated(dir, "knative-restarted", env, config, again.toString(), 1))
                    .contains("2 decisions so far").contains("knative: house unchanged").contains("senti unchanged")
                    .contains("numbr unchanged");
            NAMES.forEach(n -> assertThat(rv(get(ns, n))).as(n).isEqualTo(rvs.get(n)));
        }
    }

    /**
     * The agent process with {@code apply.minScale: none}: every Service loses its min-scale and initial-scale, and
     * the decision observed what house holds in the cluster (its pods' charged cores, read with the ServiceAccount's
     * rights) rather than the paper model's initial pods.
     */
    @Test
    @SuppressWarnings("unchecked")
    void theAgentLeavingThePodsToKnativeObservesWhatTheServicesHold() throws Exception {
        String ns = "agent-kpa";
        try (KubernetesClient sa = namespaceFor(ns, "rbac-knative.yaml")) {
            for (String n : NAMES) {
                service(ns, n, "1", "10", "1");
            }
            ready(ns, "house", "house-00001", 1);
            heldPod(ns, "h1-a", "house", "house-00001", "3");
            heldPod(ns, "h1-b", "house", "house-00001", "3");
            Map<String, String> env = inCluster(ns, token(ns, "drl-agent"));
            Path home = Files.createDirectories(dir.resolve("kpa"));
            String none = "{mode: knative, minScale: none}";
            assertThat(simulated(home, "knative-kpa", env, knativeConfig(home, ns, "{planner: greedy}", none),
                    TEST_20, 1)).contains("planner greedy plans with the paper model's pod counts")
                    .contains("held in the cluster: house 2 pods 6.200 cores, senti 0 pods 0.000 cores")
                    .contains("scale left to Knative").doesNotContain("cannot read what the services hold");
            for (String n : NAMES) {
                assertThat(at(get(ns, n).getAdditionalProperties(), "spec", "template", "metadata", "annotations"))
                        .as(n).doesNotContainKeys(KnativeApplier.MIN_SCALE, KnativeApplier.INITIAL_SCALE);
            }
            // the first decision's observation: house's resource share is its two pods' 2 x 3.1 cores
            Path state = home.resolve("data/state/simulate/state.json");
            List<Number> observation = (List<Number>) new com.fasterxml.jackson.databind.ObjectMapper().readValue(
                    state.toFile(), Map.class).get("observation");
            dev.kdrl.env.quota.QuotaModel model = dev.kdrl.env.profile.Profiles.model("paper-general", null, null);
            double[] traffic = new double[3];
            int[] action = model.initial().action();
            assertThat(observation.get(0).doubleValue()).isEqualTo(model.observation(new double[] {6.2, 0, 0},
                    action, traffic)[0]).isNotEqualTo(model.observation(model.initial().resources(), action,
                    traffic)[0]);

            // the bundled cluster-trained model, run as trained: its training charged a pod nothing beyond its
            // container's limit, house's pods here carry a 100m queue-proxy: said, with the value to train with
            Path bundled = Files.createDirectories(dir.resolve("kpa-bundled"));
            Files.copy(Path.of("../models/cluster-none-trpo.zip"), bundled.resolve("model.zip"));
            assertThat(simulated(bundled, "knative-kpa-bundled", env, knativeConfig(bundled, ns,
                    "{model: model.zip}", none), TEST_20, 1)).contains("house: a pod of its newest Revision is charged "
                    + "0.1 cores beyond its container's CPU limit").contains("queueProxyCpu for house is 0.1")
                    .doesNotContain("senti: a pod of its newest Revision");
        }
    }

    /** test-20, the trace the agent processes below simulate. */
    private static final String TEST_20 = Path.of("../datasets/paper/test-20.csv").toAbsolutePath().toString();

    /** {@code home}/knative.yaml: an agent of {@code policy} in namespace {@code ns} with {@code apply}. */
    private static Path knativeConfig(Path home, String ns, String policy, String apply) throws Exception {
        return Files.writeString(home.resolve("knative.yaml"), AgentFixtures.config("http://127.0.0.1:9", policy,
                "{kind: last-value}", "namespace: " + ns + "\napply: " + apply));
    }

    /** The log of the agent process of {@code config} simulating {@code cycles} rows of {@code trace}: ended with 0. */
    private static String simulated(Path home, String name, Map<String, String> env, Path config, String trace,
                                    int cycles) throws Exception {
        try (AgentProcess agent = new AgentProcess(home, name, env, "--config", config.toString(), "--simulate",
                trace, "--cycles", Integer.toString(cycles))) {
            assertThat(agent.waitFor(Duration.ofSeconds(60))).as(agent.log()).isZero();
            return agent.log();
        }
    }

    private static Map<String, String> fields(String service, String cpu, String target, String pods) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("service" + service + "_resource", cpu);
        m.put("service" + service + "_concurrency", target);
        m.put("service" + service + "_podcount", pods);
        return m;
    }

    private void assertLimits(String ns, String name, String cpu, String target, String pods) {
        GenericKubernetesResource svc = get(ns, name);
        assertThat(at(svc.getAdditionalProperties(), "spec", "template", "metadata", "annotations")).as(name)
                .containsEntry(KnativeApplier.TARGET, target).containsEntry(KnativeApplier.MIN_SCALE, pods)
                .containsEntry(KnativeApplier.INITIAL_SCALE, pods);
        assertThat(at(svc.getAdditionalProperties(), "spec", "template", "spec", "containers", "0", "resources",
                "limits")).as(name).containsEntry("cpu", cpu).containsEntry("memory", "512Mi");
    }

    private static long observed(GenericKubernetesResource cr) {
        Map<String, Object> status = cr == null ? null : cr.get("status");
        return status != null && status.get("observedGeneration") instanceof Number n ? n.longValue() : -1;
    }

    private static String log(AgentProcess agent) {
        try {
            return agent.log();
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private Map<String, String> inCluster(String ns, String token) throws Exception {
        Path tokenFile = Files.writeString(dir.resolve(ns + "-token"), token);
        Path nsFile = Files.writeString(dir.resolve(ns + "-namespace"), ns);
        return Map.of("KUBERNETES_SERVICE_HOST", "127.0.0.1",
                "KUBERNETES_SERVICE_PORT", api.port(),
                "KUBERNETES_AUTH_TRYKUBECONFIG", "false",
                "KUBERNETES_AUTH_SERVICEACCOUNT_TOKEN", tokenFile.toString(),
                "KUBENAMESPACE", nsFile.toString(),
                "KUBERNETES_CERTS_CA_FILE", api.caFile().toString());
    }
}
