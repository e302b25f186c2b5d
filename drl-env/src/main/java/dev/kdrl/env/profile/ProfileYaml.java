package dev.kdrl.env.profile;

import dev.kdrl.env.io.CsvText;
import dev.kdrl.env.quota.ServiceConfig;
import dev.kdrl.env.quota.ServiceProfile;
import java.io.IOException;
import java.io.StringReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

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
 * }</pre>
 *
 * <p>Loaded with SnakeYAML's safe constructor into plain maps and lists (no bean construction, no custom
 * tags). Numbers may be YAML integers or floats, must be finite and &gt; 0; {@code minPods} and
 * {@code maxPodStep} are integers &gt;= 0. A config's index in {@code configs} is its action. Unknown keys,
 * duplicate keys, wrong types (a string for a number, a list for a map, ...), a missing required key,
 * an empty service or config list and duplicate service names are all {@link ProfileFormatException}s
 * naming the file, the path (e.g. {@code services[1].configs[2].cpu}), the value and the expectation;
 * YAML syntax errors name the line.
 */
public final class ProfileYaml {

    static final List<String> TOP_KEYS = List.of("quota", "minPods", "services");
    static final List<String> SERVICE_KEYS = List.of("name", "sloMs", "khpaLatencyThresholdMs", "maxPodStep", "configs");
    static final List<String> CONFIG_KEYS = List.of("cpu", "concurrency", "latencyMs");

    private static final String POSITIVE = "a finite number > 0";

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
            throw new UncheckedIOException("cannot write profile " + file + ": " + e.getMessage(), e);
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
        }
        return sb.toString();
    }

    // ---- writing helpers ----

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

    private static ClusterSpec parse(String text, String source, Double quotaIfMissing) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        Yaml yaml = new Yaml(new SafeConstructor(options));
        Object root;
        try {
            root = yaml.load(new StringReader(text));
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            long line = mark == null ? 0 : mark.getLine() + 1;
            String problem = e.getProblem() != null ? e.getProblem() : e.getMessage();
            String context = e.getContext() != null ? e.getContext() + ": " : "";
            throw new ProfileFormatException(source, line, null, null,
                    "invalid YAML: " + context + problem + " (expected a map with keys " + String.join(", ", TOP_KEYS)
                            + ")", e);
        } catch (YAMLException e) {
            throw new ProfileFormatException(source, 0, null, null, "invalid YAML: " + e.getMessage(), e);
        }
        return new Parser(source).cluster(root, quotaIfMissing);
    }

    /** Walks the plain map/list tree, tracking the path for messages. */
    private static final class Parser {
        private final String source;

        Parser(String source) {
            this.source = source;
        }

        ClusterSpec cluster(Object root, Double quotaIfMissing) {
            if (root == null) {
                throw ProfileFormatException.yaml(source, null,
                        "is empty (expected a map with keys " + String.join(", ", TOP_KEYS) + ")");
            }
            Map<String, Object> top = map(root, "", TOP_KEYS);
            double quota;
            if (top.containsKey("quota")) {
                quota = positive(top.get("quota"), "quota");
            } else if (quotaIfMissing != null) {
                quota = quotaIfMissing;
            } else {
                throw missing("quota", "quota", "the namespace CPU quota in cores, " + POSITIVE);
            }
            int minPods = top.containsKey("minPods")
                    ? nonNegativeInt(top.get("minPods"), "minPods", "an integer >= 0")
                    : ClusterSpec.DEFAULT_MIN_PODS;
            if (!top.containsKey("services")) {
                throw missing("services", "services", "a list of services");
            }
            List<Object> list = list(top.get("services"), "services", "a list of services");
            if (list.isEmpty()) {
                throw ProfileFormatException.yaml(source, "services",
                        "an empty list is not valid (expected at least one service)");
            }
            List<ServiceProfile> services = new ArrayList<>(list.size());
            Map<String, Integer> seen = new HashMap<>();
            for (int i = 0; i < list.size(); i++) {
                String path = "services[" + i + "]";
                ServiceProfile s = service(list.get(i), path);
                Integer prev = seen.putIfAbsent(s.name(), i);
                if (prev != null) {
                    throw ProfileFormatException.yaml(source, path + ".name", "'" + s.name()
                            + "' is not valid (expected a unique service name; services[" + prev + "] has it too)");
                }
                services.add(s);
            }
            return new ClusterSpec(services, quota, minPods);
        }

        private ServiceProfile service(Object node, String path) {
            Map<String, Object> m = map(node, path, SERVICE_KEYS);
            if (!m.containsKey("name")) {
                throw missing("name", path + ".name", "a non-blank service name");
            }
            Object nameNode = m.get("name");
            if (!(nameNode instanceof String name) || name.isBlank()) {
                throw invalid(path + ".name", nameNode, "a non-blank service name");
            }
            double slo = required(m, "sloMs", path);
            double threshold = required(m, "khpaLatencyThresholdMs", path);
            int maxPodStep = m.containsKey("maxPodStep")
                    ? nonNegativeInt(m.get("maxPodStep"), path + ".maxPodStep", "an integer >= 0; 0 = no limit")
                    : 0;
            if (!m.containsKey("configs")) {
                throw missing("configs", path + ".configs", "a list of configs {cpu, concurrency, latencyMs}");
            }
            List<Object> list = list(m.get("configs"), path + ".configs",
                    "a list of configs {cpu, concurrency, latencyMs}");
            if (list.isEmpty()) {
                throw ProfileFormatException.yaml(source, path + ".configs",
                        "an empty list is not valid (expected at least one config)");
            }
            List<ServiceConfig> configs = new ArrayList<>(list.size());
            for (int j = 0; j < list.size(); j++) {
                String cpath = path + ".configs[" + j + "]";
                Map<String, Object> c = map(list.get(j), cpath, CONFIG_KEYS);
                configs.add(new ServiceConfig(required(c, "cpu", cpath), required(c, "concurrency", cpath),
                        required(c, "latencyMs", cpath)));
            }
            return new ServiceProfile(name, slo, threshold, maxPodStep, configs);
        }

        private double required(Map<String, Object> m, String key, String path) {
            if (!m.containsKey(key)) {
                throw missing(key, path + "." + key, POSITIVE);
            }
            return positive(m.get(key), path + "." + key);
        }

        @SuppressWarnings("unchecked")
        private Map<String, Object> map(Object node, String path, List<String> allowed) {
            String expected = "a map with keys " + String.join(", ", allowed);
            if (!(node instanceof Map<?, ?> raw)) {
                throw invalid(path, node, expected);
            }
            for (Map.Entry<?, ?> e : raw.entrySet()) {
                Object k = e.getKey();
                String keyPath = (path.isEmpty() ? "" : path + ".") + k;
                if (!(k instanceof String key)) {
                    throw ProfileFormatException.yaml(source, keyPath, "key " + describe(k)
                            + " is not valid (allowed keys: " + String.join(", ", allowed) + ")");
                }
                if (!allowed.contains(key)) {
                    throw ProfileFormatException.yaml(source, keyPath, "unknown key '" + key + "' (allowed keys: "
                            + String.join(", ", allowed) + ")");
                }
            }
            return (Map<String, Object>) raw;
        }

        @SuppressWarnings("unchecked")
        private List<Object> list(Object node, String path, String expected) {
            if (!(node instanceof List<?>)) {
                throw invalid(path, node, expected);
            }
            return (List<Object>) node;
        }

        private double positive(Object node, String path) {
            if (!(node instanceof Number n) || node instanceof BigDecimal) {
                throw invalid(path, node, POSITIVE);
            }
            double v = n.doubleValue();
            if (!(v > 0) || Double.isInfinite(v)) {
                throw invalid(path, node, POSITIVE);
            }
            return v;
        }

        private int nonNegativeInt(Object node, String path, String expected) {
            boolean integral = node instanceof Integer || node instanceof Long || node instanceof BigInteger;
            if (!integral) {
                throw invalid(path, node, expected);
            }
            long v;
            try {
                v = node instanceof BigInteger b ? b.longValueExact() : ((Number) node).longValue();
            } catch (ArithmeticException e) {
                throw invalid(path, node, expected);
            }
            if (v < 0 || v > Integer.MAX_VALUE) {
                throw invalid(path, node, expected);
            }
            return (int) v;
        }

        private ProfileFormatException missing(String key, String path, String expected) {
            return ProfileFormatException.yaml(source, path, "missing key '" + key + "' (expected " + expected + ")");
        }

        private ProfileFormatException invalid(String path, Object value, String expected) {
            return ProfileFormatException.yaml(source, path.isEmpty() ? null : path,
                    describe(value) + " is not valid (expected " + expected + ")");
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
