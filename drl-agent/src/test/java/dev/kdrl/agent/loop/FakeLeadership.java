package dev.kdrl.agent.loop;

import dev.kdrl.agent.k8s.Leadership;
import java.time.Duration;
import java.util.function.Consumer;

/** Leadership set by the test; {@link #awaitTerm()} runs {@link #onAwait} instead of blocking. */
final class FakeLeadership implements Leadership {
    long term;
    int awaits;
    boolean stopWaiting;
    boolean closed;
    /** What {@link #whyNotLeading()} says. */
    String why;
    /** What happens while the loop waits to lead (e.g. it becomes the leader, or a stop is asked). */
    Runnable onAwait = () -> { };
    /** What happens while the loop waits to lead for at most the given time; by default {@link #onAwait}. */
    Consumer<Duration> onTimedAwait = d -> onAwait.run();

    FakeLeadership(long term) {
        this.term = term;
    }

    @Override
    public long term() {
        return term;
    }

    @Override
    public long awaitTerm() {
        if (++awaits > 100) {
            throw new AssertionError("the loop keeps waiting: the test never makes it lead or stop");
        }
        if (!stopWaiting) {
            onAwait.run();
        }
        return term;
    }

    @Override
    public long awaitTerm(Duration timeout) {
        if (++awaits > 100) {
            throw new AssertionError("the loop keeps waiting: the test never makes it lead or stop");
        }
        if (!stopWaiting) {
            onTimedAwait.accept(timeout);
        }
        return term;
    }

    @Override
    public String whyNotLeading() {
        return why;
    }

    @Override
    public void stopWaiting() {
        stopWaiting = true;
    }

    @Override
    public void close() {
        closed = true;
    }
}
