package dev.kdrl.agent.loop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kdrl.agent.config.AgentConfig;
import dev.kdrl.agent.k8s.Leadership;
import dev.kdrl.agent.ops.AgentMetrics;
import dev.kdrl.agent.ops.OpsServer;
import dev.kdrl.agent.prom.FakePrometheus;
import dev.kdrl.agent.prom.PrometheusClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /healthz} over HTTP while Prometheus stalls (issue #14 item 3), wired as {@code AgentMain} wires it: the
 * real loop on the system clock, the real Prometheus client against a server that stalls every answer of one cycle,
 * the real per-cycle deadline, and the ops server answering {@link AgentLoop#alive()}. The jar's liveness bound is
 * minutes ({@link AgentLoop#cycleBound}: the deadline, every write attempt, the build); here it is 1 s so that the
 * stalled cycle, which the deadline ends after 2.05 s, outlasts it: {@code /healthz} answers 503 during that cycle
 * and 200 again once it ended, and the cycle still wrote its decision.
 */
class HealthzOverHttpTest {
    @TempDir
    Path dir;

    @Test
    void aStalledPrometheusMakesHealthzAnswer503UntilTheCycleEnds() throws Exception {
        AtomicBoolean stall = new AtomicBoolean();
        try (FakePrometheus prom = new FakePrometheus(q -> new FakePrometheus.Answer(200, FakePrometheus.vector("20"),
                stall.get() ? 2500 : 0))) {
            // 2 attempts of 1 s and a 50 ms backoff: the read deadline is 2.05 s, within the 3 s period
            AgentConfig cfg = AgentFixtures.write(dir, AgentFixtures.config(prom.url(), "{planner: greedy}",
                    "{kind: last-value}", "schedule: {period: 3s, offset: 0s}").replace("timeout: 2s", "timeout: 1s"));
            assertThat(cfg.schedule().deadline()).isEqualTo(Duration.ofMillis(2050));
            AgentMetrics metrics = new AgentMetrics(cfg.serviceNames(), cfg.model().quota());
            AtomicInteger writes = new AtomicInteger();
            AgentFixtures.RecordingSink sink = new AgentFixtures.RecordingSink() {
                @Override
                public synchronized String write(Map<String, String> spec) {
                    // cycle 0 written: every answer of cycle 1 stalls; cycle 1 written: answers are prompt again
                    stall.set(writes.incrementAndGet() == 1);
                    return super.write(spec);
                }
            };
            LoadSource source = new PrometheusSource(new PrometheusClient(cfg.prometheus()), cfg.namespace());
            Clock clock = Clock.systemUTC();
            AgentLoop loop = new AgentLoop(() -> AgentBuilder.build(cfg, source, sink, metrics), Leadership.sole(),
                    metrics, clock, Sleeper.of(clock)).livenessBound(Duration.ofSeconds(1));
            loop.prepare();
            List<Integer> codes = new CopyOnWriteArrayList<>();
            List<String> bodies = new CopyOnWriteArrayList<>();
            try (OpsServer ops = new OpsServer("127.0.0.1", 0, loop::alive, () -> true, metrics::scrape)) {
                HttpClient http = HttpClient.newHttpClient();
                URI healthz = URI.create("http://127.0.0.1:" + ops.port() + "/healthz");
                Thread runner = new Thread(() -> {
                    try {
                        loop.scheduled(new Schedule(cfg.schedule().period(), cfg.schedule().offset()), 3);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, "loop");
                runner.start();
                while (runner.isAlive()) {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(healthz).timeout(Duration.ofSeconds(2))
                            .build(), HttpResponse.BodyHandlers.ofString());
                    codes.add(r.statusCode());
                    bodies.add(r.body());
                    Thread.sleep(50);
                }
                runner.join();
                // after the last cycle, still alive (the loop returned; nothing is late)
                assertThat(http.send(HttpRequest.newBuilder(healthz).build(), HttpResponse.BodyHandlers.ofString())
                        .statusCode()).isEqualTo(200);
            } finally {
                loop.close();
            }
            // 200 while cycle 0 runs and the loop sleeps, 503 once cycle 1 is 1 s late, 200 again after it
            List<Integer> runs = new ArrayList<>();
            for (int c : codes) {
                if (runs.isEmpty() || runs.get(runs.size() - 1) != c) {
                    runs.add(c);
                }
            }
            assertThat(runs).as("%s", codes).containsExactly(200, 503, 200);
            assertThat(bodies).contains("unhealthy\n", "ok\n");
            // the stalled cycle ended by its deadline and still wrote: every service a counted timeout
            assertThat(sink.written).hasSize(3);
            String scrape = metrics.scrape();
            for (String s : cfg.serviceNames()) {
                assertThat(scrape).contains("drl_agent_query_failures_total{kind=\"timeout\",service=\"" + s
                        + "\"} 1.0");
            }
            assertThat(scrape).contains("drl_agent_cycles_total{outcome=\"ok\"} 3.0");
        }
    }
}
