package dev.kdrl.agent.config;

import dev.kdrl.core.io.Printable;

/**
 * An invalid agent configuration: one line naming the file, the field (a path such as
 * {@code services[1].query}), the value found and the rule it breaks.
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String field;

    public ConfigException(String file, String field, Object value, String rule) {
        super(file + ": " + field + ": " + describe(value) + " (" + rule + ")");
        this.field = field;
    }

    /** A problem with the file itself (unreadable, not YAML): no field. */
    public ConfigException(String file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.field = "";
    }

    /** The path of the offending field, e.g. {@code schedule.period}; empty for whole-file problems. */
    public String field() {
        return field;
    }

    private static String describe(Object value) {
        if (value == null) {
            return "missing";
        }
        // one line whatever the file holds
        return "'" + Printable.escape(String.valueOf(value), 117) + "'";
    }
}
