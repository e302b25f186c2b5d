package dev.kdrl.env.baseline;

import dev.kdrl.core.rng.Rng;
import dev.kdrl.env.quota.QuotaState;
import dev.kdrl.env.trace.Trace;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The next period's traffic as a recorded history says it follows the current one: an empirical
 * {@link TrafficDistribution} fitted on rows of past traffic (oldest first, one row per decision period, one
 * column per service, in the model's service order). Only the history's one-step statistics are used, never
 * its order beyond one step, so a planner using it does not see the future even when the history is the trace
 * being played (it sees how that trace's load moves from one period to the next, not which row comes next).
 *
 * <p>{@link Kind#AR1} (the default) fits, per service {@code i}, the mean {@code m_i} and the lag-1
 * autocorrelation {@code rho_i} (clipped to {@code [0, 1]}) and keeps the residuals
 * {@code e_t = x_{t+1} - m - rho (x_t - m)} of every consecutive pair of rows; a sample for current traffic
 * {@code u} is {@code m + rho (u - m) + e_t} for one {@code t}, the same for every service (so their
 * correlation is kept). With {@code rho = 0} (independent loads such as {@code train-200}, whose lag-1
 * autocorrelations are -0.03 to 0.03) this is the marginal distribution of the next row; with {@code rho = 1}
 * it is the current load plus an observed one-step change; web traffic (NASA windows: 0.3 to 0.45) lies
 * between. {@link Kind#MARGINAL} samples a history row, ignoring the current load; {@link Kind#DELTA} adds an
 * observed one-step change to it. Every sample is rounded to whole users and clamped at 0, as the live agent
 * rounds its predicted load and the traces hold integers.
 *
 * <p>{@link #sample} returns every residual (the exact expectation over the empirical distribution, no draw)
 * when {@code maxSamples} is at least their number, else that many distinct ones drawn from the stream.
 * Immutable.
 */
public final class EmpiricalTraffic implements TrafficDistribution {

    /** How the next traffic is built from the current one and the history. */
    public enum Kind {
        /** Per-service AR(1) around the mean with the history's residuals (the default). */
        AR1,
        /** A history row, whatever the current traffic. */
        MARGINAL,
        /** The current traffic plus one of the history's one-step changes. */
        DELTA;

        /** The lower-case name used on command lines and in configuration. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The kind of that label. */
        public static Kind of(String label) {
            for (Kind k : values()) {
                if (k.label().equals(label)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("traffic distribution '" + label + "' is unknown (expected one of "
                    + Arrays.stream(values()).map(Kind::label).toList() + ")");
        }
    }

    private final Kind kind;
    private final int services;
    private final double[] mean;
    private final double[] rho;
    private final double[] sd;
    /** Residuals (AR1), changes (DELTA) or rows (MARGINAL), one per sample. */
    private final double[][] residuals;
    private final String source;

    private EmpiricalTraffic(Kind kind, int services, double[] mean, double[] rho, double[] sd, double[][] residuals,
                             String source) {
        this.kind = kind;
        this.services = services;
        this.mean = mean;
        this.rho = rho;
        this.sd = sd;
        this.residuals = residuals;
        this.source = source;
    }

    /**
     * Fits the distribution on {@code rows}.
     *
     * @param rows   past traffic, oldest first, one row per period, each with {@code services} finite values
     *               {@code >= 0}; fewer than two rows give no sample (except {@link Kind#MARGINAL} with one)
     * @param source what the rows are, for {@link #toString()}
     * @throws IllegalArgumentException naming the row and column of a bad value or width
     */
    public static EmpiricalTraffic fit(double[][] rows, int services, Kind kind, String source) {
        Objects.requireNonNull(rows, "rows");
        Objects.requireNonNull(kind, "kind");
        if (services < 1) {
            throw new IllegalArgumentException("services must be >= 1, got " + services);
        }
        for (int r = 0; r < rows.length; r++) {
            if (rows[r] == null || rows[r].length != services) {
                throw new IllegalArgumentException("traffic history " + source + ": row " + r + " has "
                        + (rows[r] == null ? "no" : String.valueOf(rows[r].length)) + " values, expected " + services);
            }
            for (int i = 0; i < services; i++) {
                double v = rows[r][i];
                if (!(v >= 0) || Double.isInfinite(v)) {
                    throw new IllegalArgumentException("traffic history " + source + ": row " + r + ", column " + i
                            + ": value " + v + " is invalid (expected a finite number >= 0)");
                }
            }
        }
        int len = rows.length;
        double[] mean = new double[services];
        double[] rho = new double[services];
        double[] sd = new double[services];
        for (int i = 0; i < services; i++) {
            double sum = 0;
            for (double[] row : rows) {
                sum += row[i];
            }
            mean[i] = len == 0 ? 0 : sum / len;
            double num = 0;
            double den = 0;
            for (int t = 0; t < len; t++) {
                double d = rows[t][i] - mean[i];
                den += d * d;
                if (t + 1 < len) {
                    num += d * (rows[t + 1][i] - mean[i]);
                }
            }
            sd[i] = len == 0 ? 0 : Math.sqrt(den / len);
            rho[i] = den > 0 ? Math.max(0, Math.min(1, num / den)) : 0;
        }
        double[][] res;
        switch (kind) {
            case MARGINAL -> {
                res = new double[len][];
                for (int t = 0; t < len; t++) {
                    res[t] = rows[t].clone();
                }
            }
            case DELTA, AR1 -> {
                res = new double[Math.max(0, len - 1)][services];
                for (int t = 0; t + 1 < len; t++) {
                    for (int i = 0; i < services; i++) {
                        res[t][i] = kind == Kind.DELTA ? rows[t + 1][i] - rows[t][i]
                                : rows[t + 1][i] - mean[i] - rho[i] * (rows[t][i] - mean[i]);
                    }
                }
            }
            default -> throw new IllegalStateException("unknown kind " + kind);
        }
        return new EmpiricalTraffic(kind, services, mean, rho, sd, res, source);
    }

    /** Fits the distribution on a trace's columns {@code services}, in that order. */
    public static EmpiricalTraffic fit(Trace trace, List<String> services, Kind kind) {
        Trace t = trace.select(services);
        double[][] rows = new double[t.length()][];
        for (int r = 0; r < rows.length; r++) {
            rows[r] = t.row(r);
        }
        return fit(rows, services.size(), kind, t.source());
    }

    public Kind kind() {
        return kind;
    }

    /** Number of distinct samples: consecutive pairs of rows (AR1, DELTA) or rows (MARGINAL). */
    public int size() {
        return residuals.length;
    }

    /** The fitted lag-1 autocorrelation per service (clipped to {@code [0, 1]}). */
    public double[] autocorrelation() {
        return rho.clone();
    }

    /** The history's mean per service. */
    public double[] mean() {
        return mean.clone();
    }

    /** The history's standard deviation per service (population, over all rows). */
    public double[] standardDeviation() {
        return sd.clone();
    }

    /**
     * Per service, in service order: {@link #autocorrelation()}, {@link #mean()}, {@link #standardDeviation()}
     * (three values per service); null when the history has fewer than two rows (nothing to fit).
     */
    @Override
    public double[] statistics() {
        if ((kind == Kind.MARGINAL ? size() : size() + 1) < 2) {
            return null;
        }
        double[] out = new double[3 * services];
        for (int i = 0; i < services; i++) {
            out[3 * i] = rho[i];
            out[3 * i + 1] = mean[i];
            out[3 * i + 2] = sd[i];
        }
        return out;
    }

    @Override
    public double[][] sample(QuotaState state, int maxSamples, Rng rng) {
        return sample(state.traffic(), maxSamples, rng);
    }

    /**
     * Samples of the traffic after {@code current}: every one when {@code maxSamples >= size()} (in history
     * order, {@code rng} unused), else {@code maxSamples} distinct ones drawn from {@code rng}.
     */
    public double[][] sample(double[] current, int maxSamples, Rng rng) {
        if (current.length != services) {
            throw new IllegalArgumentException("current traffic has " + current.length + " values, expected "
                    + services);
        }
        if (maxSamples < 0) {
            throw new IllegalArgumentException("maxSamples must be >= 0, got " + maxSamples);
        }
        int m = Math.min(maxSamples, residuals.length);
        int[] pick = new int[residuals.length];
        for (int k = 0; k < pick.length; k++) {
            pick[k] = k;
        }
        if (m < residuals.length) {
            // a partial Fisher-Yates shuffle: m distinct indices
            for (int k = 0; k < m; k++) {
                int j = k + rng.nextInt(pick.length - k);
                int tmp = pick[k];
                pick[k] = pick[j];
                pick[j] = tmp;
            }
        }
        double[][] out = new double[m][services];
        for (int k = 0; k < m; k++) {
            double[] e = residuals[pick[k]];
            for (int i = 0; i < services; i++) {
                double v = switch (kind) {
                    case MARGINAL -> e[i];
                    case DELTA -> current[i] + e[i];
                    case AR1 -> mean[i] + rho[i] * (current[i] - mean[i]) + e[i];
                };
                out[k][i] = Math.min(Trace.MAX_VALUE, Math.max(0, (double) Math.round(v)));
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "EmpiricalTraffic[" + kind.label() + " of " + source + ", " + residuals.length + " samples, rho "
                + Arrays.toString(rho) + "]";
    }
}
