package dev.kdrl.core.predict;

/**
 * A forecast of the next {@code values.length} periods.
 *
 * @param values         predicted values, each &gt;= 0
 * @param method         what produced them (the predictor's name, or the fallback's)
 * @param fallbackReason why a fallback forecast was used instead of the model, or {@code null}
 */
public record Forecast(double[] values, String method, String fallbackReason) {

    public Forecast {
        values = values.clone();
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
