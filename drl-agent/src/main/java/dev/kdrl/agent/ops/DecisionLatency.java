package dev.kdrl.agent.ops;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * The decision latencies of a simulation ({@code --simulate}) and the summary the agent logs at its end:
 * decision percentiles and peak RSS, the agent's benchmark figures ({@code scripts/bench-agent.sh}).
 */
public final class DecisionLatency {
    private long[] nanos = new long[64];
    private int count;

    /** Adds one cycle's decision time. */
    public void add(long decisionNanos) {
        if (count == nanos.length) {
            nanos = Arrays.copyOf(nanos, 2 * count);
        }
        nanos[count++] = decisionNanos;
    }

    public int count() {
        return count;
    }

    /** The nearest-rank {@code q} quantile (0 &lt; q &le; 1) in nanoseconds; NaN with no cycle. */
    public double quantileNanos(double q) {
        if (count == 0) {
            return Double.NaN;
        }
        long[] sorted = sorted();
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    /**
     * {@code simulated N cycles: decision p50 .. ms, p99 .. ms, max .. ms; peak RSS ..}, or {@code null} with
     * no cycle.
     */
    public String summary() {
        if (count == 0) {
            return null;
        }
        return String.format(Locale.ROOT, "simulated %d cycles: decision p50 %.3f ms, p99 %.3f ms, max %.3f ms; "
                        + "peak RSS %s", count, quantileNanos(0.50) / 1e6, quantileNanos(0.99) / 1e6,
                sorted()[count - 1] / 1e6, peakRss());
    }

    private long[] sorted() {
        long[] s = Arrays.copyOf(nanos, count);
        Arrays.sort(s);
        return s;
    }

    /** This process's peak resident set size as /proc/self/status says it ({@code 123456 kB}), else unknown. */
    static String peakRss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return line.substring(6).strip();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not on Linux
        }
        return "unknown";
    }
}
