package dev.kdrl.agent.it;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Function;

/**
 * A stand-in for the Locust Prometheus exporter, served inside the test on 127.0.0.1: {@code /metrics}
 * publishes one {@code locust_users} gauge per job, with values a function of the current time.
 */
final class LocustExporter implements AutoCloseable {
    private final HttpServer server;

    /** @param users job name to current users, evaluated at each scrape with the current epoch millis */
    LocustExporter(Function<Long, Map<String, Double>> users) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
        server.createContext("/metrics", ex -> {
            try (ex) {
                StringBuilder b = new StringBuilder("# HELP locust_users Number of users\n# TYPE locust_users gauge\n");
                users.apply(System.currentTimeMillis()).forEach((job, v) ->
                        b.append("locust_users{job=\"").append(job).append("\"} ").append(v).append('\n'));
                byte[] bytes = b.toString().getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
                ex.sendResponseHeaders(200, bytes.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(bytes);
                }
            }
        });
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
