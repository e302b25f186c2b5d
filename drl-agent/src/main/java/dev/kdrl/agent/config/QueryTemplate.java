package dev.kdrl.agent.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PromQL query with {@code {{name}}} placeholders, e.g. {@code locust_users{job="{{job}}"}}. Values are
 * escaped for a PromQL double-quoted string ({@code \}, {@code "}, newline), so a placeholder must sit
 * inside double quotes: anything else could change the query's meaning and is refused when the
 * configuration is read.
 */
public final class QueryTemplate {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*}}");

    private final String template;
    private final List<String> names;

    private QueryTemplate(String template, List<String> names) {
        this.template = template;
        this.names = List.copyOf(names);
    }

    /**
     * Parses {@code template}.
     *
     * @throws IllegalArgumentException when a placeholder is outside a double-quoted string or the quotes
     *                                  do not balance
     */
    public static QueryTemplate parse(String template) {
        List<String> names = new ArrayList<>();
        Matcher m = PLACEHOLDER.matcher(template);
        int pos = 0;
        boolean inQuotes = false;
        while (m.find()) {
            inQuotes = scanQuotes(template, pos, m.start(), inQuotes);
            if (!inQuotes) {
                throw new IllegalArgumentException("placeholder " + m.group() + " must be inside double quotes "
                        + "(e.g. job=\"" + m.group() + "\") so its value can be escaped");
            }
            names.add(m.group(1));
            pos = m.end();
        }
        if (scanQuotes(template, pos, template.length(), inQuotes)) {
            throw new IllegalArgumentException("unbalanced double quotes");
        }
        return new QueryTemplate(template, names);
    }

    /** Whether we are inside double quotes at {@code to}, starting from state {@code inQuotes} at {@code from}. */
    private static boolean scanQuotes(String s, int from, int to, boolean inQuotes) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (inQuotes && c == '\\') {
                i++;
            } else if (c == '"') {
                inQuotes = !inQuotes;
            }
        }
        return inQuotes;
    }

    /** The placeholder names, in order of appearance (with repeats). */
    public List<String> names() {
        return names;
    }

    public String template() {
        return template;
    }

    /**
     * The query with every placeholder replaced by its escaped value.
     *
     * @throws IllegalArgumentException for a placeholder without a value
     */
    public String render(Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String v = values.get(m.group(1));
            if (v == null) {
                throw new IllegalArgumentException("no value for placeholder " + m.group() + "; known: "
                        + values.keySet());
            }
            m.appendReplacement(out, Matcher.quoteReplacement(escape(v)));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Escapes a label value for a PromQL double-quoted string. */
    public static String escape(String value) {
        StringBuilder b = new StringBuilder(value.length() + 8);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '"' -> b.append("\\\"");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return template;
    }
}
