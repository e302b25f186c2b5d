package dev.kdrl.env.trace;

import dev.kdrl.core.io.IoReasons;
import dev.kdrl.env.io.CsvText;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads and writes {@link Trace}s as CSV (UTF-8).
 *
 * <p>Format: a header row of service names, then one row per period with one number per
 * service. Numbers are finite and {@code >= 0}, written as integers or decimals (optionally with
 * an exponent, e.g. {@code 1.5e2}). Whitespace around cells is trimmed; a leading UTF-8 BOM is
 * ignored; a trailing newline is fine. Completely empty lines (also in the middle of the file)
 * are skipped, as Commons CSV does with {@code ignoreEmptyLines}; line numbers in error messages
 * still refer to the physical lines of the file (header = line 1). A line holding only spaces is
 * not empty: it is a row with one empty cell and is rejected. Standard CSV quoting is accepted;
 * malformed quoting is reported as a {@link TraceFormatException} too.
 *
 * <p>Every content error is a {@link TraceFormatException} naming the file, line, column and
 * value: empty file or missing/blank header, blank or duplicate column name, a row with fewer or
 * more fields than the header, an empty cell, a non-number, a negative number, a number above {@link #MAX_VALUE},
 * NaN/Infinity (rejected although {@link Double#parseDouble} accepts them), and a file without data rows.
 */
public final class TraceCsv {

    private static final String EXPECTED = "(expected a finite number >= 0)";

    /** The largest value a trace may hold, {@link Trace#MAX_VALUE}. */
    public static final double MAX_VALUE = Trace.MAX_VALUE;

    /** Plain decimal numbers only: no NaN, Infinity, hex or Java suffixes like "1d". */
    private static final Pattern NUMBER =
            Pattern.compile("[+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?");

    private static final CSVFormat WRITE_FORMAT = CSVFormat.DEFAULT.builder()
            .setRecordSeparator("\n")
            .build();

    private TraceCsv() {
    }

    /**
     * Reads a trace file (UTF-8). The trace's source is {@code file.toString()}.
     *
     * @throws UncheckedIOException  on I/O errors
     * @throws TraceFormatException on invalid content
     */
    public static Trace read(Path file) {
        java.util.Objects.requireNonNull(file, "file");
        String source = file.toString();
        String text = CsvText.read(file, "trace");
        return parse(text, source);
    }

    /**
     * Reads a trace from {@code reader} (not closed); {@code sourceName} is used in messages and
     * as the trace's source.
     */
    public static Trace read(Reader reader, String sourceName) {
        StringBuilder sb = new StringBuilder();
        char[] buf = new char[8192];
        try {
            int n;
            while ((n = reader.read(buf)) >= 0) {
                sb.append(buf, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read trace " + sourceName + ": " + IoReasons.of(e), e);
        }
        return parse(sb.toString(), sourceName);
    }

    /**
     * Writes {@code trace} as CSV (UTF-8, "\n" line ends): header, then one line per row. Integral
     * values are written without ".0", others with {@link Double#toString(double)}.
     */
    public static void write(Trace trace, Path file) {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
             CSVPrinter printer = new CSVPrinter(w, WRITE_FORMAT)) {
            printer.printRecord(trace.columns());
            String[] cells = new String[trace.numColumns()];
            for (int r = 0; r < trace.length(); r++) {
                for (int c = 0; c < cells.length; c++) {
                    cells[c] = formatNumber(trace.value(r, c));
                }
                printer.printRecord((Object[]) cells);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write trace " + file + ": " + IoReasons.of(e), e);
        }
    }

    static String formatNumber(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }

    private static Trace parse(String text, String source) {
        final class Parsed {
            List<String> header;
            long headerLine;
            final List<double[]> rows = new ArrayList<>();
        }
        Parsed p = new Parsed();
        CsvText.forEachRecord(text, "trace", source,
                (line, detail, cause) -> new TraceFormatException(source, line, null, detail, cause), l -> {
                    if (p.header == null) {
                        p.header = parseHeader(l.record(), l.line(), source);
                        p.headerLine = l.line();
                    } else {
                        p.rows.add(parseRow(l.record(), l.line(), p.header, source));
                    }
                });
        if (p.header == null) {
            throw new TraceFormatException(source, 0, null, "is empty: expected a header row of service names");
        }
        if (p.rows.isEmpty()) {
            throw new TraceFormatException(source, p.headerLine, null,
                    "no data rows after the header (expected at least one row of numbers for "
                            + String.join(", ", p.header) + ")");
        }
        return new Trace(source, p.header, p.rows.toArray(new double[0][]));
    }

    private static List<String> parseHeader(CSVRecord rec, long line, String source) {
        List<String> names = new ArrayList<>(rec.size());
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < rec.size(); i++) {
            String name = rec.get(i).trim();
            if (name.isEmpty()) {
                throw new TraceFormatException(source, line, null, "header field " + (i + 1) + " is '"
                        + rec.get(i) + "' (expected a header row of non-blank service names)");
            }
            Integer prev = seen.putIfAbsent(name, i);
            if (prev != null) {
                throw new TraceFormatException(source, line, name, "duplicate column name '" + name
                        + "' in header fields " + (prev + 1) + " and " + (i + 1) + " (expected unique service names)");
            }
            names.add(name);
        }
        return names;
    }

    private static double[] parseRow(CSVRecord rec, long line, List<String> header, String source) {
        int n = header.size();
        if (rec.size() < n) {
            String missing = header.get(rec.size());
            throw new TraceFormatException(source, line, missing, "found " + rec.size()
                    + " fields, expected " + n + " as in the header (" + String.join(", ", header)
                    + "): no value for '" + missing + "' (found " + "'" + CsvText.joined(rec) + "'" + ")");
        }
        if (rec.size() > n) {
            throw new TraceFormatException(source, line, null, "found " + rec.size()
                    + " fields, expected " + n + " as in the header (" + String.join(", ", header)
                    + "): extra value '" + rec.get(n).trim() + "' in field " + (n + 1)
                    + " (found " + "'" + CsvText.joined(rec) + "'" + ")");
        }
        double[] row = new double[n];
        for (int c = 0; c < n; c++) {
            row[c] = parseValue(rec.get(c).trim(), line, header.get(c), source);
        }
        return row;
    }

    private static double parseValue(String s, long line, String column, String source) {
        if (s.isEmpty()) {
            throw new TraceFormatException(source, line, column, "'' is an empty cell " + EXPECTED);
        }
        if (!NUMBER.matcher(s).matches()) {
            String what = isNanOrInfinity(s) ? "is not a finite number" : "is not a number";
            throw new TraceFormatException(source, line, column, "'" + s + "' " + what + " " + EXPECTED);
        }
        double v = Double.parseDouble(s);
        if (!Double.isFinite(v)) {
            throw new TraceFormatException(source, line, column, "'" + s + "' is not a finite number " + EXPECTED);
        }
        if (v < 0) {
            throw new TraceFormatException(source, line, column, "'" + s + "' is negative " + EXPECTED);
        }
        if (v > MAX_VALUE) {
            throw new TraceFormatException(source, line, column, "'" + s + "' is above " + (long) MAX_VALUE
                    + " (expected a load in concurrent requests, a number >= 0 and <= " + (long) MAX_VALUE + ")");
        }
        return v + 0.0; // turns -0.0 into 0.0
    }

    private static boolean isNanOrInfinity(String s) {
        String t = s.replaceFirst("^[+-]", "");
        return t.equalsIgnoreCase("nan") || t.equalsIgnoreCase("infinity") || t.equalsIgnoreCase("inf");
    }

}
