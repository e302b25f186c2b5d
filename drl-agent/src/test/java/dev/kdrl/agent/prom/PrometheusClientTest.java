package dev.kdrl.agent.prom;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kdrl.agent.config.AgentConfig;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrometheusClientTest {
    private FakePrometheus fake;

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        if (fake != null) {
            fake.close();
        }
    }

    private PrometheusClient client(String url, int retries, Path token, String user, Path password) {
        return new PrometheusClient(new AgentConfig.Prometheus(URI.create(url), Duration.ofMillis(500), retries,
                Duration.ofMillis(10), token, user, password, null));
    }

    private PrometheusClient client(int retries) {
        return client(fake.url(), retries, null, null, null);
    }

    private static FailureKind failure(PrometheusClient c) throws InterruptedException {
        try {
            c.query("locust_users{job=\"generator1\"}");
        } catch (QueryFailure f) {
            return f.kind();
        }
        throw new AssertionError("no failure");
    }

    @Test
    void sendsTheEncodedQueryAndReadsTheValue() throws Exception {
        fake = new FakePrometheus(q -> FakePrometheus.Answer.ok(FakePrometheus.vector("42.5")));
        assertThat(client(0).query("locust_users{job=\"generator1\", instance=\"h:9646\"}")).isEqualTo(42.5);
        assertThat(fake.queries).containsExactly("locust_users{job=\"generator1\", instance=\"h:9646\"}");
        assertThat(fake.authorizations).containsExactly("null");
    }

    @Test
    void serverErrorIsRetriedAndCanRecover() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        fake = new FakePrometheus(q -> calls.getAndIncrement() == 0 ? new FakePrometheus.Answer(500, "oops", 0)
                : FakePrometheus.Answer.ok(FakePrometheus.vector("7")));
        assertThat(client(2).query("m")).isEqualTo(7.0);
        assertThat(calls).hasValue(2);
    }

    @Test
    void persistentServerErrorIsNamedAfterTheRetries() throws Exception {
        fake = new FakePrometheus(q -> new FakePrometheus.Answer(503, "unavailable", 0));
        assertThat(failure(client(2))).isEqualTo(FailureKind.HTTP_SERVER_ERROR);
        assertThat(fake.queries).hasSize(3);
    }

    @Test
    void badQueryIsAnErrorStatusAndNotRetried() throws Exception {
        fake = new FakePrometheus(q -> new FakePrometheus.Answer(400,
                "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"parse error\"}", 0));
        assertThat(failure(client(3))).isEqualTo(FailureKind.ERROR_STATUS);
        assertThat(fake.queries).hasSize(1);
    }

    @Test
    void otherClientErrorsAreNotRetried() throws Exception {
        fake = new FakePrometheus(q -> new FakePrometheus.Answer(401, "Unauthorized", 0));
        assertThat(failure(client(3))).isEqualTo(FailureKind.HTTP_CLIENT_ERROR);
        assertThat(fake.queries).hasSize(1);
    }

    @Test
    void garbageEmptyAndNanAreNamed() throws Exception {
        fake = new FakePrometheus(q -> FakePrometheus.Answer.ok("<html>proxy error</html>"));
        assertThat(failure(client(1))).isEqualTo(FailureKind.MALFORMED);
        fake.answer(q -> FakePrometheus.Answer.ok(
                "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}"));
        assertThat(failure(client(1))).isEqualTo(FailureKind.EMPTY_RESULT);
        fake.answer(q -> FakePrometheus.Answer.ok(FakePrometheus.vector("NaN")));
        assertThat(failure(client(1))).isEqualTo(FailureKind.NOT_A_NUMBER);
        // none of these is retried: the next answer would be the same
        assertThat(fake.queries).hasSize(3);
    }

    @Test
    void aSlowAnswerTimesOut() throws Exception {
        fake = new FakePrometheus(q -> new FakePrometheus.Answer(200, FakePrometheus.vector("1"), 3000));
        long t0 = System.nanoTime();
        assertThat(failure(client(1))).isEqualTo(FailureKind.TIMEOUT);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        // two attempts, each given up after its 500 ms timeout: at least 2 x 500 ms, and well under the 2 x 3 s that
        // waiting for the answers would take (a bound a busy machine cannot break)
        assertThat(fake.queries).hasSize(2);
        assertThat(ms).isBetween(900L, 5500L);
    }

    /** The timeout bounds the whole answer: headers at once and a body that then stalls time out too. */
    @Test
    void aBodyThatStallsAfterTheHeadersTimesOut() throws Exception {
        fake = new FakePrometheus(q -> FakePrometheus.Answer.stalledBody(FakePrometheus.vector("1"), 5000));
        long t0 = System.nanoTime();
        QueryFailure f = failureOf(client(0));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(f.kind()).isEqualTo(FailureKind.TIMEOUT);
        assertThat(f.getMessage()).contains("within 500 ms");
        assertThat(ms).isBetween(400L, 3500L);
    }

    @Test
    void nobodyListeningIsUnreachable() throws Exception {
        // a port bound but not listening refuses connections, and nobody else can take it while it is held
        try (java.net.Socket bound = new java.net.Socket()) {
            bound.bind(new java.net.InetSocketAddress(java.net.InetAddress.getByName("127.0.0.1"), 0));
            QueryFailure f = failureOf(client("http://127.0.0.1:" + bound.getLocalPort(), 1, null, null, null));
            assertThat(f.kind()).isEqualTo(FailureKind.UNREACHABLE);
            // in words, not the JDK's class name alone
            assertThat(f.getMessage()).isEqualTo("unreachable: http://127.0.0.1:" + bound.getLocalPort()
                    + ": connection refused");
        }
        assertThat(PrometheusClient.reason(new java.net.UnknownHostException("prometheus.monitoring")))
                .isEqualTo("unknown host prometheus.monitoring");
    }

    @Test
    void bearerTokenIsReadAtEachQuery() throws Exception {
        fake = new FakePrometheus(q -> FakePrometheus.Answer.ok(FakePrometheus.vector("1")));
        Path token = Files.writeString(dir.resolve("token"), "first\n");
        PrometheusClient c = client(fake.url(), 0, token, null, null);
        c.query("m");
        Files.writeString(token, "rotated");
        c.query("m");
        assertThat(fake.authorizations).containsExactly("Bearer first", "Bearer rotated");
    }

    @Test
    void basicAuth() throws Exception {
        fake = new FakePrometheus(q -> FakePrometheus.Answer.ok(FakePrometheus.vector("1")));
        Path pw = Files.writeString(dir.resolve("pw"), "s3cret\n");
        client(fake.url(), 0, null, "agent", pw).query("m");
        assertThat(fake.authorizations).containsExactly("Basic YWdlbnQ6czNjcmV0");
    }

    private static QueryFailure failureOf(PrometheusClient c) throws InterruptedException {
        try {
            c.query("m");
        } catch (QueryFailure f) {
            return f;
        }
        throw new AssertionError("no failure");
    }

    @Test
    void aTokenWithALineBreakIsRefusedWithoutPrintingIt() throws Exception {
        fake = new FakePrometheus(q -> FakePrometheus.Answer.ok(FakePrometheus.vector("1")));
        Path token = Files.writeString(dir.resolve("token"), "tok123secret\nX-Injected: tok456secret\n");
        QueryFailure f = failureOf(client(fake.url(), 2, token, null, null));
        assertThat(f.getMessage()).contains(token.toString()).contains("control character")
                .doesNotContain("tok123").doesNotContain("tok456").doesNotContain("\n");
        assertThat(String.valueOf(f.getCause())).doesNotContain("tok123");
        assertThat(f.kind().retryable()).isFalse();
        assertThat(f.kind()).isEqualTo(FailureKind.CREDENTIALS); // no request was made: not an http_4xx
        assertThat(fake.authorizations).isEmpty();
        QueryFailure gone = failureOf(client(fake.url(), 0, dir.resolve("no-token"), null, null));
        assertThat(gone.kind()).isEqualTo(FailureKind.CREDENTIALS);
        assertThat(gone.getMessage()).isEqualTo("credentials: cannot read the Prometheus credentials: "
                + dir.resolve("no-token") + ": no such file");
    }

    @Test
    void aPasswordWithALineBreakIsRefusedWithoutPrintingIt() throws Exception {
        fake = new FakePrometheus(q -> FakePrometheus.Answer.ok(FakePrometheus.vector("1")));
        Path pw = Files.writeString(dir.resolve("pw"), "s3cr\ret\n");
        QueryFailure f = failureOf(client(fake.url(), 0, null, "agent", pw));
        // neither the password nor the Basic credentials it would make (base64 of "agent:s3cr\ret", less padding)
        String basic = java.util.Base64.getEncoder().withoutPadding()
                .encodeToString("agent:s3cr\ret".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(f.getMessage()).contains(pw.toString()).doesNotContain("s3cr").doesNotContain(basic)
                .doesNotContain("\n");
        assertThat(String.valueOf(f.getCause())).doesNotContain("s3cr").doesNotContain(basic);
        assertThat(f.kind()).isEqualTo(FailureKind.CREDENTIALS); // no request was made: not an http_4xx
        assertThat(fake.authorizations).isEmpty();
    }

    @Test
    void urlCredentialsNeverAppearInFailures() throws Exception {
        try (java.net.Socket bound = new java.net.Socket()) {
            bound.bind(new java.net.InetSocketAddress(java.net.InetAddress.getByName("127.0.0.1"), 0));
            AgentConfig.Prometheus cfg = new AgentConfig.Prometheus(
                    URI.create("http://agent:hunter2@127.0.0.1:" + bound.getLocalPort()), Duration.ofMillis(500), 0,
                    Duration.ofMillis(10), null, null, null, null);
            QueryFailure f = failureOf(new PrometheusClient(cfg));
            assertThat(f.getMessage()).contains("http://***@127.0.0.1:" + bound.getLocalPort())
                    .doesNotContain("hunter2").doesNotContain("agent:");
            assertThat(cfg.toString()).doesNotContain("hunter2");
            assertThat(cfg.redactedUrl()).isEqualTo("http://***@127.0.0.1:" + bound.getLocalPort());
        }
        fake = new FakePrometheus(q -> new FakePrometheus.Answer(200, FakePrometheus.vector("1"), 2_000));
        QueryFailure slow = failureOf(new PrometheusClient(new AgentConfig.Prometheus(
                URI.create(fake.url().replace("http://", "http://agent:hunter2@")), Duration.ofMillis(200), 0,
                Duration.ofMillis(10), null, null, null, null)));
        assertThat(slow.kind()).isEqualTo(FailureKind.TIMEOUT);
        assertThat(slow.getMessage()).contains("***@").doesNotContain("hunter2");
    }
}
