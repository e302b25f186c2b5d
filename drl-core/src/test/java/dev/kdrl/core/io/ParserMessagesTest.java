package dev.kdrl.core.io;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ParserMessagesTest {

    @Test
    void lineBreaksAndTheBlanksAroundThemBecomeOneSpace() {
        assertThat(ParserMessages.oneLine("  while parsing a flow node\n  expected the node content \r\n\n found x  "))
                .isEqualTo("while parsing a flow node expected the node content found x");
        assertThat(ParserMessages.oneLine("keeps  inner  blanks")).isEqualTo("keeps  inner  blanks");
        assertThat(ParserMessages.oneLine(null)).isEqualTo("null");
    }

    @Test
    void theSourceNoticeAndWhatFollowsItGo() {
        assertThat(ParserMessages.withoutSource("Unexpected end-of-input: expected close marker for Array (start "
                + "marker at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, "
                + "column: 26])")).isEqualTo("Unexpected end-of-input: expected close marker for Array");
        assertThat(ParserMessages.withoutSource("Unexpected character ('x' (code 120)): expected a value\n at [Source: "
                + "REDACTED; line: 1, column: 2]")).isEqualTo("Unexpected character ('x' (code 120)): expected a value");
        assertThat(ParserMessages.withoutSource("no location here (at all)")).isEqualTo("no location here (at all)");
    }
}
