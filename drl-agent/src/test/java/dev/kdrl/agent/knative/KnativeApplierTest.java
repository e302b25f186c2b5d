package dev.kdrl.agent.knative;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kdrl.agent.config.AgentConfig;
import dev.kdrl.agent.k8s.MockKube;
import dev.kdrl.agent.k8s.WriteFailure;
import dev.kdrl.agent.knative.KnativeApplier.Result;
import dev.kdrl.agent.knative.KnativeApplier.Target;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the applier decides and sends, without a real API server: the JSON patch it builds, the values it refuses,
 * and how it answers status codes (injected as expectations: the mock's own JSON-patch handling is not relied on;
 * the real server's is tested in KnativeApplyIT).
 */
class KnativeApplierTest {
    private static final String PATH = "/apis/serving.knative.dev/v1/namespaces/default/services/house";
    private static final AgentConfig.Revisions KEEP = new AgentConfig.Revisions(false, Duration.ofSeconds(1), null);
    private MockKube kube;

    @BeforeEach
    void start() throws Exception {
        kube = new MockKube();
    }

    @AfterEach
    void stop() {
        kube.close();
    }

    private GenericKubernetesResource service(String yaml) {
        return kube.client.getKubernetesSerialization().unmarshal(yaml, GenericKubernetesResource.class);
    }

    private static final String HOUSE = """
            apiVersion: serving.knative.dev/v1
            kind: Service
            metadata: {name: house, namespace: default, resourceVersion: "17"}
            spec:
              template:
                metadata:
                  annotations: {autoscaling.knative.dev/target: "10", example.com/x: "y"}
                spec:
                  containers:
                    - name: app
                      image: app:1
                      resources: {limits: {memory: 1Gi}}
                    - name: sidecar
                      image: sidecar:1
            """;

    @Test
    @SuppressWarnings("unchecked")
    void thePatchTestsTheResourceVersionAndTouchesOnlyTheFourValues() throws Exception {
        String ops = KnativeApplier.ops(service(HOUSE), new Target("house", "house", "3500m", "20", "4"));
        List<Map<String, Object>> parsed = new ObjectMapper().readValue(ops, List.class);
        assertThat(parsed).extracting(o -> o.get("op") + " " + o.get("path") + " " + o.get("value")).containsExactly(
                "test /metadata/resourceVersion 17",
                "add /spec/template/metadata/annotations/autoscaling.knative.dev~1target 20",
                "add /spec/template/metadata/annotations/autoscaling.knative.dev~1min-scale 4",
                "add /spec/template/metadata/annotations/autoscaling.knative.dev~1initial-scale 4",
                "add /spec/template/spec/containers/0/resources/limits/cpu 3500m");
    }

    /**
     * A pod count of 0 (the paper profile's minimum) is min-scale 0 and initial-scale 1, which Knative's webhook
     * accepts (an initial-scale of 0 needs the cluster's allow-zero-initial-scale); held so, the Service is unchanged.
     */
    @Test
    @SuppressWarnings("unchecked")
    void noPodsIsMinScaleZeroAndInitialScaleOne() throws Exception {
        List<Map<String, Object>> parsed = new ObjectMapper().readValue(KnativeApplier.ops(service(HOUSE),
                new Target("house", "house", "1", "10", "0")), List.class);
        assertThat(parsed).extracting(o -> o.get("path") + " " + o.get("value")).contains(
                "/spec/template/metadata/annotations/autoscaling.knative.dev~1min-scale 0",
                "/spec/template/metadata/annotations/autoscaling.knative.dev~1initial-scale 1");
        storeWith("autoscaling.knative.dev/min-scale: \"0\", autoscaling.knative.dev/initial-scale: \"1\"");
        kube.client.genericKubernetesResources(KnativeApplier.SERVICES).inNamespace("default").withName("house")
                .edit(svc -> {
                    Map<String, Object> c0 = (Map<String, Object>) ((List<Object>) ((Map<String, Object>)
                            ((Map<String, Object>) ((Map<String, Object>) svc.getAdditionalProperties().get("spec"))
                                    .get("template")).get("spec")).get("containers")).get(0);
                    ((Map<String, Object>) c0.get("resources")).put("limits", Map.of("cpu", "1", "memory", "1Gi"));
                    return svc;
                });
        assertThat(applier().apply(List.of(new Target("house", "house", "1", "10", "0"))).of("house").result())
                .isEqualTo(Result.UNCHANGED);
        assertThat(KnativeApplier.initialScale(new Target("house", "house", "1", "10", "3"))).isEqualTo("3");
    }

    @Test
    @SuppressWarnings("unchecked")
    void aMissingParentObjectIsAddedWhole() throws Exception {
        GenericKubernetesResource bare = service("""
                apiVersion: serving.knative.dev/v1
                kind: Service
                metadata: {name: house, namespace: default, resourceVersion: "3"}
                spec:
                  template:
                    spec:
                      containers: [{image: app:1}]
                """);
        List<Map<String, Object>> parsed = new ObjectMapper().readValue(
                KnativeApplier.ops(bare, new Target("house", "house", "1", "5", "2")), List.class);
        assertThat(parsed).extracting(o -> o.get("op") + " " + o.get("path") + " " + o.get("value")).containsExactly(
                "test /metadata/resourceVersion 3",
                "add /spec/template/metadata {annotations={autoscaling.knative.dev/target=5, "
                        + "autoscaling.knative.dev/min-scale=2, autoscaling.knative.dev/initial-scale=2}}",
                "add /spec/template/spec/containers/0/resources {limits={cpu=1}}");
    }

    @Test
    @SuppressWarnings("unchecked")
    void aCpuRequestAboveTheNewLimitIsLoweredToItAndAnyOtherKept() throws Exception {
        String requested = """
                apiVersion: serving.knative.dev/v1
                kind: Service
                metadata: {name: numbr, namespace: default, resourceVersion: "8"}
                spec:
                  template:
                    metadata: {annotations: {autoscaling.knative.dev/target: "10"}}
                    spec:
                      containers: [{image: app:1, resources: {requests: {cpu: "%s"}, limits: {cpu: "1"}}}]
                """;
        List<Map<String, Object>> lowered = new ObjectMapper().readValue(KnativeApplier.ops(service(
                requested.formatted("1")), new Target("numbr", "numbr", "500m", "10", "3")), List.class);
        assertThat(lowered).extracting(o -> o.get("op") + " " + o.get("path") + " " + o.get("value")).endsWith(
                "add /spec/template/spec/containers/0/resources/limits/cpu 500m",
                "add /spec/template/spec/containers/0/resources/requests/cpu 500m");
        for (String kept : List.of("250m", "0.5", "500m")) {
            List<Map<String, Object>> parsed = new ObjectMapper().readValue(KnativeApplier.ops(service(
                    requested.formatted(kept)), new Target("numbr", "numbr", "500m", "10", "3")), List.class);
            assertThat(parsed).as(kept).extracting(o -> (String) o.get("path"))
                    .noneMatch(path -> path.contains("requests"));
        }
        assertThat(KnativeApplier.parseQuantity("3500m")).isEqualByComparingTo("3.5");
        assertThat(KnativeApplier.parseQuantity("2")).isEqualByComparingTo("2");
        assertThat(KnativeApplier.parseQuantity("lots")).isNull();
    }

    @Test
    @SuppressWarnings("unchecked")
    void leavingThePodsToKnativeRemovesMinAndInitialScaleAndWritesNoPodCount() throws Exception {
        String scaled = HOUSE.replace("example.com/x: \"y\"", "example.com/x: \"y\", "
                + "autoscaling.knative.dev/min-scale: \"4\", autoscaling.knative.dev/initial-scale: \"4\"");
        List<Map<String, Object>> parsed = new ObjectMapper().readValue(KnativeApplier.ops(service(scaled),
                new Target("house", "house", "3500m", "20", "9"), true), List.class);
        assertThat(parsed).extracting(o -> o.get("op") + " " + o.get("path") + " " + o.get("value")).containsExactly(
                "test /metadata/resourceVersion 17",
                "remove /spec/template/metadata/annotations/autoscaling.knative.dev~1min-scale null",
                "remove /spec/template/metadata/annotations/autoscaling.knative.dev~1initial-scale null",
                "add /spec/template/metadata/annotations/autoscaling.knative.dev~1target 20",
                "add /spec/template/spec/containers/0/resources/limits/cpu 3500m");
        assertThat(parsed.get(1)).containsOnlyKeys("op", "path");
        // nothing to remove: only the target and the CPU limit
        List<Map<String, Object>> plain = new ObjectMapper().readValue(KnativeApplier.ops(service(HOUSE),
                new Target("house", "house", "3500m", "20", "9"), true), List.class);
        assertThat(plain).extracting(o -> (String) o.get("op")).containsExactly("test", "add", "add");
        assertThat(plain.toString()).doesNotContain("min-scale").doesNotContain("initial-scale");
        // the pod count is neither checked nor written
        assertThat(KnativeApplier.invalid(new Target("house", "house", "1", "20", null), false)).isNull();
        assertThat(KnativeApplier.invalid(new Target("house", "house", "lots", "20", null), false))
                .startsWith("resource 'lots'");
    }

    @Test
    @SuppressWarnings("unchecked")
    void withThePodsLeftToKnativeAServiceWithoutScaleAnnotationsIsUnchangedAndMaxScaleNoObstacle() throws Exception {
        storeWith("autoscaling.knative.dev/maxScale: \"3\", autoscaling.knative.dev/min-scale: \"4\", "
                + "autoscaling.knative.dev/initial-scale: \"4\"");
        KnativeApplier applier = applier().leavingPods(true);
        assertThat(applier.leavesPods()).isTrue();
        // a pod count above max-scale (refused as min-scale) is no obstacle: it is not written
        KnativeApplier.Report first = applier.apply(List.of(new Target("house", "house", "2", "20", "40")));
        assertThat(first.of("house").result()).isEqualTo(Result.PATCHED);
        assertThat(first.of("house").message()).isEqualTo("patched (cpu 2, target 20, scale left to Knative)");
        Map<String, Object> annotations = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>)
                ((Map<String, Object>) kube.client.genericKubernetesResources(KnativeApplier.SERVICES)
                        .inNamespace("default").withName("house").get().getAdditionalProperties().get("spec"))
                        .get("template")).get("metadata")).get("annotations");
        assertThat(annotations).containsEntry("autoscaling.knative.dev/target", "20")
                .containsEntry("autoscaling.knative.dev/maxScale", "3")
                .doesNotContainKeys(KnativeApplier.MIN_SCALE, KnativeApplier.INITIAL_SCALE);
        // another pod count, same configuration: nothing to write
        KnativeApplier.Report again = applier.apply(List.of(new Target("house", "house", "2000m", "20", "7")));
        assertThat(again.of("house").result()).isEqualTo(Result.UNCHANGED);
        assertThat(patches()).isEqualTo(1);
        // the older spellings, which Knative still reads, are removed too
        applier().apply(List.of(new Target("house", "house", "2", "20", "3")));
        kube.client.genericKubernetesResources(KnativeApplier.SERVICES).inNamespace("default").withName("house")
                .edit(s -> {
                    ((Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) s
                            .getAdditionalProperties().get("spec")).get("template")).get("metadata"))
                            .get("annotations")).putAll(Map.of("autoscaling.knative.dev/minScale", "2",
                                    "autoscaling.knative.dev/initialScale", "2"));
                    return s;
                });
        assertThat(applier.apply(List.of(new Target("house", "house", "2", "20", "3"))).of("house").result())
                .isEqualTo(Result.PATCHED);
        Map<String, Object> cleared = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>)
                ((Map<String, Object>) kube.client.genericKubernetesResources(KnativeApplier.SERVICES)
                        .inNamespace("default").withName("house").get().getAdditionalProperties().get("spec"))
                        .get("template")).get("metadata")).get("annotations");
        assertThat(cleared).doesNotContainKeys(KnativeApplier.POD_SCALE_KEYS.toArray(String[]::new));
        assertThat(applier.apply(List.of(new Target("house", "house", "2", "20", "3"))).of("house").result())
                .isEqualTo(Result.UNCHANGED);
        // the default applier writes the pod count again
        KnativeApplier.Report pods = applier().apply(List.of(new Target("house", "house", "2", "20", "3")));
        assertThat(pods.of("house").result()).isEqualTo(Result.PATCHED);
    }

    /**
     * A decision saved as pending is settled against what the Services hold: with the pods left to Knative its
     * podcount is not there to compare, so only the configurations are.
     */
    @Test
    void aPendingDecisionIsSettledOnTheFieldsTheSinkWrites() {
        Map<String, String> decided = Map.of("servicehouse_resource", "2", "servicehouse_concurrency", "20",
                "servicehouse_podcount", "4");
        java.util.HashMap<String, String> live = new java.util.HashMap<>(decided);
        live.put("servicehouse_podcount", null); // no min-scale on the Service
        List<AgentConfig.Service> services = List.of(new AgentConfig.Service("house", "house", null, Map.of(), null,
                null));
        KnativeSink leaving = new KnativeSink(applier().leavingPods(true), services, null);
        KnativeSink writing = new KnativeSink(applier(), services, null);
        assertThat(leaving.holds(decided, live)).isTrue();
        assertThat(writing.holds(decided, live)).isFalse();
        assertThat(writing.holds(decided, decided)).isTrue();
        live.put("servicehouse_concurrency", "15");
        assertThat(leaving.holds(decided, live)).isFalse();
        assertThat(leaving.holds(decided, null)).isFalse();
    }

    @Test
    void badValuesAreRefusedSayingWhatWasExpected() {
        assertThat(KnativeApplier.invalid(new Target("house", "house", "3500m", "20", "4"))).isNull();
        assertThat(KnativeApplier.invalid(new Target("house", "house", "lots", "20", "4")))
                .isEqualTo("resource 'lots' is not a CPU quantity (expected e.g. 3500m or 3.5)");
        assertThat(KnativeApplier.invalid(new Target("house", "house", "1", "-3", "4")))
                .isEqualTo("concurrency '-3' is not a number (expected e.g. 20)");
        assertThat(KnativeApplier.invalid(new Target("house", "house", "1", "20", null)))
                .isEqualTo("podcount missing is not a whole number of pods (expected e.g. 4)");
        assertThat(KnativeApplier.pointer("a/b~c")).isEqualTo("a~1b~0c");
    }

    private KnativeApplier applier() {
        return new KnativeApplier(kube.client, "default", 2, Duration.ofMillis(5), KEEP, KnativeApplier.Events.NONE);
    }

    private void store() {
        kube.client.genericKubernetesResources(KnativeApplier.SERVICES).inNamespace("default")
                .resource(service(HOUSE.replace("resourceVersion: \"17\"", ""))).create();
    }

    /** Stores house with {@code annotations} (flow-style YAML entries) in place of its example annotation. */
    private void storeWith(String annotations) {
        kube.client.genericKubernetesResources(KnativeApplier.SERVICES).inNamespace("default").resource(service(HOUSE
                .replace("resourceVersion: \"17\"", "").replace("example.com/x: \"y\"", annotations))).create();
    }

    private long patches() throws InterruptedException {
        long n = 0;
        int count = kube.server.getRequestCount();
        for (int i = 0; i < count; i++) {
            var r = kube.server.takeRequest(1, java.util.concurrent.TimeUnit.SECONDS);
            if (r != null && r.getMethod().equals("PATCH")) {
                n++;
            }
        }
        return n;
    }

    @Test
    void aResourceQuotaBelowThePlannedQuotaIsNamedOnceAndNoneIsSaidOnce() throws Exception {
        store();
        try (dev.kdrl.agent.ConsoleLog log = new dev.kdrl.agent.ConsoleLog()) {
            KnativeApplier applier = applier().plannedFor(40);
            applier.apply(List.of(new Target("house", "house", "2", "20", "4")));
            applier.apply(List.of(new Target("house", "house", "3", "20", "4")));
            assertThat(log.lines("INFO ", "KnativeApplier")).filteredOn(l -> l.contains("no ResourceQuota")).hasSize(1)
                    .allMatch(l -> l.endsWith("namespace default has no ResourceQuota with a limits.cpu: roll-outs are "
                            + "not checked against a quota"));
            kube.client.resourceQuotas().inNamespace("default").resource(new io.fabric8.kubernetes.api.model
                    .ResourceQuotaBuilder().withNewMetadata().withName("cores").endMetadata().withNewSpec()
                    .addToHard("limits.cpu", new io.fabric8.kubernetes.api.model.Quantity("10")).endSpec().build())
                    .create();
            applier.apply(List.of(new Target("house", "house", "2", "20", "4")));
            applier.apply(List.of(new Target("house", "house", "3", "20", "4")));
            assertThat(log.lines("WARN ", "KnativeApplier")).filteredOn(l -> l.contains("planned for")).hasSize(1)
                    .allMatch(l -> l.endsWith("ResourceQuota default/cores allows limits.cpu 10 cores, but the "
                            + "decisions are planned for a quota of 40 cores (agent.yaml quota): set quota: 10 there, "
                            + "or raise the ResourceQuota"));
        }
    }

    @Test
    void theResourceForObserversNotWrittenLeavesTheAppliedDecisionStanding() throws Exception {
        store();
        dev.kdrl.agent.k8s.ActionSink refusing = new dev.kdrl.agent.k8s.ActionSink() {
            @Override
            public String write(Map<String, String> spec) throws dev.kdrl.agent.k8s.WriteFailure {
                throw new dev.kdrl.agent.k8s.WriteFailure(dev.kdrl.agent.k8s.WriteFailure.Kind.FORBIDDEN,
                        "the API server refused (403) to write drlscaleactions default/drl-action", null);
            }

            @Override
            public Map<String, String> current() {
                return null;
            }
        };
        KnativeSink sink = new KnativeSink(applier(), List.of(new dev.kdrl.agent.config.AgentConfig.Service("house",
                "house", null, Map.of(), null, null)), refusing);
        String done = sink.write(Map.of("servicehouse_resource", "2", "servicehouse_concurrency", "20",
                "servicehouse_podcount", "4"));
        assertThat(done).startsWith("knative: house patched").endsWith("; the DRLScaleAction for observers was not "
                + "written (forbidden: the API server refused (403) to write drlscaleactions default/drl-action)");
        assertThat(sink.current()).containsEntry("servicehouse_podcount", "4");
    }

    @Test
    void aDecisionFailingForOneServiceNamesTheServicesItAppliedAllTheSame() throws Exception {
        store();
        kube.server.expect().get().withPath("/apis/serving.knative.dev/v1").andReturn(200, new io.fabric8.kubernetes
                .api.model.APIResourceListBuilder().withGroupVersion("serving.knative.dev/v1").addNewResource()
                .withName("services").withKind("Service").withNamespaced(true).endResource().build()).always();
        KnativeSink sink = new KnativeSink(applier(), List.of(
                new dev.kdrl.agent.config.AgentConfig.Service("house", "house", null, Map.of(), null, null),
                new dev.kdrl.agent.config.AgentConfig.Service("senti", "senti", null, Map.of(), null, null)), null);
        assertThatThrownBy(() -> sink.write(Map.of("servicehouse_resource", "2", "servicehouse_concurrency", "20",
                "servicehouse_podcount", "4", "servicesenti_resource", "2", "servicesenti_concurrency", "10",
                "servicesenti_podcount", "3")))
                .isInstanceOfSatisfying(WriteFailure.class, e -> {
                    assertThat(e.kind()).isEqualTo(WriteFailure.Kind.NOT_FOUND);
                    assertThat(e.applied()).containsExactly("house");
                    assertThat(e.getMessage()).contains("house patched").contains("senti failed");
                });
        assertThat(sink.current()).containsEntry("servicehouse_podcount", "4");
    }

    @Test
    void aServiceMissingBecauseKnativeIsNotInstalledSaysSo() throws Exception {
        // fabric8's mock serves no serving.knative.dev group: as a cluster without Knative
        KnativeApplier.Report none = applier().apply(List.of(new Target("house", "house", "2", "20", "4")));
        assertThat(none.of("house").message()).isEqualTo("failed: the API server does not serve "
                + "serving.knative.dev/v1 (404 for Knative Service default/house): Knative Serving is not installed "
                + "in this cluster; install it, or use apply.mode cr");
        kube.server.expect().get().withPath("/apis/serving.knative.dev/v1").andReturn(200, new io.fabric8.kubernetes
                .api.model.APIResourceListBuilder().withGroupVersion("serving.knative.dev/v1").addNewResource()
                .withName("services").withKind("Service").withNamespaced(true).endResource().build()).always();
        KnativeApplier.Report missing = applier().apply(List.of(new Target("house", "house", "2", "20", "4")));
        assertThat(missing.of("house").message()).isEqualTo("failed: Knative Service default/house not found (404): "
                + "create it, or map house to its name (services[].knativeService)");
    }

    @Test
    void aMaxScaleBelowTheDecisionsPodsIsNamedAndNothingIsWritten() throws Exception {
        storeWith("autoscaling.knative.dev/maxScale: \"3\"");
        KnativeApplier.Report refused = applier().apply(List.of(new Target("house", "house", "2", "20", "4")));
        assertThat(refused.of("house").result()).isEqualTo(Result.FAILED);
        assertThat(refused.of("house").failure()).isEqualTo(dev.kdrl.agent.k8s.WriteFailure.Kind.OTHER);
        assertThat(refused.of("house").message()).isEqualTo("failed: Knative Service default/house has "
                + "autoscaling.knative.dev/maxScale 3, below the decision's 4 pods (min-scale), which Knative refuses: "
                + "raise or remove its autoscaling.knative.dev/maxScale");
        assertThat(patches()).isZero();
        // at the bound, Knative accepts it
        KnativeApplier.Report atBound = applier().apply(List.of(new Target("house", "house", "2", "20", "3")));
        assertThat(atBound.of("house").result()).isEqualTo(Result.PATCHED);
        assertThat(patches()).isEqualTo(1);
    }

    @Test
    void maxScaleZeroIsUnlimitedAndTheNewSpellingIsReadFirst() throws Exception {
        storeWith("autoscaling.knative.dev/max-scale: \"0\", autoscaling.knative.dev/maxScale: \"2\"");
        KnativeApplier.Report report = applier().apply(List.of(new Target("house", "house", "2", "20", "40")));
        assertThat(report.of("house").result()).isEqualTo(Result.PATCHED);
    }

    @Test
    void anActivationScaleBelowTheDecisionsPodsIsNamed() throws Exception {
        storeWith("autoscaling.knative.dev/activation-scale: \"2\"");
        KnativeApplier.Report report = applier().apply(List.of(new Target("house", "house", "2", "20", "4")));
        assertThat(report.of("house").message()).isEqualTo("failed: Knative Service default/house has "
                + "autoscaling.knative.dev/activation-scale 2, below the decision's 4 pods (min-scale), which Knative "
                + "refuses: raise or remove its autoscaling.knative.dev/activation-scale");
        assertThat(patches()).isZero();
    }

    @Test
    void a409IsReadAgainAndRetried() throws Exception {
        store();
        kube.server.expect().patch().withPath(PATH).andReturn(409, new StatusBuilder().withCode(409)
                .withReason("Conflict").withMessage("the object has been modified").build()).once();
        kube.server.expect().patch().withPath(PATH).andReturn(200, service(HOUSE)).once();
        KnativeApplier.Report report = applier().apply(List.of(new Target("house", "house", "2", "20", "4")));
        assertThat(report.of("house").result()).isEqualTo(Result.PATCHED);
        assertThat(report.of("house").message()).contains("after 1 conflict");
        assertThat(patches()).isEqualTo(2);
    }

    @Test
    void a403IsNotRetriedAndSaysWhatToGrant() throws Exception {
        store();
        kube.server.expect().patch().withPath(PATH).andReturn(403, new StatusBuilder().withCode(403)
                .withReason("Forbidden").withMessage("services.serving.knative.dev \"house\" is forbidden").build())
                .always();
        KnativeApplier.Report report = applier().apply(List.of(new Target("house", "house", "2", "20", "4")));
        assertThat(report.of("house").failure()).isEqualTo(WriteFailure.Kind.FORBIDDEN);
        assertThat(report.of("house").message()).contains("refused (403) to patch")
                .contains("deploy/rbac-knative.yaml").doesNotContain("\n");
        assertThat(patches()).isEqualTo(1);
    }

    @Test
    void serverErrorsAreRetriedThenGivenUp() throws Exception {
        store();
        kube.server.expect().patch().withPath(PATH).andReturn(503, new StatusBuilder().withCode(503)
                .withMessage("etcd unavailable").build()).always();
        KnativeApplier.Report report = applier().apply(List.of(new Target("house", "house", "2", "20", "4")));
        assertThat(report.of("house").failure()).isEqualTo(WriteFailure.Kind.GAVE_UP);
        assertThat(report.of("house").message()).contains("still failing after 3 attempts");
        assertThat(patches()).isEqualTo(3);
    }

    @Test
    void aPatchThatLandedThoughItsLastAnswerWasAnErrorIsFoundByOneLastRead() throws Exception {
        store();
        kube.server.expect().patch().withPath(PATH).andReturn(503, new StatusBuilder().withCode(503)
                .withMessage("etcd timed out after the write").build()).always();
        KnativeApplier a = applier();
        int[] calls = {0};
        a.beforePatch(name -> {
            if (++calls[0] == 3) {
                // the last attempt reaches the store, but its answer is a 503
                var services = kube.client.genericKubernetesResources(KnativeApplier.SERVICES).inNamespace("default");
                services.withName("house").delete();
                services.resource(service(HOUSE.replace("resourceVersion: \"17\"", "").replace(
                        "{autoscaling.knative.dev/target: \"10\", example.com/x: \"y\"}",
                        "{autoscaling.knative.dev/target: \"20\", autoscaling.knative.dev/min-scale: \"4\", "
                                + "autoscaling.knative.dev/initial-scale: \"4\", example.com/x: \"y\"}")
                        .replace("{limits: {memory: 1Gi}}", "{limits: {memory: 1Gi, cpu: \"2\"}}"))).create();
            }
        });
        KnativeApplier.Report report = a.apply(List.of(new Target("house", "house", "2", "20", "4")));
        assertThat(report.of("house").failure()).isNull();
        assertThat(report.of("house").result()).isEqualTo(Result.UNCHANGED);
        assertThat(report.of("house").message()).contains("found set after the last attempt failed: it landed");
        assertThat(patches()).isEqualTo(3);
    }

    @Test
    void theSpecNamesMapToTheConfiguredKnativeServices() {
        List<AgentConfig.Service> services = List.of(
                new AgentConfig.Service("house", "deploy-a", null, Map.of(), null, null),
                new AgentConfig.Service("senti", "sentiment", null, Map.of(), null, null));
        assertThat(KnativeSink.targets(services, Map.of("servicehouse_resource", "3500m",
                "servicehouse_concurrency", "20", "servicehouse_podcount", "4", "servicesenti_podcount", "2")))
                .containsExactly(new Target("house", "deploy-a", "3500m", "20", "4"),
                        new Target("senti", "sentiment", null, null, "2"));
    }
}
