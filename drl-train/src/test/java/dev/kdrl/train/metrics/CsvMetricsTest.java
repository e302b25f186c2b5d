package dev.kdrl.train.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvMetricsTest {

    @Test
    void rowsAreWrittenAsTheyComeAndReadBack(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("sub/metrics.csv");
        Map<String, Number> first = new LinkedHashMap<>();
        first.put("time/total_timesteps", 19L);
        first.put("rollout/ep_rew_mean", Double.NaN);
        first.put("train/approx_kl", 1.5e-4);
        Map<String, Number> second = new LinkedHashMap<>();
        second.put("train/approx_kl", 0.25);
        second.put("time/total_timesteps", 38L);
        second.put("extra", 1.0);
        try (CsvMetrics sink = new CsvMetrics(file)) {
            sink.write(first);
            // flushed per row: a run stopped here keeps it
            assertThat(Files.readAllLines(file)).containsExactly(
                    "time/total_timesteps,rollout/ep_rew_mean,train/approx_kl", "19,,1.5E-4");
            sink.write(second);
        }
        assertThat(Files.readAllLines(file)).containsExactly(
                "time/total_timesteps,rollout/ep_rew_mean,train/approx_kl", "19,,1.5E-4", "38,,0.25");
        List<Map<String, Double>> rows = CsvMetrics.read(file);
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0)).containsEntry("time/total_timesteps", 19.0).containsEntry("train/approx_kl", 1.5e-4);
        assertThat(rows.get(0).get("rollout/ep_rew_mean")).isNaN();
        assertThat(rows.get(1)).containsEntry("time/total_timesteps", 38.0).containsEntry("train/approx_kl", 0.25);
    }

    @Test
    void aCellThatIsNotANumberIsNamed(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("m.csv");
        Files.writeString(file, "a,b\n1,2\n3,x\n");
        assertThatThrownBy(() -> CsvMetrics.read(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(file + ": line 3, column b: 'x' is not a number");
    }
}
