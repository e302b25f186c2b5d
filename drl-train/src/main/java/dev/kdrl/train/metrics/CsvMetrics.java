package dev.kdrl.train.metrics;

import dev.kdrl.core.io.IoReasons;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

/**
 * Metrics as a CSV file: a header of the first row's keys, then one line per row, flushed as it is written (a run
 * stopped part way keeps every row so far). {@link #read} reads such a file back.
 */
public final class CsvMetrics implements MetricsSink {
    private final Path file;
    private CSVPrinter out;
    private List<String> header;

    /** A sink that creates (or replaces) {@code file} at its first row. */
    public CsvMetrics(Path file) {
        this.file = file;
    }

    @Override
    public void write(Map<String, ? extends Number> row) {
        try {
            if (out == null) {
                Path dir = file.toAbsolutePath().getParent();
                if (dir != null) {
                    Files.createDirectories(dir);
                }
                Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
                header = new ArrayList<>(row.keySet());
                out = new CSVPrinter(w, CSVFormat.DEFAULT.builder().setRecordSeparator('\n').build());
                out.printRecord(header);
            }
            List<String> cells = new ArrayList<>(header.size());
            for (String h : header) {
                cells.add(format(row.get(h)));
            }
            out.printRecord(cells);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write metrics to " + file + ": " + IoReasons.of(e), e);
        }
    }

    private static String format(Number v) {
        if (v == null || v instanceof Double d && d.isNaN()) {
            return "";
        }
        if (v instanceof Long || v instanceof Integer) {
            return Long.toString(v.longValue());
        }
        return Double.toString(v.doubleValue());
    }

    @Override
    public void close() {
        try {
            if (out != null) {
                out.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write metrics to " + file + ": " + IoReasons.of(e), e);
        }
    }

    /**
     * The rows of a metrics file, each a map from column to value (NaN for an empty cell), in file order.
     *
     * @throws UncheckedIOException naming the file when it cannot be read
     * @throws IllegalArgumentException naming the file, line and column of a value that is not a number
     */
    public static List<Map<String, Double>> read(Path file) {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8);
             CSVParser p = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build().parse(r)) {
            List<String> header = p.getHeaderNames();
            List<Map<String, Double>> rows = new ArrayList<>();
            for (CSVRecord rec : p) {
                Map<String, Double> row = new LinkedHashMap<>();
                for (int c = 0; c < header.size() && c < rec.size(); c++) {
                    String s = rec.get(c);
                    try {
                        row.put(header.get(c), s.isEmpty() ? Double.NaN : Double.parseDouble(s));
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException(file + ": line " + (rec.getRecordNumber() + 1) + ", column "
                                + header.get(c) + ": '" + s + "' is not a number");
                    }
                }
                rows.add(row);
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read metrics " + file + ": " + IoReasons.of(e), e);
        }
    }
}
