package dev.kdrl.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kdrl.agent.k8s.Crd;
import dev.kdrl.agent.k8s.MockKube;
import dev.kdrl.agent.k8s.ScaleActionWriter;
import dev.kdrl.agent.loop.AgentFixtures;
import dev.kdrl.core.predict.LastValuePredictor;
import dev.kdrl.env.profile.Profiles;
import dev.kdrl.env.quota.QuotaModel;
import dev.kdrl.env.trace.Trace;
import dev.kdrl.env.trace.TraceCsv;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent jar against a real Prometheus (Debian package) scraping an exporter that publishes
 * {@code locust_users} per job, writing to fabric8's CRUD mock server: the CRs written are exactly those
 * computed offline from the same inputs and policy.
 */
class PrometheusLoopIT {
    private static final Trace TRACE = TraceCsv.read(Path.of("../datasets/paper/test-20.csv"));
    private static final QuotaModel MODEL = Profiles.model("paper-general", null, null);
    private static final Map<String, String> JOBS = Map.of("house", "generator1", "senti", "generator2",
            "numbr", "generator3");

    @TempDir
    Path dir;

    /** The exporter's value of each job at {@code ms}: the trace row of the current period. */
    private static Map<String, Double> users(long ms, long periodMs) {
        int row = (int) ((ms / periodMs) % TRACE.length());
        Map<String, Double> m = new LinkedHashMap<>();
        JOBS.forEach((service, job) -> m.put(job, TRACE.value(row, TRACE.columnIndex(service))));
        return m;
    }

    /**
     * Records the spec of every ADDED or MODIFIED event of the agent's resource (the mock server's recorded
     * request bodies are consumed by its CRUD dispatcher, so a watch it is).
     */
    static final class SpecRecorder implements Watcher<GenericKubernetesResource>, AutoCloseable {
        final List<Map<String, String>> specs = new CopyOnWriteArrayList<>();
        private final Watch watch;

        SpecRecorder(MockKube kube) {
            watch = kube.client.genericKubernetesResources(ScaleActionWriter.CONTEXT).inNamespace("default")
                    .watch(this);
        }

        @Override
        public void eventReceived(Action action, GenericKubernetesResource r) {
            if (action == Action.ADDED || action == Action.MODIFIED) {
                Map<String, Object> spec = r.get("spec");
                Map<String, String> m = new LinkedHashMap<>();
                spec.forEach((k, v) -> m.put(k, String.valueOf(v)));
                specs.add(m);
            }
        }

        @Override
        public void onClose(WatcherException cause) {
        }

        List<Map<String, String>> await(int n) throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (specs.size() < n && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            return List.copyOf(specs);
        }

        @Override
        public void close() {
            watch.close();
        }
    }

    /** Per cycle, per service (model order): the values in the agent's history files; and their times. */
    private double[][] histories(int cycles, List<Instant> times) throws Exception {
        double[][] observed = new double[cycles][MODEL.numServices()];
        for (int i = 0; i < MODEL.numServices(); i++) {
            List<String> lines = Files.readAllLines(dir.resolve("data/history/" + MODEL.serviceNames().get(i)
                    + ".csv"));
            assertThat(lines).hasSize(cycles + 1);
            for (int k = 0; k < cycles; k++) {
                String[] f = lines.get(k + 1).split(",");
                observed[k][i] = Double.parseDouble(f[1]);
                if (i == 0) {
                    times.add(Instant.parse(f[0]));
                }
            }
        }
        return observed;
    }

    @Test
    void threeCyclesWriteExactlyTheCrsComputedOfflineFromTheSameInputs() throws Exception {
        long periodMs = 3000;
        try (LocustExporter exporter = new LocustExporter(ms -> users(ms, periodMs));
             RealPrometheus prom = new RealPrometheus(dir, exporter.port());
             MockKube kube = new MockKube()) {
            prom.awaitValue("count(locust_users)", "3", Duration.ofSeconds(30));
            Crd.install(kube.client, false);
            Path policy = AgentFixtures.randomPolicy(MODEL, "paper-general", 5, dir.resolve("model.zip"));
            Path config = dir.resolve("agent.yaml");
            Files.writeString(config, AgentFixtures.config(prom.url(), "{model: model.zip}", "{kind: last-value}",
                    "schedule: {period: 3s, offset: 1500ms}").replace("timeout: 2s", "timeout: 900ms"));
            SpecRecorder recorder = new SpecRecorder(kube);
            try (AgentProcess agent = new AgentProcess(dir, "agent", Map.of(), "--config", config.toString(),
                    "--kubeconfig", MockKubeconfig.write(dir, kube).toString(), "--cycles", "3")) {
                assertThat(agent.waitFor(Duration.ofSeconds(60))).as(agent.log()).isZero();
                assertThat(agent.log()).contains("cycle 3 at").doesNotContain("FAILED");
            }
            List<Instant> times = new ArrayList<>();
            double[][] observed = histories(3, times);
            // the agent read what the exporter published for each cycle's period, through Prometheus
            for (int k = 0; k < 3; k++) {
                Map<String, Double> published = users(times.get(k).toEpochMilli(), periodMs);
                for (int i = 0; i < 3; i++) {
                    assertThat(observed[k][i]).isEqualTo(published.get(JOBS.get(MODEL.serviceNames().get(i))));
                }
                assertThat(times.get(k).toEpochMilli() % periodMs).isEqualTo(1500);
            }
            List<Map<String, String>> expected = AgentFixtures.offlineSpecs(MODEL, observed,
                    new LastValuePredictor(), AgentFixtures.load(policy));
            assertThat(recorder.await(3)).containsExactlyElementsOf(expected);
            recorder.close();
            Map<String, Object> stored = kube.client.genericKubernetesResources(ScaleActionWriter.CONTEXT)
                    .inNamespace("default").withName("drl-action").get().get("spec");
            assertThat(stored).isEqualTo(expected.get(2));
        }
    }

    @Test
    void prometheusStoppedMidRunAndAnEmptyResultFallBackAndAreCounted() throws Exception {
        long periodMs = 2000;
        int httpPort = Ports.free();
        try (LocustExporter exporter = new LocustExporter(ms -> users(ms, periodMs));
             MockKube kube = new MockKube()) {
            RealPrometheus prom = new RealPrometheus(dir, exporter.port());
            prom.awaitValue("count(locust_users)", "3", Duration.ofSeconds(30));
            Crd.install(kube.client, false);
            SpecRecorder recorder = new SpecRecorder(kube);
            Path config = dir.resolve("agent.yaml");
            Files.writeString(config, AgentFixtures.config(prom.url(), "{planner: hybrid}", "{kind: last-value}",
                    "schedule: {period: 2s, offset: 1s}").replace("job: generator3", "job: generator9")
                    .replace("timeout: 2s", "timeout: 900ms") // 2 attempts and a backoff within the period
                    .replace("http: {enabled: false}", "http: {bind: 127.0.0.1, port: " + httpPort + "}"));
            try (AgentProcess agent = new AgentProcess(dir, "agent", Map.of(), "--config", config.toString(),
                    "--kubeconfig", MockKubeconfig.write(dir, kube).toString(), "--cycles", "4")) {
                awaitLog(agent, "cycle 1 at");
                prom.close(); // Prometheus goes away after the first cycle
                awaitLog(agent, "cycle 3 at");
                String metrics = Ports.get("http://127.0.0.1:" + httpPort + "/metrics").body();
                assertThat(agent.waitFor(Duration.ofSeconds(30))).as(agent.log()).isZero();
                String log = agent.log();
                // every cycle still wrote its CR, from the fallback predictions
                assertThat(log).contains("cycle 4 at").doesNotContain("ERROR");
                assertThat(log).contains("unreachable").contains("empty_result");
                assertThat(log.lines().filter(l -> l.matches(".*\\| (created|patched|unchanged) default/drl-action$")))
                        .hasSize(4);
                // cycle 1: numbr's query matched nothing; cycles 2 and 3: nobody answered
                assertThat(metrics).contains("drl_agent_query_failures_total{kind=\"empty_result\",service=\"numbr\"} 1.0")
                        .contains("drl_agent_query_failures_total{kind=\"unreachable\",service=\"numbr\"} 2.0")
                        .contains("drl_agent_cycles_total{outcome=\"ok\"} 3.0")
                        .containsPattern("drl_agent_query_failures_total\\{kind=\"unreachable\",service=\"house\"\\} 2\\.0");
            }
            // only the cycle Prometheus answered was recorded; numbr never had a value
            assertThat(Files.readAllLines(dir.resolve("data/history/house.csv"))).hasSize(2);
            assertThat(Files.readAllLines(dir.resolve("data/history/numbr.csv"))).hasSize(1);
            // with no new data the fallback decisions repeat: the server saw the first and the changes
            assertThat(recorder.await(2)).isNotEmpty();
            recorder.close();
        }
    }

    private static void awaitLog(AgentProcess agent, String text) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!agent.log().contains(text)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no '" + text + "' in the agent's output:\n" + agent.log());
            }
            Thread.sleep(100);
        }
    }
}
