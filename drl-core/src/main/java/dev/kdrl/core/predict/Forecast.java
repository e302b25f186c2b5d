package dev.kdrl.core.predict;

import java.util.Arrays;
import java.util.Objects;

/**
 * A forecast of the next {@code values.length} periods. Immutable (the values are copied in and out); equal forecasts
 * have equal values (by content), method and fallback reason.
 *
 * @param values         predicted values: at least one, each finite and &gt;= 0
 * @param method         what produced them (the predictor's name, or the fallback's)
 * @param fallbackReason why a fallback forecast was used instead of the model, or {@code null}
 */
public record Forecast(double[] values, String method, String fallbackReason) {

    /** @throws IllegalArgumentException naming the first bad value, or for no values */
    public Forecast {
        Objects.requireNonNull(method, "method");
        values = values.clone();
        if (values.length == 0) {
            throw new IllegalArgumentException("a forecast of " + method + " with no values (expected at least one)");
        }
        for (int i = 0; i < values.length; i++) {
            if (!(values[i] >= 0 && values[i] < Double.POSITIVE_INFINITY)) {
                throw new IllegalArgumentException("forecast of " + method + ": value " + i + " is " + values[i]
                        + " (expected a finite load >= 0)");
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Forecast f && Arrays.equals(values, f.values) && method.equals(f.method)
                && Objects.equals(fallbackReason, f.fallbackReason);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(values), method, fallbackReason);
    }

    @Override
    public String toString() {
        return "Forecast[values=" + Arrays.toString(values) + ", method=" + method + ", fallbackReason="
                + fallbackReason + "]";
    }

    @Override
    public double[] values() {
        return values.clone();
    }

    /** The first forecast value. */
    public double next() {
        return values[0];
    }

    public boolean isFallback() {
        return fallbackReason != null;
    }
}
