package dev.kdrl.core.policy;

import java.util.Arrays;
import java.util.Objects;

/**
 * Running per-component mean and variance of observations, updated during training and frozen into an
 * {@link ObservationNormalizer} for saving and inference (stable-baselines3's {@code RunningMeanStd}).
 *
 * <p>Starts from mean 0, variance 1 and a pseudo-count of {@link #INITIAL_COUNT} = 1e-4, as stable-baselines3
 * does, so the first batch dominates at once but a constant first batch does not give a zero variance. Each
 * {@link #update(double[][]) batch} is combined with the current statistics by the parallel algorithm of Chan,
 * Golub and LeVeque: with {@code δ = batchMean - mean} and {@code n = count + batchCount},
 *
 * <pre>
 *   mean' = mean + δ · batchCount / n
 *   var'  = (var · count + batchVar · batchCount + δ² · count · batchCount / n) / n
 *   count' = n
 * </pre>
 *
 * <p>where {@code batchVar} is the population variance (divisor {@code batchCount}) of the batch.
 *
 * <p>Mutable and not thread-safe.
 */
public final class RunningMeanStd {
    /** The pseudo-count of the prior (mean 0, variance 1), stable-baselines3's {@code epsilon}. */
    public static final double INITIAL_COUNT = 1e-4;

    private final double[] mean;
    private final double[] var;
    private double count;

    /** Statistics of {@code n} components starting from the prior (mean 0, variance 1, count 1e-4). */
    public RunningMeanStd(int n) {
        if (n <= 0) {
            throw new IllegalArgumentException("n must be > 0, got " + n);
        }
        this.mean = new double[n];
        this.var = new double[n];
        Arrays.fill(var, 1);
        this.count = INITIAL_COUNT;
    }

    private RunningMeanStd(double[] mean, double[] var, double count) {
        this.mean = mean;
        this.var = var;
        this.count = count;
    }

    /**
     * Statistics starting from given values, e.g. to resume training from a saved normaliser.
     *
     * @param count &gt;= 0; with 0 the first batch replaces the statistics entirely
     */
    public static RunningMeanStd of(double[] mean, double[] var, double count) {
        ObservationNormalizer check = new ObservationNormalizer(mean, var, count, 1, 1);
        return new RunningMeanStd(check.mean(), check.var(), count);
    }

    /** Resumes from frozen statistics (their mean, variance and count). */
    public static RunningMeanStd resume(ObservationNormalizer frozen) {
        Objects.requireNonNull(frozen, "frozen must not be null");
        return new RunningMeanStd(frozen.mean(), frozen.var(), frozen.count());
    }

    /**
     * Adds a batch of observations.
     *
     * @param batch rows of length {@link #size()}, finite; an empty batch changes nothing
     * @throws IllegalArgumentException naming the offending row and column
     */
    public void update(double[][] batch) {
        Objects.requireNonNull(batch, "batch must not be null");
        int n = mean.length;
        int rows = batch.length;
        if (rows == 0) {
            return;
        }
        double[] bMean = new double[n];
        for (int r = 0; r < rows; r++) {
            double[] row = batch[r];
            if (row == null || row.length != n) {
                throw new IllegalArgumentException("batch row " + r + " has length "
                        + (row == null ? "null" : row.length) + ", expected " + n);
            }
            for (int i = 0; i < n; i++) {
                if (!Double.isFinite(row[i])) {
                    throw new IllegalArgumentException("batch[" + r + "][" + i + "] is " + row[i]
                            + " (expected a finite number)");
                }
                bMean[i] += row[i];
            }
        }
        for (int i = 0; i < n; i++) {
            bMean[i] /= rows;
        }
        double[] bVar = new double[n];
        for (double[] row : batch) {
            for (int i = 0; i < n; i++) {
                double d = row[i] - bMean[i];
                bVar[i] += d * d;
            }
        }
        double total = count + rows;
        for (int i = 0; i < n; i++) {
            bVar[i] /= rows;
            double delta = bMean[i] - mean[i];
            double m2 = var[i] * count + bVar[i] * rows + delta * delta * count * rows / total;
            mean[i] += delta * rows / total;
            var[i] = m2 / total;
        }
        count = total;
    }

    /** Adds one observation. */
    public void update(double[] observation) {
        update(new double[][] {observation});
    }

    /** Number of components. */
    public int size() {
        return mean.length;
    }

    /** A copy of the current mean. */
    public double[] mean() {
        return mean.clone();
    }

    /** A copy of the current (population) variance. */
    public double[] var() {
        return var.clone();
    }

    /** Number of observations seen, plus the prior's pseudo-count. */
    public double count() {
        return count;
    }

    /** The current statistics with the default epsilon (1e-8) and clip (10). */
    public ObservationNormalizer freeze() {
        return ObservationNormalizer.of(mean, var, count);
    }

    /** The current statistics with the given epsilon and clip. */
    public ObservationNormalizer freeze(double epsilon, double clip) {
        return new ObservationNormalizer(mean, var, count, epsilon, clip);
    }

    @Override
    public String toString() {
        return "RunningMeanStd[n=" + mean.length + ", count=" + count + "]";
    }
}
