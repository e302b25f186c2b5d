package dev.kdrl.agent.it;

import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The Debian {@code prometheus} binary, started by the test on 127.0.0.1 with a temporary data directory,
 * scraping one target every second ({@code honor_labels: true} keeps the exporter's {@code job} labels).
 * Stopped by its PID only.
 */
final class RealPrometheus implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/bin/prometheus");

    private final Process process;
    final int port;
    final Path log;

    RealPrometheus(Path dir, int targetPort) throws Exception {
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException(BINARY + " is missing: install the Debian package 'prometheus' "
                    + "(scripts/test-deps.sh does, and .ci/run calls it)");
        }
        port = Ports.free();
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                  scrape_timeout: 900ms
                  evaluation_interval: 1s
                scrape_configs:
                  - job_name: locust
                    honor_labels: true
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                """.formatted(targetPort));
        log = dir.resolve("prometheus.log");
        process = new ProcessBuilder(BINARY.toString(), "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + port,
                "--log.level=warn")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            HttpResponse<String> r = Ports.get(url() + "/-/ready");
            if (r != null && r.statusCode() == 200) {
                break;
            }
            if (!process.isAlive() || System.nanoTime() > deadline) {
                close();
                throw new IllegalStateException("prometheus did not become ready: " + Files.readString(log));
            }
            Thread.sleep(100);
        }
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    /** The instant query's raw JSON answer. */
    String query(String promql) {
        HttpResponse<String> r = Ports.get(url() + "/api/v1/query?query="
                + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        return r == null ? "" : r.body();
    }

    /** Waits until {@code promql} returns a sample whose value string is {@code value}. */
    void awaitValue(String promql, String value, Duration timeout) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            last = query(promql);
            if (last.contains(",\"" + value + "\"]")) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("prometheus never answered " + value + " for " + promql + "; last: " + last
                + "; log: " + Files.readString(log));
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
