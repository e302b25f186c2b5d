package dev.kdrl.core.predict;

/**
 * The mean of the last {@code k} values (of all of them while fewer exist). Multi-step forecasts append
 * each prediction to the history. An empty history predicts 0 and says so.
 */
public final class MovingAveragePredictor implements TrafficPredictor {
    private final int span;

    public MovingAveragePredictor(int span) {
        if (span < 1) {
            throw new IllegalArgumentException("span must be >= 1, got " + span);
        }
        this.span = span;
    }

    public int span() {
        return span;
    }

    @Override
    public String name() {
        return "moving-average(" + span + ")";
    }

    @Override
    public Forecast forecast(double[] history, int k) {
        TrafficPredictor.validate(history);
        TrafficPredictor.validateSteps(k);
        if (history.length == 0) {
            return new Forecast(new double[k], name(), "empty history: predicting 0");
        }
        int m = Math.min(span, history.length);
        double[] ring = new double[m];
        System.arraycopy(history, history.length - m, ring, 0, m);
        double[] out = new double[k];
        for (int s = 0; s < k; s++) {
            double sum = 0;
            for (double v : ring) {
                sum += v;
            }
            out[s] = sum / m;
            ring[s % m] = out[s];
        }
        return new Forecast(out, name(), null);
    }
}
