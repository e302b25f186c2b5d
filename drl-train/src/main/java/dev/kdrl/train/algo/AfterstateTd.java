package dev.kdrl.train.algo;

import dev.kdrl.core.policy.ActorHead;
import dev.kdrl.core.policy.EnvSignature;
import dev.kdrl.core.policy.Mlp;
import dev.kdrl.core.policy.ObservationNormalizer;
import dev.kdrl.core.policy.RunningMeanStd;
import dev.kdrl.core.policy.SavedPolicy;
import dev.kdrl.core.rng.Rng;
import dev.kdrl.env.baseline.Baselines;
import dev.kdrl.env.baseline.TrafficDistribution;
import dev.kdrl.env.quota.QuotaEnv;
import dev.kdrl.env.quota.QuotaModel;
import dev.kdrl.env.quota.QuotaState;
import dev.kdrl.env.quota.TraceSampler;
import dev.kdrl.env.quota.Transition;
import dev.kdrl.env.trace.Trace;
import dev.kdrl.env.value.AfterstateFeatures;
import dev.kdrl.env.value.AfterstatePolicy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Temporal-difference learning of the value of the state right after a decision (the afterstate), acting by a
 * one-step search on the model ({@link AfterstatePolicy}): TD-Gammon's scheme on the quota model. Every iteration
 * plays one whole episode per environment with the current value (a plain-Java copy), exploring with probability
 * {@code epsilon} by a uniformly chosen candidate instead of the best, then fits the value network (DL4J, Adam on
 * the squared error) to the episodes' TD(lambda) returns: the afterstate of decision {@code t} is worth the next
 * decision's reward plus the discounted, lambda-mixed value and return after it; the last decision's afterstate is
 * worth nothing. With the value at zero the policy is the greedy planner, so learning starts from greedy's behaviour.
 * Deterministic for a given seed.
 */
public final class AfterstateTd {

    /**
     * The settings.
     *
     * @param gamma        discount
     * @param lambda       TD(lambda) mixing of bootstrapped values and returns (1: Monte Carlo returns)
     * @param candidates   joint actions searched per decision, the best by immediate reward
     * @param margin       when acting (evaluation, the saved policy), another candidate replaces the best by immediate
     *                     reward only if its score is higher by more than this ({@link AfterstatePolicy}); the training
     *                     episodes act with no margin, exploring
     * @param epsilon      exploration probability at the start, decreasing linearly to {@code epsilonFinal}
     * @param epsilonFinal exploration probability at the end
     * @param epochs       passes over each iteration's afterstates
     * @param batch        minibatch size
     * @param lr           Adam learning rate
     * @param rewardScale  rewards are multiplied by this for learning (the value's unit)
     * @param hidden       hidden layer sizes of the value network (tanh)
     * @param averageFrom  if &gt; 0, the policy (evaluated, saved) uses the value network's weights averaged over the
     *                     iterations from this many steps on, which smooths the noise of the last fits
     * @param seed         the one seed
     * @param dataType     FLOAT or DOUBLE
     * @param lookahead    how the saved policy looks two steps ahead when given the next period's traffic
     *                     distribution ({@link AfterstatePolicy.Lookahead}, saved with the model); null: one step. The
     *                     learning curve's evaluations act in one step, and so do the training episodes unless
     *                     {@code twoStepFrom} says otherwise
     * @param trafficFeatures the value also reads the traffic's statistics (lag-1 autocorrelation, mean, standard
     *                     deviation per service, {@link AfterstateFeatures#OBSERVATION_TRAFFIC}): in training those of
     *                     the episode's trace, as {@code drl evaluate} gives those of the played trace
     * @param twoStepFrom  if &gt; 0, from this many steps on the training episodes act (when not exploring) by the
     *                     two-step search the saved policy uses ({@code lookahead}'s value weight and confidence), over
     *                     at most {@link #TWO_STEP_CANDIDATES} first decisions and {@link #TWO_STEP_SAMPLES} draws of
     *                     the next period's load (fewer where {@code lookahead} has fewer) from the AR(1) fit of the
     *                     episode's trace, so that the value learns the returns of the search it serves
     *                     ({@link #trainingLookahead()}). The confidence counts standard errors of fewer draws, so
     *                     the training search leaves greedy's decision less often than the saved one; 0: one step
     *                     throughout
     * @param siblingTargets every candidate of a decision the training episode did not take also learns: its
     *                     afterstate, followed by the same next period's load, is worth the best one-step score (reward
     *                     plus discounted value, as the taken one's) of the decision after it (nothing after the
     *                     episode's last decision); so the value learns, from one draw of the load, the differences
     *                     between the afterstates the search compares, not only the afterstates it took
     * @param ensemble     value networks learnt side by side, each from its own initial weights and on the same
     *                     afterstates and targets; the policy (training episodes, evaluation, the saved model) uses
     *                     the mean of their values, saved as one network ({@link Mlp#mean}: hidden layers {@code
     *                     ensemble} times as wide); 1: one network. Not with {@code averageFrom}
     * @param ensembleOwnEpisodes with an ensemble: each member plays its own training episodes (its own random
     *                     streams, {@code envs} per iteration, acting by its own value) and learns from them alone,
     *                     as separately trained networks would, the normaliser's statistics gathered over all of them;
     *                     {@code timesteps} count one member's decisions. The saved policy is still the mean
     */
    public record Config(double gamma, double lambda, int candidates, double margin, double epsilon, double epsilonFinal, int epochs,
                         int batch, double lr, double rewardScale, int[] hidden, long averageFrom, long seed,
                         DataType dataType, AfterstatePolicy.Lookahead lookahead, boolean trafficFeatures,
                         long twoStepFrom, boolean siblingTargets, int ensemble, boolean ensembleOwnEpisodes) {

        /** Settings whose ensemble (if any) acts by the mean of its values in one group of training episodes. */
        public Config(double gamma, double lambda, int candidates, double margin, double epsilon, double epsilonFinal,
                      int epochs, int batch, double lr, double rewardScale, int[] hidden, long averageFrom, long seed,
                      DataType dataType, AfterstatePolicy.Lookahead lookahead, boolean trafficFeatures,
                      long twoStepFrom, boolean siblingTargets, int ensemble) {
            this(gamma, lambda, candidates, margin, epsilon, epsilonFinal, epochs, batch, lr, rewardScale, hidden,
                    averageFrom, seed, dataType, lookahead, trafficFeatures, twoStepFrom, siblingTargets, ensemble, false);
        }

        /** Settings with one value network. */
        public Config(double gamma, double lambda, int candidates, double margin, double epsilon, double epsilonFinal,
                      int epochs, int batch, double lr, double rewardScale, int[] hidden, long averageFrom, long seed,
                      DataType dataType, AfterstatePolicy.Lookahead lookahead, boolean trafficFeatures,
                      long twoStepFrom, boolean siblingTargets) {
            this(gamma, lambda, candidates, margin, epsilon, epsilonFinal, epochs, batch, lr, rewardScale, hidden,
                    averageFrom, seed, dataType, lookahead, trafficFeatures, twoStepFrom, siblingTargets, 1);
        }

        /** Settings where only the afterstates taken learn. */
        public Config(double gamma, double lambda, int candidates, double margin, double epsilon, double epsilonFinal,
                      int epochs, int batch, double lr, double rewardScale, int[] hidden, long averageFrom, long seed,
                      DataType dataType, AfterstatePolicy.Lookahead lookahead, boolean trafficFeatures,
                      long twoStepFrom) {
            this(gamma, lambda, candidates, margin, epsilon, epsilonFinal, epochs, batch, lr, rewardScale, hidden,
                    averageFrom, seed, dataType, lookahead, trafficFeatures, twoStepFrom, false);
        }

        /** First decisions the training episodes' two-step search looks ahead from (a quarter of the saved policy's). */
        public static final int TWO_STEP_CANDIDATES = 4;

        /** Draws of the next period's load per decision of the training episodes' two-step search. */
        public static final int TWO_STEP_SAMPLES = 8;

        /**
         * The two-step search of the training episodes ({@code twoStepFrom}): the saved one's value weight and
         * confidence over at most {@link #TWO_STEP_CANDIDATES} first decisions and {@link #TWO_STEP_SAMPLES} draws.
         */
        public AfterstatePolicy.Lookahead trainingLookahead() {
            return new AfterstatePolicy.Lookahead(Math.min(TWO_STEP_CANDIDATES, lookahead.candidates()),
                    Math.min(TWO_STEP_SAMPLES, lookahead.samples()), lookahead.valueWeight(), lookahead.confidence());
        }

        /** Settings whose training episodes act in one step. */
        public Config(double gamma, double lambda, int candidates, double margin, double epsilon, double epsilonFinal,
                      int epochs, int batch, double lr, double rewardScale, int[] hidden, long averageFrom, long seed,
                      DataType dataType, AfterstatePolicy.Lookahead lookahead, boolean trafficFeatures) {
            this(gamma, lambda, candidates, margin, epsilon, epsilonFinal, epochs, batch, lr, rewardScale, hidden,
                    averageFrom, seed, dataType, lookahead, trafficFeatures, 0);
        }

        /** Settings whose value reads no traffic statistics. */
        public Config(double gamma, double lambda, int candidates, double margin, double epsilon, double epsilonFinal,
                      int epochs, int batch, double lr, double rewardScale, int[] hidden, long averageFrom, long seed,
                      DataType dataType, AfterstatePolicy.Lookahead lookahead) {
            this(gamma, lambda, candidates, margin, epsilon, epsilonFinal, epochs, batch, lr, rewardScale, hidden,
                    averageFrom, seed, dataType, lookahead, false);
        }

        /** Settings whose saved policy decides in one step. */
        public Config(double gamma, double lambda, int candidates, double margin, double epsilon, double epsilonFinal,
                      int epochs, int batch, double lr, double rewardScale, int[] hidden, long averageFrom, long seed,
                      DataType dataType) {
            this(gamma, lambda, candidates, margin, epsilon, epsilonFinal, epochs, batch, lr, rewardScale, hidden,
                    averageFrom, seed, dataType, null);
        }

        public Config {
            if (!(gamma >= 0 && gamma < 1) || !(lambda >= 0 && lambda <= 1)) {
                throw new IllegalArgumentException("need gamma in [0, 1) and lambda in [0, 1], got " + gamma + ", "
                        + lambda);
            }
            if (candidates < 1 || epochs < 1 || batch < 1 || !(lr > 0) || !(rewardScale > 0)) {
                throw new IllegalArgumentException("need candidates, epochs, batch >= 1 and lr, rewardScale > 0, got "
                        + candidates + ", " + epochs + ", " + batch + ", " + lr + ", " + rewardScale);
            }
            if (!(margin >= 0) || Double.isInfinite(margin)) {
                throw new IllegalArgumentException("margin must be a finite number >= 0, got " + margin);
            }
            if (!(epsilon >= 0 && epsilon <= 1) || !(epsilonFinal >= 0 && epsilonFinal <= 1)) {
                throw new IllegalArgumentException("exploration probabilities must be in [0, 1], got " + epsilon + ", "
                        + epsilonFinal);
            }
            hidden = hidden.clone();
            if (averageFrom < 0) {
                throw new IllegalArgumentException("averageFrom must be >= 0 (0: no averaging), got " + averageFrom);
            }
            if (twoStepFrom < 0) {
                throw new IllegalArgumentException("twoStepFrom must be >= 0 (0: one step), got " + twoStepFrom);
            }
            if (ensemble < 1) {
                throw new IllegalArgumentException("ensemble must be >= 1 value networks, got " + ensemble);
            }
            if (ensembleOwnEpisodes && ensemble == 1) {
                throw new IllegalArgumentException("own training episodes per member need an ensemble of more than one "
                        + "value network, got ensemble 1");
            }
            if (ensemble > 1 && averageFrom > 0) {
                throw new IllegalArgumentException("an ensemble of " + ensemble + " value networks cannot also average "
                        + "weights (averageFrom " + averageFrom + "): use one or the other");
            }
            if (twoStepFrom > 0 && lookahead == null) {
                throw new IllegalArgumentException("training episodes can act in two steps only for a policy saved to "
                        + "look two steps ahead (lookahead settings), got none");
            }
        }
    }

    private final QuotaModel model;
    private final TraceSampler sampler;
    private final int envs;
    private final Config config;
    private final ActorCritic nets;
    // the ensemble's value networks, nets first
    private final List<ActorCritic> members = new ArrayList<>();
    // per group of training episodes: its random streams (group 0: the learner's own)
    private final List<Streams> streams = new ArrayList<>();
    private final RunningMeanStd stats;
    private long timesteps;
    private int iteration;
    private double[][] weightSum;
    private double[][] biasSum;
    private int averaged;
    private long rolloutCpuNanos;
    private long fitCpuNanos;
    private java.util.function.BiConsumer<double[][], double[]> fitted;

    /**
     * @param sampler the traffic of each training episode
     * @param envs    episodes per iteration
     */
    public AfterstateTd(QuotaModel model, TraceSampler sampler, int envs, Config config) {
        this.model = Objects.requireNonNull(model, "model");
        this.sampler = Objects.requireNonNull(sampler, "sampler");
        if (envs < 1) {
            throw new IllegalArgumentException("envs must be >= 1, got " + envs);
        }
        this.envs = envs;
        this.config = Objects.requireNonNull(config, "config");
        Rng root = Rng.of(config.seed());
        Rng init = root.split();
        streams.add(new Streams(root.split(), root.split(), root.split()));
        int size = AfterstateFeatures.size(model, config.trafficFeatures());
        // the actor of the pair is unused: only the critic (the afterstate value) learns
        this.nets = new ActorCritic(size, config.hidden(), 1, config.lr(), config.lr(), init, config.dataType());
        members.add(nets);
        for (int k = 1; k < config.ensemble(); k++) {
            members.add(new ActorCritic(size, config.hidden(), 1, config.lr(), config.lr(), root.split(),
                    config.dataType()));
        }
        for (int k = 1; config.ensembleOwnEpisodes() && k < config.ensemble(); k++) {
            streams.add(new Streams(root.split(), root.split(), root.split()));
        }
        this.stats = new RunningMeanStd(size);
    }

    /**
     * Receives every iteration's afterstates and their targets before the value is fitted to them: the taken ones,
     * episode by episode (last decision first), then the {@link Config#siblingTargets} ones in the order they were
     * met. For tests.
     */
    void onFit(java.util.function.BiConsumer<double[][], double[]> consumer) {
        this.fitted = consumer;
    }

    public long timesteps() {
        return timesteps;
    }

    /** The policy as it stands (with the acting margin), acting on {@code state}. */
    public AfterstatePolicy policy(java.util.function.Supplier<QuotaState> state) {
        return new AfterstatePolicy(model, state, value(), stats.freeze(), config.gamma(),
                config.rewardScale(), config.candidates(), config.margin());
    }

    /**
     * The policy as it stands (with the acting margin), playing {@code env} in one step: it knows where the episode ends
     * (its last decision is greedy's, as in {@code drl evaluate}), and a traffic-aware value reads the statistics of
     * {@code env}'s trace, as in training.
     */
    public AfterstatePolicy policy(QuotaEnv env) {
        return policy(env::state).setTraffic(TrafficDistribution.none(), env.episodeLength(), 0)
                .setStatistics(statistics(env.trace()));
    }

    /** The traffic statistics of {@code trace} when the value reads them, else null. */
    private double[] statistics(Trace trace) {
        return config.trafficFeatures() ? Baselines.trafficModel(model, trace, null).statistics() : null;
    }

    /** The value network the policy uses: the latest, or the average from {@code averageFrom} on. */
    private Mlp value() {
        Mlp latest = latest();
        if (averaged == 0) {
            return latest;
        }
        double[][] w = new double[weightSum.length][];
        double[][] b = new double[biasSum.length][];
        for (int l = 0; l < w.length; l++) {
            w[l] = weightSum[l].clone();
            b[l] = biasSum[l].clone();
            for (int i = 0; i < w[l].length; i++) {
                w[l][i] /= averaged;
            }
            for (int i = 0; i < b[l].length; i++) {
                b[l][i] /= averaged;
            }
        }
        return Mlp.of(latest.layerSizes(), latest.hiddenActivation(), w, b);
    }

    /** The latest value network, or the mean of the ensemble's latest ones. */
    private Mlp latest() {
        if (members.size() == 1) {
            return nets.exportCritic();
        }
        return Mlp.mean(members.stream().map(ActorCritic::exportCritic).toList());
    }

    /** The ensemble's value networks as they stand (one: the value network). For tests. */
    List<Mlp> members() {
        return members.stream().map(ActorCritic::exportCritic).toList();
    }

    private void accumulate() {
        Mlp latest = nets.exportCritic();
        double[][] w = latest.weights();
        double[][] b = latest.biases();
        if (weightSum == null) {
            weightSum = new double[w.length][];
            biasSum = new double[b.length][];
            for (int l = 0; l < w.length; l++) {
                weightSum[l] = new double[w[l].length];
                biasSum[l] = new double[b[l].length];
            }
        }
        for (int l = 0; l < w.length; l++) {
            for (int i = 0; i < w[l].length; i++) {
                weightSum[l][i] += w[l][i];
            }
            for (int i = 0; i < b[l].length; i++) {
                biasSum[l][i] += b[l][i];
            }
        }
        averaged++;
    }

    /**
     * Trains until {@code totalTimesteps} decisions were taken (whole iterations) or {@code onIteration} returns
     * false; it receives each iteration's metrics.
     */
    public void learn(long totalTimesteps, java.util.function.Predicate<Map<String, Double>> onIteration) {
        long start = timesteps;
        long t0 = System.nanoTime();
        boolean go = true;
        while (go && timesteps < totalTimesteps) {
            double progress = (timesteps - start) / (double) Math.max(1, totalTimesteps - start);
            double eps = config.epsilon() + (config.epsilonFinal() - config.epsilon()) * progress;
            boolean twoStep = config.twoStepFrom() > 0 && timesteps >= config.twoStepFrom();
            long c0 = Cpu.processNanos();
            ObservationNormalizer norm = stats.freeze();
            // one group of training episodes acting by the ensemble's mean, or one per member acting by its own value
            int groups = config.ensembleOwnEpisodes() ? members.size() : 1;
            List<Played> played = new ArrayList<>();
            for (int k = 0; k < groups; k++) {
                Mlp value = config.ensembleOwnEpisodes() ? members.get(k).exportCritic() : latest();
                played.add(play(k, value, norm, eps, twoStep));
            }
            timesteps += played.get(0).steps;
            iteration++;
            long c1 = Cpu.processNanos();
            rolloutCpuNanos += c1 - c0;
            for (Played p : played) {
                if (fitted != null) {
                    fitted.accept(p.raw, p.targets);
                }
                stats.update(p.raw);
            }
            ObservationNormalizer fitNorm = stats.freeze();
            List<double[][]> inputs = played.stream().map(p -> normalized(fitNorm, p.raw)).toList();
            double loss = 0;
            for (int k = 0; k < members.size(); k++) {
                int group = groups == 1 ? 0 : k;
                loss += OnPolicyAlgorithm.fitCritic(members.get(k), inputs.get(group), played.get(group).targets,
                        config.epochs(), config.batch(), streams.get(group).batches());
            }
            loss /= members.size();
            fitCpuNanos += Cpu.processNanos() - c1;
            if (config.averageFrom() > 0 && timesteps >= config.averageFrom()) {
                accumulate();
            }
            double returns = 0;
            double explored = 0;
            long steps = 0;
            for (Played p : played) {
                returns += p.returns;
                explored += p.explored;
                steps += p.steps;
            }
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("rollout/ep_rew_mean", returns / (envs * groups));
            m.put("train/value_loss", loss);
            m.put("train/epsilon", eps);
            m.put("train/explored", explored / steps);
            m.put("time/iterations", (double) iteration);
            m.put("time/total_timesteps", (double) timesteps);
            m.put("time/elapsed_s", (System.nanoTime() - t0) / 1e9);
            m.put("time/rollout_cpu_s", rolloutCpuNanos / 1e9);
            m.put("time/policy_cpu_s", 0.0);
            m.put("time/critic_cpu_s", fitCpuNanos / 1e9);
            go = onIteration.test(m);
        }
    }

    /** One group of training episodes' random streams: exploration, the episodes' traffic, the value's minibatches. */
    private record Streams(Rng explore, Rng episodes, Rng batches) {
    }

    /** What one group of training episodes played: the afterstates and their targets, the returns, the decisions. */
    private record Played(double[][] raw, double[] targets, double returns, double explored, int steps) {
    }

    /**
     * Plays one iteration's {@code envs} training episodes acting by {@code value}, with group {@code k}'s random
     * streams (group 0: the learner's own), and returns their afterstates and targets: the taken ones, episode by episode
     * (last decision first), then the {@link Config#siblingTargets} ones in the order they were met.
     */
    private Played play(int k, Mlp value, ObservationNormalizer norm, double eps, boolean twoStep) {
        Rng explore = streams.get(k).explore();
        Rng episodes = streams.get(k).episodes();
        List<double[]> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        double returns = 0;
        double explored = 0;
        int steps = 0;
        AfterstatePolicy.Scores scores = new AfterstatePolicy.Scores(config.candidates());
        AfterstatePolicy.Scores following = new AfterstatePolicy.Scores(config.candidates());
        List<double[]> siblings = new ArrayList<>();
        List<Double> siblingTargets = new ArrayList<>();
        for (int e = 0; e < envs; e++) {
            QuotaEnv env = new QuotaEnv(model, sampler.sample(episodes.nextSeed()));
            env.reset(0);
            AfterstatePolicy policy = new AfterstatePolicy(model, env::state, value, norm, config.gamma(),
                    config.rewardScale(), config.candidates());
            if (twoStep) {
                // the search the saved policy runs, cheaper, knowing where the episode ends as drl evaluate
                // tells it (nothing is looked at past the last decision)
                policy.setLookahead(config.trainingLookahead())
                        .setTraffic(Baselines.trafficModel(model, env.trace(), null), env.episodeLength(),
                                config.seed() * 1_000_003L + iteration * (long) envs + e + k * GOLDEN);
            }
            policy.setStatistics(statistics(env.trace()));
            List<double[]> after = new ArrayList<>();
            List<Double> rewards = new ArrayList<>();
            List<Double> values = new ArrayList<>();
            while (!env.episodeOver()) {
                QuotaState s = env.state();
                policy.act(s, scores);
                int pick = scores.best;
                boolean exploring = scores.count > 1 && explore.nextDouble() < eps;
                if (exploring) {
                    pick = explore.nextInt(scores.count);
                    explored++;
                }
                int[] action = scores.candidates[pick];
                double[] afterstate = scores.afterstates[pick];
                double v = (scores.score[pick] - scores.reward[pick] * config.rewardScale()) / Math.max(1e-12,
                        config.gamma());
                int[] searched = twoStep && !exploring ? policy.twoSteps(s) : null;
                if (searched != null) {
                    Transition t = model.decide(s, searched);
                    action = searched;
                    v = policy.value(s, t);
                    afterstate = policy.lastFeatures();
                }
                int[] others = config.siblingTargets() ? siblingsOf(scores, action) : null;
                boolean paperFinal = model.isPaperFinalStep(s.step());
                double r = env.step(action).reward();
                if (others != null && !paperFinal) {
                    // the same next period's load after each candidate not taken
                    double[] load = env.state().traffic();
                    for (int j : others) {
                        siblings.add(scores.afterstates[j]);
                        if (env.episodeOver()) {
                            siblingTargets.add(0.0);
                        } else {
                            QuotaState next = model.next(s, model.decide(s, scores.candidates[j]), load);
                            policy.act(next, following);
                            siblingTargets.add(following.score[following.best]);
                        }
                    }
                }
                after.add(afterstate);
                values.add(v);
                rewards.add(r);
                returns += r;
                steps++;
            }
            // TD(lambda) return of each afterstate; the last one is terminal
            int len = after.size();
            double g = 0;
            for (int t = len - 1; t >= 0; t--) {
                if (t == len - 1) {
                    g = 0;
                } else {
                    double next = rewards.get(t + 1) * config.rewardScale();
                    double vNext = config.gamma() == 0 ? 0 : values.get(t + 1);
                    g = next + config.gamma() * ((1 - config.lambda()) * vNext + config.lambda() * g);
                }
                xs.add(after.get(t));
                ys.add(g);
            }
        }
        xs.addAll(siblings);
        ys.addAll(siblingTargets);
        return new Played(xs.toArray(double[][]::new), ys.stream().mapToDouble(Double::doubleValue).toArray(), returns,
                explored, steps);
    }

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    /**
     * The indices of the candidates of {@code scores} other than {@code taken} (their afterstates were recorded by the
     * one-step search, {@link AfterstatePolicy#act(QuotaState, AfterstatePolicy.Scores)}).
     */
    private static int[] siblingsOf(AfterstatePolicy.Scores scores, int[] taken) {
        return java.util.stream.IntStream.range(0, scores.count)
                .filter(j -> !java.util.Arrays.equals(scores.candidates[j], taken)).toArray();
    }

    /** {@code raw} afterstates as the value networks read them. */
    private static double[][] normalized(ObservationNormalizer norm, double[][] raw) {
        double[][] x = new double[raw.length][];
        for (int i = 0; i < raw.length; i++) {
            x[i] = norm.normalize(raw[i]);
        }
        return x;
    }

    private Map<String, String> recorded = Map.of();

    /**
     * Also records {@code entries} among the hyper-parameters of every snapshot (e.g. the training loads, which
     * {@code drl evaluate} and the agent read back); returns this.
     */
    public AfterstateTd recording(Map<String, String> entries) {
        this.recorded = Map.copyOf(entries);
        return this;
    }

    /** The hyper-parameters as saved with the model. */
    public Map<String, String> hyperParameters() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("gamma", Double.toString(config.gamma()));
        m.put("lambda", Double.toString(config.lambda()));
        m.put("candidates", Integer.toString(config.candidates()));
        m.put("margin", Double.toString(config.margin()));
        m.put("epsilon", Double.toString(config.epsilon()));
        m.put("epsilon_final", Double.toString(config.epsilonFinal()));
        m.put("n_epochs", Integer.toString(config.epochs()));
        m.put("batch_size", Integer.toString(config.batch()));
        m.put("learning_rate", Double.toString(config.lr()));
        m.put("reward_scale", Double.toString(config.rewardScale()));
        m.put("hidden", java.util.Arrays.toString(config.hidden()));
        m.put("average_from", Long.toString(config.averageFrom()));
        m.put("n_envs", Integer.toString(envs));
        m.put("seed", Long.toString(config.seed()));
        m.put("dtype", config.dataType().name().toLowerCase(java.util.Locale.ROOT));
        if (config.trafficFeatures()) {
            m.put("traffic_features", "true");
        }
        if (config.lookahead() != null) {
            m.putAll(config.lookahead().hyperParameters());
        }
        if (config.twoStepFrom() > 0) {
            m.put("two_step_from", Long.toString(config.twoStepFrom()));
        }
        if (config.siblingTargets()) {
            m.put("sibling_targets", "true");
        }
        if (config.ensemble() > 1) {
            m.put("ensemble", Integer.toString(config.ensemble()));
            if (config.ensembleOwnEpisodes()) {
                m.put("ensemble_own_episodes", "true");
            }
        }
        m.putAll(recorded);
        return m;
    }

    /** The value network in its saved form, for an environment described by {@code signature}. */
    public SavedPolicy snapshot(EnvSignature signature) {
        return new SavedPolicy("afterstate", hyperParameters(), signature, value(), null, stats.freeze(),
                SavedPolicy.currentLibraryVersion(), ActorHead.AFTERSTATE_VALUE);
    }
}
