package dev.kdrl.agent.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kdrl.agent.config.AgentConfig;
import dev.kdrl.agent.config.ConfigException;
import dev.kdrl.agent.prom.FakePrometheus;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The start-up query: settings that no cycle could make work are refused, named; passing trouble is not. */
class PrometheusSourceTest {
    @TempDir
    Path dir;

    private FakePrometheus fake;

    @AfterEach
    void stop() {
        if (fake != null) {
            fake.close();
        }
    }

    private AgentConfig config(FakePrometheus.Answer answer) throws Exception {
        fake = new FakePrometheus(q -> answer);
        return AgentFixtures.write(dir, AgentFixtures.config(fake.url(), "{planner: greedy}",
                "{kind: moving-average, window: 2}", ""));
    }

    @Test
    void aQueryPrometheusCannotParseIsRefusedAsThatServicesQuery() throws Exception {
        AgentConfig cfg = config(new FakePrometheus.Answer(400,
                "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"1:14: parse error: unexpected }\"}", 0));
        assertThatThrownBy(() -> PrometheusSource.checkAtStart(cfg)).isInstanceOf(ConfigException.class)
                .hasMessage(dir.resolve("agent.yaml") + ": services[0].query: 'locust_users{job=\"generator1\"}' "
                        + "(Prometheus cannot answer it with one number: error_status: bad_data: 1:14: parse error: unexpected })")
                .satisfies(e -> assertThat(((ConfigException) e).field()).isEqualTo("services[0].query"));
        assertThat(fake.queries).hasSize(1); // tried once, at start
    }

    @Test
    void jsonThatIsNotTheQueryApiIsRefusedAsTheUrl() throws Exception {
        AgentConfig other = config(FakePrometheus.Answer.ok("{\"login\": \"required\"}"));
        assertThatThrownBy(() -> PrometheusSource.checkAtStart(other)).hasMessageContaining(": prometheus.url: ")
                .hasMessageContaining("malformed: status is ''");
    }

    @Test
    void aWrongPathIsRefusedAsTheUrl() throws Exception {
        AgentConfig notFound = config(new FakePrometheus.Answer(404, "404 page not found", 0));
        assertThatThrownBy(() -> PrometheusSource.checkAtStart(notFound))
                .hasMessageStartingWith(dir.resolve("agent.yaml") + ": prometheus.url: '" + fake.url() + "' (the "
                        + "start-up query for house got http_4xx: HTTP 404: 404 page not found; expected the base URL "
                        + "of a Prometheus server");
    }

    @Test
    void aRangeVectorIsTheQuerysFaultAndARefusedTokenTheTokensNotTheUrls() throws Exception {
        AgentConfig matrix = config(FakePrometheus.Answer.ok("{\"status\":\"success\",\"data\":{\"resultType\":"
                + "\"matrix\",\"result\":[]}}"));
        assertThatThrownBy(() -> PrometheusSource.checkAtStart(matrix))
                .hasMessageContaining(": services[0].query: ").hasMessageContaining("data.resultType is 'matrix'");
        stop();
        fake = new FakePrometheus(q -> new FakePrometheus.Answer(401, "Unauthorized", 0));
        java.nio.file.Files.writeString(dir.resolve("token"), "stale\n");
        AgentConfig token = AgentFixtures.write(dir, AgentFixtures.config(fake.url(), "{planner: greedy}",
                "{kind: moving-average, window: 2}", "").replace("url: " + fake.url(), "url: " + fake.url()
                + "\n  bearerTokenFile: token"));
        assertThatThrownBy(() -> PrometheusSource.checkAtStart(token))
                .hasMessageStartingWith(dir.resolve("agent.yaml") + ": prometheus.bearerTokenFile: '"
                        + dir.resolve("token") + "' (the start-up query for house got http_4xx: HTTP 401");
        // a refused password is named by the key the file has
        java.nio.file.Files.writeString(dir.resolve("password"), "stale\n");
        AgentConfig basic = AgentFixtures.write(dir, AgentFixtures.config(fake.url(), "{planner: greedy}",
                "{kind: moving-average, window: 2}", "").replace("url: " + fake.url(), "url: " + fake.url()
                + "\n  basicAuth: {username: agent, passwordFile: password}"));
        assertThatThrownBy(() -> PrometheusSource.checkAtStart(basic))
                .hasMessageStartingWith(dir.resolve("agent.yaml") + ": prometheus.basicAuth.passwordFile: '"
                        + dir.resolve("password") + "' (the start-up query for house got http_4xx: HTTP 401");
    }

    @Test
    void whatALaterCycleMayGetPastIsOnlyAWarning() throws Exception {
        AgentConfig limited = config(new FakePrometheus.Answer(429, "too many requests", 0));
        assertThatCode(() -> PrometheusSource.checkAtStart(limited)).doesNotThrowAnyException();
        stop();
        // a body that is no JSON may be a proxy's passing error page (the soak injects such answers at restarts)
        AgentConfig garbage = config(FakePrometheus.Answer.ok("<html>502 bad gateway</html>"));
        assertThatCode(() -> PrometheusSource.checkAtStart(garbage)).doesNotThrowAnyException();
        stop();
        AgentConfig unavailable = config(new FakePrometheus.Answer(503, "starting", 0));
        assertThatCode(() -> PrometheusSource.checkAtStart(unavailable)).doesNotThrowAnyException();
        assertThat(fake.queries).hasSize(3); // once per service, no retries
        stop();
        AgentConfig empty = config(FakePrometheus.Answer.ok(
                "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}"));
        assertThatCode(() -> PrometheusSource.checkAtStart(empty)).doesNotThrowAnyException();
        stop();
        AgentConfig fine = config(FakePrometheus.Answer.ok(FakePrometheus.vector("12")));
        assertThatCode(() -> PrometheusSource.checkAtStart(fine)).doesNotThrowAnyException();
    }
}
