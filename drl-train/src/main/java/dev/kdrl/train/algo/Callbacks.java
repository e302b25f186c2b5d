package dev.kdrl.train.algo;

import dev.kdrl.core.policy.EnvSignature;
import dev.kdrl.core.policy.Policy;
import dev.kdrl.core.policy.PolicyFile;
import dev.kdrl.core.policy.SavedPolicy;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** The standard callbacks: metrics CSV, progress bar, periodic deterministic evaluation, checkpoints. */
public final class Callbacks {

    private Callbacks() {
    }

    /** Appends every iteration's metrics to a CSV file (header from the first iteration's keys). */
    public static final class CsvLogger implements TrainingCallback {
        private final dev.kdrl.train.metrics.MetricsSink sink;

        public CsvLogger(Path file) {
            this.sink = new dev.kdrl.train.metrics.CsvMetrics(file);
        }

        @Override
        public boolean onIteration(Context ctx) {
            sink.write(ctx.metrics());
            return true;
        }

        @Override
        public void onEnd(OnPolicyAlgorithm algorithm) {
            sink.close();
        }
    }

    /** One line per iteration on a stream: a progress bar with the key metrics. */
    public static final class ProgressBar implements TrainingCallback {
        private final PrintWriter out;
        private final int every;

        public ProgressBar(PrintWriter out, int every) {
            this.out = out;
            this.every = Math.max(1, every);
        }

        @Override
        public boolean onIteration(Context ctx) {
            if (ctx.iteration() % every != 0 && ctx.timesteps() < ctx.totalTimesteps()) {
                return true;
            }
            double frac = Math.min(1, ctx.timesteps() / (double) ctx.totalTimesteps());
            int filled = (int) Math.round(frac * 30);
            Map<String, Double> m = ctx.metrics();
            out.printf(Locale.ROOT, "[%s%s] %5.1f%% %,d steps  ep_rew_mean %,.0f  eval %s  kl %.4f  fps %,.0f  %.0f s%n",
                    "#".repeat(filled), ".".repeat(30 - filled), 100 * frac, ctx.timesteps(),
                    m.getOrDefault("rollout/ep_rew_mean", Double.NaN),
                    m.containsKey("eval/return") && !m.get("eval/return").isNaN() ? String.format(Locale.ROOT, "%,.0f", m.get("eval/return")) : "-",
                    m.getOrDefault("train/approx_kl", Double.NaN), m.getOrDefault("time/fps", Double.NaN),
                    m.getOrDefault("time/elapsed_s", Double.NaN));
            out.flush();
            return true;
        }
    }

    /**
     * Every {@code every} iterations (and after the last) plays the current policy deterministically
     * through {@code evaluate} (e.g. one episode on the training trace), records {@code eval/return},
     * saves the best policy so far to {@code best} (if not null), and stops training once the return
     * reaches {@code stopAt} (if finite). With a {@code select} function (e.g. the return on a held-out
     * validation trace, recorded as {@code eval/val_return}) the best policy is the one that scores highest
     * on it instead; {@code stopAt} still applies to {@code evaluate}.
     */
    public static final class Evaluation implements TrainingCallback {
        private final int every;
        private final EnvSignature signature;
        private final ToDoubleFunction<Policy<double[], int[]>> evaluate;
        private final ToDoubleFunction<Policy<double[], int[]>> select;
        private final Path best;
        private final double stopAt;
        private double bestReturn = Double.NEGATIVE_INFINITY;
        private double bestScore = Double.NEGATIVE_INFINITY;
        private long bestTimesteps = -1;

        public Evaluation(int every, EnvSignature signature, ToDoubleFunction<Policy<double[], int[]>> evaluate,
                          Path best, double stopAt) {
            this(every, signature, evaluate, null, best, stopAt);
        }

        /**
         * @param select the selection score of a policy for {@code best}, or null to select by {@code evaluate}
         */
        public Evaluation(int every, EnvSignature signature, ToDoubleFunction<Policy<double[], int[]>> evaluate,
                          ToDoubleFunction<Policy<double[], int[]>> select, Path best, double stopAt) {
            this.every = Math.max(1, every);
            this.signature = signature;
            this.evaluate = evaluate;
            this.select = select;
            this.best = best;
            this.stopAt = stopAt;
        }

        @Override
        public boolean onIteration(Context ctx) {
            if (ctx.iteration() % every != 0 && ctx.timesteps() < ctx.totalTimesteps()) {
                ctx.metrics().put("eval/return", Double.NaN);
                ctx.metrics().put("eval/best_return", bestReturn == Double.NEGATIVE_INFINITY ? Double.NaN : bestReturn);
                if (select != null) {
                    ctx.metrics().put("eval/val_return", Double.NaN);
                }
                return true;
            }
            SavedPolicy snap = ctx.algorithm().snapshot(signature);
            double ret = evaluate.applyAsDouble(snap.policy());
            double score = ret;
            ctx.metrics().put("eval/return", ret);
            if (select != null) {
                score = select.applyAsDouble(snap.policy());
                ctx.metrics().put("eval/val_return", score);
            }
            if (score > bestScore) {
                bestScore = score;
                bestReturn = ret;
                bestTimesteps = ctx.timesteps();
                if (best != null) {
                    PolicyFile.save(snap, best);
                }
            }
            ctx.metrics().put("eval/best_return", bestReturn);
            return !(Double.isFinite(stopAt) && ret >= stopAt);
        }

        /** The {@code evaluate} return of the best policy (the selected one). */
        public double bestReturn() {
            return bestReturn;
        }

        /** The selection score of the best policy ({@code evaluate}'s return without {@code select}). */
        public double bestScore() {
            return bestScore;
        }

        public long bestTimesteps() {
            return bestTimesteps;
        }
    }

    /** Saves the current policy every {@code everySteps} environment steps to {@code dir/step-N.zip}. */
    public static final class Checkpoint implements TrainingCallback {
        private final long everySteps;
        private final Path dir;
        private final EnvSignature signature;
        private long next;

        public Checkpoint(long everySteps, Path dir, EnvSignature signature) {
            this.everySteps = everySteps;
            this.dir = dir;
            this.signature = signature;
            this.next = everySteps;
        }

        @Override
        public boolean onIteration(Context ctx) {
            if (ctx.timesteps() >= next) {
                PolicyFile.save(ctx.algorithm().snapshot(signature), dir.resolve("step-" + ctx.timesteps() + ".zip"));
                while (next <= ctx.timesteps()) {
                    next += everySteps;
                }
            }
            return true;
        }
    }

    /**
     * Keeps the mean of the actor's parameters over the iterations that end at or after {@code fromSteps}
     * environment steps (stochastic weight averaging of the policy) and, at the end of training, saves the policy
     * with those parameters (and the normaliser as it stands then) to {@code file}. The algorithm's own parameters
     * are left as they were.
     */
    public static final class Averaging implements TrainingCallback {
        private final long fromSteps;
        private final Path file;
        private final EnvSignature signature;
        private double[] sum;
        private int count;

        public Averaging(long fromSteps, Path file, EnvSignature signature) {
            this.fromSteps = fromSteps;
            this.file = file;
            this.signature = signature;
        }

        @Override
        public boolean onIteration(Context ctx) {
            if (ctx.timesteps() >= fromSteps) {
                double[] p = ctx.algorithm().networks().actorParams();
                if (sum == null) {
                    sum = new double[p.length];
                }
                for (int i = 0; i < p.length; i++) {
                    sum[i] += p[i];
                }
                count++;
            }
            return true;
        }

        /** How many iterations' parameters the mean holds. */
        public int count() {
            return count;
        }

        /** The mean parameters so far (null before {@code fromSteps}). */
        public double[] mean() {
            if (sum == null) {
                return null;
            }
            double[] m = new double[sum.length];
            for (int i = 0; i < m.length; i++) {
                m[i] = sum[i] / count;
            }
            return m;
        }

        @Override
        public void onEnd(OnPolicyAlgorithm algorithm) {
            double[] mean = mean();
            if (mean == null) {
                return;
            }
            ActorCritic nets = algorithm.networks();
            double[] current = nets.actorParams();
            nets.setActorParams(mean);
            try {
                PolicyFile.save(algorithm.snapshot(signature), file);
            } finally {
                nets.setActorParams(current);
            }
        }
    }
}
