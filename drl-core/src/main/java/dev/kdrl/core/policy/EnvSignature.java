package dev.kdrl.core.policy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.StringJoiner;

/**
 * What a policy was trained for, saved with it so that loading it for another environment fails with a clear
 * message instead of acting nonsensically. Compare the signature of the environment at hand with {@link
 * #requireSame}.
 *
 * @param serviceNames     the services in action/observation order, e.g. {@code [house, senti, numbr]}; no
 *                         blanks, commas or surrounding spaces
 * @param nvec             the number of configurations (actions) per service, one per service
 * @param observationSize  length of the observation vector ({@code 3·N} for the quota environments)
 * @param profile          which profile the tables come from: {@code "paper"} or a profile name; not blank
 * @param actionTables     one text line per service describing its (cpu, concurrency, latency) rows (see
 *                         {@link #actionTableLine(double[][])}), so that another table with the same sizes is
 *                         caught; or empty when not recorded (then tables are not compared)
 * @param quota            the namespace CPU quota in cores, finite and &gt; 0
 * @param observation      which observation of the environment the policy reads, e.g. {@code paper} (the published
 *                         one, {@link #PAPER_OBSERVATION}) or {@code full}; a lower-case word
 * @param serviceSettings  one text line per service of what, besides its action table, the dynamics and the reward
 *                         read of it (e.g. {@code sloMs=1500.0 khpaLatencyThresholdMs=1200.0 maxPodStep=0}), so that
 *                         a policy trained for other SLOs is caught; or empty when not recorded (policies saved before
 *                         2026-12-07; then they are not compared)
 */
public record EnvSignature(
        List<String> serviceNames, int[] nvec, int observationSize, String profile, List<String> actionTables,
        double quota, String observation, List<String> serviceSettings) {

    /** The published observation's name: what a signature without one means. */
    public static final String PAPER_OBSERVATION = "paper";

    /** A signature for the published observation ({@link #PAPER_OBSERVATION}). */
    public EnvSignature(List<String> serviceNames, int[] nvec, int observationSize, String profile,
                        List<String> actionTables, double quota) {
        this(serviceNames, nvec, observationSize, profile, actionTables, quota, PAPER_OBSERVATION);
    }

    /** A signature without {@link #serviceSettings()} (not recorded). */
    public EnvSignature(List<String> serviceNames, int[] nvec, int observationSize, String profile,
                        List<String> actionTables, double quota, String observation) {
        this(serviceNames, nvec, observationSize, profile, actionTables, quota, observation, List.of());
    }

    /** The prefix of the message of {@link #requireSame}. */
    public static final String MISMATCH = "the policy was trained for a different environment (the policy's, then this one's): ";

    /** Validates the fields and copies the lists and the array. */
    public EnvSignature {
        Objects.requireNonNull(serviceNames, "serviceNames must not be null");
        Objects.requireNonNull(nvec, "nvec must not be null");
        Objects.requireNonNull(actionTables, "actionTables must not be null (use an empty list)");
        Objects.requireNonNull(serviceSettings, "serviceSettings must not be null (use an empty list)");
        serviceNames = List.copyOf(serviceNames);
        actionTables = List.copyOf(actionTables);
        serviceSettings = List.copyOf(serviceSettings);
        if (serviceNames.isEmpty()) {
            throw new IllegalArgumentException("serviceNames must not be empty");
        }
        for (String s : serviceNames) {
            if (s.isBlank() || s.contains(",") || !s.equals(s.strip())) {
                throw new IllegalArgumentException("service name '" + s + "' must be non-blank, without commas "
                        + "or surrounding spaces");
            }
        }
        if (nvec.length != serviceNames.size()) {
            throw new IllegalArgumentException("nvec " + Arrays.toString(nvec) + " has " + nvec.length
                    + " components, there are " + serviceNames.size() + " services " + serviceNames);
        }
        for (int i = 0; i < nvec.length; i++) {
            if (nvec[i] <= 0) {
                throw new IllegalArgumentException("nvec[" + i + "] must be > 0, got " + nvec[i]);
            }
        }
        nvec = nvec.clone();
        if (observationSize <= 0) {
            throw new IllegalArgumentException("observationSize must be > 0, got " + observationSize);
        }
        if (profile == null || profile.isBlank()) {
            throw new IllegalArgumentException("profile must not be blank, got '" + profile + "'");
        }
        if (!actionTables.isEmpty() && actionTables.size() != serviceNames.size()) {
            throw new IllegalArgumentException("actionTables must be empty or have one line per service ("
                    + serviceNames.size() + "), got " + actionTables.size());
        }
        if (!serviceSettings.isEmpty() && serviceSettings.size() != serviceNames.size()) {
            throw new IllegalArgumentException("serviceSettings must be empty or have one line per service ("
                    + serviceNames.size() + "), got " + serviceSettings.size());
        }
        for (String line : serviceSettings) {
            if (line.isBlank() || line.contains("\n") || line.contains("\r")) {
                throw new IllegalArgumentException("a serviceSettings line must be one non-blank line, got '" + line
                        + "'");
            }
        }
        if (!(quota > 0) || Double.isInfinite(quota)) {
            throw new IllegalArgumentException("quota must be a finite number > 0, got " + quota);
        }
        if (observation == null || !observation.matches("[a-z][a-z0-9-]*")) {
            throw new IllegalArgumentException("observation must be a lower-case word (e.g. paper, full), got '"
                    + observation + "'");
        }
    }

    /** A copy of the number of actions per service. */
    @Override
    public int[] nvec() {
        return nvec.clone();
    }

    /** The sum of {@link #nvec()}: the number of logits of a multi-categorical actor. */
    public int totalActions() {
        int total = 0;
        for (int n : nvec) {
            total += n;
        }
        return total;
    }

    /**
     * The standard text of one service's action table, for {@link #actionTables()}: each row {@code {cpu,
     * concurrency, latencyMs}} as {@code (cpu, concurrency, latencyMs)}, rows separated by a space, numbers
     * printed by {@link Double#toString(double)}; e.g. {@code (2.0, 10.0, 1500.0) (2.0, 15.0, 2200.0)}.
     */
    public static String actionTableLine(double[][] rows) {
        Objects.requireNonNull(rows, "rows must not be null");
        StringJoiner line = new StringJoiner(" ");
        for (double[] row : rows) {
            StringJoiner r = new StringJoiner(", ", "(", ")");
            for (double v : row) {
                r.add(Double.toString(v));
            }
            line.add(r.toString());
        }
        return line.toString();
    }

    /**
     * Human-readable differences between this signature (the one trained for) and {@code other} (e.g. {@code
     * "nvec [22, 7, 8] vs [22, 7, 9]"}, {@code "quota 40.0 vs 60.0"}, {@code "action table of senti differs: ...
     * vs ..."}, {@code "settings of senti differ: ... vs ..."}), this signature's value first; empty when they
     * match. Action tables and service settings are compared per service name present in both, and only when both
     * signatures record them.
     */
    public List<String> differences(EnvSignature other) {
        Objects.requireNonNull(other, "other must not be null");
        List<String> d = new ArrayList<>();
        if (!serviceNames.equals(other.serviceNames)) {
            d.add("service names " + serviceNames + " vs " + other.serviceNames);
        }
        if (!Arrays.equals(nvec, other.nvec)) {
            d.add("nvec " + Arrays.toString(nvec) + " vs " + Arrays.toString(other.nvec));
        }
        if (!observation.equals(other.observation)) {
            d.add("observation " + observation + " vs " + other.observation);
        }
        if (observationSize != other.observationSize) {
            d.add("observation size " + observationSize + " vs " + other.observationSize);
        }
        if (!profile.equals(other.profile)) {
            d.add("profile " + profile + " vs " + other.profile);
        }
        if (Double.compare(quota, other.quota) != 0) {
            d.add("quota " + quota + " vs " + other.quota);
        }
        perService(actionTables, other, other.actionTables, "action table of %s differs: ", d);
        perService(serviceSettings, other, other.serviceSettings, "settings of %s differ: ", d);
        return d;
    }

    /**
     * Adds to {@code d} a difference per service named in both signatures whose line in {@code mine} and in {@code
     * theirs} (one per service of this signature and of {@code other}) differ; nothing when either list is empty.
     */
    private void perService(List<String> mine, EnvSignature other, List<String> theirs, String what, List<String> d) {
        if (mine.isEmpty() || theirs.isEmpty()) {
            return;
        }
        for (int i = 0; i < serviceNames.size(); i++) {
            int j = other.serviceNames.indexOf(serviceNames.get(i));
            if (j >= 0 && !mine.get(i).equals(theirs.get(j))) {
                d.add(String.format(what, serviceNames.get(i)) + mine.get(i) + " vs " + theirs.get(j));
            }
        }
    }

    /**
     * Checks that {@code actual} (the environment at hand) is the one this policy was trained for.
     *
     * @throws IllegalArgumentException {@link #MISMATCH} followed
     *                                  by the {@link #differences} joined by {@code "; "}
     */
    public void requireSame(EnvSignature actual) {
        List<String> d = differences(actual);
        if (!d.isEmpty()) {
            throw new IllegalArgumentException(MISMATCH + String.join("; ", d));
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EnvSignature s
                && serviceNames.equals(s.serviceNames)
                && Arrays.equals(nvec, s.nvec)
                && observationSize == s.observationSize
                && profile.equals(s.profile)
                && actionTables.equals(s.actionTables)
                && Double.compare(quota, s.quota) == 0
                && observation.equals(s.observation)
                && serviceSettings.equals(s.serviceSettings);
    }

    @Override
    public int hashCode() {
        return Objects.hash(serviceNames, Arrays.hashCode(nvec), observationSize, profile, actionTables, quota,
                observation, serviceSettings);
    }

    @Override
    public String toString() {
        return "EnvSignature[services=" + serviceNames + ", nvec=" + Arrays.toString(nvec) + ", observationSize="
                + observationSize + ", observation=" + observation + ", profile=" + profile + ", quota=" + quota + ", actionTables="
                + (actionTables.isEmpty() ? "not recorded" : actionTables.size() + " lines") + ", serviceSettings="
                + (serviceSettings.isEmpty() ? "not recorded" : serviceSettings.size() + " lines") + "]";
    }
}
