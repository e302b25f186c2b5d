package dev.kdrl.agent.config;

import dev.kdrl.core.io.IoReasons;
import dev.kdrl.core.predict.Predictors;
import dev.kdrl.env.baseline.CautiousChoice;
import dev.kdrl.env.baseline.ExpectedValuePolicy;
import dev.kdrl.env.baseline.Planners;
import dev.kdrl.env.io.YamlException;
import dev.kdrl.env.io.YamlReader;
import dev.kdrl.env.profile.Profiles;
import dev.kdrl.env.quota.QuotaModel;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The live agent's whole configuration, read from one YAML file ({@link #load}); see
 * {@code deploy/agent.yaml} for a commented example. Relative paths are resolved against the file's
 * directory. Every field is validated when the file is read: a bad value is a one-line
 * {@link ConfigException} naming the file, the field, the value and the rule.
 *
 * @param source         the file it was read from
 * @param namespace      namespace of the {@code DRLScaleAction} (and of the leader-election Lease)
 * @param resourceName   {@code metadata.name} of the custom resource
 * @param profile        {@code paper}, {@code paper-general} or a profile file (absolute after loading)
 * @param quota          quota override in cores, or {@code null}
 * @param minPods        minimum pods override, or {@code null}
 * @param services       the services, as listed in the file
 * @param prometheus     where and how to query
 * @param schedule       when cycles run
 * @param policy         the saved policy or the planner that decides
 * @param predictor      how the next period's load is predicted
 * @param historyDir     directory of the per-service history CSVs
 * @param stateDir       directory of the agent's state file
 * @param http           the health/metrics endpoint
 * @param leaderElection Lease-based leader election
 * @param kubernetes     how the custom resource (or the Knative Services) is written
 * @param apply          how decisions reach the Knative Services ({@link Apply.Mode})
 * @param warnings       what the file says that was accepted but may not be meant (a duration without a unit), one
 *                       line each naming the file and the field; the agent logs them at start
 */
public record AgentConfig(Path source, String namespace, String resourceName, String profile, Double quota,
                          Integer minPods, List<Service> services, Prometheus prometheus, Schedule schedule,
                          PolicySpec policy, PredictorSpec predictor, Path historyDir, Path stateDir, Http http,
                          LeaderElection leaderElection, Kubernetes kubernetes, Apply apply, List<String> warnings) {

    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN =
            Pattern.compile("(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Pattern SERVICE_NAME = dev.kdrl.env.quota.ServiceProfile.NAME;
    /** Upper bound of {@code schedule.period} (and so of the offset): one day. */
    public static final Duration MAX_PERIOD = Duration.ofDays(1);
    /** Upper bound of {@code prometheus.timeout}, {@code prometheus.backoff} and {@code kubernetes.backoff}. */
    public static final Duration MAX_WAIT = Duration.ofMinutes(5);
    /** Upper bound of the leader-election durations. */
    public static final Duration MAX_LEASE = Duration.ofMinutes(10);
    /** Upper bound of {@code quota}, in cores: a profile's ({@link dev.kdrl.env.quota.Limit#QUOTA}). */
    public static final double MAX_QUOTA = dev.kdrl.env.quota.Limit.QUOTA.max();
    /** Upper bound of {@code services[].maxPods} (a Kubernetes cluster's documented pod limit). */
    public static final int MAX_PODS = 150_000;
    /** Upper bound of {@code predictor.maxLoad} and {@code services[].maxLoad}, in concurrent users. */
    public static final double MAX_LOAD = 1e9;
    /** Names a query template may use besides the service's own labels. */
    public static final List<String> BUILTIN_PLACEHOLDERS = List.of("service", "knativeService", "namespace");

    public AgentConfig {
        services = List.copyOf(services);
        warnings = List.copyOf(warnings);
    }

    /**
     * One service.
     *
     * @param name           as written in the CR ({@code service<name>_resource}) and in the profile
     * @param knativeService the Knative Service's name (for queries, logs and metrics)
     * @param query          the PromQL instant query giving its current concurrent users
     * @param labels         values for the query's placeholders
     * @param maxLoad        the largest plausible load; a larger value read is a counted failure
     *                       ({@code implausible}) with the history's fallback; {@code null}: derived from the profile
     * @param maxPods        the most pods a written decision may give it (Knative's max-scale); {@code null}: no
     *                       limit but {@code StateStore.MAX_PODS}
     */
    public record Service(String name, String knativeService, QueryTemplate query, Map<String, String> labels,
                          Double maxLoad, Integer maxPods) {
        public Service {
            labels = Map.copyOf(labels);
        }

        /** The most pods a decision may give this service: its {@code maxPods}, else {@link #MAX_PODS}. */
        public int podCap() {
            return podCap(maxPods);
        }

        /** {@code maxPods}, else {@link #MAX_PODS} when none is configured. */
        public static int podCap(Integer maxPods) {
            return maxPods != null ? maxPods : MAX_PODS;
        }

        /** The query with this service's values (labels, then service, knativeService, namespace). */
        public String renderQuery(String namespace) {
            Map<String, String> values = new LinkedHashMap<>(labels);
            values.put("service", name);
            values.put("knativeService", knativeService);
            values.put("namespace", namespace);
            return query.render(values);
        }
    }

    /**
     * Prometheus's HTTP API.
     *
     * @param url             base URL, e.g. {@code http://prometheus:9090}
     * @param timeout         per request
     * @param retries         extra attempts after a failed one (not after an answer that is final, e.g. HTTP 400)
     * @param backoff         wait before the first retry, doubled after each
     * @param bearerTokenFile file holding a bearer token (re-read at every query), or {@code null}
     * @param basicUser       basic-auth user name, or {@code null}
     * @param basicPasswordFile file holding the basic-auth password, or {@code null}
     * @param caFile          PEM file of the CA that signed Prometheus's certificate, or {@code null}
     */
    public record Prometheus(URI url, Duration timeout, int retries, Duration backoff, Path bearerTokenFile,
                             String basicUser, Path basicPasswordFile, Path caFile) {
        private static final Pattern USER_INFO = Pattern.compile("(?<=://)[^/?#\\s]*@");

        /** The URL as it may be logged: credentials written into it ({@code user:password@}) replaced by ***. */
        public String redactedUrl() {
            return url == null ? null : redact(url.toString());
        }

        /** {@code text} with the user information of every URL in it ({@code user:password@}) replaced by ***. */
        public static String redact(String text) {
            return text == null ? null : USER_INFO.matcher(text).replaceAll("***@");
        }

        /** Never prints a credential: the URL redacted, the secret files by name. */
        @Override
        public String toString() {
            return "Prometheus[url=" + redactedUrl() + ", timeout=" + timeout + ", retries=" + retries + ", backoff="
                    + backoff + ", bearerTokenFile=" + bearerTokenFile + ", basicUser=" + basicUser
                    + ", basicPasswordFile=" + basicPasswordFile + ", caFile=" + caFile + "]";
        }
    }

    /**
     * Cycles start at every {@code offset} past a multiple of {@code period} (epoch-aligned); all services are
     * read at once and a value not read within {@code deadline} of the cycle's start is a timeout.
     */
    public record Schedule(Duration period, Duration offset, Duration deadline) {
    }

    /**
     * Which policy decides: a saved model ({@code model}) or a planner that needs no trace ({@link
     * Planners#liveNames()}: {@code greedy}, {@code expected-2}, {@code hybrid}, {@code fixed-initial}).
     *
     * @param deterministic argmax actions (the default) or sampled ones
     * @param seed          the sampling seed when not deterministic; the seed of {@code expected-2}'s traffic draws
     * @param confidence    {@code expected-2}'s confidence ({@link ExpectedValuePolicy.Settings#confidence()}): it
     *                      keeps greedy's choice unless another's mean advantage over the traffic samples, less this
     *                      many standard errors, is positive
     */
    public record PolicySpec(Path model, String planner, boolean deterministic, long seed, double confidence) {
        /** The planners the agent can run: {@link Planners#liveNames()}. */
        public static final List<String> PLANNERS = Planners.liveNames();

        public PolicySpec {
            CautiousChoice.requireConfidence("policy.confidence", confidence);
        }
    }

    /**
     * How the next period's load is predicted.
     *
     * @param kind   one of {@link Predictors#names()}: {@code last-value}, {@code moving-average}, {@code holt} or
     *               {@code bilstm}
     * @param model  the Bi-LSTM file; may contain {@code {service}} for one file per service
     * @param window the Bi-LSTM's input window, or the moving average's length
     * @param alpha  Holt's level smoothing
     * @param beta   Holt's trend smoothing
     * @param maxLoad the largest load expected (a Bi-LSTM trained for another scale is refused), 0 = no check
     */
    public record PredictorSpec(String kind, String model, int window, double alpha, double beta, double maxLoad) {
        /** The predictor kinds: {@link Predictors#names()}. */
        public static final List<String> KINDS = Predictors.names();

        /** The Bi-LSTM file for {@code service}. */
        public Path modelFor(Path base, String service) {
            return base.resolve(model.replace("{service}", service));
        }
    }

    /** The HTTP endpoint of {@code /healthz}, {@code /readyz} and {@code /metrics}; port 0 = any free port. */
    public record Http(String bind, int port, boolean enabled) {
    }

    /** Lease-based leader election: only the leader runs cycles. */
    public record LeaderElection(boolean enabled, String leaseName, String identity, Duration leaseDuration,
                                 Duration renewDeadline, Duration retryPeriod) {
    }

    /**
     * Writing the custom resource.
     *
     * @param retries extra attempts after a 409 Conflict or a 5xx answer
     * @param backoff wait before the first retry, doubled after each
     */
    public record Kubernetes(int retries, Duration backoff) {
    }

    /**
     * How a decision reaches the Knative Services.
     *
     * @param mode          {@link Mode#CR} (default), {@link Mode#KNATIVE} or {@link Mode#RECONCILER}
     * @param writeResource knative mode only: also write the {@code DRLScaleAction} (for observers)
     * @param revisions     what happens to a Service's previous Revision after a change (knative, reconciler)
     * @param minScale      what becomes each Service's min-scale ({@link MinScale})
     */
    public record Apply(Mode mode, boolean writeResource, Revisions revisions, MinScale minScale) {

        /**
         * The values of {@code apply.minScale}, named as {@code drl train --min-scale} names how the cluster-faithful
         * dynamics set it (a model trained so is applied as trained with the same value).
         */
        public enum MinScale {
            /**
             * The default, the published system's way: {@code min-scale} and {@code initial-scale} (or the
             * {@code DRLScaleAction}'s podcount) = the paper model's pod count for the decision, which keeps a
             * service's pods while its scale-down check has not fired; the decisions observe the paper model's
             * bookkeeping.
             */
            PAPER("paper"),
            /**
             * {@code min-scale} and {@code initial-scale} (or podcount) = the pods the predicted load needs under the
             * decided configuration ({@code QuotaModel.podsNeeded}), as {@code drl train --dynamics cluster
             * --min-scale decision} sets them; in mode knative each decision observes what the services hold in the
             * cluster, as that model saw it in training.
             */
            DECISION("decision"),
            /**
             * Neither: each Service's {@code min-scale} and {@code initial-scale} are removed and Knative's autoscaler
             * (the KPA) alone sizes the pods for the configuration's concurrency target, as {@code drl train
             * --dynamics cluster --min-scale none} does; in mode knative each decision observes what the services
             * hold in the cluster.
             */
            NONE("none");

            private final String label;

            MinScale(String label) {
                this.label = label;
            }

            public String label() {
                return label;
            }

            /** The value of that name, or {@code null}. */
            public static MinScale of(String label) {
                for (MinScale m : values()) {
                    if (m.label.equals(label)) {
                        return m;
                    }
                }
                return null;
            }
        }

        /** The modes of {@code apply.mode}. */
        public enum Mode {
            /** Write the {@code DRLScaleAction}; an operator applies it (the published system). */
            CR("cr"),
            /** The agent patches the Knative Services itself. */
            KNATIVE("knative"),
            /** No decisions: watch {@code DRLScaleAction} resources and apply them (replaces the Go operator). */
            RECONCILER("reconciler");

            private final String label;

            Mode(String label) {
                this.label = label;
            }

            public String label() {
                return label;
            }

            /** The mode of that name, or {@code null}. */
            public static Mode of(String label) {
                for (Mode m : values()) {
                    if (m.label.equals(label)) {
                        return m;
                    }
                }
                return null;
            }
        }

        /** Whether the agent patches Knative Services itself. */
        public boolean appliesServices() {
            return mode != Mode.CR;
        }
    }

    /**
     * The previous Revision of a changed Service.
     *
     * @param deletePrevious delete it once the Service's {@code status.latestReadyRevisionName} names a newer one
     * @param readyTimeout   how long a decision waits for that, for all its Services together, from its first patch
     *                       (default: in mode knative half the period, at most 60 s; in mode reconciler 60 s); not
     *                       ready in time, it is deleted at a later decision once ready
     * @param podGracePeriod when not {@code null}, also delete that Revision's pods (label
     *                       {@code serving.knative.dev/revision}) with this grace period, so their CPU stops counting
     *                       against the quota sooner (the Go operator uses 0); {@code null}: left to Kubernetes
     */
    public record Revisions(boolean deletePrevious, Duration readyTimeout, Duration podGracePeriod) {
    }

    /**
     * The cluster model of {@link #profile} with the overrides. Its services must be exactly the configured
     * ones; the model's (profile's) order is the action and observation order.
     *
     * @throws ConfigException naming {@code profile} or {@code services} and what differs
     */
    public QuotaModel model() {
        if (profile == null) {
            throw new ConfigException(source.toString(), "profile", null, "required (only apply.mode reconciler "
                    + "runs without a profile)");
        }
        QuotaModel model;
        try {
            model = Profiles.model(profile, quota, minPods);
        } catch (RuntimeException e) {
            String key = overrideToBlame();
            throw new ConfigException(source.toString(), key, valueOf(key), e.getMessage());
        }
        List<String> expected = model.serviceNames();
        if (!new HashSet<>(expected).equals(new HashSet<>(serviceNames()))) {
            throw new ConfigException(source.toString(), "services", serviceNames(),
                    "the profile's services are " + expected + "; configure exactly those");
        }
        return model;
    }

    /**
     * The key a refused {@link #model()} is blamed on: {@code quota} or {@code minPods} when the profile alone makes a
     * model and these overrides are what it cannot hold (e.g. a quota below the services' smallest pods), else
     * {@code profile}.
     */
    private String overrideToBlame() {
        if (quota == null && minPods == null) {
            return "profile";
        }
        try {
            Profiles.model(profile, null, null);
        } catch (RuntimeException e) {
            return "profile";
        }
        if (quota != null && minPods != null) {
            try {
                Profiles.model(profile, null, minPods);
            } catch (RuntimeException e) {
                return "minPods";
            }
        }
        return quota != null ? "quota" : "minPods";
    }

    private Object valueOf(String key) {
        return switch (key) {
            case "quota" -> quota;
            case "minPods" -> minPods;
            default -> profile;
        };
    }

    /** The configured service of that name. */
    public Service service(String name) {
        for (Service s : services) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("no configured service '" + name + "'");
    }

    /** The configured services in the order of {@code model}'s services (the order of its actions and states). */
    public List<Service> servicesInOrderOf(QuotaModel model) {
        return model.serviceNames().stream().map(this::service).toList();
    }

    /** The same configuration with other history and state directories. */
    public AgentConfig withDirectories(Path history, Path state) {
        return new AgentConfig(source, namespace, resourceName, profile, quota, minPods, services, prometheus,
                schedule, policy, predictor, history, state, http, leaderElection, kubernetes, apply, warnings);
    }

    /** Names of the services in file order. */
    public List<String> serviceNames() {
        return services.stream().map(Service::name).toList();
    }

    /**
     * Reads and validates {@code file}.
     *
     * @throws ConfigException on anything invalid, naming the field
     */
    public static AgentConfig load(Path file) {
        String name = file.toString();
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(name, "cannot read the configuration: " + IoReasons.of(e), e);
        }
        AgentConfigFile.Root root;
        try {
            root = YamlReader.read(text, name, AgentConfigFile.Root.class, YamlReader.Nulls.AS_ABSENT);
        } catch (YamlException e) {
            String field = e.path().isEmpty() ? "(top level)" : e.path();
            throw switch (e.kind()) {
                case SYNTAX -> new ConfigException(name, "not valid YAML: line " + e.line() + ": " + e.detail(), e);
                case EMPTY -> new ConfigException(name, field, null, "expected a mapping of settings");
                case UNKNOWN_KEY -> new ConfigException(name, field, e.value(),
                        "unknown setting; expected one of " + e.knownKeys());
                case BAD_VALUE -> new ConfigException(name, field, e.value(), "expected " + e.expected());
            };
        }
        Path base = file.toAbsolutePath().getParent();
        return parse(root, new AgentConfigFile.Rules(name), base);
    }

    private static AgentConfig parse(AgentConfigFile.Root root, AgentConfigFile.Rules rules, Path base) {
        String namespace = or(root.namespace(), "default");
        if (!DNS_LABEL.matcher(namespace).matches()) {
            throw rules.error("namespace", namespace, "expected a Kubernetes namespace name (DNS-1123 label)");
        }
        String resourceName = or(root.resourceName(), "drl-action");
        if (!DNS_SUBDOMAIN.matcher(resourceName).matches()) {
            throw rules.error("resourceName", resourceName,
                    "expected a Kubernetes object name (DNS-1123 subdomain)");
        }
        // a reconciler applies the DRLScaleAction resources others write: it reads no load and decides nothing
        boolean reconciler = root.apply() != null && Apply.Mode.RECONCILER.label().equals(root.apply().mode());
        String profile = root.profile();
        if (profile == null && !reconciler) {
            throw rules.error("profile", null, "required");
        }
        if (profile != null && !profile.equals("paper") && !profile.equals("paper-general")) {
            Path p = base.resolve(profile);
            if (!Files.isRegularFile(p)) {
                throw rules.error("profile", profile, "expected 'paper', 'paper-general' or a readable profile file;"
                        + " " + p + " does not exist");
            }
            profile = p.toString();
        }
        Double quota = root.quota() == null ? null : rules.number("quota", root.quota(), 0, 0, true, MAX_QUOTA);
        Integer minPods = root.minPods() == null ? null : rules.integer("minPods", root.minPods(), 1, 0, 1000);

        if (root.services() == null) {
            throw rules.error("services", null, "required: a list");
        }
        if (root.services().isEmpty()) {
            throw rules.error("services", root.services(), "expected a non-empty list");
        }
        List<Service> services = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < root.services().size(); i++) {
            String at = "services[" + i + "]";
            AgentConfigFile.Service s = root.services().get(i);
            if (s == null) {
                throw rules.error(at, null, "expected a mapping");
            }
            String sName = s.name();
            if (sName == null) {
                throw rules.error(at + ".name", null, "required");
            }
            if (!SERVICE_NAME.matcher(sName).matches()) {
                throw rules.error(at + ".name", sName, "expected lower-case letters, digits and '-', as in the CR "
                        + "field service<name>_resource");
            }
            if (!seen.add(sName)) {
                throw rules.error(at + ".name", sName, "service names must be unique");
            }
            String ksvc = or(s.knativeService(), sName);
            if (!DNS_LABEL.matcher(ksvc).matches()) {
                throw rules.error(at + ".knativeService", ksvc, "expected a Knative Service name (DNS-1123 label)");
            }
            String q = s.query();
            if (q == null && !reconciler) {
                throw rules.error(at + ".query", null, "required");
            }
            QueryTemplate template;
            try {
                template = q == null ? null : QueryTemplate.parse(q);
            } catch (IllegalArgumentException e) {
                throw rules.error(at + ".query", q, e.getMessage());
            }
            Map<String, String> labels = or(s.labels(), Map.of());
            for (Map.Entry<String, String> label : labels.entrySet()) {
                if (label.getValue() == null) {
                    throw rules.error(at + ".labels." + label.getKey(), null, "expected a non-blank string value");
                }
            }
            for (String ph : template == null ? List.<String>of() : template.names()) {
                if (!labels.containsKey(ph) && !BUILTIN_PLACEHOLDERS.contains(ph)) {
                    throw rules.error(at + ".query", q, "placeholder {{" + ph + "}} has no value: define it under "
                            + "labels or use one of " + BUILTIN_PLACEHOLDERS);
                }
            }
            for (String label : new java.util.TreeSet<>(labels.keySet())) {
                if (BUILTIN_PLACEHOLDERS.contains(label)) {
                    throw rules.error(at + ".labels." + label, labels.get(label), "{{" + label + "}} is built in (the "
                            + "agent fills it itself); give the label another name and use that in the query");
                }
                if (template != null && !template.names().contains(label)) {
                    throw rules.error(at + ".labels." + label, labels.get(label), "the query has no {{" + label + "}} "
                            + "placeholder to fill: add it to the query, or leave the label out");
                }
            }
            Double maxLoad = s.maxLoad() == null ? null
                    : rules.number(at + ".maxLoad", s.maxLoad(), 0, 0, true, MAX_LOAD);
            Integer maxPods = s.maxPods() == null ? null
                    : rules.integer(at + ".maxPods", s.maxPods(), 0, 1, MAX_PODS);
            services.add(new Service(sName, ksvc, template, labels, maxLoad, maxPods));
        }

        AgentConfigFile.Prometheus pr = or(root.prometheus(),
                new AgentConfigFile.Prometheus(null, null, null, null, null, null, null));
        String url = pr.url();
        if (url == null && !reconciler) {
            throw rules.error("prometheus.url", null, "required");
        }
        URI uri;
        try {
            uri = url == null ? null : new URI(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        } catch (URISyntaxException e) {
            throw rules.error("prometheus.url", Prometheus.redact(url), "expected an http(s) URL: "
                    + Prometheus.redact(e.getReason()));
        }
        if (uri != null && (uri.getScheme() == null || !(uri.getScheme().equals("http")
                || uri.getScheme().equals("https")) || uri.getHost() == null)) {
            throw rules.error("prometheus.url", Prometheus.redact(url),
                    "expected an http:// or https:// URL with a host");
        }
        Duration timeout = rules.duration("prometheus.timeout", pr.timeout(), Duration.ofSeconds(5),
                Duration.ofMillis(1), MAX_WAIT);
        int retries = rules.integer("prometheus.retries", pr.retries(), 2, 0, 10);
        Duration backoff = rules.duration("prometheus.backoff", pr.backoff(), Duration.ofMillis(500), Duration.ZERO,
                MAX_WAIT);
        Path token = optionalFile(rules, "prometheus.bearerTokenFile", pr.bearerTokenFile(), base);
        AgentConfigFile.BasicAuth basic = or(pr.basicAuth(), new AgentConfigFile.BasicAuth(null, null));
        String user = basic.username();
        Path password = optionalFile(rules, "prometheus.basicAuth.passwordFile", basic.passwordFile(), base);
        if ((user == null) != (password == null)) {
            throw rules.error("prometheus.basicAuth." + (user == null ? "username" : "passwordFile"), null,
                    "basicAuth needs both username and passwordFile");
        }
        if (user != null && token != null) {
            throw rules.error("prometheus.basicAuth", user, "use either bearerTokenFile or basicAuth, not both");
        }
        Path ca = optionalFile(rules, "prometheus.caFile", pr.caFile(), base);
        if (ca != null && (uri == null || !uri.getScheme().equals("https"))) {
            throw rules.error("prometheus.caFile", ca, "a CA file needs an https:// url");
        }
        Prometheus prometheus = new Prometheus(uri, timeout, retries, backoff, token, user, password, ca);

        AgentConfigFile.Schedule sc = or(root.schedule(), new AgentConfigFile.Schedule(null, null, null));
        Duration period = rules.duration("schedule.period", sc.period(), Duration.ofSeconds(120),
                Duration.ofMillis(100), MAX_PERIOD);
        Duration offset = rules.duration("schedule.offset", sc.offset(), Duration.ofSeconds(55), Duration.ZERO,
                MAX_PERIOD);
        if (offset.compareTo(period) >= 0) {
            throw rules.error("schedule.offset", written(sc.offset()),
                    readAs(sc.offset()) + (sc.offset() != null ? "expected" : "the default 55s is not")
                            + " an offset shorter than the period (" + period.toMillis() + "ms)"
                            + (sc.offset() != null ? "" : ": set schedule.offset"));
        }
        // the worst case of one service's read: every attempt's timeout and every backoff
        Duration worst = timeout.multipliedBy(retries + 1L).plus(backoff.multipliedBy((1L << retries) - 1));
        Duration deadline = rules.duration("schedule.deadline", sc.deadline(), worst, Duration.ofMillis(1),
                Duration.ofDays(1));
        if (sc.deadline() != null && deadline.compareTo(period) > 0) {
            // the range named as it is: from the worst case of a query to the period
            throw rules.error("schedule.deadline", written(sc.deadline()), readAs(sc.deadline())
                    + "expected a duration >= " + AgentConfigFile.Rules.text(worst) + " (the worst case of a query)"
                    + " and <= " + AgentConfigFile.Rules.text(period) + " (schedule.period)");
        }
        if (sc.deadline() != null && deadline.compareTo(worst) < 0) {
            throw rules.error("schedule.deadline", written(sc.deadline()), readAs(sc.deadline())
                    + "expected at least the worst case of a query, " + AgentConfigFile.Rules.text(worst)
                    + " (prometheus.timeout x " + (retries + 1) + " attempts + the backoffs): lower prometheus.timeout,"
                    + " retries or backoff");
        }
        if (sc.deadline() == null && worst.compareTo(period) > 0) {
            throw rules.error("schedule.deadline", null, "not set, so the worst case of a query, "
                    + AgentConfigFile.Rules.text(worst) + " (prometheus.timeout x " + (retries + 1) + " attempts + the "
                    + "backoffs), which is longer than schedule.period (" + AgentConfigFile.Rules.text(period) + "): "
                    + "lower prometheus.timeout, retries or backoff, or lengthen the period");
        }
        Schedule schedule = new Schedule(period, offset, deadline);

        AgentConfigFile.Policy po = or(root.policy(), new AgentConfigFile.Policy(null, null, null, null, null));
        Path model = po.model() != null ? base.resolve(po.model()) : null;
        String planner = po.planner();
        if (model != null && planner != null) {
            throw rules.error("policy.planner", planner, "give either policy.model or policy.planner, not both");
        }
        if (model == null && planner == null) {
            planner = "greedy";
        }
        if (planner != null && !PolicySpec.PLANNERS.contains(planner)) {
            throw rules.error("policy.planner", planner, "expected one of " + PolicySpec.PLANNERS
                    + (Planners.names().contains(planner) ? " (" + planner + " plays a known trace: drl baselines only)"
                    : ""));
        }
        if (model != null && !Files.isRegularFile(model)) {
            throw rules.error("policy.model", po.model(), "no such file: " + model);
        }
        boolean deterministic = or(po.deterministic(), true);
        long seed = rules.integer("policy.seed", po.seed(), 0, 0, Integer.MAX_VALUE);
        // a setting the chosen policy does not read is a mistake, not a no-op (their defaults may be written out)
        if (!deterministic && model == null) {
            throw rules.error("policy.deterministic", false, "only a model samples its action; the planner " + planner
                    + " decides one way (leave deterministic out, or give policy.model)");
        }
        if (seed != 0 && model == null && !ExpectedValuePolicy.NAME.equals(planner)) {
            throw rules.error("policy.seed", seed, "only planner " + ExpectedValuePolicy.NAME + " or a model reads it; "
                    + "the planner is " + planner + (po.planner() == null ? " (the default)" : ""));
        }
        if (po.confidence() != null && !ExpectedValuePolicy.NAME.equals(planner)) {
            throw rules.error("policy.confidence", po.confidence(), "only planner " + ExpectedValuePolicy.NAME
                    + " reads it; " + (model != null ? "a model's two-step search uses the confidence saved with it"
                    : "the planner is " + planner + (po.planner() == null ? " (the default)" : "")));
        }
        double confidence = rules.number("policy.confidence", po.confidence(),
                ExpectedValuePolicy.Settings.defaults().confidence(), 0, false, 100);
        PolicySpec policy = new PolicySpec(model, planner, deterministic, seed, confidence);

        AgentConfigFile.Predictor pd = or(root.predictor(),
                new AgentConfigFile.Predictor(null, null, null, null, null, null));
        String pmodel = pd.model();
        String kind = or(pd.kind(), pmodel != null ? "bilstm" : "last-value");
        if (!PredictorSpec.KINDS.contains(kind)) {
            throw rules.error("predictor.kind", kind, "expected one of " + PredictorSpec.KINDS);
        }
        if (kind.equals("bilstm") != (pmodel != null)) {
            throw rules.error("predictor.model", pmodel, kind.equals("bilstm") ? "required for kind bilstm"
                    : "only kind bilstm reads a model file");
        }
        int window = rules.integer("predictor.window", pd.window(), kind.equals("moving-average") ? 3 : 7, 1,
                10_000);
        double alpha = rules.number("predictor.alpha", pd.alpha(), 0.5, 0, true, 1);
        double beta = rules.number("predictor.beta", pd.beta(), 0.1, 0, false, 1);
        if (alpha > 1 || beta > 1) {
            throw rules.error(alpha > 1 ? "predictor.alpha" : "predictor.beta", alpha > 1 ? alpha : beta,
                    "expected a number <= 1");
        }
        double maxLoad = rules.number("predictor.maxLoad", pd.maxLoad(), 0, 0, false, MAX_LOAD);
        // a setting the chosen kind does not read is a mistake, not a no-op
        for (Map.Entry<String, Object> e : pd.kindSettings().entrySet()) {
            if (!Predictors.entry(kind).reads(e.getKey())) {
                throw rules.error("predictor." + e.getKey(), e.getValue(), "kind " + kind + " does not use it; only "
                        + Predictors.readersOf(e.getKey()) + " do");
            }
        }
        PredictorSpec predictor = new PredictorSpec(kind, pmodel, window, alpha, beta, maxLoad);
        if (pmodel != null) {
            for (Service s : services) {
                Path f = predictor.modelFor(base, s.name());
                if (!Files.isRegularFile(f)) {
                    throw rules.error("predictor.model", pmodel, "no such file for service " + s.name() + ": " + f);
                }
            }
        }

        Path history = base.resolve(or(root.historyDir(), "drl-agent-data/history"));
        Path state = base.resolve(or(root.stateDir(), "drl-agent-data/state"));

        AgentConfigFile.Http h = or(root.http(), new AgentConfigFile.Http(null, null, null));
        Http http = new Http(or(h.bind(), "0.0.0.0"), rules.integer("http.port", h.port(), 8080, 0, 65535),
                or(h.enabled(), true));
        // after the port's range: a bad value is named as bad first
        if (Boolean.FALSE.equals(h.enabled()) && (h.bind() != null || h.port() != null)) {
            throw rules.error(h.bind() != null ? "http.bind" : "http.port", h.bind() != null ? h.bind() : h.port(),
                    "only read with http.enabled: true; with false nothing is served");
        }

        AgentConfigFile.LeaderElection le = or(root.leaderElection(),
                new AgentConfigFile.LeaderElection(null, null, null, null, null, null));
        String leaseName = or(le.leaseName(), "drl-agent");
        if (!DNS_SUBDOMAIN.matcher(leaseName).matches()) {
            throw rules.error("leaderElection.leaseName", leaseName,
                    "expected a Kubernetes object name (DNS-1123 subdomain)");
        }
        String identity = or(le.identity(), defaultIdentity());
        Duration leaseDuration = rules.duration("leaderElection.leaseDuration", le.leaseDuration(),
                Duration.ofSeconds(15), Duration.ofSeconds(1), MAX_LEASE);
        Duration renew = rules.duration("leaderElection.renewDeadline", le.renewDeadline(), Duration.ofSeconds(10),
                Duration.ofMillis(100), MAX_LEASE);
        Duration retry = rules.duration("leaderElection.retryPeriod", le.retryPeriod(), Duration.ofSeconds(2),
                Duration.ofMillis(100), MAX_LEASE);
        if (renew.compareTo(leaseDuration) >= 0) {
            throw rules.error("leaderElection.renewDeadline", written(le.renewDeadline()),
                    readAs(le.renewDeadline()) + "expected less than leaseDuration (" + leaseDuration.toMillis() + "ms)"
                            + (le.renewDeadline() != null ? "" : "; the default is 10s"));
        }
        if (retry.compareTo(renew) >= 0) {
            throw rules.error("leaderElection.retryPeriod", written(le.retryPeriod()),
                    readAs(le.retryPeriod()) + "expected less than renewDeadline (" + renew.toMillis() + "ms)"
                            + (le.retryPeriod() != null ? "" : "; the default is 2s"));
        }
        LeaderElection leader = new LeaderElection(or(le.enabled(), false), leaseName, identity, leaseDuration,
                renew, retry);
        // the election settings given, as written (each is read only when a leader is elected)
        Map<String, Object> electionSettings = new java.util.LinkedHashMap<>();
        electionSettings.put("leaseName", le.leaseName());
        electionSettings.put("identity", le.identity());
        electionSettings.put("leaseDuration", le.leaseDuration() == null ? null : written(le.leaseDuration()));
        electionSettings.put("renewDeadline", le.renewDeadline() == null ? null : written(le.renewDeadline()));
        electionSettings.put("retryPeriod", le.retryPeriod() == null ? null : written(le.retryPeriod()));
        electionSettings.values().removeIf(java.util.Objects::isNull);
        if (!leader.enabled() && !reconciler && !electionSettings.isEmpty()) {
            var first = electionSettings.entrySet().iterator().next();
            throw rules.error("leaderElection." + first.getKey(), first.getValue(), "only read with "
                    + "leaderElection.enabled: true, which is " + (le.enabled() == null ? "not given (default "
                    + "false)" : "false") + ": without it every replica decides and writes");
        }

        AgentConfigFile.Kubernetes k = or(root.kubernetes(), new AgentConfigFile.Kubernetes(null, null));
        Kubernetes kube = new Kubernetes(rules.integer("kubernetes.retries", k.retries(), 4, 0, 20),
                rules.duration("kubernetes.backoff", k.backoff(), Duration.ofMillis(500), Duration.ZERO,
                        MAX_WAIT));

        Apply apply = apply(root.apply(), rules, period);
        if (apply.mode() == Apply.Mode.RECONCILER && (leader.enabled() || !electionSettings.isEmpty())) {
            throw rules.error("leaderElection" + (leader.enabled() ? ".enabled" : ""), leader.enabled() ? true
                    : "{...}", "apply.mode reconciler elects no leader: run one replica and leave leaderElection out");
        }
        // warned of, not refused: the shipped agent.yaml names it, and may be switched to another mode as it is
        if (root.resourceName() != null && (apply.mode() == Apply.Mode.RECONCILER
                || apply.mode() == Apply.Mode.KNATIVE && !apply.writeResource())) {
            rules.warnings().add(rules.file() + ": resourceName: '" + root.resourceName() + "' is not read: "
                    + (apply.mode() == Apply.Mode.RECONCILER ? "apply.mode reconciler applies every DRLScaleAction of "
                    + "namespace " + namespace + ", whatever its name" : "apply.mode knative writes no DRLScaleAction "
                    + "unless apply.writeResource is true"));
        }
        if (apply.mode() == Apply.Mode.RECONCILER) {
            List<String> unread = new ArrayList<>();
            addIfGiven(unread, "profile", root.profile());
            addIfGiven(unread, "quota", root.quota());
            addIfGiven(unread, "minPods", root.minPods());
            addIfGiven(unread, "prometheus", root.prometheus());
            addIfGiven(unread, "schedule", root.schedule());
            addIfGiven(unread, "policy", root.policy());
            addIfGiven(unread, "predictor", root.predictor());
            addIfGiven(unread, "historyDir", root.historyDir());
            addIfGiven(unread, "stateDir", root.stateDir());
            for (int i = 0; i < root.services().size(); i++) {
                AgentConfigFile.Service s = root.services().get(i);
                addIfGiven(unread, "services[" + i + "].query", s.query());
                addIfGiven(unread, "services[" + i + "].labels", s.labels());
                addIfGiven(unread, "services[" + i + "].maxLoad", s.maxLoad());
            }
            if (!unread.isEmpty()) {
                rules.warnings().add(rules.file() + ": apply.mode reconciler decides nothing, so it does not read "
                        + String.join(", ", unread) + " (they are checked, and may stay for a file shared with a "
                        + "deciding agent)");
            }
        }

        return new AgentConfig(Path.of(rules.file()), namespace, resourceName, profile, quota, minPods, services,
                prometheus, schedule, policy, predictor, history, state, http, leader, kube, apply, rules.warnings());
    }

    private static void addIfGiven(List<String> names, String name, Object value) {
        if (value != null) {
            names.add(name);
        }
    }

    /** Upper bound of {@code apply.revisions.readyTimeout} and {@code podGracePeriod}. */
    public static final Duration MAX_READY_WAIT = Duration.ofMinutes(10);

    /** The default of {@code apply.revisions.readyTimeout}: half the period, at most this. */
    public static final Duration DEFAULT_READY_WAIT = Duration.ofSeconds(60);

    private static Apply apply(AgentConfigFile.Apply a, AgentConfigFile.Rules rules, Duration period) {
        a = or(a, new AgentConfigFile.Apply(null, null, null, null));
        String label = or(a.mode(), Apply.Mode.CR.label());
        Apply.Mode mode = Apply.Mode.of(label);
        if (mode == null) {
            throw rules.error("apply.mode", label, "expected one of cr, knative, reconciler");
        }
        if (a.writeResource() != null && mode != Apply.Mode.KNATIVE) {
            throw rules.error("apply.writeResource", a.writeResource(), "only mode knative reads it; mode cr always "
                    + "writes the resource, mode reconciler only reads it");
        }
        Apply.MinScale minScale = Apply.MinScale.of(or(a.minScale(), Apply.MinScale.PAPER.label()));
        if (minScale == null) {
            throw rules.error("apply.minScale", a.minScale(), "expected paper, decision or none");
        }
        if (mode == Apply.Mode.CR && minScale == Apply.MinScale.NONE) {
            throw rules.error("apply.minScale", a.minScale(), "mode cr writes a podcount, which the operator makes "
                    + "min-scale: none needs mode knative (or a reconciler with minScale none)");
        }
        if (mode == Apply.Mode.RECONCILER && minScale == Apply.MinScale.DECISION) {
            throw rules.error("apply.minScale", a.minScale(), "the reconciler applies each DRLScaleAction's podcount "
                    + "as written (paper, the default) or none; the agent writing it chooses decision");
        }
        AgentConfigFile.Revisions r = or(a.revisions(), new AgentConfigFile.Revisions(null, null, null));
        if (mode == Apply.Mode.CR && a.revisions() != null) {
            List<String> given = new ArrayList<>();
            if (r.deletePrevious() != null) {
                given.add("deletePrevious: " + r.deletePrevious());
            }
            if (r.readyTimeout() != null) {
                given.add("readyTimeout: " + r.readyTimeout().written());
            }
            if (r.podGracePeriod() != null) {
                given.add("podGracePeriod: " + r.podGracePeriod().written());
            }
            throw rules.error("apply.revisions", "{" + String.join(", ", given) + "}", "only modes knative and "
                    + "reconciler change revisions; in mode cr the operator does");
        }
        boolean delete = or(r.deletePrevious(), false);
        // a decision's wait for its new revisions is part of its cycle: in mode knative it must end before the next
        // (the reconciler has no period: its default is the cap)
        Duration least = Duration.ofMillis(100);
        Duration dflt = mode == Apply.Mode.KNATIVE && period.dividedBy(2).compareTo(DEFAULT_READY_WAIT) < 0
                ? period.dividedBy(2) : DEFAULT_READY_WAIT;
        Duration ready = rules.duration("apply.revisions.readyTimeout", r.readyTimeout(),
                dflt.compareTo(least) < 0 ? least : dflt, least, MAX_READY_WAIT);
        if (mode == Apply.Mode.KNATIVE && delete && r.readyTimeout() != null && ready.compareTo(period) >= 0) {
            throw rules.error("apply.revisions.readyTimeout", written(r.readyTimeout()), readAs(r.readyTimeout())
                    + "expected less than schedule.period (" + AgentConfigFile.Rules.text(period) + "): a decision's "
                    + "wait for its new revisions is part of its cycle");
        }
        Duration grace = r.podGracePeriod() == null ? null : rules.duration("apply.revisions.podGracePeriod",
                r.podGracePeriod(), Duration.ZERO, Duration.ZERO, MAX_READY_WAIT);
        if (!delete && (r.readyTimeout() != null || grace != null)) {
            throw rules.error(r.readyTimeout() != null ? "apply.revisions.readyTimeout"
                    : "apply.revisions.podGracePeriod", written(r.readyTimeout() != null ? r.readyTimeout()
                    : r.podGracePeriod()), "only read with apply.revisions.deletePrevious: true");
        }
        if (grace != null && grace.toMillis() % 1000 != 0) {
            throw rules.error("apply.revisions.podGracePeriod", written(r.podGracePeriod()),
                    readAs(r.podGracePeriod()) + "expected whole seconds (a pod's grace period is in seconds)");
        }
        return new Apply(mode, or(a.writeResource(), false), new Revisions(delete, ready, grace), minScale);
    }

    private static <T> T or(T value, T dflt) {
        return AgentConfigFile.Rules.or(value, dflt);
    }

    private static String written(dev.kdrl.env.io.WrittenDuration d) {
        return AgentConfigFile.Rules.written(d);
    }

    private static String readAs(dev.kdrl.env.io.WrittenDuration d) {
        return AgentConfigFile.Rules.readAs(d);
    }

    private static Path optionalFile(AgentConfigFile.Rules rules, String field, String value, Path base) {
        if (value == null) {
            return null;
        }
        Path p = base.resolve(value);
        if (!Files.isReadable(p)) {
            throw rules.error(field, value, "expected a readable file; " + p + " is not");
        }
        return p;
    }

    private static String defaultIdentity() {
        String host = System.getenv("HOSTNAME");
        return host != null && !host.isBlank() ? host : "drl-agent-" + ProcessHandle.current().pid();
    }
}
