package dev.kdrl.env.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kdrl.env.paper.PaperProfile;
import dev.kdrl.env.quota.ServiceConfig;
import dev.kdrl.env.quota.ServiceProfile;
import java.io.StringReader;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfileYamlTest {

    static final Path PAPER_YAML = Path.of("../datasets/profiles/paper-services.yaml");
    static final Path EXAMPLE_YAML = Path.of("../datasets/profiles/example-5-services.yaml");

    /** A valid one-service document; tests replace parts of it. */
    private static final String ONE = """
            quota: 10
            services:
              - name: a
                sloMs: 100
                khpaLatencyThresholdMs: 80
                configs:
                  - {cpu: 1, concurrency: 10, latencyMs: 50}
                  - {cpu: 2, concurrency: 10, latencyMs: 40}
            """;

    private static ClusterSpec parse(String yaml) {
        return ProfileYaml.read(new StringReader(yaml), "cluster.yaml");
    }

    private static ProfileFormatException failure(String yaml) {
        try {
            parse(yaml);
        } catch (ProfileFormatException e) {
            assertThat(e.getMessage()).doesNotContain("\n", "\r");
            return e;
        }
        throw new AssertionError("expected ProfileFormatException for:\n" + yaml);
    }

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(ProfileYamlTest.class.getResource("/profile/" + name).toURI());
    }

    // ---- bundled files ----

    @Test
    void paperYamlGivesThePaperServices() {
        ClusterSpec spec = ProfileYaml.read(PAPER_YAML);
        assertThat(spec.services()).isEqualTo(PaperProfile.services());
        assertThat(spec.services()).isEqualTo(ProfileCsv.read(ProfileCsvTest.PAPER_CSV));
        assertThat(spec.services()).extracting(ServiceProfile::maxPodStep).containsExactly(0, 2, 0);
        assertThat(spec.quota()).isEqualTo(PaperProfile.QUOTA);
        assertThat(spec.minPods()).isEqualTo(1);
        assertThat(spec.toModel()).isEqualTo(PaperProfile.generalModel());
    }

    @Test
    void fiveServiceExampleBuildsAModel() {
        ClusterSpec spec = ProfileYaml.read(EXAMPLE_YAML);
        assertThat(spec.quota()).isEqualTo(60);
        assertThat(spec.minPods()).isEqualTo(1);
        assertThat(spec.serviceNames()).hasSize(5).startsWith("house", "senti", "numbr");
        assertThat(spec.services().subList(0, 3)).isEqualTo(PaperProfile.services());
        assertThat(spec.services().subList(3, 5)).allSatisfy(s -> assertThat(s.numActions()).isEqualTo(4));
        var model = spec.toModel();
        assertThat(model.actionSpace().size()).isEqualTo(5);
        assertThat(model.actionSpace().nvec()).containsExactly(22, 7, 8, 4, 4);
        assertThat(model.quota()).isEqualTo(60);
        assertThat(model.quirks().any()).isFalse();
    }

    @Test
    void readsResourceWithBlockConfigsAndFloats() throws URISyntaxException {
        ClusterSpec spec = ProfileYaml.read(resource("two-services.yml"));
        assertThat(spec).isEqualTo(new ClusterSpec(List.of(
                new ServiceProfile("a", 100, 80, 1,
                        List.of(new ServiceConfig(0.25, 10, 50), new ServiceConfig(1, 20, 60.5))),
                new ServiceProfile("b", 250, 200, 0, List.of(new ServiceConfig(2, 5, 150)))), 12.5, 0));
    }

    @Test
    void minPodsDefaultsToOneAndMaxPodStepToZero() {
        ClusterSpec spec = parse(ONE);
        assertThat(spec.minPods()).isEqualTo(1);
        assertThat(spec.services().get(0).maxPodStep()).isZero();
        assertThat(spec.quota()).isEqualTo(10);
    }

    @Test
    void anyYamlStyleReadsTheSame() {
        ClusterSpec plain = parse(ONE);
        assertThat(parse("""
                {quota: 10, services: [{name: "a", sloMs: 100, khpaLatencyThresholdMs: 80,
                  configs: [{cpu: 1, concurrency: 10, latencyMs: 50}, {cpu: 2.0, concurrency: 1e1, latencyMs: 40}]}]}
                """)).isEqualTo(plain);
        assertThat(parse("""
                ---
                # the same, anchored, quoted and in block style
                quota: 10
                services:
                  - name: 'a'
                    sloMs: &slo 100
                    khpaLatencyThresholdMs: 80
                    configs:
                      - &c1
                        cpu: 1
                        concurrency: &conc 10
                        latencyMs: 50
                      - cpu: 2
                        concurrency: *conc
                        latencyMs: 40
                ...
                """)).isEqualTo(plain);
        ClusterSpec shared = parse(ONE + """
                  - name: b
                    sloMs: 200
                    khpaLatencyThresholdMs: 160
                    configs: &same
                      - {cpu: 1, concurrency: 10, latencyMs: 50}
                  - {name: "c: d", sloMs: 1, khpaLatencyThresholdMs: 1, configs: *same}
                """);
        assertThat(shared.services().get(2).configs()).isEqualTo(shared.services().get(1).configs());
        assertThat(shared.serviceNames()).containsExactly("a", "b", "c: d");
    }

    @Test
    void aliasToNothingIsInvalidYaml() {
        ProfileFormatException e = failure(ONE.replace("sloMs: 100", "sloMs: *slo"));
        assertThat(e.getMessage()).startsWith("cluster.yaml line 4: invalid YAML: the alias *slo");
        assertThat(e.line()).isEqualTo(4);
    }

    // ---- round trip ----

    @Test
    void roundTripPaper(@TempDir Path dir) {
        ClusterSpec spec = new ClusterSpec(PaperProfile.services(), 40, 1);
        Path out = dir.resolve("paper.yaml");
        ProfileYaml.write(spec, out);
        assertThat(ProfileYaml.read(out)).isEqualTo(spec);
        assertThat(ProfileYaml.toYaml(spec)).contains("quota: 40 ", "  - name: house\n",
                "      - {cpu: 1.5, concurrency: 10, latencyMs: 1100}\n").doesNotContain(".0,", ".0}");
    }

    @Test
    void roundTripAwkwardValuesAndNames(@TempDir Path dir) {
        ClusterSpec spec = new ClusterSpec(List.of(
                new ServiceProfile("yes", 0.1 + 0.2, 5e7, 7,
                        List.of(new ServiceConfig(12345.678901, 999999.25, 1.0 / 3), new ServiceConfig(1e-3, 3, 4))),
                new ServiceProfile("a: \"b\" # c\\", 5, 5, 0, List.of(new ServiceConfig(1, 1, 1))),
                new ServiceProfile("123", 5, 5, 0, List.of(new ServiceConfig(1, 1, 1))),
                new ServiceProfile("tab\there\u00e9", 5, 5, 0, List.of(new ServiceConfig(1, 1, 1)))),
                0.5, 0);
        Path out = dir.resolve("awkward.yml");
        ProfileYaml.write(spec, out);
        assertThat(ProfileYaml.read(out)).isEqualTo(spec);
    }

    // ---- bad input ----

    @Test
    void unknownServiceKeyFromFile() throws URISyntaxException {
        Path file = resource("typo-key.yaml");
        assertThatThrownBy(() -> ProfileYaml.read(file))
                .isInstanceOf(ProfileFormatException.class)
                .hasMessage(file + " services[1].sloMS: unknown key 'sloMS' (allowed keys: name, sloMs, "
                        + "khpaLatencyThresholdMs, maxPodStep, configs, cluster)")
                .satisfies(e -> assertThat(((ProfileFormatException) e).path()).isEqualTo("services[1].sloMS"));
    }

    @Test
    void unknownTopLevelKey() {
        assertThat(failure("qouta: 10\n" + ONE.substring(ONE.indexOf("services"))).getMessage())
                .isEqualTo("cluster.yaml qouta: unknown key 'qouta' (allowed keys: quota, minPods, services, cluster)");
    }

    @Test
    void unknownConfigKey() {
        assertThat(failure(ONE.replace("latencyMs: 40", "latency: 40")).getMessage())
                .isEqualTo("cluster.yaml services[0].configs[1].latency: unknown key 'latency' "
                        + "(allowed keys: cpu, concurrency, latencyMs)");
    }

    @Test
    void stringForNumber() {
        ProfileFormatException e = failure(ONE.replace("{cpu: 2,", "{cpu: abc,"));
        assertThat(e.getMessage()).isEqualTo("cluster.yaml services[0].configs[1].cpu: the string 'abc' is not "
                + "valid (expected a finite number > 0 of cores, e.g. 0.5 for 500m)");
        assertThat(e.path()).isEqualTo("services[0].configs[1].cpu");
    }

    @Test
    void quotedNumberIsAString() {
        assertThat(failure(ONE.replace("sloMs: 100", "sloMs: \"100\"")).getMessage())
                .isEqualTo("cluster.yaml services[0].sloMs: the string '100' is not valid "
                        + "(expected a finite number > 0)");
    }

    /** Numbers that would make every return infinite (a 1e-320 ms latency, a 1e308-core quota) are out of range. */
    @Test
    void numbersOutOfTheirRangeAreNamed() {
        assertThat(failure(ONE.replace("latencyMs: 40", "latencyMs: 1e-320")).getMessage())
                .isEqualTo("cluster.yaml services[0].configs[1].latencyMs: '1.0E-320' is out of range (expected a "
                        + "number from 0.001 to 86400000 ms)");
        assertThat(failure(ONE.replace("quota: 10", "quota: 1e308")).getMessage())
                .isEqualTo("cluster.yaml quota: '1.0E308' is out of range (expected a number from 0.001 to 100000 cores)");
        assertThat(failure(ONE.replace("{cpu: 2,", "{cpu: 0.0001,")).getMessage())
                .isEqualTo("cluster.yaml services[0].configs[1].cpu: '1.0E-4' is out of range (expected a number from "
                        + "0.001 to 100000 cores)");
        assertThat(failure(ONE.replace("sloMs: 100", "sloMs: 1e9")).getMessage())
                .isEqualTo("cluster.yaml services[0].sloMs: '1.0E9' is out of range (expected a number from 0.001 to "
                        + "86400000 ms)");
        assertThat(failure(ONE.replace("concurrency: 10, latencyMs: 50", "concurrency: 1e7, latencyMs: 50"))
                .getMessage()).isEqualTo("cluster.yaml services[0].configs[0].concurrency: '1.0E7' is out of range "
                        + "(expected a number from 0.001 to 1000000 requests)");
        // the same ranges for a profile built in code
        assertThatThrownBy(() -> new ServiceConfig(1, 10, 1e-320))
                .hasMessage("latencyMs must be a number from 0.001 to 86400000 ms, got 1.0E-320");
        assertThatThrownBy(() -> new ClusterSpec(List.of(new ServiceProfile("a", 5, 5, 0,
                List.of(new ServiceConfig(1, 1, 1)))), 1e308, 1))
                .hasMessage("quota must be a number from 0.001 to 100000 cores, got 1.0E308");
    }

    @Test
    void millicoresAreNamedAsSuch() {
        assertThat(failure(ONE.replace("{cpu: 2,", "{cpu: 500m,")).getMessage())
                .isEqualTo("cluster.yaml services[0].configs[1].cpu: the string '500m' is not valid (expected a finite "
                        + "number > 0 of cores, e.g. 0.5 for 500m)");
    }

    @Test
    void negativeNumber() {
        assertThat(failure(ONE.replace("{cpu: 2,", "{cpu: -2,")).getMessage())
                .isEqualTo("cluster.yaml services[0].configs[1].cpu: '-2' is not valid (expected a finite number > 0 of "
                        + "cores, e.g. 0.5 for 500m)");
    }

    @Test
    void nanAndInfinityRejected() {
        assertThat(failure(ONE.replace("latencyMs: 50", "latencyMs: .nan")).getMessage())
                .isEqualTo("cluster.yaml services[0].configs[0].latencyMs: 'NaN' is not valid "
                        + "(expected a finite number > 0)");
        assertThat(failure(ONE.replace("quota: 10", "quota: .inf")).getMessage())
                .isEqualTo("cluster.yaml quota: 'Infinity' is not valid (expected a finite number > 0)");
    }

    @Test
    void listForMap() {
        assertThat(failure(ONE.replace("- {cpu: 1, concurrency: 10, latencyMs: 50}", "- [1, 10, 50]"))
                .getMessage())
                .isEqualTo("cluster.yaml services[0].configs[0]: a list [1, 10, 50] is not valid "
                        + "(expected a map with keys cpu, concurrency, latencyMs)");
    }

    @Test
    void mapForList() {
        assertThat(failure("quota: 10\nservices: {name: a}\n").getMessage())
                .isEqualTo("cluster.yaml services: a map {name=a} is not valid (expected a list of services)");
    }

    @Test
    void topLevelNotAMap() {
        assertThat(failure("- 1\n- 2\n").getMessage())
                .isEqualTo("cluster.yaml: a list [1, 2] is not valid (expected a map with keys quota, minPods, "
                        + "services, cluster)");
    }

    @Test
    void missingQuota() {
        assertThat(failure(ONE.replace("quota: 10\n", "")).getMessage())
                .isEqualTo("cluster.yaml quota: missing key 'quota' (expected the namespace CPU quota in cores, "
                        + "a finite number > 0)");
    }

    @Test
    void missingConfigField() {
        assertThat(failure(ONE.replace("{cpu: 1, concurrency: 10, latencyMs: 50}", "{cpu: 1, latencyMs: 50}"))
                .getMessage())
                .isEqualTo("cluster.yaml services[0].configs[0].concurrency: missing key 'concurrency' "
                        + "(expected a finite number > 0)");
    }

    @Test
    void emptyConfigs() {
        String yaml = "quota: 10\nservices:\n  - {name: a, sloMs: 1, khpaLatencyThresholdMs: 1, configs: []}\n";
        assertThat(failure(yaml).getMessage())
                .isEqualTo("cluster.yaml services[0].configs: an empty list is not valid (expected at least one "
                        + "config)");
    }

    @Test
    void emptyServices() {
        assertThat(failure("quota: 10\nservices: []\n").getMessage())
                .isEqualTo("cluster.yaml services: an empty list is not valid (expected at least one service)");
    }

    @Test
    void nameNotAString() {
        assertThat(failure(ONE.replace("name: a", "name: [a]")).getMessage())
                .isEqualTo("cluster.yaml services[0].name: a list [a] is not valid (expected a non-blank service "
                        + "name)");
    }

    @Test
    void duplicateServiceName() {
        String yaml = ONE + "  - {name: a, sloMs: 1, khpaLatencyThresholdMs: 1, configs: "
                + "[{cpu: 1, concurrency: 1, latencyMs: 1}]}\n";
        assertThat(failure(yaml).getMessage())
                .isEqualTo("cluster.yaml services[1].name: 'a' is not valid (expected a unique service name; "
                        + "services[0] has it too)");
    }

    @Test
    void negativeMinPods() {
        assertThat(failure("minPods: -1\n" + ONE).getMessage())
                .isEqualTo("cluster.yaml minPods: '-1' is not valid (expected an integer >= 0)");
    }

    @Test
    void fractionalMaxPodStep() {
        assertThat(failure(ONE.replace("sloMs: 100", "sloMs: 100\n    maxPodStep: 1.5")).getMessage())
                .isEqualTo("cluster.yaml services[0].maxPodStep: '1.5' is not valid (expected an integer >= 0; "
                        + "0 = no limit)");
    }

    @Test
    void booleanForNumber() {
        assertThat(failure(ONE.replace("quota: 10", "quota: true")).getMessage())
                .isEqualTo("cluster.yaml quota: the boolean 'true' is not valid (expected a finite number > 0)");
        // YAML 1.2: yes, no, on and off are strings, not booleans
        assertThat(failure(ONE.replace("quota: 10", "quota: yes")).getMessage())
                .isEqualTo("cluster.yaml quota: the string 'yes' is not valid (expected a finite number > 0)");
    }

    @Test
    void nullValue() {
        assertThat(failure(ONE.replace("quota: 10", "quota:")).getMessage())
                .isEqualTo("cluster.yaml quota: an empty value (null) is not valid (expected a finite number > 0)");
    }

    @Test
    void duplicateKey() {
        ProfileFormatException e = failure("quota: 10\nquota: 20\n" + ONE.substring(ONE.indexOf("services")));
        assertThat(e.getMessage()).startsWith("cluster.yaml line 2: invalid YAML:").contains("quota");
        assertThat(e.line()).isEqualTo(2);
    }

    @Test
    void syntaxErrorNamesLine() {
        ProfileFormatException e = failure("quota: 10\nservices:\n  - name: a\n   bad: [1, 2\n");
        assertThat(e.getMessage()).startsWith("cluster.yaml line ").contains("invalid YAML");
        assertThat(e.line()).isPositive();
    }

    @Test
    void emptyDocument() {
        assertThat(failure("# nothing\n").getMessage())
                .isEqualTo("cluster.yaml: is empty (expected a map with keys quota, minPods, services, cluster)");
    }

    @Test
    void noBeanConstruction() {
        ProfileFormatException e = failure("!!javax.script.ScriptEngineManager [!!java.net.URLClassLoader "
                + "[[!!java.net.URL [\"http://localhost/\"]]]]\n");
        assertThat(e.getMessage()).startsWith("cluster.yaml").contains("invalid YAML");
    }
}
