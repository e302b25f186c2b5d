package dev.kdrl.agent.knative;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kdrl.agent.config.AgentConfig;
import dev.kdrl.agent.k8s.MockKube;
import dev.kdrl.agent.loop.HeldSource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What {@link KnativeHeld} reads of the cluster: each Service's newest Revision's pods and the cores charged. */
class KnativeHeldTest {
    private static final Instant NOW = Instant.parse("2026-12-08T10:00:00Z");

    private static Pod pod(MockKube kube, String name, String service, String revision, String phase, String yaml) {
        Pod p = kube.client.getKubernetesSerialization().unmarshal("""
                apiVersion: v1
                kind: Pod
                metadata:
                  name: %s
                  namespace: default
                  labels: {serving.knative.dev/service: %s, serving.knative.dev/revision: %s}
                %s
                status: {phase: %s}
                """.formatted(name, service, revision, yaml, phase), Pod.class);
        return kube.client.pods().inNamespace("default").resource(p).create();
    }

    private static final String TWO_CORES = """
            spec:
              containers:
                - {name: user-container, image: app:1, resources: {limits: {cpu: "2"}}}
                - {name: queue-proxy, image: qp:1, resources: {limits: {cpu: 250m}}}
            """;

    @Test
    void theNewestRevisionsPodsAndEveryChargedPodsCores() throws Exception {
        try (MockKube kube = new MockKube()) {
            kube.client.genericKubernetesResources(KnativeApplier.SERVICES).inNamespace("default").resource(
                    kube.client.getKubernetesSerialization().unmarshal("""
                            apiVersion: serving.knative.dev/v1
                            kind: Service
                            metadata: {name: house-svc, namespace: default}
                            spec: {template: {spec: {containers: [{image: app:1}]}}}
                            status: {latestCreatedRevisionName: house-00002, latestReadyRevisionName: house-00001}
                            """, GenericKubernetesResource.class)).create();
            // the newest Revision: one running, one pending (starting): both counted and charged
            pod(kube, "h2-a", "house-svc", "house-00002", "Running", TWO_CORES);
            pod(kube, "h2-b", "house-svc", "house-00002", "Pending", TWO_CORES
                    + "    - {name: istio-proxy, image: ip:1, resources: {limits: {cpu: 100m}}}\n");
            // the old Revision: charged, not counted
            pod(kube, "h1-a", "house-svc", "house-00001", "Running", TWO_CORES.replace("\"2\"", "\"3\""));
            // finished or failed: not charged
            pod(kube, "h2-e", "house-svc", "house-00002", "Succeeded", TWO_CORES);
            pod(kube, "h2-f", "house-svc", "house-00002", "Failed", TWO_CORES);
            // another Service's pod with an init container larger than its containers, and an overhead
            pod(kube, "s-a", "senti-svc", "senti-00001", "Running", """
                    spec:
                      initContainers: [{name: init, image: i:1, resources: {limits: {cpu: "4"}}}]
                      containers: [{name: user-container, image: app:1, resources: {limits: {cpu: "1"}}}]
                      overhead: {cpu: 100m}
                    """);
            List<AgentConfig.Service> services = List.of(
                    new AgentConfig.Service("house", "house-svc", null, Map.of(), null, null),
                    new AgentConfig.Service("senti", "senti-svc", null, Map.of(), null, null));
            HeldSource.Held held = new KnativeHeld(kube.client, "default", services,
                    Clock.fixed(NOW, ZoneOffset.UTC)).read();
            assertThat(held.pods()).containsExactly(2, 0); // senti-svc has no Service: no newest Revision
            assertThat(held.cores()).containsExactly(2 * 2.25 + 0.1 + 3.25, 4.1);
            // beyond the first container's limit, the most of the newest Revision's pods: queue-proxy and a sidecar
            assertThat(held.podOverhead()[0]).isEqualTo(0.35);
            assertThat(held.podOverhead()[1]).isNaN();
        }
    }

    /**
     * A mesh may inject its proxy before the container the agent sets, found by the name the Service template gives
     * it (Knative's default when it gives none); a native sidecar (an init container with restartPolicy Always) runs
     * beside the containers, so the quota adds it to them.
     */
    @Test
    void theAgentsContainerIsFoundByNameAndNativeSidecarsAddToThePod() throws Exception {
        try (MockKube kube = new MockKube()) {
            for (String[] s : new String[][] {{"house-svc", "containers: [{image: app:1}]"}, {"senti-svc",
                    "containers: [{name: app, image: app:1}]"}}) {
                kube.client.genericKubernetesResources(KnativeApplier.SERVICES).inNamespace("default").resource(
                        kube.client.getKubernetesSerialization().unmarshal("""
                                apiVersion: serving.knative.dev/v1
                                kind: Service
                                metadata: {name: %s, namespace: default}
                                spec: {template: {spec: {%s}}}
                                status: {latestCreatedRevisionName: %s-00001}
                                """.formatted(s[0], s[1], s[0]), GenericKubernetesResource.class)).create();
            }
            pod(kube, "h", "house-svc", "house-svc-00001", "Running", """
                    spec:
                      initContainers:
                        - {name: mesh, image: m:1, restartPolicy: Always, resources: {limits: {cpu: 200m}}}
                        - {name: setup, image: s:1, resources: {limits: {cpu: "1"}}}
                      containers:
                        - {name: istio-proxy, image: ip:1, resources: {limits: {cpu: 500m}}}
                        - {name: user-container, image: app:1, resources: {limits: {cpu: "3"}}}
                        - {name: queue-proxy, image: qp:1, resources: {limits: {cpu: 100m}}}
                    """);
            pod(kube, "s", "senti-svc", "senti-svc-00001", "Running", """
                    spec:
                      initContainers: [{name: big, image: b:1, resources: {limits: {cpu: "8"}}}]
                      containers:
                        - {name: queue-proxy, image: qp:1, resources: {limits: {cpu: 100m}}}
                        - {name: app, image: app:1, resources: {limits: {cpu: "2"}}}
                    """);
            List<AgentConfig.Service> services = List.of(
                    new AgentConfig.Service("house", "house-svc", null, Map.of(), null, null),
                    new AgentConfig.Service("senti", "senti-svc", null, Map.of(), null, null));
            HeldSource.Held held = new KnativeHeld(kube.client, "default", services,
                    Clock.fixed(NOW, ZoneOffset.UTC)).read();
            // house: 0.5 + 3 + 0.1 + the mesh sidecar's 0.2 (the setup container, 1 + 0.2 beside it, is less)
            assertThat(held.cores()[0]).isCloseTo(3.8, org.assertj.core.data.Offset.offset(1e-12));
            assertThat(held.podOverhead()[0]).isCloseTo(0.8, org.assertj.core.data.Offset.offset(1e-12));
            // senti: its init container, larger than its containers, is what the quota charges
            assertThat(held.cores()[1]).isEqualTo(8.0);
            assertThat(held.podOverhead()[1]).isEqualTo(6.0);
        }
    }

    /**
     * A pod being deleted: charged until its deletionTimestamp plus grace period has passed, never counted among the
     * Revision's pods (the API server sets these fields itself, so they are built here, not stored).
     */
    @Test
    void aPodBeingDeletedIsChargedWithinItsGracePeriodOnly() {
        Pod deleting = new io.fabric8.kubernetes.api.model.PodBuilder().withNewMetadata().withName("p")
                .withDeletionTimestamp("2026-12-08T09:59:50Z").withDeletionGracePeriodSeconds(30L).endMetadata()
                .withNewStatus().withPhase("Running").endStatus().build();
        assertThat(KnativeHeld.charged(deleting, NOW)).isTrue();
        assertThat(KnativeHeld.charged(deleting, Instant.parse("2026-12-08T10:00:20Z"))).isTrue();
        assertThat(KnativeHeld.charged(deleting, Instant.parse("2026-12-08T10:00:21Z"))).isFalse();
        assertThat(KnativeHeld.counted(deleting, "house-00002")).isFalse();
        Pod running = new io.fabric8.kubernetes.api.model.PodBuilder().withNewMetadata().withName("q")
                .addToLabels(KnativeApplier.REVISION_LABEL, "house-00002").endMetadata().withNewStatus()
                .withPhase("Running").endStatus().build();
        assertThat(KnativeHeld.counted(running, "house-00002")).isTrue();
        assertThat(KnativeHeld.counted(running, "house-00001")).isFalse();
        assertThat(KnativeHeld.counted(running, null)).isFalse();
    }

    @Test
    void aRefusedListIsAnErrorTheAgentFallsBackOn() throws Exception {
        try (MockKube kube = new MockKube()) {
            KnativeHeld held = new KnativeHeld(kube.client, "default", List.of(new AgentConfig.Service("house",
                    "house", null, Map.of(), null, null)), Clock.systemUTC());
            // the Service read, the pods list refused (the drl-agent-pods Role missing)
            kube.server.expect().get().withPath("/api/v1/namespaces/default/pods?labelSelector="
                    + "serving.knative.dev%2Fservice%3Dhouse").andReturn(403, "forbidden").once();
            assertThatThrownBy(held::read).isInstanceOf(IllegalStateException.class).hasMessage("reading the Knative "
                    + "Services and pods of namespace default failed: forbidden (403): grant get on the Services and "
                    + "list on pods in default (deploy/rbac-knative.yaml, both Roles)");
            kube.server.expect().get().withPath("/apis/serving.knative.dev/v1/namespaces/default/services/house")
                    .andReturn(403, "forbidden").once();
            assertThatThrownBy(held::read).isInstanceOf(IllegalStateException.class).hasMessageContaining(
                    "forbidden (403): grant get on the Services and list on pods in default");
        }
    }
}
