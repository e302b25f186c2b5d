package dev.kdrl.core.predict;

/**
 * Holt's linear exponential smoothing: a level and a trend, updated per observation with weights
 * {@code alpha} and {@code beta}; the {@code h}-step forecast is {@code level + h * trend}, clamped at 0.
 * {@link #fit(double[])} chooses both weights by least one-step squared error on a training series
 * (a grid search refined around the best cell; deterministic).
 *
 * <p>The state starts at {@code level = x0}, {@code trend = x1 - x0}. Histories shorter than 2 points
 * fall back to the last value (documented, flagged in the {@link Forecast}).
 */
public final class HoltPredictor implements TrafficPredictor {
    private final double alpha;
    private final double beta;

    public HoltPredictor(double alpha, double beta) {
        if (!(alpha > 0 && alpha <= 1)) {
            throw new IllegalArgumentException("alpha must be in (0, 1], got " + alpha);
        }
        if (!(beta >= 0 && beta <= 1)) {
            throw new IllegalArgumentException("beta must be in [0, 1], got " + beta);
        }
        this.alpha = alpha;
        this.beta = beta;
    }

    /** Weights minimising the one-step squared error on {@code train} (at least 3 points). */
    public static HoltPredictor fit(double[] train) {
        TrafficPredictor.validate(train);
        if (train.length < 3) {
            throw new IllegalArgumentException("Holt fitting needs at least 3 points, got " + train.length);
        }
        double bestA = 0.5;
        double bestB = 0.1;
        double best = Double.POSITIVE_INFINITY;
        double step = 0.05;
        double loA = 0.05;
        double hiA = 1.0;
        double loB = 0.0;
        double hiB = 1.0;
        for (int round = 0; round < 3; round++) {
            for (double a = loA; a <= hiA + 1e-12; a += step) {
                for (double b = loB; b <= hiB + 1e-12; b += step) {
                    double aa = Math.min(1, a);
                    double bb = Math.min(1, b);
                    double sse = oneStepSse(train, aa, bb);
                    if (sse < best) {
                        best = sse;
                        bestA = aa;
                        bestB = bb;
                    }
                }
            }
            loA = Math.max(step / 10, bestA - step);
            hiA = Math.min(1, bestA + step);
            loB = Math.max(0, bestB - step);
            hiB = Math.min(1, bestB + step);
            step /= 10;
        }
        return new HoltPredictor(bestA, bestB);
    }

    static double oneStepSse(double[] x, double alpha, double beta) {
        double level = x[0];
        double trend = x[1] - x[0];
        double sse = 0;
        for (int t = 1; t < x.length; t++) {
            double f = Math.max(0, level + trend);
            double e = x[t] - f;
            sse += e * e;
            double prev = level;
            level = alpha * x[t] + (1 - alpha) * (level + trend);
            trend = beta * (level - prev) + (1 - beta) * trend;
        }
        return sse;
    }

    public double alpha() {
        return alpha;
    }

    public double beta() {
        return beta;
    }

    @Override
    public String name() {
        return String.format(java.util.Locale.ROOT, "holt(a=%.3f,b=%.3f)", alpha, beta);
    }

    @Override
    public Forecast forecast(double[] history, int k) {
        TrafficPredictor.validate(history);
        TrafficPredictor.validateSteps(k);
        if (history.length < 2) {
            return LastValuePredictor.fallback(history, k, 2, name());
        }
        double level = history[0];
        double trend = history[1] - history[0];
        for (int t = 1; t < history.length; t++) {
            double prev = level;
            level = alpha * history[t] + (1 - alpha) * (level + trend);
            trend = beta * (level - prev) + (1 - beta) * trend;
        }
        double[] out = new double[k];
        for (int h = 1; h <= k; h++) {
            out[h - 1] = Math.max(0, level + h * trend);
        }
        return new Forecast(out, name(), null);
    }
}
