package dev.kdrl.train.algo;

import dev.kdrl.core.env.VecEnv;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Proximal Policy Optimisation with the clipped surrogate (Schulman et al. 2017). Per rollout,
 * {@code epochs} passes over shuffled minibatches: one Adam step of the actor on
 * {@code -min(ratio A, clip(ratio, 1-eps, 1+eps) A) - entCoef * entropy} (global gradient norm clipped to
 * {@code maxGradNorm}); the separate critic takes as many Adam steps on squared error to the returns, over its own
 * shuffled minibatches, on a second thread ({@link #updateBesideCritic}).
 */
public final class Ppo extends OnPolicyAlgorithm {

    /**
     * PPO settings ({@link #stableBaselines3()}; this project's {@link #defaults()}).
     *
     * @param learningRate Adam learning rate of actor and critic (3e-4)
     * @param epochs       passes over each rollout (stable-baselines3 10, here 5)
     * @param batchSize    minibatch size (stable-baselines3 64, here 128)
     * @param clipRange    ratio clipping {@code eps} (0.2)
     * @param entCoef      entropy bonus (0.0)
     * @param maxGradNorm  global gradient-norm clipping of the actor (0.5)
     */
    public record Config(double learningRate, int epochs, int batchSize, double clipRange, double entCoef,
                         double maxGradNorm) implements AlgorithmConfig {

        public Config {
            if (!(learningRate > 0)) {
                throw new IllegalArgumentException("learningRate must be > 0, got " + learningRate);
            }
            if (epochs < 1 || batchSize < 1) {
                throw new IllegalArgumentException("epochs and batchSize must be >= 1, got " + epochs + ", " + batchSize);
            }
            if (!(clipRange > 0)) {
                throw new IllegalArgumentException("clipRange must be > 0, got " + clipRange);
            }
        }

        @Override
        public String name() {
            return Algorithms.PPO;
        }

        @Override
        public Ppo create(VecEnv<double[], int[]> env, Common common) {
            return new Ppo(env, common, this);
        }

        /** stable-baselines3's settings (learning rate 3e-4, 10 epochs of 64, clip 0.2, no entropy, norm 0.5). */
        public static Config stableBaselines3() {
            return new Config(3e-4, 10, 64, 0.2, 0.0, 0.5);
        }

        /**
         * This project's defaults: stable-baselines3's with 5 epochs of minibatches of 256 (as good on validation
         * traffic over ten seeds as 128, and 128 as 10 x 64, at a fraction of the CPU: docs/benchmarks.md).
         */
        public static Config defaults() {
            return new Config(3e-4, 5, 256, 0.2, 0.0, 0.5);
        }

        /** The same settings with another learning rate, epoch count and minibatch size. */
        public Config with(double lr, int epochs, int batch) {
            return new Config(lr, epochs, batch, clipRange, entCoef, maxGradNorm);
        }
    }

    private final Config config;

    public Ppo(VecEnv<double[], int[]> env, Common common, Config config) {
        super(env, common, config.learningRate(), config.learningRate());
        this.config = config;
    }

    @Override
    public String name() {
        return config.name();
    }

    @Override
    public Map<String, String> hyperParameters() {
        Map<String, String> m = commonHyperParameters();
        m.put("learning_rate", Double.toString(config.learningRate()));
        m.put("n_epochs", Integer.toString(config.epochs()));
        m.put("batch_size", Integer.toString(config.batchSize()));
        m.put("clip_range", Double.toString(config.clipRange()));
        m.put("ent_coef", Double.toString(config.entCoef()));
        m.put("max_grad_norm", Double.toString(config.maxGradNorm()));
        return m;
    }

    @Override
    protected Map<String, Double> update(Batch b) {
        double[] adv = advantages(b);
        Updated<Map<String, Double>> u = updateBesideCritic(b, config.epochs(), config.batchSize(),
                () -> updateActor(b, adv));
        Map<String, Double> m = new LinkedHashMap<>(u.actor());
        m.put("train/value_loss", u.criticLoss());
        m.put("train/explained_variance", explainedVariance(b.values(), b.returns()));
        return m;
    }

    /** The actor's epochs of clipped-surrogate steps; returns their metrics. */
    private Map<String, Double> updateActor(Batch b, double[] adv) {
        int n = b.size();
        double eps = config.clipRange();
        double klSum = 0;
        double clipped = 0;
        double entropySum = 0;
        int samples = 0;
        for (int epoch = 0; epoch < config.epochs(); epoch++) {
            int[] order = permutation(n);
            for (int s = 0; s < n; s += config.batchSize()) {
                int m = Math.min(config.batchSize(), n - s);
                double[][] x = new double[m][];
                for (int i = 0; i < m; i++) {
                    x[i] = b.observations()[order[s + i]];
                }
                ActorCritic.ActorBatch batch = nets.actorBatch(x);
                double[][] logits = batch.logits();
                double[][] grad = new double[m][heads.width()];
                for (int i = 0; i < m; i++) {
                    int j = order[s + i];
                    double[] lp = heads.logProbabilities(logits[i]);
                    double logp = heads.logProbFromLogProbs(lp, b.actions()[j]);
                    double logRatio = logp - b.logProbs()[j];
                    double ratio = Math.exp(logRatio);
                    double a = adv[j];
                    // the unclipped term is the minimum (and so carries the gradient) unless clipping binds
                    boolean binds = (a >= 0 && ratio > 1 + eps) || (a < 0 && ratio < 1 - eps);
                    if (!binds) {
                        heads.addLogProbGradientFromLogProbs(lp, b.actions()[j], -a * ratio / m, grad[i]);
                    } else {
                        clipped++;
                    }
                    if (config.entCoef() != 0) {
                        heads.addEntropyGradient(logits[i], -config.entCoef() / m, grad[i]);
                    }
                    klSum += (ratio - 1) - logRatio;
                    entropySum += heads.entropyFromLogProbs(lp);
                    samples++;
                }
                batch.step(grad, config.maxGradNorm());
            }
        }
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("train/approx_kl", klSum / samples);
        m.put("train/clip_fraction", clipped / samples);
        m.put("train/entropy", entropySum / samples);
        return m;
    }
}
