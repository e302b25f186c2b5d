package dev.kdrl.agent.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class OpsServerTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void healthReadinessAndMetrics() throws Exception {
        AtomicBoolean ready = new AtomicBoolean();
        AgentMetrics metrics = new AgentMetrics(List.of("house", "senti"), 40);
        metrics.serviceGauge("drl.agent.predicted.load", "house", 12.5);
        metrics.decisionNanos(1_500_000);
        metrics.cycle(true);
        try (OpsServer ops = new OpsServer("127.0.0.1", 0, () -> true, ready::get, metrics::scrape)) {
            assertThat(get(ops.port(), "/healthz").statusCode()).isEqualTo(200);
            assertThat(get(ops.port(), "/readyz").statusCode()).isEqualTo(503);
            ready.set(true);
            assertThat(get(ops.port(), "/readyz").statusCode()).isEqualTo(200);
            HttpResponse<String> m = get(ops.port(), "/metrics");
            assertThat(m.statusCode()).isEqualTo(200);
            assertThat(m.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
            assertThat(m.body())
                    .contains("drl_agent_predicted_load{service=\"house\"} 12.5")
                    .contains("drl_agent_cycles_total{outcome=\"ok\"} 1.0")
                    .contains("drl_agent_decision_seconds_count 1")
                    .contains("drl_agent_quota_cores 40.0")
                    .contains("drl_agent_leader 0.0")
                    .contains("drl_agent_query_failures_total{kind=\"timeout\",service=\"senti\"} 0.0")
                    .contains("drl_agent_write_failures_total{kind=\"forbidden\"} 0.0");
            // every metric says what it is: no empty HELP line
            assertThat(m.body().lines().filter(l -> l.startsWith("# HELP drl_agent_")))
                    .isNotEmpty()
                    .allSatisfy(l -> assertThat(l.split(" ", 4)).hasSize(4).satisfies(
                            parts -> assertThat(parts[3]).isNotBlank()));
            assertThat(m.body()).contains("# HELP drl_agent_pods Pod count decided");
        }
    }

    /** The reconciler's and the knative mode's meters have their HELP text too. */
    @Test
    void everyMeterOfEveryModeHasItsHelpText() {
        for (AgentMetrics metrics : List.of(new AgentMetrics(List.of("house"), 40),
                AgentMetrics.forReconciler(List.of("house")))) {
            List<String> help = metrics.scrape().lines().filter(l -> l.startsWith("# HELP ")).toList();
            assertThat(help).isNotEmpty().allSatisfy(l -> assertThat(l.split(" ", 4)).hasSize(4));
            assertThat(help).allSatisfy(l -> assertThat(l.split(" ", 4)[3]).isNotBlank());
        }
    }

    @Test
    void onlyTheExactPathsAnswer() throws Exception {
        AgentMetrics metrics = new AgentMetrics(List.of("house"), 40);
        try (OpsServer ops = new OpsServer("127.0.0.1", 0, () -> true, () -> true, metrics::scrape)) {
            for (String path : List.of("/metricsXYZ", "/metrics/", "/metrics/x", "/healthzz", "/healthz/x",
                    "/readyz.json", "/", "/nothing")) {
                assertThat(get(ops.port(), path).statusCode()).as(path).isEqualTo(404);
            }
            assertThat(get(ops.port(), "/metrics?x=1").statusCode()).isEqualTo(200);
            assertThat(get(ops.port(), "/healthz").statusCode()).isEqualTo(200);
            assertThat(get(ops.port(), "/readyz").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aPortInUseNamesTheSettingsToChange() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> new OpsServer("127.0.0.1", port, () -> true,
                    () -> true, () -> "")).isInstanceOf(java.io.UncheckedIOException.class)
                    .hasMessageStartingWith("cannot listen on 127.0.0.1:" + port + " (http.bind, http.port): ")
                    .hasMessageEndingWith("(expected a free port on an address of this host, or http.enabled: false)");
        }
    }
}
