package dev.kdrl.core.predict;

/**
 * Maps {@code [min, max]} to {@code [0, 1]}, as fitted on a training series. A constant series scales
 * by a range of 1 (so it maps to 0 and back without dividing by zero).
 */
public record MinMaxScaler(double min, double max) {

    public MinMaxScaler {
        if (!Double.isFinite(min) || !Double.isFinite(max) || max < min) {
            throw new IllegalArgumentException("scaler needs finite min <= max, got [" + min + ", " + max + "]");
        }
    }

    /** Fitted on {@code values} (at least one). */
    public static MinMaxScaler fit(double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("cannot fit a scaler on no values");
        }
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        return new MinMaxScaler(lo, hi);
    }

    private double range() {
        return max > min ? max - min : 1;
    }

    public double transform(double v) {
        return (v - min) / range();
    }

    public double inverse(double s) {
        return s * range() + min;
    }

    public double[] transform(double[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = transform(values[i]);
        }
        return out;
    }
}
