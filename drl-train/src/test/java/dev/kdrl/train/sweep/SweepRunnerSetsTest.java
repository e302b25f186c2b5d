package dev.kdrl.train.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which sets of another sweep.json are the same set, as --reuse and a resumed run read them. */
class SweepRunnerSetsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode entry(String json) throws Exception {
        return JSON.readTree(json);
    }

    @Test
    void aClusterSetPlayedBeforeTheModelsRecordedSettingsCountedIsNotTheSameSet() throws Exception {
        SweepFile.EvalSet paper = new SweepFile.EvalSet("t", List.of(Path.of("/d/t.csv")), null, false, Map.of());
        SweepFile.EvalSet cluster = new SweepFile.EvalSet("c", List.of(Path.of("/d/t.csv")), null, false,
                Map.of("dynamics", "cluster"));
        // a sweep.json written before sets recorded how they were played
        assertThat(SweepRunner.sameSet(paper, entry("{\"name\":\"t\",\"traces\":[\"/d/t.csv\"],\"rows\":null}")))
                .isTrue();
        assertThat(SweepRunner.sameSet(cluster, entry("{\"name\":\"c\",\"traces\":[\"/d/t.csv\"],\"rows\":null,"
                + "\"options\":{\"dynamics\":\"cluster\"}}"))).as("played with the options' defaults then").isFalse();
        // and today
        assertThat(SweepRunner.sameSet(cluster, entry("{\"name\":\"c\",\"traces\":[\"/d/t.csv\"],\"rows\":null,"
                + "\"options\":{\"dynamics\":\"cluster\"},\"played\":" + SweepRunner.PLAYED + "}"))).isTrue();
    }

    /**
     * The play that leaves expected-2 out passes none of its options (drl evaluate refuses them with --no-expected),
     * but the traffic history when the model draws from it; the play with expected-2 passes every option.
     */
    @Test
    void aPlayWithoutExpectedLeavesItsOptionsOut() {
        Path model = Path.of("../models/paper-afterstate.zip");
        Map<String, Object> options = new java.util.LinkedHashMap<>();
        options.put("expected-confidence", 1.0);
        options.put("traffic-history", "/d/h.csv");
        SweepFile.EvalSet set = new SweepFile.EvalSet("t", List.of(Path.of("/d/t.csv")), null, false, options);
        List<String> head = List.of("evaluate", "--model", model.toString(), "--trace", "/d/t.csv", "--json",
                "--no-optimum", "--lookahead", "0");
        assertThat(SweepRunner.evaluateArgs(model, set, true)).containsExactlyElementsOf(concat(head,
                List.of("--expected-confidence", "1", "--traffic-history", "/d/h.csv")));
        // the bundled model searches two steps: it reads the history
        assertThat(SweepRunner.evaluateArgs(model, set, false)).containsExactlyElementsOf(concat(head,
                List.of("--no-expected", "--traffic-history", "/d/h.csv")));
        // acting in one step, it does not
        options.put("afterstate-lookahead-samples", 0);
        assertThat(SweepRunner.evaluateArgs(model, set, false)).containsExactlyElementsOf(concat(head,
                List.of("--no-expected", "--afterstate-lookahead-samples", "0")));
        options.put("afterstate-lookahead-samples", 8);
        assertThat(SweepRunner.evaluateArgs(model, set, false)).containsExactlyElementsOf(concat(head,
                List.of("--no-expected", "--traffic-history", "/d/h.csv", "--afterstate-lookahead-samples", "8")));
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }
}
