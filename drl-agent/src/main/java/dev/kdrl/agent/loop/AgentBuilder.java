package dev.kdrl.agent.loop;

import dev.kdrl.agent.config.AgentConfig;
import dev.kdrl.agent.config.ConfigException;
import dev.kdrl.agent.k8s.ActionSink;
import dev.kdrl.agent.ops.AgentMetrics;
import dev.kdrl.agent.store.AgentState;
import dev.kdrl.agent.store.HistoryFile;
import dev.kdrl.agent.store.StateStore;
import dev.kdrl.core.policy.Policy;
import dev.kdrl.core.policy.PolicyFile;
import dev.kdrl.core.policy.SavedPolicy;
import dev.kdrl.core.policy.TrainedLoads;
import dev.kdrl.core.predict.Predictors;
import dev.kdrl.core.predict.TrafficPredictor;
import dev.kdrl.core.rng.Rng;
import dev.kdrl.env.baseline.EmpiricalTraffic;
import dev.kdrl.env.baseline.Planners;
import dev.kdrl.env.baseline.TrafficDistribution;
import dev.kdrl.env.quota.Observation;
import dev.kdrl.env.quota.QuotaModel;
import dev.kdrl.env.quota.QuotaState;
import dev.kdrl.env.value.SavedPolicies;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds an {@link Agent} from its configuration: the model, one history and predictor per service, the
 * policy (a saved model checked against the configured services and profile, or a planner) and the state
 * restored from the state directory. Everything that can be wrong is found here, before the first cycle.
 */
public final class AgentBuilder {
    private static final Logger LOG = LoggerFactory.getLogger(AgentBuilder.class);

    private AgentBuilder() {
    }

    /**
     * @throws ConfigException          for a configuration that does not fit its model files
     * @throws IllegalArgumentException for a model trained for another environment (saying what differs)
     * @throws IllegalStateException    for an unreadable state file
     */
    public static Agent build(AgentConfig config, LoadSource source, ActionSink sink, AgentMetrics metrics) {
        return build(config, source, sink, metrics, true);
    }

    /**
     * Checks everything {@link #build} would, without opening the history files (a standby replica must not
     * touch what the leader is writing).
     */
    public static void validate(AgentConfig config) {
        QuotaModel model = config.model();
        for (String name : model.serviceNames()) {
            predictor(config, name);
        }
        StateStore store = new StateStore(config.stateDir());
        store.requireWritable(); // a probe file of its own name: nothing the leader writes is touched
        store.load(model.serviceNames(), numActions(model));
        policy(config, model, () -> null, TrafficDistribution.none(), false); // said when the agent is built
    }

    /**
     * @param persist write history and state (false for a dry run: existing history is read, nothing written)
     */
    public static Agent build(AgentConfig config, LoadSource source, ActionSink sink, AgentMetrics metrics,
                              boolean persist) {
        QuotaModel model = config.model();
        List<AgentConfig.Service> services = config.servicesInOrderOf(model);
        List<TrafficPredictor> predictors = new ArrayList<>();
        for (AgentConfig.Service s : services) {
            predictors.add(predictor(config, s.name()));
        }
        StateStore store = new StateStore(config.stateDir());
        if (persist) {
            store.requireWritable();
            for (Path leftover : store.removeLeftovers()) {
                LOG.info("removed {}: a temporary file left by a process that stopped while saving", leftover);
            }
        }
        AgentState restored = store.load(model.serviceNames(), numActions(model));
        AgentState pending = persist ? store.loadPending(model.serviceNames(), numActions(model)) : null;
        if (pending != null) {
            // the agent stopped after saving a decision as pending: if the cluster holds it, it was written
            Map<String, String> live;
            try {
                live = sink.current();
            } catch (RuntimeException e) {
                // cannot tell now: keep it pending (the next written decision replaces it) and start from the state
                LOG.warn("cannot read the resource to settle the pending decision of {}: {}", pending.time(),
                        e.toString());
                live = null;
                pending = null;
            }
            if (pending == null) {
                LOG.debug("pending decision left for later");
            } else if (sink.holds(pending.spec(), live)) {
                LOG.warn("the last decision ({}) was written but its state not saved: adopting it from {}",
                        pending.time(), store.file().resolveSibling("pending.json"));
                store.save(pending);
                restored = pending;
            } else {
                LOG.info("the decision of {} was not written (the cluster holds another spec): dropped",
                        pending.time());
                store.clearPending();
            }
        }
        if (restored != null) {
            LOG.info("restored state from {}: {} decisions so far, last at {}", store.file(), restored.cycles(),
                    restored.time());
        }
        AtomicReference<Agent> agent = new AtomicReference<>();
        Chosen chosen = policy(config, model, () -> agent.get().currentState(),
                historyTraffic(model, () -> agent.get().recentTraffic(TRAFFIC_HISTORY_ROWS)));
        List<HistoryFile> histories = new ArrayList<>();
        try {
            for (AgentConfig.Service s : services) {
                Path file = config.historyDir().resolve(s.name() + ".csv");
                HistoryFile h = persist ? HistoryFile.open(file) : HistoryFile.readOnly(file);
                h.problems().forEach(LOG::warn);
                LOG.info("history of {}: {} values in {}", s.name(), h.values().length, h.file());
                histories.add(h);
            }
        } catch (RuntimeException e) {
            for (HistoryFile h : histories) {
                try {
                    h.close();
                } catch (IOException ignored) {
                    // already failing
                }
            }
            throw e;
        }
        agent.set(new Agent(model, chosen.observation(), services, histories, predictors, chosen.policy(), source, sink,
                store, metrics, restored, persist).deadline(config.schedule().deadline()).trainedLoads(chosen.trained())
                .minScale(config.apply().minScale()).trainedPodOverhead(chosen.podOverhead()));
        return agent.get();
    }

    /** The number of configurations of each service, in model order. */
    static int[] numActions(QuotaModel model) {
        int[] n = new int[model.numServices()];
        for (int i = 0; i < n.length; i++) {
            n[i] = model.service(i).numActions();
        }
        return n;
    }

    static TrafficPredictor predictor(AgentConfig config, String service) {
        AgentConfig.PredictorSpec p = config.predictor();
        Predictors.Settings settings = Predictors.Settings.defaults().withWindow(p.window()).withHolt(p.alpha(), p.beta());
        Path file = null;
        if (Predictors.entry(p.kind()).needsModel()) {
            file = p.modelFor(config.source().toAbsolutePath().getParent(), service);
            settings = settings.withModel(file, p.maxLoad());
        }
        try {
            return Predictors.create(p.kind(), settings);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(config.source().toString(), file != null ? "predictor.model" : "predictor.kind",
                    file != null ? file : p.kind(), e.getMessage());
        }
    }

    /**
     * The configured policy and what it reads of the state; {@code trained}: the loads it was trained on, {@code
     * podOverhead}: what its training charged a pod beyond its container's CPU limit ({@link #podOverhead}); either
     * {@code null} when not known.
     */
    record Chosen(Policy<double[], int[]> policy, Observation observation, TrainedLoads trained,
                  Agent.TrainedOverhead podOverhead) {
        Chosen(Policy<double[], int[]> policy, Observation observation) {
            this(policy, observation, null, null);
        }
    }

    /**
     * A saved model's {@link Chosen}: with {@code say}, what its training recorded to compare the live values with
     * (its loads, its pods' overhead), said as it is read; without, neither.
     */
    private static Chosen chosen(Policy<double[], int[]> policy, Observation observation, SavedPolicy saved,
                                 QuotaModel model, Path file, boolean say) {
        return say ? new Chosen(policy, observation, trained(saved, file), podOverhead(saved, model, file))
                : new Chosen(policy, observation);
    }

    /**
     * What a model trained in the cluster-faithful dynamics was charged per pod beyond the decided CPU limit: each
     * service's {@code queueProxyCpu} in its recorded {@code hyper.cluster_params}; {@code null} for any other policy
     * or a model that did not record it.
     */
    static Agent.TrainedOverhead podOverhead(SavedPolicy saved, QuotaModel model, Path file) {
        String recorded = saved.hyperParameters().get(dev.kdrl.env.cluster.ClusterParams.HYPER_KEY);
        if (!"cluster".equals(saved.hyperParameters().get("dynamics")) || recorded == null) {
            return null;
        }
        java.util.Map<String, String> params = dev.kdrl.env.cluster.ClusterParams.decode(recorded);
        double[] cores = new double[model.numServices()];
        for (int i = 0; i < cores.length; i++) {
            String key = model.service(i).name() + ".queueProxyCpu";
            try {
                cores[i] = Double.parseDouble(params.get(key));
            } catch (NullPointerException | NumberFormatException e) {
                // what only feeds a warning does not stop the agent
                LOG.info("{}: hyper.cluster_params holds no number for {} ({}): what the cluster charges a pod beyond "
                        + "its container's CPU limit is not compared with its training", file, key, params.get(key));
                return null;
            }
        }
        return new Agent.TrainedOverhead(file.toString(), cores);
    }

    /**
     * The configured policy: a planner (reading the published observation, unused), or the trained model of {@code
     * policy.model} loaded once and checked against {@code model} ({@link SavedPolicies}).
     *
     * @param state   the state the agent decides in
     * @param traffic what {@code expected-2} (and a trained model looking two steps ahead) assumes of the next
     *                period's load
     */
    static Chosen policy(AgentConfig config, QuotaModel model, Supplier<QuotaState> state,
                         TrafficDistribution traffic) {
        return policy(config, model, state, traffic, true);
    }

    /** {@link #policy(AgentConfig, QuotaModel, Supplier, TrafficDistribution)}; {@code say}: log what it warns of. */
    private static Chosen policy(AgentConfig config, QuotaModel model, Supplier<QuotaState> state,
                                 TrafficDistribution traffic, boolean say) {
        AgentConfig.PolicySpec spec = config.policy();
        if (spec.planner() != null) {
            if (say && config.apply().minScale() != AgentConfig.Apply.MinScale.PAPER) {
                LOG.warn("planner {} plans with the paper model's pod counts; the agent applies apply.minScale {}: {}",
                        spec.planner(), config.apply().minScale().label(),
                        describe(config.apply().minScale().label()));
            }
            return new Chosen(Planners.create(spec.planner(), Planners.Context.live(model, state, traffic, spec.seed(),
                    spec.confidence())),
                    Observation.PAPER);
        }
        SavedPolicy saved = PolicyFile.load(spec.model());
        String profile = config.profile();
        if (say) {
            warnIfAppliedOtherwiseThanTrained(saved, spec.model(), config.apply());
        }
        String trainedForecast = saved.hyperParameters().get("predictor");
        if (say && "cluster".equals(saved.hyperParameters().get("dynamics")) && trainedForecast != null
                && !trainedForecast.equals(config.predictor().kind())) {
            if (AgentConfig.PredictorSpec.KINDS.contains(trainedForecast)) {
                LOG.warn("{}: trained seeing the {} forecast of each period's load; the agent forecasts with {}: "
                        + "set predictor.kind: {}", spec.model(), trainedForecast, config.predictor().kind(),
                        trainedForecast);
            } else {
                LOG.warn("{}: trained seeing each period's load as '{}', which the agent cannot forecast so (it "
                        + "forecasts with {}); retrain with drl train --predictor {}", spec.model(), trainedForecast,
                        config.predictor().kind(), String.join("|", AgentConfig.PredictorSpec.KINDS));
            }
        }
        if (SavedPolicies.searches(saved) && !spec.deterministic()) {
            // a search on the model scored with the learned value: deterministic by construction
            throw new ConfigException(config.source().toString(), "policy.deterministic", false,
                    spec.model() + ": the " + saved.algorithm() + " policy acts by a search on the model, which has "
                            + "no stochastic mode; set policy.deterministic to true");
        }
        Observation observation;
        Policy<double[], int[]> deterministic;
        try {
            observation = SavedPolicies.observation(saved);
            // an afterstate model saved to look two steps ahead assumes of the next period what expected-2 does
            deterministic = SavedPolicies.acting(saved, model, profile, state,
                    new SavedPolicies.Future(traffic, Integer.MAX_VALUE, spec.seed()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(spec.model() + ": " + e.getMessage(), e);
        }
        if (spec.deterministic()) {
            boolean draws = deterministic instanceof dev.kdrl.env.value.AfterstatePolicy a && a.lookahead() != null;
            if (spec.seed() != 0 && !draws) {
                // a setting the policy does not read is a mistake, not a no-op
                throw new ConfigException(config.source().toString(), "policy.seed", spec.seed(), spec.model()
                        + ": the " + saved.algorithm() + " policy decides without random draws (only a model with "
                        + "deterministic: false, or an afterstate model saved to look two steps ahead, reads the seed); "
                        + "leave policy.seed out");
            }
            return chosen(deterministic, observation, saved, model, spec.model(), say);
        }
        try {
            return chosen(saved.stochasticPolicy(Rng.of(spec.seed())), observation, saved, model, spec.model(), say);
        } catch (IllegalStateException e) {
            // a joint-q (DQN) model acts greedily only
            throw new ConfigException(config.source().toString(), "policy.deterministic", false,
                    spec.model() + ": " + e.getMessage() + "; set policy.deterministic to true");
        }
    }

    /**
     * Warns when {@code saved}'s decisions are applied otherwise than it was trained: its min-scale (the paper
     * model's pod counts for a model trained in the paper model; {@code hyper.min_scale} for one trained in the
     * cluster-faithful dynamics, {@code drl train --dynamics cluster --min-scale decision|none}) is not
     * {@code apply.minScale}, or it was trained in the cluster-faithful dynamics and the agent, not in mode knative,
     * cannot observe what the cluster holds as it did there.
     */
    static void warnIfAppliedOtherwiseThanTrained(SavedPolicy saved, Path file, AgentConfig.Apply apply) {
        java.util.Map<String, String> h = saved.hyperParameters();
        boolean cluster = "cluster".equals(h.get("dynamics"));
        String trained = cluster ? h.getOrDefault("min_scale", "decision") : AgentConfig.Apply.MinScale.PAPER.label();
        AgentConfig.Apply.MinScale applied = apply.minScale();
        if (!trained.equals(applied.label())) {
            LOG.warn("{}: trained with min-scale {}: {} ({}); the agent applies apply.minScale {}: {}, so its "
                    + "decisions here are not the ones it was evaluated on: set apply.minScale: {}{}", file, trained,
                    describe(trained), cluster ? "drl train --dynamics cluster --min-scale " + trained
                            : "the paper model", applied.label(), describe(applied.label()), trained,
                    cluster && apply.mode() != AgentConfig.Apply.Mode.KNATIVE ? " with apply.mode knative"
                            + (apply.mode() == AgentConfig.Apply.Mode.CR && "none".equals(trained) ? " (in mode cr "
                            + "the operator makes the podcount min-scale; a reconciler with apply.minScale none "
                            + "ignores it, but the agent still observes the paper model's counts)" : "") : "");
        } else if (cluster && !"paper".equals(trained) && apply.mode() != AgentConfig.Apply.Mode.KNATIVE) {
            LOG.warn("{}: trained in the cluster-faithful dynamics, observing what the cluster holds after each "
                    + "period; in mode {} the agent observes the paper model's pod counts instead (only mode knative "
                    + "reads the cluster)", file, apply.mode().label());
        }
    }

    /** What the agent writes as min-scale for an {@code apply.minScale} value (or a training's). */
    private static String describe(String minScale) {
        return switch (minScale) {
            case "paper" -> "the paper model's pod counts";
            case "decision" -> "the pods the predicted load needs";
            case "none" -> "no min-scale, the pods left to Knative's autoscaler";
            default -> "'" + minScale + "'";
        };
    }

    /** The loads {@code saved} was trained on, logged; {@code null} when it recorded none. */
    private static TrainedLoads trained(SavedPolicy saved, Path file) {
        // what only feeds a warning does not stop the agent
        TrainedLoads t = TrainedLoads.of(saved, unreadable -> LOG.warn("{}: {}; predicted loads are not compared with "
                + "its training loads", file, unreadable)).orElse(null);
        if (t != null) {
            LOG.info("{} was trained on loads {}; a predicted load well outside them is warned of", file, t.encode());
        }
        return t;
    }

    /**
     * Periods of recorded load {@code expected-2} learns from, whatever the period: the last day at the default 120 s
     * (12 hours at 60 s).
     */
    static final int TRAFFIC_HISTORY_ROWS = 720;

    /**
     * The next period's load as {@code expected-2} assumes it: an AR(1) fit ({@link EmpiricalTraffic}) of the
     * recorded load, refitted at every decision on the history as it stands ({@code rows}: one row per cycle
     * whose load every service recorded, oldest first), which also gives a traffic-aware value its statistics.
     * Without two such rows it has no sample and the planner decides as greedy does.
     */
    static TrafficDistribution historyTraffic(QuotaModel model, Supplier<double[][]> rows) {
        return TrafficDistribution.refitted(() -> EmpiricalTraffic.fit(rows.get(), model.numServices(),
                EmpiricalTraffic.Kind.AR1, "the agent's history"));
    }
}
