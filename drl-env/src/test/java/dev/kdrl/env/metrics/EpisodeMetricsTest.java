package dev.kdrl.env.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kdrl.core.env.SyncVecEnv;
import dev.kdrl.core.env.VecStepResult;
import dev.kdrl.core.policy.Policy;
import dev.kdrl.env.paper.PaperProfile;
import dev.kdrl.env.quota.QuotaEnv;
import dev.kdrl.env.quota.QuotaModel;
import dev.kdrl.env.quota.ScaleKind;
import dev.kdrl.env.quota.ServiceConfig;
import dev.kdrl.env.quota.ServiceProfile;
import dev.kdrl.env.trace.Trace;
import dev.kdrl.env.trace.TraceCsv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EpisodeMetricsTest {

    /** One service: config 0 = (1 core, 10, 100 ms), config 1 = (2 cores, 10, 50 ms); SLO 200, K-HPA 150 ms. */
    static QuotaModel tiny() {
        ServiceProfile s = new ServiceProfile("a", 200, 150, 0,
                List.of(new ServiceConfig(1, 10, 100), new ServiceConfig(2, 10, 50)));
        return QuotaModel.general(List.of(s), 10, 1);
    }

    static Policy<double[], int[]> sequence(int[]... actions) {
        return new Policy<>() {
            int k;

            @Override
            public void reset() {
                k = 0;
            }

            @Override
            public int[] act(double[] observation) {
                return actions[k++];
            }
        };
    }

    @Test
    void handWorkedEpisode() {
        Trace trace = new Trace("tiny", List.of("a"), new double[][] {{5}, {12}, {0}});
        QuotaEnv env = new QuotaEnv(tiny(), trace);
        EpisodeRunner.Episode e = EpisodeRunner.run(env, sequence(new int[] {0}, new int[] {0}, new int[] {1}), 0);
        // start: config 1, 1 pod, 2 cores. Step 1: 5 users -> 1 pod of config 0: fresh, R = 1, peak 2 + 1 = 3
        //   reward 200 * (200/100 + 9*10/1) = 18400
        // step 2: 12 users -> 2 pods, same config, 100 ms <= 150: K-HPA add 1 core, R = 2, peak 1 + 1 = 2
        //   reward 200 * (2 + 90/2) = 9400
        // step 3: 0 users -> min 1 pod of config 1: fresh, R = 2, peak 2 + 2 = 4; reward 200 * (200/50 + 45) = 9800
        assertThat(e.steps()).extracting(EpisodeRunner.Step::reward).containsExactly(18400.0, 9400.0, 9800.0);
        assertThat(e.steps().get(1).transition().kinds()).containsExactly(ScaleKind.ADD);
        EpisodeMetrics m = e.metrics();
        assertThat(m.steps()).isEqualTo(3);
        assertThat(m.episodeReturn()).isEqualTo(37600.0);
        assertThat(m.overQuotaSteps()).isZero();
        assertThat(m.overlapOverQuotaSteps()).isZero();
        assertThat(m.meanCpu()).isCloseTo(5.0 / 3, within(1e-12));
        assertThat(m.maxCpu()).isEqualTo(2.0);
        assertThat(m.meanLatencyToSlo()[0]).isCloseTo(1.25 / 3, within(1e-12));
        assertThat(m.revisionsCreated()).isEqualTo(2);
        assertThat(m.podChanges()).isEqualTo(2);
    }

    @Test
    void overQuotaAndOverlapAreCounted() {
        // quota 10. Step 1, config 0: 30 users -> 5 pods x 1 core, fresh, peak 2 + 5 = 7.
        // Step 2, config 1: 5 pods x 2 = 10 cores fits, but the fresh roll-out's peak 5 + 10 = 15 does not.
        // Step 3, config 1, 40 users -> 6 pods: K-HPA adds 2 cores, 12 is over quota, peak 10 + 2 = 12.
        Trace trace = new Trace("tiny", List.of("a"), new double[][] {{30}, {30}, {40}});
        QuotaEnv env = new QuotaEnv(tiny(), trace);
        EpisodeMetrics m = EpisodeRunner.run(env, sequence(new int[] {0}, new int[] {1}, new int[] {1}), 0).metrics();
        assertThat(m.overlapOverQuotaSteps()).isEqualTo(2);
        assertThat(m.overQuotaSteps()).isEqualTo(1);
    }

    /** Metrics are values: two runs of one episode are equal, print their latencies, and differ where they do. */
    @Test
    void metricsCompareAndPrintByContent() {
        Trace trace = new Trace("tiny", List.of("a"), new double[][] {{5}, {12}, {0}});
        EpisodeMetrics one = EpisodeRunner.run(new QuotaEnv(tiny(), trace),
                sequence(new int[] {0}, new int[] {0}, new int[] {1}), 0).metrics();
        EpisodeMetrics two = EpisodeRunner.run(new QuotaEnv(tiny(), trace),
                sequence(new int[] {0}, new int[] {0}, new int[] {1}), 0).metrics();
        assertThat(two).isEqualTo(one).hasSameHashCodeAs(one);
        assertThat(one.toString()).startsWith("EpisodeMetrics{policy=").contains("mean_latency_slo_a=0.41666")
                .doesNotContain("[D@");
        double[] other = one.meanLatencyToSlo();
        other[0] += 1;
        assertThat(new EpisodeMetrics(one.policy(), one.trace(), one.steps(), one.episodeReturn(),
                one.overQuotaSteps(), one.overlapOverQuotaSteps(), one.meanCpu(), one.maxCpu(), one.services(), other,
                one.revisionsCreated(), one.podChanges())).isNotEqualTo(one);
        assertThatThrownBy(() -> new EpisodeMetrics("p", "t", 1, 0, 0, 0, 0, 0, List.of("a", "b"), new double[1], 0, 0))
                .hasMessage("meanLatencyToSlo has 1 values for 2 services [a, b] (expected one per service)");
    }

    @Test
    void writersProduceJsonAndCsv(@TempDir Path dir) throws Exception {
        Trace trace = new Trace("tiny", List.of("a"), new double[][] {{5}, {12}, {0}});
        EpisodeMetrics m = EpisodeRunner.run(new QuotaEnv(tiny(), trace),
                sequence(new int[] {0}, new int[] {0}, new int[] {1}), 0).metrics();
        Path json = dir.resolve("m.json");
        Path csv = dir.resolve("m.csv");
        MetricsWriter.write(List.of(m, m), json);
        MetricsWriter.write(List.of(m), csv);
        JsonNode rows = new ObjectMapper().readTree(json.toFile());
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).get("return").asDouble()).isEqualTo(37600.0);
        assertThat(rows.get(0).get("mean_latency_slo_a").asDouble()).isCloseTo(1.25 / 3, within(1e-12));
        List<String> lines = Files.readAllLines(csv);
        assertThat(lines.get(0)).isEqualTo("policy,trace,steps,return,over_quota_steps,overlap_over_quota_steps,"
                + "mean_cpu,max_cpu,mean_latency_slo_a,revisions_created,pod_changes");
        assertThat(lines.get(1)).contains(",tiny,3,37600.0,0,0,");
        // to a caller's writer: flushed, left open (a wrapper of System.out stays usable)
        boolean[] closed = {false};
        java.io.StringWriter text = new java.io.StringWriter();
        java.io.Writer caller = new java.io.BufferedWriter(new java.io.FilterWriter(text) {
            @Override
            public void close() throws java.io.IOException {
                closed[0] = true;
                super.close();
            }
        });
        MetricsWriter.writeCsv(List.of(m), caller);
        assertThat(closed[0]).isFalse();
        assertThat(text.toString()).isEqualTo(String.join("\n", lines) + "\n");
    }

    @Test
    void vecEnvStepsSeveralPaperEnvsAsOneBatchWithAutoReset() {
        Trace test = TraceCsv.read(Path.of("../datasets/paper/test-20.csv"));
        SyncVecEnv<double[], int[]> vec = SyncVecEnv.of(3, i -> PaperProfile.env(test));
        List<double[]> obs = vec.reset(42);
        assertThat(obs).hasSize(3);
        int[] a = {20, 1, 3};
        QuotaEnv single = PaperProfile.env(test);
        single.reset(0);
        for (int t = 0; t < 19; t++) {
            var r = single.step(a);
            VecStepResult<double[]> v = vec.step(new ArrayList<>(List.of(a, a, a)));
            for (int i = 0; i < 3; i++) {
                assertThat(v.rewards()[i]).isEqualTo(r.reward());
                assertThat(v.truncated()[i]).isEqualTo(r.truncated());
            }
            if (r.truncated()) {
                assertThat(v.finalObservations().get(0)).containsExactly(r.observation());
                assertThat(v.observations().get(0)).containsExactly(10, 25, 34, 20, 64, 28, 10, 55, 16);
            }
        }
    }
}
