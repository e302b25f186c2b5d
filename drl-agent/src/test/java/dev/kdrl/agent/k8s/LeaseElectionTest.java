package dev.kdrl.agent.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kdrl.agent.ConsoleLog;
import dev.kdrl.agent.config.AgentConfig;
import dev.kdrl.agent.ops.AgentMetrics;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The Lease election against fabric8's mock API server: waiting for leadership blocks until it is signalled. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LeaseElectionTest {
    private static final String LEASE = "/apis/coordination.k8s.io/v1/namespaces/default/leases/drl-agent";
    private MockKube kube;
    @TempDir
    Path dir;

    @BeforeEach
    void start() throws Exception {
        kube = new MockKube();
    }

    @AfterEach
    void stop() {
        kube.close();
    }

    private static AgentConfig.LeaderElection config(String identity) {
        return new AgentConfig.LeaderElection(true, "drl-agent", identity, Duration.ofSeconds(15),
                Duration.ofSeconds(10), Duration.ofMillis(200));
    }

    private static AgentMetrics metrics() {
        return new AgentMetrics(List.of("house"), 40);
    }

    @Test
    void theFirstReplicaLeadsAndTheSecondWaitsUntilItStopsWaiting() throws Exception {
        AgentMetrics metricsA = metrics();
        try (LeaseElection a = new LeaseElection(kube.client, "default", config("replica-a"), metricsA);
             LeaseElection b = new LeaseElection(kube.client, "default", config("replica-b"), metrics())) {
            assertThat(a.term()).isEqualTo(Leadership.NOT_LEADING);
            a.start();
            long term = a.awaitTerm();
            assertThat(term).isEqualTo(1);
            assertThat(a.term()).isEqualTo(1);
            assertThat(metricsA.scrape()).contains("drl_agent_leader 1.0");
            Lease lease = kube.client.leases().inNamespace("default").withName("drl-agent").get();
            assertThat(lease.getSpec().getHolderIdentity()).isEqualTo("replica-a");

            // b stands too, but the Lease is a's for 15 s: b's wait ends only when its loop stops
            b.start();
            CompletableFuture<Long> waiting = CompletableFuture.supplyAsync(() -> {
                try {
                    return b.awaitTerm();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            // and says who holds it
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!b.whyNotLeading().contains("held by")) {
                assertThat(System.nanoTime()).as("b read the Lease within 10 s").isLessThan(deadline);
                Thread.sleep(20);
            }
            assertThat(b.whyNotLeading()).startsWith("Lease default/drl-agent at " + kube.client.getMasterUrl()
                    + ": held by replica-a (renewed at ");
            b.stopWaiting();
            assertThat(waiting.get(10, TimeUnit.SECONDS)).isEqualTo(Leadership.NOT_LEADING);
            assertThat(b.term()).isEqualTo(Leadership.NOT_LEADING);
            // and a later wait returns at once
            assertThat(b.awaitTerm()).isEqualTo(Leadership.NOT_LEADING);
        }
    }

    @Test
    void closingReleasesTheLease() throws Exception {
        LeaseElection a = new LeaseElection(kube.client, "default", config("replica-a"), metrics());
        a.start();
        assertThat(a.awaitTerm()).isEqualTo(1);
        a.close();
        // a second replica then takes it
        try (LeaseElection b = new LeaseElection(kube.client, "default", config("replica-b"), metrics())) {
            b.start();
            assertThat(b.awaitTerm()).isEqualTo(1);
            assertThat(kube.client.leases().inNamespace("default").withName("drl-agent").get().getSpec()
                    .getHolderIdentity()).isEqualTo("replica-b");
        }
    }

    /** The WARN lines about requests for the Lease. */
    private static List<String> leaseWarnings(ConsoleLog log) {
        return log.lines("WARN", "LeaseElection").stream().filter(l -> l.contains(" - Lease default/drl-agent at "))
                .toList();
    }

    /** The agent's client ({@link KubeClients}) for a kubeconfig whose server is {@code url}. */
    private KubernetesClient client(String url) throws Exception {
        Path kubeconfig = TestKubeconfigs.pointingAt(dir, url);
        return KubeClients.create(kubeconfig);
    }

    /**
     * An API server that refuses connections: each failed attempt would be fabric8's WARN with a 40-line stack
     * trace; the agent prints one line naming the server and the reason, and repeats it at most once per
     * leaseDuration (here 30 s: once) however many attempts fail.
     */
    @Test
    void anUnreachableApiServerIsOneLineNamingItAndTheReasonWithoutStackTraces() throws Exception {
        String url = "http://127.0.0.1:" + TestKubeconfigs.closedPort() + "/";
        AgentConfig.LeaderElection cfg = new AgentConfig.LeaderElection(true, "drl-agent", "replica-a",
                Duration.ofSeconds(30), Duration.ofSeconds(20), Duration.ofMillis(100));
        try (ConsoleLog log = new ConsoleLog();
             KubernetesClient client = client(url);
             LeaseElection a = new LeaseElection(client, "default", cfg, metrics())) {
            a.start();
            assertThat(a.awaitTerm(Duration.ofSeconds(3))).isEqualTo(Leadership.NOT_LEADING);
            String why = a.whyNotLeading();
            assertThat(why).startsWith("Lease default/drl-agent at " + url + ": reading it failed: connection refused (")
                    .doesNotContain("\n");
            int attempts = Integer.parseInt(why.replaceAll(".*\\((\\d+) failed attempts? since .*", "$1"));
            assertThat(attempts).as("failed attempts in 3 s, retrying every 100-220 ms").isGreaterThan(1);
            a.close();
            log.assertOneLineEach();
            assertThat(leaseWarnings(log)).hasSize(1).first().asString()
                    .contains("Lease default/drl-agent at " + url + ": reading it failed: connection refused "
                            + "(1 failed attempt since ");
            assertThat(log.lines()).noneMatch(l -> l.contains("LeaderElector"));
        }
    }

    /**
     * 403 (RBAC): one line with the API server's message and what to grant; when it answers again the agent says
     * so, and leads.
     */
    @Test
    void aRefusingApiServerIsOneLineWithItsMessageUntilItAnswers() throws Exception {
        String message = "leases.coordination.k8s.io \"drl-agent\" is forbidden: User \"system:serviceaccount:default:"
                + "drl-agent\" cannot get resource \"leases\" in API group \"coordination.k8s.io\" in the namespace "
                + "\"default\"";
        kube.server.expect().get().withPath(LEASE).andReturn(403, new StatusBuilder().withStatus("Failure")
                .withReason("Forbidden").withCode(403).withMessage(message).build()).times(4);
        AgentConfig.LeaderElection cfg = new AgentConfig.LeaderElection(true, "drl-agent", "replica-a",
                Duration.ofSeconds(30), Duration.ofSeconds(20), Duration.ofMillis(100));
        try (ConsoleLog log = new ConsoleLog();
             LeaseElection a = new LeaseElection(kube.client, "default", cfg, metrics())) {
            a.start();
            assertThat(a.awaitTerm()).isEqualTo(1);
            a.close();
            log.assertOneLineEach();
            assertThat(leaseWarnings(log)).hasSize(1).first().asString()
                    .contains("Lease default/drl-agent at " + kube.client.getMasterUrl() + ": reading it failed: "
                            + "forbidden (403): " + message + "; grant get, create and patch on leases.coordination"
                            + ".k8s.io (deploy/rbac.yaml) (1 failed attempt since ");
            assertThat(log.lines("INFO", "LeaseElection")).anyMatch(l -> l.contains(
                    ": reading it succeeded after 4 failed attempts since "));
        }
    }

    /**
     * The leader's API server starts failing (503): renewing fails in one line, the replica stops leading after
     * renewDeadline and stands again; fabric8's error that it could not release the Lease is one line too.
     */
    @Test
    void aLeaderWhoseApiServerFailsStopsLeadingWithoutStackTraces() throws Exception {
        AgentConfig.LeaderElection cfg = new AgentConfig.LeaderElection(true, "drl-agent", "replica-a",
                Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofMillis(100));
        try (ConsoleLog log = new ConsoleLog();
             LeaseElection a = new LeaseElection(kube.client, "default", cfg, metrics())) {
            a.start();
            assertThat(a.awaitTerm()).isEqualTo(1);
            kube.server.expect().get().withPath(LEASE).andReturn(503, new StatusBuilder().withStatus("Failure")
                    .withCode(503).withMessage("etcdserver: leader changed").build()).always();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (log.lines().stream().noneMatch(l -> l.contains("standing again"))) {
                assertThat(System.nanoTime()).as("stood again within 30 s").isLessThan(deadline);
                Thread.sleep(50);
            }
            assertThat(a.term()).isEqualTo(Leadership.NOT_LEADING);
            a.close();
            log.assertOneLineEach();
            assertThat(leaseWarnings(log)).hasSize(1).first().asString().contains("Lease default/drl-agent at "
                    + kube.client.getMasterUrl() + ": reading it failed: HTTP 503: etcdserver: leader changed (1 failed "
                    + "attempt since ");
            assertThat(log.lines("ERROR", "LeaderElector")).hasSize(1).first().asString()
                    .contains("Exception occurred while releasing lock");
        }
    }
}
