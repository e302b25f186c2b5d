package dev.kdrl.agent.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ScaleActionWriterTest {
    private MockKube kube;

    @BeforeEach
    void start() throws Exception {
        kube = new MockKube();
        Crd.install(kube.client, false);
    }

    @AfterEach
    void stop() {
        kube.close();
    }

    private ScaleActionWriter writer() {
        return new ScaleActionWriter(kube.client, "default", "drl-action", 3, Duration.ofMillis(5));
    }

    private static Map<String, String> spec(String houseCpu, String housePods) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("servicehouse_resource", houseCpu);
        s.put("servicehouse_concurrency", "20");
        s.put("servicehouse_podcount", housePods);
        s.put("servicesenti_resource", "4000m");
        s.put("servicesenti_concurrency", "10");
        s.put("servicesenti_podcount", "3");
        s.put("servicenumbr_resource", "2000m");
        s.put("servicenumbr_concurrency", "15");
        s.put("servicenumbr_podcount", "2");
        return s;
    }

    /** Method and path of the requests after the first {@code before}. */
    private List<String> requestsSince(int before) throws InterruptedException {
        int n = kube.server.getRequestCount();
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            RecordedRequest r = kube.server.takeRequest(1, TimeUnit.SECONDS);
            if (i >= before && r != null) {
                out.add(r.getMethod() + " " + r.getPath());
            }
        }
        return out;
    }

    private GenericKubernetesResource stored() {
        return kube.client.genericKubernetesResources(ScaleActionWriter.CONTEXT).inNamespace("default")
                .withName("drl-action").get();
    }

    @Test
    void createsThenMergePatchesTheResourceTheOperatorReads() throws Exception {
        assertThat(writer().write(spec("3500m", "4"))).isEqualTo("created default/drl-action");
        GenericKubernetesResource cr = stored();
        assertThat(cr.getApiVersion()).isEqualTo("drlscaling.knativescaling.dcn.ssu.ac.kr/v1");
        assertThat(cr.getKind()).isEqualTo("DRLScaleAction");
        assertThat(cr.getMetadata().getName()).isEqualTo("drl-action");
        assertThat(cr.<Map<String, Object>>get("spec")).isEqualTo(spec("3500m", "4"));

        assertThat(writer().write(spec("4000m", "6"))).isEqualTo("patched default/drl-action");
        assertThat(stored().<Map<String, Object>>get("spec")).isEqualTo(spec("4000m", "6"));
    }

    @Test
    void retriesAConflictOnceThenSucceeds() throws Exception {
        writer().write(spec("3500m", "4"));
        kube.server.expect().patch().withPath(MockKube.path("default", "drl-action"))
                .andReturn(409, new StatusBuilder().withCode(409).withReason("Conflict")
                        .withMessage("the object has been modified").build())
                .once();
        int before = kube.server.getRequestCount();
        assertThat(writer().write(spec("2500m", "5"))).isEqualTo("patched default/drl-action");
        assertThat(stored().<Map<String, Object>>get("spec")).isEqualTo(spec("2500m", "5"));
        // one 409 PATCH, then one that succeeds
        assertThat(requestsSince(before)).filteredOn(r -> r.startsWith("PATCH")).hasSize(2);
    }

    @Test
    void aResourceGoneBetweenGetAndPatchIsNotTakenForAMissingCrd() throws Exception {
        writer().write(spec("3500m", "4"));
        kube.server.expect().patch().withPath(MockKube.path("default", "drl-action"))
                .andReturn(404, new StatusBuilder().withCode(404).withReason("NotFound").build())
                .once();
        // the 404 on patch leads to a create (409 here: the mock still has it), then a retried patch
        assertThat(writer().write(spec("2000m", "3"))).isEqualTo("patched default/drl-action");
        assertThat(stored().<Map<String, Object>>get("spec")).isEqualTo(spec("2000m", "3"));
    }

    @Test
    void forbiddenIsAClearFailureNotARetry() throws Exception {
        kube.server.expect().get().withPath(MockKube.path("default", "drl-action"))
                .andReturn(403, new StatusBuilder().withCode(403).withReason("Forbidden")
                        .withMessage("drlscaleactions is forbidden: User \"system:serviceaccount:default:drl-agent\" "
                                + "cannot get resource").build())
                .always();
        int before = kube.server.getRequestCount();
        assertThatThrownBy(() -> writer().write(spec("3500m", "4")))
                .isInstanceOf(WriteFailure.class)
                .satisfies(e -> assertThat(((WriteFailure) e).kind()).isEqualTo(WriteFailure.Kind.FORBIDDEN))
                .hasMessageContaining("403").hasMessageContaining("deploy/rbac.yaml")
                .hasMessageContaining("cannot get resource");
        // one GET, refused, and nothing more: 403 is not retried
        assertThat(requestsSince(before)).containsExactly("GET " + MockKube.path("default", "drl-action"));
    }

    @Test
    void unauthorizedNamesTheCredentials() {
        kube.server.expect().get().withPath(MockKube.path("default", "drl-action"))
                .andReturn(401, new StatusBuilder().withCode(401).withReason("Unauthorized").withMessage("Unauthorized")
                        .build())
                .always();
        assertThatThrownBy(() -> writer().write(spec("3500m", "4")))
                .isInstanceOf(WriteFailure.class)
                .hasMessage("other: the API server refused the credentials (401) writing drlscaleactions "
                        + "default/drl-action: check the kubeconfig's user or the ServiceAccount token; Unauthorized");
    }

    @Test
    void aMissingCrdIsNamed() {
        kube.server.expect().post().withPath("/apis/" + ScaleActionSpec.GROUP + "/v1/namespaces/default/"
                        + ScaleActionSpec.PLURAL)
                .andReturn(404, new StatusBuilder().withCode(404).withReason("NotFound")
                        .withMessage("the server could not find the requested resource").build())
                .always();
        assertThatThrownBy(() -> writer().write(spec("3500m", "4")))
                .isInstanceOf(WriteFailure.class)
                .satisfies(e -> assertThat(((WriteFailure) e).kind()).isEqualTo(WriteFailure.Kind.NOT_FOUND))
                .hasMessageContaining("install the CRD");
    }

    @Test
    void serverErrorsAreRetriedThenGivenUp() throws Exception {
        writer().write(spec("3500m", "4"));
        kube.server.expect().patch().withPath(MockKube.path("default", "drl-action"))
                .andReturn(503, new StatusBuilder().withCode(503).withMessage("etcd unavailable").build())
                .always();
        int before = kube.server.getRequestCount();
        assertThatThrownBy(() -> writer().write(spec("2500m", "5")))
                .isInstanceOf(WriteFailure.class)
                .satisfies(e -> assertThat(((WriteFailure) e).kind()).isEqualTo(WriteFailure.Kind.GAVE_UP))
                .hasMessageContaining("4 attempts");
        assertThat(requestsSince(before)).filteredOn(r -> r.startsWith("PATCH")).hasSize(4);
        assertThat(stored().<Map<String, Object>>get("spec")).isEqualTo(spec("3500m", "4"));
    }

    @Test
    void aStopRequestedGivesUpTheRetriesAtOnce() throws Exception {
        writer().write(spec("3500m", "4"));
        kube.server.expect().patch().withPath(MockKube.path("default", "drl-action"))
                .andReturn(503, new StatusBuilder().withCode(503).withMessage("etcd unavailable").build())
                .always();
        dev.kdrl.agent.ops.StopSignal stop = new dev.kdrl.agent.ops.StopSignal();
        ScaleActionWriter slow = new ScaleActionWriter(kube.client, "default", "drl-action", 4, Duration.ofSeconds(20))
                .stoppingOn(stop);
        Thread stopper = new Thread(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            stop.request();
        });
        long t0 = System.nanoTime();
        stopper.start();
        assertThatThrownBy(() -> slow.write(spec("2500m", "5"))).isInstanceOf(WriteFailure.class)
                .satisfies(e -> assertThat(((WriteFailure) e).kind()).isEqualTo(WriteFailure.Kind.OTHER))
                .hasMessageContaining("stopping (SIGTERM): no retry after 1 attempt");
        // within the first 20 s back-off, not after four of them
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
        stopper.join();
    }

    @Test
    void theBundledCrdIsDeployCrdYaml() throws Exception {
        try (var in = Crd.class.getResourceAsStream(Crd.RESOURCE)) {
            assertThat(in.readAllBytes()).isEqualTo(Files.readAllBytes(Path.of("../deploy/crd.yaml")));
        }
        var crd = Crd.bundled(kube.client);
        assertThat(crd.getMetadata().getName()).isEqualTo(Crd.NAME);
        assertThat(crd.getSpec().getGroup()).isEqualTo(ScaleActionSpec.GROUP);
        assertThat(crd.getSpec().getNames().getKind()).isEqualTo("DRLScaleAction");
        assertThat(crd.getSpec().getNames().getListKind()).isEqualTo("DRLScaleActionList");
        assertThat(crd.getSpec().getNames().getSingular()).isEqualTo("drlscaleaction");
        assertThat(crd.getSpec().getScope()).isEqualTo("Namespaced");
        assertThat(crd.getSpec().getVersions()).singleElement().satisfies(v -> {
            assertThat(v.getName()).isEqualTo("v1");
            assertThat(v.getServed()).isTrue();
            assertThat(v.getStorage()).isTrue();
            assertThat(v.getSubresources().getStatus()).isNotNull();
        });
    }

    @Test
    void anApiServerThatNeverAnswersIsNamedByTheReasonNotFabric8sWrapper(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        String url = "http://127.0.0.1:" + TestKubeconfigs.closedPort() + "/";
        Path kubeconfig = TestKubeconfigs.pointingAt(dir, url);
        try (var client = KubeClients.create(kubeconfig)) {
            ScaleActionWriter w = new ScaleActionWriter(client, "default", "drl-action", 1, Duration.ofMillis(5));
            assertThatThrownBy(() -> w.write(spec("3500m", "4")))
                    .isInstanceOf(WriteFailure.class)
                    .hasMessage("other: still failing after 2 attempts: connection refused");
        }
    }
}
