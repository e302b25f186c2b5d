package dev.kdrl.env.quota;

import dev.kdrl.core.space.Box;
import dev.kdrl.core.space.MultiDiscrete;
import dev.kdrl.env.trace.Trace;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The quota-limited Knative cluster: N services sharing one CPU quota. This class holds the whole
 * decision bookkeeping (fresh revision, K-HPA add or keep; pods and resources) as pure functions, used
 * by the simulator, the planners and the live agent alike, so what the agent writes is what a policy
 * was trained on. {@link Quirks#PAPER} makes it reproduce the published environment exactly.
 *
 * <p>Knative keeps each pod at {@value #TARGET_UTILISATION} of its concurrency target, so a service with
 * {@code u} concurrent users needs {@code ceil(u / concurrency / 0.7)} pods (at least {@code minPods}).
 *
 * @param services the services, in action and observation order
 * @param quota    CPU cores of the namespace's ResourceQuota, in {@link Limit#QUOTA}'s range
 * @param minPods  pods a service keeps at zero or tiny traffic (0 allows scale to zero)
 * @param quirks   the published environment's quirks, {@link Quirks#NONE} for the general model
 * @param initial  the state before the first decision
 */
public record QuotaModel(List<ServiceProfile> services, double quota, int minPods, Quirks quirks,
                         InitialState initial) {

    /** Knative's target utilisation of a pod's concurrency target. */
    public static final double TARGET_UTILISATION = 0.7;

    public QuotaModel {
        if (services == null || services.isEmpty()) {
            throw new IllegalArgumentException("a model needs at least one service");
        }
        services = List.copyOf(services);
        ServiceConfig.requirePositive("quota", quota);
        Limit.QUOTA.require("quota", quota);
        if (minPods < 0) {
            throw new IllegalArgumentException("minPods must be >= 0, got " + minPods);
        }
        Objects.requireNonNull(quirks, "quirks");
        Objects.requireNonNull(initial, "initial");
        if (initial.action().length != services.size()) {
            throw new IllegalArgumentException("initial state has " + initial.action().length + " services, model has "
                    + services.size());
        }
        for (int i = 0; i < services.size(); i++) {
            int a = initial.action()[i];
            if (a < 0 || a >= services.get(i).numActions()) {
                throw new IllegalArgumentException("initial action of service " + services.get(i).name()
                        + " must be in [0, " + services.get(i).numActions() + "), got " + a);
            }
        }
        List<String> names = new ArrayList<>();
        for (ServiceProfile s : services) {
            if (names.contains(s.name())) {
                throw new IllegalArgumentException("service names must be unique, '" + s.name() + "' appears twice");
            }
            names.add(s.name());
        }
    }

    /**
     * The general model: no quirks; every service starts on its last configuration with
     * {@code max(1, minPods)} pods.
     *
     * @throws IllegalArgumentException if no decision can keep the quota: a service's smallest configuration does not
     *                                  fit {@code max(1, minPods)} pods under it, or the services' {@code minPods}
     *                                  pods on their smallest configurations alone exceed it (every step would earn
     *                                  the over-quota reward, so nothing could be learnt or compared)
     */
    public static QuotaModel general(List<ServiceProfile> services, double quota, int minPods) {
        return general(services, quota, minPods, "QuotaModel.general");
    }

    /**
     * {@link #general(List, double, int)}, naming the model {@code name} (e.g. {@code profile 'own.yaml'}) in its
     * refusals.
     */
    public static QuotaModel general(List<ServiceProfile> services, double quota, int minPods, String name) {
        Objects.requireNonNull(services, "services");
        Objects.requireNonNull(name, "name");
        int n = services.size();
        int[] action = new int[n];
        int[] pods = new int[n];
        double[] res = new double[n];
        for (int i = 0; i < n; i++) {
            action[i] = services.get(i).numActions() - 1;
            pods[i] = Math.max(1, minPods);
            res[i] = pods[i] * services.get(i).config(action[i]).cpu();
        }
        return requireRoom(name, new QuotaModel(services, quota, minPods, Quirks.NONE,
                new InitialState(action, pods, res, null)));
    }

    /**
     * Refuses a model whose quota no decision can keep: one in which a service's smallest configuration does not fit
     * one pod ({@code max(1, minPods)} of them) under the quota, or the services' {@code minPods} pods on their
     * smallest configurations alone exceed it (every decision would be over quota, so every step would earn the
     * over-quota reward and nothing could be learnt or compared).
     */
    private static QuotaModel requireRoom(String name, QuotaModel model) {
        double least = 0;
        StringBuilder each = new StringBuilder();
        for (ServiceProfile s : model.services()) {
            double smallest = s.smallestCpu();
            int pods = Math.max(1, model.minPods());
            if (smallest * pods > model.quota()) {
                throw new IllegalArgumentException(name + ": service " + s.name() + "'s smallest "
                        + "configuration needs " + num(smallest * pods) + " cores (" + pods + " pod"
                        + (pods == 1 ? "" : "s") + " of " + num(smallest) + "), above the quota of "
                        + num(model.quota()) + " cores: expected a quota of at least that, or smaller configurations");
            }
            least += model.minPods() * smallest;
            each.append(each.length() == 0 ? "" : ", ").append(s.name()).append(' ').append(num(smallest));
        }
        if (least > model.quota()) {
            throw new IllegalArgumentException(name + ": quota " + num(model.quota()) + " cores is "
                    + "below the " + num(least) + " cores the services hold at the least (minPods " + model.minPods()
                    + " x the smallest cpu of each: " + each + "): expected a quota of at least " + num(least)
                    + ", or a lower minPods");
        }
        return model;
    }

    /** A number of cores as a person writes it: 4, 4.5, 0.3 (sums rounded to a millionth). */
    private static String num(double v) {
        return java.math.BigDecimal.valueOf(v).setScale(6, java.math.RoundingMode.HALF_UP).stripTrailingZeros()
                .toPlainString();
    }

    /** The same model with another quota. */
    public QuotaModel withQuota(double newQuota) {
        return new QuotaModel(services, newQuota, minPods, quirks, initial);
    }

    public int numServices() {
        return services.size();
    }

    public ServiceProfile service(int i) {
        return services.get(i);
    }

    public List<String> serviceNames() {
        return services.stream().map(ServiceProfile::name).toList();
    }

    /** One configuration index per service. */
    public MultiDiscrete actionSpace() {
        int[] nvec = new int[services.size()];
        for (int i = 0; i < nvec.length; i++) {
            nvec[i] = services.get(i).numActions();
        }
        return new MultiDiscrete(nvec);
    }

    /**
     * Three values per service: resource share in 0..100, latency share (up to the slowest configuration's
     * share; 0..100 when every latency is within the SLO) and traffic (unbounded above).
     */
    public Box observationSpace() {
        int n = services.size();
        double[] low = new double[3 * n];
        double[] high = new double[3 * n];
        for (int i = 0; i < n; i++) {
            ServiceProfile s = services.get(i);
            double maxLatShare = 100;
            for (ServiceConfig c : s.configs()) {
                maxLatShare = Math.max(maxLatShare, latencyShare(c.latencyMs(), s.sloMs()));
            }
            high[3 * i] = 100;
            high[3 * i + 1] = maxLatShare;
            high[3 * i + 2] = Double.POSITIVE_INFINITY;
        }
        return new Box(low, high);
    }

    // ---- the pure decision bookkeeping -------------------------------------------------------------

    /**
     * Pods service {@code i} needs on configuration {@code action} for {@code users} concurrent users.
     *
     * @throws IllegalArgumentException if {@code users} is not a load {@code >= 0} and {@code <=} {@link
     *                                  Trace#MAX_VALUE} (NaN included)
     */
    public int podsNeeded(int i, int action, double users) {
        if (!(users >= 0 && users <= Trace.MAX_VALUE)) {
            throw new IllegalArgumentException("service " + services.get(i).name() + ": load " + users
                    + " (expected concurrent users >= 0 and <= " + (long) Trace.MAX_VALUE + ")");
        }
        double conc = services.get(i).config(action).concurrency();
        // the exact floating-point order of the published code: 21 / 10 / 0.7 = 3.0000000000000004 -> 4 pods
        int pods = users > 0 ? (int) Math.ceil(users / conc / TARGET_UTILISATION) : 0;
        return Math.max(minPods, pods);
    }

    /** Cores requested by {@code pods} pods of {@code cpu} cores (truncated to an integer in the paper). */
    public double requestedCores(int pods, double cpu) {
        double cores = pods * cpu;
        return quirks.truncateRequestedCores() ? (double) (long) cores : cores;
    }

    /** Whether service {@code i} may switch between these two actions without a new revision. */
    public boolean sameConfig(int i, int prevAction, int action) {
        ServiceProfile s = services.get(i);
        return s.config(action).sameDeployment(s.config(prevAction));
    }

    /**
     * What the decision does to service {@code i}: a new configuration is a fresh revision; within one
     * configuration, more pods are added by K-HPA while the running configuration's latency is within the
     * K-HPA threshold and the step within {@code maxPodStep} (else a fresh revision), the same pods are
     * kept, and fewer pods are a fresh revision only when the scale-down check fired ({@code change}).
     */
    public ScaleKind kind(int i, int prevAction, int prevPod, int action, int pods, boolean change) {
        if (!sameConfig(i, prevAction, action)) {
            return ScaleKind.FRESH;
        }
        if (pods < prevPod) {
            return change ? ScaleKind.FRESH : ScaleKind.KEEP;
        }
        if (pods == prevPod) {
            return ScaleKind.KEEP;
        }
        ServiceProfile s = services.get(i);
        boolean fast = s.config(prevAction).latencyMs() <= s.khpaLatencyThresholdMs();
        boolean smallStep = s.maxPodStep() == 0 || pods - prevPod <= s.maxPodStep();
        return fast && smallStep ? ScaleKind.ADD : ScaleKind.FRESH;
    }

    /** Whether service {@code i} takes part in the scale-down check's partial sum. */
    public boolean inChangeSum(int i) {
        return !quirks.changeSumsFirstTwoOnly() || i < 2;
    }

    /**
     * The scale-down check: with a same-configuration scale-down pending, a fresh revision is rolled out
     * when the requested total fits the quota but the partial sum (held resources of the shrinking services,
     * requested cores of the others) does not.
     */
    public boolean changeFires(boolean anyDecrease, double requestedTotal, double partial) {
        return anyDecrease && requestedTotal <= quota && partial > quota;
    }

    /** Added cores {@code U_i} of one service's decision. */
    public double added(ScaleKind kind, int pods, int prevPod, double cpu) {
        return switch (kind) {
            case FRESH -> pods * cpu;
            case ADD -> (pods - prevPod) * cpu;
            case KEEP -> 0;
        };
    }

    /** Resources {@code R_i} held after one service's decision. */
    public double resources(ScaleKind kind, double added, double prevRes) {
        return kind == ScaleKind.FRESH ? added : prevRes + added;
    }

    /** Pod count after one service's decision. */
    public static int podsAfter(ScaleKind kind, int pods, int prevPod) {
        return kind == ScaleKind.KEEP ? prevPod : pods;
    }

    /** Resources as stored between steps (32-bit floats in the paper). */
    public double store(double resources) {
        return quirks.float32Resources() ? (double) (float) resources : resources;
    }

    /** The whole decision for {@code action} taken in {@code state}. Pure. */
    public Transition decide(QuotaState state, int[] action) {
        int n = services.size();
        if (action == null || action.length != n) {
            throw new IllegalArgumentException("action must have one entry per service (" + n + "), got "
                    + (action == null ? "null" : Arrays.toString(action)));
        }
        int[] pods = new int[n];
        boolean[] decrease = new boolean[n];
        double requestedTotal = 0;
        double partial = 0;
        boolean anyDecrease = false;
        for (int i = 0; i < n; i++) {
            int a = action[i];
            if (a < 0 || a >= services.get(i).numActions()) {
                throw new IllegalArgumentException("action[" + i + "] (service " + services.get(i).name()
                        + ") must be in [0, " + services.get(i).numActions() + "), got " + a);
            }
            pods[i] = podsNeeded(i, a, state.traffic(i));
            double req = requestedCores(pods[i], services.get(i).config(a).cpu());
            requestedTotal += req;
            decrease[i] = sameConfig(i, state.prevAction(i), a) && pods[i] < state.prevPod(i);
            anyDecrease |= decrease[i];
            if (inChangeSum(i)) {
                partial += decrease[i] ? state.prevRes(i) : req;
            }
        }
        boolean change = changeFires(anyDecrease, requestedTotal, partial);
        ScaleKind[] kinds = new ScaleKind[n];
        double[] res = new double[n];
        double[] add = new double[n];
        double total = 0;
        double prevTotal = 0;
        double addTotal = 0;
        double sub = 0;
        for (int i = 0; i < n; i++) {
            ServiceProfile s = services.get(i);
            ServiceConfig c = s.config(action[i]);
            kinds[i] = kind(i, state.prevAction(i), state.prevPod(i), action[i], pods[i], change);
            add[i] = added(kinds[i], pods[i], state.prevPod(i), c.cpu());
            res[i] = resources(kinds[i], add[i], state.prevRes(i));
            pods[i] = podsAfter(kinds[i], pods[i], state.prevPod(i));
            total += res[i];
            prevTotal += state.prevRes(i);
            addTotal += add[i];
            sub += s.sloMs() / c.latencyMs();
        }
        return new Transition(action.clone(), pods, res, add, kinds, change, total, prevTotal + addTotal, sub);
    }

    /** The published environment's time limit: its 200th decision is special (see {@link #reward}). */
    public static final int PAPER_TIME_LIMIT = 200;

    /**
     * Whether the decision taken in a state that has seen {@code stepsSoFar} decisions is the published
     * environment's special last step (half weight, no overlap check, no observation update).
     */
    public boolean isPaperFinalStep(int stepsSoFar) {
        return quirks.paperEpisode() && stepsSoFar + 1 >= PAPER_TIME_LIMIT;
    }

    /**
     * The step a live agent's state carries after {@code decisionsSoFar} decisions. A live agent has no episode end,
     * so with the published episode quirk ({@link Quirks#paperEpisode()}) it stops counting two decisions before
     * the published last one: neither its decision nor the one after is ever scored as that special step (half
     * weight, no roll-out overlap check), however long it runs. Without the quirk, the count itself (capped at
     * {@code Integer.MAX_VALUE}).
     */
    public int liveStep(long decisionsSoFar) {
        if (decisionsSoFar < 0) {
            throw new IllegalArgumentException("decisions so far must be >= 0, got " + decisionsSoFar);
        }
        long cap = quirks.paperEpisode() ? PAPER_TIME_LIMIT - 3 : Integer.MAX_VALUE;
        return (int) Math.min(cap, decisionsSoFar);
    }

    /** The reward of a transition; {@code paperFinalStep} is the published environment's 200th step. */
    public double reward(Transition t, boolean paperFinalStep) {
        return reward(t.total(), t.totalUpdate(), t.sloRatioSum(), paperFinalStep);
    }

    /**
     * {@code -100} over quota; else {@code w * (sum SLO/latency + 9 * Q / total)} with {@code w = 200} when
     * the roll-out's peak also fits the quota and 100 when it does not (or at the paper's final step).
     * In the general model a total of 0 cores (every service scaled to zero) scores as one smallest pod.
     */
    public double reward(double total, double totalUpdate, double sloRatioSum, boolean paperFinalStep) {
        if (total > quota) {
            return -100;
        }
        double base = sloRatioSum + 9 * quota / (quirks.any() ? total : Math.max(total, smallestCpu()));
        if (paperFinalStep) {
            return 100 * base;
        }
        return (totalUpdate <= quota ? 200 : 100) * base;
    }

    private double smallestCpu() {
        double min = Double.POSITIVE_INFINITY;
        for (ServiceProfile s : services) {
            min = Math.min(min, s.smallestCpu());
        }
        return min;
    }

    /** Resource share {@code floor(min(100, R / Q * 100))}. */
    public double resourceShare(double resources) {
        return Math.floor(Math.min(100, resources / quota * 100));
    }

    /** Latency share {@code floor(latency / SLO * 100)}. */
    public static double latencyShare(double latencyMs, double sloMs) {
        return Math.floor(latencyMs / sloMs * 100);
    }

    /** The observation after a decision: resource and latency shares of the new state, next traffic. */
    public double[] observation(double[] resources, int[] action, double[] traffic) {
        int n = services.size();
        double[] obs = new double[3 * n];
        for (int i = 0; i < n; i++) {
            ServiceProfile s = services.get(i);
            obs[3 * i] = resourceShare(resources[i]);
            obs[3 * i + 1] = latencyShare(s.config(action[i]).latencyMs(), s.sloMs());
            obs[3 * i + 2] = traffic[i];
        }
        return obs;
    }

    /**
     * The state before the first decision. Its traffic is {@code firstTraffic}, unless the initial state
     * fixes the first observation (the paper), whose traffic slots then win.
     */
    public QuotaState initialState(double[] firstTraffic) {
        double[] obs = initial.observation();
        double[] traffic;
        if (obs != null) {
            traffic = new double[services.size()];
            for (int i = 0; i < traffic.length; i++) {
                traffic[i] = obs[3 * i + 2];
            }
        } else {
            traffic = firstTraffic.clone();
            obs = observation(initial.resources(), initial.action(), traffic);
        }
        return new QuotaState(0, initial.action(), initial.pods(), initial.resources(), traffic, obs);
    }

    /**
     * The state after {@code t} was taken in {@code state}, with {@code nextTraffic} for the decision after.
     * Resources are stored as {@link #store} says.
     */
    public QuotaState next(QuotaState state, Transition t, double[] nextTraffic) {
        return resume(state.step() + 1, t.action(), t.pods(), t.resources(), nextTraffic);
    }

    /**
     * The state after a decision that left {@code action}, {@code pods} and {@code resources} (as the decision
     * computed them, before {@link #store}), with {@code traffic} for the decision after. The live agent
     * rebuilds its state this way every cycle, with the predicted load as traffic, so it sees exactly what
     * the simulator's {@link #next} would show.
     */
    public QuotaState resume(int step, int[] action, int[] pods, double[] resources, double[] traffic) {
        double[] stored = new double[resources.length];
        for (int i = 0; i < stored.length; i++) {
            stored[i] = store(resources[i]);
        }
        return new QuotaState(step, action, pods, stored, traffic, observation(resources, action, traffic));
    }
}
