package dev.kdrl.env.trace;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Immutable traffic trace: one row per period, one column per service, each value a finite
 * number {@code >= 0} (e.g. concurrent users or requests per period).
 */
public final class Trace {

    private final String source;
    private final List<String> columns;
    private final Map<String, Integer> index;
    private final double[][] rows;

    /**
     * The largest value a trace may hold: a load of a billion concurrent requests, beyond any service's, and small
     * enough that the pods it needs stay countable (the live agent's {@code maxLoad} has the same bound).
     */
    public static final double MAX_VALUE = 1e9;

    /**
     * @param source  where the trace came from (file name or description), used in messages
     * @param columns column (service) names: at least one, non-blank, without whitespace around them (as {@link
     *                TraceCsv} reads them back), unique
     * @param rows    at least one row, each with {@code columns.size()} values {@code >= 0} and {@code <=} {@link
     *                #MAX_VALUE}; copied defensively
     * @throws IllegalArgumentException naming the source, row, column and value on invalid input
     */
    public Trace(String source, List<String> columns, double[][] rows) {
        this.source = source == null ? "<unnamed>" : source;
        Objects.requireNonNull(columns, "columns");
        Objects.requireNonNull(rows, "rows");
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("trace " + this.source + " has no columns (expected at least one)");
        }
        Map<String, Integer> idx = new HashMap<>();
        for (int c = 0; c < columns.size(); c++) {
            String name = columns.get(c);
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("trace " + this.source + ": column " + (c + 1)
                        + " has a blank name (expected a non-blank service name)");
            }
            if (!name.strip().equals(name)) {
                throw new IllegalArgumentException("trace " + this.source + ": column " + (c + 1) + " is named '"
                        + dev.kdrl.core.io.Printable.escape(name, 80) + "' (expected a service name without whitespace "
                        + "around it)");
            }
            if (idx.putIfAbsent(name, c) != null) {
                throw new IllegalArgumentException("trace " + this.source + ": duplicate column '" + name
                        + "' (columns " + (idx.get(name) + 1) + " and " + (c + 1) + ")");
            }
        }
        if (rows.length == 0) {
            throw new IllegalArgumentException("trace " + this.source + " has no rows (expected at least one)");
        }
        double[][] copy = new double[rows.length][];
        for (int r = 0; r < rows.length; r++) {
            double[] row = rows[r];
            if (row == null || row.length != columns.size()) {
                throw new IllegalArgumentException("trace " + this.source + ": row " + r + " has "
                        + (row == null ? "no" : String.valueOf(row.length)) + " values, expected "
                        + columns.size() + " (" + String.join(", ", columns) + ")");
            }
            for (int c = 0; c < row.length; c++) {
                double v = row[c];
                if (!(v >= 0 && v <= MAX_VALUE)) {
                    throw new IllegalArgumentException("trace " + this.source + ": row " + r + ", column '"
                            + columns.get(c) + "': value " + v + " is invalid (expected a number >= 0 and <= "
                            + (long) MAX_VALUE + ")");
                }
            }
            copy[r] = row.clone();
        }
        this.columns = List.copyOf(columns);
        this.index = Map.copyOf(idx);
        this.rows = copy;
    }

    public String source() {
        return source;
    }

    /** Column (service) names in order; unmodifiable. */
    public List<String> columns() {
        return columns;
    }

    /** Number of rows (periods). */
    public int length() {
        return rows.length;
    }

    public int numColumns() {
        return columns.size();
    }

    /** The smallest value of any row and column (+Infinity for an empty trace). */
    public double min() {
        double min = Double.POSITIVE_INFINITY;
        for (double[] row : rows) {
            for (double v : row) {
                min = Math.min(min, v);
            }
        }
        return min;
    }

    /** The largest value of any row and column (-Infinity for an empty trace). */
    public double max() {
        double max = Double.NEGATIVE_INFINITY;
        for (double[] row : rows) {
            for (double v : row) {
                max = Math.max(max, v);
            }
        }
        return max;
    }

    /** The smallest value of column {@code col} (0-based; +Infinity for an empty trace). */
    public double min(int col) {
        double min = Double.POSITIVE_INFINITY;
        for (double[] row : rows) {
            min = Math.min(min, row[col]);
        }
        return min;
    }

    /** The largest value of column {@code col} (0-based; -Infinity for an empty trace). */
    public double max(int col) {
        double max = Double.NEGATIVE_INFINITY;
        for (double[] row : rows) {
            max = Math.max(max, row[col]);
        }
        return max;
    }

    /** Value at row {@code row} (0-based) and column {@code col} (0-based). */
    public double value(int row, int col) {
        checkRow(row);
        if (col < 0 || col >= columns.size()) {
            throw new IndexOutOfBoundsException("trace " + source + ": column index " + col
                    + " out of range [0, " + columns.size() + ")");
        }
        return rows[row][col];
    }

    /** A copy of row {@code r} (0-based). */
    public double[] row(int r) {
        checkRow(r);
        return rows[r].clone();
    }

    /** A copy of the named column. */
    public double[] column(String name) {
        int c = columnIndex(name);
        double[] out = new double[rows.length];
        for (int r = 0; r < rows.length; r++) {
            out[r] = rows[r][c];
        }
        return out;
    }

    /**
     * {@code null}, or a sentence naming the columns of this trace that are none of {@code services} (which a model
     * of those services ignores; often a service left out of the profile by mistake), for a note.
     */
    public String unusedColumns(java.util.Collection<String> services) {
        List<String> unused = columns.stream().filter(c -> !services.contains(c)).toList();
        if (unused.isEmpty()) {
            return null;
        }
        return "column" + (unused.size() == 1 ? " " : "s ") + unused.stream().map(c -> "'" + c + "'")
                .collect(java.util.stream.Collectors.joining(", ")) + " of " + source + (unused.size() == 1 ? " is"
                : " are") + " not " + (unused.size() == 1 ? "a service" : "services") + " of the profile ("
                + String.join(", ", services) + "): ignored" + caseHint(unused, services);
    }

    /** "; 'Auth' differs from service 'auth' only in case" for each such pair, else empty. */
    private static String caseHint(java.util.Collection<String> names, java.util.Collection<String> others) {
        StringBuilder b = new StringBuilder();
        for (String n : names) {
            for (String o : others) {
                if (!n.equals(o) && n.equalsIgnoreCase(o)) {
                    b.append("; '").append(n).append("' differs from '").append(o).append("' only in case");
                }
            }
        }
        return b.toString();
    }

    /**
     * @throws IllegalArgumentException naming the source and the available columns if unknown
     */
    public int columnIndex(String name) {
        Integer c = index.get(name);
        if (c == null) {
            throw new IllegalArgumentException("trace " + source + " has no column '" + name
                    + "' (columns: " + String.join(", ", columns) + ")" + caseHint(columns, List.of(name)));
        }
        return c;
    }

    /**
     * A trace whose columns are exactly {@code names}, in that order (e.g. to align a trace to a
     * model's service order).
     *
     * @throws IllegalArgumentException if a name is missing, e.g.
     *     {@code trace datasets/x.csv has no column 'senti' (columns: house, numbr)}
     */
    public Trace select(List<String> names) {
        Objects.requireNonNull(names, "names");
        int[] idx = new int[names.size()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = columnIndex(names.get(i));
        }
        double[][] out = new double[rows.length][idx.length];
        for (int r = 0; r < rows.length; r++) {
            for (int i = 0; i < idx.length; i++) {
                out[r][i] = rows[r][idx[i]];
            }
        }
        return new Trace(source, new ArrayList<>(names), out);
    }

    /** Rows {@code [fromRow, toRowExclusive)}; the range must be non-empty and within bounds. */
    public Trace slice(int fromRow, int toRowExclusive) {
        if (fromRow < 0 || toRowExclusive > rows.length || fromRow >= toRowExclusive) {
            throw new IndexOutOfBoundsException("trace " + source + ": slice [" + fromRow + ", "
                    + toRowExclusive + ") is empty or outside [0, " + rows.length + ")");
        }
        String src = source + "[" + fromRow + ":" + toRowExclusive + "]";
        return new Trace(src, columns, Arrays.copyOfRange(rows, fromRow, toRowExclusive));
    }

    private void checkRow(int r) {
        if (r < 0 || r >= rows.length) {
            throw new IndexOutOfBoundsException("trace " + source + ": row " + r
                    + " out of range [0, " + rows.length + ")");
        }
    }

    @Override
    public String toString() {
        return "Trace[" + source + ", " + rows.length + " rows x " + columns + "]";
    }
}
