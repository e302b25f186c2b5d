package dev.kdrl.env.cluster;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Every parameter of the cluster-faithful dynamics ({@link ClusterSim}), with Knative's and Kubernetes' defaults.
 * Sources are in {@code docs/spec/knative-semantics.md} (section numbers below); a profile file sets them under an
 * optional {@code cluster:} key, and per service under {@code services[i].cluster} ({@link ServiceParams}).
 *
 * <table>
 *   <caption>namespace-wide parameters</caption>
 *   <tr><th>key</th><th>default</th><th>meaning and source</th></tr>
 *   <tr><td>tickSeconds</td><td>2</td><td>simulation step; the KPA decides every 2 s (its hard-coded tick, §1.1), so
 *       a tick of 1 s scrapes twice per decision. Must divide {@code periodSeconds} and be at most 2.</td></tr>
 *   <tr><td>periodSeconds</td><td>120</td><td>one decision period (one trace row)</td></tr>
 *   <tr><td>stableWindowSeconds</td><td>60</td><td>KPA stable window (§1.3, range 6 s to 1 h)</td></tr>
 *   <tr><td>panicWindowPercentage</td><td>10</td><td>panic window as % of the stable window (§1.3: 6 s)</td></tr>
 *   <tr><td>panicThresholdPercentage</td><td>200</td><td>panic when panic-window pods / ready pods reach this %
 *       (§1.4, range 110 to 1000)</td></tr>
 *   <tr><td>maxScaleUpRate</td><td>1000</td><td>at most this times the ready pods per decision (§1.4)</td></tr>
 *   <tr><td>maxScaleDownRate</td><td>2</td><td>a reachable revision keeps at least ready / this (§1.4)</td></tr>
 *   <tr><td>targetUtilisation</td><td>0.7</td><td>container-concurrency-target-percentage / 100 (§1.2)</td></tr>
 *   <tr><td>scaleToZeroGraceSeconds</td><td>30</td><td>the last pod goes this long after the desired scale fell to 0,
 *       and only after the revision has been active for a stable window (§1.5)</td></tr>
 *   <tr><td>progressDeadlineSeconds</td><td>600</td><td>a revision not ready this long (+30 s) is scaled to 0
 *       (§1.5, §3.3)</td></tr>
 *   <tr><td>schedulingSeconds</td><td>1</td><td>a created pod is Pending this long before its containers start
 *       (§4: scheduling 0.1 to 1 s)</td></tr>
 *   <tr><td>operatorDeletesOldRevision</td><td>false</td><td>the published Go operator's behaviour: when the
 *       newest revision is ready (and takes the traffic), the old revisions are deleted and their pods force-deleted
 *       (grace period 0: no drain, their quota is free at once)</td></tr>
 *   <tr><td>interpolateLoad</td><td>false</td><td>the load inside period k moves linearly from row k to row k+1
 *       instead of staying at row k</td></tr>
 * </table>
 *
 * @param tickSeconds              simulation step in seconds
 * @param periodSeconds            decision period in seconds
 * @param stableWindowSeconds      KPA stable window in seconds
 * @param panicWindowPercentage    panic window in % of the stable window
 * @param panicThresholdPercentage panic threshold in %
 * @param maxScaleUpRate           KPA max scale-up rate
 * @param maxScaleDownRate         KPA max scale-down rate
 * @param targetUtilisation        fraction of the concurrency target the KPA aims at
 * @param scaleToZeroGraceSeconds  scale-to-zero grace period in seconds
 * @param progressDeadlineSeconds  revision progress deadline in seconds
 * @param schedulingSeconds        Pending time of a created pod in seconds
 * @param operatorDeletesOldRevision whether the old revision is deleted as soon as the new one is ready
 * @param interpolateLoad          linear load inside a period
 * @param defaults                 per-service parameters of every service without its own
 * @param services                 per-service parameters by service name (may be empty)
 */
public record ClusterParams(double tickSeconds, double periodSeconds, double stableWindowSeconds,
                            double panicWindowPercentage, double panicThresholdPercentage, double maxScaleUpRate,
                            double maxScaleDownRate, double targetUtilisation, double scaleToZeroGraceSeconds,
                            double progressDeadlineSeconds, double schedulingSeconds,
                            boolean operatorDeletesOldRevision, boolean interpolateLoad, ServiceParams defaults,
                            Map<String, ServiceParams> services) {

    /** Knative's and Kubernetes' defaults, 2-s ticks, 120-s periods. */
    public static final ClusterParams DEFAULTS = new ClusterParams(2, 120, 60, 10, 200, 1000, 2, 0.7, 30, 600, 1,
            false, false, ServiceParams.DEFAULTS, Map.of());

    public ClusterParams {
        positive("tickSeconds", tickSeconds);
        positive("periodSeconds", periodSeconds);
        if (periodSeconds > 86_400) {
            // each period is simulated tick by tick: a longer one would run for ever (the agent's period has this bound)
            throw new InvalidParameterException("periodSeconds", periodSeconds, "at most 86400, a day");
        }
        if (tickSeconds > 2) {
            throw new InvalidParameterException("tickSeconds", tickSeconds, "<= 2 (the KPA decides every 2 s)");
        }
        double perKpa = 2 / tickSeconds;
        if (Math.abs(perKpa - Math.rint(perKpa)) > 1e-9) {
            // rounding it would move the KPA's decisions off its 2-s tick (every 1.6 s at a tick of 0.8 s)
            throw new InvalidParameterException("tickSeconds", tickSeconds, "a tick that divides the KPA's 2 s "
                    + "evenly (2, 1, 0.5, 0.25, ...)");
        }
        double ticks = periodSeconds / tickSeconds;
        if (Math.abs(ticks - Math.rint(ticks)) > 1e-9) {
            throw new InvalidParameterException("periodSeconds", periodSeconds, "a whole number of ticks of "
                    + Checks.num(tickSeconds) + " s");
        }
        range("stableWindowSeconds", stableWindowSeconds, 6, 3600);
        range("panicWindowPercentage", panicWindowPercentage, 1, 100);
        range("panicThresholdPercentage", panicThresholdPercentage, 110, 1000);
        if (!(maxScaleUpRate > 1) || Double.isInfinite(maxScaleUpRate)) {
            throw new InvalidParameterException("maxScaleUpRate", maxScaleUpRate, "a finite number > 1");
        }
        if (!(maxScaleDownRate > 1) || Double.isInfinite(maxScaleDownRate)) {
            throw new InvalidParameterException("maxScaleDownRate", maxScaleDownRate, "a finite number > 1");
        }
        if (!(targetUtilisation > 0 && targetUtilisation <= 1)) {
            throw new InvalidParameterException("targetUtilisation", targetUtilisation, "a number in (0, 1]");
        }
        positive("scaleToZeroGraceSeconds", scaleToZeroGraceSeconds);
        positive("progressDeadlineSeconds", progressDeadlineSeconds);
        nonNegative("schedulingSeconds", schedulingSeconds);
        Objects.requireNonNull(defaults, "defaults");
        services = Map.copyOf(services == null ? Map.of() : services);
        // a pod is ready scheduling + startup seconds after its creation, and a revision not ready within the
        // progress deadline (+30 s, ClusterSim) fails: with a start that long, no revision could ever become ready
        java.util.Map<String, ServiceParams> each = new java.util.TreeMap<>(services);
        each.put("(every service)", defaults);
        for (java.util.Map.Entry<String, ServiceParams> e : each.entrySet()) {
            double ready = schedulingSeconds + e.getValue().startupSeconds();
            if (ready >= progressDeadlineSeconds + 30) {
                throw new InvalidParameterException("progressDeadlineSeconds", progressDeadlineSeconds, "more than "
                        + "schedulingSeconds + startupSeconds - 30 of every service, or no revision becomes ready ("
                        + e.getKey() + ": " + Checks.num(ready) + " s to ready)");
            }
        }
    }

    /**
     * Every parameter as it acts on {@code serviceNames}, by the keys of a profile file's {@code cluster:} (per-service
     * ones as {@code <service>.<key>}, each service's own or the defaults), in a fixed order: what a model trained in
     * these dynamics records, and what a later run compares with it.
     */
    public java.util.LinkedHashMap<String, String> describe(java.util.List<String> serviceNames) {
        java.util.LinkedHashMap<String, String> m = new java.util.LinkedHashMap<>();
        // every number and switch of the record, in its declared order: a parameter added later is described too
        scalars(this, "", m);
        for (String name : serviceNames) {
            scalars(service(name), name + ".", m);
        }
        return m;
    }

    /** The hyper-parameter under which a model trained in these dynamics records {@link #describe} ({@link #encode}). */
    public static final String HYPER_KEY = "cluster_params";

    /** {@link #describe} as one line: {@code key=value} pairs joined by {@code ", "}. */
    public static String encode(java.util.Map<String, String> described) {
        List<String> pairs = new java.util.ArrayList<>();
        described.forEach((k, v) -> pairs.add(k + "=" + v));
        return String.join(", ", pairs);
    }

    /** The pairs of an {@link #encode}d line, in order; a part without {@code =} is skipped. */
    public static java.util.LinkedHashMap<String, String> decode(String encoded) {
        java.util.LinkedHashMap<String, String> m = new java.util.LinkedHashMap<>();
        for (String pair : encoded.split(", ")) {
            int eq = pair.lastIndexOf('=');
            if (eq > 0) {
                m.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return m;
    }

    /** The {@code double} and {@code boolean} components of {@code r}, by name with {@code prefix}. */
    private static void scalars(Record r, String prefix, java.util.Map<String, String> into) {
        for (java.lang.reflect.RecordComponent c : r.getClass().getRecordComponents()) {
            Object v;
            try {
                v = c.getAccessor().invoke(r);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
            if (v instanceof Double d) {
                into.put(prefix + c.getName(), Checks.num(d));
            } else if (v instanceof Boolean b) {
                into.put(prefix + c.getName(), b.toString());
            } else if (!(r instanceof ClusterParams && List.of("defaults", "services").contains(c.getName()))) {
                // a parameter of another type would go unrecorded: describe it here first
                throw new IllegalStateException(r.getClass().getSimpleName() + "." + c.getName() + " ("
                        + c.getType().getSimpleName() + ") is not described");
            }
        }
    }

    /** Ticks in one period. */
    public int ticksPerPeriod() {
        return (int) Math.rint(periodSeconds / tickSeconds);
    }

    /** Ticks between two KPA decisions (the KPA's 2-s tick; at least 1). */
    public int ticksPerKpaDecision() {
        return Math.max(1, (int) Math.rint(2 / tickSeconds));
    }

    /** Per-service parameters of {@code service}: its own, else {@link #defaults()}. */
    public ServiceParams service(String service) {
        return services.getOrDefault(service, defaults);
    }

    /** The same parameters with the old revision deleted by the operator (or not). */
    public ClusterParams withOperatorDeletesOldRevision(boolean on) {
        return new ClusterParams(tickSeconds, periodSeconds, stableWindowSeconds, panicWindowPercentage,
                panicThresholdPercentage, maxScaleUpRate, maxScaleDownRate, targetUtilisation, scaleToZeroGraceSeconds,
                progressDeadlineSeconds, schedulingSeconds, on, interpolateLoad, defaults, services);
    }

    /** The same parameters with another tick. */
    public ClusterParams withTickSeconds(double tick) {
        return new ClusterParams(tick, periodSeconds, stableWindowSeconds, panicWindowPercentage,
                panicThresholdPercentage, maxScaleUpRate, maxScaleDownRate, targetUtilisation, scaleToZeroGraceSeconds,
                progressDeadlineSeconds, schedulingSeconds, operatorDeletesOldRevision, interpolateLoad, defaults,
                services);
    }

    /** The same parameters with other per-service defaults and overrides. */
    public ClusterParams withServices(ServiceParams newDefaults, Map<String, ServiceParams> newServices) {
        return new ClusterParams(tickSeconds, periodSeconds, stableWindowSeconds, panicWindowPercentage,
                panicThresholdPercentage, maxScaleUpRate, maxScaleDownRate, targetUtilisation, scaleToZeroGraceSeconds,
                progressDeadlineSeconds, schedulingSeconds, operatorDeletesOldRevision, interpolateLoad, newDefaults,
                new TreeMap<>(newServices));
    }

    /**
     * Parameters of one service.
     *
     * <table>
     *   <caption>per-service parameters</caption>
     *   <tr><th>key</th><th>default</th><th>meaning and source</th></tr>
     *   <tr><td>startupSeconds</td><td>4</td><td>container start to ready (§4: Knative cold start about 4 s without a
     *       mesh, kperf 2 to 4 s; JVM or ML apps take tens of seconds: set yours); with schedulingSeconds, less than
     *       progressDeadlineSeconds + 30, or no revision becomes ready</td></tr>
     *   <tr><td>drainSeconds</td><td>30</td><td>a deleted pod drains (queue-proxy waits 30 s without requests, §2)
     *       and holds its quota this long; at most the revision's timeoutSeconds (300 s by default; refused above 600 s,
     *       the default of Knative's max-revision-timeout-seconds)</td></tr>
     *   <tr><td>concurrencyLimit</td><td>1</td><td>hard per-pod limit (containerConcurrency) as a multiple of the
     *       concurrency target; 0 = no limit (Knative's default CC = 0: nothing is ever dropped at the pod); below 1
     *       the KPA aims at the limit instead of the target (§1.2)</td></tr>
     *   <tr><td>queueDepth</td><td>10</td><td>queue-proxy queue per unit of the hard limit (QueueDepth = 10 x CC,
     *       §1.6); requests beyond limit + queue are dropped (503)</td></tr>
     *   <tr><td>queueProxyCpu</td><td>0</td><td>cores of the queue-proxy's CPU limit counted by the quota with every
     *       pod (§0.6: Knative sets none; a LimitRange default applies, e.g. 0.025); at most 1</td></tr>
     * </table>
     */
    public record ServiceParams(double startupSeconds, double drainSeconds, double concurrencyLimit,
                                double queueDepth, double queueProxyCpu) {

        /** The defaults above. */
        public static final ServiceParams DEFAULTS = new ServiceParams(4, 30, 1, 10, 0);

        public ServiceParams {
            Checks.nonNegative("startupSeconds", startupSeconds);
            // a pod drains at most the revision's timeout, which Knative caps at max-revision-timeout-seconds (600)
            Checks.range("drainSeconds", drainSeconds, 0, 600);
            Checks.nonNegative("concurrencyLimit", concurrencyLimit);
            Checks.nonNegative("queueDepth", queueDepth);
            // cores: a sidecar's limit above one core is millicores written as cores (25 for 25m)
            Checks.range("queueProxyCpu", queueProxyCpu, 0, 1);
        }
    }

    private static void positive(String field, double v) {
        Checks.positive(field, v);
    }

    private static void nonNegative(String field, double v) {
        Checks.nonNegative(field, v);
    }

    private static void range(String field, double v, double lo, double hi) {
        Checks.range(field, v, lo, hi);
    }

    /** The value checks (a class of their own, so that the nested record's checks do not initialise this one). */
    private static final class Checks {
        private Checks() {
        }

        static void positive(String field, double v) {
            if (!(v > 0) || Double.isInfinite(v)) {
                throw new InvalidParameterException(field, v, "a finite number > 0");
            }
        }

        static void nonNegative(String field, double v) {
            if (!(v >= 0) || Double.isInfinite(v)) {
                throw new InvalidParameterException(field, v, "a finite number >= 0");
            }
        }

        static void range(String field, double v, double lo, double hi) {
            if (!(v >= lo && v <= hi)) {
                throw new InvalidParameterException(field, v, "a number in [" + num(lo) + ", " + num(hi) + "]");
            }
        }

        static String num(double v) {
            return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
        }
    }

    /**
     * A parameter out of its range: names the parameter, the value and what was expected, e.g. {@code tickSeconds must
     * be <= 2 (the KPA decides every 2 s), got 5.0}.
     */
    public static final class InvalidParameterException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        private final String field;
        private final double value;
        private final String expected;

        public InvalidParameterException(String field, double value, String expected) {
            super(field + " must be " + expected + ", got " + Checks.num(value));
            this.field = field;
            this.value = value;
            this.expected = expected;
        }

        /** The parameter's key. */
        public String field() {
            return field;
        }

        public double value() {
            return value;
        }

        /** What a valid value is. */
        public String expected() {
            return expected;
        }
    }
}
