package dev.kdrl.agent.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A map read from YAML (SnakeYAML's safe constructor) with typed, path-aware accessors: every wrong type,
 * missing required key or unknown key is a {@link ConfigException} naming the file and the full path.
 */
final class YamlNode {
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)?");

    private final String file;
    private final String path;
    private final Map<String, Object> map;

    YamlNode(String file, String path, Map<String, Object> map) {
        this.file = file;
        this.path = path;
        this.map = map;
    }

    static YamlNode root(String file, Object parsed) {
        if (!(parsed instanceof Map<?, ?> m)) {
            throw new ConfigException(file, "(top level)", parsed, "expected a mapping of settings");
        }
        return new YamlNode(file, "", stringKeys(file, "", m));
    }

    String file() {
        return file;
    }

    String path(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    ConfigException error(String key, Object value, String rule) {
        return new ConfigException(file, path(key), value, rule);
    }

    /** Fails on keys that are not in {@code allowed} (typos must not be silently ignored). */
    void allowOnly(List<String> allowed) {
        for (String k : map.keySet()) {
            if (!allowed.contains(k)) {
                throw error(k, map.get(k), "unknown setting; expected one of " + allowed);
            }
        }
    }

    boolean has(String key) {
        return map.get(key) != null;
    }

    Object raw(String key) {
        return map.get(key);
    }

    String string(String key, String dflt) {
        Object v = map.get(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Map || v instanceof List) {
            throw error(key, v, "expected a string");
        }
        String s = v.toString();
        if (s.isBlank()) {
            throw error(key, s, "expected a non-blank string");
        }
        return s;
    }

    String requiredString(String key) {
        String s = string(key, null);
        if (s == null) {
            throw error(key, null, "required");
        }
        return s;
    }

    double number(String key, double dflt, double min, boolean minExclusive) {
        Object v = map.get(key);
        if (v == null) {
            return dflt;
        }
        if (!(v instanceof Number n) || !Double.isFinite(n.doubleValue())) {
            throw error(key, v, "expected a finite number");
        }
        double d = n.doubleValue();
        if (minExclusive ? !(d > min) : !(d >= min)) {
            throw error(key, v, "expected a number " + (minExclusive ? "> " : ">= ") + fmt(min));
        }
        return d;
    }

    Double optionalNumber(String key, double min, boolean minExclusive) {
        return has(key) ? number(key, 0, min, minExclusive) : null;
    }

    int integer(String key, int dflt, int min, int max) {
        Object v = map.get(key);
        if (v == null) {
            return dflt;
        }
        if (!(v instanceof Integer i) || i < min || i > max) {
            throw error(key, v, "expected an integer in [" + min + ", " + max + "]");
        }
        return i;
    }

    boolean bool(String key, boolean dflt) {
        Object v = map.get(key);
        if (v == null) {
            return dflt;
        }
        if (!(v instanceof Boolean b)) {
            throw error(key, v, "expected true or false");
        }
        return b;
    }

    /** {@code 120s}, {@code 500ms}, {@code 2m}, {@code 1h}, or a plain number of seconds. */
    Duration duration(String key, Duration dflt, Duration min) {
        Object v = map.get(key);
        if (v == null) {
            return dflt;
        }
        Duration d = null;
        if (v instanceof Number n && Double.isFinite(n.doubleValue()) && n.doubleValue() >= 0) {
            d = Duration.ofNanos(Math.round(n.doubleValue() * 1e9));
        } else if (v instanceof String s) {
            Matcher m = DURATION.matcher(s.strip().toLowerCase(Locale.ROOT));
            if (m.matches()) {
                double x = Double.parseDouble(m.group(1));
                String unit = m.group(2) == null ? "s" : m.group(2);
                double nanos = switch (unit) {
                    case "ms" -> x * 1e6;
                    case "m" -> x * 60e9;
                    case "h" -> x * 3600e9;
                    default -> x * 1e9;
                };
                d = Duration.ofNanos(Math.round(nanos));
            }
        }
        if (d == null) {
            throw error(key, v, "expected a duration such as 120s, 500ms or 2m");
        }
        if (d.compareTo(min) < 0) {
            throw error(key, v, "expected a duration >= " + min.toMillis() + "ms");
        }
        return d;
    }

    YamlNode child(String key) {
        Object v = map.get(key);
        if (v == null) {
            return new YamlNode(file, path(key), Map.of());
        }
        if (!(v instanceof Map<?, ?> m)) {
            throw error(key, v, "expected a mapping");
        }
        return new YamlNode(file, path(key), stringKeys(file, path(key), m));
    }

    List<YamlNode> children(String key) {
        Object v = map.get(key);
        if (v == null) {
            throw error(key, null, "required: a list");
        }
        if (!(v instanceof List<?> list) || list.isEmpty()) {
            throw error(key, v, "expected a non-empty list");
        }
        List<YamlNode> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String p = path(key) + "[" + i + "]";
            if (!(list.get(i) instanceof Map<?, ?> m)) {
                throw new ConfigException(file, p, list.get(i), "expected a mapping");
            }
            out.add(new YamlNode(file, p, stringKeys(file, p, m)));
        }
        return out;
    }

    /** A mapping of string to scalar, e.g. query labels. */
    Map<String, String> stringMap(String key) {
        YamlNode c = child(key);
        Map<String, String> out = new LinkedHashMap<>();
        for (String k : c.map.keySet()) {
            String v = c.string(k, null);
            if (v == null) {
                throw c.error(k, null, "expected a non-blank string value");
            }
            out.put(k, v);
        }
        return out;
    }

    private static Map<String, Object> stringKeys(String file, String path, Map<?, ?> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getKey() instanceof String k)) {
                throw new ConfigException(file, path.isEmpty() ? "(top level)" : path, e.getKey(),
                        "keys must be strings");
            }
            out.put(k, e.getValue());
        }
        return out;
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
