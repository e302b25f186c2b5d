package dev.kdrl.env.profile;

import dev.kdrl.core.io.ParserMessages;

/**
 * A service-profile file (CSV or YAML) whose content is not a valid profile. The message is one line
 * and names the file, then where the problem is (a 1-based line number with the header as line 1
 * and a column for CSV; a path such as {@code services[1].configs[2].cpu} for YAML), the offending
 * value and what was expected, e.g.
 * {@code profiles.csv line 5, column 'cpu_cores': '-2' is not valid (expected a finite number > 0)}.
 */
public final class ProfileFormatException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String file;
    private final long line;
    private final String column;
    private final String path;

    /**
     * @param file   the file (source) name
     * @param line   1-based line number (header = line 1), 0 when not known or not applicable
     * @param column CSV column name, or {@code null}
     * @param path   YAML path such as {@code services[0].sloMs}, or {@code null}
     * @param detail the offending value and what was expected
     * @param cause  the underlying exception, or {@code null}
     */
    public ProfileFormatException(String file, long line, String column, String path, String detail,
                                  Throwable cause) {
        super(format(file, line, column, path, detail), cause);
        this.file = file;
        this.line = line;
        this.column = column;
        this.path = path;
    }

    /** A CSV problem at {@code line} (0 = the whole file) in {@code column} (may be {@code null}). */
    static ProfileFormatException csv(String file, long line, String column, String detail) {
        return new ProfileFormatException(file, line, column, null, detail, null);
    }

    /** A YAML problem at {@code path} ({@code null} = the whole document). */
    static ProfileFormatException yaml(String file, String path, String detail) {
        return new ProfileFormatException(file, 0, null, path, detail, null);
    }

    private static String format(String file, long line, String column, String path, String detail) {
        StringBuilder sb = new StringBuilder(String.valueOf(file));
        if (line > 0) {
            sb.append(" line ").append(line);
        }
        if (column != null) {
            sb.append(line > 0 ? ", " : " ").append("column '").append(column).append('\'');
        }
        if (path != null && !path.isEmpty()) {
            sb.append(' ').append(path);
        }
        // keep the message on one line whatever the detail (e.g. a YAML parser message) contains
        return sb.append(": ").append(ParserMessages.oneLine(detail)).toString();
    }

    /** The file (source) name as given to the reader. */
    public String file() {
        return file;
    }

    /** 1-based line number (header = line 1); 0 when not known or not applicable. */
    public long line() {
        return line;
    }

    /** The CSV column, or {@code null}. */
    public String column() {
        return column;
    }

    /** The YAML path (e.g. {@code services[1].configs[2].cpu}), or {@code null}. */
    public String path() {
        return path;
    }
}
