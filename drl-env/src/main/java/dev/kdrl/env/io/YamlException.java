package dev.kdrl.env.io;

import dev.kdrl.core.io.ParserMessages;
import java.util.List;

/**
 * A YAML document that does not fit the shape it is read into ({@link YamlReader}). The message is one line
 * naming the source, the line where the parser knows it, the path of the field (such as
 * {@code services[1].configs[2].cpu}), the value found and what was expected; readers with a message format of
 * their own take the parts.
 */
public final class YamlException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** What is wrong. */
    public enum Kind {
        /**
         * Not YAML, or YAML this reader refuses: a syntax error, a duplicate key, a tag, an alias to no anchor,
         * more than one document ({@link #detail}).
         */
        SYNTAX,
        /** No document, or a document that is only a null. */
        EMPTY,
        /** A key the shape does not have ({@link #detail}, {@link #knownKeys}, {@link #value}). */
        UNKNOWN_KEY,
        /** A value of the wrong kind ({@link #value}, {@link #expected}). */
        BAD_VALUE
    }

    private final Kind kind;
    private final String source;
    private final int line;
    private final String path;
    private final Object value;
    private final String expected;
    private final List<String> knownKeys;
    private final String detail;

    YamlException(Kind kind, String source, int line, String path, Object value, String expected,
                  List<String> knownKeys, String detail, Throwable cause) {
        super(format(kind, source, line, path, value, expected, knownKeys, detail), cause);
        this.kind = kind;
        this.source = source;
        this.line = line;
        this.path = path;
        this.value = value;
        this.expected = expected;
        this.knownKeys = knownKeys == null ? List.of() : List.copyOf(knownKeys);
        this.detail = detail;
    }

    private static String format(Kind kind, String source, int line, String path, Object value, String expected,
                                 List<String> knownKeys, String detail) {
        StringBuilder sb = new StringBuilder(source);
        if (line > 0) {
            sb.append(" line ").append(line);
        }
        if (!path.isEmpty()) {
            sb.append(' ').append(path);
        }
        sb.append(": ").append(switch (kind) {
            case SYNTAX -> "invalid YAML: " + detail;
            case EMPTY -> "is empty (expected " + expected + ")";
            case UNKNOWN_KEY -> "unknown key '" + detail + "' (expected one of " + String.join(", ", knownKeys) + ")";
            case BAD_VALUE -> describe(value) + " is not valid (expected " + expected + ")";
        });
        return ParserMessages.oneLine(sb.toString());
    }

    /** A value for messages: {@code null}, or the value in single quotes, shortened to 120 characters. */
    private static String describe(Object value) {
        if (value == null) {
            return "an empty value (null)";
        }
        String s = String.valueOf(value);
        return "'" + (s.length() > 120 ? s.substring(0, 117) + "..." : s) + "'";
    }

    /** What is wrong. */
    public Kind kind() {
        return kind;
    }

    /** The source name given to the reader, e.g. the file. */
    public String source() {
        return source;
    }

    /** 1-based line of the problem; 0 when not known (the binding of a well-formed document knows none). */
    public int line() {
        return line;
    }

    /** Where in the document, e.g. {@code services[1].configs[2].cpu}; empty for the whole document. */
    public String path() {
        return path;
    }

    /**
     * The value found, as plain Java ({@code String}, {@code Boolean}, {@code Integer}, {@code Long},
     * {@code BigInteger}, {@code Double}, {@code List}, {@code Map}) or {@code null} for a YAML null.
     */
    public Object value() {
        return value;
    }

    /**
     * What the place holds, e.g. {@code a finite number > 0}; for {@link Kind#SYNTAX} and {@link Kind#EMPTY}: what
     * the document should be, e.g. {@code a map with keys quota, minPods, services}.
     */
    public String expected() {
        return expected;
    }

    /** For {@link Kind#UNKNOWN_KEY}: the keys of that mapping, in declaration order. */
    public List<String> knownKeys() {
        return knownKeys;
    }

    /** For {@link Kind#SYNTAX}: the parser's description of the problem, on one line; for {@link Kind#UNKNOWN_KEY}: the key. */
    public String detail() {
        return detail;
    }
}
