package dev.kdrl.agent.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kdrl.agent.config.AgentConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.MappingIterator;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** The manifests under deploy/ stay consistent with the agent. */
class DeployManifestsTest {
    @TempDir
    Path dir;

    private static final Path DEPLOY = Path.of("../deploy");

    private static List<Map<String, Object>> documents(String file) throws Exception {
        try (MappingIterator<Map<String, Object>> docs = new YAMLMapper().readerFor(Map.class)
                .readValues(Files.readString(DEPLOY.resolve(file)))) {
            return docs.readAll().stream().filter(Objects::nonNull).toList();
        }
    }

    /**
     * deploy/agent-cluster-none.yaml runs the bundled cluster-trained model as it was trained: with its model file
     * where the ConfigMap puts it (here the repository's), it loads, applies in mode knative without min-scale, and
     * the agent built from it warns of nothing (a model applied otherwise than trained would be warned of).
     */
    @Test
    void theClusterModelsExampleConfigurationRunsItAsTrained() throws Exception {
        String text = Files.readString(DEPLOY.resolve("agent-cluster-none.yaml"));
        assertThat(text).contains("model: /etc/drl-agent/cluster-none-trpo.zip");
        Path copy = Files.writeString(dir.resolve("agent.yaml"), text
                .replace("/etc/drl-agent/cluster-none-trpo.zip", Path.of("../models/cluster-none-trpo.zip")
                        .toAbsolutePath().normalize().toString())
                .replace("/var/lib/drl-agent/", dir.toString() + "/"));
        AgentConfig c = AgentConfig.load(copy);
        assertThat(c.warnings()).isEmpty();
        assertThat(c.apply().mode()).isEqualTo(AgentConfig.Apply.Mode.KNATIVE);
        assertThat(c.apply().minScale()).isEqualTo(AgentConfig.Apply.MinScale.NONE);
        ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
                dev.kdrl.agent.loop.AgentBuilder.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged =
                new ch.qos.logback.core.read.ListAppender<>();
        logged.start();
        log.addAppender(logged);
        dev.kdrl.agent.loop.AgentFixtures.RecordingSink sink = new dev.kdrl.agent.loop.AgentFixtures.RecordingSink();
        try (dev.kdrl.agent.loop.Agent agent = dev.kdrl.agent.loop.AgentBuilder.build(c, (svc, cycle, time) -> 10,
                sink, new dev.kdrl.agent.ops.AgentMetrics(c.serviceNames(), 40), false)) {
            assertThat(agent.runCycle(java.time.Instant.parse("2026-12-08T10:00:55Z")).written()).isTrue();
        } finally {
            log.detachAppender(logged);
        }
        assertThat(logged.list).filteredOn(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN)
                .extracting(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage).isEmpty();
        assertThat(sink.written).hasSize(1);
    }

    @Test
    void theExampleConfigurationLoadsAndFitsItsProfile() {
        AgentConfig c = AgentConfig.load(DEPLOY.resolve("agent.yaml"));
        assertThat(c.model().serviceNames()).containsExactly("house", "senti", "numbr");
        assertThat(c.services()).extracting(s -> s.renderQuery(c.namespace())).containsExactly(
                "locust_users{job=\"generator1\"}", "locust_users{job=\"generator2\"}",
                "locust_users{job=\"generator3\"}");
        assertThat(c.leaderElection().enabled()).isTrue();
    }

    /**
     * What {@code deploy/agent.yaml} reads as, pinned when it was read by the reader this one replaced; the
     * default identity (the host's or the pid's) and the policy and predictor (checked field by field) left out.
     */
    static final String EXAMPLE_READ = "AgentConfig[source=../deploy/agent.yaml, namespace=default, "
            + "resourceName=drl-action, profile=paper-general, quota=null, minPods=null, services=["
            + "Service[name=house, knativeService=house, query=locust_users{job=\"{{job}}\"}, labels={job=generator1}, maxLoad=null, maxPods=null], "
            + "Service[name=senti, knativeService=senti, query=locust_users{job=\"{{job}}\"}, labels={job=generator2}, maxLoad=null, maxPods=null], "
            + "Service[name=numbr, knativeService=numbr, query=locust_users{job=\"{{job}}\"}, labels={job=generator3}, maxLoad=null, maxPods=null]], "
            + "prometheus=Prometheus[url=http://prometheus-server.monitoring.svc:80, timeout=PT5S, retries=2, "
            + "backoff=PT0.5S, bearerTokenFile=null, basicUser=null, basicPasswordFile=null, caFile=null], "
            + "schedule=Schedule[period=PT2M, offset=PT55S, deadline=PT16.5S], (policy), (predictor), "
            + "historyDir=/var/lib/drl-agent/history, stateDir=/var/lib/drl-agent/state, "
            + "http=Http[bind=0.0.0.0, port=8080, enabled=true], leaderElection=LeaderElection[enabled=true, "
            + "leaseName=drl-agent, identity=(default), leaseDuration=PT15S, renewDeadline=PT10S, retryPeriod=PT2S], "
            + "kubernetes=Kubernetes[retries=4, backoff=PT0.5S], apply=Apply[mode=CR, writeResource=false, "
            + "revisions=Revisions[deletePrevious=false, readyTimeout=PT1M, podGracePeriod=null], minScale=PAPER], warnings=[]]";

    @Test
    void theConfidenceDocumentedAsDefaultIsTheAgentsDefault() throws Exception {
        double dflt = dev.kdrl.env.baseline.ExpectedValuePolicy.Settings.defaults().confidence();
        assertThat(AgentConfig.load(DEPLOY.resolve("agent.yaml")).policy().confidence()).isEqualTo(dflt);
        java.util.regex.Pattern comment = java.util.regex.Pattern.compile(
                "saved with it\\. default: (\\S+)\\n\\s*# confidence: (\\S+)\\n");
        for (String file : List.of("agent.yaml", "configmap.yaml")) {
            java.util.regex.Matcher m = comment.matcher(Files.readString(DEPLOY.resolve(file)));
            assertThat(m.find()).as(file).isTrue();
            assertThat(Double.parseDouble(m.group(1))).as(file).isEqualTo(dflt);
            assertThat(Double.parseDouble(m.group(2))).as(file).isEqualTo(dflt);
        }
        java.util.regex.Matcher readme = java.util.regex.Pattern.compile(
                "exceeds `confidence` standard errors, (\\S+) by default").matcher(Files.readString(Path.of("../README.md")));
        assertThat(readme.find()).isTrue();
        assertThat(Double.parseDouble(readme.group(1))).isEqualTo(dflt);
        // drl baselines' and drl evaluate's (the same planner; their option's default is pinned in DrlCommandTest)
        java.util.regex.Matcher cli = java.util.regex.Pattern.compile("less `--expected-confidence (\\S+)` standard "
                + "errors").matcher(Files.readString(Path.of("../README.md")));
        assertThat(cli.find()).isTrue();
        assertThat(Double.parseDouble(cli.group(1))).isEqualTo(dflt);
    }

    @Test
    void theExampleConfigurationReadsAsBefore() {
        AgentConfig c = AgentConfig.load(DEPLOY.resolve("agent.yaml"));
        assertThat(c.toString().replaceFirst("identity=[^,]*,", "identity=(default),")
                .replaceFirst("policy=PolicySpec\\[[^\\]]*]", "(policy)")
                .replaceFirst("predictor=PredictorSpec\\[[^\\]]*]", "(predictor)"))
                .isEqualTo(EXAMPLE_READ);
        assertThat(c.policy().model()).isNull();
        assertThat(c.policy().planner()).isEqualTo("greedy");
        assertThat(c.policy().deterministic()).isTrue();
        assertThat(c.policy().seed()).isZero();
        assertThat(c.predictor().kind()).isEqualTo("last-value");
        assertThat(c.predictor().model()).isNull();
        assertThat(c.predictor().window()).isEqualTo(7);
        assertThat(c.predictor().alpha()).isEqualTo(0.5);
        assertThat(c.predictor().beta()).isEqualTo(0.1);
        assertThat(c.predictor().maxLoad()).isZero();
    }

    @Test
    @SuppressWarnings("unchecked")
    void theConfigMapEmbedsTheExampleConfigurationUnchanged() throws Exception {
        Map<String, Object> cm = documents("configmap.yaml").get(0);
        assertThat(cm.get("kind")).isEqualTo("ConfigMap");
        String embedded = (String) ((Map<String, Object>) cm.get("data")).get("agent.yaml");
        assertThat(embedded).isEqualTo(Files.readString(DEPLOY.resolve("agent.yaml")));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theRoleGrantsWhatTheAgentNeedsAndNothingElse() throws Exception {
        List<Map<String, Object>> docs = documents("rbac.yaml");
        Map<String, Object> role = docs.stream().filter(d -> "Role".equals(d.get("kind"))).findFirst().orElseThrow();
        List<Map<String, Object>> rules = (List<Map<String, Object>>) role.get("rules");
        // exactly the calls of ScaleActionWriter (get, create, merge patch) and fabric8's LeaseLock (get, create,
        // merge patch), by name where RBAC allows it: no list, watch, update or delete
        AgentConfig example = AgentConfig.load(DEPLOY.resolve("agent.yaml"));
        assertThat(rules).extracting(r -> r.get("resources") + " " + r.get("resourceNames") + " " + r.get("verbs"))
                .containsExactlyInAnyOrder(
                        "[drlscaleactions] [" + example.resourceName() + "] [get, patch]",
                        "[drlscaleactions] null [create]",
                        "[leases] [" + example.leaderElection().leaseName() + "] [get, patch]",
                        "[leases] null [create]");
        assertThat(rules).allSatisfy(r -> {
            assertThat((List<String>) r.get("verbs")).doesNotContain("delete", "deletecollection", "*");
            assertThat((List<String>) r.get("resources")).doesNotContain("*");
        });
        assertThat(docs).extracting(d -> d.get("kind")).contains("ServiceAccount", "Role", "RoleBinding")
                .doesNotContain("ClusterRole", "ClusterRoleBinding");
    }

    @SuppressWarnings("unchecked")
    private static String name(Map<String, Object> doc) {
        return (String) ((Map<String, Object>) doc.get("metadata")).get("name");
    }

    /**
     * The reconciler's manifests (deploy/reconciler.yaml with deploy/rbac-reconciler.yaml) load as a reconciler of
     * the example's Services, run as the reconciler's own ServiceAccount, and share no name with the mode-cr agent's
     * (rbac.yaml, configmap.yaml, deployment.yaml), so that both run in one namespace.
     */
    @Test
    @SuppressWarnings("unchecked")
    void theReconcilersManifestsLoadAndRunBesideTheAgent() throws Exception {
        List<Map<String, Object>> docs = documents("reconciler.yaml");
        Map<String, Object> cm = docs.stream().filter(d -> "ConfigMap".equals(d.get("kind"))).findFirst()
                .orElseThrow();
        Map<String, Object> deployment = docs.stream().filter(d -> "Deployment".equals(d.get("kind"))).findFirst()
                .orElseThrow();
        Path copy = dir.resolve("agent.yaml");
        Files.writeString(copy, (String) ((Map<String, Object>) cm.get("data")).get("agent.yaml"));
        AgentConfig c = AgentConfig.load(copy);
        assertThat(c.apply().mode()).isEqualTo(AgentConfig.Apply.Mode.RECONCILER);
        assertThat(c.warnings()).isEmpty();
        AgentConfig example = AgentConfig.load(DEPLOY.resolve("agent.yaml"));
        assertThat(c.services()).extracting(AgentConfig.Service::knativeService)
                .containsExactlyElementsOf(example.services().stream().map(AgentConfig.Service::knativeService)
                        .toList());
        Map<String, Object> spec = (Map<String, Object>) deployment.get("spec");
        assertThat(spec.get("replicas")).isEqualTo(1);
        Map<String, Object> pod = (Map<String, Object>) ((Map<String, Object>) spec.get("template")).get("spec");
        String account = documents("rbac-reconciler.yaml").stream()
                .filter(d -> "ServiceAccount".equals(d.get("kind"))).map(DeployManifestsTest::name).findFirst()
                .orElseThrow();
        assertThat(pod.get("serviceAccountName")).isEqualTo(account);
        assertThat(documents("rbac-reconciler.yaml").stream().filter(d -> "RoleBinding".equals(d.get("kind"))))
                .allSatisfy(b -> assertThat(((List<Map<String, Object>>) b.get("subjects")).get(0).get("name"))
                        .isEqualTo(account));
        List<Map<String, Object>> volumes = (List<Map<String, Object>>) pod.get("volumes");
        assertThat(volumes).anySatisfy(v -> assertThat(v.get("configMap")).isEqualTo(Map.of("name", name(cm))));
        Map<String, Object> container = ((List<Map<String, Object>>) pod.get("containers")).get(0);
        String mount = ((List<Map<String, Object>>) container.get("volumeMounts")).stream()
                .filter(m -> "config".equals(m.get("name"))).map(m -> (String) m.get("mountPath")).findFirst()
                .orElseThrow();
        assertThat((List<String>) container.get("command")).contains(mount + "/agent.yaml");
        java.util.Set<String> agents = new java.util.HashSet<>();
        for (String f : List.of("rbac.yaml", "configmap.yaml", "deployment.yaml")) {
            documents(f).forEach(d -> agents.add(d.get("kind") + "/" + name(d)));
        }
        List<String> reconcilers = new java.util.ArrayList<>();
        for (String f : List.of("rbac-reconciler.yaml", "reconciler.yaml")) {
            documents(f).forEach(d -> reconcilers.add(d.get("kind") + "/" + name(d)));
        }
        assertThat(reconcilers).hasSize(7).doesNotContainAnyElementsOf(agents);
    }

    @SuppressWarnings("unchecked")
    private static List<String> rules(String file, String role) throws Exception {
        Map<String, Object> r = documents(file).stream()
                .filter(d -> "Role".equals(d.get("kind"))
                        && role.equals(((Map<String, Object>) d.get("metadata")).get("name")))
                .findFirst().orElseThrow();
        return ((List<Map<String, Object>>) r.get("rules")).stream()
                .map(x -> x.get("apiGroups") + " " + x.get("resources") + " " + x.get("resourceNames") + " "
                        + x.get("verbs"))
                .toList();
    }

    @Test
    void eachModesRoleGrantsWhatItCallsAndNothingElse() throws Exception {
        AgentConfig example = AgentConfig.load(DEPLOY.resolve("agent.yaml"));
        String services = example.services().stream().map(AgentConfig.Service::knativeService).toList().toString();
        // KnativeApplier: get + JSON patch of the configured Services, list of ResourceQuotas, get + delete of
        // the previous Revision; leader election as in rbac.yaml
        assertThat(rules("rbac-knative.yaml", "drl-agent")).containsExactlyInAnyOrder(
                "[serving.knative.dev] [services] " + services + " [get, patch]",
                "[serving.knative.dev] [revisions] null [get, delete]",
                "[] [resourcequotas] null [list]",
                "[coordination.k8s.io] [leases] [" + example.leaderElection().leaseName() + "] [get, patch]",
                "[coordination.k8s.io] [leases] null [create]");
        // Reconciler: an informer (get, list, watch) and status patches of DRLScaleActions, then as knative
        assertThat(rules("rbac-reconciler.yaml", "drl-reconciler")).containsExactlyInAnyOrder(
                "[drlscaling.knativescaling.dcn.ssu.ac.kr] [drlscaleactions] null [get, list, watch]",
                "[drlscaling.knativescaling.dcn.ssu.ac.kr] [drlscaleactions/status] null [patch]",
                "[serving.knative.dev] [services] " + services + " [get, patch]",
                "[serving.knative.dev] [revisions] null [get, delete]",
                "[] [resourcequotas] null [list]");
        // only with apply.revisions.podGracePeriod: the old Revision's pods, listed then deleted one by one
        for (String file : List.of("rbac-knative.yaml", "rbac-reconciler.yaml")) {
            String pods = file.equals("rbac-reconciler.yaml") ? "drl-reconciler-pods" : "drl-agent-pods";
            assertThat(rules(file, pods)).containsExactly("[] [pods] null [list, delete]");
            assertThat(documents(file)).extracting(d -> d.get("kind")).doesNotContain("ClusterRole",
                    "ClusterRoleBinding");
        }
    }

    @Test
    void theCommentedApplySettingsLoadWhenUncommented() throws Exception {
        String text = Files.readString(DEPLOY.resolve("agent.yaml"));
        String uncommented = text.replace("  mode: cr", "  mode: knative")
                .replace("  # writeResource: false", "  writeResource: false")
                .replaceAll("(?m)^  # revisions:", "  revisions:")
                .replaceAll("(?m)^  #   (deletePrevious|readyTimeout|podGracePeriod): (.*)$", "    $1: $2")
                .replace("deletePrevious: false", "deletePrevious: true");
        Path copy = Files.writeString(dir.resolve("agent.yaml"), uncommented);
        AgentConfig c = AgentConfig.load(copy);
        assertThat(c.apply().mode()).isEqualTo(AgentConfig.Apply.Mode.KNATIVE);
        assertThat(c.apply().revisions()).isEqualTo(new AgentConfig.Revisions(true, java.time.Duration.ofSeconds(60),
                java.time.Duration.ZERO));
    }
}
