package dev.kdrl.agent.loop;

import dev.kdrl.agent.config.AgentConfig;
import dev.kdrl.agent.k8s.Leadership;
import dev.kdrl.agent.ops.AgentMetrics;
import dev.kdrl.agent.ops.DecisionLatency;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the agent's cycles: one now ({@link #once()}), every period on the {@link Schedule}
 * ({@link #scheduled}), or back to back over a trace ({@link #simulate}). Cycles run only while this replica
 * leads ({@link Leadership}); each time it (re)gains leadership the agent is built again, so it continues
 * from the history and state a previous leader left, and it writes only while that term lasts.
 *
 * <p>Time comes from a {@link Clock} and waiting from a {@link Sleeper}, so a test drives the loop with a
 * fake clock. {@link #stop()} (SIGTERM) ends the loop after the cycle in progress; nothing is interrupted.
 */
public final class AgentLoop implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AgentLoop.class);

    /** {@code maxCycles} for a loop that runs until stopped. */
    public static final long UNLIMITED = Long.MAX_VALUE;

    private final Supplier<Agent> build;
    private final Leadership leadership;
    private final AgentMetrics metrics;
    private final Clock clock;
    private final Sleeper sleeper;
    private volatile boolean stopping;
    /** How long a scheduled cycle may take before the loop counts as hung; {@code null}: never. */
    private volatile Duration cycleBound;
    /** When the cycle in progress (or the next one) must have ended; {@code null} outside the scheduled loop. */
    private volatile Instant dueBy;
    /** How long {@link #once()} and {@link #simulate} wait to lead; {@code null}: until stopped. */
    private volatile Duration leaderWait;
    /** Whether a wait to lead ran out ({@link #leaderWait}). */
    private boolean gaveUpWaiting;
    /** Whether a wait to lead ended because the loop was asked to stop (SIGTERM), before any cycle. */
    private volatile boolean stoppedWaiting;
    private Agent agent;
    private long builtTerm = Leadership.NOT_LEADING;

    /**
     * @param build      builds the agent (opening its history and restoring its state) when this replica
     *                   starts leading; may throw for a bad configuration
     * @param leadership whether this replica leads, and in which term
     * @param metrics    a cycle that throws is counted as failed here
     * @param clock      the time of the cycles
     * @param sleeper    waits on {@code clock} until a cycle's time
     */
    public AgentLoop(Supplier<Agent> build, Leadership leadership, AgentMetrics metrics, Clock clock,
                     Sleeper sleeper) {
        this.build = build;
        this.leadership = leadership;
        this.metrics = metrics;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    /** Builds the agent now when this replica leads, so that a bad configuration fails before the first cycle. */
    public void prepare() {
        leading();
    }

    /**
     * Makes {@link #once()} and {@link #simulate} give up when this replica has not led within {@code bound} of
     * starting to wait (one ERROR line saying why, from {@link Leadership#whyNotLeading()}): they fail then. The
     * scheduled loop waits as long as it takes.
     */
    public AgentLoop leaderWait(Duration bound) {
        this.leaderWait = bound;
        return this;
    }

    /**
     * Runs one cycle now, after waiting to lead.
     *
     * @return whether the decision was written ({@code false} also when stopped before leading, or when the
     *         {@link #leaderWait} ran out)
     */
    public boolean once() throws InterruptedException {
        Agent a = awaitLeadership();
        return a != null && a.runCycle(clock.instant()).written();
    }

    /**
     * {@code --simulate}: cycles back to back, timestamped one {@code period} apart from now (or from one period
     * after the last recorded row, when an earlier simulation ran past now), while the source
     * has rows, at most {@code maxCycles}; waits to lead before each. Logs the decision latencies at the end.
     *
     * @return whether every decision was written, and no wait to lead ran out ({@link #leaderWait})
     */
    public boolean simulate(Duration period, long maxCycles) throws InterruptedException {
        Instant t = clock.instant();
        boolean allWritten = true;
        DecisionLatency latency = new DecisionLatency();
        for (long k = 0; !stopping && k < maxCycles; k++) {
            Agent a = awaitLeadership();
            if (a == null) {
                break;
            }
            if (!a.hasNextCycle()) {
                if (maxCycles != UNLIMITED) {
                    LOG.info("the trace has no more rows: {} of the {} cycles asked ran", k, maxCycles);
                }
                break;
            }
            Instant last = a.lastRecorded();
            if (last != null && !t.isAfter(last)) {
                // an earlier simulation ran ahead of the clock: continue after it (history times only increase)
                t = last.plus(period);
            }
            CycleReport r = a.runCycle(t);
            latency.add(r.decisionNanos());
            allWritten &= r.written();
            t = t.plus(period);
        }
        String summary = latency.summary();
        if (summary != null) {
            LOG.info(summary);
        }
        return allWritten && !gaveUpWaiting;
    }

    /**
     * The live loop: a cycle at each of the schedule's times while leading, until stopped or after
     * {@code maxCycles} cycles (counting those this replica ran). A cycle that throws is logged and counted as
     * failed, and the loop goes on; a cycle that ends after the next was due skips to the following slot.
     */
    public void scheduled(Schedule schedule, long maxCycles) throws InterruptedException {
        Instant next = schedule.next(clock.instant());
        due(next);
        try {
            scheduled(schedule, maxCycles, next);
        } finally {
            dueBy = null;
        }
    }

    private void scheduled(Schedule schedule, long maxCycles, Instant first) throws InterruptedException {
        long done = 0;
        Instant next = first;
        while (!stopping && done < maxCycles) {
            sleeper.sleepUntil(next);
            if (stopping) {
                break;
            }
            Agent a = leading();
            if (a != null) {
                long number = a.nextCycle();
                try {
                    a.runCycle(next);
                } catch (RuntimeException e) {
                    // e.g. the history's disk is full: nothing was written for this cycle; keep running
                    LOG.error("cycle {} at {} failed: {}", number, next, e.toString(), e);
                    metrics.cycle(false);
                }
                done++;
            } else {
                LOG.debug("not the leader: skipping the cycle at {}", next);
            }
            Instant now = clock.instant();
            Instant following = schedule.next(next);
            if (following.isBefore(now)) {
                LOG.warn("cycle at {} ended after the next was due; skipping to the next slot", next);
                following = schedule.next(now);
            }
            next = following;
            due(next);
        }
    }

    /**
     * Makes {@link #alive()} false when a scheduled cycle has not ended {@code bound} after its start: the
     * worst case of a cycle ({@link #cycleBound(AgentConfig)}). Call before {@link #scheduled}.
     */
    public AgentLoop livenessBound(Duration bound) {
        this.cycleBound = bound;
        return this;
    }

    private void due(Instant cycleStart) {
        Duration bound = cycleBound;
        if (bound == null) {
            dueBy = null;
            return;
        }
        try {
            dueBy = cycleStart.plus(bound);
        } catch (java.time.DateTimeException | ArithmeticException e) {
            dueBy = null; // a bound beyond the calendar: never late
        }
    }

    /**
     * What {@code /healthz} answers: false once a stop was asked, or while the scheduled loop is late: the
     * cycle that started at its slot has not ended within the {@link #livenessBound}. True again when it ends.
     * Sleeping between cycles, and a standby skipping its cycles, are alive.
     */
    public boolean alive() {
        if (stopping) {
            return false;
        }
        Instant due = dueBy;
        return due == null || !clock.instant().isAfter(due);
    }

    /** Allowance per write attempt to the API server: fabric8's connect and request timeouts and its own retries. */
    static final Duration KUBE_ATTEMPT = Duration.ofSeconds(60);
    /** Allowance for building the agent at a new term (model, histories, state) and the decision itself. */
    static final Duration BUILD_GRACE = Duration.ofSeconds(60);

    /**
     * The longest a cycle can take with {@code config}'s settings when every wait runs out: the read phase
     * ({@code schedule.deadline}), then the write with all its attempts ({@link #KUBE_ATTEMPT} each) and
     * backoffs, plus {@link #BUILD_GRACE}.
     */
    public static Duration cycleBound(AgentConfig config) {
        AgentConfig.Kubernetes k = config.kubernetes();
        Duration write = KUBE_ATTEMPT.multipliedBy(k.retries() + 1L)
                .plus(k.backoff().multipliedBy((1L << k.retries()) - 1));
        if (config.apply().appliesServices()) {
            // every Service may need its own retries; the decision waits for its new revisions once, for all of them
            write = write.multipliedBy(config.services().size());
            if (config.apply().revisions().deletePrevious()) {
                write = write.plus(config.apply().revisions().readyTimeout());
            }
        }
        return config.schedule().deadline().plus(write).plus(BUILD_GRACE);
    }

    /**
     * The agent to run a cycle with, or {@code null} when this replica does not lead. In a new term the agent
     * is built again; it writes only while that term lasts (a leader that lost the Lease during a cycle must
     * not write or save that cycle's decision).
     */
    private Agent leading() {
        long term = leadership.term();
        if (term == Leadership.NOT_LEADING) {
            return null;
        }
        if (agent == null || builtTerm != term) {
            if (agent != null) {
                agent.close();
                agent = null;
            }
            Agent a = build.get();
            a.guard(() -> leadership.term() == term);
            agent = a;
            builtTerm = term;
        }
        return agent;
    }

    /**
     * {@link #leading()}, after waiting to lead; {@code null} when stopped first, or when the {@link #leaderWait}
     * ran out ({@link #gaveUpWaiting}).
     */
    private Agent awaitLeadership() throws InterruptedException {
        Agent a = leading();
        if (a != null) {
            return a;
        }
        Duration bound = leaderWait;
        Instant giveUp = bound == null ? null : clock.instant().plus(bound);
        LOG.info("waiting to become the leader{}", bound == null ? "" : " (at most " + text(bound) + ")");
        while (a == null && !stopping) {
            if (giveUp == null) {
                leadership.awaitTerm();
            } else {
                Duration left = Duration.between(clock.instant(), giveUp);
                if (left.isNegative() || left.isZero()) {
                    return giveUpWaiting(" after " + text(bound), "no reason known", "");
                }
                leadership.awaitTerm(left);
                if (leading() == null && leadership.refused()) {
                    return giveUpWaiting("", "refused", " (waiting does not grant it)");
                }
            }
            a = leading();
        }
        if (a == null && stopping) {
            stoppedWaiting = true;
        }
        return a;
    }

    /**
     * Ends a bounded wait to lead with one ERROR line: {@code how}, why this replica does not lead (else
     * {@code unknown}), then {@code note}.
     */
    private Agent giveUpWaiting(String how, String unknown, String note) {
        String why = leadership.whyNotLeading();
        LOG.error("gave up waiting to become the leader{}: {}{}", how, why != null ? why : unknown, note);
        gaveUpWaiting = true;
        return null;
    }

    /**
     * Whether the loop was asked to stop (SIGTERM) while waiting to lead, so that {@link #once()} ran no cycle: a
     * request, not a failure.
     */
    public boolean stoppedWhileWaitingToLead() {
        return stoppedWaiting;
    }

    private static String text(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    /**
     * Asks the loop to stop after the cycle in progress: the sleep before the next cycle and a wait for
     * leadership end at once. Callable from any thread (the shutdown hook).
     */
    public void stop() {
        stopping = true;
        sleeper.wake();
        leadership.stopWaiting();
    }

    /** Whether a stop was asked. */
    public boolean stopping() {
        return stopping;
    }

    /** Closes the agent's history files. Call after the loop returned. */
    @Override
    public void close() {
        if (agent != null) {
            agent.close();
            agent = null;
        }
    }
}
