package dev.kdrl.env.baseline;

import dev.kdrl.core.policy.Policy;
import dev.kdrl.core.rng.Rng;
import dev.kdrl.env.quota.JointActionEvaluator;
import dev.kdrl.env.quota.QuotaEnv;
import dev.kdrl.env.quota.QuotaModel;
import dev.kdrl.env.quota.QuotaState;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A planner that does not see the future ({@code expected-2}): like {@link GreedyPolicy} it knows the load
 * the next decision serves ({@link QuotaState#traffic()}), and for the period after it only a
 * {@link TrafficDistribution}. It takes the joint action {@code a} maximising
 *
 * <pre>  r(s, a) + gamma * mean over samples u' of max_a' r(s'(a, u'), a')</pre>
 *
 * where {@code s'(a, u')} is the state the decision leaves ({@link QuotaModel#next}) with traffic {@code u'}.
 * The second term is what the next decision can reach, knowing its load, from where {@code a} leaves the
 * services: it sees that a new revision now makes a K-HPA scale-out or a keep possible next period, or that a
 * roll-out now leaves no room for the next one. The samples are the same for every candidate, so candidates
 * are compared on the same draws.
 *
 * <p>Only the {@code candidates} best joint actions by immediate reward are looked ahead from (ties to the
 * lower lexicographic index); the best value wins, ties to the higher immediate reward, then the lower index. With
 * a confidence above 0 (the default, {@link Settings#defaults()}) the choice is cautious ({@link CautiousChoice}):
 * another action replaces the best by immediate reward only when its mean advantage over the samples, less that many
 * standard errors, is positive; few or scattered samples then leave greedy's choice.
 * The samples of the decision at step {@code t} are drawn from {@code Rng.of(seed * 0x9E3779B97F4A7C15L + t)}:
 * the same seed gives the same decisions, also across a restart of the live agent. Where there is no next
 * decision, the decision is greedy's: the paper's special 200th step ({@link QuotaModel#isPaperFinalStep}),
 * the episode's last decision, or an empty distribution (no history yet); at the step before the paper's
 * 200th, the next decision is valued with that step's reward rule. With {@code gamma = 0} it is greedy, except
 * where no decision fits the quota: there greedy takes the least CPU, and this (as every search built on the
 * immediate reward) the first decision in order.
 *
 * <p>Cost per decision: one pass over the joint actions, then {@code candidates * samples} best-reward searches
 * ({@link JointActionEvaluator#bestReward}, a branch and bound over the 1,232 joint actions of the paper: about
 * 2 microseconds each here, only the services a candidate changes reloaded). With the defaults, 2.4 ms of CPU per
 * decision in the paper, half a second for a 200-step trace. Not thread-safe.
 */
public final class ExpectedValuePolicy implements Policy<double[], int[]> {
    /** The name in reports and in the planner registry. */
    public static final String NAME = "expected-2";
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    /**
     * The planner's settings.
     *
     * @param gamma      weight of the next step's expected best reward, in {@code [0, 1]}; 0 is greedy
     * @param candidates joint actions looked ahead from (the best by immediate reward), &gt;= 1
     * @param samples    traffic samples of the next period per decision, &gt;= 1 (a distribution with fewer gives
     *                   them all)
     * @param seed       seed of the samples' draws
     * @param confidence 0: the best value wins; &gt; 0: another candidate replaces the best by immediate reward only
     *                   when its mean advantage over it, less this many standard errors, is positive
     *                   ({@link CautiousChoice})
     */
    public record Settings(double gamma, int candidates, int samples, long seed, double confidence) {
        public Settings {
            if (!(gamma >= 0 && gamma <= 1)) {
                throw new IllegalArgumentException("gamma must be in [0, 1], got " + gamma);
            }
            if (candidates < 1) {
                throw new IllegalArgumentException("candidates must be >= 1, got " + candidates);
            }
            if (samples < 1) {
                throw new IllegalArgumentException("samples must be >= 1, got " + samples);
            }
            CautiousChoice.requireConfidence("confidence", confidence);
        }

        /**
         * The settings with confidence 0 (the best value wins; not the default confidence, which {@link #defaults()}
         * and {@link Baselines.Options} give).
         */
        public Settings(double gamma, int candidates, int samples, long seed) {
            this(gamma, candidates, samples, seed, 0);
        }

        /**
         * gamma 1, 16 candidates, 64 samples, seed 0, confidence 0.5: chosen on 12 uniform and 10 NASA validation
         * traces (docs/benchmarks.md), where they gain 1.02 % over greedy at 2.4 ms of CPU per decision; 32
         * candidates gained no more, 32 samples 0.1 point less, every sample (199 of train-200) no more, a discount
         * of 0.5 or 0.75 less, confidence 0 (the best mean wins) 0.95 %, 0.25 0.98 %, 1 0.92 %.
         */
        public static Settings defaults() {
            return new Settings(1.0, 16, 64, 0, 0.5);
        }

        /** The same settings with another seed. */
        public Settings withSeed(long newSeed) {
            return new Settings(gamma, candidates, samples, newSeed, confidence);
        }

        /** The same settings with another confidence. */
        public Settings withConfidence(double newConfidence) {
            return new Settings(gamma, candidates, samples, seed, newConfidence);
        }
    }

    /**
     * One decision and its value.
     *
     * @param action    the joint action taken
     * @param immediate its immediate reward
     * @param value     immediate reward plus {@code gamma} times the next step's expected best reward
     * @param samples   traffic samples the expectation was taken over (0: greedy)
     */
    public record Decision(int[] action, double immediate, double value, int samples) {
    }

    private final QuotaModel model;
    private final Supplier<QuotaState> state;
    private final TrafficDistribution traffic;
    private final int episodeLength;
    private final Settings settings;
    private final JointActionEvaluator now;
    private final JointActionEvaluator next;
    private final int[] nvec;
    private final double[] reward;
    private final boolean[] change;
    private final Integer[] order;
    private final int[] rankOf;

    /**
     * @param model         the dynamics to plan with
     * @param state         the current internal state (e.g. {@code env::state}); its traffic is the next decision's
     * @param traffic       the next period's traffic as the planner assumes it
     * @param episodeLength decisions in the episode (the last one is greedy); {@link Integer#MAX_VALUE} when
     *                      there is no end (the live agent)
     * @param settings      gamma, candidates, samples, seed
     */
    public ExpectedValuePolicy(QuotaModel model, Supplier<QuotaState> state, TrafficDistribution traffic,
                               int episodeLength, Settings settings) {
        this.model = Objects.requireNonNull(model, "model");
        this.state = Objects.requireNonNull(state, "state");
        this.traffic = Objects.requireNonNull(traffic, "traffic");
        this.settings = Objects.requireNonNull(settings, "settings");
        if (episodeLength < 1) {
            throw new IllegalArgumentException("episodeLength must be >= 1, got " + episodeLength);
        }
        this.episodeLength = episodeLength;
        this.now = new JointActionEvaluator(model);
        this.next = new JointActionEvaluator(model);
        this.nvec = model.actionSpace().nvec();
        int count = now.jointCount();
        this.reward = new double[count];
        this.change = new boolean[count];
        this.order = new Integer[count];
        this.rankOf = new int[count];
    }

    /** On {@code env}'s own state and episode length, with {@code traffic} as the next period's distribution. */
    public static ExpectedValuePolicy of(QuotaEnv env, TrafficDistribution traffic, Settings settings) {
        return new ExpectedValuePolicy(env.model(), env::state, traffic, env.episodeLength(), settings);
    }

    public Settings settings() {
        return settings;
    }

    @Override
    public int[] act(double[] observation) {
        return decide(QuotaState.current(state)).action();
    }

    /** The decision in {@code s}, with its value. */
    public Decision decide(QuotaState s) {
        now.load(s);
        boolean paperFinal = model.isPaperFinalStep(s.step());
        now.forEach(paperFinal, (index, action, changed, r) -> {
            reward[index] = r;
            change[index] = changed;
        });
        boolean lastDecision = paperFinal || s.step() + 1 >= episodeLength;
        double[][] samples = lastDecision || settings.gamma() == 0 ? new double[0][]
                : traffic.sample(s, settings.samples(), Rng.of(settings.seed() * GOLDEN + s.step()));
        for (double[] u : samples) {
            if (u == null || u.length != nvec.length || Arrays.stream(u).anyMatch(v -> !(v >= 0) || Double.isInfinite(v))) {
                throw new IllegalArgumentException("traffic sample " + Arrays.toString(u) + " must have one finite value "
                        + ">= 0 per service (" + nvec.length + ")");
            }
        }
        int count = reward.length;
        if (samples.length == 0) {
            int best = 0;
            for (int k = 1; k < count; k++) {
                if (reward[k] > reward[best]) {
                    best = k;
                }
            }
            return new Decision(unflatten(best), reward[best], reward[best], 0);
        }
        for (int k = 0; k < count; k++) {
            order[k] = k;
        }
        // stable: equal rewards keep the lexicographic order
        Arrays.sort(order, (x, y) -> Double.compare(reward[y], reward[x]));
        int candidates = Math.min(settings.candidates(), count);
        boolean nextPaperFinal = model.isPaperFinalStep(s.step() + 1);
        int n = nvec.length;
        // the state each candidate leaves, per service; looked ahead from in lexicographic order, so that
        // consecutive candidates share most services and the evaluator reloads only the others
        int[] chosen = new int[candidates];
        for (int c = 0; c < candidates; c++) {
            chosen[c] = order[c];
        }
        Arrays.sort(chosen);
        if (settings.confidence() > 0) {
            for (int c = 0; c < candidates; c++) {
                rankOf[order[c]] = c;
            }
        }
        int[][] actions = new int[candidates][];
        int[][] pods = new int[candidates][n];
        double[][] res = new double[candidates][n];
        for (int c = 0; c < candidates; c++) {
            int k = chosen[c];
            actions[c] = unflatten(k);
            for (int i = 0; i < n; i++) {
                pods[c][i] = now.podsAfter(i, actions[c][i], change[k]);
                res[c][i] = model.store(now.resources(i, actions[c][i], change[k]));
            }
        }
        double[] sum = new double[candidates];
        // per candidate (in the order of order[]) and sample: the value, for a cautious choice
        double[][] perSample = settings.confidence() > 0 ? new double[candidates][samples.length] : null;
        for (int k = 0; k < samples.length; k++) {
            double[] u = samples[k];
            for (int c = 0; c < candidates; c++) {
                for (int i = 0; i < n; i++) {
                    if (c == 0 || actions[c][i] != actions[c - 1][i] || pods[c][i] != pods[c - 1][i]
                            || res[c][i] != res[c - 1][i]) {
                        next.loadService(i, actions[c][i], pods[c][i], res[c][i], u[i]);
                    }
                }
                double r = next.bestReward(nextPaperFinal);
                sum[c] += r;
                if (perSample != null) {
                    int rank = rankOf[chosen[c]];
                    perSample[rank][k] = reward[chosen[c]] + settings.gamma() * r;
                }
            }
        }
        if (perSample != null) {
            int k = order[CautiousChoice.choose(perSample, candidates, samples.length, settings.confidence())];
            int at = Arrays.binarySearch(chosen, k);
            return new Decision(unflatten(k), reward[k], reward[k] + settings.gamma() * (sum[at] / samples.length),
                    samples.length);
        }
        // the best value; ties to the higher immediate reward, then the lower index (the order of order[])
        int best = -1;
        double bestValue = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < candidates; c++) {
            int k = order[c];
            int at = Arrays.binarySearch(chosen, k);
            double value = reward[k] + settings.gamma() * (sum[at] / samples.length);
            if (value > bestValue) {
                bestValue = value;
                best = k;
            }
        }
        return new Decision(unflatten(best), reward[best], bestValue, samples.length);
    }

    private int[] unflatten(int index) {
        int[] a = new int[nvec.length];
        for (int i = nvec.length - 1; i >= 0; i--) {
            a[i] = index % nvec[i];
            index /= nvec[i];
        }
        return a;
    }

    @Override
    public String name() {
        return NAME;
    }
}
