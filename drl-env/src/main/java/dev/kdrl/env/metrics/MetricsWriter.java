package dev.kdrl.env.metrics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.kdrl.core.io.IoReasons;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/** Writes episode metrics as JSON (an array of objects) or CSV (one row per episode). */
public final class MetricsWriter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private MetricsWriter() {
    }

    /** A JSON array of {@link EpisodeMetrics#toMap()} objects. */
    public static String toJson(List<EpisodeMetrics> metrics, boolean pretty) {
        return rowsToJson(rows(metrics), pretty);
    }

    /** A JSON array of {@code rows} (each an object, keys in their order). */
    public static String rowsToJson(List<Map<String, Object>> rows, boolean pretty) {
        try {
            return pretty ? JSON.writerWithDefaultPrettyPrinter().writeValueAsString(rows)
                    : JSON.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(rows);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * CSV with a header of every key that appears (episodes over different services may differ), to {@code out}
     * (flushed, not closed).
     */
    public static void writeCsv(List<EpisodeMetrics> metrics, Writer out) throws IOException {
        writeRowsCsv(rows(metrics), out);
    }

    /**
     * {@code rows} as CSV with a header of every key that appears (in the order first seen; a row without one has an
     * empty cell), to {@code out} (flushed, not closed).
     */
    public static void writeRowsCsv(List<Map<String, Object>> rows, Writer out) throws IOException {
        Set<String> header = new LinkedHashSet<>();
        for (Map<String, Object> row : rows) {
            header.addAll(row.keySet());
        }
        CSVPrinter printer = new CSVPrinter(out,
                CSVFormat.DEFAULT.builder().setHeader(header.toArray(String[]::new)).setRecordSeparator('\n').build());
        for (Map<String, Object> row : rows) {
            List<Object> values = new ArrayList<>();
            for (String h : header) {
                values.add(row.getOrDefault(h, ""));
            }
            printer.printRecord(values);
        }
        printer.flush();
    }

    /** Writes CSV to {@code file}, or JSON when its name ends in {@code .json}. */
    public static void write(List<EpisodeMetrics> metrics, Path file) {
        writeRows(rows(metrics), file);
    }

    /** Writes {@code rows} as CSV to {@code file}, or as JSON when its name ends in {@code .json}. */
    public static void writeRows(List<Map<String, Object>> rows, Path file) {
        try {
            if (file.getFileName().toString().endsWith(".json")) {
                Files.writeString(file, rowsToJson(rows, true) + "\n", StandardCharsets.UTF_8);
            } else {
                try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                    writeRowsCsv(rows, w);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write metrics to " + file + ": " + IoReasons.of(e), e);
        }
    }

    private static List<Map<String, Object>> rows(List<EpisodeMetrics> metrics) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (EpisodeMetrics m : metrics) {
            rows.add(m.toMap());
        }
        return rows;
    }
}
