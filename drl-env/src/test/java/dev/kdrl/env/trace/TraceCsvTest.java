package dev.kdrl.env.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TraceCsvTest {

    private static final Path DATASETS = Path.of("../datasets");
    private static final List<String> SERVICES = List.of("house", "senti", "numbr");

    private static Trace parse(String csv) {
        return TraceCsv.read(new StringReader(csv), "bad.csv");
    }

    private static TraceFormatException failure(String csv) {
        try {
            parse(csv);
        } catch (TraceFormatException e) {
            return e;
        }
        throw new AssertionError("expected TraceFormatException for:\n" + csv);
    }

    /** A trace built in code holds only what TraceCsv reads back: loads up to MAX_VALUE, names without spaces. */
    @Test
    void aTraceBuiltInCodeHoldsWhatItsCsvReadsBack() {
        assertThat(new Trace("t", List.of("a"), new double[][] {{Trace.MAX_VALUE}}).max()).isEqualTo(1e9);
        assertThatThrownBy(() -> new Trace("t", List.of("a"), new double[][] {{2e9}}))
                .hasMessage("trace t: row 0, column 'a': value 2.0E9 is invalid (expected a number >= 0 and <= "
                        + "1000000000)");
        assertThatThrownBy(() -> new Trace("t", List.of("a", " house"), new double[][] {{1, 2}}))
                .hasMessage("trace t: column 2 is named ' house' (expected a service name without whitespace around "
                        + "it)");
        // a line break in the name is quoted, not printed: the message stays one line
        assertThatThrownBy(() -> new Trace("t", List.of("a\n"), new double[][] {{1}}))
                .hasMessage("trace t: column 1 is named 'a\\u000a' (expected a service name without whitespace around "
                        + "it)");
    }

    // ---- real bundled files ----

    @Test
    void minAndMaxSpanEveryColumn() {
        Trace t = new Trace("t", List.of("a", "b"), new double[][] {{3, 1.5}, {7, 2}, {4, 9.25}});
        assertThat(t.min()).isEqualTo(1.5);
        assertThat(t.max()).isEqualTo(9.25);
    }

    @Test
    void readsPaperTrainingTrace() {
        Trace t = TraceCsv.read(DATASETS.resolve("paper/train-200.csv"));
        assertThat(t.source()).isEqualTo(Path.of("../datasets/paper/train-200.csv").toString());
        assertThat(t.columns()).containsExactly("house", "senti", "numbr");
        assertThat(t.length()).isEqualTo(200);
        assertThat(t.numColumns()).isEqualTo(3);
        assertThat(t.row(0)).containsExactly(56, 36, 1);
        assertThat(t.value(2, 1)).isEqualTo(81.0);  // line 4: 41,81,45
        assertThat(t.row(199)).containsExactly(20, 76, 28);
        assertThat(t.column("numbr")[1]).isEqualTo(76.0);
    }

    @Test
    void readsPaperTestTrace() {
        Trace t = TraceCsv.read(DATASETS.resolve("paper/test-20.csv"));
        assertThat(t.length()).isEqualTo(20);
        assertThat(t.row(0)).containsExactly(34, 28, 16);
        assertThat(t.row(19)).containsExactly(13, 34, 14);
        assertThat(t.value(9, t.columnIndex("house"))).isEqualTo(100.0);
    }

    @Test
    void readsNasaTraces() {
        Trace raw = TraceCsv.read(DATASETS.resolve("nasa/nasa-http-1995.csv"));
        Trace scaled = TraceCsv.read(DATASETS.resolve("nasa/nasa-http-1995-scaled100.csv"));
        assertThat(raw.length()).isEqualTo(4320);
        assertThat(scaled.length()).isEqualTo(4320);
        assertThat(raw.row(0)).containsExactly(34, 34, 29);
        assertThat(scaled.row(0)).containsExactly(40, 40, 34);
        double sum = 0;
        for (double v : raw.column("house")) {
            sum += v;
        }
        assertThat(sum).isEqualTo(177977.0); // matches nasa-http-1995.meta.json
    }

    @Test
    void locustUsersMatchesStagesFile() {
        Trace users = TraceCsv.read(DATASETS.resolve("locust/locust-stages-users.csv"));
        Trace stages = TraceCsv.read(DATASETS.resolve("locust/locust-stages.csv"));
        assertThat(stages.columns()).containsExactly("stage", "start_s", "end_s", "house", "senti", "numbr");
        Trace aligned = stages.select(SERVICES);
        assertThat(users.length()).isEqualTo(20);
        for (int r = 0; r < users.length(); r++) {
            assertThat(users.row(r)).containsExactly(aligned.row(r));
        }
        // paper test trace = locust stages 2..20 plus a final period
        Trace test = TraceCsv.read(DATASETS.resolve("paper/test-20.csv"));
        assertThat(users.row(1)).containsExactly(test.row(0));
    }

    @Test
    void everyBundledTraceLoadsWithPaperServices() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(DATASETS)) {
            files = s.filter(p -> p.toString().endsWith(".csv"))
                    .filter(p -> !p.getFileName().toString().equals("locust-stages.csv"))
                    .filter(p -> !p.getFileName().toString().equals("paper-services.csv"))
                    .sorted()
                    .collect(Collectors.toList());
        }
        assertThat(files).extracting(p -> p.getFileName().toString())
                .contains("train-200.csv", "test-20.csv", "locust-stages-users.csv",
                        "nasa-http-1995.csv", "nasa-http-1995-scaled100.csv");
        for (Path f : files) {
            Trace t = TraceCsv.read(f);
            assertThat(t.columns()).as(f.toString()).containsExactly("house", "senti", "numbr");
            assertThat(t.length()).as(f.toString()).isPositive();
        }
    }

    // ---- bad input: message names file, line, column, value ----

    @Test
    void emptyFile() {
        TraceFormatException e = failure("");
        assertThat(e).hasMessage("bad.csv: is empty: expected a header row of service names");
        assertThat(e.file()).isEqualTo("bad.csv");
        assertThat(e.line()).isZero();
        assertThat(failure("\n\n").getMessage()).contains("is empty");
    }

    @Test
    void blankHeaderField() {
        TraceFormatException e = failure("house, ,numbr\n1,2,3\n");
        assertThat(e.getMessage()).contains("bad.csv", "line 1", "field 2", "' '", "non-blank service names");
        assertThat(e.line()).isEqualTo(1);
    }

    @Test
    void duplicateColumn() {
        TraceFormatException e = failure("house,senti,house\n1,2,3\n");
        assertThat(e.getMessage()).contains("bad.csv line 1, column 'house'", "duplicate", "fields 1 and 3");
        assertThat(e.column()).isEqualTo("house");
    }

    @Test
    void rowWithTooFewFields() {
        TraceFormatException e = failure("house,senti,numbr\n1,2,3\n4,5\n");
        assertThat(e.getMessage()).contains("bad.csv line 3, column 'numbr'", "found 2 fields, expected 3", "'4,5'");
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.column()).isEqualTo("numbr");
    }

    @Test
    void rowWithTooManyFields() {
        TraceFormatException e = failure("house,senti,numbr\n1,2,3,99\n");
        assertThat(e.getMessage()).contains("bad.csv line 2", "found 4 fields, expected 3", "extra value '99'", "field 4");
        assertThat(e.line()).isEqualTo(2);
    }

    @Test
    void notANumber() {
        TraceFormatException e = failure("house,senti,numbr\n1,2,3\n1,2,3\n1,2,3\n1,2,3\n1,2,3\n1,abc,3\n");
        assertThat(e).hasMessage(
                "bad.csv line 7, column 'senti': 'abc' is not a number (expected a finite number >= 0)");
        assertThat(e.file()).isEqualTo("bad.csv");
        assertThat(e.line()).isEqualTo(7);
        assertThat(e.column()).isEqualTo("senti");
    }

    @Test
    void javaSpecificNumberSyntaxIsRejected() {
        assertThat(failure("a\n1d\n").getMessage()).contains("line 2, column 'a'", "'1d' is not a number");
        assertThat(failure("a\n0x10\n").getMessage()).contains("'0x10' is not a number");
    }

    @Test
    void negativeNumber() {
        TraceFormatException e = failure("house,senti,numbr\n1,2,-3.5\n");
        assertThat(e.getMessage()).contains("bad.csv line 2, column 'numbr'", "'-3.5' is negative", "expected a finite number >= 0");
    }

    @Test
    void aLoadAboveABillionIsRefusedAsNoTrafficWhoseAPodsCountFits() {
        TraceFormatException e = failure("house,senti,numbr\n1,2,3\n1,1e12,3\n");
        assertThat(e.getMessage()).contains("bad.csv line 3, column 'senti'", "'1e12' is above 1000000000 (expected a "
                + "load in concurrent requests, a number >= 0 and <= 1000000000)");
        assertThat(parse("a\n1e9\n").value(0, 0)).isEqualTo(1e9);
    }

    @Test
    void nanAndInfinityAreRejected() {
        assertThat(failure("house,senti\n1,NaN\n").getMessage())
                .contains("bad.csv line 2, column 'senti'", "'NaN' is not a finite number");
        assertThat(failure("house,senti\nInfinity,1\n").getMessage())
                .contains("bad.csv line 2, column 'house'", "'Infinity' is not a finite number");
        assertThat(failure("house,senti\n1,-Infinity\n").getMessage()).contains("'-Infinity'");
        assertThat(failure("house,senti\n1,1e999\n").getMessage())
                .contains("line 2, column 'senti'", "'1e999' is not a finite number");
    }

    @Test
    void emptyCell() {
        TraceFormatException e = failure("house,senti,numbr\n1,2,3\n1, ,3\n");
        assertThat(e.getMessage()).contains("bad.csv line 3, column 'senti'", "''", "empty cell", "expected a finite number >= 0");
    }

    @Test
    void malformedQuoting() {
        TraceFormatException e = failure("house,senti\n1,\"2\n");
        assertThat(e.getMessage()).contains("bad.csv line 2", "malformed CSV");
        assertThat(e.line()).isEqualTo(2);
    }

    @Test
    void noDataRows() {
        TraceFormatException e = failure("house,senti,numbr\n");
        assertThat(e.getMessage()).contains("bad.csv line 1", "no data rows", "house, senti, numbr");
    }

    @Test
    void errorsFromFilesNameThePathAndPhysicalLine(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("broken.csv");
        // BOM, blank line in the middle (skipped), CRLF line ends
        Files.writeString(f, "\uFEFFhouse,senti\r\n1,2\r\n\r\n3,x\r\n", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> TraceCsv.read(f))
                .isInstanceOf(TraceFormatException.class)
                .hasMessage(f + " line 4, column 'senti': 'x' is not a number (expected a finite number >= 0)");
    }

    @Test
    void missingFileIsUncheckedIo(@TempDir Path dir) {
        assertThatThrownBy(() -> TraceCsv.read(dir.resolve("nope.csv")))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessage("cannot read trace " + dir.resolve("nope.csv") + ": no such file");
    }

    // ---- lenient parts of the format ----

    @Test
    void trimsCellsIgnoresBomAndBlankLines() {
        Trace t = TraceCsv.read(new StringReader("\uFEFF house , senti \n 1 , 2.5 \n\n3,4e1\n"), "ok.csv");
        assertThat(t.columns()).containsExactly("house", "senti");
        assertThat(t.length()).isEqualTo(2);
        assertThat(t.row(0)).containsExactly(1.0, 2.5);
        assertThat(t.row(1)).containsExactly(3.0, 40.0);
        assertThat(t.source()).isEqualTo("ok.csv");
    }

    @Test
    void noTrailingNewlineIsFine() {
        Trace t = TraceCsv.read(new StringReader("a,b\n1,2"), "ok.csv");
        assertThat(t.length()).isEqualTo(1);
        assertThat(t.row(0)).containsExactly(1.0, 2.0);
    }

    // ---- write / round trip ----

    @Test
    void roundTrip(@TempDir Path dir) throws IOException {
        Trace t = new Trace("mem", List.of("house", "senti"), new double[][] {{1, 2.5}, {0, 1e-3}, {100, 0.1}});
        Path f = dir.resolve("out.csv");
        TraceCsv.write(t, f);
        assertThat(Files.readString(f)).isEqualTo("house,senti\n1,2.5\n0,0.001\n100,0.1\n");
        Trace back = TraceCsv.read(f);
        assertThat(back.columns()).isEqualTo(t.columns());
        assertThat(back.length()).isEqualTo(t.length());
        for (int r = 0; r < t.length(); r++) {
            assertThat(back.row(r)).containsExactly(t.row(r));
        }
    }

    @Test
    void roundTripOfBundledTraceIsByteIdentical(@TempDir Path dir) throws IOException {
        Path src = DATASETS.resolve("paper/train-200.csv");
        Path f = dir.resolve("copy.csv");
        TraceCsv.write(TraceCsv.read(src), f);
        assertThat(Files.readString(f)).isEqualTo(Files.readString(src));
    }

    // ---- Trace: select, slice, validation ----

    @Test
    void selectReordersColumns() {
        Trace t = parse("house,senti,numbr\n1,2,3\n4,5,6\n");
        Trace s = t.select(List.of("numbr", "house"));
        assertThat(s.columns()).containsExactly("numbr", "house");
        assertThat(s.row(0)).containsExactly(3.0, 1.0);
        assertThat(s.row(1)).containsExactly(6.0, 4.0);
        assertThat(s.source()).isEqualTo("bad.csv");
    }

    @Test
    void selectMissingColumnNamesSourceAndColumns() {
        Trace t = TraceCsv.read(new StringReader("house,numbr\n1,2\n"), "datasets/x.csv");
        assertThatThrownBy(() -> t.select(SERVICES))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("trace datasets/x.csv has no column 'senti' (columns: house, numbr)");
        assertThatThrownBy(() -> t.column("senti"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("datasets/x.csv", "'senti'", "house, numbr");
    }

    @Test
    void sliceAndBounds() {
        Trace t = parse("a\n0\n1\n2\n3\n");
        Trace s = t.slice(1, 3);
        assertThat(s.length()).isEqualTo(2);
        assertThat(s.column("a")).containsExactly(1.0, 2.0);
        assertThatThrownBy(() -> t.slice(-1, 2)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> t.slice(2, 5)).isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("bad.csv");
        assertThatThrownBy(() -> t.slice(2, 2)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> t.row(4)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void traceIsImmutable() {
        double[][] rows = {{1, 2}};
        Trace t = new Trace("mem", List.of("a", "b"), rows);
        rows[0][0] = 99;
        t.row(0)[1] = 99;
        t.column("a")[0] = 99;
        assertThat(t.row(0)).containsExactly(1.0, 2.0);
        assertThatThrownBy(() -> t.columns().add("c")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void constructorValidation() {
        assertThatThrownBy(() -> new Trace("mem", List.of(), new double[][] {{}}))
                .hasMessageContaining("mem", "no columns");
        assertThatThrownBy(() -> new Trace("mem", List.of("a", "a"), new double[][] {{1, 2}}))
                .hasMessageContaining("mem", "duplicate column 'a'");
        assertThatThrownBy(() -> new Trace("mem", List.of("a", " "), new double[][] {{1, 2}}))
                .hasMessageContaining("mem", "column 2", "blank");
        assertThatThrownBy(() -> new Trace("mem", List.of("a"), new double[0][]))
                .hasMessageContaining("mem", "no rows");
        assertThatThrownBy(() -> new Trace("mem", List.of("a", "b"), new double[][] {{1, 2}, {3}}))
                .hasMessageContaining("mem", "row 1", "1 values, expected 2");
        assertThatThrownBy(() -> new Trace("mem", List.of("a", "b"), new double[][] {{1, -2}}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mem", "row 0", "column 'b'", "-2.0");
        assertThatThrownBy(() -> new Trace("mem", List.of("a"), new double[][] {{Double.NaN}}))
                .hasMessageContaining("column 'a'", "NaN");
    }
}
