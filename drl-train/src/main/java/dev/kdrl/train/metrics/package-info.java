/**
 * Where training metrics go: {@link dev.kdrl.train.metrics.MetricsSink} and its CSV file, {@link
 * dev.kdrl.train.metrics.CsvMetrics}.
 */
package dev.kdrl.train.metrics;
