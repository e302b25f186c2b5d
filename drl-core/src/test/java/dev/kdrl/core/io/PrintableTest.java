package dev.kdrl.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PrintableTest {

    @Test
    void controlCharactersAndLineSeparatorsAreEscapedAndTheRestKept() {
        assertThat(Printable.escape("a\nb\r\tc\u0000d\u001b[2Je\u007ff\u0085g\u2028h\u2029i"))
                .isEqualTo("a\\u000ab\\u000d\\u0009c\\u0000d\\u001b[2Je\\u007ff\\u0085g\\u2028h\\u2029i");
        assertThat(Printable.escape("héllo wörld 😀 \"quoted\" \\")).isEqualTo("héllo wörld 😀 \"quoted\" \\");
        assertThat(Printable.escape(null)).isEqualTo("null");
    }

    @Test
    void longTextIsCutAfterMaxCodePoints() {
        assertThat(Printable.escape("abcdef", 6)).isEqualTo("abcdef");
        assertThat(Printable.escape("abcdefg", 6)).isEqualTo("abcdef...");
        // counted in code points of the text, not in the escaped output's characters
        assertThat(Printable.escape("😀😀😀", 2)).isEqualTo("😀😀...");
        assertThat(Printable.escape("\n\n\n", 2)).isEqualTo("\\u000a\\u000a...");
        assertThat(Printable.escape("", 0)).isEmpty();
        assertThatThrownBy(() -> Printable.escape("a", -1)).hasMessage("max must be >= 0, got -1");
    }
}
