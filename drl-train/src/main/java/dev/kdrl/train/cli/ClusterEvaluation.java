package dev.kdrl.train.cli;

import dev.kdrl.core.policy.Policy;
import dev.kdrl.core.predict.Predictors;
import dev.kdrl.core.predict.TrafficPredictor;
import dev.kdrl.env.baseline.GreedyPolicy;
import dev.kdrl.env.cluster.ClusterEnv;
import dev.kdrl.env.cluster.ClusterMetrics;
import dev.kdrl.env.cluster.ClusterParams;
import dev.kdrl.env.cluster.ClusterReward;
import dev.kdrl.env.cluster.KnativeDefault;
import dev.kdrl.env.quota.Observation;
import dev.kdrl.env.quota.QuotaModel;
import dev.kdrl.env.quota.QuotaState;
import dev.kdrl.env.trace.Trace;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * {@code drl evaluate --dynamics cluster}: a policy, the greedy planner and Knative's default (first row, best fixed)
 * played in the cluster-faithful model ({@link ClusterEnv}), the policies seeing the predicted load.
 */
final class ClusterEvaluation {
    /** The {@code --predictor} value for the actual load (no forecast). */
    static final String ACTUAL = "actual";

    private ClusterEvaluation() {
    }

    /** The predictor named {@code name}: {@value #ACTUAL} gives {@code null} (the actual load). */
    static TrafficPredictor predictor(String name, Path modelFile, double maxLoad) {
        if (!ACTUAL.equals(name) && !Predictors.names().contains(name)) {
            throw new IllegalArgumentException("--predictor '" + name + "' is not one of " + ACTUAL + ", "
                    + String.join(", ", Predictors.names()));
        }
        if (modelFile != null && !"bilstm".equals(name)) {
            throw new IllegalArgumentException("--predictor-model " + modelFile + ": only --predictor bilstm reads a "
                    + "model file, not " + name);
        }
        if (ACTUAL.equals(name)) {
            return null;
        }
        if (modelFile == null && "bilstm".equals(name)) {
            throw new IllegalArgumentException("--predictor bilstm needs --predictor-model FILE.zip (drl predictor "
                    + "train)");
        }
        Predictors.Settings s = Predictors.Settings.defaults();
        if (modelFile != null) {
            s = s.withModel(modelFile, maxLoad);
        }
        try {
            return Predictors.create(name, s);
        } catch (IllegalArgumentException e) {
            if (modelFile == null) {
                throw e;
            }
            // the file's own errors name it already: the option goes before its name, not before it again
            String m = e.getMessage();
            throw new IllegalArgumentException("--predictor-model " + (m.startsWith(modelFile.toString()) ? m
                    : modelFile + ": " + m), e);
        }
    }

    /**
     * Plays, per trace, {@code policy} (if not null; built on the env's state), greedy and Knative's default, and
     * returns one metrics row per policy.
     */
    static List<ClusterMetrics> evaluate(QuotaModel model, ClusterParams params, Trace trace, Observation observation,
                                         ClusterReward reward, TrafficPredictor predictor,
                                         BiFunction<QuotaModel, Supplier<QuotaState>, Policy<double[], int[]>> policy,
                                         boolean bestFixed, ClusterEnv.MinScale minScale) {
        ClusterEnv.Options options = new ClusterEnv.Options(observation, reward, predictor, minScale);
        List<ClusterMetrics> rows = new ArrayList<>();
        if (policy != null) {
            ClusterEnv env = new ClusterEnv(model, params, trace, options);
            rows.add(ClusterMetrics.run(env, policy.apply(model, env::state), 0L));
        }
        ClusterEnv greedyEnv = new ClusterEnv(model, params, trace, options.withObservation(Observation.PAPER));
        rows.add(ClusterMetrics.run(greedyEnv, new GreedyPolicy(model, greedyEnv::state), 0L));
        ClusterEnv knative = new ClusterEnv(model, params, trace,
                KnativeDefault.options(options.withObservation(Observation.PAPER)));
        rows.add(ClusterMetrics.run(knative, KnativeDefault.firstRow(model), 0L));
        if (bestFixed) {
            rows.add(ClusterMetrics.run(knative, KnativeDefault.bestFixed(knative), 0L));
        }
        return rows;
    }

    /** The labels of {@code --reward}, the rewards of the cluster model ({@link ClusterReward#label()}). */
    static final List<String> REWARDS = java.util.Arrays.stream(ClusterReward.values()).map(ClusterReward::label)
            .toList();

    /** The {@code --reward} value {@code name}: one of {@link #REWARDS}. */
    static ClusterReward reward(String name) {
        try {
            return ClusterReward.parse(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--reward '" + name + "' is not one of " + String.join(", ", REWARDS),
                    e);
        }
    }

    /**
     * {@code params} with the {@code --tick} {@code seconds}; a tick the cluster model cannot step by is refused
     * naming the option, the value and what was expected (and the profile's parameter the tick does not fit).
     */
    static ClusterParams withTick(ClusterParams params, double seconds) {
        if (!(seconds > 0 && seconds <= 2)) {
            throw new IllegalArgumentException("--tick " + seconds + ": expected a number > 0 and <= 2 (the KPA "
                    + "decides every 2 s)");
        }
        try {
            return params.withTickSeconds(seconds);
        } catch (ClusterParams.InvalidParameterException e) {
            if ("tickSeconds".equals(e.field())) {
                throw new IllegalArgumentException("--tick " + seconds + ": expected " + e.expected(), e);
            }
            throw new IllegalArgumentException("--tick " + seconds + ": the profile's cluster." + e.field() + " "
                    + EnvOptions.plain(e.value()) + " must be " + e.expected(), e);
        }
    }

    /**
     * The {@code --min-scale} values: {@link ClusterEnv.MinScale}'s in lower case (as a model records them), named
     * as the live agent's {@code apply.minScale}.
     */
    static final List<String> MIN_SCALES = java.util.Arrays.stream(ClusterEnv.MinScale.values())
            .map(m -> m.name().toLowerCase(java.util.Locale.ROOT)).toList();

    /** The {@code --min-scale} value {@code name}: decision, none or paper. */
    static ClusterEnv.MinScale minScale(String name) {
        int i = MIN_SCALES.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("--min-scale '" + name + "' is not one of "
                    + String.join(", ", MIN_SCALES));
        }
        return ClusterEnv.MinScale.values()[i];
    }

    /** The table of {@link #evaluate}'s rows. */
    static String table(List<ClusterMetrics> rows, List<String> names) {
        StringBuilder b = new StringBuilder(ClusterMetrics.header(names)).append('\n');
        for (ClusterMetrics m : rows) {
            b.append(m.row()).append('\n');
        }
        return b.toString();
    }
}
