package dev.kdrl.env.cluster;

import dev.kdrl.core.env.Env;
import dev.kdrl.core.env.StepResult;
import dev.kdrl.core.predict.TrafficPredictor;
import dev.kdrl.core.space.Box;
import dev.kdrl.core.space.MultiDiscrete;
import dev.kdrl.env.quota.Observation;
import dev.kdrl.env.quota.QuotaModel;
import dev.kdrl.env.quota.QuotaState;
import dev.kdrl.env.quota.ServiceConfig;
import dev.kdrl.env.quota.ServiceProfile;
import dev.kdrl.env.trace.Trace;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * The cluster-faithful dynamics ({@link ClusterSim}) behind the same contract as the paper model's
 * {@link dev.kdrl.env.quota.QuotaEnv}: action {@code int[N]} (configuration index per service), observation as
 * {@link Observation} builds it from a {@link QuotaState}, one step per decision period and trace row.
 *
 * <p>Step {@code k} (0-based): the policy has seen the <i>predicted</i> load of period {@code k} ({@link
 * Options#predictor()} over rows {@code 0..k-1} of the trace; period 0's load is taken as known; no predictor = the
 * actual load, as the paper model shows). The decision becomes, per service, a Knative Service template: the
 * configuration's CPU limit and concurrency target, and in {@link MinScale#DECISION} {@code min-scale = initial-scale
 * = podsNeeded(predicted load)} ({@link QuotaModel#podsNeeded}; the live agent's {@code apply.minScale: decision}), in
 * {@link MinScale#PAPER} the paper model's pod count for the decision (as the live agent's default and the Go operator
 * write it), in {@link MinScale#NONE} none; any change of the template is a new revision. The simulator then plays
 * the <i>actual</i> load of row {@code k} for one period ({@link ClusterParams#periodSeconds()}), and the next
 * observation shows the cores each service holds at the
 * period's end, the chosen configurations' profiled latency shares (so a policy trained on the paper model reads it as
 * it was trained) and the predicted load of period {@code k+1}; in {@link MinScale#PAPER} it shows, as the live agent
 * in that setting does, the paper model's own bookkeeping of the decisions (its pods and held cores), not the
 * cluster's. The reward is {@link Options#reward()}.
 *
 * <p>{@code info} holds the period's {@link ServicePeriod}s ({@link #PERIODS}) and the peak quota use ({@link #PEAK}).
 * The episode has one step per trace row and is truncated after the last. The decision state counts its steps as the
 * live agent does ({@link QuotaModel#liveStep}): with the paper profile the count stops at the published episode's
 * 197th decision, so no decision is ever taken or observed as that episode's special last one. Nothing is random: the
 * seed is unused.
 */
public final class ClusterEnv implements Env<double[], int[]> {
    /** Key of the period's {@code ServicePeriod[]} in {@link StepResult#info()}. */
    public static final String PERIODS = "periods";
    /** Key of the period's peak quota use (cores, a {@code Double}) in {@link StepResult#info()}. */
    public static final String PEAK = "peakCores";

    /** How a decision sets min-scale (named as the live agent's {@code apply.minScale} values). */
    public enum MinScale {
        /** {@code min-scale = initial-scale = pods} the decision needs for the predicted load. */
        DECISION,
        /** Knative's default: no min-scale, initial-scale 1, the KPA alone; only a configuration change rolls out. */
        NONE,
        /**
         * {@code min-scale = initial-scale} = the paper model's pod count for the decision ({@link QuotaModel#decide}
         * on the paper model's bookkeeping of the decisions so far, which keeps a service's pods while its scale-down
         * check has not fired), as the published operator and the live agent by default write it; the observation
         * shows that bookkeeping, as the live agent in that setting sees it.
         */
        PAPER
    }

    /**
     * How the environment runs.
     *
     * @param observation what the policy sees
     * @param reward      the reward
     * @param predictor   the load forecast the policy sees; {@code null} = the actual load
     * @param minScale    how a decision sets min-scale
     */
    public record Options(Observation observation, ClusterReward reward, TrafficPredictor predictor,
                          MinScale minScale) {
        public Options {
            Objects.requireNonNull(observation, "observation");
            Objects.requireNonNull(reward, "reward");
            Objects.requireNonNull(minScale, "minScale");
        }

        /** Paper observation, paper-shaped reward, actual load, min-scale from the decision. */
        public static Options defaults() {
            return new Options(Observation.PAPER, ClusterReward.PAPER, null, MinScale.DECISION);
        }

        public Options withPredictor(TrafficPredictor p) {
            return new Options(observation, reward, p, minScale);
        }

        public Options withReward(ClusterReward r) {
            return new Options(observation, r, predictor, minScale);
        }

        public Options withMinScale(MinScale m) {
            return new Options(observation, reward, predictor, m);
        }

        public Options withObservation(Observation o) {
            return new Options(o, reward, predictor, minScale);
        }
    }

    private final QuotaModel model;
    private final ClusterParams params;
    private final Trace trace;
    private final Options options;
    private final MultiDiscrete actionSpace;
    private final Box observationSpace;
    private final ClusterSim sim;
    private final double[] sloMs;
    private final double minCores;
    private final double[][] columns;
    private int step = -1;
    private double[] predicted;
    private QuotaState state;

    /**
     * @param model   services, quota, minimum pods and the initial configuration
     * @param params  the dynamics' parameters
     * @param trace   load per period (concurrent users); columns matched to the services by name
     * @param options observation, reward, predictor, min-scale
     */
    public ClusterEnv(QuotaModel model, ClusterParams params, Trace trace, Options options) {
        this.model = Objects.requireNonNull(model, "model");
        this.params = Objects.requireNonNull(params, "params");
        this.trace = Objects.requireNonNull(trace, "trace").select(model.serviceNames());
        this.options = Objects.requireNonNull(options, "options");
        this.actionSpace = model.actionSpace();
        this.observationSpace = options.observation().space(model);
        this.sim = new ClusterSim(model, params);
        int n = model.numServices();
        this.sloMs = new double[n];
        double min = Double.POSITIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            ServiceProfile s = model.service(i);
            sloMs[i] = s.sloMs();
            for (ServiceConfig c : s.configs()) {
                min = Math.min(min, c.cpu());
            }
        }
        this.minCores = min;
        this.columns = new double[n][];
        for (int i = 0; i < n; i++) {
            columns[i] = this.trace.column(model.service(i).name());
        }
    }

    public QuotaModel model() {
        return model;
    }

    public ClusterParams params() {
        return params;
    }

    public Options options() {
        return options;
    }

    /** The trace, columns in the model's service order. */
    public Trace trace() {
        return trace;
    }

    /** Steps per episode: one per trace row. */
    public int episodeLength() {
        return trace.length();
    }

    /** The simulator (for reports and tests; do not step it). */
    public ClusterSim sim() {
        return sim;
    }

    @Override
    public Box observationSpace() {
        return observationSpace;
    }

    @Override
    public MultiDiscrete actionSpace() {
        return actionSpace;
    }

    /** The seed is unused: the dynamics draw no random number. */
    @Override
    public double[] reset(long seed) {
        sim.start(model.initial().action(), model.initial().pods(), options.minScale() != MinScale.NONE);
        step = 0;
        predicted = prediction(0);
        int n = model.numServices();
        double[] res = new double[n];
        for (int i = 0; i < n; i++) {
            res[i] = sim.chargedBy(i);
        }
        if (options.minScale() == MinScale.PAPER) {
            res = model.initial().resources(); // the bookkeeping the live agent starts from
        }
        state = model.resume(0, model.initial().action(), model.initial().pods(), res, predicted);
        return options.observation().of(model, state);
    }

    /** The load the policy is shown for period {@code k}. */
    private double[] prediction(int k) {
        int n = model.numServices();
        double[] p = new double[n];
        for (int i = 0; i < n; i++) {
            if (options.predictor() == null || k == 0) {
                p[i] = columns[i][k];
            } else {
                p[i] = Math.max(0, options.predictor().predict(Arrays.copyOf(columns[i], k)));
            }
        }
        return p;
    }

    /** The load the decision of the current step is shown (a copy); {@code null} before the first reset. */
    public double[] predictedLoad() {
        return predicted == null ? null : predicted.clone();
    }

    /** The min-scale of service {@code i}'s newest revision: what the last decision set (0 with {@code NONE}). */
    public int latestMinScale(int i) {
        return sim.latestMinScale(i);
    }

    /** The decision state of the current step (what the observation is built from); {@code null} before reset. */
    public QuotaState state() {
        return state;
    }

    @Override
    public StepResult<double[]> step(int[] action) {
        if (step < 0) {
            throw new IllegalStateException("step called before reset");
        }
        if (step >= episodeLength()) {
            throw new IllegalStateException("the episode ended after " + episodeLength() + " steps; call reset");
        }
        if (!actionSpace.contains(action)) {
            throw new IllegalArgumentException("action " + Arrays.toString(action) + " is not in " + actionSpace);
        }
        int n = model.numServices();
        sim.clearPeriod();
        dev.kdrl.env.quota.Transition paper = options.minScale() == MinScale.PAPER ? model.decide(state, action) : null;
        for (int i = 0; i < n; i++) {
            if (options.minScale() == MinScale.NONE) {
                sim.apply(i, action[i], 0, 1);
            } else {
                int pods = paper != null ? paper.pods()[i] : model.podsNeeded(i, action[i], predicted[i]);
                sim.apply(i, action[i], pods, Math.max(1, pods));
            }
        }
        double[] start = trace.row(step);
        double[] end = trace.row(Math.min(step + 1, trace.length() - 1));
        ServicePeriod[] periods = sim.runPeriod(start, end);
        double reward = options.reward().of(periods, sloMs, idleP95Ms(), model.quota(), minCores);
        step++;
        boolean over = step >= episodeLength();
        predicted = prediction(Math.min(step, trace.length() - 1));
        int[] pods = new int[n];
        double[] res = new double[n];
        for (int i = 0; i < n; i++) {
            pods[i] = sim.latestActivePods(i);
            res[i] = periods[i].chargedCoresEnd();
        }
        // counted as the live agent counts its decisions: a cluster has no episode end, so the paper profile's
        // special last step (half weight, no observation update) is never reached, however long the trace
        int live = model.liveStep(step);
        state = paper != null ? model.resume(live, action, paper.pods(), paper.resources(), predicted)
                : model.resume(live, action, pods, res, predicted);
        return new StepResult<>(options.observation().of(model, state), reward, false, over,
                Map.of(PERIODS, periods, PEAK, sim.peakCharged()));
    }

    private double[] idleP95Ms() {
        int n = model.numServices();
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            ServiceConfig c = model.service(i).config(sim.latestAction(i));
            out[i] = QueueModel.of(c.latencyMs(), c.concurrency(), params.targetUtilisation(),
                    params.service(model.service(i).name())).p95(1) * 1000;
        }
        return out;
    }
}
