package dev.kdrl.agent.prom;

import dev.kdrl.agent.config.AgentConfig;
import dev.kdrl.core.io.IoReasons;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Instant queries against Prometheus's HTTP API ({@code GET /api/v1/query}) with java.net.http: a timeout
 * per attempt, bounded retries with doubling backoff for the failures another attempt may fix
 * ({@link FailureKind#retryable()}), bearer-token or basic auth (secrets re-read from their files at each
 * query, so a rotated token is picked up) and an optional CA file for https.
 */
public final class PrometheusClient {
    private final AgentConfig.Prometheus config;
    private final HttpClient http;

    public PrometheusClient(AgentConfig.Prometheus config) {
        this.config = config;
        HttpClient.Builder b = HttpClient.newBuilder()
                .connectTimeout(config.timeout())
                .followRedirects(HttpClient.Redirect.NEVER);
        if (config.caFile() != null) {
            b.sslContext(sslContext(config.caFile()));
        }
        this.http = b.build();
    }

    /** The URL of one instant query. */
    public URI queryUri(String promql) {
        return URI.create(config.url() + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    }

    /** Why a request could not be made, in words (the JDK's connect failures carry no message). */
    static String reason(Throwable c) {
        String m = c.getMessage();
        if (c instanceof java.net.ConnectException) {
            return "connection refused" + (m == null || m.isBlank() ? "" : " (" + m + ")");
        }
        if (c instanceof java.net.UnknownHostException) {
            return "unknown host" + (m == null ? "" : " " + m);
        }
        if (c instanceof javax.net.ssl.SSLException) {
            return "TLS: " + m;
        }
        return m == null || m.isBlank() ? c.getClass().getSimpleName() : m;
    }

    /**
     * The value of {@code promql} now, after at most {@code 1 + retries} attempts.
     *
     * @throws QueryFailure the last attempt's failure
     * @throws InterruptedException if interrupted while waiting
     */
    public double query(String promql) throws QueryFailure, InterruptedException {
        Duration wait = config.backoff();
        QueryFailure last = null;
        for (int attempt = 0; attempt <= config.retries(); attempt++) {
            if (attempt > 0) {
                Thread.sleep(wait.toMillis());
                wait = wait.multipliedBy(2);
            }
            try {
                return once(promql);
            } catch (QueryFailure f) {
                last = f;
                if (!f.kind().retryable()) {
                    break;
                }
            }
        }
        throw last;
    }

    private double once(String promql) throws QueryFailure, InterruptedException {
        HttpRequest.Builder req = HttpRequest.newBuilder(queryUri(promql))
                .timeout(config.timeout())
                .header("Accept", "application/json")
                .GET();
        String auth = authorization();
        if (auth != null) {
            try {
                req.header("Authorization", auth);
            } catch (IllegalArgumentException e) {
                // the JDK's message quotes the header value: the secret; say only where it came from
                throw new QueryFailure(FailureKind.CREDENTIALS, "the Prometheus credentials from "
                        + credentialsFile() + " are not a valid HTTP header value", null);
            }
        }
        HttpResponse<String> resp;
        // the request's timeout covers the headers only: the wait on the whole answer bounds a body that stalls
        CompletableFuture<HttpResponse<String>> pending = http.sendAsync(req.build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        try {
            resp = pending.get(config.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            pending.cancel(true);
            throw new QueryFailure(FailureKind.TIMEOUT, "no complete answer from " + config.redactedUrl()
                    + " within " + config.timeout().toMillis() + " ms", e);
        } catch (InterruptedException e) {
            pending.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            Throwable c = e.getCause() != null ? e.getCause() : e;
            if (c instanceof HttpConnectTimeoutException) {
                throw new QueryFailure(FailureKind.TIMEOUT, "no connection to " + config.redactedUrl() + " within "
                        + config.timeout().toMillis() + " ms", c);
            }
            if (c instanceof HttpTimeoutException) {
                throw new QueryFailure(FailureKind.TIMEOUT, "no answer from " + config.redactedUrl() + " within "
                        + config.timeout().toMillis() + " ms", c);
            }
            throw new QueryFailure(FailureKind.UNREACHABLE, config.redactedUrl() + ": "
                    + AgentConfig.Prometheus.redact(reason(c)), c);
        }
        int code = resp.statusCode();
        String body = resp.body();
        if (code >= 500) {
            throw new QueryFailure(FailureKind.HTTP_SERVER_ERROR, "HTTP " + code + ": " + PromResponse.snippet(body));
        }
        if (code >= 400 && !isErrorJson(body)) {
            throw new QueryFailure(FailureKind.HTTP_CLIENT_ERROR, "HTTP " + code + ": " + PromResponse.snippet(body));
        }
        if (code >= 300 && code < 400) {
            throw new QueryFailure(FailureKind.HTTP_CLIENT_ERROR, "HTTP " + code + " (redirects are not followed)");
        }
        // Prometheus answers a bad query with 400 and an error JSON: report its message
        return PromResponse.value(body);
    }

    private static boolean isErrorJson(String body) {
        return body != null && body.contains("\"status\"") && body.contains("\"error\"");
    }

    private String authorization() throws QueryFailure {
        try {
            if (config.bearerTokenFile() != null) {
                String token = Files.readString(config.bearerTokenFile(), StandardCharsets.UTF_8).strip();
                checkOneLine(token, config.bearerTokenFile(), "bearer token");
                return "Bearer " + token;
            }
            if (config.basicUser() != null) {
                String pw = Files.readString(config.basicPasswordFile(), StandardCharsets.UTF_8).strip();
                checkOneLine(pw, config.basicPasswordFile(), "password");
                return "Basic " + Base64.getEncoder().encodeToString((config.basicUser() + ":" + pw)
                        .getBytes(StandardCharsets.UTF_8));
            }
            return null;
        } catch (IOException e) {
            throw new QueryFailure(FailureKind.CREDENTIALS, "cannot read the Prometheus credentials: "
                    + credentialsFile() + ": " + dev.kdrl.core.io.IoReasons.of(e), e);
        }
    }

    /**
     * A secret read from a file must be one line of printable characters; the failure names the file and the
     * offending position, never the secret.
     */
    private static void checkOneLine(String secret, Path file, String what) throws QueryFailure {
        for (int i = 0; i < secret.length(); i++) {
            char c = secret.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                throw new QueryFailure(FailureKind.CREDENTIALS, file + ": the " + what + " holds a control "
                        + "character (U+" + String.format("%04X", (int) c) + ") at offset " + i + " of "
                        + secret.length() + "; expected one line (the " + what + " itself is not shown)", null);
            }
        }
    }

    private Path credentialsFile() {
        return config.bearerTokenFile() != null ? config.bearerTokenFile() : config.basicPasswordFile();
    }

    private static SSLContext sslContext(Path caFile) {
        try (InputStream in = Files.newInputStream(caFile)) {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                ks.setCertificateEntry("ca-" + i++, c);
            }
            if (i == 0) {
                throw new IllegalArgumentException(caFile + ": no PEM certificate found");
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(caFile + ": cannot use as CA file: "
                    + (e instanceof IOException io ? IoReasons.of(io) : e.getMessage()), e);
        }
    }
}
