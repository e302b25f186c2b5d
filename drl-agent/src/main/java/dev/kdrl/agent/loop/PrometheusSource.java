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
     * Prometheus cannot parse ({@code bad_data}) or whose answer is not one number (a range vector, a string) names
     * {@code services[i].query}; credentials refused (401, 403) or unusable name their key; another HTTP 4xx (a wrong
     * URL path) names {@code prometheus.url} ({@link #blame}). What may pass (Prometheus unreachable or starting, a
     * body that is no JSON, as a proxy's error page, 408, 429, no series yet or several for a while) is a warning.
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
                String blame = blame(f, answer, p);
                if (blame == null) {
                    LOG.warn("start-up query for {} failed ({}); the cycles will try again", s.name(), answer);
                } else if (blame.equals("query")) {
                    throw new dev.kdrl.agent.config.ConfigException(cfg.source().toString(), "services[" + i
                            + "].query", query, "Prometheus cannot answer it with one number: " + answer);
                } else if (blame.equals("url")) {
                    throw new dev.kdrl.agent.config.ConfigException(cfg.source().toString(), "prometheus.url",
                            p.redactedUrl(), "the start-up query for " + s.name() + " got " + answer + "; expected "
                            + "the base URL of a Prometheus server (its query API at /api/v1/query)");
                } else {
                    throw new dev.kdrl.agent.config.ConfigException(cfg.source().toString(), blame,
                            blame.endsWith("bearerTokenFile") ? p.bearerTokenFile() : p.basicPasswordFile(),
                            "the start-up query for " + s.name() + " got " + answer + "; expected a readable "
                            + "one-line credential the server accepts");
                }
            }
        }
    }

    /**
     * What a start-up failure is blamed on: {@code query} (Prometheus cannot parse it, or its answer is not one
     * number: a range vector, a string), {@code url} (a 404 or another 4xx), the credentials key ({@code
     * prometheus.bearerTokenFile} or {@code prometheus.basicAuth.passwordFile}: a 401 or 403 with credentials configured,
     * or a credentials file that is no header value), or null for what a later cycle may get past (unreachable,
     * timeouts, 5xx, 408, 429, a body that is no JSON, no series yet or several, another error of the server).
     */
    static String blame(QueryFailure f, String answer, AgentConfig.Prometheus p) {
        String credentials = p.bearerTokenFile() != null ? "prometheus.bearerTokenFile"
                : p.basicPasswordFile() != null ? "prometheus.basicAuth.passwordFile" : null;
        return switch (f.kind()) {
            case ERROR_STATUS -> answer.startsWith(FailureKind.ERROR_STATUS.label() + ": bad_data") ? "query" : null;
            // a body that is no JSON may be a proxy's passing error page; JSON that is not the query API's is sure
            case MALFORMED -> answer.contains("data.resultType") || answer.contains("value is ") ? "query"
                    : answer.startsWith(FailureKind.MALFORMED.label() + ": body is not JSON") ? null : "url";
            case HTTP_CLIENT_ERROR -> {
                if (answer.contains("HTTP 408") || answer.contains("HTTP 429")) {
                    yield null;
                }
                boolean refused = answer.contains("HTTP 401") || answer.contains("HTTP 403");
                yield refused && credentials != null ? credentials : "url";
            }
            case CREDENTIALS -> credentials;
            default -> null;
        };
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PrometheusSource.class);

    @Override
    public double read(AgentConfig.Service service, long cycle, Instant time) throws QueryFailure,
            InterruptedException {
        return client.query(service.renderQuery(namespace));
    }
}
