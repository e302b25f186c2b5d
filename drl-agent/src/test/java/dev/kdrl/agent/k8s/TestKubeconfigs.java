package dev.kdrl.agent.k8s;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/** Kubeconfig files and API server addresses for tests of the agent's real client ({@link KubeClients}). */
public final class TestKubeconfigs {
    private TestKubeconfigs() {
    }

    /** A kubeconfig in {@code dir} whose one context points at {@code url}, namespace default, a bearer token. */
    public static Path pointingAt(Path dir, String url) throws IOException {
        return Files.writeString(dir.resolve("kubeconfig"), """
                apiVersion: v1
                kind: Config
                clusters: [{name: c, cluster: {server: "%s"}}]
                contexts: [{name: c, context: {cluster: c, namespace: default, user: u}}]
                current-context: c
                users: [{name: u, user: {token: t}}]
                """.formatted(url));
    }

    /** A port on the loopback interface where nothing listens (connections are refused). */
    public static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
