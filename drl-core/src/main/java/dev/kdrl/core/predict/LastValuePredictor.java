package dev.kdrl.core.predict;

import java.util.Arrays;

/**
 * The naive forecast: the next value equals the last one. With an empty history it predicts 0 and says
 * so. Also the documented fallback of the other predictors when the history is too short.
 */
public final class LastValuePredictor implements TrafficPredictor {

    @Override
    public String name() {
        return "last-value";
    }

    @Override
    public Forecast forecast(double[] history, int k) {
        TrafficPredictor.validate(history);
        TrafficPredictor.validateSteps(k);
        double[] out = new double[k];
        if (history.length == 0) {
            return new Forecast(out, name(), "empty history: predicting 0");
        }
        Arrays.fill(out, history[history.length - 1]);
        return new Forecast(out, name(), null);
    }

    /** The fallback forecast of a predictor that needs {@code needed} points and got fewer. */
    static Forecast fallback(double[] history, int k, int needed, String predictor) {
        Forecast f = new LastValuePredictor().forecast(history, k);
        String why = predictor + " needs " + needed + " history points, got " + history.length
                + (history.length == 0 ? ": predicting 0" : ": repeating the last value");
        return new Forecast(f.values(), "last-value", why);
    }
}
