package dev.kdrl.core.predict;

/**
 * Predicts a service's load of the coming periods from its history (oldest first). Every implementation
 * rejects NaN, infinite or negative history values with their index and value, and never predicts a
 * negative load.
 */
public interface TrafficPredictor {

    /** A short name for reports. */
    String name();

    /**
     * The next {@code k} values (recursively: each prediction is appended to the history for the next).
     *
     * @throws IllegalArgumentException on a bad history value or {@code k < 1}
     */
    Forecast forecast(double[] history, int k);

    /** The next value. */
    default double predict(double[] history) {
        return forecast(history, 1).next();
    }

    /** The next {@code k} values. */
    default double[] predict(double[] history, int k) {
        return forecast(history, k).values();
    }

    /**
     * Checks a history: every value finite and &gt;= 0.
     *
     * @throws IllegalArgumentException naming the first bad index and value
     */
    static void validate(double[] history) {
        if (history == null) {
            throw new IllegalArgumentException("history must not be null");
        }
        for (int i = 0; i < history.length; i++) {
            double v = history[i];
            if (!(v >= 0) || Double.isInfinite(v)) {
                throw new IllegalArgumentException("history[" + i + "] is " + v + " (expected a finite number >= 0)");
            }
        }
    }

    /** Checks {@code k >= 1}. */
    static void validateSteps(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
    }
}
