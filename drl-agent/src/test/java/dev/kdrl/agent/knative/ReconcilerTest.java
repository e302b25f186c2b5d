package dev.kdrl.agent.knative;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kdrl.agent.config.AgentConfig;
import dev.kdrl.agent.k8s.ApiFailure;
import dev.kdrl.agent.k8s.Crd;
import dev.kdrl.agent.k8s.MockKube;
import dev.kdrl.agent.k8s.ScaleActionSpec;
import dev.kdrl.agent.k8s.ScaleActionWriter;
import dev.kdrl.agent.ops.AgentMetrics;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The reconciler on fabric8's mock server (KnativeApplyIT plays it on a real one): what it needs from the cluster
 * before it starts, refused in one line saying what to fix (fabric8 alone logs a stack trace from the informer's
 * thread, or throws one out of main), and the services it leaves failed or invalid, counted.
 */
class ReconcilerTest {
    static final String LIST = "/apis/" + ScaleActionSpec.GROUP + "/" + ScaleActionSpec.VERSION
            + "/namespaces/default/" + ScaleActionSpec.PLURAL + "?limit=1";

    @Test
    void aMissingCrdOrNoRightToListIsOneLineSayingWhatToFix() throws Exception {
        try (MockKube kube = new MockKube()) {
            kube.server.expect().get().withPath(LIST).andReturn(404, new StatusBuilder().withCode(404)
                    .withMessage("the server could not find the requested resource").build()).once();
            kube.server.expect().get().withPath(LIST).andReturn(403, new StatusBuilder().withCode(403)
                    .withMessage("drlscaleactions is forbidden: User \"x\" cannot list resource").build()).once();
            Reconciler r = new Reconciler(kube.client, "default", List.of(), null, Duration.ofSeconds(60));
            assertThatThrownBy(r::start).isInstanceOf(ApiFailure.class).hasMessage("the API server has no "
                    + "drlscaleactions." + ScaleActionSpec.GROUP + " in namespace default (404): install the CRD "
                    + "(deploy/crd.yaml or --install-crd) and check the namespace");
            assertThatThrownBy(r::start).isInstanceOf(ApiFailure.class).hasMessage("the API server refused (403) to "
                    + "list drlscaleactions." + ScaleActionSpec.GROUP + " in namespace default: grant get, list, watch "
                    + "on it and patch on its status (deploy/rbac-reconciler.yaml); drlscaleactions is forbidden: "
                    + "User \"x\" cannot list resource");
        }
    }

    @Test
    void installingTheCrdWithoutTheRightSaysHowElse() throws Exception {
        try (MockKube kube = new MockKube()) {
            kube.server.expect().post().withPath("/apis/apiextensions.k8s.io/v1/customresourcedefinitions")
                    .andReturn(403, new StatusBuilder().withCode(403).withMessage("forbidden").build()).always();
            assertThatThrownBy(() -> Crd.install(kube.client, false)).isInstanceOf(ApiFailure.class).hasMessage(
                    "--install-crd: the API server refused (403) to create or update CustomResourceDefinition "
                            + Crd.NAME + ": it needs cluster-wide create and update on customresourcedefinitions, "
                            + "which the deploy/rbac*.yaml roles do not grant: apply deploy/crd.yaml once as a "
                            + "cluster administrator instead, and drop --install-crd");
        }
    }

    @Test
    void servicesLeftFailedOrInvalidAreCounted() throws Exception {
        try (MockKube kube = new MockKube()) {
            // numbr has no Knative Service (404: failed); extra is not a configured service (invalid)
            create(kube, Map.of("servicenumbr_resource", "1", "servicenumbr_concurrency", "10",
                    "servicenumbr_podcount", "6", "serviceextra_podcount", "2"));
            AgentMetrics metrics = AgentMetrics.forReconciler(List.of("house", "senti", "numbr"));
            List<String> told = new ArrayList<>();
            Reconciler r = new Reconciler(kube.client, "default", List.of(new AgentConfig.Service("numbr", "numbr",
                    null, Map.of(), null, null)), new KnativeApplier(kube.client, "default", 0, Duration.ofMillis(1),
                    new AgentConfig.Revisions(false, Duration.ofSeconds(1), Duration.ofSeconds(1)),
                    KnativeApplier.Events.NONE), Duration.ofSeconds(60))
                    .onFailure((service, result) -> {
                        told.add(service + " " + result);
                        metrics.serviceFailure(service, result);
                    });
            List<ch.qos.logback.classic.spi.ILoggingEvent> logged = logging(() -> r.reconcile("drl-action"));
            assertThat(told).containsExactlyInAnyOrder("numbr failed", "extra invalid");
            // one warning says it all: the status line, at WARN for a failure (the applier does not repeat it)
            assertThat(logged).filteredOn(e -> e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.WARN))
                    .singleElement().satisfies(e -> assertThat(e.getFormattedMessage())
                            .startsWith("default/drl-action generation ").contains("(404 for Knative Service "
                                    + "default/numbr)").contains("is not in the configuration"));
            assertThat(metrics.scrape()).contains("drl_agent_service_failures_total{result=\"failed\",service=\"numbr\"} 1.0")
                    .contains("drl_agent_service_failures_total{result=\"invalid\",service=\"other\"} 1.0")
                    .contains("drl_agent_service_failures_total{result=\"failed\",service=\"house\"} 0.0")
                    .contains("drl_agent_service_patches_total{service=\"house\"} 0.0")
                    // a reconciler decides nothing: no cycle, query, decision or leader series to trip alerts
                    .doesNotContain("drl_agent_cycles_total").doesNotContain("drl_agent_leader")
                    .doesNotContain("drl_agent_query_failures_total").doesNotContain("drl_agent_observed_load");
        }
    }

    private interface Body {
        void run() throws Exception;
    }

    /** What the reconciler and its applier logged while {@code body} ran. */
    private static List<ch.qos.logback.classic.spi.ILoggingEvent> logging(Body body) throws Exception {
        List<ch.qos.logback.classic.Logger> loggers = List.of(
                (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(Reconciler.class),
                (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(KnativeApplier.class));
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender =
                new ch.qos.logback.core.read.ListAppender<>();
        appender.start();
        loggers.forEach(l -> l.addAppender(appender));
        try {
            body.run();
        } finally {
            loggers.forEach(l -> l.detachAppender(appender));
        }
        return appender.list;
    }

    /** A pod count above the configured service's maxPods is not applied: invalid, named, the Service not read. */
    @Test
    @SuppressWarnings("unchecked")
    void aPodCountAboveMaxPodsIsNotApplied() throws Exception {
        try (MockKube kube = new MockKube()) {
            // neither Service exists: one the applier tried would be failed (404), not invalid
            create(kube, Map.of("servicehouse_resource", "2", "servicehouse_concurrency", "10",
                    "servicehouse_podcount", "151", "servicesenti_resource", "2", "servicesenti_concurrency", "10",
                    "servicesenti_podcount", "150"));
            List<String> told = new ArrayList<>();
            Reconciler r = new Reconciler(kube.client, "default", List.of(
                    new AgentConfig.Service("house", "house", null, Map.of(), null, 150),
                    new AgentConfig.Service("senti", "senti", null, Map.of(), null, 150)),
                    new KnativeApplier(kube.client, "default", 0, Duration.ofMillis(1),
                            new AgentConfig.Revisions(false, Duration.ofSeconds(1), Duration.ofSeconds(1)),
                            KnativeApplier.Events.NONE), Duration.ofSeconds(60))
                    .onFailure((service, result) -> told.add(service + " " + result));
            Map<String, Object> status = r.reconcile("drl-action");
            assertThat(told).containsExactlyInAnyOrder("house invalid", "senti failed");
            Map<String, Map<String, String>> services = (Map<String, Map<String, String>>) status.get("services");
            assertThat(services.get("house")).containsEntry("result", "invalid").containsEntry("message",
                    "spec.servicehouse_podcount: 151 pods is above the configuration's maxPods of house (150): not "
                            + "applied");
            assertThat(services.get("senti").get("result")).isEqualTo("failed");
        }
        assertThat(Reconciler.aboveMaxPods(new KnativeApplier.Target("a", "a", "1", "10", "7"), null)).isNull();
        // without maxPods configured, the default cap (the deciding agent's) applies; any length of digits counts
        assertThat(Reconciler.aboveMaxPods(new KnativeApplier.Target("a", "a", "1", "10", "150000"), null)).isNull();
        assertThat(Reconciler.aboveMaxPods(new KnativeApplier.Target("a", "a", "1", "10", "150001"), null))
                .isEqualTo("spec.servicea_podcount: 150001 pods is above the default maxPods (150000; none is "
                        + "configured for a): not applied");
        assertThat(Reconciler.aboveMaxPods(new KnativeApplier.Target("a", "a", "1", "10", "99999999999999999999"), 5))
                .startsWith("spec.servicea_podcount: 99999999999999999999 pods is above the configuration's maxPods");
        assertThat(Reconciler.aboveMaxPods(new KnativeApplier.Target("a", "a", "1", "10", "x"), 5)).isNull();
    }

    /**
     * With the pods left to Knative ({@code apply.minScale: none}) a resource's podcount is neither checked nor
     * applied: a podcount above maxPods, or none at all, does not stop its configuration.
     */
    @Test
    @SuppressWarnings("unchecked")
    void withThePodsLeftToKnativeThePodcountIsNeitherCheckedNorApplied() throws Exception {
        try (MockKube kube = new MockKube()) {
            for (String name : List.of("house", "senti")) {
                kube.client.genericKubernetesResources(KnativeApplier.SERVICES).inNamespace("default").resource(
                        kube.client.getKubernetesSerialization().unmarshal("""
                                apiVersion: serving.knative.dev/v1
                                kind: Service
                                metadata: {name: %s, namespace: default}
                                spec:
                                  template:
                                    metadata: {annotations: {autoscaling.knative.dev/min-scale: "4"}}
                                    spec: {containers: [{image: app:1}]}
                                """.formatted(name), GenericKubernetesResource.class)).create();
            }
            create(kube, Map.of("servicehouse_resource", "2", "servicehouse_concurrency", "10",
                    "servicehouse_podcount", "151", "servicesenti_resource", "1500m", "servicesenti_concurrency",
                    "15"));
            Reconciler r = new Reconciler(kube.client, "default", List.of(
                    new AgentConfig.Service("house", "house", null, Map.of(), null, 150),
                    new AgentConfig.Service("senti", "senti", null, Map.of(), null, 150)),
                    new KnativeApplier(kube.client, "default", 0, Duration.ofMillis(1),
                            new AgentConfig.Revisions(false, Duration.ofSeconds(1), null),
                            KnativeApplier.Events.NONE).leavingPods(true), Duration.ofSeconds(60));
            Map<String, Object> status = r.reconcile("drl-action");
            Map<String, Map<String, String>> services = (Map<String, Map<String, String>>) status.get("services");
            assertThat(services.get("house")).containsEntry("result", "patched");
            assertThat(services.get("senti")).containsEntry("result", "patched");
            for (String name : List.of("house", "senti")) {
                Map<String, Object> template = (Map<String, Object>) ((Map<String, Object>) kube.client
                        .genericKubernetesResources(KnativeApplier.SERVICES).inNamespace("default").withName(name)
                        .get().getAdditionalProperties().get("spec")).get("template");
                assertThat((Map<String, Object>) ((Map<String, Object>) template.get("metadata")).get("annotations"))
                        .as(name).doesNotContainKey(KnativeApplier.MIN_SCALE)
                        .doesNotContainKey(KnativeApplier.INITIAL_SCALE)
                        .containsEntry(KnativeApplier.TARGET, name.equals("house") ? "10" : "15");
            }
        }
    }

    /** The DRLScaleAction drl-action, generation 1, with {@code spec}, in namespace default. */
    private static void create(MockKube kube, Map<String, Object> spec) {
        GenericKubernetesResource cr = new GenericKubernetesResource();
        cr.setApiVersion(ScaleActionSpec.API_VERSION);
        cr.setKind(ScaleActionSpec.KIND);
        cr.setMetadata(new ObjectMetaBuilder().withName("drl-action").withGeneration(1L).build());
        cr.setAdditionalProperty("spec", spec);
        kube.client.genericKubernetesResources(ScaleActionWriter.CONTEXT).inNamespace("default").resource(cr).create();
    }
}
