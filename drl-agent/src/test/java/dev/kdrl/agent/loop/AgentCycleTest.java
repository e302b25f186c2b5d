package dev.kdrl.agent.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kdrl.agent.config.AgentConfig;
import dev.kdrl.agent.config.ConfigException;
import dev.kdrl.agent.k8s.WriteFailure;
import dev.kdrl.agent.ops.AgentMetrics;
import dev.kdrl.agent.prom.FailureKind;
import dev.kdrl.agent.prom.QueryFailure;
import dev.kdrl.core.predict.MovingAveragePredictor;
import dev.kdrl.env.baseline.EmpiricalTraffic;
import dev.kdrl.env.baseline.ExpectedValuePolicy;
import dev.kdrl.env.baseline.GreedyPolicy;
import dev.kdrl.env.baseline.TrafficDistribution;
import dev.kdrl.env.paper.PaperProfile;
import dev.kdrl.env.profile.Profiles;
import dev.kdrl.env.quota.Observation;
import dev.kdrl.env.quota.QuotaEnv;
import dev.kdrl.env.quota.QuotaModel;
import dev.kdrl.env.trace.Trace;
import dev.kdrl.env.trace.TraceCsv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentCycleTest {
    private static final Instant T0 = Instant.parse("2026-11-22T10:00:55Z");
    private static final Duration PERIOD = Duration.ofSeconds(120);
    private static final Trace TRACE = TraceCsv.read(Path.of("../datasets/paper/test-20.csv"));
    private static final QuotaModel MODEL = Profiles.model("paper-general", null, null);

    @TempDir
    Path dir;

    private AgentConfig config(String policy) throws Exception {
        return AgentFixtures.write(dir, AgentFixtures.config("http://127.0.0.1:9", policy,
                "{kind: moving-average, window: 2}", ""));
    }

    private static LoadSource traceFrom(int firstRow) {
        return (s, cycle, time) -> TRACE.value((int) cycle + firstRow, TRACE.columnIndex(s.name()));
    }

    private static double[][] observed(int rows) {
        double[][] o = new double[rows][];
        for (int k = 0; k < rows; k++) {
            o[k] = TRACE.select(MODEL.serviceNames()).row(k);
        }
        return o;
    }

    /** Saves a seeded random policy as dir/model.zip, recording {@code range} as its training loads. */
    private void withLoadRange(String range) {
        Path file = AgentFixtures.randomPolicy(MODEL, "paper-general", 7, dir.resolve("model.zip"));
        dev.kdrl.core.policy.PolicyFile.save(dev.kdrl.core.policy.PolicyFile.load(file)
                .withHyperParameter("load_range", range), file);
    }

    private interface Body {
        void run() throws Exception;
    }

    /** The messages the logger of {@code source} logged while {@code body} ran. */
    private static List<String> logged(Class<?> source, Body body) throws Exception {
        return logged(source, null, body);
    }

    /** The messages the logger of {@code source} logged at {@code level} (null: any) while {@code body} ran. */
    private static List<String> logged(Class<?> source, ch.qos.logback.classic.Level level, Body body)
            throws Exception {
        ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(source);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged =
                new ch.qos.logback.core.read.ListAppender<>();
        logged.start();
        log.addAppender(logged);
        try {
            body.run();
        } finally {
            log.detachAppender(logged);
        }
        return logged.list.stream().filter(e -> level == null || e.getLevel() == level)
                .map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage).toList();
    }

    /**
     * A model is warned of when applied with another min-scale than it was trained with ({@code apply.minScale}
     * against the paper model's pod counts or {@code hyper.min_scale}), and a cluster-trained one outside mode
     * knative, where the agent cannot observe the cluster as it did in training.
     */
    @Test
    void aModelAppliedOtherwiseThanTrainedIsWarnedOf() throws Exception {
        Path file = AgentFixtures.randomPolicy(MODEL, "paper-general", 7, dir.resolve("model.zip"));
        Path clusterFile = dir.resolve("cluster-none.zip");
        dev.kdrl.core.policy.PolicyFile.save(dev.kdrl.core.policy.PolicyFile.load(file)
                .withHyperParameter("dynamics", "cluster").withHyperParameter("min_scale", "none"), clusterFile);
        Path decisionFile = dir.resolve("cluster-decision.zip");
        dev.kdrl.core.policy.PolicyFile.save(dev.kdrl.core.policy.PolicyFile.load(file)
                .withHyperParameter("dynamics", "cluster").withHyperParameter("min_scale", "decision"), decisionFile);
        String knativeNone = "apply: {mode: knative, minScale: none}";
        // paper-trained, the paper model's pod counts: nothing said
        assertThat(warnings("{model: model.zip}", "")).isEmpty();
        // trained without min-scale, applied with the paper model's
        assertThat(warnings("{model: cluster-none.zip}", "")).singleElement().asString().isEqualTo(clusterFile
                + ": trained with min-scale none: no min-scale, the pods left to Knative's autoscaler (drl train "
                + "--dynamics cluster --min-scale none); the agent applies apply.minScale paper: the paper model's pod "
                + "counts, so its decisions here are not the ones it was evaluated on: set apply.minScale: none with "
                + "apply.mode knative (in mode cr the operator makes the podcount min-scale; a reconciler with "
                + "apply.minScale none ignores it, but the agent still observes the paper model's counts)");
        assertThat(warnings("{model: cluster-decision.zip}", "")).singleElement().asString().endsWith(
                "set apply.minScale: decision with apply.mode knative");
        // applied as trained: nothing said
        assertThat(warnings("{model: cluster-none.zip}", knativeNone)).isEmpty();
        assertThat(warnings("{model: cluster-decision.zip}", "apply: {mode: knative, minScale: decision}")).isEmpty();
        // the same min-scale, but mode cr cannot observe the cluster
        assertThat(warnings("{model: cluster-decision.zip}", "apply: {minScale: decision}")).singleElement()
                .asString().endsWith("in mode cr the agent observes the paper model's pod counts instead (only mode "
                        + "knative reads the cluster)");
        // trained with the paper model's pods, applied without
        assertThat(warnings("{model: model.zip}", knativeNone)).singleElement().asString().isEqualTo(dir.resolve(
                "model.zip") + ": trained with min-scale paper: the paper model's pod counts (the paper model); the "
                + "agent applies apply.minScale none: no min-scale, the pods left to Knative's autoscaler, so its "
                + "decisions here are not the ones it was evaluated on: set apply.minScale: paper");
        // the bundled model trained so (models/cluster-none-trpo.zip), with the forecast it was trained on: nothing said
        Files.copy(Path.of("../models/cluster-none-trpo.zip"), dir.resolve("bundled.zip"));
        assertThat(warnings("{model: bundled.zip}", knativeNone)).isEmpty();
        assertThat(warnings("{model: bundled.zip}", "")).singleElement().asString().contains("--min-scale none");
        assertThat(AgentFixtures.write(dir, AgentFixtures.config("http://127.0.0.1:9", "{model: bundled.zip}",
                "{kind: holt}", knativeNone)).predictor().kind()).isEqualTo("holt");
        assertThat(logged(AgentBuilder.class, ch.qos.logback.classic.Level.WARN, () -> AgentBuilder.build(
                AgentFixtures.write(dir, AgentFixtures.config("http://127.0.0.1:9", "{model: bundled.zip}",
                        "{kind: holt}", knativeNone)), traceFrom(0), new AgentFixtures.RecordingSink(),
                new AgentMetrics(MODEL.serviceNames(), 40)).close())).singleElement().asString()
                .isEqualTo(dir.resolve("bundled.zip") + ": trained seeing the last-value forecast of each period's "
                        + "load; the agent forecasts with holt: set predictor.kind: last-value");
        assertThat(warnings("{planner: greedy}", knativeNone)).singleElement().asString().isEqualTo("planner greedy "
                + "plans with the paper model's pod counts; the agent applies apply.minScale none: no min-scale, the "
                + "pods left to Knative's autoscaler");
        // trained on the actual load, which the agent cannot forecast: retrain
        Path actual = dir.resolve("cluster-actual.zip");
        dev.kdrl.core.policy.PolicyFile.save(dev.kdrl.core.policy.PolicyFile.load(clusterFile)
                .withHyperParameter("predictor", "actual"), actual);
        assertThat(warnings("{model: cluster-actual.zip}", knativeNone)).singleElement().asString().isEqualTo(actual
                + ": trained seeing each period's load as 'actual', which the agent cannot forecast so (it forecasts "
                + "with last-value); retrain with drl train --predictor "
                + String.join("|", AgentConfig.PredictorSpec.KINDS));
    }

    /**
     * A model trained in the cluster-faithful dynamics recorded what the simulator charged each pod beyond its
     * container's CPU limit (its profile's {@code queueProxyCpu}); where the cluster charges a pod of a service's
     * newest Revision otherwise (a queue-proxy limit, a sidecar), the agent says so, naming the value to train with,
     * once until it changes; a service read as its model was trained, or with no pod to read, is not warned of.
     */
    @Test
    void podsChargedBeyondTheirContainersLimitOtherwiseThanInTrainingAreWarnedOf() throws Exception {
        Path file = AgentFixtures.randomPolicy(MODEL, "paper-general", 7, dir.resolve("plain.zip"));
        Files.copy(Path.of("../models/cluster-none-trpo.zip"), dir.resolve("model.zip"));
        AgentConfig cfg = AgentFixtures.write(dir, AgentFixtures.config("http://127.0.0.1:9", "{model: model.zip}",
                "{kind: last-value}", "apply: {mode: knative, minScale: none}"));
        AgentFixtures.RecordingSink sink = new AgentFixtures.RecordingSink();
        double[][] overhead = {{0.25, Double.NaN, 0}};
        AgentMetrics metrics = new AgentMetrics(cfg.serviceNames(), 40);
        try (Agent agent = AgentBuilder.build(cfg, traceFrom(0), sink, metrics)
                .readingHeld(() -> new HeldSource.Held(new int[] {2, 2, 2}, new double[] {8.5, 4, 4},
                        overhead[0]))) {
            String house = "house: a pod of its newest Revision is charged 0.25 cores beyond its container's CPU "
                    + "limit (the queue-proxy's and other sidecars' limits, pod overhead), where "
                    + dir.resolve("model.zip") + " was trained with 0 (hyper.cluster_params house.queueProxyCpu): it "
                    + "observes more cores held than in training; retrain it with a profile whose queueProxyCpu for "
                    + "house is 0.25 (docs/cluster-dynamics.md, \"Parameters\"; said again only after a read that "
                    + "matches)";
            assertThat(logged(Agent.class, ch.qos.logback.classic.Level.WARN, () -> agent.runCycle(T0)))
                    .containsExactly(house);
            // what was read is published beside the decision
            assertThat(metrics.scrape()).contains("drl_agent_held_pods{service=\"house\"} 2.0")
                    .contains("drl_agent_held_cores{service=\"house\"} 8.5")
                    // with none the decision asks for no pods, so for no cores of its own
                    .contains("drl_agent_requested_cores NaN").contains("drl_agent_predicted_over_quota NaN")
                    .contains("drl_agent_pods{service=\"house\"} NaN");
            assertThat(logged(Agent.class, ch.qos.logback.classic.Level.WARN, () -> agent.runCycle(T0.plus(PERIOD))))
                    .isEmpty();
            // another value before any match (a queue-proxy limit in % of the container's changes with the CPU):
            // not said again; under 1m from the training: matches, and nothing is said
            overhead[0] = new double[] {0.3, 0.0002, Double.NaN};
            assertThat(logged(Agent.class, ch.qos.logback.classic.Level.WARN, () -> agent.runCycle(
                    T0.plus(PERIOD.multipliedBy(2))))).isEmpty();
            // a read that matches, then the difference again: said again
            overhead[0] = new double[] {0, 0, 0};
            assertThat(logged(Agent.class, ch.qos.logback.classic.Level.WARN, () -> agent.runCycle(
                    T0.plus(PERIOD.multipliedBy(3))))).isEmpty();
            overhead[0] = new double[] {0.25, 0.001, 0};
            assertThat(logged(Agent.class, ch.qos.logback.classic.Level.WARN, () -> agent.runCycle(
                    T0.plus(PERIOD.multipliedBy(4))))).containsExactly(house, "senti: a pod of its newest Revision is "
                            + "charged 0.001 cores beyond its container's CPU limit (the queue-proxy's and other "
                            + "sidecars' limits, pod overhead), where " + dir.resolve("model.zip") + " was trained "
                            + "with 0 (hyper.cluster_params senti.queueProxyCpu): it observes more cores held than in "
                            + "training; retrain it with a profile whose queueProxyCpu for senti is 0.001 "
                            + "(docs/cluster-dynamics.md, \"Parameters\"; said again only after a read that matches)");
            agent.readingHeld(() -> {
                throw new IllegalStateException("pods is forbidden");
            }).runCycle(T0.plus(PERIOD.multipliedBy(5)));
            assertThat(metrics.scrape()).contains("drl_agent_held_pods{service=\"house\"} NaN")
                    .contains("drl_agent_held_cores{service=\"numbr\"} NaN");
        }
        // a model trained in the paper model records nothing to compare with: nothing said
        assertThat(AgentBuilder.podOverhead(dev.kdrl.core.policy.PolicyFile.load(file), MODEL, file)).isNull();
        assertThat(AgentBuilder.podOverhead(dev.kdrl.core.policy.PolicyFile.load(dir.resolve("model.zip")), MODEL,
                file).perService()).containsExactly(0, 0, 0);
    }

    /** The warnings {@link AgentBuilder} logs building an agent with {@code policy} and the {@code extra} settings. */
    private List<String> warnings(String policy, String extra) throws Exception {
        return logged(AgentBuilder.class, ch.qos.logback.classic.Level.WARN, () -> {
            AgentConfig cfg = AgentFixtures.write(dir, AgentFixtures.config("http://127.0.0.1:9", policy,
                    "{kind: last-value}", extra));
            AgentBuilder.build(cfg, traceFrom(0), new AgentFixtures.RecordingSink(), new AgentMetrics(
                    cfg.serviceNames(), 40)).close();
        });
    }

    @Test
    void aPredictedLoadWellOutsideTheModelsTrainingLoadsIsWarnedOfOncePerService() throws Exception {
        // a model that recorded house's training loads as 1..40: test-20's house reaches 100
        withLoadRange("house=1..40, senti=1..100, numbr=1..100");
        List<String> warned = logged(Agent.class, () -> {
            AgentConfig cfg = config("{model: model.zip}");
            AgentMetrics metrics = new AgentMetrics(cfg.serviceNames(), 40);
            Agent agent = AgentBuilder.build(cfg, traceFrom(0), new AgentFixtures.RecordingSink(), metrics);
            int outside = 0;
            for (int k = 0; k < TRACE.length(); k++) {
                assertThat(agent.runCycle(T0.plus(PERIOD.multipliedBy(k))).written()).isTrue();
                // the moving average of the last two house loads, rounded, as the agent predicts it
                double[] house = TRACE.column("house");
                double predicted = k == 0 ? house[0] : Math.round((house[k - 1] + house[k]) / 2);
                outside += predicted > 40 + 3.9 ? 1 : 0;
            }
            // every such cycle is counted, though it is logged once
            assertThat(outside).isGreaterThan(1);
            assertThat(metrics.scrape()).contains("drl_agent_untrained_load_cycles_total{service=\"house\"} "
                    + outside + ".0").contains("drl_agent_untrained_load_cycles_total{service=\"senti\"} 0.0");
        }).stream().filter(m -> m.contains("the model was trained on")).toList();
        // moving average of 2: house is predicted (34 + 50) / 2 = 42 at cycle 2 (within a tenth of 1..40's width,
        // 43.9), then 58 at cycle 3
        assertThat(warned).containsExactly("cycle 3: house's predicted load 58 is well outside the 1..40 the model "
                + "was trained on: its decisions there are extrapolation (said once per service and leader term; "
                + "retrain on traffic that shows such loads)");
    }

    @Test
    void aHeldCycleAndAServicePredictedByFallbackAreNotComparedWithTheTrainingLoads() throws Exception {
        withLoadRange("house=1..100, senti=30..100, numbr=1..100");
        AgentConfig cfg = config("{model: model.zip}");
        AgentMetrics metrics = new AgentMetrics(cfg.serviceNames(), 40);
        // cycle 0: every query fails, no history: held; cycle 1: senti still fails (predicted 0 by the fallback, far
        // below 30..100), the others are read; from cycle 2 on, the trace
        LoadSource source = (svc, cycle, time) -> {
            if (cycle == 0 || cycle == 1 && svc.name().equals("senti")) {
                throw new QueryFailure(FailureKind.UNREACHABLE, "connection refused");
            }
            return TRACE.value((int) cycle, TRACE.columnIndex(svc.name()));
        };
        Agent agent = AgentBuilder.build(cfg, source, new AgentFixtures.RecordingSink(), metrics);
        assertThat(agent.runCycle(T0).written()).isFalse();
        assertThat(agent.runCycle(T0.plus(PERIOD)).written()).isTrue();
        assertThat(metrics.scrape()).contains("drl_agent_untrained_load_cycles_total{service=\"senti\"} 0.0")
                .contains("drl_agent_untrained_load_cycles_total{service=\"house\"} 0.0");
        // once senti has history, it is compared: a load far below is counted (the control)
        withLoadRange("house=1..100, senti=90..100, numbr=1..100");
        AgentMetrics again = new AgentMetrics(cfg.serviceNames(), 40);
        Agent later = AgentBuilder.build(cfg, (svc, cycle, time) -> TRACE.value(2, TRACE.columnIndex(svc.name())),
                new AgentFixtures.RecordingSink(), again);
        assertThat(later.runCycle(T0.plus(PERIOD.multipliedBy(2))).written()).isTrue();
        assertThat(again.scrape()).contains("drl_agent_untrained_load_cycles_total{service=\"senti\"} 1.0");
    }

    @Test
    void cyclesWriteWhatTheSimulatorComputesFromTheSameInputs() throws Exception {
        Path policyFile = AgentFixtures.randomPolicy(MODEL, "paper-general", 7, dir.resolve("model.zip"));
        int cycles = TRACE.length();
        writesTheOfflineSpecs(AgentFixtures.load(policyFile), cycles);
        // histories hold every observed value with the cycle times
        assertThat(Files.readAllLines(dir.resolve("data/history/house.csv"))).hasSize(cycles + 1)
                .element(1).isEqualTo("2026-11-22T10:00:55Z," + (long) TRACE.value(0, 0));
    }

    @Test
    void aFullObservationModelSeesInTheClusterWhatItSawInTheSimulatorAtEveryCycle() throws Exception {
        Path policyFile = AgentFixtures.randomPolicy(MODEL, "paper-general", 7, dir.resolve("model.zip"),
                Observation.FULL);
        var saved = dev.kdrl.core.policy.PolicyFile.load(policyFile);
        assertThat(saved.env().observation()).isEqualTo("full");
        AgentConfig cfg = config("{model: model.zip}");
        AgentFixtures.RecordingSink sink = new AgentFixtures.RecordingSink();
        Agent agent = AgentBuilder.build(cfg, traceFrom(0), sink, new AgentMetrics(cfg.serviceNames(), 40));
        int cycles = TRACE.length();
        QuotaEnv env = AgentFixtures.predictionsEnv(MODEL, observed(cycles), new MovingAveragePredictor(2),
                Observation.FULL);
        double[] obs = env.reset(0);
        var policy = saved.actingPolicy();
        List<Map<String, String>> expected = new ArrayList<>();
        for (int k = 0; k < cycles; k++) {
            assertThat(agent.runCycle(T0.plus(PERIOD.multipliedBy(k))).written()).isTrue();
            assertThat(Observation.FULL.of(MODEL, agent.currentState())).as("cycle %d", k).containsExactly(obs);
            var r = env.step(policy.act(obs));
            expected.add(dev.kdrl.agent.k8s.ScaleActionSpec.render(MODEL,
                    (dev.kdrl.env.quota.Transition) r.info().get(QuotaEnv.TRANSITION)));
            obs = r.observation();
        }
        assertThat(sink.written).containsExactlyElementsOf(expected);
        assertThat(sink.written.stream().distinct().count()).isGreaterThan(3);
    }

    /** A full-observation policy, the agent's configuration in mode knative and the cluster simulator, both so set. */
    private record ClusterRun(dev.kdrl.core.policy.Policy<double[], int[]> policy, AgentConfig cfg,
                              dev.kdrl.env.cluster.ClusterEnv env) {
        /**
         * The agent of {@link #cfg}, writing to {@code sink} and reading what the simulator holds at its current step
         * as {@code KnativeHeld} reads it from a cluster.
         */
        Agent agentReadingTheSimulator(AgentFixtures.RecordingSink sink) {
            return AgentBuilder.build(cfg, traceFrom(0), sink, new AgentMetrics(cfg.serviceNames(), 40))
                    .readingHeld(() -> new HeldSource.Held(env.state().prevPod(), env.state().prevRes()));
        }
    }

    /** {@link ClusterRun} with {@code minScale} in the simulator and, under the same name, in the agent. */
    private ClusterRun clusterRun(dev.kdrl.env.cluster.ClusterEnv.MinScale minScale) throws Exception {
        Path policyFile = AgentFixtures.randomPolicy(MODEL, "paper-general", 7, dir.resolve("model.zip"),
                Observation.FULL);
        AgentConfig cfg = AgentFixtures.write(dir, AgentFixtures.config("http://127.0.0.1:9", "{model: model.zip}",
                "{kind: last-value}", "apply: {mode: knative, minScale: " + minScale.name().toLowerCase(
                        java.util.Locale.ROOT) + "}"));
        return new ClusterRun(dev.kdrl.core.policy.PolicyFile.load(policyFile).actingPolicy(), cfg,
                new dev.kdrl.env.cluster.ClusterEnv(MODEL, dev.kdrl.env.cluster.ClusterParams.DEFAULTS, TRACE,
                        dev.kdrl.env.cluster.ClusterEnv.Options.defaults().withObservation(Observation.FULL)
                                .withMinScale(minScale)));
    }

    /**
     * With the pods left to Knative's autoscaler, each decision observes what the cluster holds: fed the cluster
     * simulator's pods and charged cores at every step (as {@code KnativeHeld} reads them from the API server), the
     * agent sees what a policy trained there ({@code drl train --dynamics cluster --min-scale none}) saw, and decides
     * as it did; a source that cannot be read falls back to the paper model's counts, said.
     */
    @Test
    void withThePodsLeftToKnativeEachDecisionObservesWhatTheClusterSimulatorHolds() throws Exception {
        ClusterRun run = clusterRun(dev.kdrl.env.cluster.ClusterEnv.MinScale.NONE);
        var policy = run.policy();
        dev.kdrl.env.cluster.ClusterEnv env = run.env();
        double[] obs = env.reset(0);
        AgentFixtures.RecordingSink sink = new AgentFixtures.RecordingSink();
        Agent agent = run.agentReadingTheSimulator(sink);
        int cycles = TRACE.length() - 2; // two more rows for the unreadable cycles below
        int differFromPaper = 0;
        for (int k = 0; k < cycles; k++) {
            assertThat(agent.runCycle(T0.plus(PERIOD.multipliedBy(k))).written()).isTrue();
            assertThat(Observation.FULL.of(MODEL, agent.currentState())).as("cycle %d", k).containsExactly(obs);
            int[] action = policy.act(obs);
            assertThat(sink.written.get(k)).as("cycle %d", k).isEqualTo(dev.kdrl.agent.k8s.ScaleActionSpec.render(
                    MODEL, MODEL.decide(env.state(), action)));
            obs = env.step(action).observation();
            if (!Arrays.equals(env.state().prevPod(), podcounts(sink.written.get(k)))) {
                differFromPaper++;
            }
        }
        // the cluster's pods are not those the paper model gave the decisions: what the test is about
        assertThat(differFromPaper).isGreaterThan(cycles / 2);
        // unreadable: the paper model's counts, and a warning, not repeated for the same reason
        List<String> warned = logged(Agent.class, ch.qos.logback.classic.Level.WARN, () -> agent.readingHeld(() -> {
            throw new IllegalStateException("pods is forbidden");
        }).runCycle(T0.plus(PERIOD.multipliedBy(cycles))));
        assertThat(warned).contains("cannot read what the services hold in the cluster (pods is forbidden): the "
                + "decisions observe the last decision's pods and cores as the paper model counts them until it can "
                + "(said again when the reason changes)");
        assertThat(agent.currentState().prevPod()).containsExactly(podcounts(sink.written.get(cycles - 1)));
        assertThat(logged(Agent.class, ch.qos.logback.classic.Level.WARN, () -> agent.runCycle(T0.plus(
                PERIOD.multipliedBy(cycles + 1))))).noneMatch(m -> m.contains("cannot read"));
    }

    /** The pods per service (model order) of a written spec. */
    private static int[] podcounts(Map<String, String> spec) {
        return MODEL.serviceNames().stream().mapToInt(n -> Integer.parseInt(spec.get("service" + n + "_podcount")))
                .toArray();
    }

    /**
     * With {@code apply.minScale: decision}, each decision writes the pods the predicted load needs under its
     * configurations as podcount (min-scale), as {@code drl train --dynamics cluster --min-scale decision} sets them,
     * and observes what the cluster simulator holds: fed its state at every step, the agent sees what the simulator
     * showed and writes what it applied.
     */
    @Test
    void withMinScaleFromTheDecisionEachDecisionWritesThePodsThePredictedLoadNeeds() throws Exception {
        ClusterRun run = clusterRun(dev.kdrl.env.cluster.ClusterEnv.MinScale.DECISION);
        var policy = run.policy();
        dev.kdrl.env.cluster.ClusterEnv env = run.env();
        double[] obs = env.reset(0);
        AgentFixtures.RecordingSink sink = new AgentFixtures.RecordingSink();
        Agent agent = run.agentReadingTheSimulator(sink);
        for (int k = 0; k < TRACE.length() - 1; k++) {
            CycleReport r = agent.runCycle(T0.plus(PERIOD.multipliedBy(k)));
            assertThat(r.written()).isTrue();
            assertThat(Observation.FULL.of(MODEL, agent.currentState())).as("cycle %d", k).containsExactly(obs);
            int[] action = policy.act(obs);
            double[] shown = env.predictedLoad();
            int[] needed = new int[action.length];
            for (int i = 0; i < action.length; i++) {
                needed[i] = MODEL.podsNeeded(i, action[i], shown[i]);
            }
            assertThat(sink.written.get(k)).as("cycle %d", k).isEqualTo(dev.kdrl.agent.k8s.ScaleActionSpec.render(
                    MODEL, action, needed));
            assertThat(r.pods()).containsExactly(needed);
            obs = env.step(action).observation();
        }
        // where the paper model keeps pods (the same configuration, the load fallen, the scale-down check not fired)
        // the written podcount is what the load needs: fixed-initial keeps the configuration, three pods held (their
        // cores within the quota, so that the check does not fire), load 5
        AgentFixtures.RecordingSink kept = new AgentFixtures.RecordingSink();
        AgentConfig fixed = AgentFixtures.write(Files.createDirectories(dir.resolve("fixed")), AgentFixtures.config(
                "http://127.0.0.1:9", "{planner: "
                + "fixed-initial}", "{kind: last-value}", "apply: {mode: knative, minScale: decision}"));
        int[] init = MODEL.initial().action();
        double[] cores = new double[init.length];
        for (int i = 0; i < init.length; i++) {
            cores[i] = 3 * MODEL.service(i).config(init[i]).cpu();
        }
        try (Agent a = AgentBuilder.build(fixed, (svc, cycle, time) -> 5, kept, new AgentMetrics(
                fixed.serviceNames(), 40)).readingHeld(() -> new HeldSource.Held(new int[] {3, 3, 3}, cores))) {
            CycleReport r = a.runCycle(T0);
            int[] paper = MODEL.decide(a.currentState(), r.action()).pods();
            int keptByThePaperModel = 0;
            for (int i = 0; i < init.length; i++) {
                assertThat(r.pods()[i]).as(MODEL.service(i).name()).isEqualTo(MODEL.podsNeeded(i, r.action()[i], 5));
                if (paper[i] > r.pods()[i]) {
                    keptByThePaperModel++;
                }
            }
            assertThat(keptByThePaperModel).as("services whose pods the paper model keeps above the need")
                    .isPositive();
        }
    }

    /**
     * The agent's default ({@code apply.minScale: paper}) is the cluster simulator's {@code --min-scale paper}: it
     * observes its own bookkeeping of the decisions and writes the paper model's pod counts, which the simulator
     * applies; step by step, the agent sees what the simulator showed and writes what it applied.
     */
    @Test
    void withThePaperModelsPodsTheAgentDecidesAsTheClusterSimulatorAppliesThem() throws Exception {
        ClusterRun run = clusterRun(dev.kdrl.env.cluster.ClusterEnv.MinScale.PAPER);
        assertThat(run.cfg().apply().minScale()).isEqualTo(AgentConfig.Apply.MinScale.PAPER);
        dev.kdrl.env.cluster.ClusterEnv env = run.env();
        double[] obs = env.reset(0);
        AgentFixtures.RecordingSink sink = new AgentFixtures.RecordingSink();
        AgentMetrics metrics = new AgentMetrics(MODEL.serviceNames(), 40);
        Agent agent = AgentBuilder.build(run.cfg(), traceFrom(0), sink, metrics);
        for (int k = 0; k < TRACE.length() - 1; k++) {
            assertThat(agent.runCycle(T0.plus(PERIOD.multipliedBy(k))).written()).isTrue();
            assertThat(Observation.FULL.of(MODEL, agent.currentState())).as("cycle %d", k).containsExactly(obs);
            int[] action = run.policy().act(obs);
            dev.kdrl.env.quota.Transition t = MODEL.decide(env.state(), action);
            obs = env.step(action).observation();
            assertThat(sink.written.get(k)).as("cycle %d", k).isEqualTo(dev.kdrl.agent.k8s.ScaleActionSpec.render(
                    MODEL, t));
            for (int i = 0; i < action.length; i++) {
                assertThat(env.latestMinScale(i)).isEqualTo(t.pods()[i]);
            }
        }
        // nothing is read of the cluster: no held series
        assertThat(metrics.scrape()).doesNotContain("drl_agent_held_");
        agent.close();
    }

    /**
     * The paper model sees the forecast in whole users (as the published agent rounded it); with min-scale as in the
     * cluster-faithful simulator ({@code decision}, {@code none}) the forecast is seen as it is, as that simulator
     * shows it.
     */
    @Test
    void theForecastIsRoundedForThePaperModelOnly() throws Exception {
        for (String minScale : List.of("paper", "decision", "none")) {
            Path home = Files.createDirectories(dir.resolve("round-" + minScale));
            AgentConfig cfg = AgentFixtures.write(home, AgentFixtures.config("http://127.0.0.1:9",
                    "{planner: greedy}", "{kind: moving-average, window: 2}", "apply: {mode: knative, minScale: "
                            + minScale + "}"));
            try (Agent a = AgentBuilder.build(cfg, (svc, cycle, time) -> cycle == 0 ? 10 : 13,
                    new AgentFixtures.RecordingSink(), new AgentMetrics(cfg.serviceNames(), 40))) {
                a.runCycle(T0);
                a.runCycle(T0.plus(PERIOD));
                assertThat(a.currentState().traffic()).as(minScale).containsOnly(minScale.equals("paper") ? 12 : 11.5);
            }
        }
    }

    @Test
    void anAfterstateModelSearchesTheAgentsStateAsInTheSimulator() throws Exception {
        afterstateModelActsAsInTheSimulator(false);
        // a stochastic afterstate policy does not exist
        AgentConfig sampling = config("{model: model.zip, deterministic: false, seed: 1}");
        assertThatThrownBy(() -> AgentBuilder.validate(sampling)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("acts by a search on the model, which has no stochastic mode");
    }

    @Test
    void aTwoStepAfterstateModelLooksAheadOverTheAgentsRecordedHistory() throws Exception {
        afterstateModelActsAsInTheSimulator(true);
        // its draws of the next load read the seed
        AgentBuilder.validate(config("{model: model.zip, seed: 5}"));
    }

    @Test
    void aTrafficAwareModelReadsTheStatisticsOfTheAgentsRecordedHistory() throws Exception {
        afterstateModelActsAsInTheSimulator(true, true);
    }

    private void afterstateModelActsAsInTheSimulator(boolean twoSteps) throws Exception {
        afterstateModelActsAsInTheSimulator(twoSteps, false);
    }

    /**
     * An afterstate model (looking two steps ahead or not) decides in the agent what it decides in the simulator fed
     * with the same predictions; two steps: with the next period's traffic fitted, at every cycle, on the loads the
     * agent has recorded so far; a traffic-aware value reads the statistics of those loads.
     */
    private void afterstateModelActsAsInTheSimulator(boolean twoSteps, boolean trafficFeatures) throws Exception {
        int size = dev.kdrl.env.value.AfterstateFeatures.size(MODEL, trafficFeatures);
        dev.kdrl.core.rng.Rng rng = dev.kdrl.core.rng.Rng.of(8);
        double[][] w = {new double[size * 8], new double[8]};
        for (double[] layer : w) {
            for (int i = 0; i < layer.length; i++) {
                layer[i] = rng.nextGaussian() * 0.5;
            }
        }
        var value = dev.kdrl.core.policy.Mlp.of(new int[] {size, 8, 1}, dev.kdrl.core.policy.Activation.TANH, w,
                new double[][] {new double[8], new double[1]});
        var signature = dev.kdrl.env.value.AfterstatePolicy.signature(MODEL, "paper-general", trafficFeatures);
        var norm = dev.kdrl.core.policy.ObservationNormalizer.identity(size);
        if (trafficFeatures) {
            // the statistics scaled as training's running normaliser would (autocorrelation, mean, deviation)
            double[] mean = new double[size];
            double[] var = new double[size];
            java.util.Arrays.fill(var, 1);
            for (int i = size - 9; i < size; i += 3) {
                mean[i] = 0.3;
                var[i] = 0.04;
                mean[i + 1] = 50;
                var[i + 1] = 100;
                mean[i + 2] = 25;
                var[i + 2] = 25;
            }
            norm = dev.kdrl.core.policy.ObservationNormalizer.of(mean, var, 100);
        }
        var look = new dev.kdrl.env.value.AfterstatePolicy.Lookahead(6, 8, 0.3);
        Map<String, String> hyper = new java.util.LinkedHashMap<>(Map.of("gamma", "0.8", "reward_scale", "0.001",
                "candidates", "6"));
        if (twoSteps) {
            hyper.putAll(look.hyperParameters());
        }
        dev.kdrl.core.policy.PolicyFile.save(new dev.kdrl.core.policy.SavedPolicy("afterstate", hyper, signature, value,
                null, norm, "test", dev.kdrl.core.policy.ActorHead.AFTERSTATE_VALUE), dir.resolve("model.zip"));
        AgentConfig cfg = config("{model: model.zip}");
        AgentFixtures.RecordingSink sink = new AgentFixtures.RecordingSink();
        Agent agent = AgentBuilder.build(cfg, traceFrom(0), sink, new AgentMetrics(cfg.serviceNames(), 40));
        int cycles = TRACE.length();
        double[][] rows = observed(cycles);
        QuotaEnv env = AgentFixtures.predictionsEnv(MODEL, rows, new MovingAveragePredictor(2), Observation.PAPER);
        var offline = new dev.kdrl.env.value.AfterstatePolicy(MODEL, env::state, value, norm, 0.8, 1e-3, 6);
        // the loads recorded up to the decision being taken, fitted as the agent fits its history
        var sofar = dev.kdrl.env.baseline.TrafficDistribution.refitted(() -> dev.kdrl.env.baseline.EmpiricalTraffic.fit(
                java.util.Arrays.copyOf(rows, env.state().step() + 1), 3, dev.kdrl.env.baseline.EmpiricalTraffic.Kind.AR1,
                "recorded"));
        var fixedStatistics = new dev.kdrl.env.value.AfterstatePolicy(MODEL, env::state, value, norm, 0.8, 1e-3, 6)
                .setStatistics(new double[9]);
        if (twoSteps) {
            offline.setLookahead(look).setTraffic(sofar, Integer.MAX_VALUE, 0);
            fixedStatistics.setLookahead(look).setTraffic(sofar, Integer.MAX_VALUE, 0);
        }
        var oneStep = new dev.kdrl.env.value.AfterstatePolicy(MODEL, env::state, value, norm, 0.8, 1e-3, 6);
        env.reset(0);
        List<Map<String, String>> expected = new ArrayList<>();
        GreedyPolicy greedy = new GreedyPolicy(MODEL, env::state);
        int differFromGreedy = 0;
        int differFromOneStep = 0;
        int differFromFixedStatistics = 0;
        for (int k = 0; k < cycles; k++) {
            assertThat(agent.runCycle(T0.plus(PERIOD.multipliedBy(k))).written()).isTrue();
            assertThat(agent.currentState()).isEqualTo(env.state());
            int[] a = offline.act(null);
            differFromGreedy += java.util.Arrays.equals(a, greedy.act(null)) ? 0 : 1;
            differFromOneStep += java.util.Arrays.equals(a, oneStep.act(null)) ? 0 : 1;
            differFromFixedStatistics += java.util.Arrays.equals(a, fixedStatistics.act(null)) ? 0 : 1;
            var r = env.step(a);
            expected.add(dev.kdrl.agent.k8s.ScaleActionSpec.render(MODEL,
                    (dev.kdrl.env.quota.Transition) r.info().get(QuotaEnv.TRANSITION)));
        }
        assertThat(sink.written).containsExactlyElementsOf(expected);
        // the value really steers the search: not simply greedy; and looking ahead changes decisions
        assertThat(differFromGreedy).isPositive();
        if (twoSteps) {
            assertThat(differFromOneStep).isPositive();
        }
        if (trafficFeatures) {
            assertThat(differFromFixedStatistics).as("decisions the recorded load's statistics changed").isPositive();
        }
    }

    @Test
    void aModelOfTheOtherObservationIsRefusedAtStart() throws Exception {
        AgentFixtures.randomPolicy(MODEL, "paper-general", 7, dir.resolve("model.zip"), Observation.FULL);
        // the same file with a paper signature but the full observation's size: the sizes would match nothing
        var saved = dev.kdrl.core.policy.PolicyFile.load(dir.resolve("model.zip"));
        var sig = saved.env();
        var paperSig = new dev.kdrl.core.policy.EnvSignature(sig.serviceNames(), sig.nvec(), sig.observationSize(),
                sig.profile(), sig.actionTables(), sig.quota());
        dev.kdrl.core.policy.PolicyFile.save(new dev.kdrl.core.policy.SavedPolicy(saved.algorithm(),
                saved.hyperParameters(), paperSig, saved.actor(), null, saved.normalizer(), saved.libraryVersion()),
                dir.resolve("model.zip"));
        AgentConfig cfg = config("{model: model.zip}");
        assertThatThrownBy(() -> AgentBuilder.build(cfg, traceFrom(0), new AgentFixtures.RecordingSink(),
                new AgentMetrics(cfg.serviceNames(), 40)))
                .hasMessageContaining("the policy was trained for a different environment (the policy's, then this one's): observation size 165 vs 9");
    }

    /** A model whose manifest lacks a field, or holds a bad hyper-parameter, is refused naming the file and field. */
    @Test
    void aDamagedModelIsRefusedAtStartNamingTheFileAndTheField() throws Exception {
        Path good = AgentFixtures.randomPolicy(MODEL, "paper-general", 7, dir.resolve("good.zip"));
        Path model = dir.resolve("model.zip");
        try (var in = new java.util.zip.ZipFile(good.toFile());
             var out = new java.util.zip.ZipOutputStream(Files.newOutputStream(model))) {
            for (var e : java.util.Collections.list(in.entries())) {
                byte[] b = in.getInputStream(e).readAllBytes();
                if (e.getName().equals("manifest.properties")) {
                    b = new String(b, java.nio.charset.StandardCharsets.ISO_8859_1).replaceAll("(?m)^algorithm=.*\n",
                            "").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
                }
                out.putNextEntry(new java.util.zip.ZipEntry(e.getName()));
                out.write(b);
                out.closeEntry();
            }
        }
        AgentConfig cfg = config("{model: model.zip}");
        assertThatThrownBy(() -> AgentBuilder.validate(cfg))
                .hasMessage(model + ": manifest field 'algorithm' is missing (expected the name of the algorithm that "
                        + "trained the policy, e.g. afterstate or trpo)");
        // an afterstate model's hyper-parameters
        var afterstate = dev.kdrl.core.policy.PolicyFile.load(Path.of("../models/paper-afterstate.zip"));
        dev.kdrl.core.policy.PolicyFile.save(afterstate.withHyperParameter("candidates", "0"), model);
        AgentConfig paper = AgentFixtures.write(dir, AgentFixtures.config("http://127.0.0.1:9", "{model: model.zip}",
                "{kind: moving-average, window: 2}", "").replace("profile: paper-general", "profile: paper"));
        assertThatThrownBy(() -> AgentBuilder.validate(paper))
                .hasMessage(model + ": manifest field 'hyper.candidates' is '0' (expected a whole number >= 1)");
    }

    @Test
    void aModelOfAProfileFileWhoseSlosWereEditedSinceIsRefusedAtStart() throws Exception {
        Path profile = Files.copy(Path.of("../datasets/profiles/paper-services.yaml"), dir.resolve("mine.yaml"));
        QuotaModel trainedFor = Profiles.model(profile.toString(), null, null);
        AgentFixtures.randomPolicy(trainedFor, profile.toString(), 7, dir.resolve("model.zip"));
        AgentConfig same = AgentFixtures.write(dir, AgentFixtures.config("http://127.0.0.1:9", "{model: model.zip}",
                "{kind: moving-average, window: 2}", "").replace("profile: paper-general", "profile: " + profile));
        assertThat(AgentBuilder.build(same, traceFrom(0), new AgentFixtures.RecordingSink(),
                new AgentMetrics(same.serviceNames(), 40))).isNotNull();
        Files.writeString(profile, Files.readString(profile).replace("sloMs: 2200", "sloMs: 1800"));
        AgentConfig edited = AgentFixtures.write(dir, AgentFixtures.config("http://127.0.0.1:9", "{model: model.zip}",
                "{kind: moving-average, window: 2}", "").replace("profile: paper-general", "profile: " + profile));
        assertThatThrownBy(() -> AgentBuilder.build(edited, traceFrom(0), new AgentFixtures.RecordingSink(),
                new AgentMetrics(edited.serviceNames(), 40)))
                .hasMessageContaining("the policy was trained for a different environment (the policy's, then this one's): settings of senti differ: "
                        + "sloMs=2200.0 khpaLatencyThresholdMs=1500.0 maxPodStep=2 vs sloMs=1800.0");
    }

    @Test
    void aJointQModelDrivesTheCyclesGreedily() throws Exception {
        Path policyFile = AgentFixtures.randomJointQPolicy(MODEL, "paper-general", 5, dir.resolve("model.zip"));
        var saved = dev.kdrl.core.policy.PolicyFile.load(policyFile);
        assertThat(saved.head()).isEqualTo(dev.kdrl.core.policy.ActorHead.JOINT_Q);
        writesTheOfflineSpecs(saved.actingPolicy(), TRACE.length());
    }

    /**
     * Runs {@code cycles} cycles with {@code model.zip} in the test directory and checks that they write what the
     * simulator computes offline with {@code policy} from the same inputs, and that the policy reacts to them.
     */
    private void writesTheOfflineSpecs(dev.kdrl.core.policy.Policy<double[], int[]> policy, int cycles)
            throws Exception {
        AgentConfig cfg = config("{model: model.zip}");
        AgentFixtures.RecordingSink sink = new AgentFixtures.RecordingSink();
        Agent agent = AgentBuilder.build(cfg, traceFrom(0), sink, new AgentMetrics(cfg.serviceNames(), 40));
        for (int k = 0; k < cycles; k++) {
            assertThat(agent.runCycle(T0.plus(PERIOD.multipliedBy(k))).written()).isTrue();
        }
        List<Map<String, String>> expected = AgentFixtures.offlineSpecs(MODEL, observed(cycles),
                new MovingAveragePredictor(2), policy);
        assertThat(sink.written).containsExactlyElementsOf(expected);
        // the policy really reacts to its inputs: not one repeated action
        assertThat(sink.written.stream().distinct().count()).isGreaterThan(3);
    }

    @Test
    void aJointQModelCannotSample() throws Exception {
        AgentFixtures.randomJointQPolicy(MODEL, "paper-general", 5, dir.resolve("model.zip"));
        AgentConfig cfg = config("{model: model.zip, deterministic: false, seed: 3}");
        assertThatThrownBy(() -> AgentBuilder.validate(cfg))
                .isInstanceOf(ConfigException.class)
                .hasMessage(dir.resolve("agent.yaml") + ": policy.deterministic: 'false' (" + dir.resolve("model.zip")
                        + ": the rl4j-dqn policy has a joint-q actor (a Q-value per joint action), which acts greedily "
                        + "only: it has no stochastic mode; set policy.deterministic to true)")
                .satisfies(e -> assertThat(((ConfigException) e).field()).isEqualTo("policy.deterministic"));
        // deterministic, it reads no seed: one given is refused
        AgentConfig seeded = config("{model: model.zip, seed: 3}");
        assertThatThrownBy(() -> AgentBuilder.validate(seeded))
                .isInstanceOf(ConfigException.class)
                .hasMessage(dir.resolve("agent.yaml") + ": policy.seed: '3' (" + dir.resolve("model.zip")
                        + ": the rl4j-dqn policy decides without random draws (only a model with deterministic: false, "
                        + "or an afterstate model saved to look two steps ahead, reads the seed); leave policy.seed out)");
        // a multi-categorical model samples
        AgentFixtures.randomPolicy(MODEL, "paper-general", 7, dir.resolve("model.zip"));
        AgentBuilder.validate(cfg);
    }

    @Test
    void greedyPlannerSeesTheAgentsState() throws Exception {
        AgentConfig cfg = config("{planner: greedy}");
        AgentFixtures.RecordingSink sink = new AgentFixtures.RecordingSink();
        Agent agent = AgentBuilder.build(cfg, traceFrom(0), sink, new AgentMetrics(cfg.serviceNames(), 40));
        for (int k = 0; k < 8; k++) {
            agent.runCycle(T0.plus(PERIOD.multipliedBy(k)));
        }
        // offline: a greedy policy reading the simulator's state
        double[][] obs = observed(8);
        double[][] traffic = new double[8][3];
        for (int i = 0; i < 3; i++) {
            for (int k = 0; k < 8; k++) {
                traffic[k][i] = Math.round(k == 0 ? obs[0][i] : (obs[k][i] + obs[k - 1][i]) / 2);
            }
        }
        var env = new dev.kdrl.env.quota.QuotaEnv(MODEL, new Trace("p", MODEL.serviceNames(), traffic));
        GreedyPolicy greedy = GreedyPolicy.of(env);
        List<Map<String, String>> expected = new ArrayList<>();
        double[] o = env.reset(0);
        for (int k = 0; k < 8; k++) {
            var r = env.step(greedy.act(o));
            expected.add(dev.kdrl.agent.k8s.ScaleActionSpec.render(MODEL,
                    (dev.kdrl.env.quota.Transition) r.info().get(dev.kdrl.env.quota.QuotaEnv.TRANSITION)));
            o = r.observation();
        }
        assertThat(sink.written).containsExactlyElementsOf(expected);
    }

    @Test
    void aLiveAgentOnThePaperProfileNeverPlaysThePublishedLastStep() throws Exception {
        // the paper profile's 200th decision is special (half weight, no roll-out overlap check); a live agent has no
        // episode end, so its state must never say it is there, however many cycles it runs
        AgentConfig cfg = AgentFixtures.write(dir, AgentFixtures.config("http://127.0.0.1:9", "{planner: greedy}",
                "{kind: moving-average, window: 2}", "").replace("profile: paper-general", "profile: paper"));
        QuotaModel paper = PaperProfile.model();
        AgentFixtures.RecordingSink sink = new AgentFixtures.RecordingSink();
        LoadSource cyclic = (s, cycle, time) -> TRACE.value((int) (cycle % TRACE.length()),
                TRACE.columnIndex(s.name()));
        Agent agent = AgentBuilder.build(cfg, cyclic, sink, new AgentMetrics(cfg.serviceNames(), 40));
        for (int k = 0; k < 205; k++) {
            agent.runCycle(T0.plus(PERIOD.multipliedBy(k)));
            int step = agent.currentState().step();
            assertThat(paper.isPaperFinalStep(step)).as("cycle %d", k).isFalse();
            assertThat(paper.isPaperFinalStep(step + 1)).as("cycle %d, the next decision", k).isFalse();
        }
        assertThat(agent.lastState().cycles()).isEqualTo(205);
        assertThat(sink.written).hasSize(205);
    }

    @Test
    void expectedPlannerLearnsTheNextLoadFromTheRecordedHistory() throws Exception {
        List<Map<String, String>> cautious = expectedPlannerAgainstTheSimulator("{planner: expected-2, seed: 4}",
                ExpectedValuePolicy.Settings.defaults().confidence());
        // policy.confidence reaches the planner: without caution it decides otherwise on this traffic
        List<Map<String, String>> boldest = expectedPlannerAgainstTheSimulator(
                "{planner: expected-2, seed: 4, confidence: 0}", 0);
        assertThat(boldest).isNotEqualTo(cautious);
    }

    /**
     * Runs the agent with {@code policy} (an expected-2 planner with seed 4) on this test's trace, checks that it
     * writes what the same planner with {@code confidence} decides on the simulator, and returns what it wrote.
     */
    private List<Map<String, String>> expectedPlannerAgainstTheSimulator(String policy, double confidence)
            throws Exception {
        int cycles = TRACE.length();
        // each run records its own history
        Path runDir = Files.createDirectories(dir.resolve("confidence-" + confidence));
        AgentConfig cfg = AgentFixtures.write(runDir, AgentFixtures.config("http://127.0.0.1:9", policy,
                "{kind: moving-average, window: 2}", ""));
        assertThat(cfg.policy().confidence()).isEqualTo(confidence);
        AgentFixtures.RecordingSink sink = new AgentFixtures.RecordingSink();
        Agent agent = AgentBuilder.build(cfg, traceFrom(0), sink, new AgentMetrics(cfg.serviceNames(), 40));
        for (int k = 0; k < cycles; k++) {
            agent.runCycle(T0.plus(PERIOD.multipliedBy(k)));
        }
        // offline: the same planner on the simulator's state, its distribution fitted at each decision on the
        // loads observed so far (the current cycle's included), the state's traffic the rounded predictions
        double[][] obs = observed(cycles);
        double[][] traffic = new double[cycles][3];
        for (int i = 0; i < 3; i++) {
            for (int k = 0; k < cycles; k++) {
                traffic[k][i] = Math.round(k == 0 ? obs[0][i] : (obs[k][i] + obs[k - 1][i]) / 2);
            }
        }
        var env = new dev.kdrl.env.quota.QuotaEnv(MODEL, new Trace("p", MODEL.serviceNames(), traffic));
        TrafficDistribution history = (s, m, rng) -> EmpiricalTraffic.fit(
                java.util.Arrays.copyOf(obs, s.step() + 1), 3, EmpiricalTraffic.Kind.AR1, "h").sample(s, m, rng);
        var expectedPlanner = new ExpectedValuePolicy(MODEL, env::state, history, Integer.MAX_VALUE,
                ExpectedValuePolicy.Settings.defaults().withSeed(4).withConfidence(confidence));
        List<Map<String, String>> expected = new ArrayList<>();
        List<Map<String, String>> greedy = new ArrayList<>();
        double[] o = env.reset(0);
        for (int k = 0; k < cycles; k++) {
            greedy.add(dev.kdrl.agent.k8s.ScaleActionSpec.render(MODEL,
                    MODEL.decide(env.state(), new GreedyPolicy(MODEL, env::state).act(o))));
            var r = env.step(expectedPlanner.act(o));
            expected.add(dev.kdrl.agent.k8s.ScaleActionSpec.render(MODEL,
                    (dev.kdrl.env.quota.Transition) r.info().get(dev.kdrl.env.quota.QuotaEnv.TRANSITION)));
            o = r.observation();
        }
        assertThat(sink.written).containsExactlyElementsOf(expected);
        // the look-ahead changed some decision (greedy's shown in the same states)
        assertThat(sink.written).isNotEqualTo(greedy);
        return sink.written;
    }

    @Test
    void recentTrafficMatchesTheHistoriesByCycleAndLeavesOutAFailedOne() throws Exception {
        AgentConfig cfg = config("{planner: greedy}");
        LoadSource source = (s, cycle, time) -> {
            if (cycle == 2 && s.name().equals("senti")) {
                throw new QueryFailure(FailureKind.TIMEOUT, "no answer within 2000 ms");
            }
            return TRACE.value((int) cycle, TRACE.columnIndex(s.name()));
        };
        Agent agent = AgentBuilder.build(cfg, source, new AgentFixtures.RecordingSink(),
                new AgentMetrics(cfg.serviceNames(), 40));
        for (int k = 0; k < 5; k++) {
            agent.runCycle(T0.plus(PERIOD.multipliedBy(k)));
        }
        double[][] rows = observed(5);
        assertThat(agent.recentTraffic(10)).isDeepEqualTo(new double[][] {rows[0], rows[1], rows[3], rows[4]});
        assertThat(agent.recentTraffic(2)).isDeepEqualTo(new double[][] {rows[3], rows[4]});
        assertThat(agent.recentTraffic(0)).isEmpty();
    }

    /**
     * The specs of an uninterrupted run of {@code cycles} cycles with this test's configuration and model,
     * in the directory {@code ref} beside it.
     */
    private AgentFixtures.RecordingSink uninterrupted(int cycles) throws Exception {
        Path refDir = Files.createDirectory(dir.resolve("ref"));
        Files.copy(dir.resolve("model.zip"), refDir.resolve("model.zip"));
        AgentConfig refCfg = AgentFixtures.write(refDir, Files.readString(dir.resolve("agent.yaml")));
        AgentFixtures.RecordingSink ref = new AgentFixtures.RecordingSink();
        Agent whole = AgentBuilder.build(refCfg, traceFrom(0), ref, new AgentMetrics(refCfg.serviceNames(), 40));
        for (int k = 0; k < cycles; k++) {
            whole.runCycle(T0.plus(PERIOD.multipliedBy(k)));
        }
        whole.close();
        return ref;
    }

    @Test
    void aRestartedAgentContinuesExactlyWhereItStopped() throws Exception {
        AgentFixtures.randomPolicy(MODEL, "paper-general", 11, dir.resolve("model.zip"));
        AgentConfig cfg = config("{model: model.zip}");
        AgentFixtures.RecordingSink ref = uninterrupted(10);
        Path refDir = dir.resolve("ref");

        AgentFixtures.RecordingSink sink = new AgentFixtures.RecordingSink();
        Agent first = AgentBuilder.build(cfg, traceFrom(0), sink, new AgentMetrics(cfg.serviceNames(), 40));
        for (int k = 0; k < 4; k++) {
            first.runCycle(T0.plus(PERIOD.multipliedBy(k)));
        }
        Agent second = AgentBuilder.build(cfg, traceFrom(4), sink, new AgentMetrics(cfg.serviceNames(), 40));
        assertThat(second.lastState().cycles()).isEqualTo(4);
        for (int k = 4; k < 10; k++) {
            second.runCycle(T0.plus(PERIOD.multipliedBy(k)));
        }
        assertThat(sink.written).containsExactlyElementsOf(ref.written);
        assertThat(Files.readString(dir.resolve("data/history/numbr.csv")))
                .isEqualTo(Files.readString(refDir.resolve("data/history/numbr.csv")));
    }

    @Test
    void leftoverTemporaryFilesOfTheStateStoreAreRemovedAtStartButNotByADryRun() throws Exception {
        AgentConfig cfg = config("{planner: greedy}");
        Path stateDir = dir.resolve("data/state");
        Files.createDirectories(stateDir);
        Path pending = Files.writeString(stateDir.resolve(".pending.json.4242.tmp"), "{\"formatVersion\":1,");
        Path state = Files.writeString(stateDir.resolve(".state.json.4243.tmp"), "");
        Agent dry = AgentBuilder.build(cfg, traceFrom(0), new AgentFixtures.RecordingSink(),
                new AgentMetrics(cfg.serviceNames(), 40), false);
        dry.close();
        assertThat(pending).exists();
        Agent agent = AgentBuilder.build(cfg, traceFrom(0), new AgentFixtures.RecordingSink(),
                new AgentMetrics(cfg.serviceNames(), 40));
        agent.runCycle(T0);
        agent.close();
        assertThat(pending).doesNotExist();
        assertThat(state).doesNotExist();
        assertThat(stateDir.resolve("state.json")).exists();
    }

    /** Writes (records the spec) then dies before the state is saved, as a SIGKILL right after the write would. */
    private static final class DyingAfterWrite extends AgentFixtures.RecordingSink {
        @Override
        public String write(Map<String, String> spec) {
            super.write(spec);
            throw new IllegalStateException("killed after the write");
        }
    }

    @Test
    void aDecisionWrittenButNotSavedIsAdoptedAtStartOrDroppedIfTheClusterDoesNotHoldIt() throws Exception {
        AgentFixtures.randomPolicy(MODEL, "paper-general", 13, dir.resolve("model.zip"));
        AgentConfig cfg = config("{model: model.zip}");
        AgentFixtures.RecordingSink ref = uninterrupted(4);

        AgentFixtures.RecordingSink sink = new AgentFixtures.RecordingSink();
        Agent first = AgentBuilder.build(cfg, traceFrom(0), sink, new AgentMetrics(cfg.serviceNames(), 40));
        first.runCycle(T0);
        first.runCycle(T0.plus(PERIOD));
        first.close();
        DyingAfterWrite dying = new DyingAfterWrite();
        Agent crashing = AgentBuilder.build(cfg, traceFrom(2), dying, new AgentMetrics(cfg.serviceNames(), 40));
        assertThatThrownBy(() -> crashing.runCycle(T0.plus(PERIOD.multipliedBy(2))))
                .hasMessageContaining("killed after the write");
        crashing.close();
        assertThat(dying.written).containsExactly(ref.written.get(2));
        assertThat(Files.readString(dir.resolve("data/state/state.json"))).contains("\"cycles\" : 2");
        assertThat(dir.resolve("data/state/pending.json")).exists();

        // the cluster holds the third decision: it is adopted, and the fourth follows from it
        AgentFixtures.RecordingSink cluster = new AgentFixtures.RecordingSink() {
            @Override
            public Map<String, String> current() {
                return ref.written.get(2);
            }
        };
        Agent restarted = AgentBuilder.build(cfg, traceFrom(3), cluster, new AgentMetrics(cfg.serviceNames(), 40));
        assertThat(restarted.lastState().cycles()).isEqualTo(3);
        assertThat(dir.resolve("data/state/pending.json")).doesNotExist();
        restarted.runCycle(T0.plus(PERIOD.multipliedBy(3)));
        assertThat(cluster.written).containsExactly(ref.written.get(3));
        restarted.close();
    }

    @Test
    void aPendingDecisionTheClusterDoesNotHoldIsDropped() throws Exception {
        AgentConfig cfg = config("{planner: hybrid}");
        AgentFixtures.RecordingSink sink = new AgentFixtures.RecordingSink();
        Agent first = AgentBuilder.build(cfg, traceFrom(0), sink, new AgentMetrics(cfg.serviceNames(), 40));
        first.runCycle(T0);
        first.close();
        DyingAfterWrite dying = new DyingAfterWrite();
        Agent crashing = AgentBuilder.build(cfg, traceFrom(1), dying, new AgentMetrics(cfg.serviceNames(), 40));
        assertThatThrownBy(() -> crashing.runCycle(T0.plus(PERIOD))).isInstanceOf(IllegalStateException.class);
        crashing.close();
        AgentFixtures.RecordingSink cluster = new AgentFixtures.RecordingSink() {
            @Override
            public Map<String, String> current() {
                return sink.written.get(0); // the write never reached the cluster
            }
        };
        Agent restarted = AgentBuilder.build(cfg, traceFrom(1), cluster, new AgentMetrics(cfg.serviceNames(), 40));
        assertThat(restarted.lastState().cycles()).isEqualTo(1);
        assertThat(dir.resolve("data/state/pending.json")).doesNotExist();
    }

    /** The log lines of {@link Agent}'s cycles, as an operator reads them. */
    private static List<String> cycleLines(dev.kdrl.agent.ConsoleLog log) {
        return log.lines().stream().filter(l -> l.matches(".*Agent - cycle \\d+ at \\S+: load.*")).toList();
    }

    @Test
    void aResumedAgentNumbersItsCyclesOnFromTheDecisionsTheSavedStateCounts() throws Exception {
        AgentConfig cfg = config("{planner: greedy}");
        Path state = dir.resolve("data/state/state.json");
        Agent first = AgentBuilder.build(cfg, traceFrom(0), new AgentFixtures.RecordingSink(),
                new AgentMetrics(cfg.serviceNames(), 40));
        for (int k = 0; k < 3; k++) {
            CycleReport r = first.runCycle(T0.plus(PERIOD.multipliedBy(k)));
            // cycle k + 1 is the one whose decision makes state.json count k + 1
            assertThat(r.cycle()).isEqualTo(k + 1);
            assertThat(Files.readString(state)).contains("\"cycles\" : " + (k + 1));
        }
        first.close();

        // a restart: the numbers go on from the state's 3 decisions; a cycle that saves no decision leaves its number
        // to the next
        int[] writes = {0};
        AgentFixtures.RecordingSink recorded = new AgentFixtures.RecordingSink();
        dev.kdrl.agent.k8s.ActionSink flaky = spec -> {
            if (++writes[0] == 1) {
                throw new WriteFailure(WriteFailure.Kind.GAVE_UP, "503 after every retry", null);
            }
            return recorded.write(spec);
        };
        try (dev.kdrl.agent.ConsoleLog log = new dev.kdrl.agent.ConsoleLog()) {
            Agent second = AgentBuilder.build(cfg, traceFrom(3), flaky, new AgentMetrics(cfg.serviceNames(), 40));
            assertThat(second.nextCycle()).isEqualTo(4);
            CycleReport failed = second.runCycle(T0.plus(PERIOD.multipliedBy(3)));
            assertThat(failed.written()).isFalse();
            assertThat(failed.cycle()).isEqualTo(4);
            assertThat(Files.readString(state)).contains("\"cycles\" : 3");
            CycleReport written = second.runCycle(T0.plus(PERIOD.multipliedBy(4)));
            assertThat(written.written()).isTrue();
            assertThat(written.cycle()).isEqualTo(4);
            assertThat(Files.readString(state)).contains("\"cycles\" : 4");
            assertThat(second.runCycle(T0.plus(PERIOD.multipliedBy(5))).cycle()).isEqualTo(5);
            second.close();
            List<String> lines = cycleLines(log);
            assertThat(lines).hasSize(3);
            assertThat(lines.get(0)).contains(" ERROR ").contains(" - cycle 4 at " + T0.plus(PERIOD.multipliedBy(3))
                    + ": ").endsWith("503 after every retry");
            assertThat(lines.get(1)).contains(" INFO ").contains(" - cycle 4 at " + T0.plus(PERIOD.multipliedBy(4))
                    + ": ");
            assertThat(lines.get(2)).contains(" INFO ").contains(" - cycle 5 at " + T0.plus(PERIOD.multipliedBy(5))
                    + ": ");
        }
    }

    @Test
    void aCycleThatHoldsTheLastDecisionLeavesItsNumberToTheNext() throws Exception {
        AgentConfig cfg = config("{planner: greedy}");
        boolean[] down = {true};
        LoadSource source = (s, cycle, time) -> {
            if (down[0]) {
                throw new QueryFailure(FailureKind.UNREACHABLE, "connection refused");
            }
            return TRACE.value((int) cycle, TRACE.columnIndex(s.name()));
        };
        try (dev.kdrl.agent.ConsoleLog log = new dev.kdrl.agent.ConsoleLog()) {
            Agent agent = AgentBuilder.build(cfg, source, new AgentFixtures.RecordingSink(),
                    new AgentMetrics(cfg.serviceNames(), 40));
            CycleReport held = agent.runCycle(T0);
            assertThat(held.outcome()).startsWith("held the last decision");
            assertThat(held.cycle()).isEqualTo(1);
            down[0] = false;
            CycleReport r = agent.runCycle(T0.plus(PERIOD));
            assertThat(r.written()).isTrue();
            assertThat(r.cycle()).isEqualTo(1);
            assertThat(agent.lastState().cycles()).isEqualTo(1);
            agent.close();
            assertThat(cycleLines(log)).satisfiesExactly(
                    l -> assertThat(l).contains(" WARN ").contains(" - cycle 1 at " + T0 + ": "),
                    l -> assertThat(l).contains(" INFO ").contains(" - cycle 1 at " + T0.plus(PERIOD) + ": "));
        }
    }

    @Test
    void aFailedQueryFallsBackToTheHistoryAndIsCounted() throws Exception {
        AgentConfig cfg = config("{planner: hybrid}");
        AgentMetrics metrics = new AgentMetrics(cfg.serviceNames(), 40);
        LoadSource source = (s, cycle, time) -> {
            if (cycle == 2 && s.name().equals("senti")) {
                throw new QueryFailure(FailureKind.TIMEOUT, "no answer within 2000 ms");
            }
            return TRACE.value((int) cycle, TRACE.columnIndex(s.name()));
        };
        AgentFixtures.RecordingSink sink = new AgentFixtures.RecordingSink();
        Agent agent = AgentBuilder.build(cfg, source, sink, metrics);
        agent.runCycle(T0);
        agent.runCycle(T0.plus(PERIOD));
        CycleReport r = agent.runCycle(T0.plus(PERIOD.multipliedBy(2)));
        assertThat(r.written()).isTrue();
        assertThat(r.failures().get(1)).contains("timeout");
        assertThat(r.observed()[1]).isNaN();
        int senti = TRACE.columnIndex("senti");
        // moving average of the two values the history holds (rows 0 and 1), not of a made-up one
        assertThat(r.predicted()[1]).isEqualTo((TRACE.value(0, senti) + TRACE.value(1, senti)) / 2);
        assertThat(Files.readAllLines(dir.resolve("data/history/senti.csv"))).hasSize(3);
        assertThat(metrics.scrape()).contains("drl_agent_query_failures_total{kind=\"timeout\",service=\"senti\"} 1.0");
    }

    @Test
    void anImplausibleLoadIsACountedFailureWithTheHistorysFallback() throws Exception {
        AgentConfig cfg = AgentFixtures.write(dir, AgentFixtures.config("http://127.0.0.1:9", "{planner: greedy}",
                "{kind: last-value}", "").replace("labels: {job: generator3}", "labels: {job: generator3}\n"
                + "    maxLoad: 500"));
        AgentMetrics metrics = new AgentMetrics(cfg.serviceNames(), 40);
        LoadSource source = (s, cycle, time) -> cycle == 1 && s.name().equals("senti") ? 1e300
                : cycle == 2 && s.name().equals("numbr") ? 501 : TRACE.value((int) cycle, TRACE.columnIndex(s.name()));
        AgentFixtures.RecordingSink sink = new AgentFixtures.RecordingSink();
        Agent agent = AgentBuilder.build(cfg, source, sink, metrics);
        agent.runCycle(T0);
        CycleReport r = agent.runCycle(T0.plus(PERIOD));
        assertThat(r.written()).isTrue();
        assertThat(r.observed()[1]).isNaN();
        assertThat(r.failures().get(1)).contains("implausible").contains("above maxLoad")
                .contains("the default: 10.0 x what the quota can serve");
        // predicted from the history (last value: row 0), not from 1e300: no 2147483647 pods
        assertThat(r.predicted()[1]).isEqualTo(TRACE.value(0, TRACE.columnIndex("senti")));
        assertThat(Arrays.stream(r.pods()).max().getAsInt()).isLessThan(1000);
        assertThat(Files.readAllLines(dir.resolve("data/history/senti.csv"))).hasSize(2);
        CycleReport r2 = agent.runCycle(T0.plus(PERIOD.multipliedBy(2)));
        assertThat(r2.failures().get(2)).contains("load 501.0 is above maxLoad 500.0; not recorded");
        assertThat(metrics.scrape())
                .contains("drl_agent_query_failures_total{kind=\"implausible\",service=\"senti\"} 1.0")
                .contains("drl_agent_query_failures_total{kind=\"implausible\",service=\"numbr\"} 1.0");
        assertThat(Agent.defaultMaxLoad(MODEL, 0)).isGreaterThan(1000).isFinite();
        agent.close();
    }

    /** A forecast above maxLoad (Holt's trend on a rising load) is decided for maxLoad, not refused or believed. */
    @Test
    void aForecastAboveMaxLoadIsDecidedForMaxLoad() throws Exception {
        AgentConfig cfg = AgentFixtures.write(dir, AgentFixtures.config("http://127.0.0.1:9", "{planner: greedy}",
                "{kind: holt}", "").replace("labels: {job: generator3}", "labels: {job: generator3}\n"
                + "    maxLoad: 500"));
        AgentMetrics metrics = new AgentMetrics(cfg.serviceNames(), 40);
        double[] numbr = {300, 400, 490};
        LoadSource source = (s, cycle, time) -> s.name().equals("numbr") ? numbr[(int) cycle]
                : TRACE.value((int) cycle, TRACE.columnIndex(s.name()));
        Agent agent = AgentBuilder.build(cfg, source, new AgentFixtures.RecordingSink(), metrics);
        agent.runCycle(T0);
        agent.runCycle(T0.plus(PERIOD));
        CycleReport r = agent.runCycle(T0.plus(PERIOD.multipliedBy(2)));
        assertThat(r.written()).isTrue();
        assertThat(r.predicted()[2]).isGreaterThan(500);
        assertThat(r.observation()[3 * 2 + 2]).isEqualTo(500);
        agent.close();
    }

    /** Services are read at once; one whose value is late is a counted timeout, the others still count. */
    @Test
    void aServiceLateForTheCyclesDeadlineIsATimeoutAndTheOthersCount() throws Exception {
        AgentConfig cfg = config("{planner: greedy}");
        AgentMetrics metrics = new AgentMetrics(cfg.serviceNames(), 40);
        java.util.concurrent.CountDownLatch bothStarted = new java.util.concurrent.CountDownLatch(2);
        java.util.concurrent.atomic.AtomicBoolean interrupted = new java.util.concurrent.atomic.AtomicBoolean();
        LoadSource source = (s, cycle, time) -> {
            if (s.name().equals("senti")) {
                try {
                    Thread.sleep(10_000); // a stalled Prometheus
                } catch (InterruptedException e) {
                    interrupted.set(true);
                    throw e;
                }
            }
            if (!s.name().equals("senti") && cycle == 0) {
                // house and numbr read concurrently: each waits for the other to have started
                bothStarted.countDown();
                bothStarted.await(2, java.util.concurrent.TimeUnit.SECONDS);
            }
            return TRACE.value((int) cycle, TRACE.columnIndex(s.name()));
        };
        Agent agent = AgentBuilder.build(cfg, source, new AgentFixtures.RecordingSink(), metrics)
                .deadline(Duration.ofMillis(300));
        long t0 = System.nanoTime();
        CycleReport r = agent.runCycle(T0);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(ms).isLessThan(1_900);
        assertThat(bothStarted.getCount()).isZero();
        assertThat(r.written()).isTrue();
        assertThat(r.failures().get(1)).contains("no value within the cycle's deadline of 300 ms");
        assertThat(r.observed()[0]).isEqualTo(TRACE.value(0, TRACE.columnIndex("house")));
        assertThat(r.observed()[2]).isEqualTo(TRACE.value(0, TRACE.columnIndex("numbr")));
        assertThat(metrics.scrape()).contains("drl_agent_query_failures_total{kind=\"timeout\",service=\"senti\"} 1.0");
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (!interrupted.get() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(interrupted).as("the late read was cancelled").isTrue();
        agent.close();
    }

    @Test
    void aDecisionAboveMaxPodsIsNotWritten() throws Exception {
        AgentConfig cfg = AgentFixtures.write(dir, AgentFixtures.config("http://127.0.0.1:9", "{planner: greedy}",
                "{kind: last-value}", "").replace("labels: {job: generator2}", "labels: {job: generator2}\n"
                + "    maxPods: 1"));
        AgentMetrics metrics = new AgentMetrics(cfg.serviceNames(), 40);
        AgentFixtures.RecordingSink sink = new AgentFixtures.RecordingSink();
        Agent agent = AgentBuilder.build(cfg, (s, cycle, time) -> s.name().equals("senti") ? 300 : 10, sink, metrics);
        CycleReport r = agent.runCycle(T0);
        assertThat(r.pods()[1]).isGreaterThan(1);
        assertThat(r.written()).isFalse();
        assertThat(r.outcome()).contains("senti would get " + r.pods()[1] + " pods, above its maxPods 1");
        assertThat(sink.written).isEmpty();
        assertThat(agent.lastState()).isNull();
        assertThat(metrics.scrape()).contains("drl_agent_write_failures_total{kind=\"implausible\"} 1.0");
        agent.close();
        // with the pods left to Knative the pod count is not written, so not held against maxPods
        AgentConfig leaving = AgentFixtures.write(dir, AgentFixtures.config("http://127.0.0.1:9", "{planner: greedy}",
                "{kind: last-value}", "apply: {mode: knative, minScale: none}").replace("labels: {job: generator2}",
                "labels: {job: generator2}\n    maxPods: 1"));
        try (Agent kpa = AgentBuilder.build(leaving, (s, cycle, time) -> s.name().equals("senti") ? 300 : 10, sink,
                new AgentMetrics(leaving.serviceNames(), 40))) {
            CycleReport leftToKnative = kpa.runCycle(T0);
            assertThat(leftToKnative.pods()[1]).isGreaterThan(1);
            assertThat(leftToKnative.written()).isTrue();
        }
    }

    @Test
    void aFailedWriteFailsTheCycleAndKeepsTheState() throws Exception {
        AgentConfig cfg = config("{planner: hybrid}");
        AgentMetrics metrics = new AgentMetrics(cfg.serviceNames(), 40);
        List<Map<String, String>> written = new ArrayList<>();
        int[] calls = {0};
        Agent agent = AgentBuilder.build(cfg, traceFrom(0), spec -> {
            if (calls[0]++ == 1) {
                throw new WriteFailure(WriteFailure.Kind.FORBIDDEN, "403", null);
            }
            written.add(spec);
            return "ok";
        }, metrics);
        agent.runCycle(T0);
        var before = agent.lastState();
        CycleReport failed = agent.runCycle(T0.plus(PERIOD));
        assertThat(failed.written()).isFalse();
        assertThat(failed.outcome()).contains("forbidden");
        assertThat(agent.lastState()).isSameAs(before);
        assertThat(agent.runCycle(T0.plus(PERIOD.multipliedBy(2))).written()).isTrue();
        assertThat(agent.lastState().cycles()).isEqualTo(2);
        assertThat(metrics.scrape()).contains("drl_agent_cycles_total{outcome=\"failed\"} 1.0")
                .contains("drl_agent_cycles_total{outcome=\"ok\"} 2.0")
                .contains("drl_agent_write_failures_total{kind=\"forbidden\"} 1.0");
    }

    @Test
    void aHistoryRowAheadOfTheClockFailsThatServicesReadingOnlyAndTheDecisionIsMade() throws Exception {
        AgentConfig cfg = config("{planner: greedy}");
        AgentMetrics metrics = new AgentMetrics(cfg.serviceNames(), 40);
        Agent first = AgentBuilder.build(cfg, traceFrom(0), new AgentFixtures.RecordingSink(), metrics);
        first.runCycle(T0);
        first.close();
        // a row an hour ahead (a clock that stepped back since, or a hand edit)
        Path house = dir.resolve("data/history/house.csv");
        Files.writeString(house, T0.plus(Duration.ofHours(1)) + ",14\n", java.nio.file.StandardOpenOption.APPEND);
        AgentFixtures.RecordingSink sink = new AgentFixtures.RecordingSink();
        Agent agent = AgentBuilder.build(cfg, traceFrom(1), sink, metrics);
        CycleReport r = agent.runCycle(T0.plus(PERIOD));
        assertThat(r.written()).isTrue();
        assertThat(sink.written).hasSize(1);
        assertThat(r.failures().get(0)).startsWith("out_of_order: read 50.0, but " + house + ": cycle time "
                + T0.plus(PERIOD) + " is not later than the last recorded " + T0.plus(Duration.ofHours(1)));
        assertThat(r.failures().get(1)).isNull();
        assertThat(r.predicted()[0]).isEqualTo((34 + 14) / 2.0); // the moving average of the history as it is
        assertThat(metrics.scrape()).contains("drl_agent_query_failures_total{kind=\"out_of_order\",service=\"house\"} 1.0");
        agent.close();
    }

    @Test
    void aRefusedWriteForgetsItsPendingDecisionAndAnUncertainOneKeepsItForTheNextStart() throws Exception {
        AgentConfig cfg = config("{planner: hybrid}");
        Path pending = dir.resolve("data/state/pending.json");
        WriteFailure.Kind[] next = {null};
        Agent agent = AgentBuilder.build(cfg, traceFrom(0), spec -> {
            if (next[0] != null) {
                throw new WriteFailure(next[0], "refused", null);
            }
            return "ok";
        }, new AgentMetrics(cfg.serviceNames(), 40));
        agent.runCycle(T0);
        next[0] = WriteFailure.Kind.FORBIDDEN; // 403: not written, certainly
        assertThat(agent.runCycle(T0.plus(PERIOD)).written()).isFalse();
        assertThat(pending).doesNotExist();
        next[0] = WriteFailure.Kind.GAVE_UP; // 5xx after every retry: it may have reached the server
        assertThat(agent.runCycle(T0.plus(PERIOD.multipliedBy(2))).written()).isFalse();
        assertThat(pending).exists();
        String uncertain = Files.readString(pending);
        // a cycle that fails before writing (this replica lost the Lease) leaves that pending decision alone
        agent.guard(() -> false);
        assertThat(agent.runCycle(T0.plus(PERIOD.multipliedBy(3))).outcome()).contains("not_leader");
        assertThat(Files.readString(pending)).isEqualTo(uncertain);
        agent.close();
    }

    @Test
    void aDecisionAppliedToSomeServicesOnlyIsSavedAsTheMixTheClusterHolds() throws Exception {
        AgentConfig cfg = config("{planner: greedy}");
        boolean[] partly = {false};
        List<Map<String, String>> attempted = new ArrayList<>();
        Agent agent = AgentBuilder.build(cfg, (s, cycle, time) -> cycle == 0 ? 10 : 90, spec -> {
            attempted.add(spec);
            if (partly[0]) {
                throw new WriteFailure(WriteFailure.Kind.OTHER, "senti failed", null,
                        java.util.Set.of("house", "numbr"));
            }
            return "ok";
        }, new AgentMetrics(cfg.serviceNames(), 40));
        agent.runCycle(T0);
        var before = agent.lastState();
        partly[0] = true;
        CycleReport r = agent.runCycle(T0.plus(PERIOD));
        assertThat(r.written()).isFalse();
        var after = agent.lastState();
        assertThat(after.cycles()).isEqualTo(2);
        assertThat(r.pods()[1]).isNotEqualTo(before.pods()[1]); // the load rose: senti's decision differs too
        assertThat(after.action()).containsExactly(r.action()[0], before.action()[1], r.action()[2]);
        assertThat(after.pods()).containsExactly(r.pods()[0], before.pods()[1], r.pods()[2]);
        assertThat(after.spec().get("servicehouse_podcount")).isEqualTo(attempted.get(1).get("servicehouse_podcount"));
        assertThat(after.spec().get("servicesenti_podcount")).isEqualTo(before.spec().get("servicesenti_podcount"));
        assertThat(dir.resolve("data/state/pending.json")).doesNotExist();
        assertThat(Files.readString(dir.resolve("data/state/state.json"))).contains("\"cycles\" : 2");
        agent.close();
    }

    @Test
    void aReplicaThatLostTheLeaseDuringTheCycleWritesAndSavesNothing() throws Exception {
        AgentConfig cfg = config("{planner: hybrid}");
        AgentFixtures.RecordingSink sink = new AgentFixtures.RecordingSink();
        Agent agent = AgentBuilder.build(cfg, traceFrom(0), sink, new AgentMetrics(cfg.serviceNames(), 40));
        agent.runCycle(T0);
        boolean[] leading = {false};
        agent.guard(() -> leading[0]);
        CycleReport r = agent.runCycle(T0.plus(PERIOD));
        assertThat(r.written()).isFalse();
        assertThat(r.outcome()).contains("not_leader");
        assertThat(sink.written).hasSize(1);
        assertThat(agent.lastState().cycles()).isEqualTo(1);
        assertThat(Files.readString(dir.resolve("data/state/state.json"))).contains("\"cycles\" : 1");
    }

    @Test
    void aModelTrainedForAnotherEnvironmentIsRefusedWithWhatDiffers() throws Exception {
        AgentFixtures.randomPolicy(PaperProfile.model(), "paper", 1, dir.resolve("model.zip"));
        AgentConfig cfg = config("{model: model.zip}");
        assertThatThrownBy(() -> AgentBuilder.build(cfg, traceFrom(0), new AgentFixtures.RecordingSink(),
                new AgentMetrics(cfg.serviceNames(), 40)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("model.zip")
                .hasMessageContaining("profile paper vs paper-general");
    }
}
