package dev.kdrl.agent.k8s;

import java.time.Duration;

/**
 * Whether this replica may write decisions, and since when. A <em>term</em> is a number that changes each time
 * the replica (re)gains leadership: the loop builds its agent in a term (so it continues from the history and
 * state a previous leader left) and writes a decision only while that term lasts.
 *
 * <p>{@link LeaseElection} elects one replica on a Lease; {@link #sole()} is a replica that always leads (no
 * election, or a dry run).
 */
public interface Leadership extends AutoCloseable {

    /** The term of a replica that does not lead. */
    long NOT_LEADING = 0;

    /** The term this replica leads in now, or {@link #NOT_LEADING}. */
    long term();

    /**
     * Waits until this replica leads, or until {@link #stopWaiting()} was called (before or during the wait).
     *
     * @return {@link #term()} then ({@link #NOT_LEADING} when the wait was ended by {@link #stopWaiting()})
     */
    long awaitTerm() throws InterruptedException;

    /**
     * {@link #awaitTerm()}, for at most {@code timeout}, ending early when the API server {@link #refused} the
     * Lease.
     *
     * @return {@link #term()} then ({@link #NOT_LEADING} when the time ran out, the wait was stopped or refused)
     */
    long awaitTerm(Duration timeout) throws InterruptedException;

    /**
     * Why this replica does not lead, in one line for the log (e.g. the API server that could not be reached and
     * why, or who holds the Lease); {@code null} when there is nothing to say.
     */
    default String whyNotLeading() {
        return null;
    }

    /**
     * Whether the API server refused this replica's last request for leadership (its credentials or its rights:
     * 401, 403), so that a bounded wait need not run out: more waiting does not grant them.
     */
    default boolean refused() {
        return false;
    }

    /**
     * The loop is stopping: every {@link #awaitTerm()}, now and later, returns at once, and an election that
     * ends is not stood for again.
     */
    void stopWaiting();

    /** Stops standing for leadership and gives it up (an election releases its Lease). */
    @Override
    void close();

    /** A replica that always leads, in one term. */
    static Leadership sole() {
        return new Leadership() {
            @Override
            public long term() {
                return 1;
            }

            @Override
            public long awaitTerm() {
                return 1;
            }

            @Override
            public long awaitTerm(Duration timeout) {
                return 1;
            }

            @Override
            public void stopWaiting() {
                // never waits
            }

            @Override
            public void close() {
                // nothing held
            }
        };
    }
}
