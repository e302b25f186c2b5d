package dev.kdrl.env.value;

import dev.kdrl.core.policy.ActorHead;
import dev.kdrl.core.policy.EnvSignature;
import dev.kdrl.core.policy.Mlp;
import dev.kdrl.core.policy.ObservationNormalizer;
import dev.kdrl.core.policy.Policy;
import dev.kdrl.core.policy.SavedPolicy;
import dev.kdrl.env.quota.JointActionEvaluator;
import dev.kdrl.env.quota.QuotaModel;
import dev.kdrl.env.quota.QuotaState;
import dev.kdrl.env.quota.Signatures;
import dev.kdrl.env.quota.Transition;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Acts by a one-step search scored with a learned value: of the {@code candidates} joint actions with the highest
 * immediate reward (ties in lexicographic order), it takes the one with the highest {@code reward * rewardScale +
 * gamma * V(afterstate)}, where {@code V} is a value network over {@link AfterstateFeatures} (trained by temporal
 * differences, {@code drl train --algo afterstate}). With {@code V = 0} it is the greedy planner; the value network
 * adds what greedy cannot see: what a decision costs or earns in the periods after it.
 *
 * <p>Reads the current internal state, like the planners ({@code env::state} in the simulator, the agent's restored
 * state in the cluster), so the observation passed to {@link #act} is unused.
 */
public final class AfterstatePolicy implements Policy<double[], int[]> {
    private final QuotaModel model;
    private final Supplier<QuotaState> state;
    private final Mlp value;
    private final ObservationNormalizer normalizer;
    private final double gamma;
    private final double rewardScale;
    private final int candidates;
    private final double margin;
    private final JointActionEvaluator evaluator;
    private final int[][] top;
    private final double[] topReward;
    private final double[] features;
    private String name = "afterstate";

    /**
     * @param value       the value network: {@link AfterstateFeatures#size} inputs, one output
     * @param normalizer  applied to the features before the network
     * @param gamma       discount of the value
     * @param rewardScale the scale of the rewards the value was trained on (its unit)
     * @param candidates  joint actions searched, the best by immediate reward, &gt;= 1
     */
    public AfterstatePolicy(QuotaModel model, Supplier<QuotaState> state, Mlp value, ObservationNormalizer normalizer,
                            double gamma, double rewardScale, int candidates) {
        this(model, state, value, normalizer, gamma, rewardScale, candidates, 0);
    }

    /**
     * @param margin another candidate replaces the best by immediate reward (greedy's choice) only when its score is
     *               higher by more than this (in the value's unit); 0: the highest score wins
     */
    public AfterstatePolicy(QuotaModel model, Supplier<QuotaState> state, Mlp value, ObservationNormalizer normalizer,
                            double gamma, double rewardScale, int candidates, double margin) {
        this.model = Objects.requireNonNull(model, "model");
        this.state = Objects.requireNonNull(state, "state");
        this.value = Objects.requireNonNull(value, "value");
        this.normalizer = Objects.requireNonNull(normalizer, "normalizer");
        int size = AfterstateFeatures.size(model);
        if (value.inputSize() != size || value.outputSize() != 1) {
            throw new IllegalArgumentException("the value network has " + value.inputSize() + " inputs and "
                    + value.outputSize() + " outputs; this model's afterstate needs " + size + " inputs and 1 output");
        }
        if (normalizer.size() != size) {
            throw new IllegalArgumentException("the normaliser has " + normalizer.size() + " components, expected " + size);
        }
        if (!(gamma >= 0 && gamma <= 1) || !(rewardScale > 0) || candidates < 1) {
            throw new IllegalArgumentException("need gamma in [0, 1], rewardScale > 0 and candidates >= 1, got " + gamma
                    + ", " + rewardScale + ", " + candidates);
        }
        this.gamma = gamma;
        this.rewardScale = rewardScale;
        this.candidates = candidates;
        if (!(margin >= 0) || Double.isInfinite(margin)) {
            throw new IllegalArgumentException("margin must be a finite number >= 0, got " + margin);
        }
        this.margin = margin;
        this.evaluator = new JointActionEvaluator(model);
        this.top = new int[candidates][model.numServices()];
        this.topReward = new double[candidates];
        this.features = new double[size];
    }

    /** The signature of an afterstate policy for {@code model} ({@link AfterstateFeatures#OBSERVATION}). */
    public static EnvSignature signature(QuotaModel model, String profile) {
        return Signatures.of(model, profile, AfterstateFeatures.OBSERVATION, AfterstateFeatures.size(model));
    }

    /**
     * The saved afterstate policy acting on {@code state}, named {@code model(afterstate)}, after checking that it
     * was trained for {@code actual} ({@link #signature}).
     *
     * @throws IllegalArgumentException if the file is of another kind, trained for another environment, or its
     *                                  hyper-parameters {@code gamma}, {@code reward_scale}, {@code candidates} are
     *                                  missing or invalid
     */
    public static AfterstatePolicy of(QuotaModel model, Supplier<QuotaState> state, SavedPolicy saved,
                                      EnvSignature actual) {
        if (saved.head() != ActorHead.AFTERSTATE_VALUE) {
            throw new IllegalArgumentException("the " + saved.algorithm() + " policy has a " + saved.head().label()
                    + " actor, not an " + ActorHead.AFTERSTATE_VALUE.label() + " network");
        }
        saved.env().requireSame(actual);
        Map<String, String> h = saved.hyperParameters();
        return new AfterstatePolicy(model, state, saved.actor(), saved.normalizer(), number(h, "gamma"),
                number(h, "reward_scale"), (int) number(h, "candidates"),
                h.containsKey("margin") ? number(h, "margin") : 0)
                .withName("model(" + saved.algorithm() + ")");
    }

    private static double number(Map<String, String> h, String key) {
        String v = h.get(key);
        try {
            return Double.parseDouble(Objects.requireNonNull(v));
        } catch (NullPointerException | NumberFormatException e) {
            throw new IllegalArgumentException("hyper-parameter " + key + " is '" + v + "' (expected a number)");
        }
    }

    /** The same policy named {@code name} in reports. */
    public AfterstatePolicy withName(String newName) {
        this.name = Objects.requireNonNull(newName, "name");
        return this;
    }

    @Override
    public int[] act(double[] observation) {
        return act(state.get(), null);
    }

    /**
     * The decision in {@code s}. With {@code scores} not null, also the candidates and their scores (for exploration
     * while training): {@code scores.candidates[j]}, {@code scores.score[j]} for {@code j < scores.count}, best first
     * in ties by rank.
     */
    public int[] act(QuotaState s, Scores scores) {
        int count = topByReward(s);
        int best = 0;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < count; j++) {
            Transition t = model.decide(s, top[j]);
            double score = topReward[j] * rewardScale + gamma * value(s, t);
            if (scores != null) {
                scores.candidates[j] = top[j].clone();
                scores.score[j] = score;
                scores.afterstates[j] = features.clone();
                scores.reward[j] = topReward[j];
            }
            if (j == 0) {
                bestScore = score + margin;
            } else if (score > bestScore) {
                bestScore = score;
                best = j;
            }
        }
        if (scores != null) {
            scores.count = count;
            scores.best = best;
        }
        return top[best].clone();
    }

    /** {@code V} of the state after {@code t} was taken in {@code s}, in units of {@code rewardScale}. */
    public double value(QuotaState s, Transition t) {
        AfterstateFeatures.write(model, s, t, features);
        return value.forward(normalizer.normalize(features))[0];
    }

    /** Fills {@link #top} with the joint actions of the highest immediate reward, best first; returns how many. */
    private int topByReward(QuotaState s) {
        evaluator.load(s);
        boolean paperFinal = model.isPaperFinalStep(s.step());
        int[] size = {0};
        int n = model.numServices();
        evaluator.forEach(paperFinal, (index, action, change, reward) -> {
            int k = size[0];
            if (k == candidates && reward <= topReward[k - 1]) {
                return;
            }
            // insertion keeps the earlier (lexicographically smaller) action first among equal rewards
            int pos = k == candidates ? k - 1 : k;
            while (pos > 0 && topReward[pos - 1] < reward) {
                topReward[pos] = topReward[pos - 1];
                System.arraycopy(top[pos - 1], 0, top[pos], 0, n);
                pos--;
            }
            topReward[pos] = reward;
            System.arraycopy(action, 0, top[pos], 0, n);
            if (k < candidates) {
                size[0]++;
            }
        });
        return size[0];
    }

    @Override
    public String name() {
        return name;
    }

    /** The candidates of one decision and their scores (see {@link #act(QuotaState, Scores)}). */
    public static final class Scores {
        public final int[][] candidates;
        public final double[] score;
        public final double[] reward;
        public final double[][] afterstates;
        public int count;
        public int best;

        public Scores(int capacity) {
            candidates = new int[capacity][];
            score = new double[capacity];
            reward = new double[capacity];
            afterstates = new double[capacity][];
        }
    }
}
