package dev.kdrl.agent.prom;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * An HTTP server on 127.0.0.1 that answers {@code /api/v1/query} as a test tells it: for fault injection
 * that a real Prometheus cannot be made to do (500, garbage, slow answers). Records each request's query
 * and Authorization header.
 */
public final class FakePrometheus implements AutoCloseable {
    /** One scripted answer. */
    public record Answer(int status, String body, long delayMs, long bodyStallMs) {
        public Answer(int status, String body, long delayMs) {
            this(status, body, delayMs, 0);
        }

        public static Answer ok(String body) {
            return new Answer(200, body, 0);
        }

        /** 200 with its headers and half its body at once, the rest after {@code ms}. */
        public static Answer stalledBody(String body, long ms) {
            return new Answer(200, body, 0, ms);
        }
    }

    private final HttpServer server;
    public final List<String> queries = Collections.synchronizedList(new ArrayList<>());
    public final List<String> authorizations = Collections.synchronizedList(new ArrayList<>());
    private volatile Function<String, Answer> handler;

    public FakePrometheus(Function<String, Answer> handler) throws IOException {
        this.handler = handler;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.createContext("/api/v1/query", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
    }

    public void answer(Function<String, Answer> h) {
        this.handler = h;
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** A success answer holding one sample with {@code value} as its string. */
    public static String vector(String value) {
        return "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{\"job\":\"g\"},"
                + "\"value\":[1700000000.5,\"" + value + "\"]}]}}";
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String raw = ex.getRequestURI().getRawQuery();
            String q = java.net.URLDecoder.decode(raw.substring(raw.indexOf("query=") + 6), StandardCharsets.UTF_8);
            queries.add(q);
            authorizations.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
            Answer a = handler.apply(q);
            if (a.delayMs() > 0) {
                try {
                    Thread.sleep(a.delayMs());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            byte[] b = a.body().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(a.status(), b.length == 0 ? -1 : b.length);
            if (b.length > 0) {
                try (OutputStream out = ex.getResponseBody()) {
                    if (a.bodyStallMs() > 0) {
                        out.write(b, 0, b.length / 2);
                        out.flush();
                        try {
                            Thread.sleep(a.bodyStallMs());
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                        out.write(b, b.length / 2, b.length - b.length / 2);
                    } else {
                        out.write(b);
                    }
                }
            }
        } catch (IOException e) {
            // the client gave up (timeout): nothing to answer
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
