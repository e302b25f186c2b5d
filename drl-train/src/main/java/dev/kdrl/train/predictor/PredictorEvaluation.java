package dev.kdrl.train.predictor;

import dev.kdrl.core.predict.Predictors;
import dev.kdrl.core.predict.TrafficPredictor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One-step-ahead forecasts over a series' chronological test tail, each from the true history before
 * it, for a model and the baselines: every predictor of the {@link Predictors} registry that needs no trained
 * file (last value, moving average and Holt's linear smoothing, its weights fitted on the training part of the
 * same split).
 */
public final class PredictorEvaluation {

    private PredictorEvaluation() {
    }

    /** Errors of one predictor on one series. */
    public record Row(String series, String model, ForecastErrors errors) {
    }

    /**
     * The test tail's actual values and every predictor's forecasts of them.
     *
     * @param firstIndex index in the series of the first test value
     */
    public record Result(String series, int firstIndex, double[] actual, Map<String, double[]> forecasts,
                         List<Row> rows) {
    }

    /**
     * Evaluates {@code model} (may be null: baselines only) and the baselines on the test tail of
     * {@code values}.
     *
     * @param series   a name for the series, e.g. {@code trace.csv:house}
     * @param maSpan   the moving average's span
     */
    public static Result evaluate(String series, double[] values, TrafficPredictor model, double testFraction,
                                  double valFraction, int window, int maSpan) {
        TrafficPredictor.validate(values);
        SeriesSplit split = SeriesSplit.of(values.length, testFraction, valFraction, window);
        if (split.testSize() == 0) {
            throw new IllegalArgumentException(series + ": the test tail is empty (test fraction " + testFraction + ")");
        }
        List<TrafficPredictor> predictors = new ArrayList<>();
        if (model != null) {
            predictors.add(model);
        }
        // every predictor that needs no trained file: last value, moving average, Holt fitted on the training part
        Predictors.Settings settings = Predictors.Settings.defaults().withWindow(maSpan)
                .fittedTo(Arrays.copyOf(values, split.trainEnd()));
        for (String name : Predictors.baselines()) {
            predictors.add(Predictors.create(name, settings));
        }
        double[] actual = Arrays.copyOfRange(values, split.fitEnd(), values.length);
        Map<String, double[]> forecasts = new LinkedHashMap<>();
        List<Row> rows = new ArrayList<>();
        for (TrafficPredictor p : predictors) {
            double[] f = new double[actual.length];
            for (int t = split.fitEnd(); t < values.length; t++) {
                f[t - split.fitEnd()] = p.predict(Arrays.copyOf(values, t));
            }
            forecasts.put(p.name(), f);
            rows.add(new Row(series, p.name(), ForecastErrors.of(actual, f)));
        }
        return new Result(series, split.fitEnd(), actual, forecasts, rows);
    }
}
