package dev.kdrl.env.io;

import dev.kdrl.core.io.IoReasons;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Helpers shared by the CSV readers (traces, profiles): whole-file reading with a message naming the
 * file, physical line numbers of records, and a record's text for error messages.
 */
public final class CsvText {

    private CsvText() {
    }

    /**
     * The file's text (UTF-8).
     *
     * @param what what the file is, for the message, e.g. {@code "trace"}
     * @throws UncheckedIOException naming the file when it cannot be read
     */
    public static String read(Path file, String what) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + what + " " + file + ": " + IoReasons.of(e), e);
        }
    }

    /**
     * How the readers parse: Commons CSV's default dialect, empty lines skipped, cells untrimmed (the
     * readers trim them themselves, so error messages can show the cell as written).
     */
    public static final CSVFormat READ_FORMAT = CSVFormat.DEFAULT.builder()
            .setIgnoreEmptyLines(true)
            .setIgnoreSurroundingSpaces(false)
            .setTrim(false)
            .build();

    /** One CSV record and the physical line (1-based) it starts on. */
    public record Line(CSVRecord record, long line) {
    }

    /** Builds the reader's own exception for malformed CSV (bad quoting): line, detail, cause. */
    @FunctionalInterface
    public interface MalformedCsv {
        RuntimeException at(long line, String detail, Throwable cause);
    }

    /**
     * Hands every record of {@code text} (a leading UTF-8 byte-order mark ignored) with its physical line to
     * {@code visitor}, in order, as it is parsed: an error the visitor throws for an early record wins over
     * malformed CSV further down.
     *
     * @param what      what the text is, for I/O messages, e.g. {@code "trace"}
     * @param source    the file name, for messages
     * @param malformed makes the exception for malformed CSV, given the line where the bad record starts
     */
    public static void forEachRecord(String text, String what, String source, MalformedCsv malformed,
                                     java.util.function.Consumer<Line> visitor) {
        String body = !text.isEmpty() && text.charAt(0) == '\uFEFF' ? text.substring(1) : text;
        LineIndex lines = new LineIndex(body);
        long nextLine = 1; // where the next record starts (approximately), for malformed-CSV errors
        try (CSVParser parser = CSVParser.parse(new StringReader(body), READ_FORMAT)) {
            java.util.Iterator<CSVRecord> it = parser.iterator();
            while (true) {
                CSVRecord rec;
                try {
                    if (!it.hasNext()) {
                        break;
                    }
                    rec = it.next();
                } catch (UncheckedIOException | IllegalStateException e) {
                    Throwable cause = e.getCause() != null ? e.getCause() : e;
                    throw malformed.at(nextLine, "malformed CSV: " + cause.getMessage(), e);
                }
                nextLine = parser.getCurrentLineNumber() + 1;
                visitor.accept(new Line(rec, lines.lineOf(rec.getCharacterPosition())));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + what + " " + source + ": " + IoReasons.of(e), e);
        }
    }

    /** The record's fields joined by commas, as they were read. */
    public static String joined(CSVRecord rec) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < rec.size(); i++) {
            sb.append(i == 0 ? "" : ",").append(rec.get(i));
        }
        return sb.toString();
    }

    /** Maps character offsets in a text to 1-based physical line numbers. */
    public static final class LineIndex {
        private final String text;
        private final int[] starts;

        public LineIndex(String text) {
            this.text = text;
            List<Integer> s = new ArrayList<>();
            s.add(0);
            for (int i = 0; i < text.length(); i++) {
                char ch = text.charAt(i);
                if (ch == '\n' || (ch == '\r' && (i + 1 >= text.length() || text.charAt(i + 1) != '\n'))) {
                    s.add(i + 1);
                }
            }
            this.starts = s.stream().mapToInt(Integer::intValue).toArray();
        }

        /**
         * Line of the record starting at character {@code pos}. Commons CSV reports the position before
         * any empty lines it skipped, so line breaks are skipped first.
         */
        public long lineOf(long pos) {
            int p = (int) Math.min(pos, text.length());
            while (p < text.length() && (text.charAt(p) == '\n' || text.charAt(p) == '\r')) {
                p++;
            }
            int i = Arrays.binarySearch(starts, p);
            if (i < 0) {
                i = -i - 2;
            }
            return i + 1;
        }
    }
}
