package dev.kdrl.agent.store;

import dev.kdrl.core.io.IoReasons;
import dev.kdrl.core.io.Printable;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One service's load history: an append-only CSV ({@code timestamp,value}, ISO-8601 UTC and the value
 * rounded to 3 decimals as the published agent did), fsync'd after every append and never truncated,
 * rewritten or overwritten.
 *
 * <p>Opening reads every complete line. A last line without its newline is a write torn by a crash: it
 * is reported and skipped, and sealed by appending {@value #TORN_MARK} and a newline, so that the bytes
 * stay on disk but can never be mistaken for a value later. Any other unreadable line is reported and
 * skipped, never removed. A row whose time is not later than the row before it (a clock stepped back, a
 * file edited by hand) is reported and skipped the same way, so the values stay in time order; an append
 * whose time is not later than the last row is refused. Problems quote a line with its control
 * characters escaped ({@link #printable}).
 */
public final class HistoryFile implements Closeable {
    /** The header line. */
    public static final String HEADER = "timestamp,value";
    /** Appended to a torn last line to seal it. */
    public static final String TORN_MARK = ",torn";

    private final Path file;
    /** {@code null} in a read-only history (dry run): appends stay in memory. */
    private final FileChannel channel;
    private final List<Double> values = new ArrayList<>();
    private final List<Instant> times = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();

    private HistoryFile(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
    }

    /**
     * Reads the history at {@code file} if it exists, without creating, sealing or writing anything:
     * appends stay in memory. For dry runs, which must not record decisions that were never applied.
     */
    public static HistoryFile readOnly(Path file) {
        HistoryFile h = new HistoryFile(file, null);
        try {
            String text = readChecked(file);
            if (text.indexOf('\n') >= 0) {
                h.readLines(text);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read history " + file + ": " + IoReasons.of(e), e);
        }
        return h;
    }

    /**
     * The file's text ({@code ""} when absent), after checking it is a history: it starts with the header
     * line, or is a header torn before its first newline.
     */
    private static String readChecked(Path file) throws IOException {
        String text = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        if (!text.isEmpty() && !text.startsWith(HEADER + "\n") && !(text.indexOf('\n') < 0
                && HEADER.startsWith(text))) {
            String first = text.lines().findFirst().orElse("");
            throw new IllegalArgumentException(file + ": line 1 is '" + printable(first) + "', expected the header '"
                    + HEADER + "': not a history file; left untouched");
        }
        return text;
    }

    /**
     * Opens (creating with its header if absent) the history at {@code file}.
     *
     * @throws UncheckedIOException      on I/O errors
     * @throws IllegalArgumentException  when the file is not a history (wrong header); it is left untouched
     */
    public static HistoryFile open(Path file) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            String text = readChecked(file);
            FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
            HistoryFile h = new HistoryFile(file, ch);
            try {
                if (text.indexOf('\n') < 0) {
                    // new file, or a header torn by a crash before its first newline: complete the header
                    h.write(HEADER.substring(text.length()) + "\n");
                    if (!text.isEmpty()) {
                        h.problems.add(file + ": header was torn ('" + printable(text) + "'); completed");
                    }
                } else {
                    h.readLines(text);
                }
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
            return h;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open history " + file + ": " + IoReasons.of(e), e);
        }
    }

    private void readLines(String text) throws IOException {
        int lineNo = 1;
        int start = text.indexOf('\n') + 1;
        while (start < text.length()) {
            lineNo++;
            int end = text.indexOf('\n', start);
            if (end < 0) {
                String torn = text.substring(start);
                problems.add(file + ": line " + lineNo + " '" + printable(torn) + "' has no newline (a write torn by a crash);"
                        + (channel == null ? " skipped" : " skipped and sealed"));
                write(TORN_MARK + "\n");
                break;
            }
            String line = text.substring(start, end);
            start = end + 1;
            if (line.endsWith(TORN_MARK)) {
                problems.add(file + ": line " + lineNo + " is a torn write sealed earlier; skipped");
                continue;
            }
            int comma = line.indexOf(',');
            try {
                if (comma < 0 || line.indexOf(',', comma + 1) >= 0) {
                    throw new IllegalArgumentException("expected 'timestamp,value'");
                }
                Instant t = Instant.parse(line.substring(0, comma));
                double v = Double.parseDouble(line.substring(comma + 1));
                if (!(v >= 0) || Double.isInfinite(v)) {
                    throw new IllegalArgumentException("value must be a finite number >= 0");
                }
                if (!times.isEmpty() && !t.isAfter(times.get(times.size() - 1))) {
                    problems.add(file + ": line " + lineNo + " '" + printable(line) + "' is not later than the "
                            + "row before it (" + times.get(times.size() - 1) + "): out of order; skipped");
                    continue;
                }
                times.add(t);
                values.add(v);
            } catch (IllegalArgumentException | DateTimeParseException e) {
                problems.add(file + ": line " + lineNo + " '" + printable(line) + "' is unreadable ("
                        + printable(e.getMessage()) + "); skipped");
            }
        }
    }

    /** An append whose time is not later than the history's last row: refused, nothing written. */
    public static final class OutOfOrder extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        OutOfOrder(String message) {
            super(message);
        }
    }

    /**
     * Appends one measurement and forces it to disk before returning (in memory only for a
     * {@link #readOnly} history). Returns the value as recorded.
     */
    public synchronized double append(Instant time, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("history value must be a finite number >= 0, got " + value);
        }
        String v = round(value);
        Instant t = time.truncatedTo(ChronoUnit.MILLIS);
        if (!times.isEmpty() && !t.isAfter(times.get(times.size() - 1))) {
            throw new OutOfOrder(file + ": cycle time " + t + " is not later than the last recorded "
                    + times.get(times.size() - 1) + " (did the clock step back?); expected increasing times, "
                    + "not recorded");
        }
        try {
            write(t + "," + v + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to history " + file + ": " + IoReasons.of(e), e);
        }
        double recorded = Double.parseDouble(v);
        times.add(t);
        values.add(recorded);
        return recorded;
    }

    private void write(String s) throws IOException {
        if (channel == null) {
            return;
        }
        ByteBuffer buf = ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
        while (buf.hasRemaining()) {
            channel.write(buf);
        }
        channel.force(true);
    }

    /** The value as written: rounded half-up to 3 decimals, plain notation. */
    static String round(double value) {
        BigDecimal d = BigDecimal.valueOf(value).setScale(3, RoundingMode.HALF_UP).stripTrailingZeros();
        return d.scale() < 0 ? d.setScale(0).toPlainString() : d.toPlainString();
    }

    /**
     * {@code s} as it may be logged ({@link Printable#escape}, at most 120 characters), so that a corrupt line cannot
     * forge or garble log lines; {@code null} stays null.
     */
    static String printable(String s) {
        return s == null ? null : Printable.escape(s, 120);
    }

    /** Every recorded value, oldest first. */
    public synchronized double[] values() {
        double[] out = new double[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    /** The times of {@link #values()}. */
    public synchronized List<Instant> times() {
        return List.copyOf(times);
    }

    /** What opening found wrong (torn or unreadable lines), one message each. */
    public List<String> problems() {
        return Collections.unmodifiableList(problems);
    }

    public Path file() {
        return file;
    }

    @Override
    public void close() throws IOException {
        if (channel != null) {
            channel.close();
        }
    }
}
