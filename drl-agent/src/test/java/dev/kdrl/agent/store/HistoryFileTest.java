package dev.kdrl.agent.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryFileTest {
    private static final Instant T0 = Instant.parse("2026-11-22T10:00:55Z");

    @TempDir
    Path dir;

    @Test
    void appendsAndReadsBackAcrossReopen() throws Exception {
        Path f = dir.resolve("h/house.csv");
        try (HistoryFile h = HistoryFile.open(f)) {
            assertThat(h.values()).isEmpty();
            assertThat(h.append(T0, 12.34567)).isEqualTo(12.346);
            h.append(T0.plusSeconds(120), 40);
        }
        assertThat(Files.readString(f)).isEqualTo("timestamp,value\n2026-11-22T10:00:55Z,12.346\n"
                + "2026-11-22T10:02:55Z,40\n");
        try (HistoryFile h = HistoryFile.open(f)) {
            assertThat(h.values()).containsExactly(12.346, 40.0);
            assertThat(h.times()).containsExactly(T0, T0.plusSeconds(120));
            assertThat(h.problems()).isEmpty();
            h.append(T0.plusSeconds(240), 0.5);
        }
        try (HistoryFile h = HistoryFile.open(f)) {
            assertThat(h.values()).containsExactly(12.346, 40.0, 0.5);
        }
    }

    @Test
    void tornLastLineIsReportedSkippedAndSealedNeverLost() throws Exception {
        Path f = dir.resolve("senti.csv");
        String complete = "timestamp,value\n2026-11-22T10:00:55Z,3\n2026-11-22T10:02:55Z,4.5\n";
        String torn = "2026-11-22T10:04:55Z,1";   // the crash cut "12.25\n"
        Files.writeString(f, complete + torn);
        try (HistoryFile h = HistoryFile.open(f)) {
            assertThat(h.values()).containsExactly(3.0, 4.5);
            assertThat(h.problems()).singleElement().asString().contains("line 4").contains("torn");
            h.append(T0.plusSeconds(600), 7);
        }
        String after = Files.readString(f);
        // nothing was removed: the torn bytes are still there, sealed so they can never be read as 1
        assertThat(after).startsWith(complete + torn);
        assertThat(after).isEqualTo(complete + torn + HistoryFile.TORN_MARK + "\n2026-11-22T10:10:55Z,7\n");
        try (HistoryFile h = HistoryFile.open(f)) {
            assertThat(h.values()).containsExactly(3.0, 4.5, 7.0);
            assertThat(h.problems()).singleElement().asString().contains("sealed earlier");
        }
    }

    @Test
    void tornHeaderIsCompleted() throws Exception {
        Path f = dir.resolve("numbr.csv");
        Files.writeString(f, "times");
        try (HistoryFile h = HistoryFile.open(f)) {
            assertThat(h.values()).isEmpty();
            h.append(T0, 2);
        }
        assertThat(Files.readString(f)).isEqualTo("timestamp,value\n2026-11-22T10:00:55Z,2\n");
    }

    @Test
    void unreadableMiddleLinesAreSkippedAndKept() throws Exception {
        Path f = dir.resolve("x.csv");
        String text = "timestamp,value\n2026-11-22T10:00:55Z,3\nnot a line\n2026-11-22T10:04:55Z,-1\n"
                + "2026-11-22T10:06:55Z,5\n";
        Files.writeString(f, text);
        try (HistoryFile h = HistoryFile.open(f)) {
            assertThat(h.values()).containsExactly(3.0, 5.0);
            assertThat(h.problems()).hasSize(2);
            assertThat(h.problems().get(0)).contains("line 3").contains("not a line");
            assertThat(h.problems().get(1)).contains("line 4");
        }
        assertThat(Files.readString(f)).isEqualTo(text);
    }

    @Test
    void aFileThatIsNotAHistoryIsLeftUntouched() throws Exception {
        Path f = dir.resolve("y.csv");
        byte[] content = "house,senti,numbr\n1,2,3\n".getBytes(StandardCharsets.UTF_8);
        Files.write(f, content);
        assertThatThrownBy(() -> HistoryFile.open(f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("y.csv").hasMessageContaining("house,senti,numbr")
                .hasMessageContaining("timestamp,value");
        assertThat(Files.readAllBytes(f)).isEqualTo(content);
    }

    @Test
    void refusesBadValues() throws Exception {
        try (HistoryFile h = HistoryFile.open(dir.resolve("z.csv"))) {
            assertThatThrownBy(() -> h.append(T0, Double.NaN)).hasMessageContaining("NaN");
            assertThatThrownBy(() -> h.append(T0, -1)).hasMessageContaining("-1");
            assertThat(h.values()).isEmpty();
        }
    }

    @Test
    void roundsLikeThePublishedAgent() {
        assertThat(HistoryFile.round(1.0005)).isEqualTo("1.001");
        assertThat(HistoryFile.round(100)).isEqualTo("100");
        assertThat(HistoryFile.round(2.5)).isEqualTo("2.5");
    }

    @Test
    void controlBytesOfACorruptLineNeverReachTheProblems() throws Exception {
        Path f = dir.resolve("numbr.csv");
        String evil = "2026-11-22T10:00:55Z,\u001b[2J\u001b[1;31mFAKE\r2026-11-22 INFO forged\u0000\u2028x";
        Files.writeString(f, "timestamp,value\n" + evil + "\n2026-11-22T10:02:55Z,4\n2026-11-22T10:04:55Z,\u0007");
        try (HistoryFile h = HistoryFile.open(f)) {
            assertThat(h.values()).containsExactly(4.0);
            assertThat(h.problems()).hasSize(2);
            for (String p : h.problems()) {
                assertThat(p.codePoints().filter(c -> Character.isISOControl(c) || c == 0x2028)).isEmpty();
            }
            assertThat(h.problems().get(0)).contains("line 2").contains("\\u001b[2J").contains("\\u000d")
                    .contains("\\u0000").contains("\\u2028");
            assertThat(h.problems().get(1)).contains("line 4").contains("\\u0007").contains("torn");
        }
        Files.writeString(dir.resolve("bad.csv"), "\u001b]0;pwned\u0007,value\n");
        assertThatThrownBy(() -> HistoryFile.open(dir.resolve("bad.csv"))).hasMessageContaining("\\u001b]0;pwned")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\u001b").doesNotContain("\u0007"));
    }

    /** Rows stay in time order: an out-of-order row is skipped and kept on disk, an out-of-order append refused. */
    @Test
    void outOfOrderTimesAreSkippedOnReadAndRefusedOnAppend() throws Exception {
        Path f = dir.resolve("house.csv");
        String text = "timestamp,value\n2026-11-22T10:02:55Z,1\n2026-11-22T10:00:55Z,2\n2026-11-22T10:02:55Z,3\n"
                + "2026-11-22T10:04:55Z,4\n";
        Files.writeString(f, text);
        try (HistoryFile h = HistoryFile.open(f)) {
            assertThat(h.values()).containsExactly(1.0, 4.0);
            assertThat(h.times()).containsExactly(T0.plusSeconds(120), T0.plusSeconds(240));
            assertThat(h.problems()).hasSize(2);
            assertThat(h.problems().get(0)).contains("line 3").contains("out of order")
                    .contains("2026-11-22T10:02:55Z");
            assertThat(h.problems().get(1)).contains("line 4").contains("out of order");
            assertThatThrownBy(() -> h.append(T0.plusSeconds(240), 5)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(f + ": cycle time 2026-11-22T10:04:55Z is not later than the last recorded "
                            + "2026-11-22T10:04:55Z (did the clock step back?); expected increasing times, not "
                            + "recorded");
            assertThatThrownBy(() -> h.append(T0, 5)).hasMessageContaining("not later");
            h.append(T0.plusSeconds(360), 6);
            assertThat(h.values()).containsExactly(1.0, 4.0, 6.0);
        }
        assertThat(Files.readString(f)).isEqualTo(text + "2026-11-22T10:06:55Z,6\n");
    }
}
