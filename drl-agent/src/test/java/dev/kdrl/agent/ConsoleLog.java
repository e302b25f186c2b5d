package dev.kdrl.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What the agent prints to stdout while open, as an operator reads it: logback's console appenders write to
 * whatever {@link System#out} is at the time, with the agent's logback.xml.
 */
public final class ConsoleLog implements AutoCloseable {
    /** The start of each log line of logback.xml's patterns. */
    private static final Pattern LINE = Pattern.compile(
            "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z (TRACE|DEBUG|INFO |WARN |ERROR) \\S+ - .*");

    private final PrintStream saved = System.out;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    public ConsoleLog() {
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    }

    /** The lines printed so far. */
    public synchronized List<String> lines() {
        return out.toString(StandardCharsets.UTF_8).lines().toList();
    }

    /** The lines printed so far at {@code level} (INFO, WARN, ERROR) by a logger whose short name ends so. */
    public List<String> lines(String level, String logger) {
        return lines().stream().filter(l -> l.contains(" " + level + " ") && l.contains(logger + " - ")).toList();
    }

    /** Every line printed is one log event: no stack trace, no message over several lines. */
    public void assertOneLineEach() {
        List<String> lines = lines();
        assertThat(lines).as("the log, one line per event").allMatch(l -> LINE.matcher(l).matches());
    }

    @Override
    public void close() {
        System.setOut(saved);
    }
}
