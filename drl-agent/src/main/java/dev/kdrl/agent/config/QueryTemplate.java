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
        Context ctx = Context.CODE;
        while (m.find()) {
            ctx = scan(template, pos, m.start(), ctx);
            if (ctx != Context.DOUBLE) {
                throw new IllegalArgumentException("placeholder " + m.group() + " must be inside double quotes "
                        + "(e.g. job=\"" + m.group() + "\"), not " + ctx.where + ", so its value can be escaped");
            }
            names.add(m.group(1));
            ctx = scan(template, m.start(), m.end(), ctx);
            pos = m.end();
        }
        ctx = scan(template, pos, template.length(), ctx);
        if (ctx != Context.CODE && ctx != Context.COMMENT) {
            throw new IllegalArgumentException("unbalanced quotes: the query ends " + ctx.where);
        }
        return new QueryTemplate(template, names);
    }

    /** Where a character of a PromQL query stands. */
    private enum Context {
        CODE("outside strings"), DOUBLE("in a double-quoted string"), SINGLE("in a single-quoted string"),
        BACKTICK("in a raw (backtick) string"), COMMENT("in a comment");

        final String where;

        Context(String where) {
            this.where = where;
        }
    }

    /** The context at {@code to}, starting in {@code ctx} at {@code from} (PromQL's strings and comments). */
    private static Context scan(String s, int from, int to, Context ctx) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            switch (ctx) {
                case CODE -> ctx = switch (c) {
                    case '"' -> Context.DOUBLE;
                    case '\'' -> Context.SINGLE;
                    case '`' -> Context.BACKTICK;
                    case '#' -> Context.COMMENT;
                    default -> Context.CODE;
                };
                case DOUBLE, SINGLE -> {
                    if (c == '\\') {
                        i++;
                    } else if (c == (ctx == Context.DOUBLE ? '"' : '\'')) {
                        ctx = Context.CODE;
                    }
                }
                case BACKTICK -> ctx = c == '`' ? Context.CODE : ctx;
                case COMMENT -> ctx = c == '\n' ? Context.CODE : ctx;
                default -> throw new IllegalStateException();
            }
        }
        return ctx;
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
