package dev.kdrl.agent.prom;

/** Why a Prometheus query gave no usable value. Each is counted in the agent's metrics under its label. */
public enum FailureKind {
    /** The query matched no series. */
    EMPTY_RESULT("empty_result"),
    /** The query matched more than one series: the query must select exactly one. */
    AMBIGUOUS_RESULT("ambiguous_result"),
    /** HTTP 4xx (bad query, auth): retrying does not help. */
    HTTP_CLIENT_ERROR("http_4xx"),
    /** HTTP 5xx. */
    HTTP_SERVER_ERROR("http_5xx"),
    /** {@code "status":"error"} in the body. */
    ERROR_STATUS("error_status"),
    /** A body that is not the JSON the API documents. */
    MALFORMED("malformed"),
    /** The value is NaN or infinite. */
    NOT_A_NUMBER("nan"),
    /** The value is negative (a load cannot be). */
    NEGATIVE("negative"),
    /** The value is above the service's {@code maxLoad} (a broken exporter or a wrong query). */
    IMPLAUSIBLE("implausible"),
    /** No answer within the timeout. */
    TIMEOUT("timeout"),
    /** Connection refused, DNS, TLS or another I/O failure. */
    UNREACHABLE("unreachable"),
    /**
     * Read, but the cycle's time is not later than the last row of the service's history (the clock stepped back, or
     * a row was added by hand): not recorded, and the decision is made from the history as it is.
     */
    OUT_OF_ORDER("out_of_order"),
    /** The credentials file could not be read or is no HTTP header value: no request was made. */
    CREDENTIALS("credentials");

    private final String label;

    FailureKind(String label) {
        this.label = label;
    }

    /** The metric label value, e.g. {@code http_5xx}. */
    public String label() {
        return label;
    }

    /** Whether another attempt may succeed. */
    public boolean retryable() {
        return this == HTTP_SERVER_ERROR || this == TIMEOUT || this == UNREACHABLE;
    }
}
