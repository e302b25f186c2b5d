package dev.kdrl.train.run;

import dev.kdrl.core.env.Env;
import dev.kdrl.core.env.SyncVecEnv;
import dev.kdrl.core.io.IoReasons;
import dev.kdrl.core.policy.EnvSignature;
import dev.kdrl.core.policy.PolicyFile;
import dev.kdrl.core.policy.SavedPolicy;
import dev.kdrl.core.policy.TrainedLoads;
import dev.kdrl.env.cluster.ClusterEnv;
import dev.kdrl.env.cluster.ClusterParams;
import dev.kdrl.env.cluster.ClusterReward;
import dev.kdrl.env.metrics.EpisodeRunner;
import dev.kdrl.env.quota.NoisyTraces;
import dev.kdrl.env.quota.Observation;
import dev.kdrl.env.quota.QuotaEnv;
import dev.kdrl.env.quota.QuotaModel;
import dev.kdrl.env.quota.SampledTrafficEnv;
import dev.kdrl.env.quota.Signatures;
import dev.kdrl.env.quota.TraceSampler;
import dev.kdrl.env.trace.Trace;
import dev.kdrl.train.algo.AlgorithmConfig;
import dev.kdrl.train.algo.Callbacks;
import dev.kdrl.train.algo.OnPolicyAlgorithm;
import dev.kdrl.train.algo.Ppo;
import dev.kdrl.train.algo.TrainingCallback;
import dev.kdrl.train.algo.Trpo;
import dev.kdrl.train.eval.LinePlot;
import dev.kdrl.train.metrics.CsvMetrics;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One training run as the {@code drl train} command does it: environments over the trace, the
 * algorithm, the callbacks (progress, CSV metrics, periodic deterministic evaluation on the training
 * trace, keeping the best policy by it or by held-out validation traces, checkpoints), then {@code model.zip} (the final policy),
 * {@code best.zip}, {@code metrics.csv} and {@code learning-curve.png} in the output directory.
 */
public final class TrainingRun {

    /**
     * How the training episodes' traffic is drawn.
     *
     * @param noise       every value of the trace multiplied by a seeded factor in {@code [1-noise, 1+noise]} (0: the
     *                    trace as recorded)
     * @param uniform     share of episodes played on a seeded synthetic trace, uniform in the trace's range
     * @param persistence autocorrelation of the synthetic traces (see {@link MixedTraces}; 0: independent), in [0, 1)
     *                    (checked here, used only with synthetic traces; the environments check the other ranges)
     * @param rangeJitter largest share of the range a synthetic service's own per-episode range leaves out (see
     *                    {@link MixedTraces}; 0: every synthetic trace spans the whole range)
     * @param windows     recorded traffic whose windows some episodes play (see {@link RecordedWindows}); null: none
     * @param windowsShare share of episodes played on a window of {@code windows}, before the others are drawn as
     *                    the other components say; 0 without {@code windows}
     * @param plainShare  share of the synthetic traces drawn independent and uniform in the whole range, neither
     *                    persistent nor jittered (see {@link MixedTraces}), in [0, 1]
     * @param perServiceRange each synthetic service in its own range in the trace (else in the whole trace's range)
     * @param rangeMargin share of its width by which each synthetic range is widened at each end (see
     *                    {@link MixedTraces}), in [0, 1]
     */
    public record Traffic(double noise, double uniform, double persistence, double rangeJitter, Trace windows,
                          double windowsShare, double plainShare, boolean perServiceRange, double rangeMargin) {

        public Traffic {
            if (!(rangeMargin >= 0 && rangeMargin <= 1)) {
                throw new IllegalArgumentException("--traffic-range-margin must be in [0, 1], got " + rangeMargin);
            }
            if (!(plainShare >= 0 && plainShare <= 1)) {
                throw new IllegalArgumentException("--traffic-plain-share must be in [0, 1], got " + plainShare);
            }
            if (windows == null ? windowsShare != 0 : !(windowsShare > 0 && windowsShare <= 1)) {
                throw new IllegalArgumentException("--traffic-windows-share must be in (0, 1] with --traffic-windows "
                        + "(0 without), got " + windowsShare);
            }
            if (!(rangeJitter >= 0 && rangeJitter < 1)) {
                throw new IllegalArgumentException("--traffic-range-jitter must be in [0, 1), got " + rangeJitter);
            }
            if (!(persistence >= 0 && persistence < 1)) {
                throw new IllegalArgumentException("--traffic-persistence must be in [0, 1), got " + persistence);
            }
        }

        /** No range margin. */
        public Traffic(double noise, double uniform, double persistence, double rangeJitter, Trace windows,
                       double windowsShare, double plainShare, boolean perServiceRange) {
            this(noise, uniform, persistence, rangeJitter, windows, windowsShare, plainShare, perServiceRange, 0);
        }

        /** Each synthetic service in its own range. */
        public Traffic(double noise, double uniform, double persistence, double rangeJitter, Trace windows,
                       double windowsShare, double plainShare) {
            this(noise, uniform, persistence, rangeJitter, windows, windowsShare, plainShare, true);
        }

        /** No plain share. */
        public Traffic(double noise, double uniform, double persistence, double rangeJitter, Trace windows,
                       double windowsShare) {
            this(noise, uniform, persistence, rangeJitter, windows, windowsShare, 0);
        }

        /** No recorded windows. */
        public Traffic(double noise, double uniform, double persistence, double rangeJitter) {
            this(noise, uniform, persistence, rangeJitter, null, 0);
        }

        /** Synthetic traces spanning the whole range. */
        public Traffic(double noise, double uniform, double persistence) {
            this(noise, uniform, persistence, 0);
        }

        /** The sampler of the training episodes' traces; {@code null} when every episode plays {@code trace} as it is. */
        TraceSampler sampler(QuotaModel model, Trace trace) {
            TraceSampler rest = uniform > 0 ? new MixedTraces(model, trace, noise, uniform, persistence, rangeJitter,
                    plainShare, perServiceRange, rangeMargin)
                    : noise > 0 ? new NoisyTraces(model, trace, noise, perServiceRange) : null;
            if (windows == null) {
                return rest;
            }
            return new RecordedWindows(model, windows, trace.length(), windowsShare, rest != null ? rest : seed -> trace);
        }

        /**
         * The load each service's training episodes span, what the model records ({@link TrainedLoads}): with
         * synthetic traffic ({@code uniform} &gt; 0), the range it draws in (the service's column in {@code trace}, or
         * the whole trace's with {@code perServiceRange} false, widened by {@code rangeMargin}); with noise only, the column's range moved by the noise
         * as far as that range lets it; else the column's range; widened to the recorded windows', and theirs alone
         * when every episode plays one ({@code windowsShare} 1).
         */
        public TrainedLoads trainedLoads(QuotaModel model, Trace trace) {
            Trace base = trace.select(model.serviceNames());
            // the range the synthetic and noisy traces are clipped to
            NoisyTraces clip = new NoisyTraces(model, trace, 0, perServiceRange);
            int n = model.numServices();
            double[] lo = new double[n];
            double[] hi = new double[n];
            for (int c = 0; c < n; c++) {
                if (windows != null && windowsShare >= 1) {
                    lo[c] = Double.POSITIVE_INFINITY;
                    hi[c] = Double.NEGATIVE_INFINITY;
                } else if (uniform > 0) {
                    lo[c] = clip.low(c);
                    hi[c] = clip.high(c);
                    if (rangeMargin > 0) { // the whole users drawn, never inside the column's range (played noisy)
                        double[] range = MixedTraces.widened(clip.low(c), clip.high(c), rangeMargin);
                        lo[c] = Math.min(lo[c], range[0]);
                        hi[c] = Math.max(hi[c], range[1]);
                    }
                } else if (noise > 0) {
                    lo[c] = Math.max(clip.low(c), Math.rint(base.min(c) * (1 - noise)));
                    hi[c] = Math.min(clip.high(c), Math.rint(base.max(c) * (1 + noise)));
                } else {
                    lo[c] = base.min(c);
                    hi[c] = base.max(c);
                }
            }
            if (windows != null) {
                Trace w = windows.select(model.serviceNames());
                for (int c = 0; c < n; c++) {
                    lo[c] = Math.min(lo[c], w.min(c));
                    hi[c] = Math.max(hi[c], w.max(c));
                }
            }
            return new TrainedLoads(model.serviceNames(), lo, hi);
        }
    }

    /**
     * Behaviour cloning before reinforcement learning ({@link OnPolicyAlgorithm#imitate}).
     *
     * @param teacher the planner imitated: {@code greedy} or {@code lookahead-K} (K &gt;= 2; it sees K periods of the
     *                training episode's traffic, which the policy itself never does)
     * @param steps   environment steps of imitation, counted in the run's steps (0: none)
     * @param epochs  actor passes per rollout
     * @param batch   minibatch size
     * @param lr      the actor's Adam learning rate while imitating
     */
    public record Imitation(String teacher, long steps, int epochs, int batch, double lr) {

        /** No imitation. */
        public static final Imitation NONE = new Imitation("greedy", 0, 1, 1, 1e-3);

        public Imitation {
            teacherHorizon(teacher);
            if (steps < 0 || epochs < 1 || batch < 1 || !(lr > 0)) {
                throw new IllegalArgumentException("imitation needs steps >= 0, epochs >= 1, batch >= 1 and lr > 0, got "
                        + steps + ", " + epochs + ", " + batch + ", " + lr);
            }
        }
    }

    /** 1 for {@code greedy}, K for {@code lookahead-K}; anything else is refused with the names expected. */
    static int teacherHorizon(String teacher) {
        if ("greedy".equals(teacher)) {
            return 1;
        }
        if (teacher != null && teacher.matches("lookahead-[0-9]{1,2}")) {
            int k = Integer.parseInt(teacher.substring("lookahead-".length()));
            if (k >= 2) {
                return k;
            }
        }
        throw new IllegalArgumentException("teacher '" + teacher + "' is not greedy or lookahead-K with K >= 2");
    }

    /**
     * @param profile       the profile's name (recorded in the model)
     * @param model         the cluster model
     * @param trace         the training trace
     * @param observation   what the policy sees of the state (recorded in the model's signature)
     * @param algorithm     the algorithm and its settings ({@link Trpo.Config}, {@link Ppo.Config})
     * @param common        the settings every on-policy algorithm shares (steps per rollout, discount, observation
     *                      normalisation, reward scale, networks, seed, precision)
     * @param traffic       how the training episodes' traffic is drawn
     * @param envs          environments stepped as one batch
     * @param timesteps     environment steps to train for (whole rollouts)
     * @param evalEvery     iterations between deterministic evaluations
     * @param stopAt        stop once the evaluation return reaches this (NaN: never)
     * @param validation    held-out traces: if not empty, {@code best.zip} is the policy with the highest summed
     *                      deterministic return on them (else the highest on the training trace)
     * @param checkpointEvery also save the policy every this many steps to {@code out/checkpoints} (0: never)
     * @param imitation     behaviour cloning of a planner before reinforcement learning ({@link Imitation#NONE}: none)
     * @param averageFrom   if &gt; 0, also save {@code out/average.zip}: the policy with the actor's parameters
     *                      averaged over the iterations from this many steps on ({@link Callbacks.Averaging})
     * @param out           output directory
     */
    public record Options(String profile, QuotaModel model, Trace trace, Observation observation,
                          AlgorithmConfig algorithm,
                          OnPolicyAlgorithm.Common common, Traffic traffic, int envs, long timesteps, int evalEvery,
                          double stopAt, List<Trace> validation, long checkpointEvery, Imitation imitation,
                          long averageFrom, Path out) {

        public Options {
            java.util.Objects.requireNonNull(observation, "observation");
            java.util.Objects.requireNonNull(imitation, "imitation");
            validation = List.copyOf(validation);
            if (timesteps < 1 || envs < 1 || evalEvery < 1) {
                throw new IllegalArgumentException("timesteps, envs and evalEvery must be >= 1, got "
                        + timesteps + ", " + envs + ", " + evalEvery);
            }
            // imitation plays whole rollouts: what it takes of the run is its steps rounded up to one
            long rollout = (long) common.nSteps() * envs;
            long imitated = (imitation.steps() + rollout - 1) / rollout * rollout;
            if (imitation.steps() > 0 && imitated >= timesteps) {
                throw new IllegalArgumentException("--imitation-steps (" + imitation.steps() + (imitated
                        == imitation.steps() ? "" : ", played as " + imitated + " in whole rollouts of --n-steps x "
                        + "--envs = " + rollout + " steps") + ") must be less than --timesteps (" + timesteps + "): they "
                        + "are part of it, and reinforcement learning follows");
            }
        }
    }

    /**
     * What the run produced.
     *
     * @param lastMetrics the last iteration's metrics ({@code time/rollout_cpu_s}, ... as in {@code metrics.csv})
     */
    public record Result(Path model, Path best, double finalEvalReturn, double bestEvalReturn, long bestTimesteps,
                         long timesteps, double seconds, java.util.Map<String, Double> lastMetrics) {
    }

    private TrainingRun() {
    }

    public static Result run(Options o, PrintWriter progress) {
        return run(o, null, progress);
    }

    /**
     * Training in the cluster-faithful model ({@link ClusterEnv}) instead of the paper's: its parameters, how a
     * decision sets min-scale, the reward and the forecast the policy sees while training and evaluating.
     *
     * @param params    the dynamics' parameters
     * @param minScale  how a decision sets min-scale
     * @param reward    the reward
     * @param predictor the predictor's name ({@code actual}: the actual load)
     */
    public record ClusterDynamics(ClusterParams params, ClusterEnv.MinScale minScale, ClusterReward reward,
                                  String predictor) {
        public ClusterDynamics {
            java.util.Objects.requireNonNull(params, "params");
            java.util.Objects.requireNonNull(minScale, "minScale");
            java.util.Objects.requireNonNull(reward, "reward");
            java.util.Objects.requireNonNull(predictor, "predictor");
            if (!predictor.equals("actual") && !dev.kdrl.core.predict.Predictors.names().contains(predictor)) {
                throw new IllegalArgumentException("--predictor '" + predictor + "' is not one of actual, "
                        + String.join(", ", dev.kdrl.core.predict.Predictors.names()));
            }
        }

        /**
         * What a model trained in these dynamics records among its hyper-parameters, for {@code drl evaluate} to play
         * it as trained: {@code dynamics}, {@code min_scale}, {@code cluster_reward}, {@code predictor}, and
         * {@code cluster_params}, the parameters as they acted on {@code serviceNames} ({@link #encode}).
         */
        public java.util.Map<String, String> recorded(List<String> serviceNames) {
            return java.util.Map.of("dynamics", "cluster", "min_scale", minScale.name().toLowerCase(
                    java.util.Locale.ROOT), "cluster_reward", reward.label(), "predictor", predictor,
                    ClusterParams.HYPER_KEY, ClusterParams.encode(params.describe(serviceNames)));
        }


        /**
         * The parameters whose values differ between a model's recorded {@code cluster_params} and those played now,
         * as {@code key played (trained value)}; a key only one side has shows {@code -} on the other.
         */
        public static List<String> differences(String recorded, java.util.Map<String, String> played) {
            java.util.Map<String, String> trained = ClusterParams.decode(recorded);
            java.util.Set<String> keys = new java.util.LinkedHashSet<>(played.keySet());
            keys.addAll(trained.keySet());
            List<String> d = new ArrayList<>();
            for (String k : keys) {
                String now = played.getOrDefault(k, "-");
                String then = trained.getOrDefault(k, "-");
                if (!now.equals(then)) {
                    d.add(k + " " + now + " (trained " + then + ")");
                }
            }
            return d;
        }

        ClusterEnv env(QuotaModel model, Trace trace, Observation observation) {
            dev.kdrl.core.predict.TrafficPredictor p = predictor.equals("actual") ? null
                    : dev.kdrl.core.predict.Predictors.create(predictor, dev.kdrl.core.predict.Predictors.Settings.defaults());
            return new ClusterEnv(model, params, trace, new ClusterEnv.Options(observation, reward, p, minScale));
        }
    }

    /** An environment that plays a fresh episode of {@code make(sampler.sample(seed))} at every reset. */
    private static final class Resampled implements Env<double[], int[]> {
        private final TraceSampler sampler;
        private final java.util.function.Function<Trace, Env<double[], int[]>> make;
        private final Env<double[], int[]> prototype;
        private Env<double[], int[]> current;

        Resampled(TraceSampler sampler, java.util.function.Function<Trace, Env<double[], int[]>> make, Trace trace) {
            this.sampler = sampler;
            this.make = make;
            this.prototype = make.apply(trace);
        }

        @Override
        public dev.kdrl.core.space.Space<double[]> observationSpace() {
            return prototype.observationSpace();
        }

        @Override
        public dev.kdrl.core.space.Space<int[]> actionSpace() {
            return prototype.actionSpace();
        }

        @Override
        public double[] reset(long seed) {
            current = make.apply(sampler.sample(seed));
            return current.reset(seed);
        }

        @Override
        public dev.kdrl.core.env.StepResult<double[]> step(int[] action) {
            if (current == null) {
                throw new IllegalStateException("step called before reset");
            }
            return current.step(action);
        }
    }

    /** The undiscounted return of one deterministic episode of {@code policy} on {@code env}. */
    static double episodeReturn(Env<double[], int[]> env, dev.kdrl.core.policy.Policy<double[], int[]> policy) {
        if (env instanceof QuotaEnv q) {
            return EpisodeRunner.episodeReturn(q, policy, 0L);
        }
        policy.reset();
        double[] obs = env.reset(0L);
        double ret = 0;
        while (true) {
            dev.kdrl.core.env.StepResult<double[]> r = env.step(policy.act(obs));
            ret += r.reward();
            if (r.done()) {
                return ret;
            }
            obs = r.observation();
        }
    }

    /** {@link #run(Options, PrintWriter)} in the paper model ({@code cluster} null) or the cluster-faithful one. */
    public static Result run(Options o, ClusterDynamics cluster, PrintWriter progress) {
        if (cluster != null && o.imitation().steps() > 0) {
            throw new IllegalArgumentException("--imitation-steps: the planners imitate in the paper model only, not with "
                    + "--dynamics cluster");
        }
        long start = System.nanoTime();
        try {
            Files.createDirectories(o.out());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + o.out() + ": " + IoReasons.of(e), e);
        }
        Traffic traffic = o.traffic();
        TraceSampler sampler = traffic.sampler(o.model(), o.trace());
        java.util.function.Function<Trace, Env<double[], int[]>> make = cluster == null
                ? t -> new QuotaEnv(o.model(), t, o.observation())
                : t -> cluster.env(o.model(), t, o.observation());
        SyncVecEnv<double[], int[]> vec = SyncVecEnv.of(o.envs(), i -> sampler == null ? make.apply(o.trace())
                : cluster == null ? new SampledTrafficEnv(o.model(), sampler, o.observation())
                : new Resampled(sampler, make, o.trace()));
        OnPolicyAlgorithm algo = o.algorithm().create(vec, o.common());
        java.util.Map<String, String> recorded = new java.util.LinkedHashMap<>();
        recorded.put(TrainedLoads.KEY, traffic.trainedLoads(o.model(), o.trace()).encode());
        if (cluster != null) {
            recorded.putAll(cluster.recorded(o.model().serviceNames()));
        }
        algo.recording(recorded);
        EnvSignature signature = Signatures.of(o.model(), o.profile(), o.observation());
        Env<double[], int[]> evalEnv = make.apply(o.trace());
        Path best = o.out().resolve("best.zip");
        List<Env<double[], int[]>> validationEnvs = o.validation().stream().map(make).toList();
        java.util.function.ToDoubleFunction<dev.kdrl.core.policy.Policy<double[], int[]>> select = validationEnvs.isEmpty()
                ? null
                : p -> validationEnvs.stream().mapToDouble(e -> episodeReturn(e, p)).sum();
        Callbacks.Evaluation eval = new Callbacks.Evaluation(o.evalEvery(), signature,
                p -> episodeReturn(evalEnv, p), select, best, o.stopAt());
        List<TrainingCallback> callbacks = new ArrayList<>();
        callbacks.add(eval);
        callbacks.add(new Callbacks.CsvLogger(o.out().resolve("metrics.csv")));
        if (o.checkpointEvery() > 0) {
            callbacks.add(new Callbacks.Checkpoint(o.checkpointEvery(), o.out().resolve("checkpoints"), signature));
        }
        if (o.averageFrom() > 0) {
            callbacks.add(new Callbacks.Averaging(o.averageFrom(), o.out().resolve("average.zip"), signature));
        }
        if (progress != null) {
            callbacks.add(new Callbacks.ProgressBar(progress, o.evalEvery()));
        }
        java.util.Map<String, Double> last = new java.util.LinkedHashMap<>();
        callbacks.add(ctx -> {
            last.clear();
            last.putAll(ctx.metrics());
            return true;
        });
        if (o.imitation().steps() > 0) {
            Imitation im = o.imitation();
            OnPolicyAlgorithm.Imitation done = algo.imitate(teacher(im.teacher(), o.model(), vec), im.steps(),
                    im.epochs(), im.batch(), im.lr(), 5, 256);
            if (progress != null) {
                progress.printf(java.util.Locale.ROOT, "imitated %s for %,d steps (%d rollouts, %,d labelled states): "
                                + "the policy's most likely action was the teacher's in %.1f %% of the last rollout's states, "
                                + "cross-entropy %.3f; deterministic return %.2f%n", im.teacher(), done.steps(), done.rounds(),
                        done.samples(), 100 * done.accuracy(), done.crossEntropy(),
                        episodeReturn(evalEnv, algo.snapshot(signature).policy()));
                progress.flush();
            }
        }
        algo.learn(o.timesteps(), callbacks);
        SavedPolicy trained = algo.snapshot(signature);
        Path model = o.out().resolve("model.zip");
        PolicyFile.save(trained, model);
        double finalReturn = episodeReturn(evalEnv, trained.policy());
        plotLearningCurve(o.out().resolve("metrics.csv"), o.out().resolve("learning-curve.png"), o.algorithm().name());
        return new Result(model, best, finalReturn, eval.bestReturn(), eval.bestTimesteps(), algo.timesteps(),
                (System.nanoTime() - start) / 1e9, last);
    }

    /**
     * The teacher of behaviour cloning: the planner {@code name} on every environment's current state (and, for
     * look-ahead, its episode's traffic).
     */
    static OnPolicyAlgorithm.Teacher teacher(String name, QuotaModel model, SyncVecEnv<double[], int[]> vec) {
        int horizon = teacherHorizon(name);
        List<java.util.function.Supplier<QuotaEnv>> current = new ArrayList<>();
        for (int i = 0; i < vec.numEnvs(); i++) {
            var e = vec.env(i);
            current.add(e instanceof SampledTrafficEnv s ? s::current : () -> (QuotaEnv) e);
        }
        if (horizon == 1) {
            List<dev.kdrl.env.baseline.GreedyPolicy> greedy = current.stream()
                    .map(c -> new dev.kdrl.env.baseline.GreedyPolicy(model, () -> c.get().state())).toList();
            return env -> greedy.get(env).act(null);
        }
        return env -> dev.kdrl.env.baseline.LookaheadPolicy.of(current.get(env).get(), horizon).act(null);
    }

    /** Training-episode mean return and evaluation return against steps, from the metrics CSV. */
    public static void plotLearningCurve(Path csv, Path png, String algorithm) {
        List<Map<String, Double>> rows = CsvMetrics.read(csv);
        if (rows.isEmpty()) {
            return;
        }
        int n = rows.size();
        double[] x = new double[n];
        double[] y1 = new double[n];
        List<double[]> evals = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Map<String, Double> r = rows.get(i);
            x[i] = r.get("time/total_timesteps");
            y1[i] = r.getOrDefault("rollout/ep_rew_mean", Double.NaN);
            double ev = r.getOrDefault("eval/return", Double.NaN);
            if (!Double.isNaN(ev)) {
                evals.add(new double[] {x[i], ev});
            }
        }
        LinePlot plot = new LinePlot(String.format(Locale.ROOT, "%s learning curve", algorithm.toUpperCase(Locale.ROOT)),
                "environment steps", "episode return");
        plot.add("training episodes (mean of last 100, stochastic)", x, y1);
        if (rows.get(0).containsKey("eval/return")) {
            plot.add("deterministic evaluation", evals.stream().mapToDouble(p -> p[0]).toArray(),
                    evals.stream().mapToDouble(p -> p[1]).toArray());
        }
        plot.write(png, 1000, 500);
    }
}
