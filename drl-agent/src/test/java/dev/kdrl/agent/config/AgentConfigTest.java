package dev.kdrl.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kdrl.env.baseline.ExpectedValuePolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class AgentConfigTest {
    static final String MINIMAL = """
            profile: paper-general
            prometheus:
              url: http://127.0.0.1:9090
            services:
              - name: house
                query: locust_users{job="{{job}}"}
                labels: {job: generator1}
              - name: senti
                query: locust_users{job="generator2"}
              - name: numbr
                query: locust_users{job="{{job}}"}
                labels: {job: generator3}
            """;

    @TempDir
    Path dir;

    private AgentConfig load(String yaml) throws Exception {
        Path f = dir.resolve("agent.yaml");
        Files.writeString(f, yaml);
        return AgentConfig.load(f);
    }

    @Test
    void minimalConfigGetsDocumentedDefaults() throws Exception {
        AgentConfig c = load(MINIMAL);
        assertThat(c.namespace()).isEqualTo("default");
        assertThat(c.resourceName()).isEqualTo("drl-action");
        assertThat(c.schedule().period()).isEqualTo(Duration.ofSeconds(120));
        assertThat(c.schedule().offset()).isEqualTo(Duration.ofSeconds(55));
        assertThat(c.policy().planner()).isEqualTo("greedy");
        assertThat(c.policy().deterministic()).isTrue();
        assertThat(c.policy().confidence()).isEqualTo(ExpectedValuePolicy.Settings.defaults().confidence());
        assertThat(c.predictor().kind()).isEqualTo("last-value");
        assertThat(c.prometheus().timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.historyDir()).isEqualTo(dir.resolve("drl-agent-data/history"));
        assertThat(c.leaderElection().enabled()).isFalse();
        assertThat(c.services().get(0).knativeService()).isEqualTo("house");
        assertThat(c.services().get(0).renderQuery("default")).isEqualTo("locust_users{job=\"generator1\"}");
        assertThat(c.model().serviceNames()).containsExactly("house", "senti", "numbr");
        assertThat(c.model().quota()).isEqualTo(40.0);
    }

    @Test
    void fullConfigIsRead() throws Exception {
        Files.writeString(dir.resolve("token"), "secret\n");
        AgentConfig c = load(MINIMAL.replace("profile: paper-general", """
                profile: paper-general
                quota: 60
                namespace: knative-apps
                resourceName: drl-action-2
                schedule: {period: 2m, offset: 500ms}
                policy: {planner: hybrid}
                predictor: {kind: moving-average, window: 4}
                historyDir: /var/lib/drl/history
                leaderElection: {enabled: true, identity: pod-a, leaseDuration: 20s}
                kubernetes: {retries: 2, backoff: 100ms}
                """).replace("url: http://127.0.0.1:9090", "url: http://127.0.0.1:9090/\n  bearerTokenFile: token"));
        assertThat(c.model().quota()).isEqualTo(60.0);
        assertThat(c.namespace()).isEqualTo("knative-apps");
        assertThat(c.schedule().period()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.schedule().offset()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.predictor().window()).isEqualTo(4);
        assertThat(c.prometheus().url().toString()).isEqualTo("http://127.0.0.1:9090");
        assertThat(c.prometheus().bearerTokenFile()).isEqualTo(dir.resolve("token"));
        assertThat(c.historyDir()).isEqualTo(Path.of("/var/lib/drl/history"));
        assertThat(c.leaderElection().identity()).isEqualTo("pod-a");
        assertThat(c.kubernetes().retries()).isEqualTo(2);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "quota: 0.5|quota|'0.5' (profile 'paper-general': service house's smallest configuration needs 1.5 cores",
        "minPods: 40|minPods|'40' (profile 'paper-general': service house's smallest configuration needs 60 cores",
        "minPods: 12|minPods|'12' (profile 'paper-general': quota 40 cores is below the",
        "quota: 3\\nminPods: 40|minPods|'40' (profile 'paper-general': service house's smallest configuration needs 60"})
    void aQuotaOrMinPodsTheProfilesServicesCannotHoldIsBlamedOnThatKeyNotOnTheProfile(String yaml, String field,
                                                                                     String rule) throws Exception {
        AgentConfig c = load(MINIMAL.replace("profile: paper-general", "profile: paper-general\n"
                + yaml.replace("\\n", "\n")));
        assertThatThrownBy(c::model).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(dir.resolve("agent.yaml") + ": " + field + ": " + rule)
                .satisfies(e -> assertThat(((ConfigException) e).field()).isEqualTo(field));
        // the profile itself still takes the blame for what it alone cannot hold
        Path tiny = dir.resolve("tiny.yaml");
        Files.writeString(tiny, Files.readString(Path.of("../datasets/profiles/paper-services.yaml"))
                .replace("quota: 40 ", "quota: 0.5 "));
        assertThatThrownBy(() -> load(MINIMAL.replace("profile: paper-general", "profile: " + tiny + "\nminPods: 1"))
                .model()).hasMessageStartingWith(dir.resolve("agent.yaml") + ": profile: '" + tiny + "' (profile '"
                        + tiny + "': service house's smallest configuration needs 1.5 cores");
    }

    @Test
    void aConfidenceBesideAModelIsRefused() throws Exception {
        String model = Path.of("../models/paper-afterstate-synthetic.zip").toAbsolutePath().toString();
        assertThatThrownBy(() -> load(MINIMAL.replace("profile: paper-general", "profile: paper-general\npolicy: {model: "
                + model + ", confidence: 1}"))).hasMessageContaining("policy.confidence")
                .hasMessageContaining("only planner expected-2 reads it; a model's two-step search uses the confidence "
                        + "saved with it");
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of("profile: paper-general", "profile: nowhere.yaml", "profile", "'nowhere.yaml'"),
                Arguments.of("url: http://127.0.0.1:9090", "url: ftp://x", "prometheus.url", "http://"),
                Arguments.of("url: http://127.0.0.1:9090", "url: http://127.0.0.1:9090\n  timeout: soon",
                        "prometheus.timeout", "duration"),
                Arguments.of("url: http://127.0.0.1:9090", "url: http://127.0.0.1:9090\n  retries: -1",
                        "prometheus.retries", "integer in [0, 10]"),
                Arguments.of("url: http://127.0.0.1:9090", "url: http://127.0.0.1:9090\n  tokenFile: x",
                        "prometheus.tokenFile", "unknown setting"),
                Arguments.of("url: http://127.0.0.1:9090", "url: http://127.0.0.1:9090\n  bearerTokenFile: none",
                        "prometheus.bearerTokenFile", "readable file"),
                Arguments.of("profile: paper-general", "profile: paper-general\nschedule: {period: 60s, offset: 60s}",
                        "schedule.offset", "shorter than the period"),
                Arguments.of("profile: paper-general", "profile: paper-general\nschedule: {period: 30s}",
                        "schedule.offset", "the default 55s is not an offset shorter than the period"),
                Arguments.of("labels: {job: generator1}", "labels: {job: }", "services[0].labels.job",
                        "non-blank"),
                Arguments.of("profile: paper-general", "profile: paper-general\nnamespace: Bad_NS",
                        "namespace", "DNS-1123"),
                Arguments.of("profile: paper-general", "profile: paper-general\nquota: 0", "quota", "> 0"),
                Arguments.of("profile: paper-general", "profile: paper-general\npolicy: {planner: oracle}",
                        "policy.planner", "expected one of [fixed-initial, hybrid, greedy, expected-2]"),
                Arguments.of("profile: paper-general", "profile: paper-general\npolicy: {planner: expected-2, "
                        + "confidence: -1}", "policy.confidence", "expected a number >= 0 and <= 100"),
                Arguments.of("profile: paper-general", "profile: paper-general\npolicy: {confidence: 1}",
                        "policy.confidence", "only planner expected-2 reads it; the planner is greedy (the default)"),
                Arguments.of("profile: paper-general", "profile: paper-general\npolicy: {planner: optimum}",
                        "policy.planner", "[fixed-initial, hybrid, greedy, expected-2] (optimum plays a known trace: "
                                + "drl baselines only)"),
                Arguments.of("profile: paper-general", "profile: paper-general\npredictor: {kind: last-value, alpha: 0.3}",
                        "predictor.alpha", "kind last-value does not use it; only [holt] do"),
                Arguments.of("profile: paper-general", "profile: paper-general\npolicy: {model: none.zip}",
                        "policy.model", "no such file"),
                Arguments.of("profile: paper-general", "profile: paper-general\npredictor: {kind: bilstm}",
                        "predictor.model", "required for kind bilstm"),
                Arguments.of("profile: paper-general", "profile: paper-general\npredictor: {kind: holt, window: 3}",
                        "predictor.window", "kind holt does not use it"),
                Arguments.of("profile: paper-general", "profile: paper-general\npredictor: {kind: arima}",
                        "predictor.kind", "expected one of [last-value, moving-average, holt, bilstm]"),
                Arguments.of("profile: paper-general", "profile: paper-general\nsurprise: 1", "surprise",
                        "unknown setting"),
                Arguments.of("query: locust_users{job=\"generator2\"}", "query: locust_users{job=\"{{gen}}\"}",
                        "services[1].query", "{{gen}} has no value"),
                Arguments.of("query: locust_users{job=\"generator2\"}", "query: rate(x[{{service}}])",
                        "services[1].query", "inside double quotes"),
                Arguments.of("- name: senti", "- name: house", "services[1].name", "unique"),
                Arguments.of("- name: senti", "- name: Senti_1", "services[1].name", "lower-case"),
                Arguments.of("profile: paper-general", "profile: paper-general\nschedule: {period: 99999999999999999999s}",
                        "schedule.period", "'99999999999999999999s' (expected a duration >= 100ms and <= 86400s)"),
                Arguments.of("profile: paper-general", "profile: paper-general\nschedule: {period: 25h}",
                        "schedule.period", "'25h' (expected a duration >= 100ms and <= 86400s)"),
                Arguments.of("profile: paper-general", "profile: paper-general\nschedule: {period: 1e300}",
                        "schedule.period", "<= 86400s"),
                Arguments.of("url: http://127.0.0.1:9090", "url: http://127.0.0.1:9090\n  timeout: 100000000h",
                        "prometheus.timeout", "expected a duration >= 1ms and <= 300s"),
                Arguments.of("url: http://127.0.0.1:9090", "url: http://127.0.0.1:9090\n  backoff: 100000000h",
                        "prometheus.backoff", "expected a duration >= 0s and <= 300s"),
                Arguments.of("profile: paper-general", "profile: paper-general\nkubernetes: {backoff: 6m}",
                        "kubernetes.backoff", "<= 300s"),
                Arguments.of("profile: paper-general", "profile: paper-general\nkubernetes: {retries: 21}",
                        "kubernetes.retries", "integer in [0, 20]"),
                Arguments.of("profile: paper-general", "profile: paper-general\nleaderElection: {leaseDuration: 2h}",
                        "leaderElection.leaseDuration", "<= 600s"),
                Arguments.of("profile: paper-general", "profile: paper-general\nquota: 1e308", "quota",
                        "'1.0E308' (expected a number > 0 and <= 100000)"),
                Arguments.of("profile: paper-general", "profile: paper-general\nquota: .inf", "quota",
                        "expected a finite number > 0 and <= 100000"),
                Arguments.of("profile: paper-general", "profile: paper-general\nminPods: 1001", "minPods",
                        "integer in [0, 1000]"),
                Arguments.of("profile: paper-general", "profile: paper-general\npredictor: {kind: moving-average, "
                        + "window: 10001}", "predictor.window", "integer in [1, 10000]"),
                Arguments.of("profile: paper-general", "profile: paper-general\npredictor: {kind: bilstm, model: m, "
                        + "maxLoad: 1e12}", "predictor.maxLoad", "<= 1000000000"),
                Arguments.of("profile: paper-general", "profile: paper-general\nschedule: {deadline: 5s}",
                        "schedule.deadline", "'5s' (expected at least the worst case of a query, 16500ms "
                                + "(prometheus.timeout x 3 attempts + the backoffs)"),
                Arguments.of("profile: paper-general", "profile: paper-general\nschedule: {deadline: 121s}",
                        "schedule.deadline", "'121s' (expected a duration >= 16500ms (the worst case of a query) and "
                                + "<= 120s (schedule.period))"),
                // the default deadline (the worst case of a query, 16.5 s with the default timeouts) must fit the period
                Arguments.of("profile: paper-general", "profile: paper-general\nschedule: {period: 10s, offset: 5s}",
                        "schedule.deadline", "(not set, so the worst case of a query, 16500ms (prometheus.timeout x 3 "
                                + "attempts + the backoffs), which is longer than schedule.period (10s): lower "
                                + "prometheus.timeout, retries or backoff, or lengthen the period)"),
                Arguments.of("labels: {job: generator1}", "labels: {job: generator1}\n    maxLoad: 0",
                        "services[0].maxLoad", "expected a number > 0 and <= 1000000000"),
                Arguments.of("labels: {job: generator1}", "labels: {job: generator1}\n    maxPods: 150001",
                        "services[0].maxPods", "integer in [1, 150000]"),
                Arguments.of("url: http://127.0.0.1:9090", "url: 'ftp://agent:hunter2@x'", "prometheus.url",
                        "'ftp://***@x' (expected an http:// or https:// URL"));
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void invalidFieldsAreNamedWithValueAndRule(String from, String to, String field, String rule) {
        assertThat(MINIMAL).contains(from);
        assertThatThrownBy(() -> load(MINIMAL.replace(from, to)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(dir.resolve("agent.yaml") + ": " + field + ": ")
                .hasMessageContaining(rule)
                .satisfies(e -> assertThat(((ConfigException) e).field()).isEqualTo(field))
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    /**
     * A duration out of range is quoted as the file wrote it; a number without a unit is said to be read as seconds,
     * with the milliseconds it may have meant when those would fit ({@code timeout: 5000} is 5000 s, not 5 s).
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "prometheus.timeout | 5000 | '5000' (a number without a unit is seconds, so this is 5000 seconds; expected a"
                + " duration >= 1ms and <= 300s; for milliseconds write 5000ms)",
        "prometheus.timeout | \"'5000'\" | '5000' (a number without a unit is seconds, so this is 5000 seconds; expected"
                + " a duration >= 1ms and <= 300s; for milliseconds write 5000ms)",
        "prometheus.timeout | 0.0005 | '0.0005' (a number without a unit is seconds, so this is 0.0005 seconds; expected"
                + " a duration >= 1ms and <= 300s)",
        "prometheus.timeout | 5000s | '5000s' (expected a duration >= 1ms and <= 300s)",
        "prometheus.backoff | 301 | '301' (a number without a unit is seconds, so this is 301 seconds; expected a"
                + " duration >= 0s and <= 300s; for milliseconds write 301ms)",
        "schedule.period | 0.05 | '0.05' (a number without a unit is seconds, so this is 0.05 seconds; expected a"
                + " duration >= 100ms and <= 86400s)",
        "schedule.offset | 55000 | '55000' (a number without a unit is seconds, so this is 55000 seconds; expected an"
                + " offset shorter than the period (120000ms))",
        "leaderElection.retryPeriod | 30 | '30' (a number without a unit is seconds, so this is 30 seconds; expected"
                + " less than renewDeadline (10000ms))",
    })
    void aDurationIsQuotedAsWrittenAndANumberWithoutAUnitIsSaidToBeSeconds(String field, String written,
                                                                           String message) {
        String[] key = field.split("\\.");
        String yaml = key[0].equals("prometheus")
                ? MINIMAL.replace("url: http://127.0.0.1:9090", "url: http://127.0.0.1:9090\n  " + key[1] + ": " + written)
                : MINIMAL + key[0] + ": {" + key[1] + ": " + written + "}\n";
        assertThatThrownBy(() -> load(yaml))
                .isInstanceOf(ConfigException.class)
                .hasMessage(dir.resolve("agent.yaml") + ": " + field + ": " + message);
    }

    /**
     * A number without a unit in range is seconds, and a warning says so (with the milliseconds it may have meant when
     * those would fit): {@code period: 5000} runs a cycle every 83 minutes. Zero, and a value with a unit, warn of
     * nothing.
     */
    @Test
    void aNumberWithoutAUnitInRangeIsSecondsAndWarnedOf() throws Exception {
        AgentConfig c = load(MINIMAL.replace("url: http://127.0.0.1:9090", "url: http://127.0.0.1:9090\n  timeout: 2"));
        assertThat(c.prometheus().timeout()).isEqualTo(Duration.ofSeconds(2));
        String file = dir.resolve("agent.yaml").toString();
        String unit = " if that is meant, else the unit meant (ms, s, m or h)";
        assertThat(c.warnings()).containsExactly(file + ": prometheus.timeout: '2' has no unit, so it is 2 seconds; "
                + "write 2s" + unit);
        AgentConfig slow = load(MINIMAL.replace("url: http://127.0.0.1:9090", "url: http://127.0.0.1:9090\n  backoff: "
                + "0.0005\n  timeout: 1e1") + "schedule: {period: 5000, offset: 0}\nleaderElection: {enabled: true, retryPeriod: 0.5}\n");
        assertThat(slow.schedule().period()).isEqualTo(Duration.ofSeconds(5000));
        assertThat(slow.warnings()).containsExactlyInAnyOrder(
                file + ": schedule.period: '5000' has no unit, so it is 5000 seconds (about 83 minutes); write 5000s"
                        + unit,
                file + ": leaderElection.retryPeriod: '0.5' has no unit, so it is 0.5 seconds; write 0.5s" + unit,
                // as written, even where a duration in whole milliseconds would round it
                file + ": prometheus.backoff: '0.0005' has no unit, so it is 0.0005 seconds; write 0.0005s" + unit,
                // a number with an exponent, quoted as the reader gives it
                file + ": prometheus.timeout: '10.0' has no unit, so it is 10 seconds; write 10.0s" + unit);
        assertThat(load(MINIMAL + "schedule: {period: 50000}\n").warnings()).containsExactly(file + ": "
                + "schedule.period: '50000' has no unit, so it is 50000 seconds (about 13.9 hours); write 50000s" + unit);
        assertThat(load(MINIMAL + "schedule: {period: 2m, offset: 30s}\n").warnings()).isEmpty();
        assertThat(load(MINIMAL).warnings()).isEmpty();
    }

    @Test
    void applyModeDefaultsToTheCustomResource() throws Exception {
        AgentConfig c = load(MINIMAL);
        assertThat(c.apply().mode()).isEqualTo(AgentConfig.Apply.Mode.CR);
        assertThat(c.apply().appliesServices()).isFalse();
        assertThat(c.apply().writeResource()).isFalse();
        assertThat(c.apply().revisions().deletePrevious()).isFalse();
        assertThat(c.apply().minScale()).isEqualTo(AgentConfig.Apply.MinScale.PAPER);
    }

    @Test
    void minScaleIsThePaperModelsPodCountUnlessSetOtherwise() throws Exception {
        assertThat(load(MINIMAL + "apply: {mode: knative}\n").apply().minScale())
                .isEqualTo(AgentConfig.Apply.MinScale.PAPER);
        assertThat(load(MINIMAL + "apply: {mode: knative, minScale: decision}\n").apply().minScale())
                .isEqualTo(AgentConfig.Apply.MinScale.DECISION);
        // mode cr writes the decision's podcount for the operator
        assertThat(load(MINIMAL + "apply: {minScale: decision}\n").apply().minScale())
                .isEqualTo(AgentConfig.Apply.MinScale.DECISION);
        assertThat(load(MINIMAL + "apply: {mode: knative, minScale: none}\n").apply().minScale())
                .isEqualTo(AgentConfig.Apply.MinScale.NONE);
        assertThat(load("apply: {mode: reconciler, minScale: none}\nservices: [{name: house}]\n").apply()
                .minScale()).isEqualTo(AgentConfig.Apply.MinScale.NONE);
    }

    @Test
    void knativeModeReadsItsRevisionSettings() throws Exception {
        AgentConfig c = load(MINIMAL + """
                apply:
                  mode: knative
                  writeResource: true
                  revisions: {deletePrevious: true, readyTimeout: 90s, podGracePeriod: 0s}
                """);
        assertThat(c.apply().mode()).isEqualTo(AgentConfig.Apply.Mode.KNATIVE);
        assertThat(c.apply().appliesServices()).isTrue();
        assertThat(c.apply().writeResource()).isTrue();
        assertThat(c.apply().revisions()).isEqualTo(new AgentConfig.Revisions(true, Duration.ofSeconds(90),
                Duration.ZERO));
        AgentConfig defaults = load(MINIMAL + "apply: {mode: knative, revisions: {deletePrevious: true}}\n");
        assertThat(defaults.apply().revisions()).isEqualTo(new AgentConfig.Revisions(true, Duration.ofSeconds(60),
                null));
        // the default wait is half the period, at most 60 s, so that a decision's cycle ends before the next
        AgentConfig shortPeriod = load(MINIMAL + "schedule: {period: 30s, offset: 5s}\n"
                + "apply: {mode: knative, revisions: {deletePrevious: true}}\n");
        assertThat(shortPeriod.schedule().period()).isEqualTo(Duration.ofSeconds(30));
        assertThat(shortPeriod.apply().revisions().readyTimeout()).isEqualTo(Duration.ofSeconds(15));
        // the reconciler has no period: 60 s whatever a shared file's schedule says
        AgentConfig reconciler = load("schedule: {period: 30s, offset: 5s}\napply: {mode: reconciler, revisions: "
                + "{deletePrevious: true}}\nservices: [{name: house}]\n");
        assertThat(reconciler.apply().revisions().readyTimeout()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void theReconcilerNeedsNoProfileQueryOrPrometheus() throws Exception {
        AgentConfig c = load("""
                apply: {mode: reconciler}
                services:
                  - {name: house, knativeService: deploy-a}
                  - {name: senti, knativeService: sentiment}
                """);
        assertThat(c.apply().mode()).isEqualTo(AgentConfig.Apply.Mode.RECONCILER);
        assertThat(c.services()).extracting(AgentConfig.Service::knativeService).containsExactly("deploy-a",
                "sentiment");
        assertThat(c.profile()).isNull();
        assertThatThrownBy(c::model).isInstanceOf(ConfigException.class).hasMessageContaining("profile: missing");
        // the other modes still need them
        assertThatThrownBy(() -> load("apply: {mode: knative}\nservices: [{name: house}]\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining(": profile: missing (required)");
    }

    static Stream<Arguments> invalidApply() {
        return Stream.of(
                Arguments.of("apply: {mode: operator}", "apply.mode", "'operator'",
                        "expected one of cr, knative, reconciler"),
                Arguments.of("apply: {writeResource: true}", "apply.writeResource", "'true'", "only mode knative"),
                Arguments.of("apply: {minScale: none}", "apply.minScale", "'none'", "mode cr writes a podcount, "
                        + "which the operator makes min-scale: none needs mode knative (or a reconciler with minScale "
                        + "none)"),
                Arguments.of("apply: {mode: reconciler, minScale: decision}", "apply.minScale", "'decision'",
                        "the reconciler applies each DRLScaleAction's podcount as written (paper, the default) or "
                                + "none; the agent writing it chooses decision"),
                Arguments.of("apply: {mode: knative, minScale: zero}", "apply.minScale", "'zero'",
                        "expected paper, decision or none"),
                Arguments.of("apply: {mode: reconciler, writeResource: false}", "apply.writeResource", "'false'",
                        "only mode knative"),
                Arguments.of("apply: {revisions: {deletePrevious: true}}", "apply.revisions",
                        "'{deletePrevious: true}'", "in mode cr the operator does"),
                Arguments.of("apply: {revisions: {readyTimeout: 90s}}", "apply.revisions", "'{readyTimeout: 90s}'",
                        "in mode cr the operator does"),
                Arguments.of("apply: {mode: knative, revisions: {podGracePeriod: 0s}}",
                        "apply.revisions.podGracePeriod", "", "only read with apply.revisions.deletePrevious"),
                Arguments.of("apply: {mode: knative, revisions: {deletePrevious: true, readyTimeout: 11m}}",
                        "apply.revisions.readyTimeout", "", "expected a duration >= 100ms and <= 600s"),
                Arguments.of("apply: {mode: knative, revisions: {deletePrevious: true, readyTimeout: 120s}}",
                        "apply.revisions.readyTimeout", "'120s'", "expected less than schedule.period (120s): a "
                                + "decision's wait for its new revisions is part of its cycle"),
                Arguments.of("apply: {mode: knative, revisions: {deletePrevious: true, podGracePeriod: 1500ms}}",
                        "apply.revisions.podGracePeriod", "", "expected whole seconds"),
                Arguments.of("apply: {mode: knative, revisions: {delete: true}}", "apply.revisions.delete", "",
                        "unknown setting"),
                Arguments.of("apply: {mode: reconciler}\nleaderElection: {enabled: true}", "leaderElection.enabled",
                        "'true'", "run one replica"),
                Arguments.of("apply: {mode: reconciler}\nleaderElection: {leaseName: prod}", "leaderElection",
                        "'{...}'", "apply.mode reconciler elects no leader: run one replica and leave leaderElection out"),
                // settings that would be ignored: refused, named
                Arguments.of("leaderElection: {leaseName: prod}", "leaderElection.leaseName", "'prod'",
                        "(only read with leaderElection.enabled: true, which is not given (default false): without it "
                                + "every replica decides and writes)"),
                Arguments.of("leaderElection: {enabled: false, leaseDuration: 30s}", "leaderElection.leaseDuration",
                        "'30s'", "which is false:"),
                Arguments.of("http: {enabled: false, port: 9000}", "http.port", "'9000'",
                        "(only read with http.enabled: true; with false nothing is served)"),
                // a bad value is named as bad first
                Arguments.of("http: {enabled: false, port: 70000}", "http.port", "'70000'",
                        "(expected an integer in [0, 65535])"),
                Arguments.of("policy: {deterministic: false}", "policy.deterministic", "'false'",
                        "(only a model samples its action; the planner greedy decides one way (leave deterministic "
                                + "out, or give policy.model))"),
                Arguments.of("policy: {planner: hybrid, seed: 7}", "policy.seed", "'7'",
                        "(only planner expected-2 or a model reads it; the planner is hybrid)"));
    }

    /** Leader election's default written out is no election setting: mode reconciler accepts it. */
    @Test
    void theReconcilerAcceptsLeaderElectionDisabledWrittenOut() throws Exception {
        AgentConfig c = load("apply: {mode: reconciler}\nleaderElection: {enabled: false}\nservices: [{name: house}]\n");
        assertThat(c.leaderElection().enabled()).isFalse();
        assertThat(load(MINIMAL + "leaderElection: {enabled: false}\n").leaderElection().enabled()).isFalse();
    }

    /** A label no placeholder reads, or one the agent fills itself, is refused, named. */
    @Test
    void aLabelTheQueryDoesNotReadIsRefused() {
        assertThatThrownBy(() -> load(MINIMAL.replace("labels: {job: generator1}",
                "labels: {job: generator1, instance: host-a}")))
                .isInstanceOf(ConfigException.class)
                .hasMessage(dir.resolve("agent.yaml") + ": services[0].labels.instance: 'host-a' (the query has no "
                        + "{{instance}} placeholder to fill: add it to the query, or leave the label out)");
        assertThatThrownBy(() -> load(MINIMAL.replace("query: locust_users{job=\"{{job}}\"}\n    labels: {job: "
                + "generator1}", "query: locust_users{job=\"{{job}}\", namespace=\"{{namespace}}\"}\n    labels: "
                + "{job: generator1, namespace: monitoring}")))
                .isInstanceOf(ConfigException.class)
                .hasMessage(dir.resolve("agent.yaml") + ": services[0].labels.namespace: 'monitoring' ({{namespace}} "
                        + "is built in (the agent fills it itself); give the label another name and use that in the "
                        + "query)");
    }

    /** In mode reconciler, the settings only a deciding agent reads are warned of; resourceName too. */
    @Test
    void theReconcilerWarnsOfTheSettingsItDoesNotRead() throws Exception {
        String file = dir.resolve("agent.yaml").toString();
        AgentConfig c = load(MINIMAL + "resourceName: team-a\nschedule: {period: 2m}\napply: {mode: reconciler}\n");
        assertThat(c.warnings()).containsExactly(
                file + ": resourceName: 'team-a' is not read: apply.mode reconciler applies every DRLScaleAction of "
                        + "namespace default, whatever its name",
                file + ": apply.mode reconciler decides nothing, so it does not read profile, prometheus, schedule, "
                        + "services[0].query, services[0].labels, services[1].query, services[2].query, "
                        + "services[2].labels (they are checked, and may stay for a file shared with a deciding agent)");
        assertThat(load("apply: {mode: reconciler}\nservices: [{name: house}]\n").warnings()).isEmpty();
        assertThat(load(MINIMAL + "resourceName: team-a\napply: {mode: knative}\n").warnings()).containsExactly(
                file + ": resourceName: 'team-a' is not read: apply.mode knative writes no DRLScaleAction unless "
                        + "apply.writeResource is true");
        assertThat(load(MINIMAL + "resourceName: team-a\napply: {mode: knative, writeResource: true}\n").warnings())
                .isEmpty();
    }

    @ParameterizedTest
    @MethodSource("invalidApply")
    void invalidApplySettingsAreOneLineNamingFieldValueAndRule(String yaml, String field, String value, String rule) {
        assertThatThrownBy(() -> load(MINIMAL + yaml + "\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(dir.resolve("agent.yaml") + ": " + field + ": " + value)
                .hasMessageContaining(rule)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void servicesMustBeThoseOfTheProfile() throws Exception {
        AgentConfig c = load(MINIMAL.replace("- name: senti", "- name: resize"));
        assertThatThrownBy(c::model).isInstanceOf(ConfigException.class)
                .hasMessageContaining("services").hasMessageContaining("[house, senti, numbr]");
    }

    /** An unreadable file says why in words (IoReasons), not with the exception's class name. */
    @Test
    void anUnreadableFileSaysWhyWithoutAClassName() throws Exception {
        Path none = dir.resolve("nosuch.yaml");
        assertThatThrownBy(() -> AgentConfig.load(none)).isInstanceOf(ConfigException.class)
                .hasMessage(none + ": cannot read the configuration: no such file");
        Path folder = Files.createDirectory(dir.resolve("agent.yaml.d"));
        assertThatThrownBy(() -> AgentConfig.load(folder)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(folder + ": cannot read the configuration: ")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("Exception").doesNotContain("java.")
                        .containsIgnoringCase("is a directory"));
    }

    @Test
    void notYamlIsOneLine() {
        assertThatThrownBy(() -> load("profile: [unclosed")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("not valid YAML")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void duplicateKeysAreRefused() {
        assertThatThrownBy(() -> load(MINIMAL + "profile: paper\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("profile");
    }

    @Test
    void duplicateKeysNameTheirLine() {
        assertThatThrownBy(() -> load(MINIMAL.replace("  url: http://127.0.0.1:9090",
                "  url: http://127.0.0.1:9090\n  timeout: 1s\n  timeout: 2s")))
                .isInstanceOf(ConfigException.class)
                .hasMessage(dir.resolve("agent.yaml") + ": not valid YAML: line 5: duplicate key \"timeout\"");
    }

    @Test
    void unknownKeysListTheKnownOnes() {
        assertThatThrownBy(() -> load(MINIMAL.replace("url: http://127.0.0.1:9090",
                "url: http://127.0.0.1:9090\n  basicAuth: {user: me}")))
                .isInstanceOf(ConfigException.class)
                .hasMessage(dir.resolve("agent.yaml") + ": prometheus.basicAuth.user: 'me' (unknown setting; "
                        + "expected one of [username, passwordFile])");
    }

    @Test
    void valuesOfTheWrongKindSayWhatWasExpected() {
        assertThatThrownBy(() -> load(MINIMAL + "http: {port: '8080'}\n")).isInstanceOf(ConfigException.class)
                .hasMessage(dir.resolve("agent.yaml") + ": http.port: '8080' (expected an integer)");
        assertThatThrownBy(() -> load(MINIMAL + "leaderElection: {enabled: yes}\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessage(dir.resolve("agent.yaml") + ": leaderElection.enabled: 'yes' (expected true or false)");
        assertThatThrownBy(() -> load(MINIMAL + "schedule: [120s]\n")).isInstanceOf(ConfigException.class)
                .hasMessage(dir.resolve("agent.yaml") + ": schedule: '[120s]' (expected a map with keys period, "
                        + "offset, deadline)");
    }

    @Test
    void controlCharactersOfAValueAreEscaped() {
        assertThatThrownBy(() -> load(MINIMAL + "namespace: \"bad\\e[2J\\rns\"\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessage(dir.resolve("agent.yaml") + ": namespace: 'bad\\u001b[2J\\u000dns' (expected a "
                        + "Kubernetes namespace name (DNS-1123 label))");
    }

    @Test
    void emptyFileIsOneLine() {
        assertThatThrownBy(() -> load("# nothing yet\n")).isInstanceOf(ConfigException.class)
                .hasMessage(dir.resolve("agent.yaml") + ": (top level): missing (expected a mapping of settings)");
    }

    /** The same configuration in flow style, block style, quoted, anchored and multi-line reads the same. */
    @Test
    void anyYamlStyleReadsTheSame() throws Exception {
        String plain = load(MINIMAL + "schedule: {period: 2m, offset: 30s}\nhttp: {enabled: false}\n").toString();
        String flow = load("""
                {profile: "paper-general", prometheus: {url: 'http://127.0.0.1:9090'},
                 schedule: {period: 2m, offset: "30s"}, http: {enabled: false},
                 services: [
                  {name: house, query: &q 'locust_users{job="{{job}}"}', labels: {job: generator1}},
                  {name: "senti", query: "locust_users{job=\\"generator2\\"}"},
                  {name: numbr, query: *q, labels: {job: 'generator3'}}]}
                """).toString();
        String block = load("""
                profile: paper-general
                prometheus:
                  url: >-
                    http://127.0.0.1:9090
                services:
                  - name: house
                    query: |-
                      locust_users{job="{{job}}"}
                    labels: &labels
                      job: generator1
                  - name: senti
                    query: 'locust_users{job="generator2"}'
                  - name: numbr
                    query: "locust_users{job=\\"{{job}}\\"}"
                    labels:
                      job: generator3
                schedule:
                  period: 2m
                  offset: 30s
                http:
                  enabled: false
                """).toString();
        assertThat(flow).isEqualTo(plain);
        assertThat(block).isEqualTo(plain);
    }
}
