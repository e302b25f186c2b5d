package dev.kdrl.agent.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleBiFunction;

/**
 * A Prometheus-like HTTP server on 127.0.0.1 answering {@code GET /api/v1/query} with raw sockets, so that it can
 * misbehave in every way the soak needs: each request's answer is drawn from a seeded random source (keyed by the
 * service, the time slot and the attempt, so the draws do not depend on thread interleaving): the right value, a
 * 5xx, a stall before the headers, a body stalled half-way, garbage, {@code NaN} or a huge value. Between such
 * requests it goes away for whole windows (its listening socket closed: connection refused) on a seeded schedule.
 *
 * <p>The right value of a service at a time is {@code value.applyAsDouble(service, slot)}; the test derives the
 * slot from the cycle time to check what was recorded.
 */
final class FaultyPrometheus implements AutoCloseable {
    /** What a request got. */
    enum Fault {
        NONE, HTTP_5XX, STALL_HEADERS, STALL_BODY, GARBAGE, NAN, HUGE, REFUSED
    }

    /** The probability of each fault per request (the rest: the right value). */
    record Mix(double http5xx, double stallHeaders, double stallBody, double garbage, double nan, double huge) {
    }

    private final long seed;
    private final Mix mix;
    private final long stallMs;
    private final long periodMs;
    private final long slotShiftMs;
    private final ToDoubleBiFunction<String, Long> value;
    private final int port;
    private final Map<Fault, AtomicLong> counts = new EnumMap<>(Fault.class);
    private final Map<String, AtomicLong> attempts = new ConcurrentHashMap<>();
    private final AtomicLong served = new AtomicLong();
    private volatile ServerSocket listener;
    private volatile boolean closed;
    private final Thread acceptor;
    private final Thread outages;

    /**
     * @param seed        every random choice's seed
     * @param periodMs    the agent's period; the slot of a request is {@code floor((now + slotShiftMs) / periodMs)}
     * @param stallMs     how long a stall lasts before the connection is closed
     * @param outageEvery mean time between outages (0: none); each lasts 1 to 3 periods
     */
    FaultyPrometheus(long seed, Mix mix, long periodMs, long slotShiftMs, long stallMs, long outageEvery,
                     ToDoubleBiFunction<String, Long> value) throws IOException {
        this.seed = seed;
        this.mix = mix;
        this.periodMs = periodMs;
        this.slotShiftMs = slotShiftMs;
        this.stallMs = stallMs;
        this.value = value;
        for (Fault f : Fault.values()) {
            counts.put(f, new AtomicLong());
        }
        listener = open(0);
        port = listener.getLocalPort();
        acceptor = new Thread(this::accept, "faulty-prometheus-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        outages = new Thread(() -> outages(outageEvery), "faulty-prometheus-outages");
        outages.setDaemon(true);
        if (outageEvery > 0) {
            outages.start();
        }
    }

    private static ServerSocket open(int port) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 64);
        return s;
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    /** The slot of a request served at {@code epochMs}. */
    long slot(long epochMs) {
        return Math.floorDiv(epochMs + slotShiftMs, periodMs);
    }

    /** Requests answered with the right value. */
    long served() {
        return served.get();
    }

    /** How many requests got each fault; {@link Fault#REFUSED}: outage windows. */
    Map<Fault, Long> counts() {
        Map<Fault, Long> m = new EnumMap<>(Fault.class);
        counts.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }

    /** Closes the listening socket for 1 to 3 periods at seeded random times (connection refused meanwhile). */
    private void outages(long every) {
        SplittableRandom rnd = new SplittableRandom(seed ^ 0x5DEECE66DL);
        try {
            while (!closed) {
                Thread.sleep(every / 2 + rnd.nextLong(every));
                synchronized (this) {
                    if (closed) {
                        return;
                    }
                    try {
                        listener.close();
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
                counts.get(Fault.REFUSED).incrementAndGet();
                Thread.sleep(periodMs + rnd.nextLong(2 * periodMs));
                synchronized (this) {
                    if (closed) {
                        return;
                    }
                    // the same port again: another process could take it meanwhile (loopback, ephemeral port)
                    for (int i = 0; ; i++) {
                        try {
                            listener = open(port);
                            notifyAll();
                            break;
                        } catch (IOException e) {
                            if (i > 100) {
                                throw new IllegalStateException("cannot listen on " + port + " again", e);
                            }
                            wait(20);
                        }
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void accept() {
        while (!closed) {
            ServerSocket s = listener;
            try {
                Socket c = s.accept();
                Thread t = new Thread(() -> handle(c), "faulty-prometheus-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                // closed for an outage: wait for the new listener
                synchronized (this) {
                    while (!closed && listener == s) {
                        try {
                            wait(50);
                        } catch (InterruptedException ie) {
                            return;
                        }
                    }
                }
            }
        }
    }

    private Fault draw(String service, long slot) {
        long attempt = attempts.computeIfAbsent(service + "@" + slot, k -> new AtomicLong()).getAndIncrement();
        SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + service.hashCode() * 31L
                + slot * 1_000_003L + attempt);
        double u = r.nextDouble();
        double[] p = {mix.http5xx(), mix.stallHeaders(), mix.stallBody(), mix.garbage(), mix.nan(), mix.huge()};
        Fault[] f = {Fault.HTTP_5XX, Fault.STALL_HEADERS, Fault.STALL_BODY, Fault.GARBAGE, Fault.NAN, Fault.HUGE};
        double acc = 0;
        for (int i = 0; i < p.length; i++) {
            acc += p[i];
            if (u < acc) {
                return f[i];
            }
        }
        return Fault.NONE;
    }

    private void handle(Socket c) {
        try (c) {
            c.setSoTimeout(10_000);
            String target = requestTarget(c.getInputStream());
            if (target == null) {
                return;
            }
            long now = System.currentTimeMillis();
            String service = service(target);
            long slot = slot(now);
            Fault fault = service == null ? Fault.GARBAGE : draw(service, slot);
            counts.get(fault).incrementAndGet();
            OutputStream out = c.getOutputStream();
            switch (fault) {
                case NONE -> {
                    double v = value.applyAsDouble(service, slot);
                    write(out, 200, vector(Double.toString(v)));
                    served.incrementAndGet();
                }
                case HTTP_5XX -> write(out, 503, "{\"status\":\"error\",\"errorType\":\"unavailable\",\"error\":\"injected\"}");
                case STALL_HEADERS -> Thread.sleep(stallMs);
                case STALL_BODY -> {
                    byte[] body = vector("12").getBytes(StandardCharsets.UTF_8);
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                            + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(body, 0, body.length / 2);
                    out.flush();
                    Thread.sleep(stallMs);
                }
                case GARBAGE -> write(out, 200, "\u0000\u001b[31m<html>not json}{");
                case NAN -> write(out, 200, vector("NaN"));
                case HUGE -> write(out, 200, vector("1e300"));
                default -> throw new IllegalStateException(fault.toString());
            }
        } catch (SocketException e) {
            // the agent gave up on this answer (its timeout) or was killed
        } catch (IOException e) {
            // same
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The request line's target after reading the headers, or {@code null} at end of stream. */
    private static String requestTarget(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0) {
            head.append((char) b);
            if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
                String first = head.substring(0, head.indexOf("\r\n"));
                String[] parts = first.split(" ");
                return parts.length >= 2 ? parts[1] : "";
            }
            if (head.length() > 65_536) {
                return null;
            }
        }
        return null;
    }

    /** The service of a query {@code locust_users{job="generatorN"}}, by the job label the soak's config gives it. */
    private static String service(String target) {
        int q = target.indexOf("query=");
        if (q < 0) {
            return null;
        }
        String query = URLDecoder.decode(target.substring(q + 6).split("&")[0], StandardCharsets.UTF_8);
        int a = query.indexOf('"');
        int z = query.lastIndexOf('"');
        return a >= 0 && z > a ? query.substring(a + 1, z) : null;
    }

    static String vector(String v) {
        return "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{\"job\":\"g\"},"
                + "\"value\":[1700000000.0,\"" + v + "\"]}]}}";
    }

    private static void write(OutputStream out, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        out.write(("HTTP/1.1 " + status + (status == 200 ? " OK" : " Service Unavailable")
                + "\r\nContent-Type: application/json\r\nContent-Length: " + b.length + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(b);
        out.flush();
    }

    @Override
    public void close() throws IOException {
        synchronized (this) {
            closed = true;
            listener.close();
            notifyAll();
        }
        outages.interrupt();
    }
}
