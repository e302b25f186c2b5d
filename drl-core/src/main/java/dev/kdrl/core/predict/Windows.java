package dev.kdrl.core.predict;

/**
 * Supervised windows of a series: row {@code i} of {@link #inputs()} is
 * {@code series[i .. i+window-1]} and {@link #targets()}{@code [i]} is {@code series[i+window]}.
 */
public record Windows(double[][] inputs, double[] targets) {

    /** Every window of {@code window} values with the value that follows it. */
    public static Windows of(double[] series, int window) {
        if (window < 1) {
            throw new IllegalArgumentException("window must be >= 1, got " + window);
        }
        int n = Math.max(0, series.length - window);
        double[][] x = new double[n][window];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(series, i, x[i], 0, window);
            y[i] = series[i + window];
        }
        return new Windows(x, y);
    }

    public int size() {
        return targets.length;
    }
}
