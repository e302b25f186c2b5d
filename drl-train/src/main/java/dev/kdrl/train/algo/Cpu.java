package dev.kdrl.train.algo;

import java.lang.management.ManagementFactory;

/** The process's and the current thread's CPU time, for throughput per CPU-second. */
public final class Cpu {
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private static final java.lang.management.ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private Cpu() {
    }

    /** CPU time used by this process so far, in nanoseconds. */
    public static long processNanos() {
        return OS.getProcessCpuTime();
    }

    /** CPU time used by the current thread so far (user and system), in nanoseconds. */
    public static long threadNanos() {
        return THREADS.getCurrentThreadCpuTime();
    }
}
