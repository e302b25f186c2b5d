package dev.kdrl.env.paper;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kdrl.env.quota.QuotaEnv;
import dev.kdrl.env.replay.ActionReplay;
import dev.kdrl.env.trace.TraceCsv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Replays the reference trajectories of the published environment and checks every step. */
class PaperGoldenTest {
    static final Path GOLDEN = Path.of("src/test/resources/golden/golden-random-actions.jsonl");
    static final Path TRAIN = Path.of("../datasets/paper/train-200.csv");

    @Test
    void everyStepOfEveryReferenceEpisodeMatches() throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> expected = new ArrayList<>();
        for (String line : Files.readAllLines(GOLDEN)) {
            expected.add(json.readTree(line));
        }
        QuotaEnv env = PaperProfile.env(TraceCsv.read(TRAIN));
        List<ActionReplay.Step> steps = ActionReplay.replay(env, ActionReplay.readActions(GOLDEN));

        assertThat(steps).hasSize(2000);
        assertThat(expected.stream().map(e -> e.get("seed").asLong()).distinct().count()).isEqualTo(10);
        for (int k = 0; k < steps.size(); k++) {
            ActionReplay.Step s = steps.get(k);
            JsonNode e = expected.get(k);
            String at = "seed " + s.seed() + " t " + s.t();
            double want = e.get("reward").asDouble();
            assertThat(Math.abs(s.reward() - want)).as(at + " reward " + s.reward() + " vs " + want)
                    .isLessThanOrEqualTo(1e-9 * Math.max(1, Math.abs(want)));
            assertThat(s.obs()).as(at + " obs").containsExactly(doubles(e.get("obs")));
            assertThat(s.nextObs()).as(at + " next_obs").containsExactly(doubles(e.get("next_obs")));
            assertThat(s.prevPod()).as(at + " prev_pod").containsExactly(ints(e.get("prev_pod")));
            assertThat(s.prevRes()).as(at + " prev_res").containsExactly(doubles(e.get("prev_res")));
            assertThat(s.truncated()).as(at + " truncated").isEqualTo(e.get("truncated").asBoolean());
        }
    }

    static double[] doubles(JsonNode a) {
        double[] v = new double[a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.get(i).asDouble();
        }
        return v;
    }

    static int[] ints(JsonNode a) {
        int[] v = new int[a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.get(i).asInt();
        }
        return v;
    }
}
