package dev.kdrl.agent.ops;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A request to stop (SIGTERM): what the waits of a write's retries and of a Revision's readiness give way to, so that
 * a cycle in progress ends within the pod's grace period even while the API server hangs. The process has one,
 * {@link #PROCESS}; tests make their own.
 */
public final class StopSignal {
    /** The process's: requested by the SIGTERM handler and the shutdown hook. */
    public static final StopSignal PROCESS = new StopSignal();

    private final CountDownLatch requested = new CountDownLatch(1);

    /** Requests the stop; idempotent. */
    public void request() {
        requested.countDown();
    }

    /** Whether the stop was requested. */
    public boolean requested() {
        return requested.getCount() == 0;
    }

    /**
     * Waits for {@code d} before a retry, or until the stop is requested (then no retry: none is begun after it).
     *
     * @return true when the retry may go ahead
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean beforeRetry(Duration d) throws InterruptedException {
        return !requested() && sleep(d);
    }

    /** The message of a write given up for a stop: {@code stopping (SIGTERM): no retry after 2 attempts: <last>}. */
    public static String noRetry(int attempts, String last) {
        return "stopping (SIGTERM): no retry after " + attempts + " attempt" + (attempts == 1 ? "" : "s") + ": " + last;
    }

    /**
     * Waits for {@code d}, or until the stop is requested.
     *
     * @return true when the whole wait passed, false when the stop was requested (before or during it)
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean sleep(Duration d) throws InterruptedException {
        return !requested.await(Math.max(0, d.toMillis()), TimeUnit.MILLISECONDS);
    }
}
