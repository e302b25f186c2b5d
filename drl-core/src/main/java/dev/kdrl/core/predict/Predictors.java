package dev.kdrl.core.predict;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * The traffic predictors by name: the one list that the live agent's configuration ({@code predictor.kind}),
 * the agent itself and {@code drl predictor evaluate} read. Each entry says which settings it reads, so a
 * configuration can refuse a setting its kind ignores.
 *
 * <pre>{@code
 * TrafficPredictor p = Predictors.create("holt", Predictors.Settings.defaults().withHolt(0.5, 0.1));
 * }</pre>
 */
public final class Predictors {
    /** Setting names, as in the agent's configuration. */
    public static final String WINDOW = "window";
    public static final String ALPHA = "alpha";
    public static final String BETA = "beta";
    public static final String MODEL = "model";
    public static final String MAX_LOAD = "maxLoad";

    private Predictors() {
    }

    /**
     * What a predictor may be built from; each kind reads only its own settings ({@link Entry#reads()}).
     *
     * @param window  the moving average's span, or the Bi-LSTM's input window (checked against its file)
     * @param alpha   Holt's level smoothing, in {@code (0, 1]}
     * @param beta    Holt's trend smoothing, in {@code [0, 1]}
     * @param model   the Bi-LSTM's file, or {@code null}
     * @param maxLoad the largest load expected (a Bi-LSTM trained for another scale is refused), 0 = no check
     * @param fitTo   a training series: Holt then fits {@code alpha} and {@code beta} on it ({@link
     *                HoltPredictor#fit}) instead of taking them; {@code null} to take them
     */
    public record Settings(int window, double alpha, double beta, Path model, double maxLoad, double[] fitTo) {

        public Settings {
            fitTo = fitTo == null ? null : fitTo.clone();
        }

        /** Window 7, alpha 0.5, beta 0.1, no model file, no load check, nothing to fit. */
        public static Settings defaults() {
            return new Settings(7, 0.5, 0.1, null, 0, null);
        }

        public Settings withWindow(int newWindow) {
            return new Settings(newWindow, alpha, beta, model, maxLoad, fitTo);
        }

        public Settings withHolt(double newAlpha, double newBeta) {
            return new Settings(window, newAlpha, newBeta, model, maxLoad, fitTo);
        }

        /** The Bi-LSTM file and the largest load expected (0 = no check). */
        public Settings withModel(Path file, double newMaxLoad) {
            return new Settings(window, alpha, beta, file, newMaxLoad, fitTo);
        }

        /** Holt's weights fitted on {@code train} rather than taken from the settings. */
        public Settings fittedTo(double[] train) {
            return new Settings(window, alpha, beta, model, maxLoad, train);
        }

        @Override
        public double[] fitTo() {
            return fitTo == null ? null : fitTo.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Settings s && window == s.window && Double.compare(alpha, s.alpha) == 0
                    && Double.compare(beta, s.beta) == 0 && Objects.equals(model, s.model)
                    && Double.compare(maxLoad, s.maxLoad) == 0 && Arrays.equals(fitTo, s.fitTo);
        }

        @Override
        public int hashCode() {
            return Objects.hash(window, alpha, beta, model, maxLoad, Arrays.hashCode(fitTo));
        }

        @Override
        public String toString() {
            return "Settings[window=" + window + ", alpha=" + alpha + ", beta=" + beta + ", model=" + model
                    + ", maxLoad=" + maxLoad + ", fitTo=" + (fitTo == null ? "none" : fitTo.length + " values") + "]";
        }
    }

    /**
     * One predictor kind.
     *
     * @param name        its name in configurations and on command lines
     * @param reads       the settings it reads ({@link #WINDOW}, {@link #ALPHA}, ...)
     * @param needsModel  whether it loads a trained file ({@link #MODEL})
     * @param description one line for help texts
     * @param factory     builds it; throws {@link IllegalArgumentException} for a bad setting or file
     */
    public record Entry(String name, List<String> reads, boolean needsModel, String description,
                        Function<Settings, TrafficPredictor> factory) {
        public Entry {
            reads = List.copyOf(reads);
        }

        /** Whether this kind reads {@code setting}. */
        public boolean reads(String setting) {
            return reads.contains(setting);
        }
    }

    private static final List<Entry> ENTRIES = List.of(
            new Entry("last-value", List.of(), false, "the last value", s -> new LastValuePredictor()),
            new Entry("moving-average", List.of(WINDOW), false, "the mean of the last `window` values",
                    s -> new MovingAveragePredictor(s.window())),
            new Entry("holt", List.of(ALPHA, BETA), false, "Holt's linear smoothing (level alpha, trend beta)",
                    s -> s.fitTo() != null ? HoltPredictor.fit(s.fitTo()) : new HoltPredictor(s.alpha(), s.beta())),
            new Entry("bilstm", List.of(MODEL, WINDOW, MAX_LOAD), true, "the trained Bi-LSTM of a predictor file",
                    s -> {
                        if (s.model() == null) {
                            throw new IllegalArgumentException("predictor bilstm needs a model file");
                        }
                        return PredictorFile.load(s.model(), s.window(), s.maxLoad());
                    }));

    /** Every kind's name, in a fixed order. */
    public static List<String> names() {
        return ENTRIES.stream().map(Entry::name).toList();
    }

    /** The kinds that need no trained file: the baselines of a trained predictor. */
    public static List<String> baselines() {
        return ENTRIES.stream().filter(e -> !e.needsModel()).map(Entry::name).toList();
    }

    /** Every entry, in the order of {@link #names()}. */
    public static List<Entry> entries() {
        return ENTRIES;
    }

    /**
     * The entry of that name.
     *
     * @throws IllegalArgumentException naming the kind and the known ones
     */
    public static Entry entry(String name) {
        for (Entry e : ENTRIES) {
            if (e.name().equals(name)) {
                return e;
            }
        }
        throw new IllegalArgumentException("predictor kind '" + name + "' is unknown (expected one of " + names() + ")");
    }

    /** The kinds that read {@code setting}. */
    public static List<String> readersOf(String setting) {
        List<String> out = new ArrayList<>();
        for (Entry e : ENTRIES) {
            if (e.reads(setting)) {
                out.add(e.name());
            }
        }
        return out;
    }

    /**
     * A predictor of kind {@code name}.
     *
     * @throws IllegalArgumentException for an unknown kind, a bad setting or an unusable file
     */
    public static TrafficPredictor create(String name, Settings settings) {
        return entry(name).factory().apply(Objects.requireNonNull(settings, "settings"));
    }
}
