package dev.kdrl.train.algo;

import dev.kdrl.core.env.VecEnv;
import dev.kdrl.core.env.VecStepResult;
import dev.kdrl.core.policy.MultiCategorical;
import dev.kdrl.core.policy.ObservationNormalizer;
import dev.kdrl.core.policy.RunningMeanStd;
import dev.kdrl.core.rng.Rng;
import dev.kdrl.core.space.MultiDiscrete;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The shared on-policy loop (stable-baselines3's {@code OnPolicyAlgorithm}): collect {@code nSteps}
 * steps of every environment of a {@link VecEnv} (one batched actor and critic forward per step), compute
 * GAE advantages (bootstrapping time-limit truncations with the value of the final observation), hand
 * the batch to {@link #update(Batch)}, report metrics to the callbacks, repeat.
 *
 * <p>Randomness: one seed, split into the weight initialisation, the action sampling, the environment
 * resets and the minibatch order.
 */
public abstract class OnPolicyAlgorithm {

    /**
     * Settings shared by the on-policy algorithms.
     *
     * @param nSteps                steps per environment per rollout (published TRPO: 200 with one env)
     * @param gamma                 discount (0.99)
     * @param gaeLambda             GAE lambda (0.95)
     * @param normalizeAdvantage    standardise advantages per batch (true)
     * @param normalizeObservations running mean/variance normalisation of observations, saved with the model
     * @param rewardScale           rewards are multiplied by this for learning only (1 = published); metrics
     *                              report unscaled returns. Keeps the critic's targets near unit scale
     * @param hidden                hidden layer sizes of actor and critic (128, 128)
     * @param seed                  the one seed
     * @param dataType              the networks' floating-point type, DOUBLE or FLOAT (FLOAT: about twice as fast;
     *                              DOUBLE where results are compared to the last digit)
     */
    public record Common(int nSteps, double gamma, double gaeLambda, boolean normalizeAdvantage,
                         boolean normalizeObservations, double rewardScale, int[] hidden, long seed,
                         org.nd4j.linalg.api.buffer.DataType dataType) {

        /** In double precision. */
        public Common(int nSteps, double gamma, double gaeLambda, boolean normalizeAdvantage,
                      boolean normalizeObservations, double rewardScale, int[] hidden, long seed) {
            this(nSteps, gamma, gaeLambda, normalizeAdvantage, normalizeObservations, rewardScale, hidden, seed,
                    org.nd4j.linalg.api.buffer.DataType.DOUBLE);
        }

        public Common {
            if (nSteps < 1) {
                throw new IllegalArgumentException("nSteps must be >= 1, got " + nSteps);
            }
            if (!(gamma > 0 && gamma <= 1)) {
                throw new IllegalArgumentException("gamma must be in (0, 1], got " + gamma);
            }
            if (!(gaeLambda >= 0 && gaeLambda <= 1)) {
                throw new IllegalArgumentException("gaeLambda must be in [0, 1], got " + gaeLambda);
            }
            if (!(rewardScale > 0)) {
                throw new IllegalArgumentException("rewardScale must be > 0, got " + rewardScale);
            }
            hidden = hidden.clone();
            for (int h : hidden) {
                if (h < 1) {
                    throw new IllegalArgumentException("hidden layer sizes must be >= 1, got " + h);
                }
            }
        }
    }

    /**
     * One rollout, flattened to {@code N = nSteps * numEnvs} samples.
     *
     * @param observations observations as the networks saw them (normalised if enabled)
     * @param actions      actions taken
     * @param logProbs     their log-probabilities under the rollout policy
     * @param logits       the rollout policy's logits
     * @param values       critic values
     * @param advantages   GAE advantages (not yet normalised)
     * @param returns      value targets
     */
    public record Batch(double[][] observations, int[][] actions, double[] logProbs, double[][] logits,
                        double[] values, double[] advantages, double[] returns) {

        public int size() {
            return actions.length;
        }
    }

    protected final VecEnv<double[], int[]> env;
    protected final Common common;
    protected final MultiCategorical heads;
    protected final ActorCritic nets;
    protected final Rng sampling;
    protected final Rng minibatches;
    private final Rng resets;
    private final Rng criticBatches;
    private java.util.concurrent.ExecutorService criticThread;
    private boolean criticOnThisThread;
    private final RunningMeanStd obsStats;
    private final Deque<Double> recentReturns = new ArrayDeque<>();
    private final Deque<Integer> recentLengths = new ArrayDeque<>();
    private double[] episodeReturn;
    private int[] episodeLength;
    private List<double[]> lastObs;
    private long timesteps;
    private long rolloutCpuNanos;
    private long policyCpuNanos;
    private long criticCpuNanos;
    private int iteration;
    private double progress;

    protected OnPolicyAlgorithm(VecEnv<double[], int[]> env, Common common, double actorLr, double criticLr) {
        this.env = Objects.requireNonNull(env, "env");
        this.common = common;
        if (!(env.actionSpace() instanceof MultiDiscrete md)) {
            throw new IllegalArgumentException("on-policy algorithms here need a MultiDiscrete action space, got "
                    + env.actionSpace());
        }
        this.heads = new MultiCategorical(md.nvec());
        Rng root = Rng.of(common.seed());
        Rng init = root.split();
        this.sampling = root.split();
        this.minibatches = root.split();
        this.resets = root.split();
        this.criticBatches = root.split();
        int obsSize = env.observationSpace().flatSize();
        this.nets = new ActorCritic(obsSize, common.hidden(), heads.width(), actorLr, criticLr, init, common.dataType());
        this.obsStats = common.normalizeObservations() ? new RunningMeanStd(obsSize) : null;
    }

    /**
     * The share of this {@link #learn} call's steps collected so far, as seen by {@link #update} (after the
     * rollout it updates on: {@code 1/k} for the first of {@code k} updates, 1 for the last), for schedules.
     */
    protected double progress() {
        return progress;
    }

    /** The update of one algorithm: returns its {@code train/...} metrics. */
    protected abstract Map<String, Double> update(Batch batch);

    /** The algorithm's name, as saved with the model. */
    public abstract String name();

    /** The hyper-parameters, as saved with the model. */
    public abstract Map<String, String> hyperParameters();

    /** The shared settings as hyper-parameter entries (stable-baselines3's names), for the saved model. */
    protected Map<String, String> commonHyperParameters() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("n_envs", Integer.toString(env.numEnvs()));
        m.put("n_steps", Integer.toString(common.nSteps()));
        m.put("gamma", Double.toString(common.gamma()));
        m.put("gae_lambda", Double.toString(common.gaeLambda()));
        m.put("normalize_advantage", Boolean.toString(common.normalizeAdvantage()));
        m.put("normalize_observations", Boolean.toString(common.normalizeObservations()));
        m.put("reward_scale", Double.toString(common.rewardScale()));
        m.put("hidden", java.util.Arrays.toString(common.hidden()));
        m.put("seed", Long.toString(common.seed()));
        m.put("dtype", common.dataType().name().toLowerCase(java.util.Locale.ROOT));
        return m;
    }

    public ActorCritic networks() {
        return nets;
    }

    public MultiCategorical heads() {
        return heads;
    }

    public long timesteps() {
        return timesteps;
    }

    /** The observation normaliser as it stands (identity when disabled). */
    public ObservationNormalizer normalizer() {
        return obsStats == null ? ObservationNormalizer.identity(env.observationSpace().flatSize()) : obsStats.freeze();
    }

    private Map<String, String> recorded = Map.of();

    /**
     * Also records {@code entries} among the hyper-parameters of every snapshot (e.g. the dynamics trained in, which
     * {@code drl evaluate} reads back); returns this algorithm.
     */
    public OnPolicyAlgorithm recording(Map<String, String> entries) {
        this.recorded = Map.copyOf(entries);
        return this;
    }

    /** The current policy in its saved form (plain-Java networks), for an environment described by {@code env}. */
    public dev.kdrl.core.policy.SavedPolicy snapshot(dev.kdrl.core.policy.EnvSignature signature) {
        Map<String, String> hyper = new LinkedHashMap<>(hyperParameters());
        hyper.putAll(recorded);
        return new dev.kdrl.core.policy.SavedPolicy(name(), hyper, signature, nets.exportActor(),
                nets.exportCritic(), normalizer(), dev.kdrl.core.policy.SavedPolicy.currentLibraryVersion());
    }

    /** Resets the environments once, before the first rollout of {@link #learn} or {@link #imitate}. */
    private void start() {
        if (lastObs == null) {
            lastObs = env.reset(resets.nextSeed());
            episodeReturn = new double[env.numEnvs()];
            episodeLength = new int[env.numEnvs()];
        }
    }

    /** Trains for at least {@code totalTimesteps} environment steps (whole rollouts) or until a callback stops it. */
    public void learn(long totalTimesteps, List<TrainingCallback> callbacks) {
        start();
        for (TrainingCallback c : callbacks) {
            c.onStart(this, totalTimesteps);
        }
        try {
            long start = System.nanoTime();
            long startSteps = timesteps;
            boolean go = true;
            while (go && timesteps < totalTimesteps) {
                long t0 = System.nanoTime();
                long c0 = Cpu.processNanos();
                Batch batch = collect();
                double rolloutSeconds = (System.nanoTime() - t0) / 1e9;
                long c1 = Cpu.processNanos();
                rolloutCpuNanos += c1 - c0;
                progress = totalTimesteps <= startSteps ? 1 : (timesteps - startSteps) / (double) (totalTimesteps - startSteps);
                long t1 = System.nanoTime();
                long critic0 = nets.criticCpuNanos();
                Map<String, Double> metrics = new LinkedHashMap<>(update(batch));
                double trainSeconds = (System.nanoTime() - t1) / 1e9;
                long criticNanos = nets.criticCpuNanos() - critic0;
                criticCpuNanos += criticNanos;
                policyCpuNanos += Cpu.processNanos() - c1 - criticNanos;
                iteration++;
                double elapsed = (System.nanoTime() - start) / 1e9;
                Map<String, Double> all = new LinkedHashMap<>();
                all.put("rollout/ep_rew_mean", mean(recentReturns));
                all.put("rollout/ep_len_mean", meanInt(recentLengths));
                all.putAll(metrics);
                all.put("time/iterations", (double) iteration);
                all.put("time/total_timesteps", (double) timesteps);
                all.put("time/fps", (timesteps - startSteps) / Math.max(1e-9, elapsed));
                all.put("time/rollout_fps", batch.size() / Math.max(1e-9, rolloutSeconds));
                all.put("time/train_fps", batch.size() / Math.max(1e-9, trainSeconds));
                all.put("time/elapsed_s", elapsed);
                all.put("time/rollout_cpu_s", rolloutCpuNanos / 1e9);
                all.put("time/policy_cpu_s", policyCpuNanos / 1e9);
                all.put("time/critic_cpu_s", criticCpuNanos / 1e9);
                TrainingCallback.Context ctx = new TrainingCallback.Context(this, iteration, timesteps, totalTimesteps,
                        all);
                for (TrainingCallback c : callbacks) {
                    go &= c.onIteration(ctx);
                }
            }
        } finally {
            // the critic's thread lives for one learn call: no idle thread is left behind per algorithm
            if (criticThread != null) {
                criticThread.shutdown();
                criticThread = null;
            }
        }
        for (TrainingCallback c : callbacks) {
            c.onEnd(this);
        }
    }

    /**
     * One rollout. The actor acts through its plain-Java copy ({@link ActorCritic#exportActor()}, refreshed once per
     * rollout: the weights do not change within it), one observation at a time, which is cheaper than a native call
     * per step; the critic's values of every observation, of the final observations of truncated episodes and of the
     * last observations are computed afterwards in one batched pass.
     */
    private Batch collect() {
        return collect(null);
    }

    /**
     * One rollout; with {@code im} also the teacher's label of every state (asked before the step), and the teacher
     * acts instead of the policy when {@code im.teacherActs}.
     */
    private Batch collect(Labels im) {
        int n = env.numEnvs();
        int steps = common.nSteps();
        dev.kdrl.core.policy.Mlp actor = nets.exportActor();
        double[][][] obs = new double[steps][][];
        int[][][] acts = new int[steps][n][];
        double[][][] logits = new double[steps][n][];
        double[][] logp = new double[steps][n];
        double[][] rewards = new double[steps][n];
        boolean[][] dones = new boolean[steps][n];
        List<double[]> truncatedFinals = new ArrayList<>();
        List<int[]> truncatedAt = new ArrayList<>();
        double[] u = new double[heads.heads()];
        for (int t = 0; t < steps; t++) {
            double[][] raw = lastObs.toArray(double[][]::new);
            if (obsStats != null) {
                obsStats.update(raw);
            }
            double[][] x = normalize(raw);
            obs[t] = x;
            List<int[]> actions = new ArrayList<>(n);
            for (int e = 0; e < n; e++) {
                logits[t][e] = actor.forward(x[e]);
                for (int h = 0; h < u.length; h++) {
                    u[h] = sampling.nextDouble();
                }
                acts[t][e] = heads.sample(logits[t][e], u);
                if (im != null) {
                    int[] label = im.teacher.act(e);
                    im.add(raw[e], label);
                    if (im.teacherActs) {
                        acts[t][e] = label.clone();
                    }
                }
                logp[t][e] = heads.logProb(logits[t][e], acts[t][e]);
                actions.add(acts[t][e]);
            }
            VecStepResult<double[]> r = env.step(actions);
            List<double[]> finals = new ArrayList<>();
            for (int e = 0; e < n; e++) {
                rewards[t][e] = r.rewards()[e] * common.rewardScale();
                dones[t][e] = r.done(e);
                episodeReturn[e] += r.rewards()[e];
                episodeLength[e]++;
                if (r.done(e)) {
                    remember(episodeReturn[e], episodeLength[e]);
                    episodeReturn[e] = 0;
                    episodeLength[e] = 0;
                    if (r.truncated()[e] && !r.terminated()[e]) {
                        finals.add(r.finalObservations().get(e));
                        truncatedAt.add(new int[] {t, e});
                    }
                }
            }
            if (!finals.isEmpty()) {
                // normalised with this step's statistics, as the networks would have seen them now
                truncatedFinals.addAll(List.of(normalize(finals.toArray(double[][]::new))));
            }
            lastObs = r.observations();
            timesteps += n;
        }
        // every value in one pass: the rollout's observations (step-major), the truncated finals, the last observations
        double[][] last = normalize(lastObs.toArray(double[][]::new));
        double[][] all = new double[steps * n + truncatedFinals.size() + n][];
        int k = 0;
        for (int t = 0; t < steps; t++) {
            for (int e = 0; e < n; e++) {
                all[k++] = obs[t][e];
            }
        }
        for (double[] f : truncatedFinals) {
            all[k++] = f;
        }
        for (double[] l : last) {
            all[k++] = l;
        }
        double[] v = nets.values(all);
        double[][] values = new double[steps][n];
        for (int t = 0; t < steps; t++) {
            System.arraycopy(v, t * n, values[t], 0, n);
        }
        for (int i = 0; i < truncatedAt.size(); i++) {
            int[] te = truncatedAt.get(i);
            rewards[te[0]][te[1]] += common.gamma() * v[steps * n + i];
        }
        double[] lastValues = java.util.Arrays.copyOfRange(v, v.length - n, v.length);
        Gae.Result g = Gae.compute(rewards, values, dones, lastValues, common.gamma(), common.gaeLambda());
        int total = steps * n;
        double[][] bo = new double[total][];
        int[][] ba = new int[total][];
        double[] blp = new double[total];
        double[][] bl = new double[total][];
        double[] bv = new double[total];
        double[] badv = new double[total];
        double[] bret = new double[total];
        k = 0;
        for (int e = 0; e < n; e++) {
            for (int t = 0; t < steps; t++) {
                bo[k] = obs[t][e];
                ba[k] = acts[t][e];
                blp[k] = logp[t][e];
                bl[k] = logits[t][e];
                bv[k] = values[t][e];
                badv[k] = g.advantages()[t][e];
                bret[k] = g.returns()[t][e];
                k++;
            }
        }
        return new Batch(bo, ba, blp, bl, bv, badv, bret);
    }

    /**
     * A planner that labels the states the environments are in (behaviour cloning, {@link #imitate}).
     */
    @FunctionalInterface
    public interface Teacher {
        /** The action the teacher takes in environment {@code env}'s current state (read before it steps). */
        int[] act(int env);
    }

    /** The labelled states of the rollouts so far: raw observations and the teacher's actions. */
    private static final class Labels {
        final Teacher teacher;
        boolean teacherActs;
        final List<double[]> observations = new ArrayList<>();
        final List<int[]> actions = new ArrayList<>();

        Labels(Teacher teacher) {
            this.teacher = teacher;
        }

        void add(double[] rawObservation, int[] action) {
            observations.add(rawObservation.clone());
            actions.add(action.clone());
        }
    }

    /**
     * What {@link #imitate} did.
     *
     * @param steps          environment steps it took (counted in {@link #timesteps()})
     * @param rounds         rollouts
     * @param samples        labelled states gathered
     * @param accuracy       share of the last rollout's states where the policy's most likely action equals the
     *                       teacher's for every service, measured before the last round's fit
     * @param crossEntropy   mean cross-entropy (summed over the services) of the last round's minibatches
     */
    public record Imitation(long steps, int rounds, int samples, double accuracy, double crossEntropy) {
    }

    /**
     * Behaviour cloning with DAgger before reinforcement learning: rollouts of {@code steps} environment steps in
     * all (whole rollouts) where the teacher acts in the first and the policy (sampling) in the others; every state
     * visited is labelled with the teacher's action and kept; after each rollout the actor takes {@code epochs *
     * rollout size / batchSize} Adam steps on minibatches of {@code batchSize} drawn from every labelled state so far,
     * minimising the cross-entropy to the teacher's action, and the critic fits the rollout's returns as in {@link
     * #learn}, so reinforcement learning starts from the teacher's behaviour with a critic of it. Uses its
     * own Adam optimiser with learning rate {@code lr}. Deterministic for a given seed.
     */
    public Imitation imitate(Teacher teacher, long steps, int epochs, int batchSize, double lr, int criticEpochs,
                             int criticBatch) {
        Objects.requireNonNull(teacher, "teacher");
        if (epochs < 1 || batchSize < 1) {
            throw new IllegalArgumentException("imitation epochs and batch size must be >= 1, got " + epochs + ", "
                    + batchSize);
        }
        start();
        Labels labels = new Labels(teacher);
        dev.kdrl.train.nn.AdamOps adam = nets.actorOptimizer(lr);
        long start = timesteps;
        int rounds = 0;
        double accuracy = Double.NaN;
        double crossEntropy = Double.NaN;
        while (timesteps - start < steps) {
            labels.teacherActs = rounds == 0;
            int from = labels.actions.size();
            Batch b = collect(labels);
            accuracy = agreement(labels, from);
            fitCritic(b, criticEpochs, criticBatch);
            crossEntropy = fitActorToLabels(labels, epochs * b.size() / batchSize, batchSize, adam);
            rounds++;
        }
        return new Imitation(timesteps - start, rounds, labels.actions.size(), accuracy, crossEntropy);
    }

    /** Share of the labelled states from {@code from} on where the actor's most likely action is the label. */
    private double agreement(Labels labels, int from) {
        dev.kdrl.core.policy.Mlp actor = nets.exportActor();
        ObservationNormalizer norm = normalizer();
        int same = 0;
        int n = labels.actions.size() - from;
        for (int i = from; i < labels.actions.size(); i++) {
            int[] a = heads.argmax(actor.forward(norm.normalize(labels.observations.get(i))));
            same += java.util.Arrays.equals(a, labels.actions.get(i)) ? 1 : 0;
        }
        return n == 0 ? Double.NaN : same / (double) n;
    }

    /** {@code updates} Adam steps of the actor on the cross-entropy to the labels; returns the mean loss. */
    private double fitActorToLabels(Labels labels, int updates, int batchSize, dev.kdrl.train.nn.AdamOps adam) {
        int size = labels.actions.size();
        int m = Math.min(batchSize, size);
        ObservationNormalizer norm = normalizer();
        double loss = 0;
        for (int k = 0; k < Math.max(1, updates); k++) {
            double[][] x = new double[m][];
            int[] pick = new int[m];
            for (int i = 0; i < m; i++) {
                pick[i] = minibatches.nextInt(size);
                x[i] = norm.normalize(labels.observations.get(pick[i]));
            }
            ActorCritic.ActorBatch batch = nets.actorBatch(x);
            double[][] logits = batch.logits();
            double[][] grad = new double[m][heads.width()];
            for (int i = 0; i < m; i++) {
                double[] lp = heads.logProbabilities(logits[i]);
                int[] label = labels.actions.get(pick[i]);
                loss -= heads.logProbFromLogProbs(lp, label) / m;
                heads.addLogProbGradientFromLogProbs(lp, label, -1.0 / m, grad[i]);
            }
            batch.step(grad, 0, adam);
        }
        return loss / Math.max(1, updates);
    }

    private double[][] normalize(double[][] raw) {
        if (obsStats == null) {
            return raw;
        }
        ObservationNormalizer norm = obsStats.freeze();
        double[][] out = new double[raw.length][];
        for (int i = 0; i < raw.length; i++) {
            out[i] = norm.normalize(raw[i]);
        }
        return out;
    }

    private void remember(double ret, int len) {
        recentReturns.addLast(ret);
        recentLengths.addLast(len);
        if (recentReturns.size() > 100) {
            recentReturns.removeFirst();
            recentLengths.removeFirst();
        }
    }

    private static double mean(Deque<Double> d) {
        if (d.isEmpty()) {
            return Double.NaN;
        }
        double s = 0;
        for (double v : d) {
            s += v;
        }
        return s / d.size();
    }

    private static double meanInt(Deque<Integer> d) {
        if (d.isEmpty()) {
            return Double.NaN;
        }
        double s = 0;
        for (int v : d) {
            s += v;
        }
        return s / d.size();
    }

    /** Advantages standardised to mean 0 and standard deviation 1 (when enabled). */
    protected double[] advantages(Batch b) {
        double[] a = b.advantages().clone();
        if (!common.normalizeAdvantage() || a.length < 2) {
            return a;
        }
        double mean = 0;
        for (double v : a) {
            mean += v;
        }
        mean /= a.length;
        double var = 0;
        for (double v : a) {
            var += (v - mean) * (v - mean);
        }
        double std = Math.sqrt(var / (a.length - 1));
        for (int i = 0; i < a.length; i++) {
            a[i] = (a[i] - mean) / (std + 1e-8);
        }
        return a;
    }

    /** Fits the critic after the actor on the calling thread instead (tests: the result must be the same). */
    void fitCriticOnThisThread() {
        criticOnThisThread = true;
    }

    /** What {@link #updateBesideCritic} returns: the actor update's result and the critic's mean minibatch loss. */
    protected record Updated<T>(T actor, double criticLoss) {
    }

    /**
     * Fits the critic to the returns ({@code epochs} passes of shuffled minibatches, in an order drawn from the
     * critic's own random stream) on a second thread while {@code actorUpdate} runs on this one. The two updates
     * read the same batch and change disjoint networks, so the result does not depend on how they interleave (same
     * seed, same result), and a second core shortens the update.
     */
    protected <T> Updated<T> updateBesideCritic(Batch b, int epochs, int batchSize,
                                                 java.util.function.Supplier<T> actorUpdate) {
        if (criticOnThisThread) {
            T a = actorUpdate.get();
            return new Updated<>(a, fitCritic(b, epochs, batchSize));
        }
        if (criticThread == null) {
            criticThread = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "critic-update");
                t.setDaemon(true);
                return t;
            });
        }
        java.util.concurrent.Future<Double> critic = criticThread.submit(() -> fitCritic(b, epochs, batchSize));
        T actor;
        try {
            actor = actorUpdate.get();
        } finally {
            // the critic's fit ends before this returns, whatever the actor's update did
            awaitQuietly(critic);
        }
        try {
            return new Updated<>(actor, critic.get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the critic was updating", e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private static void awaitQuietly(java.util.concurrent.Future<?> f) {
        boolean interrupted = false;
        while (!f.isDone()) {
            try {
                f.get();
            } catch (InterruptedException e) {
                interrupted = true;
            } catch (java.util.concurrent.ExecutionException e) {
                break;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private double fitCritic(Batch b, int epochs, int batchSize) {
        return fitCritic(nets, b.observations(), b.returns(), epochs, batchSize, criticBatches);
    }

    /**
     * Fits {@code nets}' critic to {@code targets}: {@code epochs} passes of minibatches of {@code batchSize} in an
     * order drawn from {@code rng}; returns the mean minibatch loss.
     */
    static double fitCritic(ActorCritic nets, double[][] inputs, double[] targets, int epochs, int batchSize,
                            Rng rng) {
        int n = targets.length;
        double loss = 0;
        int count = 0;
        for (int ep = 0; ep < epochs; ep++) {
            int[] order = permutation(rng, n);
            for (int s = 0; s < n; s += batchSize) {
                int m = Math.min(batchSize, n - s);
                double[][] x = new double[m][];
                double[] y = new double[m];
                for (int i = 0; i < m; i++) {
                    x[i] = inputs[order[s + i]];
                    y[i] = targets[order[s + i]];
                }
                loss += nets.criticStep(x, y);
                count++;
            }
        }
        return loss / Math.max(1, count);
    }

    /** A permutation of {@code 0..n-1} from the minibatch stream. */
    protected int[] permutation(int n) {
        return permutation(minibatches, n);
    }

    /** A permutation of {@code 0..n-1} drawn from {@code rng} (Fisher-Yates from the end). */
    static int[] permutation(Rng rng, int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int tmp = p[i];
            p[i] = p[j];
            p[j] = tmp;
        }
        return p;
    }

    /** {@code 1 - Var(returns - values) / Var(returns)}. */
    protected static double explainedVariance(double[] values, double[] returns) {
        double mr = 0;
        for (double r : returns) {
            mr += r;
        }
        mr /= returns.length;
        double vr = 0;
        double vd = 0;
        double md = 0;
        for (int i = 0; i < returns.length; i++) {
            md += returns[i] - values[i];
        }
        md /= returns.length;
        for (int i = 0; i < returns.length; i++) {
            vr += (returns[i] - mr) * (returns[i] - mr);
            double d = returns[i] - values[i] - md;
            vd += d * d;
        }
        return vr == 0 ? Double.NaN : 1 - vd / vr;
    }
}
