package dev.kdrl.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kdrl.agent.k8s.Crd;
import dev.kdrl.agent.k8s.ScaleActionSpec;
import dev.kdrl.agent.k8s.ScaleActionWriter;
import dev.kdrl.agent.loop.AgentFixtures;
import dev.kdrl.env.baseline.GreedyPolicy;
import dev.kdrl.env.profile.Profiles;
import dev.kdrl.env.quota.QuotaEnv;
import dev.kdrl.env.quota.QuotaModel;
import dev.kdrl.env.quota.Transition;
import dev.kdrl.env.trace.Trace;
import dev.kdrl.env.trace.TraceCsv;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent jar, as a separate process on the in-cluster path with the ServiceAccount token of
 * deploy/rbac.yaml, against a real kube-apiserver: a missing CRD is a clear 404, the CR is written after
 * deploy/crd.yaml is applied, a Lease elects it, and RBAC forbids other namespaces, kinds and verbs.
 */
class RealApiServerIT {
    private static final Path DEPLOY = Path.of("../deploy");
    private static final Trace TRACE = TraceCsv.read(Path.of("../datasets/paper/test-20.csv"));
    private static final QuotaModel MODEL = Profiles.model("paper-general", null, null);

    @TempDir
    Path dir;

    private static void apply(KubernetesClient client, Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            for (HasMetadata item : client.load(in).items()) {
                client.resource(item).createOr(NonDeletingOperation::update);
            }
        }
    }

    /** A token of deploy/rbac.yaml's ServiceAccount from the TokenRequest API, as a pod would get it. */
    private static String serviceAccountToken(KubernetesClient admin) {
        return admin.serviceAccounts().inNamespace("default").withName("drl-agent")
                .tokenRequest(new TokenRequestBuilder().withNewSpec()
                        .withAudiences("https://kubernetes.default.svc").withExpirationSeconds(3600L).endSpec()
                        .build())
                .getStatus().getToken();
    }

    private Map<String, String> inCluster(RealApiServer api, String token) throws Exception {
        Path tokenFile = Files.writeString(dir.resolve("sa-token"), token);
        Path nsFile = Files.writeString(dir.resolve("sa-namespace"), "default");
        return Map.of("KUBERNETES_SERVICE_HOST", "127.0.0.1",
                "KUBERNETES_SERVICE_PORT", api.port(),
                "KUBERNETES_AUTH_TRYKUBECONFIG", "false",
                "KUBERNETES_AUTH_SERVICEACCOUNT_TOKEN", tokenFile.toString(),
                "KUBENAMESPACE", nsFile.toString(),
                "KUBERNETES_CERTS_CA_FILE", api.caFile().toString());
    }

    /** The decisions of the greedy planner over the first rows, as the agent computes them with last-value. */
    static Map<String, String> expectedSpecAfter(int cycles) {
        double[][] rows = new double[cycles][];
        for (int k = 0; k < cycles; k++) {
            rows[k] = TRACE.select(MODEL.serviceNames()).row(k);
        }
        QuotaEnv env = new QuotaEnv(MODEL, new Trace("rows", MODEL.serviceNames(), rows));
        GreedyPolicy greedy = GreedyPolicy.of(env);
        double[] obs = env.reset(0);
        Map<String, String> spec = null;
        for (int k = 0; k < cycles; k++) {
            var r = env.step(greedy.act(obs));
            spec = ScaleActionSpec.render(MODEL, (Transition) r.info().get(QuotaEnv.TRANSITION));
            obs = r.observation();
        }
        return spec;
    }

    @Test
    void theAgentWritesThroughTheInClusterPathWithLeastPrivilege() throws Exception {
        Path work = Files.createDirectory(dir.resolve("kube"));
        try (RealApiServer api = new RealApiServer(work); KubernetesClient admin = api.admin()) {
            apply(admin, DEPLOY.resolve("rbac.yaml"));
            admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("other").endMetadata()
                    .build()).create();
            String token = serviceAccountToken(admin);
            Map<String, String> env = inCluster(api, token);
            Path config = dir.resolve("agent.yaml");
            Files.writeString(config, AgentFixtures.config("http://127.0.0.1:9", "{planner: greedy}",
                    "{kind: last-value}", "leaderElection: {enabled: true, identity: it-agent, leaseDuration: 15s}"));
            String trace = Path.of("../datasets/paper/test-20.csv").toAbsolutePath().toString();

            // 1. no CRD yet: the real server answers 404, the agent says what to do and fails the cycle
            try (AgentProcess agent = new AgentProcess(dir, "no-crd", env, "--config", config.toString(),
                    "--simulate", trace, "--cycles", "1")) {
                assertThat(agent.waitFor(Duration.ofSeconds(60))).as(agent.log()).isEqualTo(1);
                assertThat(agent.log()).contains("not_found").contains("install the CRD")
                        .contains("it-agent is now the leader");
            }

            // 2. with deploy/crd.yaml: three cycles through the in-cluster path, elected on a Lease
            apply(admin, DEPLOY.resolve("crd.yaml"));
            Crd.awaitEstablished(admin, 30);
            try (AgentProcess agent = new AgentProcess(dir, "agent", env, "--config", config.toString(),
                    "--simulate", trace, "--cycles", "3")) {
                assertThat(agent.waitFor(Duration.ofSeconds(60))).as(agent.log()).isZero();
                assertThat(agent.log()).contains("it-agent is now the leader").contains("created default/drl-action")
                        .contains("patched default/drl-action");
            }
            GenericKubernetesResource cr = admin.genericKubernetesResources(ScaleActionWriter.CONTEXT)
                    .inNamespace("default").withName("drl-action").get();
            assertThat(cr.getApiVersion()).isEqualTo("drlscaling.knativescaling.dcn.ssu.ac.kr/v1");
            assertThat(cr.<Map<String, Object>>get("spec")).isEqualTo(expectedSpecAfter(3));
            // the same decision written again changes nothing, and says so; another one is a patch
            ScaleActionWriter again = new ScaleActionWriter(admin, "default", "drl-action", 1, Duration.ofMillis(5));
            Map<String, String> spec3 = expectedSpecAfter(3);
            Map<String, String> spec2 = expectedSpecAfter(2);
            assertThat(spec2).isNotEqualTo(spec3);
            assertThat(again.write(spec3)).isEqualTo("patched default/drl-action"); // its first: nothing to compare
            assertThat(again.write(spec3)).isEqualTo("unchanged default/drl-action");
            assertThat(again.write(spec2)).isEqualTo("patched default/drl-action");
            assertThat(again.write(spec2)).isEqualTo("unchanged default/drl-action");
            // an operator's status write in between moves the resourceVersion, not the generation: still unchanged
            admin.genericKubernetesResources(ScaleActionWriter.CONTEXT).inNamespace("default").withName("drl-action")
                    .subresource("status").patch(io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                            io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
                            "{\"status\":{\"observedGeneration\":1}}");
            assertThat(again.write(spec2)).isEqualTo("unchanged default/drl-action");
            Lease lease = admin.leases().inNamespace("default").withName("drl-agent").get();
            assertThat(lease).as("the Lease of leader election").isNotNull();
            assertThat(lease.getSpec().getHolderIdentity()).isEqualTo("it-agent");

            // 3. the ServiceAccount may do what the agent needs and nothing else
            try (KubernetesClient sa = api.client(token)) {
                assertThat(sa.genericKubernetesResources(ScaleActionWriter.CONTEXT).inNamespace("default")
                        .withName("drl-action").get()).isNotNull();
                GenericKubernetesResource elsewhere = new GenericKubernetesResource();
                elsewhere.setApiVersion(ScaleActionSpec.API_VERSION);
                elsewhere.setKind(ScaleActionSpec.KIND);
                elsewhere.setMetadata(new ObjectMetaBuilder().withName("drl-action").withNamespace("other").build());
                elsewhere.setAdditionalProperty("spec", Map.of("servicehouse_podcount", "1"));
                assertForbidden(() -> sa.genericKubernetesResources(ScaleActionWriter.CONTEXT).inNamespace("other")
                        .resource(elsewhere).create());
                assertForbidden(() -> sa.secrets().inNamespace("default").list());
                assertForbidden(() -> sa.configMaps().inNamespace("default").list());
                assertForbidden(() -> sa.genericKubernetesResources(ScaleActionWriter.CONTEXT).inNamespace("default")
                        .withName("drl-action").delete());
                assertForbidden(() -> sa.leases().inNamespace("other").list());
            }

            // 4. the CRD's schema: the strings the operator expects are accepted (above), a number is not
            assertThatThrownBy(() -> admin.genericKubernetesResources(ScaleActionWriter.CONTEXT).inNamespace("default")
                    .withName("drl-action").patch(PatchContext.of(PatchType.JSON_MERGE),
                            "{\"spec\":{\"servicehouse_podcount\":4}}"))
                    .isInstanceOf(KubernetesClientException.class)
                    .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(422));
        }
    }

    @Test
    void twoReplicasTakeTurnsOnTheLeaseAndTheSecondContinuesFromTheFirst() throws Exception {
        Path work = Files.createDirectory(dir.resolve("kube"));
        try (RealApiServer api = new RealApiServer(work); KubernetesClient admin = api.admin()) {
            apply(admin, DEPLOY.resolve("rbac.yaml"));
            apply(admin, DEPLOY.resolve("crd.yaml"));
            Crd.awaitEstablished(admin, 30);
            String token = serviceAccountToken(admin);
            Map<String, String> env = inCluster(api, token);
            String election = "{enabled: true, identity: %s, leaseDuration: 4s, renewDeadline: 3s, retryPeriod: 500ms}";
            String trace = Path.of("../datasets/paper/test-20.csv").toAbsolutePath().toString();
            // both replicas share one configuration directory, hence one history and state, like the
            // Deployment's two pods on one volume
            Path configA = dir.resolve("agent-a.yaml");
            Path configB = dir.resolve("agent-b.yaml");
            String base = AgentFixtures.config("http://127.0.0.1:9", "{planner: greedy}", "{kind: last-value}",
                    "leaderElection: " + election);
            Files.writeString(configA, base.formatted("replica-a"));
            Files.writeString(configB, base.formatted("replica-b"));
            try (AgentProcess a = new AgentProcess(dir, "replica-a", env, "--config", configA.toString(),
                    "--simulate", trace, "--cycles", "3")) {
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (!a.log().contains("replica-a is now the leader") && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                try (AgentProcess b = new AgentProcess(dir, "replica-b", env, "--config", configB.toString(),
                        "--simulate", trace, "--cycles", "3")) {
                    assertThat(a.waitFor(Duration.ofSeconds(60))).as(a.log()).isZero();
                    assertThat(b.waitFor(Duration.ofSeconds(60))).as(b.log()).isZero();
                    String logA = a.log();
                    String logB = b.log();
                    assertThat(logA).contains("replica-a is now the leader").doesNotContain("replica-b is now");
                    assertThat(logB).contains("waiting to become the leader").contains("replica-b is now the leader");
                    // b decided only after a's last decision: one writer at a time
                    assertThat(firstTime(logB, "replica-b is now the leader")).isAfter(firstTime(logA, "cycle 3 at"));
                    // and it continued from a's state: decisions 4 to 6
                    assertThat(logB).contains("3 decisions so far").contains("cycle 4 at").contains("cycle 6 at");
                }
            }
            // a simulation records apart from the live history and state
            assertThat(dir.resolve("data/history/house.csv")).doesNotExist();
            assertThat(Files.readAllLines(dir.resolve("data/history/simulate/house.csv"))).hasSize(7);
            assertThat(Files.readString(dir.resolve("data/state/simulate/state.json"))).contains("\"cycles\" : 6");
        }
    }

    /** The log time of the first line containing {@code text}. */
    private static java.time.Instant firstTime(String log, String text) {
        String line = log.lines().filter(l -> l.contains(text)).findFirst()
                .orElseThrow(() -> new AssertionError("no '" + text + "' in\n" + log));
        return java.time.Instant.parse(line.substring(0, line.indexOf(' ')));
    }

    private static void assertForbidden(Runnable call) {
        assertThatThrownBy(call::run).isInstanceOf(KubernetesClientException.class)
                .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(403));
    }
}
