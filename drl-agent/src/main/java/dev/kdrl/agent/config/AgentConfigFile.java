package dev.kdrl.agent.config;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.kdrl.env.io.WrittenDuration;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The agent's configuration file as written, bound by {@code YamlReader}: the keys and their types. A key left
 * out (or set to {@code ~}) is {@code null}; {@link AgentConfig#load} applies the defaults and the rules. Durations
 * keep the text they were written as ({@link WrittenDuration}), so that a message quotes the file.
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

    record Prometheus(String url, WrittenDuration timeout, Integer retries, WrittenDuration backoff,
                      String bearerTokenFile, BasicAuth basicAuth, String caFile) {
    }

    record BasicAuth(String username, String passwordFile) {
    }

    record Schedule(WrittenDuration period, WrittenDuration offset, WrittenDuration deadline) {
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

    record LeaderElection(Boolean enabled, String leaseName, String identity, WrittenDuration leaseDuration,
                          WrittenDuration renewDeadline, WrittenDuration retryPeriod) {
    }

    record Kubernetes(Integer retries, WrittenDuration backoff) {
    }

    record Apply(String mode, Boolean writeResource, Revisions revisions, String minScale) {
    }

    record Revisions(Boolean deletePrevious, WrittenDuration readyTimeout, WrittenDuration podGracePeriod) {
    }

    /**
     * Defaults and ranges of bound values; a value out of range is a {@link ConfigException} naming the file. An
     * accepted value the reader should hear about (a duration without a unit) adds a line to {@code warnings}.
     */
    record Rules(String file, List<String> warnings) {

        Rules(String file) {
            this(file, new java.util.ArrayList<>());
        }

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

        /**
         * {@code value}, or {@code dflt} when it is left out; out of [{@code min}, {@code max}] it is refused with the
         * text it was written as, and a number without a unit is said to be read as seconds (with the unit that
         * would fit, when milliseconds would: {@code timeout: 5000} means 5000 s, not 5000 ms).
         */
        Duration duration(String field, WrittenDuration value, Duration dflt, Duration min, Duration max) {
            if (value == null) {
                return dflt;
            }
            Duration d = value.value();
            if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
                String rule = readAs(value) + "expected a duration >= " + text(min) + " and <= " + text(max);
                Duration asMillis = value.unitless() ? millis(value) : null;
                if (asMillis != null && asMillis.compareTo(min) >= 0 && asMillis.compareTo(max) <= 0) {
                    rule += "; for milliseconds write " + value.written().strip() + "ms";
                }
                throw error(field, value.written(), rule);
            }
            if (value.unitless() && !d.isZero()) {
                String w = value.written().strip();
                // the number as written with its unit, when the file can say it so (5e3 it cannot)
                String withUnit = w.matches("\\d+(\\.\\d+)?") ? w + "s" : text(d);
                warnings.add(file + ": " + field + ": '" + w + "' has no unit, so it is " + seconds(value) + about(d)
                        + "; write " + withUnit + " if that is meant, else the unit meant (ms, s, m or h)");
            }
            return d;
        }

        /**
         * What a number without a unit was read as, to begin a rule with ({@code a number without a unit is seconds,
         * so this is 5000 seconds; }); empty for a value with a unit.
         */
        static String readAs(WrittenDuration value) {
            return value != null && value.unitless() ? "a number without a unit is seconds, so this is "
                    + seconds(value) + "; " : "";
        }

        /** {@code 5000 seconds}, {@code more than 292 years}: a unitless value in words. */
        private static String seconds(WrittenDuration value) {
            if (value.value().compareTo(Duration.ofNanos(Long.MAX_VALUE)) >= 0) {
                return "more than 292 years";
            }
            BigDecimal s = BigDecimal.valueOf(value.value().toNanos(), 9).stripTrailingZeros();
            return s.toPlainString() + (s.compareTo(BigDecimal.ONE) == 0 ? " second" : " seconds");
        }

        /** A unitless value read as milliseconds, or {@code null} when it cannot be. */
        private static Duration millis(WrittenDuration value) {
            try {
                BigDecimal ms = new BigDecimal(value.written().strip());
                return ms.signum() < 0 ? null : Duration.ofNanos(ms.movePointRight(6).longValueExact());
            } catch (NumberFormatException | ArithmeticException e) {
                return null; // not a plain decimal (1.0E300 aside), or too many digits
            }
        }

        /** The text {@code d} was written as, {@code null} when left out. */
        static String written(WrittenDuration d) {
            return d == null ? null : d.written();
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

        /** {@code  (about 83 minutes)} for a duration of two minutes or more, else empty. */
        private static String about(Duration d) {
            double s = d.toMillis() / 1000.0;
            if (s < 120) {
                return "";
            }
            return s < 7200 ? String.format(java.util.Locale.ROOT, " (about %.0f minutes)", s / 60)
                    : String.format(java.util.Locale.ROOT, " (about %.1f hours)", s / 3600);
        }

        private static String fmt(double d) {
            return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
        }
    }
}
