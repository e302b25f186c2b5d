package dev.kdrl.env.profile;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.kdrl.core.io.IoReasons;
import dev.kdrl.env.cluster.ClusterParams;
import dev.kdrl.env.io.CsvText;
import dev.kdrl.env.io.YamlException;
import dev.kdrl.env.io.YamlReader;
import dev.kdrl.env.quota.Limit;
import dev.kdrl.env.quota.ServiceConfig;
import dev.kdrl.env.quota.ServiceProfile;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads and writes a {@link ClusterSpec} as YAML (UTF-8):
 *
 * <pre>{@code
 * quota: 40          # cores, required
 * minPods: 1         # optional, default 1
 * services:
 *   - name: house
 *     sloMs: 1200
 *     khpaLatencyThresholdMs: 730
 *     maxPodStep: 0          # optional, default 0 = no limit
 *     configs:
 *       - {cpu: 1.5, concurrency: 10, latencyMs: 1100}
 *       - {cpu: 2, concurrency: 10, latencyMs: 690}
 *     cluster: {startupSeconds: 12}   # optional: this service's own dynamics parameters
 * cluster:           # optional: the cluster-faithful dynamics' parameters (ClusterParams), every key optional
 *   tickSeconds: 2
 *   startupSeconds: 4   # and drainSeconds, concurrencyLimit, queueDepth, queueProxyCpu: every service's default
 * }</pre>
 *
 * <p>The {@code cluster} keys and their defaults and sources are {@link ClusterParams}'s; a file without them reads as
 * before (and {@link ClusterSpec#cluster()} is {@code null}). A value out of range is a {@link ProfileFormatException}
 * naming the key's path, e.g. {@code cluster.tickSeconds} or {@code services[1].cluster.drainSeconds}.
 *
 * <p>Bound by {@link YamlReader} (Jackson, YAML 1.2: any style, quoting, anchors and aliases; only the core schema's tags, such as {@code !!str}). Numbers
 * may be YAML integers or floats, must be finite and &gt; 0 (a quoted number is a string); {@code minPods} and
 * {@code maxPodStep} are integers &gt;= 0. A config's index in {@code configs} is its action. Unknown keys,
 * duplicate keys, wrong types (a string for a number, a list for a map, ...), a null, a missing required key,
 * an empty service or config list and duplicate service names are all {@link ProfileFormatException}s
 * naming the file, the path (e.g. {@code services[1].configs[2].cpu}), the value and the expectation;
 * YAML syntax errors name the line.
 */
public final class ProfileYaml {

    private static final String POSITIVE = "a finite number > 0";
    /** A CPU amount in cores, as Kubernetes users often write millicores instead. */
    private static final String CORES = "a finite number > 0 of cores, e.g. 0.5 for 500m";

    private ProfileYaml() {
    }

    /**
     * Reads a cluster file (UTF-8); messages name the file as {@code file.toString()}.
     *
     * @throws UncheckedIOException    on I/O errors
     * @throws ProfileFormatException on invalid content
     */
    public static ClusterSpec read(Path file) {
        return read(file, null);
    }

    /** Reads a cluster from {@code reader} (not closed); {@code sourceName} is used in messages. */
    public static ClusterSpec read(Reader reader, String sourceName) {
        return parse(ProfileCsv.readAll(reader, sourceName), sourceName, null);
    }

    /** As {@link #read(Path)}, but {@code quotaIfMissing} (if not null) stands in for a missing {@code quota}. */
    static ClusterSpec read(Path file, Double quotaIfMissing) {
        String source = file.toString();
        String text = CsvText.read(file, "profile");
        return parse(text, source, quotaIfMissing);
    }

    /** Writes {@code spec} in the format {@link #read} reads; integral numbers are written without ".0". */
    public static void write(ClusterSpec spec, Path file) {
        try {
            Files.writeString(file, toYaml(spec), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write profile " + file + ": " + IoReasons.of(e), e);
        }
    }

    /** The YAML text {@link #write} writes. */
    public static String toYaml(ClusterSpec spec) {
        StringBuilder sb = new StringBuilder();
        sb.append("quota: ").append(num(spec.quota())).append("          # cores\n");
        sb.append("minPods: ").append(spec.minPods()).append('\n');
        sb.append("services:\n");
        for (ServiceProfile s : spec.services()) {
            sb.append("  - name: ").append(string(s.name())).append('\n');
            sb.append("    sloMs: ").append(num(s.sloMs())).append('\n');
            sb.append("    khpaLatencyThresholdMs: ").append(num(s.khpaLatencyThresholdMs())).append('\n');
            sb.append("    maxPodStep: ").append(s.maxPodStep())
                    .append(s.maxPodStep() == 0 ? "          # 0 = no limit\n" : "\n");
            sb.append("    configs:                # action 0, 1, 2, ...\n");
            for (ServiceConfig c : s.configs()) {
                sb.append("      - {cpu: ").append(num(c.cpu())).append(", concurrency: ").append(num(c.concurrency()))
                        .append(", latencyMs: ").append(num(c.latencyMs())).append("}\n");
            }
            ClusterParams.ServiceParams own = spec.cluster() == null ? null : spec.cluster().services().get(s.name());
            if (own != null) {
                sb.append("    cluster: ").append(serviceParams(own)).append('\n');
            }
        }
        ClusterParams c = spec.cluster();
        if (c != null) {
            sb.append("cluster:            # the cluster-faithful dynamics\n");
            sb.append("  tickSeconds: ").append(num(c.tickSeconds())).append('\n');
            sb.append("  periodSeconds: ").append(num(c.periodSeconds())).append('\n');
            sb.append("  stableWindowSeconds: ").append(num(c.stableWindowSeconds())).append('\n');
            sb.append("  panicWindowPercentage: ").append(num(c.panicWindowPercentage())).append('\n');
            sb.append("  panicThresholdPercentage: ").append(num(c.panicThresholdPercentage())).append('\n');
            sb.append("  maxScaleUpRate: ").append(num(c.maxScaleUpRate())).append('\n');
            sb.append("  maxScaleDownRate: ").append(num(c.maxScaleDownRate())).append('\n');
            sb.append("  targetUtilisation: ").append(num(c.targetUtilisation())).append('\n');
            sb.append("  scaleToZeroGraceSeconds: ").append(num(c.scaleToZeroGraceSeconds())).append('\n');
            sb.append("  progressDeadlineSeconds: ").append(num(c.progressDeadlineSeconds())).append('\n');
            sb.append("  schedulingSeconds: ").append(num(c.schedulingSeconds())).append('\n');
            sb.append("  operatorDeletesOldRevision: ").append(c.operatorDeletesOldRevision()).append('\n');
            sb.append("  interpolateLoad: ").append(c.interpolateLoad()).append('\n');
            ClusterParams.ServiceParams d = c.defaults();
            sb.append("  startupSeconds: ").append(num(d.startupSeconds())).append('\n');
            sb.append("  drainSeconds: ").append(num(d.drainSeconds())).append('\n');
            sb.append("  concurrencyLimit: ").append(num(d.concurrencyLimit())).append('\n');
            sb.append("  queueDepth: ").append(num(d.queueDepth())).append('\n');
            sb.append("  queueProxyCpu: ").append(num(d.queueProxyCpu())).append('\n');
        }
        return sb.toString();
    }

    // ---- writing helpers ----

    private static String serviceParams(ClusterParams.ServiceParams p) {
        return "{startupSeconds: " + num(p.startupSeconds()) + ", drainSeconds: " + num(p.drainSeconds())
                + ", concurrencyLimit: " + num(p.concurrencyLimit()) + ", queueDepth: " + num(p.queueDepth())
                + ", queueProxyCpu: " + num(p.queueProxyCpu()) + "}";
    }

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]*");
    private static final Pattern RESERVED = Pattern.compile(
            "(?i)y|n|yes|no|true|false|on|off|null|nan|inf");

    private static String num(double v) {
        return ProfileCsv.formatNumber(v);
    }

    /** A YAML scalar reading back as exactly {@code s}: plain when safe, else double-quoted. */
    static String string(String s) {
        if (PLAIN.matcher(s).matches() && !RESERVED.matcher(s).matches()) {
            return s;
        }
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (ch < 0x20 || ch == 0x7f || (ch >= 0x80 && ch <= 0x9f) || ch == '\u2028' || ch == '\u2029'
                            || ch == '\uFEFF') {
                        sb.append(String.format("\\u%04x", (int) ch));
                    } else {
                        sb.append(ch);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    // ---- parsing ----

    private static final String NAME = "a non-blank service name";
    private static final String MIN_PODS = "an integer >= 0";
    private static final String MAX_POD_STEP = "an integer >= 0; 0 = no limit";
    private static final String SERVICES = "a list of services";
    private static final String CONFIGS = "a list of configs {cpu, concurrency, latencyMs}";

    /** The document as written; a key left out is {@code null} (the checks below say which are required). */
    private record ClusterYaml(@JsonPropertyDescription(POSITIVE) Number quota,
                               @JsonPropertyDescription(MIN_PODS) Integer minPods,
                               @JsonPropertyDescription(SERVICES) List<ServiceYaml> services,
                               @JsonPropertyDescription(DYNAMICS) DynamicsYaml cluster) {
    }

    private record ServiceYaml(@JsonPropertyDescription(NAME) String name,
                               @JsonPropertyDescription(POSITIVE) Number sloMs,
                               @JsonPropertyDescription(POSITIVE) Number khpaLatencyThresholdMs,
                               @JsonPropertyDescription(MAX_POD_STEP) Integer maxPodStep,
                               @JsonPropertyDescription(CONFIGS) List<ConfigYaml> configs,
                               @JsonPropertyDescription(SERVICE_DYNAMICS) ServiceDynamicsYaml cluster) {
    }

    private static final String DYNAMICS = "a map of the cluster dynamics' parameters";
    private static final String SERVICE_DYNAMICS = "a map of startupSeconds, drainSeconds, concurrencyLimit, "
            + "queueDepth, queueProxyCpu";
    private static final String NUMBER = "a number";
    private static final String BOOLEAN = "true or false";

    /** The {@code cluster:} keys; see {@link ClusterParams}. */
    private record DynamicsYaml(@JsonPropertyDescription(NUMBER) Number tickSeconds,
                                @JsonPropertyDescription(NUMBER) Number periodSeconds,
                                @JsonPropertyDescription(NUMBER) Number stableWindowSeconds,
                                @JsonPropertyDescription(NUMBER) Number panicWindowPercentage,
                                @JsonPropertyDescription(NUMBER) Number panicThresholdPercentage,
                                @JsonPropertyDescription(NUMBER) Number maxScaleUpRate,
                                @JsonPropertyDescription(NUMBER) Number maxScaleDownRate,
                                @JsonPropertyDescription(NUMBER) Number targetUtilisation,
                                @JsonPropertyDescription(NUMBER) Number scaleToZeroGraceSeconds,
                                @JsonPropertyDescription(NUMBER) Number progressDeadlineSeconds,
                                @JsonPropertyDescription(NUMBER) Number schedulingSeconds,
                                @JsonPropertyDescription(BOOLEAN) Boolean operatorDeletesOldRevision,
                                @JsonPropertyDescription(BOOLEAN) Boolean interpolateLoad,
                                @JsonPropertyDescription(NUMBER) Number startupSeconds,
                                @JsonPropertyDescription(NUMBER) Number drainSeconds,
                                @JsonPropertyDescription(NUMBER) Number concurrencyLimit,
                                @JsonPropertyDescription(NUMBER) Number queueDepth,
                                @JsonPropertyDescription(NUMBER) Number queueProxyCpu) {
    }

    /** A service's own {@code cluster:} keys; see {@link ClusterParams.ServiceParams}. */
    private record ServiceDynamicsYaml(@JsonPropertyDescription(NUMBER) Number startupSeconds,
                                       @JsonPropertyDescription(NUMBER) Number drainSeconds,
                                       @JsonPropertyDescription(NUMBER) Number concurrencyLimit,
                                       @JsonPropertyDescription(NUMBER) Number queueDepth,
                                       @JsonPropertyDescription(NUMBER) Number queueProxyCpu) {
    }

    private record ConfigYaml(@JsonPropertyDescription(CORES) Number cpu,
                              @JsonPropertyDescription(POSITIVE) Number concurrency,
                              @JsonPropertyDescription(POSITIVE) Number latencyMs) {
    }

    private static ClusterSpec parse(String text, String source, Double quotaIfMissing) {
        ClusterYaml top;
        try {
            top = YamlReader.read(text, source, ClusterYaml.class, YamlReader.Nulls.REFUSED);
        } catch (YamlException e) {
            String path = e.path().isEmpty() ? null : e.path();
            String detail = switch (e.kind()) {
                case SYNTAX -> "invalid YAML: " + e.detail() + " (expected " + e.expected() + ")";
                case EMPTY -> "is empty (expected " + e.expected() + ")";
                case UNKNOWN_KEY -> "unknown key '" + e.detail() + "' (allowed keys: "
                        + String.join(", ", e.knownKeys()) + ")";
                case BAD_VALUE -> describe(e.value()) + " is not valid (expected " + e.expected() + ")";
            };
            throw new ProfileFormatException(source, e.kind() == YamlException.Kind.SYNTAX ? e.line() : 0, null,
                    path, detail, e);
        }
        return new Checks(source).cluster(top, quotaIfMissing);
    }

    /** The rules the types do not say: required keys, ranges, non-empty lists, unique names. */
    private static final class Checks {
        private final String source;

        Checks(String source) {
            this.source = source;
        }

        ClusterSpec cluster(ClusterYaml top, Double quotaIfMissing) {
            double quota;
            if (top.quota() != null) {
                quota = inRange(top.quota(), "quota", Limit.QUOTA);
            } else if (quotaIfMissing != null) {
                quota = quotaIfMissing;
            } else {
                throw missing("quota", "quota", "the namespace CPU quota in cores, " + POSITIVE);
            }
            int minPods = top.minPods() != null
                    ? nonNegative(top.minPods(), "minPods", MIN_PODS)
                    : ClusterSpec.DEFAULT_MIN_PODS;
            if (top.services() == null) {
                throw missing("services", "services", SERVICES);
            }
            if (top.services().isEmpty()) {
                throw ProfileFormatException.yaml(source, "services",
                        "an empty list is not valid (expected at least one service)");
            }
            List<ServiceProfile> services = new ArrayList<>(top.services().size());
            Map<String, Integer> seen = new HashMap<>();
            for (int i = 0; i < top.services().size(); i++) {
                String path = "services[" + i + "]";
                ServiceProfile s = service(top.services().get(i), path);
                Integer prev = seen.putIfAbsent(s.name(), i);
                if (prev != null) {
                    throw ProfileFormatException.yaml(source, path + ".name", "'" + s.name()
                            + "' is not valid (expected a unique service name; services[" + prev + "] has it too)");
                }
                services.add(s);
            }
            return new ClusterSpec(services, quota, minPods, dynamics(top));
        }

        /** The {@code cluster:} block and every service's own; {@code null} when the file has none. */
        private ClusterParams dynamics(ClusterYaml top) {
            boolean anyService = top.services().stream().anyMatch(s -> s.cluster() != null);
            if (top.cluster() == null && !anyService) {
                return null;
            }
            ClusterParams d = ClusterParams.DEFAULTS;
            DynamicsYaml y = top.cluster() == null
                    ? new DynamicsYaml(null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                    null, null, null, null)
                    : top.cluster();
            ClusterParams.ServiceParams sd = d.defaults();
            ClusterParams.ServiceParams defaults = serviceParams("cluster", sd, y.startupSeconds(), y.drainSeconds(),
                    y.concurrencyLimit(), y.queueDepth(), y.queueProxyCpu());
            Map<String, ClusterParams.ServiceParams> own = new java.util.TreeMap<>();
            for (int i = 0; i < top.services().size(); i++) {
                ServiceDynamicsYaml s = top.services().get(i).cluster();
                if (s != null) {
                    own.put(top.services().get(i).name(), serviceParams("services[" + i + "].cluster", defaults,
                            s.startupSeconds(), s.drainSeconds(), s.concurrencyLimit(), s.queueDepth(),
                            s.queueProxyCpu()));
                }
            }
            try {
                return new ClusterParams(or(y.tickSeconds(), d.tickSeconds()), or(y.periodSeconds(), d.periodSeconds()),
                        or(y.stableWindowSeconds(), d.stableWindowSeconds()),
                        or(y.panicWindowPercentage(), d.panicWindowPercentage()),
                        or(y.panicThresholdPercentage(), d.panicThresholdPercentage()),
                        or(y.maxScaleUpRate(), d.maxScaleUpRate()), or(y.maxScaleDownRate(), d.maxScaleDownRate()),
                        or(y.targetUtilisation(), d.targetUtilisation()),
                        or(y.scaleToZeroGraceSeconds(), d.scaleToZeroGraceSeconds()),
                        or(y.progressDeadlineSeconds(), d.progressDeadlineSeconds()),
                        or(y.schedulingSeconds(), d.schedulingSeconds()),
                        y.operatorDeletesOldRevision() != null ? y.operatorDeletesOldRevision()
                                : d.operatorDeletesOldRevision(),
                        y.interpolateLoad() != null ? y.interpolateLoad() : d.interpolateLoad(), defaults, own);
            } catch (ClusterParams.InvalidParameterException e) {
                throw invalid("cluster." + e.field(), e.value(), e.expected());
            }
        }

        private ClusterParams.ServiceParams serviceParams(String path, ClusterParams.ServiceParams base,
                                                          Number startup, Number drain, Number limit, Number queue,
                                                          Number queueProxy) {
            try {
                return new ClusterParams.ServiceParams(or(startup, base.startupSeconds()),
                        or(drain, base.drainSeconds()), or(limit, base.concurrencyLimit()),
                        or(queue, base.queueDepth()), or(queueProxy, base.queueProxyCpu()));
            } catch (ClusterParams.InvalidParameterException e) {
                throw invalid(path + "." + e.field(), e.value(), e.expected());
            }
        }

        private static double or(Number value, double otherwise) {
            return value == null ? otherwise : value.doubleValue();
        }

        private ServiceProfile service(ServiceYaml s, String path) {
            if (s.name() == null) {
                throw missing("name", path + ".name", NAME);
            }
            double slo = inRange(required(s.sloMs(), "sloMs", path), path + ".sloMs", Limit.MILLISECONDS);
            double threshold = inRange(required(s.khpaLatencyThresholdMs(), "khpaLatencyThresholdMs", path),
                    path + ".khpaLatencyThresholdMs", Limit.MILLISECONDS);
            int maxPodStep = s.maxPodStep() != null
                    ? nonNegative(s.maxPodStep(), path + ".maxPodStep", MAX_POD_STEP)
                    : 0;
            if (s.configs() == null) {
                throw missing("configs", path + ".configs", CONFIGS);
            }
            if (s.configs().isEmpty()) {
                throw ProfileFormatException.yaml(source, path + ".configs",
                        "an empty list is not valid (expected at least one config)");
            }
            List<ServiceConfig> configs = new ArrayList<>(s.configs().size());
            for (int j = 0; j < s.configs().size(); j++) {
                String cpath = path + ".configs[" + j + "]";
                ConfigYaml c = s.configs().get(j);
                configs.add(new ServiceConfig(
                        inRange(required(c.cpu(), "cpu", cpath, CORES), cpath + ".cpu", Limit.CPU),
                        inRange(required(c.concurrency(), "concurrency", cpath), cpath + ".concurrency",
                                Limit.CONCURRENCY),
                        inRange(required(c.latencyMs(), "latencyMs", cpath), cpath + ".latencyMs", Limit.MILLISECONDS)));
            }
            return new ServiceProfile(s.name(), slo, threshold, maxPodStep, configs);
        }

        private double required(Number value, String key, String path) {
            return required(value, key, path, POSITIVE);
        }

        private double required(Number value, String key, String path, String expected) {
            if (value == null) {
                throw missing(key, path + "." + key, expected);
            }
            return positive(value, path + "." + key, expected);
        }

        private double positive(Number value, String path) {
            return positive(value, path, POSITIVE);
        }

        /** A number &gt; 0 that must also lie in {@code limit}'s range. */
        private double inRange(Number value, String path, Limit limit) {
            return inRange(positive(value, path), path, limit);
        }

        private double inRange(double v, String path, Limit limit) {
            if (!limit.contains(v)) {
                throw ProfileFormatException.yaml(source, path, "'" + v + "' is out of range (expected a number "
                        + limit.range() + ")");
            }
            return v;
        }

        private double positive(Number value, String path, String expected) {
            double v = value.doubleValue();
            if (!(v > 0) || Double.isInfinite(v)) {
                throw invalid(path, value, expected);
            }
            return v;
        }

        private int nonNegative(int value, String path, String expected) {
            if (value < 0) {
                throw invalid(path, value, expected);
            }
            return value;
        }

        private ProfileFormatException missing(String key, String path, String expected) {
            return ProfileFormatException.yaml(source, path, "missing key '" + key + "' (expected " + expected + ")");
        }

        private ProfileFormatException invalid(String path, Object value, String expected) {
            return ProfileFormatException.yaml(source, path, describe(value) + " is not valid (expected " + expected
                    + ")");
        }
    }

    /** A short description of a YAML value for messages, e.g. {@code the string 'abc'} or {@code '-2'}. */
    static String describe(Object v) {
        if (v == null) {
            return "an empty value (null)";
        }
        if (v instanceof String s) {
            return "the string '" + abbreviate(s) + "'";
        }
        if (v instanceof Boolean b) {
            return "the boolean '" + b + "'";
        }
        if (v instanceof Number n) {
            return "'" + n + "'";
        }
        if (v instanceof Map<?, ?> m) {
            return "a map " + abbreviate(m.toString());
        }
        if (v instanceof List<?> l) {
            return "a list " + abbreviate(l.toString());
        }
        return "a " + v.getClass().getSimpleName() + " '" + abbreviate(String.valueOf(v)) + "'";
    }

    private static String abbreviate(String s) {
        String one = s.replaceAll("\\s+", " ");
        return one.length() <= 60 ? one : one.substring(0, 57) + "...";
    }
}
