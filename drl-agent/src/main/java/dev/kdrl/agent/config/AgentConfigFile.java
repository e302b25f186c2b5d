package dev.kdrl.agent.config;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The agent's configuration file as written, bound by {@code YamlReader}: the keys and their types. A key left
 * out (or set to {@code ~}) is {@code null}; {@link AgentConfig#load} applies the defaults and the rules.
 */
final class AgentConfigFile {

    private AgentConfigFile() {
    }

    record Root(String namespace, String resourceName, String profile, Double quota, Integer minPods,
                @JsonPropertyDescription("a non-empty list") List<Service> services, Prometheus prometheus,
                Schedule schedule, Policy policy, Predictor predictor, String historyDir, String stateDir, Http http,
                LeaderElection leaderElection, Kubernetes kubernetes, Apply apply) {
    }

    record Service(String name, String knativeService, String query, Map<String, String> labels, Double maxLoad,
                   Integer maxPods) {
    }

    record Prometheus(String url, Duration timeout, Integer retries, Duration backoff, String bearerTokenFile,
                      BasicAuth basicAuth, String caFile) {
    }

    record BasicAuth(String username, String passwordFile) {
    }

    record Schedule(Duration period, Duration offset, Duration deadline) {
    }

    record Policy(String model, String planner, Boolean deterministic, Integer seed, Double confidence) {
    }

    record Predictor(String kind, String model, Integer window, Double alpha, Double beta, Double maxLoad) {
        /** The settings only some kinds read, those given. */
        Map<String, Object> kindSettings() {
            Map<String, Object> given = new LinkedHashMap<>();
            given.put("window", window);
            given.put("alpha", alpha);
            given.put("beta", beta);
            given.put("maxLoad", maxLoad);
            given.values().removeIf(v -> v == null);
            return given;
        }
    }

    record Http(Boolean enabled, String bind, Integer port) {
    }

    record LeaderElection(Boolean enabled, String leaseName, String identity, Duration leaseDuration,
                          Duration renewDeadline, Duration retryPeriod) {
    }

    record Kubernetes(Integer retries, Duration backoff) {
    }

    record Apply(String mode, Boolean writeResource, Revisions revisions) {
    }

    record Revisions(Boolean deletePrevious, Duration readyTimeout, Duration podGracePeriod) {
    }

    /** Defaults and ranges of bound values; a value out of range is a {@link ConfigException} naming the file. */
    record Rules(String file) {

        ConfigException error(String field, Object value, String rule) {
            return new ConfigException(file, field, value, rule);
        }

        static <T> T or(T value, T dflt) {
            return value != null ? value : dflt;
        }

        int integer(String field, Integer value, int dflt, int min, int max) {
            if (value == null) {
                return dflt;
            }
            if (value < min || value > max) {
                throw error(field, value, "expected an integer in [" + min + ", " + max + "]");
            }
            return value;
        }

        double number(String field, Double value, double dflt, double min, boolean minExclusive, double max) {
            if (value == null) {
                return dflt;
            }
            String range = (minExclusive ? "> " : ">= ") + fmt(min) + " and <= " + fmt(max);
            if (!Double.isFinite(value)) {
                throw error(field, value, "expected a finite number " + range);
            }
            if (minExclusive ? !(value > min) : !(value >= min)) {
                throw error(field, value, "expected a number " + range);
            }
            if (value > max) {
                throw error(field, value, "expected a number " + range);
            }
            return value;
        }

        Duration duration(String field, Duration value, Duration dflt, Duration min, Duration max) {
            if (value == null) {
                return dflt;
            }
            if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
                throw error(field, text(value), "expected a duration >= " + text(min) + " and <= " + text(max));
            }
            return value;
        }

        /**
         * {@code 55s}, {@code 500ms}: a duration as the file may write it. The file's reader saturates a value
         * too large for a {@code Duration} in nanoseconds (about 292 years) at that maximum: shown as such.
         */
        static String text(Duration d) {
            if (d == null) {
                return null;
            }
            if (d.compareTo(Duration.ofNanos(Long.MAX_VALUE)) >= 0) {
                return "more than 292 years";
            }
            return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
        }

        private static String fmt(double d) {
            return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
        }
    }
}
