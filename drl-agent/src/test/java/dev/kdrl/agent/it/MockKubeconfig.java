package dev.kdrl.agent.it;

import dev.kdrl.agent.k8s.MockKube;
import java.nio.file.Files;
import java.nio.file.Path;

/** A kubeconfig pointing at the fabric8 mock server, for the agent process. */
final class MockKubeconfig {
    private MockKubeconfig() {
    }

    static Path write(Path dir, MockKube kube) throws Exception {
        Path f = dir.resolve("mock.kubeconfig");
        Files.writeString(f, """
                apiVersion: v1
                kind: Config
                clusters:
                  - name: mock
                    cluster: {server: "http://127.0.0.1:%d"}
                contexts:
                  - name: mock
                    context: {cluster: mock, namespace: default, user: mock}
                current-context: mock
                users:
                  - name: mock
                    user: {token: mock-token}
                """.formatted(kube.server.getPort()));
        return f;
    }
}
