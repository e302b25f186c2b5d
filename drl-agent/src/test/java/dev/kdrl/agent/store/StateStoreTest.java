package dev.kdrl.agent.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class StateStoreTest {
    private static final List<String> SERVICES = List.of("house", "senti", "numbr");

    @TempDir
    Path dir;

    private static AgentState state(long cycles) {
        Map<String, String> spec = new LinkedHashMap<>();
        spec.put("servicehouse_resource", "3500m");
        spec.put("servicehouse_concurrency", "20");
        return new AgentState(StateStore.FORMAT_VERSION, cycles, "2026-11-22T10:00:55Z", SERVICES,
                new int[] {1, 2, 3}, new int[] {4, 5, 6}, new double[] {7.5, 0.1 + 0.2, 12},
                new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, spec);
    }

    @Test
    void roundTripsExactlyAndReplacesAtomically() throws Exception {
        StateStore store = new StateStore(dir.resolve("state"));
        assertThat(store.load(SERVICES)).isNull();
        store.save(state(1));
        store.save(state(2));
        AgentState s = store.load(SERVICES);
        assertThat(s.cycles()).isEqualTo(2);
        assertThat(s.action()).containsExactly(1, 2, 3);
        assertThat(s.pods()).containsExactly(4, 5, 6);
        assertThat(s.resources()).containsExactly(7.5, 0.1 + 0.2, 12.0);
        assertThat(s.observation()).hasSize(9);
        assertThat(s.spec()).containsExactly(Map.entry("servicehouse_resource", "3500m"),
                Map.entry("servicehouse_concurrency", "20"));
        try (var files = Files.list(dir.resolve("state"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("state.json");
        }
        // a write that fails part way leaves the previous file as it was: old or new, never a mix
        Path file = dir.resolve("state/state.json");
        byte[] before = Files.readAllBytes(file);
        Path tmp = dir.resolve("state/.state.json." + ProcessHandle.current().pid() + ".tmp");
        Files.createDirectory(tmp);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.save(state(3)))
                .isInstanceOf(java.io.UncheckedIOException.class).hasMessageContaining("cannot save the agent state");
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
        assertThat(store.load(SERVICES).cycles()).isEqualTo(2);
    }

    @Test
    void aStateDirectoryThatCannotBeWrittenIsNamedAtStart() throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-dir"), "a file where the directory should be");
        StateStore store = new StateStore(file.resolve("state"));
        assertThatThrownBy(store::requireWritable).isInstanceOf(java.io.UncheckedIOException.class)
                .hasMessageStartingWith("stateDir " + file.resolve("state").toAbsolutePath() + ": cannot write in it: ")
                .hasMessageEndingWith("(expected a writable directory)");
        StateStore fine = new StateStore(dir.resolve("new/state"));
        fine.requireWritable();
        assertThat(dir.resolve("new/state")).isDirectory();
        try (var left = Files.list(dir.resolve("new/state"))) {
            assertThat(left).isEmpty(); // the probe is gone
        }
    }

    @Test
    void refusesStateOfOtherServices() {
        StateStore store = new StateStore(dir);
        store.save(state(1));
        assertThatThrownBy(() -> store.load(List.of("house", "senti")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("state.json")
                .hasMessageContaining("[house, senti, numbr]").hasMessageContaining("[house, senti]");
    }

    @Test
    void refusesACorruptFileWithoutDeletingIt() throws Exception {
        Files.writeString(dir.resolve("state.json"), "{\"formatVersion\":1,\"cycles\":");
        StateStore store = new StateStore(dir);
        assertThatThrownBy(() -> store.load(SERVICES)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("state.json").hasMessageContaining("not a valid agent state");
        assertThat(Files.readString(dir.resolve("state.json"))).isEqualTo("{\"formatVersion\":1,\"cycles\":");
    }

    private static final int[] TABLES = {4, 4, 4};

    private static final String GOOD = "{\"formatVersion\":1,\"cycles\":3,\"time\":\"2026-11-22T10:00:55Z\","
            + "\"services\":[\"house\",\"senti\",\"numbr\"],\"action\":[1,2,3],\"pods\":[4,5,6],"
            + "\"resources\":[1.0,1.0,1.0],\"observation\":null,\"spec\":{}}";

    static Stream<Arguments> corrupt() {
        return Stream.of(
                Arguments.of("{\"formatVersion\":1,\"cycles\":",
                        "not valid JSON: the file ends at line 1, column 29 inside a value (cut short?)"),
                Arguments.of("", "the file is empty"),
                Arguments.of("  \n", "the file is empty"),
                Arguments.of("[1,2]", "it is [1,2], expected a JSON object with the fields [formatVersion, cycles, "
                        + "time, services, action, pods, resources, observation, spec]"),
                Arguments.of(GOOD.replace("\"formatVersion\":1,", ""),
                        "field 'formatVersion' is missing, expected an integer"),
                Arguments.of(GOOD.replace("\"cycles\":3", "\"cycles\":null"),
                        "field 'cycles' is null, expected an integer"),
                Arguments.of(GOOD.replace("\"cycles\":3", "\"cycles\":\"abc\""),
                        "field 'cycles' is 'abc', expected an integer"),
                Arguments.of(GOOD.replace("\"action\":[1,2,3]", "\"action\":[1,null,3]"),
                        "field 'action[1]' is null, expected an integer"),
                Arguments.of(GOOD.replace("\"pods\":[4,5,6]", "\"pods\":\"many\""),
                        "field 'pods' is 'many', expected an array of integers"),
                Arguments.of(GOOD.replace("\"spec\":{}", "\"spec\":{\"a\":{\"b\":1}}"),
                        "field 'spec.a' is {\"b\":1}, expected a string"),
                Arguments.of(GOOD.replace("\"cycles\":3", "\"cycles\":3,\"extra\":1"),
                        "field 'extra' is not a field of the agent state (expected [formatVersion, cycles, time, "
                                + "services, action, pods, resources, observation, spec])"),
                Arguments.of(GOOD.replace("\"cycles\":3", "\"cycles\":99999999999999999999"),
                        "field 'cycles' is 99999999999999999999, expected an integer in [-9223372036854775808, "
                                + "9223372036854775807]"),
                Arguments.of(GOOD.replace("\"action\":[1,2,3]", "\"action\":[1,2,4294967296]"),
                        "field 'action[2]' is 4294967296, expected an integer in [-2147483648, 2147483647]"),
                Arguments.of(GOOD.replace("[1.0,1.0,1.0]", "[NaN,1.0,1.0]"),
                        "not valid JSON at line 1, column " + (GOOD.indexOf("[1.0,1.0,1.0]") + 5) // just after NaN
                                + ": Non-standard token 'NaN'"),
                Arguments.of("{\"action\":[1,2}", "not valid JSON at line 1, column 15: Unexpected close marker "
                        + "'}': expected ']'"),
                Arguments.of("{x}", "not valid JSON at line 1, column 2: Unexpected character ('x' (code 120)): "
                        + "was expecting double-quote to start field name"),
                Arguments.of("// saved by hand\n" + GOOD, "not valid JSON at line 1, column 1: Unexpected character "
                        + "('/' (code 47)): maybe a (non-standard) comment?"));
    }

    /**
     * A state file that is not JSON, or not the agent's state, is refused (the agent exits 2) with one line that
     * names the file and says where and what is wrong in plain words: no Jackson class, option or source location.
     */
    @ParameterizedTest
    @MethodSource("corrupt")
    void aCorruptFileIsRefusedWithOneLineInPlainWords(String content, String expected) throws Exception {
        Files.writeString(dir.resolve("state.json"), content);
        StateStore store = new StateStore(dir);
        assertThatThrownBy(() -> store.load(SERVICES, TABLES)).isInstanceOf(IllegalStateException.class)
                .hasMessage(store.file() + ": not a valid agent state: " + expected
                        + "; move it away to start from the initial state")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").doesNotContain("Source")
                        .doesNotContain("Feature").doesNotContain("`").doesNotContainIgnoringCase("exception"));
        assertThat(Files.readString(dir.resolve("state.json"))).isEqualTo(content);
        Files.writeString(dir.resolve("pending.json"), content);
        assertThatThrownBy(() -> store.loadPending(SERVICES, TABLES)).hasMessageStartingWith(
                dir.resolve("pending.json") + ": not a valid agent state: " + expected);
    }

    @Test
    void anotherFormatVersionIsNamedBeforeItsFieldsAreRead() throws Exception {
        Files.writeString(dir.resolve("state.json"), GOOD.replace("\"formatVersion\":1,\"cycles\":3",
                "\"formatVersion\":2,\"decisions\":3"));
        assertThatThrownBy(() -> new StateStore(dir).load(SERVICES))
                .hasMessage(dir.resolve("state.json") + ": formatVersion is 2, expected 1");
        Files.writeString(dir.resolve("state.json"), GOOD.replace("\"formatVersion\":1",
                "\"formatVersion\":99999999999"));
        assertThatThrownBy(() -> new StateStore(dir).load(SERVICES))
                .hasMessage(dir.resolve("state.json") + ": formatVersion is 99999999999, expected 1");
    }


    private static AgentState withArrays(int[] action, int[] pods, double[] resources) {
        AgentState s = state(1);
        return new AgentState(s.formatVersion(), s.cycles(), s.time(), s.services(), action, pods, resources,
                s.observation(), s.spec());
    }

    static Stream<Arguments> outOfRange() {
        return Stream.of(
                Arguments.of(withArrays(new int[] {99, 0, 0}, new int[] {1, 1, 1}, new double[] {1, 1, 1}),
                        "action[0] (service house) is 99, expected a configuration index in [0, 3]"),
                Arguments.of(withArrays(new int[] {0, -1, 0}, new int[] {1, 1, 1}, new double[] {1, 1, 1}),
                        "action[1] (service senti) is -1, expected a configuration index in [0, 3]"),
                Arguments.of(withArrays(new int[] {0, 0, 0}, new int[] {-1, 1, 1}, new double[] {1, 1, 1}),
                        "pods[0] (service house) is -1, expected a pod count in [0, 150000]"),
                Arguments.of(withArrays(new int[] {0, 0, 0}, new int[] {1, 1, Integer.MAX_VALUE},
                        new double[] {1, 1, 1}), "pods[2] (service numbr) is 2147483647, expected a pod count"),
                Arguments.of(withArrays(new int[] {0, 0, 0}, new int[] {1, 1, 1}, new double[] {1, -0.5, 1}),
                        "resources[1] (service senti) is -0.5, expected a finite number of cores in [0, 10000000]"),
                Arguments.of(withArrays(new int[] {0, 0, 0}, new int[] {1, 1, 1}, new double[] {1, 1, 1e300}),
                        "resources[2] (service numbr) is 1.0E300"));
    }

    /**
     * Out-of-range values are refused with one line (the agent exits 2) rather than dropped: the file is the
     * only record of what the cluster holds, so the operator decides whether to move it away.
     */
    @ParameterizedTest
    @MethodSource("outOfRange")
    void outOfRangeStateIsRefusedWithOneLineNamingTheField(AgentState bad, String expected) throws Exception {
        StateStore store = new StateStore(dir);
        store.save(bad);
        byte[] before = Files.readAllBytes(store.file());
        assertThatThrownBy(() -> store.load(SERVICES, TABLES)).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith(store.file() + ": ").hasMessageContaining(expected)
                .hasMessageEndingWith("move it away to start from the initial state")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        assertThat(Files.readAllBytes(store.file())).isEqualTo(before);
        store.savePending(bad);
        assertThatThrownBy(() -> store.loadPending(SERVICES, TABLES)).hasMessageContaining("pending.json")
                .hasMessageContaining(expected);
    }

    @Test
    void inRangeStateLoads() {
        StateStore store = new StateStore(dir);
        store.save(state(1));
        assertThat(store.load(SERVICES, TABLES).cycles()).isEqualTo(1);
        assertThat(new StateStore(dir.resolve("none")).load(SERVICES, TABLES)).isNull();
    }

    @Test
    void aTimeThatIsNotAnInstantIsRefusedWithItsControlBytesEscaped() {
        AgentState s = state(1);
        StateStore store = new StateStore(dir);
        store.save(new AgentState(s.formatVersion(), 1, "yesterday\u001b[2J", s.services(), s.action(), s.pods(),
                s.resources(), s.observation(), s.spec()));
        assertThatThrownBy(() -> store.load(SERVICES, new int[] {4, 4, 4}))
                .hasMessageContaining("time is 'yesterday\\u001b[2J', expected an ISO-8601 instant")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\u001b"));
    }

    @Test
    void leftoverTemporaryFilesAreRemovedAndNothingElse() throws Exception {
        StateStore store = new StateStore(dir);
        store.save(state(1));
        Path a = Files.writeString(dir.resolve(".pending.json.4242.tmp"), "{\"formatVersion\":1,");
        Path b = Files.writeString(dir.resolve(".state.json.17.tmp"), "");
        Path keep = Files.writeString(dir.resolve("notes.tmp"), "mine");
        Path keepToo = Files.writeString(dir.resolve(".state.json.x.tmp"), "not ours");
        assertThat(store.removeLeftovers()).containsExactlyInAnyOrder(a, b);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("state.json",
                    keep.getFileName().toString(), keepToo.getFileName().toString());
        }
        assertThat(store.load(SERVICES, TABLES).cycles()).isEqualTo(1);
        assertThat(store.removeLeftovers()).isEmpty();
        assertThat(new StateStore(dir.resolve("absent")).removeLeftovers()).isEmpty();
    }
}
