package dev.kdrl.agent.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
}
