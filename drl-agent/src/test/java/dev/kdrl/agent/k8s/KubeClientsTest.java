package dev.kdrl.agent.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class KubeClientsTest {
    @TempDir
    Path dir;

    @Test
    void aKubeconfigFileIsReadWithoutSettingASystemProperty() throws Exception {
        Path kubeconfig = Files.writeString(dir.resolve("agent.kubeconfig"), """
                apiVersion: v1
                kind: Config
                clusters:
                  - name: c
                    cluster: {server: "https://10.1.2.3:6443", insecure-skip-tls-verify: true}
                contexts:
                  - name: c
                    context: {cluster: c, namespace: autoscaling, user: u}
                current-context: c
                users:
                  - name: u
                    user: {token: secret-token}
                """);
        String before = System.getProperty(Config.KUBERNETES_KUBECONFIG_FILE);
        Config config = KubeClients.config(kubeconfig);
        assertThat(config.getMasterUrl()).isEqualTo("https://10.1.2.3:6443/");
        assertThat(config.getNamespace()).isEqualTo("autoscaling");
        assertThat(config.getAutoOAuthToken()).isEqualTo("secret-token");
        assertThat(config.getRequestRetryBackoffLimit()).as("the writer retries itself").isZero();
        try (KubernetesClient client = KubeClients.create(kubeconfig)) {
            assertThat(client.getMasterUrl().toString()).isEqualTo("https://10.1.2.3:6443/");
        }
        assertThat(System.getProperty(Config.KUBERNETES_KUBECONFIG_FILE)).isEqualTo(before);
    }

    static Stream<Arguments> notKubeconfigs() {
        return Stream.of(
                Arguments.of("garbage: [\n", "not valid YAML at line 2, column 1: while parsing a flow node: expected "
                        + "the node content, but found '<stream end>'"),
                Arguments.of("clusters:\n\t- name: c\n", "not valid YAML at line 2, column 1: while scanning for the "
                        + "next token: found character '\\t(TAB)' that cannot start any token. (Do not use \\t(TAB) "
                        + "for indentation)"),
                Arguments.of("current-context: a\ncurrent-context: b\n", "not valid YAML at line 2, column 1: while "
                        + "constructing a mapping: found duplicate key current-context"),
                Arguments.of("{\"clusters\": [", "not valid JSON at line 1, column 15: Unexpected end-of-input: "
                        + "expected close marker for Array"),
                Arguments.of("- a\n", "not a kubeconfig: expected a mapping (apiVersion, clusters, contexts, users, "
                        + "current-context)"),
                Arguments.of("apiVersion: v1\nclusters: 5\n", "not a kubeconfig: field 'clusters': expected a list"),
                Arguments.of("", "holds no YAML document, expected a kubeconfig (apiVersion, clusters, contexts, "
                        + "users)"),
                Arguments.of("# nothing yet\n", "holds no YAML document, expected a kubeconfig (apiVersion, clusters, "
                        + "contexts, users)"));
    }

    /** A kubeconfig that is not one: one line naming the file and the problem, no parser class or stack trace. */
    @ParameterizedTest
    @MethodSource("notKubeconfigs")
    void aFileThatIsNotAKubeconfigIsOneLineNamingIt(String content, String expected) throws Exception {
        Path kubeconfig = Files.writeString(dir.resolve("bad.kubeconfig"), content);
        assertThatThrownBy(() -> KubeClients.config(kubeconfig)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--kubeconfig " + kubeconfig + ": " + expected)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").doesNotContain("Source")
                        .doesNotContain("Feature").doesNotContain("`").doesNotContainIgnoringCase("exception"));
    }

    @Test
    void aMissingNamespaceIsWarnedOnceAndAnExistingOneOrAnUnknownOneSaysNothing() throws Exception {
        try (MockKube kube = new MockKube(); dev.kdrl.agent.ConsoleLog log = new dev.kdrl.agent.ConsoleLog()) {
            assertThat(KubeClients.warnIfNamespaceMissing(kube.client, "autoscalng", "it waits")).isTrue();
            assertThat(log.lines("WARN ", "KubeClients")).hasSize(1).allMatch(l -> l.endsWith("namespace autoscalng "
                    + "does not exist in the cluster (agent.yaml namespace): it waits"));
            kube.client.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata()
                    .withName("autoscaling").endMetadata().build()).create();
            assertThat(KubeClients.warnIfNamespaceMissing(kube.client, "autoscaling", "it waits")).isFalse();
            kube.server.expect().get().withPath("/api/v1/namespaces/other").andReturn(403, new io.fabric8.kubernetes
                    .api.model.StatusBuilder().withCode(403).withReason("Forbidden").build()).always();
            assertThat(KubeClients.warnIfNamespaceMissing(kube.client, "other", "it waits")).isFalse();
            assertThat(log.lines("WARN ", "KubeClients")).hasSize(1);
        }
    }

    @Test
    void aKubeconfigVariableNamingNoFileIsRefusedInsteadOfFallingBackToTheServiceAccount() throws Exception {
        Path missing = dir.resolve("nowhere.kubeconfig");
        assertThatThrownBy(() -> KubeClients.config(null, java.util.Map.of("KUBECONFIG", missing.toString())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("$KUBECONFIG " + missing + ": no such file, expected a kubeconfig file (or unset KUBECONFIG "
                        + "to use ~/.kube/config, else the in-cluster service account)");
        Path real = TestKubeconfigs.pointingAt(dir, "http://127.0.0.1:9");
        // one existing file among several is enough (fabric8 reads the variable itself, from the real environment)
        org.assertj.core.api.Assertions.assertThatCode(() -> KubeClients.config(null, java.util.Map.of("KUBECONFIG",
                missing + java.io.File.pathSeparator + real))).doesNotThrowAnyException();
    }

    @Test
    void aKubeconfigSystemPropertyIsCheckedBeforeTheVariableAsFabric8ReadsItFirst() throws Exception {
        Path missing = dir.resolve("nowhere.kubeconfig");
        Path real = TestKubeconfigs.pointingAt(dir, "http://127.0.0.1:9");
        assertThatThrownBy(() -> KubeClients.config(null, java.util.Map.of("KUBECONFIG", real.toString()),
                missing.toString())).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("-Dkubeconfig=" + missing + ": no such file, expected a kubeconfig file (or leave the "
                        + "property out to use $KUBECONFIG or ~/.kube/config, else the in-cluster service account)");
        // a property naming a file wins over a variable naming none
        org.assertj.core.api.Assertions.assertThatCode(() -> KubeClients.config(null, java.util.Map.of("KUBECONFIG",
                missing.toString()), real.toString())).doesNotThrowAnyException();
    }

    @Test
    void withoutAKubeconfigOutsideAClusterTheAgentRefusesToStartInsteadOfRetryingForEver() throws Exception {
        Path home = dir.resolve("home-kube-config");
        assertThatThrownBy(() -> KubeClients.config(null, java.util.Map.of(), null, home))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("no Kubernetes credentials: no kubeconfig (" + home + " does not exist, "
                        + "$KUBECONFIG and --kubeconfig are not set)")
                .hasMessageEndingWith("and not in a cluster (KUBERNETES_SERVICE_HOST is not set); expected one of them, "
                        + "or --dry-run to write nothing");
        // in a cluster: the service account
        org.assertj.core.api.Assertions.assertThatCode(() -> KubeClients.config(null, java.util.Map.of(
                "KUBERNETES_SERVICE_HOST", "10.0.0.1"), null, home)).doesNotThrowAnyException();
        // a ~/.kube/config
        Path real = TestKubeconfigs.pointingAt(dir, "http://127.0.0.1:9");
        org.assertj.core.api.Assertions.assertThatCode(() -> KubeClients.config(null, java.util.Map.of(), null, real))
                .doesNotThrowAnyException();
    }
}
