package dev.kdrl.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kdrl.agent.k8s.Crd;
import dev.kdrl.agent.k8s.MockKube;
import dev.kdrl.agent.k8s.ScaleActionSpec;
import dev.kdrl.agent.k8s.ScaleActionWriter;
import dev.kdrl.agent.loop.AgentFixtures;
import dev.kdrl.agent.prom.FakePrometheus;
import dev.kdrl.agent.store.AgentState;
import dev.kdrl.agent.store.HistoryFile;
import dev.kdrl.env.profile.Profiles;
import dev.kdrl.env.quota.QuotaModel;
import dev.kdrl.env.quota.QuotaState;
import dev.kdrl.env.quota.Transition;
import dev.kdrl.env.trace.Trace;
import dev.kdrl.env.trace.TraceCsv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent killed with SIGKILL in the middle of a cycle (after house's value was recorded, while senti's
 * query hangs) and restarted: no complete history line is lost, the state is restored, and the next CR is
 * the one the restored state and the recorded history call for.
 */
class CrashRestartIT {
    private static final Trace TRACE = TraceCsv.read(Path.of("../datasets/paper/test-20.csv"));
    private static final QuotaModel MODEL = Profiles.model("paper-general", null, null);
    private static final List<String> SERVICES = MODEL.serviceNames();

    @TempDir
    Path dir;

    @Test
    void killedMidCycleThenRestartedLosesNothingAndContinuesCorrectly() throws Exception {
        Map<String, AtomicInteger> asked = new ConcurrentHashMap<>();
        CountDownLatch hanging = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean hang = new AtomicBoolean(true);
        try (FakePrometheus prom = new FakePrometheus(q -> {
                String job = q.substring(q.indexOf('"') + 1, q.lastIndexOf('"'));
                String service = SERVICES.get(Integer.parseInt(job.substring(job.length() - 1)) - 1);
                int n = asked.computeIfAbsent(service, s -> new AtomicInteger()).getAndIncrement();
                // from its fourth query on (the first is the start-up check, then one per cycle), senti's answers
                // hang in the third cycle: it waits for them until its deadline (1.85 s)
                if (hang.get() && service.equals("senti") && n >= 3) {
                    hanging.countDown();
                    try {
                        release.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                double v = TRACE.value(n % TRACE.length(), TRACE.columnIndex(service));
                return FakePrometheus.Answer.ok(FakePrometheus.vector(Double.toString(v)));
            });
             MockKube kube = new MockKube()) {
            Crd.install(kube.client, false);
            Path policy = AgentFixtures.randomPolicy(MODEL, "paper-general", 9, dir.resolve("model.zip"));
            Path config = dir.resolve("agent.yaml");
            Files.writeString(config, AgentFixtures.config(prom.url(), "{model: model.zip}", "{kind: last-value}",
                    "schedule: {period: 2s, offset: 1s}").replace("timeout: 2s", "timeout: 900ms"));
            Path kubeconfig = MockKubeconfig.write(dir, kube);
            String[] args = {"--config", config.toString(), "--kubeconfig", kubeconfig.toString()};

            AgentProcess first = new AgentProcess(dir, "first", Map.of(), args);
            assertThat(hanging.await(60, TimeUnit.SECONDS)).as("senti's third cycle's query").isTrue();
            Path state = dir.resolve("data/state/state.json");
            AgentState before = new ObjectMapper().readValue(state.toFile(), AgentState.class);
            first.kill();
            // the log numbers the cycles as the state counts its decisions: two written, the third in progress
            assertThat(first.log()).contains("cycle 2 at").doesNotContain("cycle 3 at");
            hang.set(false);
            release.countDown();

            // every complete line is there: the loads are read at once and recorded when every read has ended, so
            // the cycle waiting for senti's third value had recorded none of its loads when it was killed
            Map<String, String> historyAtKill = new java.util.HashMap<>();
            for (String s : SERVICES) {
                Path h = dir.resolve("data/history/" + s + ".csv");
                historyAtKill.put(s, Files.readString(h));
                try (HistoryFile f = HistoryFile.readOnly(h)) {
                    assertThat(f.problems()).isEmpty();
                    assertThat(f.values()).hasSize(2);
                }
            }
            assertThat(before.cycles()).isEqualTo(2);

            try (AgentProcess second = new AgentProcess(dir, "second", Map.of(), args[0], args[1], args[2], args[3],
                    "--cycles", "1")) {
                assertThat(second.waitFor(Duration.ofSeconds(60))).as(second.log()).isZero();
                assertThat(second.log()).contains("restored state from").contains("2 decisions so far")
                        .contains("cycle 3 at").doesNotContain("cycle 1 at");
            }
            // nothing recorded before was lost or rewritten
            double[] traffic = new double[SERVICES.size()];
            for (int i = 0; i < SERVICES.size(); i++) {
                String s = SERVICES.get(i);
                String now = Files.readString(dir.resolve("data/history/" + s + ".csv"));
                assertThat(now).startsWith(historyAtKill.get(s));
                try (HistoryFile f = HistoryFile.readOnly(dir.resolve("data/history/" + s + ".csv"))) {
                    double[] v = f.values();
                    assertThat(v).hasSize(3);
                    traffic[i] = Math.round(v[v.length - 1]); // last-value prediction
                }
            }
            // the CR the restored bookkeeping and the recorded loads call for
            QuotaState resumed = MODEL.resume(2, before.action(), before.pods(), before.resources(), traffic);
            int[] action = AgentFixtures.load(policy).act(resumed.observation());
            Transition t = MODEL.decide(resumed, action);
            Map<String, String> expected = ScaleActionSpec.render(MODEL, t);
            Map<String, Object> stored = kube.client.genericKubernetesResources(ScaleActionWriter.CONTEXT)
                    .inNamespace("default").withName("drl-action").get().get("spec");
            assertThat(stored).isEqualTo(expected);
            AgentState after = new ObjectMapper().readValue(state.toFile(), AgentState.class);
            assertThat(after.cycles()).isEqualTo(3);
            assertThat(after.spec()).isEqualTo(expected);
        }
    }
}
