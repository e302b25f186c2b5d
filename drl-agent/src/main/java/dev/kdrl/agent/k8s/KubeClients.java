package dev.kdrl.agent.k8s;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Path;

/** The agent's Kubernetes client, configured without touching system properties. */
public final class KubeClients {

    private KubeClients() {
    }

    /**
     * A client for {@code kubeconfig}, or, when it is {@code null}, fabric8's usual search: $KUBECONFIG or
     * ~/.kube/config, else the in-cluster service account. fabric8's own request retries are off: the
     * writer retries 409 and 5xx itself, with the configured budget.
     */
    public static KubernetesClient create(Path kubeconfig) {
        return new KubernetesClientBuilder().withConfig(config(kubeconfig)).build();
    }

    /** The configuration {@link #create} uses. */
    public static Config config(Path kubeconfig) {
        Config base;
        if (kubeconfig == null) {
            base = Config.autoConfigure(null);
        } else {
            // as autoConfigure does with a kubeconfig file: its current context, then the kubernetes.* system
            // properties and KUBERNETES_* environment variables on top
            base = Config.fromKubeconfig(kubeconfig.toAbsolutePath().toFile());
            Config.configFromSysPropsOrEnvVars(base);
        }
        return new ConfigBuilder(base).withRequestRetryBackoffLimit(0).build();
    }
}
