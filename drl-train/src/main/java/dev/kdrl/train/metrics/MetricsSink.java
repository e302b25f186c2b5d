package dev.kdrl.train.metrics;

import java.util.Map;

/**
 * Where training metrics go, one row at a time ({@code rollout/ep_rew_mean}, {@code train/approx_kl}, ...). The
 * trainers write through this interface; {@link CsvMetrics} is the file every run writes ({@code metrics.csv}).
 */
public interface MetricsSink extends AutoCloseable {

    /**
     * One row. The first row's keys are the columns (a later row's other keys are not written); a missing or NaN value
     * is left empty. Integral values given as {@link Long} or {@link Integer} are written without a fraction.
     */
    void write(Map<String, ? extends Number> row);

    /** Flushes and releases the sink; writing after this fails. */
    @Override
    void close();
}
