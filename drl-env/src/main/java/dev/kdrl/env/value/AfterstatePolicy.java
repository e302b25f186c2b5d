package dev.kdrl.env.value;

import dev.kdrl.core.policy.ActorHead;
import dev.kdrl.core.policy.EnvSignature;
import dev.kdrl.core.policy.Mlp;
import dev.kdrl.core.policy.ObservationNormalizer;
import dev.kdrl.core.policy.Policy;
import dev.kdrl.core.policy.SavedPolicy;
import dev.kdrl.core.rng.Rng;
import dev.kdrl.env.baseline.CautiousChoice;
import dev.kdrl.env.baseline.TrafficDistribution;
import dev.kdrl.env.quota.JointActionEvaluator;
import dev.kdrl.env.quota.QuotaModel;
import dev.kdrl.env.quota.QuotaState;
import dev.kdrl.env.quota.Signatures;
import dev.kdrl.env.quota.Transition;
import java.util.LinkedHashMap;
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
 * <p><b>Two steps.</b> With {@link Lookahead} settings (saved with the model) and a {@link TrafficDistribution} of the
 * next period's load ({@link #setTraffic}: the same one {@code expected-2} uses), a decision looks one period
 * further: of the {@link Lookahead#candidates} best joint actions by immediate reward, it takes the one maximising
 *
 * <pre>  r(a) * rewardScale + mean over samples u' of max over a' of [ r(s'(a, u'), a') * rewardScale
 *                                                      + valueWeight * V(afterstate of a') ]</pre>
 *
 * where {@code a'} ranges over the {@code candidates} best next actions by immediate reward. With {@code valueWeight =
 * 0} this is {@code expected-2}; the value adds what lies beyond the second step. The next step's reward is not
 * discounted (as {@code expected-2}'s default), and the value is weighted by {@code valueWeight} rather than {@code
 * gamma}: the value was learnt on the training traffic, and a smaller weight lets the fitted distribution of the
 * played traffic speak for the next period (the weight was chosen on validation traffic, docs/benchmarks.md). With a
 * {@link Lookahead#confidence} above 0 the first decision is chosen cautiously instead ({@link CautiousChoice}): another
 * replaces the best by immediate reward only when its mean advantage over the samples exceeds that many standard
 * errors. The margin applies to the one-step search only. Where there is no next decision (the episode's last, the paper's
 * special 200th step) or no sample (no history yet), the decision is the one-step search's (greedy's at the
 * episode's last decision, after which nothing counts). The samples of the
 * decision at step {@code t} are drawn from {@code Rng.of(seed * 0x9E3779B97F4A7C15L + t)}, as {@code expected-2}'s.
 *
 * <p><b>Traffic-aware value.</b> A value network with {@code AfterstateFeatures.size(model, true)} inputs (trained
 * with {@code --afterstate-traffic-features}) also reads the played traffic's statistics: those given by {@link
 * #setStatistics} (training), else the traffic distribution's ({@link TrafficDistribution#statistics()}, read at
 * every decision: the agent's history grows), else, when nothing is known, the training traffic's average (the
 * normaliser's mean, so the network sees its average input there).
 *
 * <p>Reads the current internal state, like the planners ({@code env::state} in the simulator, the agent's restored
 * state in the cluster), so the observation passed to {@link #act} is unused. Not thread-safe.
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
    private final boolean trafficFeatures;
    private double[] fixedStatistics;
    private double[] statistics;
    private String name = "afterstate";
    private Lookahead lookahead;
    private TrafficDistribution traffic = TrafficDistribution.none();
    private int episodeLength = Integer.MAX_VALUE;
    private long seed;
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

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
        this.trafficFeatures = value.inputSize() == AfterstateFeatures.size(model, true);
        int size = AfterstateFeatures.size(model, trafficFeatures);
        if (value.inputSize() != size || value.outputSize() != 1) {
            throw new IllegalArgumentException("the value network has " + value.inputSize() + " inputs and "
                    + value.outputSize() + " outputs; this model's afterstate needs " + size + " inputs (or "
                    + AfterstateFeatures.size(model, true) + " with the traffic statistics) and 1 output");
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
        this.top = new int[Math.max(candidates, Lookahead.MAX_CANDIDATES)][model.numServices()];
        this.topReward = new double[top.length];
        this.features = new double[size];
    }

    /** The signature of an afterstate policy for {@code model} ({@link AfterstateFeatures#OBSERVATION}). */
    public static EnvSignature signature(QuotaModel model, String profile) {
        return signature(model, profile, false);
    }

    /**
     * The signature of an afterstate policy for {@code model}, reading the traffic statistics when {@code traffic}
     * ({@link AfterstateFeatures#OBSERVATION_TRAFFIC}).
     */
    public static EnvSignature signature(QuotaModel model, String profile, boolean traffic) {
        return Signatures.of(model, profile, AfterstateFeatures.observation(traffic),
                AfterstateFeatures.size(model, traffic));
    }

    /** Whether the value reads the traffic statistics ({@link AfterstateFeatures#OBSERVATION_TRAFFIC}). */
    public boolean trafficFeatures() {
        return trafficFeatures;
    }

    /**
     * Makes this policy read {@code stats} as the traffic statistics at every decision (see the class comment;
     * {@link TrafficDistribution#statistics()}'s layout); null: the distribution's. Ignored by a plain value.
     * Changes this policy and returns it (not a copy), as every {@code set} method here does: a policy holds the
     * search's work buffers and the state it reads, so it is changed in place rather than copied.
     */
    public AfterstatePolicy setStatistics(double[] stats) {
        if (stats != null && trafficFeatures && stats.length != AfterstateFeatures.statisticsSize(model)) {
            throw new IllegalArgumentException("traffic statistics: " + stats.length + " values, expected "
                    + AfterstateFeatures.statisticsSize(model));
        }
        this.fixedStatistics = stats == null ? null : stats.clone();
        this.statistics = null;
        return this;
    }

    /** The traffic statistics the value reads now (null for a plain value). */
    private double[] currentStatistics() {
        if (!trafficFeatures) {
            return null;
        }
        if (fixedStatistics != null) {
            return fixedStatistics;
        }
        double[] fitted = traffic.statistics();
        int n = AfterstateFeatures.statisticsSize(model);
        if (fitted != null && fitted.length == n) {
            return fitted;
        }
        double[] mean = normalizer.mean();
        return java.util.Arrays.copyOfRange(mean, mean.length - n, mean.length);
    }

    /**
     * The saved afterstate policy acting on {@code state}, named {@code model(afterstate)}, after checking that it
     * was trained for {@code actual} ({@link #signature}).
     *
     * @throws IllegalArgumentException if the file is of another kind, trained for another environment, or its
     *                                  hyper-parameters are missing or invalid ({@link #checkHyperParameters})
     */
    public static AfterstatePolicy of(QuotaModel model, Supplier<QuotaState> state, SavedPolicy saved,
                                      EnvSignature actual) {
        if (saved.head() != ActorHead.AFTERSTATE_VALUE) {
            throw new IllegalArgumentException("the " + saved.algorithm() + " policy has a " + saved.head().label()
                    + " actor, not an " + ActorHead.AFTERSTATE_VALUE.label() + " network");
        }
        saved.env().requireSame(actual);
        Saved h = Saved.of(saved.hyperParameters());
        AfterstatePolicy p = new AfterstatePolicy(model, state, saved.actor(), saved.normalizer(), h.gamma(),
                h.rewardScale(), h.candidates(), h.margin())
                .setName("model(" + saved.algorithm() + ")");
        p.lookahead = h.lookahead();
        return p;
    }

    /** The hyper-parameters a saved afterstate policy acts by, each checked ({@link #checkHyperParameters}). */
    private record Saved(double gamma, double rewardScale, int candidates, double margin, Lookahead lookahead) {
        static Saved of(Map<String, String> h) {
            return new Saved(hyper(h, "gamma", v -> v >= 0 && v <= 1, "a number >= 0 and <= 1"),
                    hyper(h, "reward_scale", v -> v > 0 && Double.isFinite(v), "a finite number > 0"),
                    whole(h, "candidates", 1, Integer.MAX_VALUE),
                    h.containsKey("margin") ? hyper(h, "margin", v -> v >= 0 && Double.isFinite(v),
                            "a finite number >= 0") : 0,
                    Lookahead.of(h));
        }
    }

    /**
     * Checks the hyper-parameters a saved afterstate policy acts by ({@link #of}): {@code gamma} in [0, 1], {@code
     * reward_scale} finite and above 0, {@code candidates} a whole number &gt;= 1, {@code margin} (when present)
     * finite and &gt;= 0, and the two-step settings ({@link Lookahead#of}). Who loaded the policy from a file names
     * the file before the message.
     *
     * @throws IllegalArgumentException naming the manifest field, its value and what was expected, e.g. {@code
     *                                  manifest field 'hyper.candidates' is '0' (expected a whole number >= 1)}
     */
    public static void checkHyperParameters(Map<String, String> hyperParameters) {
        Saved.of(hyperParameters);
    }

    /**
     * The hyper-parameter {@code key} as a number that {@code valid} accepts; refused naming its manifest field
     * ({@code hyper.<key>}), its value and what was {@code expected}.
     */
    private static double hyper(Map<String, String> h, String key, java.util.function.DoublePredicate valid,
                                String expected) {
        String v = h.get(key);
        if (v == null) {
            throw new IllegalArgumentException("manifest field 'hyper." + key + "' is missing (expected " + expected
                    + ")");
        }
        double d;
        try {
            d = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            d = Double.NaN;
        }
        if (Double.isNaN(d) || !valid.test(d)) {
            throw new IllegalArgumentException("manifest field 'hyper." + key + "' is '"
                    + dev.kdrl.core.io.Printable.escape(v, 80) + "' (expected " + expected + ")");
        }
        return d;
    }

    /** {@link #hyper} for a whole number from {@code min} to {@code max}. */
    private static int whole(Map<String, String> h, String key, int min, int max) {
        return (int) hyper(h, key, v -> v == Math.rint(v) && v >= min && v <= max, "a whole number "
                + (max == Integer.MAX_VALUE ? ">= " + min : "from " + min + " to " + max));
    }

    /**
     * How a decision looks two steps ahead (see the class comment).
     *
     * @param candidates  first decisions looked ahead from, the best by immediate reward, 1 to {@link #MAX_CANDIDATES}
     * @param samples     traffic samples of the next period per decision, &gt;= 1
     * @param valueWeight weight of the value after the second decision, in {@code [0, 1]}
     * @param confidence  0: the highest mean score over the samples wins; &gt; 0: another first decision replaces the
     *                    best by immediate reward only when its mean advantage over it, less this many standard
     *                    errors, is positive ({@link CautiousChoice})
     * @param anchorConfidence 0: the reference of the cautious choice is the best first decision by immediate reward
     *                    (greedy's); &gt; 0: it is the first decision the same search without the value takes
     *                    ({@code expected-2}'s, with this confidence against greedy's), so that the value changes
     *                    the planner's decision only where the samples clearly say it gains (needs {@code confidence}
     *                    &gt; 0)
     */
    public record Lookahead(int candidates, int samples, double valueWeight, double confidence, double anchorConfidence) {
        /** The most first decisions looked ahead from. */
        public static final int MAX_CANDIDATES = 64;
        static final String CANDIDATES = "lookahead_candidates";
        static final String SAMPLES = "lookahead_samples";
        static final String VALUE_WEIGHT = "lookahead_value_weight";
        static final String CONFIDENCE = "lookahead_confidence";
        static final String ANCHOR_CONFIDENCE = "lookahead_anchor_confidence";

        public Lookahead {
            if (candidates < 1 || candidates > MAX_CANDIDATES) {
                throw new IllegalArgumentException("lookahead candidates must be in [1, " + MAX_CANDIDATES + "], got "
                        + candidates);
            }
            if (samples < 1) {
                throw new IllegalArgumentException("lookahead samples must be >= 1, got " + samples);
            }
            if (!(valueWeight >= 0 && valueWeight <= 1)) {
                throw new IllegalArgumentException("lookahead value weight must be in [0, 1], got " + valueWeight);
            }
            CautiousChoice.requireConfidence("lookahead confidence", confidence);
            CautiousChoice.requireConfidence("lookahead anchor confidence", anchorConfidence);
            if (anchorConfidence > 0 && confidence == 0) {
                throw new IllegalArgumentException("a lookahead anchor confidence (" + anchorConfidence + ") needs a "
                        + "lookahead confidence above 0, got 0 (with a confidence of 0, give an anchor confidence of 0)");
            }
        }

        /** The settings without an anchor: the cautious choice's reference is greedy's decision. */
        public Lookahead(int candidates, int samples, double valueWeight, double confidence) {
            this(candidates, samples, valueWeight, confidence, 0);
        }

        /**
         * The settings with confidence 0 (the highest mean score wins; not {@code drl train}'s default, which {@link
         * #defaults()} gives): what a model saved before the confidence existed loads as.
         */
        public Lookahead(int candidates, int samples, double valueWeight) {
            this(candidates, samples, valueWeight, 0);
        }

        /**
         * 16 candidates, 64 samples, value weight 0.4, confidence 1, anchor confidence 0.5 ({@code drl train}'s
         * defaults): chosen on the validation traffic (docs/benchmarks.md, "Two steps", "A cautious choice" and "A
         * cautious choice anchored on the planner").
         */
        public static Lookahead defaults() {
            return new Lookahead(16, 64, 0.4, 1, 0.5);
        }

        /**
         * The settings saved in {@code hyperParameters}, or null when there are none (a one-step model); a model saved
         * before the confidence existed has confidence 0.
         */
        public static Lookahead of(Map<String, String> hyperParameters) {
            Map<String, String> h = hyperParameters;
            if (!h.containsKey(SAMPLES)) {
                return null;
            }
            int candidates = whole(h, CANDIDATES, 1, MAX_CANDIDATES);
            int samples = whole(h, SAMPLES, 1, Integer.MAX_VALUE);
            double valueWeight = hyper(h, VALUE_WEIGHT, v -> v >= 0 && v <= 1, "a number >= 0 and <= 1");
            double confidence = h.containsKey(CONFIDENCE) ? hyper(h, CONFIDENCE, v -> v >= 0 && Double.isFinite(v),
                    "a finite number >= 0") : 0;
            double anchor = h.containsKey(ANCHOR_CONFIDENCE) ? hyper(h, ANCHOR_CONFIDENCE,
                    v -> v >= 0 && Double.isFinite(v), "a finite number >= 0") : 0;
            if (anchor > 0 && confidence == 0) {
                throw new IllegalArgumentException("manifest field 'hyper." + ANCHOR_CONFIDENCE + "' is '"
                        + h.get(ANCHOR_CONFIDENCE) + "' (expected 0 while 'hyper." + CONFIDENCE + "' is " + (h.containsKey(
                        CONFIDENCE) ? "'" + h.get(CONFIDENCE) + "'" : "missing") + ": an anchor needs a confidence "
                        + "above 0)");
            }
            return new Lookahead(candidates, samples, valueWeight, confidence, anchor);
        }

        /**
         * The hyper-parameters that save these settings, in a stable order (the confidence and the anchor's only when
         * not 0).
         */
        public Map<String, String> hyperParameters() {
            Map<String, String> m = new LinkedHashMap<>();
            m.put(CANDIDATES, Integer.toString(candidates));
            m.put(SAMPLES, Integer.toString(samples));
            m.put(VALUE_WEIGHT, Double.toString(valueWeight));
            if (confidence != 0) {
                m.put(CONFIDENCE, Double.toString(confidence));
            }
            if (anchorConfidence != 0) {
                m.put(ANCHOR_CONFIDENCE, Double.toString(anchorConfidence));
            }
            return m;
        }
    }

    /** The two-step settings this policy uses when it has a traffic distribution; null: one step only. */
    public Lookahead lookahead() {
        return lookahead;
    }

    /** Sets other two-step settings (null: one step only) on this policy and returns it (not a copy). */
    public AfterstatePolicy setLookahead(Lookahead settings) {
        this.lookahead = settings;
        return this;
    }

    /**
     * Makes this policy look two steps ahead (when it has {@link #lookahead()} settings) with {@code distribution}
     * as the next period's traffic; returns this policy (not a copy).
     *
     * @param episodeSteps decisions in the episode ({@link Integer#MAX_VALUE} without end: the live agent)
     * @param sampleSeed   seed of the traffic draws
     */
    public AfterstatePolicy setTraffic(TrafficDistribution distribution, int episodeSteps, long sampleSeed) {
        this.traffic = Objects.requireNonNull(distribution, "distribution");
        if (episodeSteps < 1) {
            throw new IllegalArgumentException("episodeSteps must be >= 1, got " + episodeSteps);
        }
        this.episodeLength = episodeSteps;
        this.seed = sampleSeed;
        this.statistics = null;
        return this;
    }


    /** Names this policy {@code name} in reports and returns it (not a copy). */
    public AfterstatePolicy setName(String newName) {
        this.name = Objects.requireNonNull(newName, "name");
        return this;
    }

    /**
     * The decision for the state the supplier given at construction returns now: {@code observation} is not read
     * (the search needs the whole state, which no observation holds), so this policy acts right only on the
     * environment, or the agent's state, it was built on; for a state at hand, call {@link #decide(QuotaState)}.
     */
    @Override
    public int[] act(double[] observation) {
        return decide(QuotaState.current(state));
    }

    /** The decision in {@code s}: {@link #act(double[])}'s for a state given rather than supplied. */
    public int[] decide(QuotaState s) {
        statistics = currentStatistics();
        int[] twoSteps = lookahead == null ? null : actTwoSteps(s);
        return twoSteps != null ? twoSteps : oneStep(s, null);
    }

    /**
     * The two-step decision in {@code s} ({@link #lookahead()}, with the traffic of {@link #setTraffic}), or null when
     * there are no such settings, no next decision or no traffic sample (then {@link #act(QuotaState, Scores)} decides).
     */
    public int[] twoSteps(QuotaState s) {
        statistics = currentStatistics();
        return lookahead == null ? null : actTwoSteps(s);
    }

    /** A copy of the features {@link #value} last read. */
    public double[] lastFeatures() {
        return features.clone();
    }

    /** The two-step decision in {@code s}, or null when there is no next decision or no traffic sample. */
    private int[] actTwoSteps(QuotaState s) {
        if (model.isPaperFinalStep(s.step()) || s.step() + 1 >= episodeLength) {
            return null;
        }
        double[][] samples = traffic.sample(s, lookahead.samples(), Rng.of(seed * GOLDEN + s.step()));
        if (samples.length == 0) {
            return null;
        }
        int count = topByReward(s, lookahead.candidates());
        int[][] first = new int[count][];
        double[] firstReward = new double[count];
        for (int j = 0; j < count; j++) {
            first[j] = top[j].clone();
            firstReward[j] = topReward[j];
        }
        // per first decision and sample: its score, for a cautious choice; and without the value, for an anchor
        double[][] perSample = lookahead.confidence() > 0 ? new double[count][samples.length] : null;
        double[][] planner = lookahead.anchorConfidence() > 0 ? new double[count][samples.length] : null;
        int best = 0;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < count; j++) {
            Transition t = model.decide(s, first[j]);
            double sum = 0;
            for (int k = 0; k < samples.length; k++) {
                double next = bestOneStepScore(model.next(s, t, samples[k]));
                sum += next;
                if (perSample != null) {
                    perSample[j][k] = firstReward[j] * rewardScale + next;
                }
                if (planner != null) {
                    // topReward[0]: the best reward of the next decision (bestOneStepScore ranked them)
                    planner[j][k] = (firstReward[j] + topReward[0]) * rewardScale;
                }
            }
            double score = firstReward[j] * rewardScale + sum / samples.length;
            // ties to the higher immediate reward (the earlier candidate)
            if (score > bestScore) {
                bestScore = score;
                best = j;
            }
        }
        if (planner != null) {
            // the planner's decision is the reference that the value must clearly beat
            int anchor = CautiousChoice.choose(planner, count, samples.length, lookahead.anchorConfidence());
            return first[CautiousChoice.choose(perSample, count, samples.length, lookahead.confidence(), anchor)];
        }
        if (perSample != null) {
            return first[CautiousChoice.choose(perSample, count, samples.length, lookahead.confidence())];
        }
        return first[best];
    }

    /**
     * The best of {@code r * rewardScale + valueWeight * V} over the {@code candidates} best actions in {@code s}; the
     * value is 0 after the episode's last decision (nothing follows it).
     */
    private double bestOneStepScore(QuotaState s) {
        int count = topByReward(s, candidates);
        double best = Double.NEGATIVE_INFINITY;
        boolean last = model.isPaperFinalStep(s.step()) || s.step() + 1 >= episodeLength;
        for (int j = 0; j < count; j++) {
            double v = lookahead.valueWeight() == 0 || last ? 0
                    : lookahead.valueWeight() * value(s, model.decide(s, top[j]));
            best = Math.max(best, topReward[j] * rewardScale + v);
        }
        return best;
    }

    /**
     * The decision in {@code s}. With {@code scores} not null, also the candidates and their scores (for exploration
     * while training): {@code scores.candidates[j]}, {@code scores.score[j]} for {@code j < scores.count}, best first
     * in ties by rank. At the last decision of an episode of known length ({@link #setTraffic}) nothing follows, so the
     * value counts for nothing and the decision is greedy's.
     */
    public int[] act(QuotaState s, Scores scores) {
        statistics = currentStatistics();
        return oneStep(s, scores);
    }

    /** {@link #act(QuotaState, Scores)} with the statistics already read for this decision. */
    private int[] oneStep(QuotaState s, Scores scores) {
        int count = topByReward(s, candidates);
        int best = 0;
        double bestScore = Double.NEGATIVE_INFINITY;
        boolean last = s.step() + 1 >= episodeLength;
        for (int j = 0; j < count; j++) {
            Transition t = model.decide(s, top[j]);
            double v = value(s, t);
            double score = topReward[j] * rewardScale + (last ? 0 : gamma * v);
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

    /**
     * {@code V} of the state after {@code t} was taken in {@code s}, in units of {@code rewardScale}; a traffic-aware
     * value reads the statistics of the last decision ({@link #act}), else those known now.
     */
    public double value(QuotaState s, Transition t) {
        if (trafficFeatures && statistics == null) {
            statistics = currentStatistics();
        }
        AfterstateFeatures.write(model, s, t, statistics, features);
        return value.forward(normalizer.normalize(features))[0];
    }

    /**
     * Fills {@link #top} with the {@code candidates} joint actions of the highest immediate reward, best first; returns
     * how many.
     */
    private int topByReward(QuotaState s, int candidates) {
        evaluator.load(s);
        return evaluator.top(candidates, model.isPaperFinalStep(s.step()), top, topReward);
    }

    @Override
    public String name() {
        return name;
    }

    /**
     * The candidates of one decision and their scores (see {@link #act(QuotaState, Scores)}), filled in place by
     * each call so that training reuses one buffer per step: the first {@link #count} entries are valid until the next
     * call. Not thread-safe; one per caller.
     */
    public static final class Scores {
        /** The joint actions searched, the best by immediate reward first. */
        public final int[][] candidates;
        /** Each candidate's immediate reward plus its discounted value, in the value's unit. */
        public final double[] score;
        /** Each candidate's immediate reward on the model. */
        public final double[] reward;
        /** Each candidate's afterstate features, as the value network reads them. */
        public final double[][] afterstates;
        /** How many candidates the last call filled. */
        public int count;
        /** The index of the chosen candidate. */
        public int best;

        /** A buffer for up to {@code capacity} candidates (the policy's {@code candidates}). */
        public Scores(int capacity) {
            candidates = new int[capacity][];
            score = new double[capacity];
            reward = new double[capacity];
            afterstates = new double[capacity][];
        }
    }
}
