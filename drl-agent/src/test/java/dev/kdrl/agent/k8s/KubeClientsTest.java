package dev.kdrl.agent.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
}
