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
}
