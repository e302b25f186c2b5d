package dev.kdrl.agent.prom;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kdrl.core.io.Printable;
import java.util.regex.Pattern;

/**
 * Parses the body of {@code GET /api/v1/query} (an instant query) into one number. The documented
 * shape: {@code {"status":"success","data":{"resultType":"vector","result":[{"metric":{..},"value":[1700000000.123,
 * "12"]}]}}}; the value is a string. A {@code scalar} result ({@code "value":[t,"12"]}) is accepted too.
 */
public final class PromResponse {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A decimal number as Prometheus formats sample values. */
    private static final Pattern NUMBER = Pattern.compile("[-+]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][-+]?\\d+)?");
    /** Prometheus's spellings of the special values. */
    private static final Pattern SPECIAL = Pattern.compile("NaN|[-+]?Inf", Pattern.CASE_INSENSITIVE);

    private PromResponse() {
    }

    /**
     * The single value of the answer.
     *
     * @throws QueryFailure {@link FailureKind#ERROR_STATUS}, {@link FailureKind#MALFORMED},
     *                      {@link FailureKind#EMPTY_RESULT}, {@link FailureKind#AMBIGUOUS_RESULT},
     *                      {@link FailureKind#NOT_A_NUMBER} or {@link FailureKind#NEGATIVE}
     */
    public static double value(String body) throws QueryFailure {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new QueryFailure(FailureKind.MALFORMED, "body is not JSON: " + snippet(body));
        }
        if (root == null || !root.isObject()) {
            throw new QueryFailure(FailureKind.MALFORMED, "body is not a JSON object: " + snippet(body));
        }
        String status = root.path("status").asText("");
        if (status.equals("error")) {
            throw new QueryFailure(FailureKind.ERROR_STATUS, snippet(root.path("errorType").asText("?")) + ": "
                    + snippet(root.path("error").asText("(no message)")));
        }
        if (!status.equals("success")) {
            throw new QueryFailure(FailureKind.MALFORMED, "status is '" + snippet(status) + "', expected success or error");
        }
        JsonNode data = root.path("data");
        String type = data.path("resultType").asText("");
        JsonNode result = data.path("result");
        JsonNode sample;
        switch (type) {
            case "vector" -> {
                if (!result.isArray()) {
                    throw new QueryFailure(FailureKind.MALFORMED, "data.result is not an array");
                }
                if (result.isEmpty()) {
                    throw new QueryFailure(FailureKind.EMPTY_RESULT, "the query matched no series");
                }
                if (result.size() > 1) {
                    throw new QueryFailure(FailureKind.AMBIGUOUS_RESULT, "the query matched " + result.size()
                            + " series, expected one (add labels or wrap it in sum())");
                }
                sample = result.get(0).path("value");
            }
            case "scalar" -> sample = result;
            default -> throw new QueryFailure(FailureKind.MALFORMED, "data.resultType is '" + type
                    + "', expected vector or scalar");
        }
        if (!sample.isArray() || sample.size() != 2 || !sample.get(1).isTextual()) {
            throw new QueryFailure(FailureKind.MALFORMED, "value is " + snippet(String.valueOf(sample))
                    + ", expected [<time>, \"<number>\"]");
        }
        String text = sample.get(1).asText();
        if (SPECIAL.matcher(text).matches()) {
            throw new QueryFailure(FailureKind.NOT_A_NUMBER, "value is " + text);
        }
        if (!NUMBER.matcher(text).matches()) {
            throw new QueryFailure(FailureKind.MALFORMED, "value '" + snippet(text) + "' is not a number");
        }
        double v = Double.parseDouble(text);
        if (!Double.isFinite(v)) {
            throw new QueryFailure(FailureKind.NOT_A_NUMBER, "value is " + text + " (out of range)");
        }
        if (v < 0) {
            throw new QueryFailure(FailureKind.NEGATIVE, "value is " + text + ", a load cannot be negative");
        }
        return v;
    }

    /**
     * At most 80 characters of {@code s} as they may be logged: whitespace runs as one space, other control
     * characters (NUL, ESC, ...) and line separators escaped as {@code \\uXXXX}, so that a garbage answer cannot
     * garble or forge log lines.
     */
    static String snippet(String s) {
        return Printable.escape(s == null ? "null" : s.replaceAll("\\s+", " ").strip(), 80);
    }
}
