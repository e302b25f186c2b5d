package dev.kdrl.env.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
            throw new UncheckedIOException("cannot read " + what + " " + file + ": " + e.getMessage(), e);
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
