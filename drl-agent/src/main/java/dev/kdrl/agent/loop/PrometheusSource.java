package dev.kdrl.agent.loop;

import dev.kdrl.agent.config.AgentConfig;
import dev.kdrl.agent.prom.PrometheusClient;
import dev.kdrl.agent.prom.QueryFailure;
import java.time.Instant;

/** Reads each service's load with its configured PromQL instant query. */
public final class PrometheusSource implements LoadSource {
    private final PrometheusClient client;
    private final String namespace;

    public PrometheusSource(PrometheusClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    @Override
    public double read(AgentConfig.Service service, long cycle, Instant time) throws QueryFailure,
            InterruptedException {
        return client.query(service.renderQuery(namespace));
    }
}
