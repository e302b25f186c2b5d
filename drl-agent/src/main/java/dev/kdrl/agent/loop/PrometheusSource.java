package dev.kdrl.agent.loop;

import dev.kdrl.agent.config.AgentConfig;
import dev.kdrl.agent.prom.FailureKind;
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

    /**
     * One query per service at start, each tried once: an answer no later cycle can improve on is refused as the
     * setting it comes from, so the agent does not start and then run on its history alone for ever. A query
     * Prometheus cannot parse ({@code bad_data}) names {@code services[i].query}; an HTTP 4xx (a wrong URL path,
     * credentials refused) or an answer that is not Prometheus's query API names {@code prometheus.url}. What may
     * pass (Prometheus unreachable or starting, a series that does not exist yet) is a warning.
     *
     * @throws dev.kdrl.agent.config.ConfigException naming the setting, the value and what the server answered
     */
    public static void checkAtStart(AgentConfig cfg) throws InterruptedException {
        AgentConfig.Prometheus p = cfg.prometheus();
        PrometheusClient once = new PrometheusClient(new AgentConfig.Prometheus(p.url(), p.timeout(), 0, p.backoff(),
                p.bearerTokenFile(), p.basicUser(), p.basicPasswordFile(), p.caFile()));
        for (int i = 0; i < cfg.services().size(); i++) {
            AgentConfig.Service s = cfg.services().get(i);
            String query = s.renderQuery(cfg.namespace());
            try {
                once.query(query);
            } catch (QueryFailure f) {
                String answer = AgentConfig.Prometheus.redact(f.getMessage());
                switch (f.kind()) {
                    case ERROR_STATUS -> {
                        if (answer.startsWith(FailureKind.ERROR_STATUS.label() + ": bad_data")) {
                            throw new dev.kdrl.agent.config.ConfigException(cfg.source().toString(), "services[" + i
                                    + "].query", query, "Prometheus cannot run it: " + answer);
                        }
                        LOG.warn("start-up query for {} failed ({}); the cycles will try again", s.name(), answer);
                    }
                    case HTTP_CLIENT_ERROR, MALFORMED -> throw new dev.kdrl.agent.config.ConfigException(
                            cfg.source().toString(), "prometheus.url", p.redactedUrl(), "the start-up query for "
                            + s.name() + " got " + answer + "; expected the base URL of a Prometheus server (its "
                            + "query API at /api/v1/query) that accepts the configured credentials");
                    default -> LOG.warn("start-up query for {} failed ({}); the cycles will try again", s.name(),
                            answer);
                }
            }
        }
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PrometheusSource.class);

    @Override
    public double read(AgentConfig.Service service, long cycle, Instant time) throws QueryFailure,
            InterruptedException {
        return client.query(service.renderQuery(namespace));
    }
}
