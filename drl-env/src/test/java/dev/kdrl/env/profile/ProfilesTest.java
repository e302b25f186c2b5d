package dev.kdrl.env.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kdrl.env.paper.PaperProfile;
import dev.kdrl.env.quota.ServiceConfig;
import dev.kdrl.env.quota.ServiceProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfilesTest {

    @Test
    void yamlWithoutOverrides() {
        ClusterSpec spec = Profiles.load(ProfileYamlTest.PAPER_YAML, null, null);
        assertThat(spec).isEqualTo(new ClusterSpec(PaperProfile.services(), 40, 1));
        assertThat(Profiles.load(ProfileYamlTest.PAPER_YAML)).isEqualTo(spec);
    }

    @Test
    void yamlOverridesWin() {
        ClusterSpec spec = Profiles.load(ProfileYamlTest.PAPER_YAML, 32.5, 0);
        assertThat(spec.quota()).isEqualTo(32.5);
        assertThat(spec.minPods()).isZero();
        assertThat(spec.services()).isEqualTo(PaperProfile.services());
        assertThat(Profiles.load(ProfileYamlTest.PAPER_YAML, null, 3).quota()).isEqualTo(40);
        assertThat(Profiles.load(ProfileYamlTest.PAPER_YAML, 50.0, null).minPods()).isEqualTo(1);
    }

    @Test
    void ymlExtensionAndQuotaOverrideStandsInForMissingQuota(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("c.YML");
        Files.writeString(file, "services:\n  - {name: a, sloMs: 1, khpaLatencyThresholdMs: 1, configs: "
                + "[{cpu: 1, concurrency: 1, latencyMs: 1}]}\n");
        assertThat(Profiles.load(file, 8.0, null)).isEqualTo(new ClusterSpec(List.of(
                new ServiceProfile("a", 1, 1, 0, List.of(new ServiceConfig(1, 1, 1)))), 8, 1));
        assertThatThrownBy(() -> Profiles.load(file, null, null))
                .isInstanceOf(ProfileFormatException.class)
                .hasMessageStartingWith(file + " quota: missing key 'quota'");
    }

    @Test
    void csvNeedsQuota() {
        assertThatThrownBy(() -> Profiles.load(ProfileCsvTest.PAPER_CSV, null, null))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessageEndingWith(": a CSV profile holds no quota (expected one given beside it: drl's --quota, the agent's "
                        + "quota key, or the quota override of Profiles.load)");
    }

    @Test
    void csvWithQuota() {
        ClusterSpec spec = Profiles.load(ProfileCsvTest.PAPER_CSV, 40.0, null);
        assertThat(spec).isEqualTo(new ClusterSpec(PaperProfile.services(), 40, 1));
        assertThat(spec.toModel()).isEqualTo(PaperProfile.generalModel());
        assertThat(Profiles.load(ProfileCsvTest.PAPER_CSV, 20.0, 2).minPods()).isEqualTo(2);
    }

    @Test
    void csvAndYamlAgree() {
        assertThat(Profiles.load(ProfileCsvTest.PAPER_CSV, 40.0, 1))
                .isEqualTo(Profiles.load(ProfileYamlTest.PAPER_YAML, null, null));
    }

    @Test
    void unsupportedExtension() {
        assertThatThrownBy(() -> Profiles.load(Path.of("profiles.json"), 40.0, null))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("unsupported profile file profiles.json (expected a .yaml, .yml or .csv file)");
    }

    @Test
    void invalidOverrides() {
        assertThatThrownBy(() -> Profiles.load(ProfileCsvTest.PAPER_CSV, 0.0, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("quota");
        assertThatThrownBy(() -> Profiles.load(ProfileYamlTest.PAPER_YAML, Double.NaN, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("quota");
        assertThatThrownBy(() -> Profiles.load(ProfileYamlTest.PAPER_YAML, null, -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("minPods");
    }

    @Test
    void clusterSpecValidation() {
        List<ServiceProfile> s = PaperProfile.services();
        assertThatThrownBy(() -> new ClusterSpec(s, 0, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("quota");
        assertThatThrownBy(() -> new ClusterSpec(s, Double.POSITIVE_INFINITY, 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ClusterSpec(s, Double.NaN, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ClusterSpec(s, 40, -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("minPods");
        assertThatThrownBy(() -> new ClusterSpec(List.of(), 40, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ClusterSpec(List.of(s.get(0), s.get(0)), 40, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("house");
        ClusterSpec spec = new ClusterSpec(s, 40, 0);
        assertThat(spec.toModel().minPods()).isZero();
        assertThat(spec.toModel().actionSpace().nvec()).containsExactly(22, 7, 8);
    }

    @Test
    void twoReadableFilesWithOtherSlosAreToldApartAndTheSameFileElsewhereIsNot(@org.junit.jupiter.api.io.TempDir
                                                                               java.nio.file.Path dir) throws Exception {
        java.nio.file.Path a = java.nio.file.Files.copy(java.nio.file.Path.of("../datasets/profiles/paper-services.yaml"),
                dir.resolve("a.yaml"));
        java.nio.file.Path same = java.nio.file.Files.copy(a, dir.resolve("same.yaml"));
        java.nio.file.Path otherSlo = java.nio.file.Files.writeString(dir.resolve("slo.yaml"),
                java.nio.file.Files.readString(a).replace("sloMs: 1200", "sloMs: 900"));
        assertThat(Profiles.signatureName(same.toString(), a.toString())).isEqualTo(a.toString());
        assertThat(Profiles.signatureName(otherSlo.toString(), a.toString())).isEqualTo(otherSlo.toString());
        // the recorded file gone: only what the signature holds can be compared
        assertThat(Profiles.signatureName(otherSlo.toString(), dir.resolve("gone.yaml").toString()))
                .isEqualTo(dir.resolve("gone.yaml").toString());
    }

    @Test
    void aProfileFileMatchesItsModelWhereverItLivesAndABuiltInOnlyByName() {
        assertThat(Profiles.signatureName("/etc/drl/x.yaml", "datasets/x.yaml")).isEqualTo("datasets/x.yaml");
        assertThat(Profiles.signatureName("./datasets/x.yaml", "datasets/x.yaml")).isEqualTo("datasets/x.yaml");
        assertThat(Profiles.signatureName("/etc/drl/x.yaml", "paper")).isEqualTo("/etc/drl/x.yaml");
        assertThat(Profiles.signatureName("paper", "datasets/x.yaml")).isEqualTo("paper");
        assertThat(Profiles.signatureName("paper", "paper-general")).isEqualTo("paper");
    }

    @Test
    void aFileHoldingPaperGeneralsServicesFitsItsModelsAndOneWithOtherServicesDoesNot(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        String paper = java.nio.file.Files.readString(java.nio.file.Path.of("../datasets/profiles/paper-services.yaml"));
        java.nio.file.Path slower = java.nio.file.Files.writeString(dir.resolve("slower.yaml"), paper
                + "cluster: {startupSeconds: 30}\n");
        assertThat(Profiles.signatureName(slower.toString(), "paper-general")).isEqualTo("paper-general");
        java.nio.file.Path otherSlo = java.nio.file.Files.writeString(dir.resolve("slo.yaml"),
                paper.replace("sloMs: 1200", "sloMs: 900"));
        assertThat(Profiles.signatureName(otherSlo.toString(), "paper-general")).isEqualTo(otherSlo.toString());
        assertThat(Profiles.signatureName(dir.resolve("gone.yaml").toString(), "paper-general"))
                .isEqualTo(dir.resolve("gone.yaml").toString());
        // the exact published model is not the general one
        assertThat(Profiles.signatureName(slower.toString(), "paper")).isEqualTo(slower.toString());
    }

    @Test
    void aQuotaNoDecisionCanKeepIsRefusedNamingWhatItMustHold() {
        assertThatThrownBy(() -> Profiles.model("paper-general", 3.5, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("profile 'paper-general': quota 3.5 cores is below the 4 cores the services hold at the "
                        + "least (minPods 1 x the smallest cpu of each: house 1.5, senti 2, numbr 0.5): expected a "
                        + "quota of at least 4, or a lower minPods");
        assertThatThrownBy(() -> Profiles.model("paper-general", 1.0, 0))
                .hasMessage("profile 'paper-general': service house's smallest configuration needs 1.5 cores (1 pod "
                        + "of 1.5), above the quota of 1 cores: expected a quota of at least that, or smaller "
                        + "configurations");
        assertThat(Profiles.model("paper-general", 4.0, 1).quota()).isEqualTo(4.0);
        // minPods 0: no floor without traffic (every service may scale to zero); drl train notes a policy over the
        // quota on most steps of its trace
        assertThat(Profiles.model("paper-general", 2.0, 0).quota()).isEqualTo(2.0);
        // the same refusal for a cluster read in code (ProfileYaml, then toModel), and for a profile file by its name
        ClusterSpec tight = new ClusterSpec(PaperProfile.services(), 1.0, 0);
        assertThatThrownBy(tight::toModel).hasMessage("cluster: service house's smallest configuration needs 1.5 "
                + "cores (1 pod of 1.5), above the quota of 1 cores: expected a quota of at least that, or smaller "
                + "configurations");
        assertThat(tight.withQuota(4).toModel().quota()).isEqualTo(4.0);
    }
}
