package dev.kdrl.agent.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * {@code /healthz} (the process and its loop are alive), {@code /readyz} (configuration, model and state
 * loaded; 503 before) and {@code /metrics} (Prometheus text format) on the JDK's HTTP server.
 */
public final class OpsServer implements AutoCloseable {
    private final HttpServer server;

    public OpsServer(String bind, int port, BooleanSupplier healthy, BooleanSupplier ready, Supplier<String> metrics) {
        try {
            server = HttpServer.create(new InetSocketAddress(bind, port), 16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + bind + ":" + port + " (http.bind, http.port): "
                    + e.getMessage() + " (expected a free port on an address of this host, or http.enabled: false)",
                    e);
        }
        exact("/healthz", ex -> respond(ex, healthy.getAsBoolean() ? 200 : 503,
                healthy.getAsBoolean() ? "ok\n" : "unhealthy\n", "text/plain"));
        exact("/readyz", ex -> respond(ex, ready.getAsBoolean() ? 200 : 503,
                ready.getAsBoolean() ? "ok\n" : "not ready\n", "text/plain"));
        exact("/metrics", ex -> respond(ex, 200, metrics.get(), "text/plain; version=0.0.4; charset=utf-8"));
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "drl-agent-http");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    /** A context answers its path only: the JDK matches contexts by prefix ({@code /metricsXYZ}), this 404s. */
    private void exact(String path, HttpHandler handler) {
        server.createContext(path, ex -> {
            if (!ex.getRequestURI().getRawPath().equals(path)) {
                try (ex) {
                    ex.sendResponseHeaders(404, -1);
                }
                return;
            }
            handler.handle(ex);
        });
    }

    /** The port listened on (useful with port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    private static void respond(HttpExchange ex, int code, String body, String type) throws IOException {
        try (ex) {
            if (!ex.getRequestMethod().equals("GET") && !ex.getRequestMethod().equals("HEAD")) {
                ex.sendResponseHeaders(405, -1);
                return;
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", type);
            ex.sendResponseHeaders(code, ex.getRequestMethod().equals("HEAD") ? -1 : bytes.length);
            if (!ex.getRequestMethod().equals("HEAD")) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
