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

    /** Jackson's own messages (2.x, as read): the advice on options that would accept the input goes. */
    @Test
    void aSyntaxProblemLosesTheLibrarysAdvice() {
        assertThat(ParserMessages.syntaxProblem("Non-standard token 'NaN': enable "
                + "`JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow")).isEqualTo("Non-standard token 'NaN'");
        assertThat(ParserMessages.syntaxProblem("Unexpected character ('}' (code 125)): was expecting double-quote to "
                + "start field name\n at [Source: REDACTED; line: 1, column: 10]"))
                .isEqualTo("Unexpected character ('}' (code 125)): was expecting double-quote to start field name");
        assertThat(ParserMessages.syntaxProblem("Unexpected character ('x' (code 120)): maybe a (non-standard) comment? "
                + "(not recognized as one since Feature 'ALLOW_COMMENTS' not enabled for parser)"))
                .isEqualTo("Unexpected character ('x' (code 120)): maybe a (non-standard) comment?");
        assertThat(ParserMessages.syntaxProblem("bad `Option` and more")).isEqualTo("bad");
        assertThat(ParserMessages.syntaxProblem("x".repeat(300))).hasSizeLessThanOrEqualTo(200 + 3);
    }
}
