package dev.kdrl.env.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kdrl.env.cluster.ClusterParams;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The optional {@code cluster:} keys of a YAML profile: defaults, overrides per service, one-line errors. */
class ProfileClusterParamsTest {
    private static final String SERVICES = """
            quota: 10
            services:
              - name: a
                sloMs: 1000
                khpaLatencyThresholdMs: 500
                configs: [{cpu: 1, concurrency: 10, latencyMs: 400}]
              - name: b
                sloMs: 1000
                khpaLatencyThresholdMs: 500
                configs: [{cpu: 1, concurrency: 10, latencyMs: 400}]
            """;

    private static ClusterSpec read(String text) {
        return ProfileYaml.read(new StringReader(text), "p.yaml");
    }

    @Test
    void aFileWithoutClusterKeysHasTheDefaults() {
        ClusterSpec spec = read(SERVICES);
        assertThat(spec.cluster()).isNull();
        assertThat(spec.clusterParams()).isEqualTo(ClusterParams.DEFAULTS);
    }

    @Test
    void clusterKeysAndServiceOverridesAreRead() {
        ClusterSpec spec = read(SERVICES.replace("""
                  - name: b
                """, """
                  - name: b
                    cluster: {startupSeconds: 20}
                """) + """
                cluster:
                  tickSeconds: 1
                  drainSeconds: 45
                  operatorDeletesOldRevision: true
                  queueProxyCpu: 0.025
                """);
        ClusterParams p = spec.clusterParams();
        assertThat(p.tickSeconds()).isEqualTo(1);
        assertThat(p.periodSeconds()).isEqualTo(120);
        assertThat(p.operatorDeletesOldRevision()).isTrue();
        assertThat(p.service("a")).isEqualTo(new ClusterParams.ServiceParams(4, 45, 1, 10, 0.025));
        // b's own start-up; the rest from the namespace's defaults
        assertThat(p.service("b")).isEqualTo(new ClusterParams.ServiceParams(20, 45, 1, 10, 0.025));
        // written and read back: the same
        assertThat(read(ProfileYaml.toYaml(spec))).isEqualTo(spec);
    }

    @Test
    void badValuesNameTheFileTheKeyTheValueAndTheRule() {
        assertThatThrownBy(() -> read(SERVICES + "cluster: {tickSeconds: 5}\n"))
                .isInstanceOf(ProfileFormatException.class)
                .hasMessage("p.yaml cluster.tickSeconds: '5.0' is not valid (expected <= 2 (the KPA decides every 2 s))");
        assertThatThrownBy(() -> read(SERVICES + "cluster: {periodSeconds: 1e12}\n"))
                .hasMessage("p.yaml cluster.periodSeconds: '1.0E12' is not valid (expected at most 86400, a day)");
        assertThatThrownBy(() -> read(SERVICES + "cluster: {periodSeconds: 121}\n"))
                .hasMessage("p.yaml cluster.periodSeconds: '121.0' is not valid (expected a whole number of ticks of"
                        + " 2 s)");
        assertThatThrownBy(() -> read(SERVICES.replace("  - name: b\n", "  - name: b\n    cluster: {drainSeconds: -1}\n")))
                .hasMessage("p.yaml services[1].cluster.drainSeconds: '-1.0' is not valid (expected a number in "
                        + "[0, 600])");
        // units that cannot be right: a tick that moves the KPA off its 2 s, millicores written as cores, a start
        // longer than a revision may take to become ready
        assertThatThrownBy(() -> read(SERVICES + "cluster: {tickSeconds: 0.8}\n"))
                .hasMessage("p.yaml cluster.tickSeconds: '0.8' is not valid (expected a tick that divides the KPA's 2 s "
                        + "evenly (2, 1, 0.5, 0.25, ...))");
        assertThatThrownBy(() -> read(SERVICES + "cluster: {queueProxyCpu: 25}\n"))
                .hasMessage("p.yaml cluster.queueProxyCpu: '25.0' is not valid (expected a number in [0, 1])");
        assertThatThrownBy(() -> read(SERVICES + "cluster: {startupSeconds: 4000}\n"))
                .hasMessage("p.yaml cluster.progressDeadlineSeconds: '600.0' is not valid (expected more than "
                        + "schedulingSeconds + startupSeconds - 30 of every service, or no revision becomes ready "
                        + "((every service): 4001 s to ready))");
        assertThatThrownBy(() -> read(SERVICES.replace("  - name: b\n", "  - name: b\n    cluster: {startupSeconds: "
                + "700}\n"))).hasMessageEndingWith("(b: 701 s to ready))");
        assertThatThrownBy(() -> read(SERVICES + "cluster: {tick: 1}\n"))
                .hasMessageStartingWith("p.yaml cluster.tick: unknown key 'tick' (allowed keys: tickSeconds, ");
        assertThatThrownBy(() -> read(SERVICES + "cluster: {interpolateLoad: 3}\n"))
                .isInstanceOf(ProfileFormatException.class).hasMessageContaining("cluster.interpolateLoad");
    }

    @Test
    void profilesGiveTheParametersOfAProfile(@TempDir Path dir) throws Exception {
        assertThat(Profiles.clusterParams("paper")).isEqualTo(ClusterParams.DEFAULTS);
        Path f = dir.resolve("p.yaml");
        Files.writeString(f, SERVICES + "cluster: {startupSeconds: 9}\n");
        assertThat(Profiles.clusterParams(f.toString()).service("a").startupSeconds()).isEqualTo(9);
        assertThat(Profiles.load(f, 20.0, null).clusterParams().service("b").startupSeconds()).isEqualTo(9);
    }
}
