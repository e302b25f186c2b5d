package dev.kdrl.agent.k8s;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;

/**
 * fabric8's mock API server in CRUD mode on 127.0.0.1, with expectations (checked first) for injected
 * failures. Its CRUD mode stores any resource, CRD or not: tests must not rely on that.
 */
public final class MockKube implements AutoCloseable {
    public final KubernetesMockServer server;
    public final KubernetesClient client;

    public MockKube() throws Exception {
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        server = new KubernetesMockServer(new Context(), new MockWebServer(), responses,
                new KubernetesMixedDispatcher(responses), false);
        server.init(InetAddress.getByName("127.0.0.1"), 0);
        // the writer does its own retries: fabric8's built-in ones are off, as in the agent
        client = server.createClient(b -> b.editOrNewConfig().withRequestRetryBackoffLimit(0).endConfig());
    }

    /** The REST path of the agent's resource. */
    public static String path(String namespace, String name) {
        return "/apis/" + ScaleActionSpec.GROUP + "/" + ScaleActionSpec.VERSION + "/namespaces/" + namespace + "/"
                + ScaleActionSpec.PLURAL + "/" + name;
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }
}
