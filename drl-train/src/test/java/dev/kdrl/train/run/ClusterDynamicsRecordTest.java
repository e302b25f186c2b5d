package dev.kdrl.train.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kdrl.env.cluster.ClusterParams;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The cluster parameters a model records, and the differences named when it is played in others. */
class ClusterDynamicsRecordTest {

    @Test
    void everyParameterIsDescribedInTheRecordsOrder() {
        assertThat(ClusterParams.DEFAULTS.describe(List.of("a")).keySet()).containsExactly("tickSeconds",
                "periodSeconds", "stableWindowSeconds", "panicWindowPercentage", "panicThresholdPercentage",
                "maxScaleUpRate", "maxScaleDownRate", "targetUtilisation", "scaleToZeroGraceSeconds",
                "progressDeadlineSeconds", "schedulingSeconds", "operatorDeletesOldRevision", "interpolateLoad",
                "a.startupSeconds", "a.drainSeconds", "a.concurrencyLimit", "a.queueDepth", "a.queueProxyCpu");
    }

    @Test
    void theSameParametersDifferInNothing() {
        Map<String, String> d = ClusterParams.DEFAULTS.describe(List.of("a", "b"));
        assertThat(TrainingRun.ClusterDynamics.differences(ClusterParams.encode(d), d)).isEmpty();
    }

    @Test
    void eachDifferingParameterIsNamedWithBothValues() {
        ClusterParams trained = ClusterParams.DEFAULTS;
        ClusterParams played = trained.withTickSeconds(0.5).withServices(ClusterParams.ServiceParams.DEFAULTS,
                Map.of("b", new ClusterParams.ServiceParams(30, 30, 1, 10, 0.025)));
        String recorded = ClusterParams.encode(trained.describe(List.of("a", "b")));
        assertThat(TrainingRun.ClusterDynamics.differences(recorded, played.describe(List.of("a", "b"))))
                .containsExactly("tickSeconds 0.5 (trained 2)", "b.startupSeconds 30 (trained 4)",
                        "b.queueProxyCpu 0.025 (trained 0)");
    }

    @Test
    void aServiceOnlyOneSideHasShowsADash() {
        String recorded = ClusterParams.encode(ClusterParams.DEFAULTS.describe(List.of("a")));
        assertThat(TrainingRun.ClusterDynamics.differences(recorded, ClusterParams.DEFAULTS.describe(List.of("c"))))
                .contains("c.startupSeconds 4 (trained -)", "a.startupSeconds - (trained 4)");
    }
}
