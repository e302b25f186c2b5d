package dev.kdrl.core.policy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The load each service's training traffic spanned, as a policy records it among its hyper-parameters ({@link #KEY}:
 * {@code house=1..100, senti=2..99, numbr=1..100}), so that a load well outside it, where the policy was never
 * trained and its decisions are extrapolation, can be named where it is played ({@code drl evaluate}, the live agent).
 * Immutable.
 */
public final class TrainedLoads {

    /** The hyper-parameter holding the ranges. */
    public static final String KEY = "load_range";

    private final List<String> services;
    private final double[] low;
    private final double[] high;

    /**
     * @param services the services, in the policy's order
     * @param low      each service's smallest training load
     * @param high     each service's largest training load
     * @throws IllegalArgumentException unless there is one finite range per service, low at most high
     */
    public TrainedLoads(List<String> services, double[] low, double[] high) {
        this.services = List.copyOf(services);
        this.low = low.clone();
        this.high = high.clone();
        if (this.low.length != this.services.size() || this.high.length != this.services.size()) {
            throw new IllegalArgumentException("one range per service: " + this.services.size() + " services, "
                    + this.low.length + " lows, " + this.high.length + " highs");
        }
        for (int i = 0; i < this.low.length; i++) {
            if (!(Double.isFinite(this.low[i]) && Double.isFinite(this.high[i]) && this.low[i] <= this.high[i])) {
                throw new IllegalArgumentException("load range of " + this.services.get(i) + ": " + this.low[i] + ".."
                        + this.high[i] + " (expected finite numbers, the first at most the second)");
            }
        }
    }

    /**
     * The ranges {@code saved} recorded, empty when it recorded none (policies saved before 2026-12-07, or trained
     * without them).
     *
     * @throws IllegalArgumentException naming the field when the recorded value cannot be read, or names other
     *                                  services than the policy's
     */
    public static Optional<TrainedLoads> of(SavedPolicy saved) {
        String value = saved.hyperParameters().get(KEY);
        if (value == null) {
            return Optional.empty();
        }
        TrainedLoads t = parse(value);
        if (!t.services.equals(saved.env().serviceNames())) {
            throw new IllegalArgumentException("manifest field 'hyper." + KEY + "' names " + t.services
                    + ", expected the policy's services " + saved.env().serviceNames());
        }
        return Optional.of(t);
    }

    /**
     * As {@link #of(SavedPolicy)}, for what only advises (a note, a warning, a description): a recorded value that
     * cannot be read is handed to {@code unreadable} (the message of {@link #of(SavedPolicy)}'s exception) and reads
     * as none, instead of stopping the caller.
     */
    public static Optional<TrainedLoads> of(SavedPolicy saved, java.util.function.Consumer<String> unreadable) {
        try {
            return of(saved);
        } catch (IllegalArgumentException e) {
            unreadable.accept(e.getMessage());
            return Optional.empty();
        }
    }

    /** Reads {@link #encode()}'s form. */
    public static TrainedLoads parse(String value) {
        List<String> names = new ArrayList<>();
        List<double[]> ranges = new ArrayList<>();
        for (String part : value.split(", ")) {
            int eq = part.lastIndexOf('=');
            int dots = part.indexOf("..", eq + 1);
            try {
                if (eq < 1 || dots < 0) {
                    throw new NumberFormatException();
                }
                ranges.add(new double[] {Double.parseDouble(part.substring(eq + 1, dots)),
                    Double.parseDouble(part.substring(dots + 2))});
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("manifest field 'hyper." + KEY + "': '" + part + "' (expected "
                        + "service=LOW..HIGH, e.g. house=1..100)");
            }
            names.add(part.substring(0, eq));
        }
        try {
            return new TrainedLoads(names, ranges.stream().mapToDouble(r -> r[0]).toArray(),
                    ranges.stream().mapToDouble(r -> r[1]).toArray());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("manifest field 'hyper." + KEY + "': " + e.getMessage(), e);
        }
    }

    /** The services, in the policy's order. */
    public List<String> services() {
        return services;
    }

    /** Service {@code i}'s smallest training load. */
    public double low(int i) {
        return low[i];
    }

    /** Service {@code i}'s largest training load. */
    public double high(int i) {
        return high[i];
    }

    /** The recorded form: {@code house=1..100, senti=2..99}. */
    public String encode() {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < services.size(); i++) {
            parts.add(services.get(i) + "=" + range(i));
        }
        return String.join(", ", parts);
    }

    /** Service {@code i}'s range as {@code 1..100}. */
    public String range(int i) {
        return format(low[i]) + ".." + format(high[i]);
    }

    /**
     * Whether {@code load} lies outside service {@code i}'s range by more than a tenth of the range's width (a load
     * of 100 is not outside a training range of 2..99): where the policy learnt nothing.
     */
    public boolean outside(int i, double load) {
        double margin = (high[i] - low[i]) / 10;
        return load > high[i] + margin || load < low[i] - margin;
    }

    /** A load as the ranges write it: whole numbers without a decimal point ({@code 100}, {@code 2.5}). */
    public static String format(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%s", v);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrainedLoads t && services.equals(t.services) && Arrays.equals(low, t.low)
                && Arrays.equals(high, t.high);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * services.hashCode() + Arrays.hashCode(low)) + Arrays.hashCode(high);
    }

    @Override
    public String toString() {
        return "TrainedLoads[" + encode() + "]";
    }
}
