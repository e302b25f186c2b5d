package dev.kdrl.env.quota;

import java.math.BigDecimal;

/**
 * The range each number of a profile must lie in: wide enough for any real service, narrow enough that the pods,
 * cores and rewards the model computes from them stay finite. A latency of 1e-320 ms or a quota of 1e308 cores is a
 * typing error, and would make every return infinite or NaN; it is refused where it is read, naming the field.
 */
public enum Limit {
    /** The namespace quota, in cores (the live agent's {@code quota} key has the same bound). */
    QUOTA("cores", 0.001, 100_000),
    /** A pod's CPU, in cores: Kubernetes counts CPU in millicores, so 0.001 is the least. */
    CPU("cores", 0.001, 100_000),
    /** A concurrency target, in concurrent requests per pod. */
    CONCURRENCY("requests", 0.001, 1_000_000),
    /** A latency, an SLO or a K-HPA threshold, in milliseconds (a microsecond to a day). */
    MILLISECONDS("ms", 0.001, 86_400_000);

    private final String unit;
    private final double min;
    private final double max;

    Limit(String unit, double min, double max) {
        this.unit = unit;
        this.min = min;
        this.max = max;
    }

    /** The least value allowed. */
    public double min() {
        return min;
    }

    /** The largest value allowed. */
    public double max() {
        return max;
    }

    /** Whether {@code v} lies in the range (NaN does not). */
    public boolean contains(double v) {
        return v >= min && v <= max;
    }

    /** The range in words, e.g. {@code "from 0.001 to 100000 cores"}. */
    public String range() {
        return "from " + plain(min) + " to " + plain(max) + " " + unit;
    }

    /**
     * {@code v}, when it lies in the range.
     *
     * @throws IllegalArgumentException naming {@code field}, the value and the range
     */
    public double require(String field, double v) {
        if (!contains(v)) {
            throw new IllegalArgumentException(field + " must be a number " + range() + ", got " + v);
        }
        return v;
    }

    private static String plain(double v) {
        return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }
}
