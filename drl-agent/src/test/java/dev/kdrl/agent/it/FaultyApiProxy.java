package dev.kdrl.agent.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A reverse proxy on 127.0.0.1 in front of an API server (the fabric8 mock), injecting failures into the agent's
 * writes of its resource: each write (PATCH, POST, PUT) is answered 409 Conflict or 503 with seeded probabilities
 * instead of being forwarded, and during seeded "conflict storms" every write is answered 409 (so that some cycles
 * fail to write after all their attempts). Reads are always forwarded.
 */
final class FaultyApiProxy implements AutoCloseable {
    private static final Set<String> HOP = Set.of("connection", "content-length", "expect", "host", "upgrade",
            "transfer-encoding", "keep-alive", "http2-settings");

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "faulty-api-proxy");
        t.setDaemon(true);
        return t;
    });
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String upstream;
    private final double p409;
    private final double p503;
    private final SplittableRandom random;
    private final long stormEveryMs;
    private final long stormMs;
    private volatile long stormUntil;
    private long nextStorm;
    final AtomicLong conflicts = new AtomicLong();
    final AtomicLong unavailable = new AtomicLong();
    final AtomicLong forwardedWrites = new AtomicLong();
    final AtomicLong storms = new AtomicLong();

    /**
     * @param stormEveryMs mean time between conflict storms (0: none); each lasts {@code stormMs}
     */
    FaultyApiProxy(String upstream, long seed, double p409, double p503, long stormEveryMs, long stormMs)
            throws IOException {
        this.upstream = upstream;
        this.p409 = p409;
        this.p503 = p503;
        this.random = new SplittableRandom(seed);
        this.stormEveryMs = stormEveryMs;
        this.stormMs = stormMs;
        this.nextStorm = stormEveryMs > 0 ? System.currentTimeMillis() + stormEveryMs / 2
                + random.nextLong(stormEveryMs) : Long.MAX_VALUE;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 32);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The fault for a write now, drawn under the lock so that the draws follow the writes' order. */
    private synchronized int draw() {
        long now = System.currentTimeMillis();
        if (now >= nextStorm) {
            stormUntil = now + stormMs;
            storms.incrementAndGet();
            nextStorm = now + stormEveryMs / 2 + random.nextLong(stormEveryMs);
        }
        if (now < stormUntil) {
            return 409;
        }
        double u = random.nextDouble();
        return u < p409 ? 409 : u < p409 + p503 ? 503 : 0;
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod();
            byte[] body = ex.getRequestBody().readAllBytes();
            boolean write = Set.of("PATCH", "POST", "PUT").contains(method);
            if (write) {
                int fault = draw();
                if (fault != 0) {
                    (fault == 409 ? conflicts : unavailable).incrementAndGet();
                    String reason = fault == 409 ? "Conflict" : "ServiceUnavailable";
                    respond(ex, fault, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
                            + "\"message\":\"injected " + fault + "\",\"reason\":\"" + reason + "\",\"code\":" + fault + "}");
                    return;
                }
                forwardedWrites.incrementAndGet();
            }
            HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(upstream + ex.getRequestURI()))
                    .timeout(Duration.ofSeconds(10))
                    .method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(body));
            for (Map.Entry<String, List<String>> h : ex.getRequestHeaders().entrySet()) {
                if (!HOP.contains(h.getKey().toLowerCase())) {
                    for (String v : h.getValue()) {
                        req.header(h.getKey(), v);
                    }
                }
            }
            HttpResponse<byte[]> resp;
            try {
                resp = http.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                respond(ex, 502, "interrupted");
                return;
            } catch (IOException e) {
                respond(ex, 502, e.toString());
                return;
            }
            resp.headers().firstValue("content-type").ifPresent(v -> ex.getResponseHeaders().add("Content-Type", v));
            byte[] out = resp.body();
            ex.sendResponseHeaders(resp.statusCode(), out.length == 0 ? -1 : out.length);
            if (out.length > 0) {
                try (OutputStream o = ex.getResponseBody()) {
                    o.write(out);
                }
            }
        }
    }

    private static void respond(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream o = ex.getResponseBody()) {
            o.write(b);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
