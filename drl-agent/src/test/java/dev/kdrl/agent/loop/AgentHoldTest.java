package dev.kdrl.agent.loop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kdrl.agent.config.AgentConfig;
import dev.kdrl.agent.ops.AgentMetrics;
import dev.kdrl.agent.prom.FailureKind;
import dev.kdrl.agent.prom.QueryFailure;
import dev.kdrl.env.quota.QuotaModel;
import dev.kdrl.env.trace.Trace;
import dev.kdrl.env.trace.TraceCsv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prometheus down and no history (issue #14): in the {@code paper} profile (minimum 0 pods) deciding for no load
 * would scale every service to 0 pods; the agent holds the last decision instead (writes nothing, keeps its state),
 * and decides again as soon as one service has a load.
 */
class AgentHoldTest {
    private static final Instant T0 = Instant.parse("2026-11-22T10:00:55Z");
    private static final Duration PERIOD = Duration.ofSeconds(120);
    private static final Trace TRACE = TraceCsv.read(Path.of("../datasets/paper/test-20.csv"));

    @TempDir
    Path dir;

    private static final LoadSource DOWN = (s, cycle, time) -> {
        throw new QueryFailure(FailureKind.UNREACHABLE, "connection refused");
    };

    private static LoadSource trace(int row) {
        return (s, cycle, time) -> TRACE.value(row, TRACE.columnIndex(s.name()));
    }

    private AgentConfig paper() throws Exception {
        return AgentFixtures.write(dir, AgentFixtures.config("http://127.0.0.1:9", "{planner: greedy}",
                "{kind: last-value}", "").replace("profile: paper-general", "profile: paper"));
    }

    @Test
    void withPrometheusDownAndNoHistoryTheLastDecisionIsHeld() throws Exception {
        AgentConfig cfg = paper();
        QuotaModel model = cfg.model();
        assertThat(model.minPods()).as("the paper profile scales to zero").isZero();
        AgentFixtures.RecordingSink sink = new AgentFixtures.RecordingSink();

        // a decision written while Prometheus answered
        try (Agent first = AgentBuilder.build(cfg, trace(3), sink, new AgentMetrics(cfg.serviceNames(), 40))) {
            assertThat(first.runCycle(T0).written()).isTrue();
        }
        assertThat(sink.written).hasSize(1);
        assertThat(Arrays.stream(lastPods()).min().getAsInt()).as("the decision held").isPositive();
        String state = Files.readString(dir.resolve("data/state/state.json"));
        // the history is lost (a new volume), the state kept; Prometheus is down
        for (String s : cfg.serviceNames()) {
            Files.delete(dir.resolve("data/history/" + s + ".csv"));
        }
        AgentMetrics metrics = new AgentMetrics(cfg.serviceNames(), 40);
        try (Agent agent = AgentBuilder.build(cfg, DOWN, sink, metrics)) {
            CycleReport r = agent.runCycle(T0.plus(PERIOD));
            assertThat(r.written()).isFalse();
            assertThat(r.outcome()).startsWith("held the last decision of " + T0 + ": no service has a load to go on");
            assertThat(sink.written).as("nothing written: the cluster keeps the last decision").hasSize(1);
            assertThat(Files.readString(dir.resolve("data/state/state.json"))).isEqualTo(state);
            assertThat(dir.resolve("data/state/pending.json")).doesNotExist();
            assertThat(agent.lastState().cycles()).isEqualTo(1);
            assertThat(metrics.scrape()).contains("drl_agent_cycles_total{outcome=\"failed\"} 1.0")
                    .contains("drl_agent_query_failures_total{kind=\"unreachable\",service=\"house\"} 1.0");
        }
        // what the hold prevents: the same cycle decided for the predicted load of 0 would scale every service to 0
        assertThat(greedyPodsAtNoLoad(cfg)).containsOnly(0);

        // one service answers again: the cycle decides (the others predicted 0 with no history, as documented)
        LoadSource houseOnly = (s, cycle, time) -> {
            if (!s.name().equals("house")) {
                throw new QueryFailure(FailureKind.UNREACHABLE, "connection refused");
            }
            return TRACE.value(4, TRACE.columnIndex("house"));
        };
        try (Agent agent = AgentBuilder.build(cfg, houseOnly, sink, new AgentMetrics(cfg.serviceNames(), 40))) {
            CycleReport r = agent.runCycle(T0.plus(PERIOD.multipliedBy(2)));
            assertThat(r.written()).isTrue();
            assertThat(agent.lastState().cycles()).isEqualTo(2);
        }
        assertThat(sink.written).hasSize(2);
    }

    @Test
    void withPrometheusDownFromTheStartNothingIsWritten() throws Exception {
        AgentConfig cfg = paper();
        AgentFixtures.RecordingSink sink = new AgentFixtures.RecordingSink();
        try (Agent agent = AgentBuilder.build(cfg, DOWN, sink, new AgentMetrics(cfg.serviceNames(), 40))) {
            CycleReport r = agent.runCycle(T0);
            assertThat(r.written()).isFalse();
            assertThat(r.outcome()).startsWith("held the last decision (none written yet)");
            assertThat(agent.runCycle(T0.plus(PERIOD)).written()).isFalse();
            assertThat(agent.lastState()).isNull();
        }
        assertThat(sink.written).isEmpty();
        assertThat(dir.resolve("data/state/state.json")).doesNotExist();
    }

    private int[] lastPods() throws Exception {
        return new com.fasterxml.jackson.databind.ObjectMapper().readValue(
                dir.resolve("data/state/state.json").toFile(), dev.kdrl.agent.store.AgentState.class).pods();
    }

    /** The pods greedy decides from the saved state for a load of 0 everywhere (what the agent did before). */
    private int[] greedyPodsAtNoLoad(AgentConfig cfg) throws Exception {
        QuotaModel model = cfg.model();
        dev.kdrl.agent.store.AgentState last = new com.fasterxml.jackson.databind.ObjectMapper().readValue(
                dir.resolve("data/state/state.json").toFile(), dev.kdrl.agent.store.AgentState.class);
        var state = model.resume((int) last.cycles(), last.action(), last.pods(), last.resources(),
                new double[model.numServices()]);
        var greedy = dev.kdrl.env.baseline.Planners.create("greedy", dev.kdrl.env.baseline.Planners.Context.live(model,
                () -> state, dev.kdrl.env.baseline.TrafficDistribution.none(), 0));
        return model.decide(state, greedy.act(state.observation())).pods();
    }
}
