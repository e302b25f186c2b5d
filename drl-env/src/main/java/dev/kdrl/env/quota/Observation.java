package dev.kdrl.env.quota;

import dev.kdrl.core.space.Box;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * What a policy sees of a {@link QuotaState}: the one function the simulator ({@link QuotaEnv}) and the live agent
 * both call, so an observation in the cluster is built exactly as in training.
 *
 * <ul>
 *   <li>{@link #PAPER}: the published nine numbers for three services, three per service (resource share, latency
 *       share, traffic: {@link QuotaModel#observation}). Shares are rounded down and several configurations have the
 *       same latency share, so the state the dynamics depend on is partly hidden.</li>
 *   <li>{@link #FULL}: the whole decision state, so the observation is Markov. Per service, in service order: the
 *       paper's three numbers; the previous configuration one-hot ({@code nvec[i]} values); the previous pod count;
 *       the held cores over the quota (full precision, as stored); for every configuration {@code a} the cores it
 *       would request for the coming traffic, {@code podsNeeded(i, a, traffic) * cpu(a) / quota}; for every
 *       configuration the cores it would add to the roll-out ({@link QuotaModel#added}: all of them for a fresh
 *       revision, the new pods' when K-HPA adds pods, none when the pods are kept; the namespace-wide scale-down
 *       check left out) over the quota; for every configuration the reward (in thousands) of the decision that moves this
 *       service to it and leaves every other service on its previous configuration. These are what the greedy planner
 *       computes. Then two values for the whole namespace: the quota headroom {@code (Q - sum R) / Q} and 1
 *       when the coming decision is the published environment's special final step, else 0.</li>
 * </ul>
 *
 * <p>The traffic in both is the load the coming decision serves: the trace's row in the simulator, the predicted load
 * in the live agent.
 */
public enum Observation {
    /** The published observation: three numbers per service. */
    PAPER,
    /** The whole decision state (see the class comment). */
    FULL;

    /** The name used on the command line and in a policy file: {@code paper} or {@code full}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The kind named {@code label} ({@code paper} or {@code full}, any case).
     *
     * @throws IllegalArgumentException naming the value and the expected ones
     */
    public static Observation parse(String label) {
        Objects.requireNonNull(label, "observation kind");
        for (Observation o : values()) {
            if (o.label().equalsIgnoreCase(label.strip())) {
                return o;
            }
        }
        throw new IllegalArgumentException("observation kind '" + label + "' is not one of paper, full");
    }

    /** Length of the observation for {@code model}. */
    public int size(QuotaModel model) {
        int n = model.numServices();
        if (this == PAPER) {
            return 3 * n;
        }
        int size = 2;
        for (ServiceProfile s : model.services()) {
            size += perService(s);
        }
        return size;
    }

    /** Where service {@code i}'s traffic (the load its coming decision serves) is in the observation. */
    public int trafficIndex(QuotaModel model, int i) {
        if (this == PAPER) {
            return 3 * i + 2;
        }
        int k = 0;
        for (int j = 0; j < i; j++) {
            k += perService(model.service(j));
        }
        return k + 2;
    }

    private static int perService(ServiceProfile s) {
        return 3 + 2 + 4 * s.numActions();
    }

    /** The bounds of every component for {@code model}. */
    public Box space(QuotaModel model) {
        Box paper = model.observationSpace();
        if (this == PAPER) {
            return paper;
        }
        int size = size(model);
        double[] low = new double[size];
        double[] high = new double[size];
        int k = 0;
        for (int i = 0; i < model.numServices(); i++) {
            ServiceProfile s = model.service(i);
            for (int j = 0; j < 3; j++) {
                low[k] = paper.low()[3 * i + j];
                high[k++] = paper.high()[3 * i + j];
            }
            for (int a = 0; a < s.numActions(); a++) {
                high[k++] = 1;
            }
            high[k++] = Double.POSITIVE_INFINITY; // pods
            high[k++] = Double.POSITIVE_INFINITY; // held cores / quota
            for (int a = 0; a < 2 * s.numActions(); a++) {
                high[k++] = Double.POSITIVE_INFINITY; // requested cores / quota, then added cores / quota
            }
            for (int a = 0; a < s.numActions(); a++) {
                low[k] = Double.NEGATIVE_INFINITY; // reward of changing only this service, in thousands
                high[k++] = Double.POSITIVE_INFINITY;
            }
        }
        low[k] = Double.NEGATIVE_INFINITY; // headroom: negative when the held cores exceed the quota
        high[k++] = 1;
        high[k] = 1;
        return new Box(low, high);
    }

    /** The observation of {@code state} under {@code model}. Pure; a fresh array. */
    public double[] of(QuotaModel model, QuotaState state) {
        if (this == PAPER) {
            return state.observation();
        }
        double[] obs = new double[size(model)];
        double[] paper = state.observation();
        double q = model.quota();
        double held = 0;
        int k = 0;
        for (int i = 0; i < model.numServices(); i++) {
            ServiceProfile s = model.service(i);
            obs[k++] = paper[3 * i];
            obs[k++] = paper[3 * i + 1];
            obs[k++] = paper[3 * i + 2];
            obs[k + state.prevAction(i)] = 1;
            k += s.numActions();
            obs[k++] = state.prevPod(i);
            obs[k++] = state.prevRes(i) / q;
            held += state.prevRes(i);
            int n = s.numActions();
            for (int a = 0; a < n; a++) {
                double cpu = s.config(a).cpu();
                int pods = model.podsNeeded(i, a, state.traffic(i));
                obs[k + a] = model.requestedCores(pods, cpu) / q;
                ScaleKind kind = model.kind(i, state.prevAction(i), state.prevPod(i), a, pods, false);
                obs[k + n + a] = model.added(kind, pods, state.prevPod(i), cpu) / q;
            }
            k += 2 * n;
            int[] joint = state.prevAction();
            boolean paperFinal = model.isPaperFinalStep(state.step());
            for (int a = 0; a < n; a++) {
                joint[i] = a;
                obs[k++] = model.reward(model.decide(state, joint), paperFinal) / 1000;
            }
        }
        obs[k++] = (q - held) / q;
        obs[k] = model.isPaperFinalStep(state.step()) ? 1 : 0;
        return obs;
    }

    @Override
    public String toString() {
        return label();
    }

    /** For tests and messages: the labels of every kind. */
    public static String labels() {
        return Arrays.stream(values()).map(Observation::label).toList().toString();
    }
}
