package dev.kdrl.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class QueryTemplateTest {

    @Test
    void rendersPlaceholders() {
        QueryTemplate t = QueryTemplate.parse("locust_users{instance=\"{{host}}:9646\", job=\"{{ job }}\"}");
        assertThat(t.names()).containsExactly("host", "job");
        assertThat(t.render(Map.of("host", "10.0.0.5", "job", "generator1")))
                .isEqualTo("locust_users{instance=\"10.0.0.5:9646\", job=\"generator1\"}");
    }

    @Test
    void escapesValuesSoTheyCannotLeaveTheirString() {
        QueryTemplate t = QueryTemplate.parse("m{job=\"{{job}}\"}");
        String evil = "x\"} or vector(1000) or m{job=\"\\";
        String q = t.render(Map.of("job", evil));
        assertThat(q).isEqualTo("m{job=\"x\\\"} or vector(1000) or m{job=\\\"\\\\\"}");
        // the rendered query still has exactly one string literal: the quotes inside are escaped
        assertThat(q.replace("\\\\", "").replace("\\\"", "").chars().filter(c -> c == '"').count()).isEqualTo(2);
        assertThat(QueryTemplate.escape("a\nb")).isEqualTo("a\\nb");
    }

    @Test
    void refusesPlaceholdersOutsideQuotes() {
        assertThatThrownBy(() -> QueryTemplate.parse("sum(rate(m[{{window}}]))"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("{{window}}")
                .hasMessageContaining("inside double quotes");
        assertThatThrownBy(() -> QueryTemplate.parse("m{job=\"a\"} + {{x}}"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void otherStringKindsAndCommentsAreNotMistakenForDoubleQuotes() {
        // the '"' is a whole single-quoted string: {{job}} after it is outside any string
        assertThatThrownBy(() -> QueryTemplate.parse("m{a='\"', job={{job}}}"))
                .hasMessageContaining("outside strings");
        assertThatThrownBy(() -> QueryTemplate.parse("m{a='{{job}}'}")).hasMessageContaining("single-quoted");
        assertThatThrownBy(() -> QueryTemplate.parse("m{a=`{{job}}`}")).hasMessageContaining("raw");
        assertThatThrownBy(() -> QueryTemplate.parse("m # \"{{job}}\"")).hasMessageContaining("comment");
        assertThat(QueryTemplate.parse("m{a=`x\"y`, b=\"{{v}}\"} # done").render(Map.of("v", "1")))
                .isEqualTo("m{a=`x\"y`, b=\"1\"} # done");
    }

    @Test
    void escapedQuotesDoNotEndTheString() {
        QueryTemplate t = QueryTemplate.parse("m{a=\"x\\\"{{v}}\"}");
        assertThat(t.render(Map.of("v", "1"))).isEqualTo("m{a=\"x\\\"1\"}");
    }

    @Test
    void refusesUnbalancedQuotesAndUnknownNames() {
        assertThatThrownBy(() -> QueryTemplate.parse("m{a=\"x}")).hasMessageContaining("unbalanced");
        assertThatThrownBy(() -> QueryTemplate.parse("m{a=\"{{v}}\"}").render(Map.of()))
                .hasMessageContaining("{{v}}");
    }
}
