package dev.kdrl.agent.loop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kdrl.agent.ConsoleLog;
import dev.kdrl.agent.config.AgentConfig;
import dev.kdrl.agent.k8s.ActionSink;
import dev.kdrl.agent.k8s.Leadership;
import dev.kdrl.agent.k8s.WriteFailure;
import dev.kdrl.agent.ops.AgentMetrics;
import dev.kdrl.env.trace.Trace;
import dev.kdrl.env.trace.TraceCsv;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loop driven by a fake clock and a fake leadership, with real agents (greedy planner, last-value
 * predictor) writing to a recording sink: no process, no thread, no sleep.
 */
class AgentLoopTest {
    private static final Trace TRACE = TraceCsv.read(Path.of("../datasets/paper/test-20.csv"));
    private static final Instant START = Instant.parse("2026-11-22T10:00:00.250Z");
    private static final Schedule SCHEDULE = new Schedule(Duration.ofSeconds(120), Duration.ofSeconds(55));

    @TempDir
    Path dir;

    private AgentConfig cfg;
    private AgentMetrics metrics;
    private AgentFixtures.RecordingSink sink;
    /** Where the agents write: {@link #sink} unless a test says otherwise. */
    private ActionSink out;
    private FakeTime time;
    private FakeLeadership leadership;
    private AgentLoop loop;
    /** What happens, in order: builds, waits to lead, reads (one per cycle: the first service's). */
    private final List<String> events = new ArrayList<>();
    /** The scheduled time of every cycle that read its loads. */
    private final List<Instant> cycleTimes = new ArrayList<>();
    /** Runs at each cycle's first read, with its cycle number (of the agent that runs it). */
    private Consumer<Long> duringCycle = k -> { };

    @BeforeEach
    void setUp() throws Exception {
        cfg = AgentFixtures.write(dir, AgentFixtures.config("http://127.0.0.1:9", "{planner: greedy}",
                "{kind: last-value}", ""));
        metrics = new AgentMetrics(cfg.serviceNames(), cfg.model().quota());
        sink = new AgentFixtures.RecordingSink();
        out = sink;
        time = new FakeTime(START);
        leadership = new FakeLeadership(1);
    }

    /** The loop over {@code source}; each cycle's first read is recorded and runs {@link #duringCycle}. */
    private AgentLoop loop(LoadSource source) {
        String first = cfg.serviceNames().get(0);
        LoadSource recording = new LoadSource() {
            @Override
            public double read(AgentConfig.Service s, long cycle, Instant t) throws dev.kdrl.agent.prom.QueryFailure,
                    InterruptedException {
                if (s.name().equals(first)) {
                    events.add("read " + cycle + " at " + t);
                    cycleTimes.add(t);
                    duringCycle.accept(cycle);
                }
                return source.read(s, cycle, t);
            }

            @Override
            public boolean hasCycle(long cycle) {
                return source.hasCycle(cycle);
            }
        };
        loop = new AgentLoop(() -> {
            events.add("build");
            return AgentBuilder.build(cfg, recording, out, metrics, true);
        }, leadership, metrics, time, time);
        return loop;
    }

    /** Row {@code cycle} of the trace, wrapping around. */
    private static LoadSource trace() {
        return (s, cycle, t) -> TRACE.value((int) (cycle % TRACE.length()), TRACE.columnIndex(s.name()));
    }

    private static Instant slot(int k) {
        return Instant.parse("2026-11-22T10:00:55Z").plus(Duration.ofSeconds(120L * k));
    }

    private String scrape() {
        return metrics.scrape();
    }

    @Test
    void cyclesRunAtTheSchedulesInstantsAndStopAfterTheRequestedNumber() throws Exception {
        loop(trace()).scheduled(SCHEDULE, 3);
        // period 120 s, offset 55 s: the first slot after 10:00:00.250, then one period apart
        assertThat(time.waits).containsExactly(slot(0), slot(1), slot(2));
        assertThat(cycleTimes).containsExactly(slot(0), slot(1), slot(2));
        assertThat(sink.written).hasSize(3);
        assertThat(events).first().isEqualTo("build");
        assertThat(events).filteredOn("build"::equals).hasSize(1);
        assertThat(loop.stopping()).isFalse();
    }

    @Test
    void aCycleStartingExactlyOnASlotWaitsForTheNextOne() throws Exception {
        time = new FakeTime(slot(0));
        loop(trace()).scheduled(SCHEDULE, 2);
        assertThat(cycleTimes).containsExactly(slot(1), slot(2));
    }

    @Test
    void aCycleThatEndsAfterTheNextWasDueSkipsToTheFollowingSlot() throws Exception {
        duringCycle = k -> time.advance(k == 1 ? Duration.ofSeconds(150) : Duration.ofMillis(40));
        loop(trace()).scheduled(SCHEDULE, 4);
        // the cycle of slot 1 ended at slot 1 + 150 s, after slot 2 was due: slot 3 is next
        assertThat(cycleTimes).containsExactly(slot(0), slot(1), slot(3), slot(4));
        assertThat(sink.written).hasSize(4);
    }

    @Test
    void aStopRequestEndsTheLoopAfterTheCycleInProgress() throws Exception {
        duringCycle = k -> {
            if (k == 1) {
                loop.stop();
            }
        };
        loop(trace()).scheduled(SCHEDULE, AgentLoop.UNLIMITED);
        // the cycle in progress finished: read, decided and written; no cycle after it, no wait either
        assertThat(cycleTimes).containsExactly(slot(0), slot(1));
        assertThat(sink.written).hasSize(2);
        assertThat(time.waits).containsExactly(slot(0), slot(1));
        assertThat(leadership.stopWaiting).as("a wait for leadership ends too").isTrue();
        loop.close();
    }

    @Test
    void aStopWhileSleepingRunsNoFurtherCycle() throws Exception {
        time.afterSleep = t -> {
            if (t.equals(slot(2))) {
                loop.stop();
            }
        };
        loop(trace()).scheduled(SCHEDULE, AgentLoop.UNLIMITED);
        assertThat(cycleTimes).containsExactly(slot(0), slot(1));
        assertThat(loop.stopping()).isTrue();
    }

    @Test
    void aStandbyRunsNoCycleUntilItLeads() throws Exception {
        leadership.term = Leadership.NOT_LEADING;
        time.afterSleep = t -> {
            if (t.equals(slot(3))) {
                leadership.term = 1;
            }
        };
        loop(trace()).scheduled(SCHEDULE, 2);
        // slots 0 to 2 skipped (and not counted), the agent built only when leading
        assertThat(time.waits).containsExactly(slot(0), slot(1), slot(2), slot(3), slot(4));
        assertThat(events).containsExactly("build", "read 0 at " + slot(3), "read 1 at " + slot(4));
        assertThat(sink.written).hasSize(2);
    }

    @Test
    void aLostTermWritesNothingAndANewTermRebuildsTheAgentFromWhatWasSaved() throws Exception {
        duringCycle = k -> {
            if (cycleTimes.size() == 2) {
                leadership.term = Leadership.NOT_LEADING; // the Lease lost during the second cycle
            }
        };
        time.afterSleep = t -> {
            if (t.equals(slot(3))) {
                leadership.term = 2; // taken again
            }
        };
        try (ConsoleLog log = new ConsoleLog()) {
            loop(trace()).scheduled(SCHEDULE, 3);
            loop.close();
            // slot 1's decision is not written; slot 2 is skipped; at slot 3 a new agent continues
            assertThat(events).containsExactly("build", "read 0 at " + slot(0), "read 1 at " + slot(1), "build",
                    "read 0 at " + slot(3));
            assertThat(sink.written).hasSize(2);
            assertThat(scrape()).contains("drl_agent_write_failures_total{kind=\"not_leader\"} 1.0")
                    .contains("drl_agent_cycles_total{outcome=\"failed\"} 1.0")
                    .contains("drl_agent_cycles_total{outcome=\"ok\"} 2.0");
            assertThat(java.nio.file.Files.readString(dir.resolve("data/state/state.json")))
                    .contains("\"cycles\" : 2");
            // the logged number is the saved state's decision count: slot 1's decision was not written, so the new
            // term's agent logs its number again
            assertThat(loggedCycles(log)).containsExactly(1L, 2L, 2L);
            assertThat(log.lines()).anyMatch(l -> l.contains(" ERROR ") && l.contains("cycle 2 at " + slot(1) + ": "))
                    .anyMatch(l -> l.contains(" INFO ") && l.contains("cycle 2 at " + slot(3) + ": "));

            // another process on the same state: its first cycle is the third decision
            duringCycle = k -> { };
            time.afterSleep = t -> { };
            loop(trace()).scheduled(SCHEDULE, 2);
            loop.close();
            assertThat(loggedCycles(log)).containsExactly(1L, 2L, 2L, 3L, 4L);
        }
    }

    /** The number each cycle's summary line logs, in order. */
    private static List<Long> loggedCycles(ConsoleLog log) {
        java.util.regex.Pattern cycle = java.util.regex.Pattern.compile(".*Agent - cycle (\\d+) at \\S+: load.*");
        List<Long> numbers = new ArrayList<>();
        for (String l : log.lines()) {
            java.util.regex.Matcher m = cycle.matcher(l);
            if (m.matches()) {
                numbers.add(Long.parseLong(m.group(1)));
            }
        }
        return numbers;
    }

    @Test
    void aCycleThatThrowsIsLoggedWithItsNumber() throws Exception {
        try (ConsoleLog log = new ConsoleLog()) {
            loop((s, cycle, t) -> {
                if (cycle == 1) {
                    throw new IllegalStateException("disk full");
                }
                return 10;
            }).scheduled(SCHEDULE, 3);
            loop.close();
            assertThat(log.lines("ERROR", "AgentLoop")).anyMatch(l -> l.contains("cycle 2 at " + slot(1)
                    + " failed: java.lang.IllegalStateException: disk full"));
            assertThat(loggedCycles(log)).containsExactly(1L, 2L);
        }
    }

    @Test
    void aCycleThatThrowsIsCountedAsFailedAndTheLoopGoesOn() throws Exception {
        loop((s, cycle, t) -> {
            if (cycle == 1) {
                throw new IllegalStateException("disk full");
            }
            return 10;
        }).scheduled(SCHEDULE, 3);
        assertThat(cycleTimes).containsExactly(slot(0), slot(1), slot(2));
        assertThat(sink.written).hasSize(2);
        assertThat(scrape()).contains("drl_agent_cycles_total{outcome=\"failed\"} 1.0");
    }

    @Test
    void aSimulationAskedForMoreCyclesThanTheTraceHasSaysHowManyRan() throws Exception {
        try (dev.kdrl.agent.ConsoleLog log = new dev.kdrl.agent.ConsoleLog()) {
            loop(new TraceSource(TRACE, cfg.serviceNames())).simulate(Duration.ofSeconds(120), TRACE.length() + 5L);
            assertThat(cycleTimes).hasSize(TRACE.length());
            assertThat(log.lines("INFO ", "AgentLoop")).filteredOn(l -> l.contains("no more rows")).hasSize(1)
                    .allMatch(l -> l.endsWith("the trace has no more rows: " + TRACE.length() + " of the "
                            + (TRACE.length() + 5) + " cycles asked ran"));
        }
    }

    @Test
    void theSimulationPlaysTheTraceRowsInOrderOnePeriodApart() throws Exception {
        List<double[]> read = new ArrayList<>();
        TraceSource trace = new TraceSource(TRACE, cfg.serviceNames());
        boolean allWritten = loop(new LoadSource() {
            @Override
            public double read(AgentConfig.Service s, long cycle, Instant t) throws dev.kdrl.agent.prom.QueryFailure {
                double v = trace.read(s, cycle, t);
                // the services of one cycle are read concurrently
                synchronized (read) {
                    if (read.size() <= cycle) {
                        read.add(new double[cfg.serviceNames().size()]);
                    }
                    read.get((int) cycle)[cfg.serviceNames().indexOf(s.name())] = v;
                }
                return v;
            }

            @Override
            public boolean hasCycle(long cycle) {
                return trace.hasCycle(cycle);
            }
        }).simulate(Duration.ofSeconds(120), AgentLoop.UNLIMITED);
        assertThat(allWritten).isTrue();
        assertThat(read).hasSize(TRACE.length());
        for (int k = 0; k < TRACE.length(); k++) {
            assertThat(read.get(k)).as("row %d", k).containsExactly(TRACE.select(cfg.serviceNames()).row(k));
            assertThat(cycleTimes.get(k)).isEqualTo(START.plus(Duration.ofSeconds(120L * k)));
        }
        assertThat(sink.written).hasSize(TRACE.length());
        assertThat(time.waits).as("cycles run back to back").isEmpty();
    }

    /** A hung cycle makes the loop not alive (so /healthz fails and Kubernetes restarts it); it recovers. */
    @Test
    void aCycleLongerThanTheBoundIsNotAliveUntilItEnds() throws Exception {
        List<Boolean> seen = new ArrayList<>();
        duringCycle = k -> {
            seen.add(loop.alive());
            if (k == 1) {
                time.advance(Duration.ofMinutes(9));
                seen.add(loop.alive());
                time.advance(Duration.ofMinutes(2)); // 11 min into a cycle bounded by 10
                seen.add(loop.alive());
            }
        };
        List<Boolean> sleeping = new ArrayList<>();
        time.afterSleep = t -> sleeping.add(loop.alive());
        loop(trace()).livenessBound(Duration.ofMinutes(10));
        assertThat(loop.alive()).isTrue();
        loop.scheduled(SCHEDULE, 4);
        assertThat(seen).containsExactly(true, true, true, false, true, true);
        assertThat(sleeping).containsOnly(true);
        loop.stop();
        assertThat(loop.alive()).isFalse();
    }

    @Test
    void theCycleBoundIsTheWorstCaseOfTheConfiguredWaits() {
        // the read deadline (default: 2 attempts x 2 s + 50 ms backoff)
        // + 4 write attempts x 60 s + 10+20+40 ms backoffs + 60 s to build and decide
        assertThat(cfg.schedule().deadline()).isEqualTo(Duration.ofMillis(4_050));
        assertThat(AgentLoop.cycleBound(cfg)).isEqualTo(Duration.ofMillis(4_050 + 240_070 + 60_000));
    }

    @Test
    void theSimulationStopsAfterTheRequestedCyclesOrWhenAsked() throws Exception {
        loop(trace()).simulate(Duration.ofSeconds(120), 5);
        assertThat(cycleTimes).hasSize(5);

        duringCycle = k -> {
            if (k == 7) {
                loop.stop();
            }
        };
        cycleTimes.clear();
        loop.close();
        loop(trace()).simulate(Duration.ofSeconds(120), AgentLoop.UNLIMITED);
        assertThat(cycleTimes).hasSize(8);
        // the first simulation ran ahead of the (fake) clock: the second continues after its last row, so the
        // history's times only increase
        assertThat(cycleTimes.get(0)).isEqualTo(START.plus(Duration.ofSeconds(120L * 5)));
    }

    @Test
    void aSimulationWithAFailedWriteSaysSo() throws Exception {
        int[] writes = {0};
        out = spec -> {
            if (++writes[0] == 2) {
                throw new WriteFailure(WriteFailure.Kind.GAVE_UP, "503 after every retry", null);
            }
            return sink.write(spec);
        };
        assertThat(loop(trace()).simulate(Duration.ofSeconds(120), 3)).isFalse();
        assertThat(cycleTimes).hasSize(3);
        assertThat(sink.written).hasSize(2);
    }

    @Test
    void aStandbyWaitsToLeadBeforeItsFirstSimulatedCycle() throws Exception {
        leadership.term = Leadership.NOT_LEADING;
        leadership.onAwait = () -> {
            events.add("await");
            leadership.term = 1;
        };
        loop(trace()).simulate(Duration.ofSeconds(120), 2);
        assertThat(events).containsExactly("await", "build", "read 0 at " + START,
                "read 1 at " + START.plus(Duration.ofSeconds(120)));
    }

    @Test
    void onceRunsOneCycleNowAndAStopWhileWaitingToLeadRunsNone() throws Exception {
        time = new FakeTime(START);
        assertThat(loop(trace()).once()).isTrue();
        assertThat(cycleTimes).containsExactly(START);
        loop.close();

        cycleTimes.clear();
        events.clear();
        leadership = new FakeLeadership(Leadership.NOT_LEADING);
        leadership.onAwait = () -> loop.stop();
        assertThat(loop(trace()).once()).isFalse();
        assertThat(loop.stoppedWhileWaitingToLead()).isTrue(); // the agent exits 0: stopped, not failed
        assertThat(events).isEmpty();
        assertThat(leadership.awaits).isEqualTo(1);
    }

    /**
     * --once and --simulate wait to lead at most {@link AgentLoop#leaderWait}: then one ERROR line with the reason
     * the leadership gives, no cycle, and a failed run. The waits are measured on the loop's clock, which the fake
     * leadership moves by whatever it is asked to wait (nothing really waits). The scheduled loop is not bounded.
     */
    @Test
    void aOneShotRunGivesUpWaitingToLeadAfterTheBoundWithOneErrorLine() throws Exception {
        leadership = new FakeLeadership(Leadership.NOT_LEADING);
        leadership.why = "Lease default/drl-agent at https://127.0.0.1:1/: reading it failed: connection refused "
                + "(12 failed attempts since 2026-11-22T10:00:00Z)";
        List<Duration> asked = new ArrayList<>();
        leadership.onTimedAwait = d -> {
            asked.add(d);
            time.advance(d.compareTo(Duration.ofSeconds(5)) < 0 ? d : Duration.ofSeconds(5)); // woken early
        };
        try (ConsoleLog log = new ConsoleLog()) {
            assertThat(loop(trace()).leaderWait(Duration.ofSeconds(34)).once()).isFalse();
            assertThat(loop.stoppedWhileWaitingToLead()).isFalse(); // gave up: a failure, exit 1
            assertThat(time.instant()).isEqualTo(START.plus(Duration.ofSeconds(34)));
            assertThat(asked).first().isEqualTo(Duration.ofSeconds(34));
            assertThat(asked).last().isEqualTo(Duration.ofSeconds(4));
            loop.close();

            time = new FakeTime(START);
            asked.clear();
            assertThat(loop(trace()).leaderWait(Duration.ofSeconds(34)).simulate(Duration.ofSeconds(120), 3))
                    .isFalse();
            assertThat(time.instant()).isEqualTo(START.plus(Duration.ofSeconds(34)));
            assertThat(events).as("nothing built, no cycle").isEmpty();
            log.assertOneLineEach();
            assertThat(log.lines("ERROR", "AgentLoop")).hasSize(2).allMatch(l -> l.endsWith(
                    " - gave up waiting to become the leader after 34 s: " + leadership.why));
            assertThat(log.lines("INFO", "AgentLoop")).anyMatch(l -> l.endsWith("waiting to become the leader (at most 34 s)"));
        }
    }

    /** A wait that ends in leadership within the bound runs the cycle. */
    @Test
    void aOneShotRunThatLeadsWithinTheBoundRunsItsCycle() throws Exception {
        leadership = new FakeLeadership(Leadership.NOT_LEADING);
        leadership.onTimedAwait = d -> {
            time.advance(Duration.ofSeconds(20));
            leadership.term = 1;
        };
        assertThat(loop(trace()).leaderWait(Duration.ofSeconds(34)).once()).isTrue();
        assertThat(cycleTimes).containsExactly(START.plus(Duration.ofSeconds(20)));
    }
}
