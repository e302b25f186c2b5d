package dev.kdrl.agent.k8s;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * A failed Kubernetes API request in words, for one log or error line: the API server's message when it answered,
 * else what went wrong below HTTP (connection refused, timed out, TLS, unknown host), never fabric8's "Operation:
 * [get] for kind ... failed" wrapper alone. Shared by the Lease election, the {@code DRLScaleAction} writer and the
 * Knative applier.
 */
public final class ApiErrors {
    private ApiErrors() {
    }

    /** Whether the API server never answered (no HTTP status: fabric8 gives 0 or -1). */
    public static boolean unanswered(KubernetesClientException e) {
        return e.getCode() <= 0;
    }

    /**
     * The API server's message (and its first cause's), or, when it never answered, {@link #transport}; one line,
     * at most 200 characters.
     */
    public static String brief(KubernetesClientException e) {
        if (unanswered(e)) {
            return transport(e);
        }
        String m = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage()
                : String.valueOf(e.getMessage());
        if (e.getStatus() != null && e.getStatus().getDetails() != null && e.getStatus().getDetails().getCauses() != null
                && !e.getStatus().getDetails().getCauses().isEmpty()
                && e.getStatus().getDetails().getCauses().get(0).getMessage() != null) {
            m += ": " + e.getStatus().getDetails().getCauses().get(0).getMessage();
        }
        return cut(oneLine(m));
    }

    /** What went wrong below HTTP, in words, from the causes of {@code e}. */
    public static String transport(Throwable e) {
        Throwable last = e;
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage() == null ? "" : oneLine(t.getMessage());
            if (t instanceof ConnectException && m.toLowerCase(Locale.ROOT).contains("refused")) {
                return "connection refused";
            }
            if (t instanceof SocketTimeoutException || t instanceof TimeoutException
                    || t.getClass().getSimpleName().contains("Timeout")) {
                return "timed out" + (m.isEmpty() ? "" : ": " + cut(m));
            }
            if (t instanceof SSLException) {
                // the innermost cause says why (a certificate not trusted, not TLS at all, ...)
                for (Throwable c = t.getCause(); c != null; c = c.getCause()) {
                    m = c.getMessage() != null ? oneLine(c.getMessage()) : m;
                }
                return "TLS failed" + (m.isEmpty() ? "" : ": " + cut(m));
            }
            if (t instanceof UnknownHostException) {
                return "unknown host" + (m.isEmpty() ? "" : " " + m);
            }
            if (t instanceof NoRouteToHostException) {
                return "no route to host";
            }
            if (t instanceof ConnectException) {
                return "cannot connect" + (m.isEmpty() ? "" : ": " + cut(m));
            }
            if (t instanceof ClosedChannelException) {
                return "the connection was closed";
            }
            last = t;
        }
        return last.getMessage() == null ? last.getClass().getSimpleName() : cut(oneLine(last.getMessage()));
    }

    static String cut(String s) {
        return s.length() > 200 ? s.substring(0, 197) + "..." : s;
    }

    static String oneLine(String s) {
        return s.strip().replaceAll("\\s+", " ");
    }
}
