package dev.kdrl.agent.prom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PromResponseTest {

    private static String vector(String... values) {
        StringBuilder b = new StringBuilder("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[");
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append("{\"metric\":{\"__name__\":\"locust_users\",\"job\":\"generator").append(i + 1)
                    .append("\"},\"value\":[1700000000.123,\"").append(values[i]).append("\"]}");
        }
        return b.append("]}}").toString();
    }

    private static FailureKind failure(String body) {
        try {
            PromResponse.value(body);
        } catch (QueryFailure f) {
            return f.kind();
        }
        throw new AssertionError("no failure for " + body);
    }

    @Test
    void readsTheStringValueOfOneSeries() throws QueryFailure {
        assertThat(PromResponse.value(vector("12"))).isEqualTo(12.0);
        assertThat(PromResponse.value(vector("40.125"))).isEqualTo(40.125);
        assertThat(PromResponse.value(vector("1e2"))).isEqualTo(100.0);
        assertThat(PromResponse.value(vector("0"))).isEqualTo(0.0);
    }

    @Test
    void acceptsAScalarResult() throws QueryFailure {
        assertThat(PromResponse.value("{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\","
                + "\"result\":[1700000000,\"7\"]}}")).isEqualTo(7.0);
    }

    @Test
    void emptyResultIsNamed() {
        assertThat(failure(vector())).isEqualTo(FailureKind.EMPTY_RESULT);
    }

    @Test
    void severalSeriesAreAmbiguous() {
        assertThat(failure(vector("1", "2"))).isEqualTo(FailureKind.AMBIGUOUS_RESULT);
    }

    @Test
    void errorStatusCarriesPrometheusMessage() {
        String body = "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"1:14: parse error: unexpected }\"}";
        assertThatThrownBy(() -> PromResponse.value(body)).isInstanceOf(QueryFailure.class)
                .hasMessageContaining("error_status").hasMessageContaining("bad_data")
                .hasMessageContaining("parse error");
    }

    @Test
    void garbageIsMalformed() {
        assertThat(failure("<html>502 Bad Gateway</html>")).isEqualTo(FailureKind.MALFORMED);
        assertThat(failure("")).isEqualTo(FailureKind.MALFORMED);
        assertThat(failure("[1,2]")).isEqualTo(FailureKind.MALFORMED);
        assertThat(failure("{\"status\":\"success\"}")).isEqualTo(FailureKind.MALFORMED);
        assertThat(failure("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[]}}"))
                .isEqualTo(FailureKind.MALFORMED);
        assertThat(failure(vector("12abc"))).isEqualTo(FailureKind.MALFORMED);
        assertThat(failure(vector("0x10"))).isEqualTo(FailureKind.MALFORMED);
        // a number instead of the documented string
        assertThat(failure("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{},"
                + "\"value\":[1,12]}]}}")).isEqualTo(FailureKind.MALFORMED);
    }

    /** Control characters of a garbage answer never reach the log raw (found by the soak, SoakIT). */
    @Test
    void controlCharactersOfAGarbageAnswerAreEscapedInTheMessage() {
        assertThatThrownBy(() -> PromResponse.value("\u0000\u001b[31m<html>not json}{"))
                .hasMessage("malformed: body is not JSON: \\u0000\\u001b[31m<html>not json}{");
        assertThatThrownBy(() -> PromResponse.value("{\"status\":\"error\",\"errorType\":\"bad\\u001b\","
                + "\"error\":\"x\\u0000y\\nz\"}")).hasMessage("error_status: bad\\u001b: x\\u0000y z");
        assertThatThrownBy(() -> PromResponse.value("{\"status\":\"\\u0007\"}"))
                .hasMessage("malformed: status is '\\u0007', expected success or error");
    }

    @Test
    void nanAndInfinityAreNotNumbers() {
        assertThat(failure(vector("NaN"))).isEqualTo(FailureKind.NOT_A_NUMBER);
        assertThat(failure(vector("+Inf"))).isEqualTo(FailureKind.NOT_A_NUMBER);
        assertThat(failure(vector("-Inf"))).isEqualTo(FailureKind.NOT_A_NUMBER);
        assertThat(failure(vector("1e999"))).isEqualTo(FailureKind.NOT_A_NUMBER);
    }

    @Test
    void negativeLoadIsRefused() {
        assertThat(failure(vector("-3"))).isEqualTo(FailureKind.NEGATIVE);
    }
}
