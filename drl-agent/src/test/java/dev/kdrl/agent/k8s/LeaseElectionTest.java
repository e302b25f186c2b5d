package dev.kdrl.agent.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kdrl.agent.config.AgentConfig;
import dev.kdrl.agent.ops.AgentMetrics;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The Lease election against fabric8's mock API server: waiting for leadership blocks until it is signalled. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LeaseElectionTest {
    private MockKube kube;

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
}
