package dev.kdrl.train.algo;

import java.lang.management.ManagementFactory;

/** The process's CPU time (all threads: user and system), for throughput per CPU-second. */
public final class Cpu {
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private Cpu() {
    }

    /** CPU time used by this process so far, in nanoseconds. */
    public static long processNanos() {
        return OS.getProcessCpuTime();
    }
}
