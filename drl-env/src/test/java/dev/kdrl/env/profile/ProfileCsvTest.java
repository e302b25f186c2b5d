package dev.kdrl.env.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kdrl.env.paper.PaperProfile;
import dev.kdrl.env.quota.ServiceConfig;
import dev.kdrl.env.quota.ServiceProfile;
import java.io.StringReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfileCsvTest {

    static final Path PAPER_CSV = Path.of("../datasets/profiles/paper-services.csv");
    private static final String HEADER =
            "service,action,cpu_cores,concurrency,p95_latency_ms,slo_ms,khpa_latency_threshold_ms,khpa_max_pod_step\n";

    private static List<ServiceProfile> parse(String csv) {
        return ProfileCsv.read(new StringReader(csv), "profiles.csv");
    }

    private static ProfileFormatException failure(String csv) {
        try {
            parse(csv);
        } catch (ProfileFormatException e) {
            return e;
        }
        throw new AssertionError("expected ProfileFormatException for:\n" + csv);
    }

    private static ProfileFormatException failureWithRow(String row) {
        return failure(HEADER + "house,0,1.5,10,1100,1200,730,\n" + row + "\n");
    }

    @Test
    void numbersOutOfTheirRangeAreNamed() {
        assertThat(failureWithRow("house,1,2,10,1e-320,1200,730,").getMessage()).isEqualTo("profiles.csv line 3, column "
                + "'p95_latency_ms': '1e-320' is out of range (expected a number from 0.001 to 86400000 ms)");
        assertThat(failureWithRow("house,1,200000,10,1000,1200,730,").getMessage()).isEqualTo("profiles.csv line 3, "
                + "column 'cpu_cores': '200000' is out of range (expected a number from 0.001 to 100000 cores)");
    }

    // ---- the bundled file ----

    @Test
    void paperCsvEqualsPaperProfile() {
        List<ServiceProfile> services = ProfileCsv.read(PAPER_CSV);
        assertThat(services).isEqualTo(PaperProfile.services());
        // and explicitly, so a wrong PaperProfile cannot hide a wrong reader
        assertThat(services).extracting(ServiceProfile::name).containsExactly("house", "senti", "numbr");
        assertThat(services).extracting(ServiceProfile::sloMs).containsExactly(1200.0, 2200.0, 900.0);
        assertThat(services).extracting(ServiceProfile::khpaLatencyThresholdMs).containsExactly(730.0, 1500.0, 630.0);
        assertThat(services).extracting(ServiceProfile::maxPodStep).containsExactly(0, 2, 0);
        assertThat(services).extracting(ServiceProfile::numActions).containsExactly(22, 7, 8);
        assertThat(services.get(0).config(0)).isEqualTo(new ServiceConfig(1.5, 10, 1100));
        assertThat(services.get(0).config(21)).isEqualTo(new ServiceConfig(4, 60, 1100));
        assertThat(services.get(1).config(3)).isEqualTo(new ServiceConfig(3, 15, 1500));
        assertThat(services.get(2).config(0)).isEqualTo(new ServiceConfig(0.5, 10, 900));
        assertThat(services.get(2).config(7)).isEqualTo(new ServiceConfig(2, 25, 860));
        for (int i = 0; i < 3; i++) {
            assertThat(services.get(i).configs()).isEqualTo(PaperProfile.services().get(i).configs());
        }
    }

    @Test
    void errorMessageNamesFileGivenAsPath() throws URISyntaxException {
        Path file = Path.of(getClass().getResource("/profile/bad-cpu.csv").toURI());
        assertThatThrownBy(() -> ProfileCsv.read(file))
                .isInstanceOf(ProfileFormatException.class)
                .hasMessage(file + " line 5, column 'cpu_cores': '-2' is not valid (expected a finite number > 0)")
                .satisfies(e -> {
                    ProfileFormatException p = (ProfileFormatException) e;
                    assertThat(p.file()).isEqualTo(file.toString());
                    assertThat(p.line()).isEqualTo(5);
                    assertThat(p.column()).isEqualTo("cpu_cores");
                    assertThat(p.path()).isNull();
                });
    }

    // ---- round trip ----

    @Test
    void roundTripPaper(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("p.csv");
        ProfileCsv.write(PaperProfile.services(), out);
        assertThat(ProfileCsv.read(out)).isEqualTo(PaperProfile.services());
        // same format as the bundled file: integral numbers without ".0", empty max pod step for "no limit"
        assertThat(Files.readString(out, StandardCharsets.UTF_8))
                .isEqualTo(Files.readString(PAPER_CSV, StandardCharsets.UTF_8));
    }

    @Test
    void roundTripAwkwardValues(@TempDir Path dir) {
        List<ServiceProfile> services = List.of(
                new ServiceProfile("a, \"quoted\" name", 0.1 + 0.2, 5e7, 7, List.of(
                        new ServiceConfig(12345.678901, 999999.25, 1.0 / 3), new ServiceConfig(0.001, 3, 4))),
                new ServiceProfile("b", 5, 5, 0, List.of(new ServiceConfig(1, 1, 1))));
        Path out = dir.resolve("awkward.csv");
        ProfileCsv.write(services, out);
        assertThat(ProfileCsv.read(out)).isEqualTo(services);
    }

    @Test
    void acceptsReorderedColumnsBomSpacesAndZeroPodStep() {
        String csv = "\uFEFFaction,service,concurrency,cpu_cores,p95_latency_ms,slo_ms,khpa_latency_threshold_ms,"
                + "khpa_max_pod_step\r\n"
                + "0, x ,10,1,50,100,80,0\r\n"
                + "\r\n"
                + "1,x,20,2.5e0,60,100,80,\r\n";
        List<ServiceProfile> s = parse(csv);
        assertThat(s).containsExactly(new ServiceProfile("x", 100, 80, 0,
                List.of(new ServiceConfig(1, 10, 50), new ServiceConfig(2.5, 20, 60))));
    }

    // ---- bad input: one case per rule ----

    @Test
    void negativeCpu() {
        assertThat(failureWithRow("house,1,-2,10,690,1200,730,").getMessage())
                .isEqualTo("profiles.csv line 3, column 'cpu_cores': '-2' is not valid (expected a finite number > 0)");
    }

    @Test
    void zeroLatency() {
        assertThat(failureWithRow("house,1,2,10,0,1200,730,").getMessage())
                .isEqualTo("profiles.csv line 3, column 'p95_latency_ms': '0' is not valid "
                        + "(expected a finite number > 0)");
    }

    @Test
    void nonNumber() {
        ProfileFormatException e = failureWithRow("house,1,2,ten,690,1200,730,");
        assertThat(e.getMessage()).isEqualTo("profiles.csv line 3, column 'concurrency': 'ten' is not a number "
                + "(expected a finite number > 0)");
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.column()).isEqualTo("concurrency");
    }

    @Test
    void nanRejected() {
        assertThat(failureWithRow("house,1,NaN,10,690,1200,730,").getMessage())
                .startsWith("profiles.csv line 3, column 'cpu_cores': 'NaN'");
    }

    @Test
    void infinityRejected() {
        assertThat(failureWithRow("house,1,2,10,Infinity,1200,730,").getMessage())
                .startsWith("profiles.csv line 3, column 'p95_latency_ms': 'Infinity'")
                .endsWith("(expected a finite number > 0)");
    }

    @Test
    void overflowingNumberRejected() {
        assertThat(failureWithRow("house,1,2,1e999,690,1200,730,").getMessage())
                .isEqualTo("profiles.csv line 3, column 'concurrency': '1e999' is not valid "
                        + "(expected a finite number > 0)");
    }

    @Test
    void emptyCell() {
        assertThat(failureWithRow("house,1,2,10,690,,730,").getMessage())
                .isEqualTo("profiles.csv line 3, column 'slo_ms': '' is an empty cell (expected a finite number > 0)");
    }

    @Test
    void missingColumn() {
        ProfileFormatException e = failure(
                "service,action,cpu_cores,concurrency,p95_latency_ms,khpa_latency_threshold_ms,khpa_max_pod_step\n"
                        + "house,0,1.5,10,1100,730,\n");
        assertThat(e.getMessage()).startsWith("profiles.csv line 1, column 'slo_ms': missing from the header")
                .contains("expected the columns service,action,cpu_cores");
    }

    @Test
    void unknownColumn() {
        assertThat(failure(HEADER.replace("\n", ",comment\n") + "house,0,1.5,10,1100,1200,730,,x\n").getMessage())
                .startsWith("profiles.csv line 1, column 'comment': unknown column 'comment' in header field 9");
    }

    @Test
    void duplicateColumn() {
        assertThat(failure(HEADER.replace("\n", ",slo_ms\n") + "house,0,1.5,10,1100,1200,730,,1200\n")
                .getMessage())
                .startsWith("profiles.csv line 1, column 'slo_ms': column 'slo_ms' appears twice, in header fields 6 "
                        + "and 9");
    }

    @Test
    void actionNotStartingAtZero() {
        assertThat(failure(HEADER + "house,1,1.5,10,1100,1200,730,\n").getMessage())
                .isEqualTo("profiles.csv line 2, column 'action': '1' is not valid (expected 0: the actions of "
                        + "service 'house' are numbered 0, 1, 2, ... in file order)");
    }

    @Test
    void actionGap() {
        assertThat(failureWithRow("house,2,2,10,690,1200,730,").getMessage())
                .isEqualTo("profiles.csv line 3, column 'action': '2' is not valid (expected 1: the actions of "
                        + "service 'house' are numbered 0, 1, 2, ... in file order)");
    }

    @Test
    void actionNotAnInteger() {
        assertThat(failureWithRow("house,1.0,2,10,690,1200,730,").getMessage())
                .startsWith("profiles.csv line 3, column 'action': '1.0' is not valid (expected 1:");
    }

    @Test
    void sloDiffersWithinService() {
        ProfileFormatException e = failureWithRow("house,1,2,10,690,1300,730,");
        assertThat(e.getMessage()).isEqualTo("profiles.csv line 3, column 'slo_ms': '1300' differs from '1200' on "
                + "line 2 (expected the same value on every row of service 'house')");
    }

    @Test
    void thresholdDiffersWithinService() {
        assertThat(failureWithRow("house,1,2,10,690,1200,731,").getMessage())
                .isEqualTo("profiles.csv line 3, column 'khpa_latency_threshold_ms': '731' differs from '730' on "
                        + "line 2 (expected the same value on every row of service 'house')");
    }

    @Test
    void maxPodStepDiffersWithinService() {
        assertThat(failureWithRow("house,1,2,10,690,1200,730,3").getMessage())
                .isEqualTo("profiles.csv line 3, column 'khpa_max_pod_step': '3' differs from '' on "
                        + "line 2 (expected the same value on every row of service 'house')");
    }

    @Test
    void emptyAndZeroMaxPodStepAreTheSame() {
        assertThat(parse(HEADER + "h,0,1,1,1,5,5,\nh,1,2,1,1,5,5,0\n").get(0).maxPodStep()).isZero();
    }

    @Test
    void negativeMaxPodStep() {
        assertThat(failure(HEADER + "senti,0,2,10,1500,2200,1500,-1\n").getMessage())
                .isEqualTo("profiles.csv line 2, column 'khpa_max_pod_step': '-1' is not valid (expected empty or "
                        + "an integer >= 0; empty or 0 = no limit)");
    }

    @Test
    void fractionalMaxPodStep() {
        assertThat(failure(HEADER + "senti,0,2,10,1500,2200,1500,2.5\n").getMessage())
                .startsWith("profiles.csv line 2, column 'khpa_max_pod_step': '2.5' is not valid");
    }

    @Test
    void serviceNotContiguous() {
        ProfileFormatException e = failure(HEADER
                + "house,0,1.5,10,1100,1200,730,\n"
                + "house,1,2,10,690,1200,730,\n"
                + "senti,0,2,10,1500,2200,1500,2\n"
                + "house,2,2,15,1000,1200,730,\n");
        assertThat(e.getMessage()).isEqualTo("profiles.csv line 5, column 'service': 'house' reappears after "
                + "service 'senti' (expected the rows of each service to be contiguous; 'house' was on lines 2-3)");
    }

    @Test
    void blankServiceName() {
        assertThat(failureWithRow("  ,1,2,10,690,1200,730,").getMessage())
                .isEqualTo("profiles.csv line 3, column 'service': '  ' is not valid (expected a non-blank service "
                        + "name)");
    }

    @Test
    void shortRow() {
        ProfileFormatException e = failureWithRow("house,1,2,10,690,1200,730");
        assertThat(e.getMessage()).isEqualTo("profiles.csv line 3: found 7 fields, expected 8 as in the header "
                + "(service,action,cpu_cores,concurrency,p95_latency_ms,slo_ms,khpa_latency_threshold_ms,"
                + "khpa_max_pod_step): 'house,1,2,10,690,1200,730'");
        assertThat(e.line()).isEqualTo(3);
    }

    @Test
    void longRow() {
        assertThat(failureWithRow("house,1,2,10,690,1200,730,,9").getMessage())
                .startsWith("profiles.csv line 3: found 9 fields, expected 8")
                .endsWith("'house,1,2,10,690,1200,730,,9'");
    }

    @Test
    void emptyFile() {
        ProfileFormatException e = failure("");
        assertThat(e.getMessage()).startsWith("profiles.csv: is empty (expected a header row service,action,");
        assertThat(e.line()).isZero();
    }

    @Test
    void headerOnly() {
        assertThat(failure(HEADER).getMessage()).isEqualTo("profiles.csv line 1: no data rows after the header "
                + "(expected one row per action of each service)");
    }

    @Test
    void lineNumbersCountSkippedEmptyLines() {
        assertThat(failure(HEADER + "\nhouse,0,1.5,10,1100,1200,730,\n\n\nhouse,1,x,10,690,1200,730,\n")
                .getMessage()).startsWith("profiles.csv line 6, column 'cpu_cores': 'x' is not a number");
    }

    @Test
    void malformedQuoting() {
        ProfileFormatException e = failure(HEADER + "\"house,0,1.5,10,1100,1200,730,\n");
        assertThat(e.getMessage()).startsWith("profiles.csv line 2: malformed CSV");
        assertThat(e.getMessage()).doesNotContain("\n");
    }

    @Test
    void messagesAreOneLine() {
        List<String> bad = new ArrayList<>(List.of("", HEADER, HEADER + "house,0,1.5,10,1100,1200,730"));
        for (String csv : bad) {
            assertThat(failure(csv).getMessage()).doesNotContain("\n", "\r");
        }
    }
}
