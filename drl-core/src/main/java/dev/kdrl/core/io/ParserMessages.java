package dev.kdrl.core.io;

/**
 * A JSON or YAML parser's message made fit for a one-line error: on one line ({@link #oneLine}), and Jackson appends where it read from, e.g. {@code
 * "(start marker at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column:
 * 26])"}, which names a library option and not the user's file (the caller names the file and line itself).
 */
public final class ParserMessages {
    private ParserMessages() {
    }

    /**
     * {@code text} on one line: each line break, with the blanks around it, becomes one space; blanks at either end
     * go ({@code null} reads "null"). For messages quoted in a one-line error.
     */
    public static String oneLine(String text) {
        return String.valueOf(text).replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
    }

    /**
     * {@code message} without the parser's source location: from the parenthesis that holds {@code "[Source:"} (or
     * from {@code "[Source:"} itself, and an "at" before it, when no parenthesis holds it) to the end; unchanged when
     * there is none.
     */
    public static String withoutSource(String message) {
        int src = message.indexOf("[Source:");
        if (src < 0) {
            return message;
        }
        int cut = src;
        int depth = 0;
        for (int i = src - 1; i >= 0; i--) {
            char c = message.charAt(i);
            if (c == ')') {
                depth++;
            } else if (c == '(' && depth-- == 0) {
                cut = i;
                break;
            }
        }
        return message.substring(0, cut).strip().replaceFirst("\\s+at$", "");
    }

    /**
     * A JSON parser's syntax error ({@code originalMessage}, without the parser's location) for a one-line error: on
     * one line, without its source, without the library's advice on the options that would accept the input (and
     * anything after a backquoted option name), printable and at most 200 characters.
     */
    public static String syntaxProblem(String originalMessage) {
        String m = withoutSource(oneLine(originalMessage))
                .replaceAll(":? *enable `[^`]*` to allow", "")
                .replaceAll(" *\\((?:not recognized as one since|set |enable )[^()]*\\)", "");
        int option = m.indexOf('`');
        return Printable.escape(option >= 0 ? m.substring(0, option).strip() : m, 200);
    }
}
