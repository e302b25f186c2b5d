package dev.kdrl.env.trace;

/**
 * A trace file whose content is not a valid trace. The message is one line and names the file,
 * the 1-based line number (the header is line 1), the column and the offending value, and says
 * what was expected, e.g.
 * {@code datasets/paper/train-200.csv line 7, column 'senti': 'abc' is not a number (expected a finite number >= 0)}.
 */
public final class TraceFormatException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String file;
    private final long line;
    private final String column;

    /**
     * @param file   the file (source) name
     * @param line   1-based line number in the file (header is line 1), 0 when not applicable
     * @param column column name, or {@code null} when not applicable
     * @param detail what is wrong and what was expected
     */
    public TraceFormatException(String file, long line, String column, String detail) {
        this(file, line, column, detail, null);
    }

    public TraceFormatException(String file, long line, String column, String detail, Throwable cause) {
        super(format(file, line, column, detail), cause);
        this.file = file;
        this.line = line;
        this.column = column;
    }

    private static String format(String file, long line, String column, String detail) {
        StringBuilder sb = new StringBuilder(String.valueOf(file));
        if (line > 0) {
            sb.append(" line ").append(line);
        }
        if (column != null) {
            sb.append(line > 0 ? ", " : " ").append("column '").append(column).append('\'');
        }
        return sb.append(": ").append(detail).toString();
    }

    /** The file (source) name as given to the reader. */
    public String file() {
        return file;
    }

    /** 1-based line number in the file (the header is line 1); 0 when not applicable. */
    public long line() {
        return line;
    }

    /** The column name, or {@code null} when the problem is not tied to one column. */
    public String column() {
        return column;
    }
}
