package dev.kdrl.agent.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kdrl.agent.config.AgentConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** The manifests under deploy/ stay consistent with the agent. */
class DeployManifestsTest {
    private static final Path DEPLOY = Path.of("../deploy");

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> documents(String file) throws Exception {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object o : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(
                Files.readString(DEPLOY.resolve(file)))) {
            if (o != null) {
                out.add((Map<String, Object>) o);
            }
        }
        return out;
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
        assertThat(rules).hasSize(2);
        assertThat(rules).allSatisfy(r -> {
            assertThat((List<String>) r.get("verbs")).doesNotContain("delete", "deletecollection", "*");
            assertThat((List<String>) r.get("resources")).doesNotContain("*");
        });
        assertThat(docs).extracting(d -> d.get("kind")).contains("ServiceAccount", "Role", "RoleBinding")
                .doesNotContain("ClusterRole", "ClusterRoleBinding");
    }
}
