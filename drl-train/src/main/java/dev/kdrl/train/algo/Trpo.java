package dev.kdrl.train.algo;

import dev.kdrl.core.env.VecEnv;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Trust Region Policy Optimisation (Schulman et al. 2015), configured as the published agent
 * (stable-baselines3-contrib TRPO). Per rollout:
 * <ol>
 *   <li>the surrogate {@code J = mean(ratio * A)} and its gradient {@code g} at the rollout policy
 *       (advantages standardised);</li>
 *   <li>the natural direction {@code x ~ F^-1 g} by conjugate gradient on Fisher-vector products
 *       {@code F v = J^T M J v / N + damping v}, where {@code J v} is the logits' directional derivative
 *       (exact, by forward-mode differentiation; {@link ActorCritic.Jvp}) and {@code M} the categorical heads'
 *       Fisher metric;</li>
 *   <li>the step {@code sqrt(2 targetKl / x.Fx) x}, shrunk by {@code lineSearchShrink} until the mean KL to
 *       the rollout policy is below {@code targetKl} and the surrogate improved (else no step); {@code targetKl}
 *       may shrink linearly over the run ({@link Config#targetKlFinal()});</li>
 *   <li>the critic: {@code criticEpochs} passes of Adam on squared error, minibatches of {@code batchSize}, on a
 *       second thread beside steps 1-3 ({@link #updateBesideCritic}).</li>
 * </ol>
 */
public final class Trpo extends OnPolicyAlgorithm {

    /**
     * TRPO settings (defaults: the published agent's).
     *
     * @param cgIterations      conjugate-gradient iterations (15)
     * @param cgDamping         Fisher damping (0.1)
     * @param targetKl          trust-region size in mean KL (0.01)
     * @param lineSearchSteps   backtracking steps (10)
     * @param lineSearchShrink  backtracking factor (0.8)
     * @param criticLr          critic Adam learning rate (3e-4)
     * @param criticEpochs      critic passes per rollout (10)
     * @param batchSize         critic minibatch size (128)
     * @param fisherFraction    share of the batch (a seeded random subset) the Fisher-vector products use
     *                          (1 = published; smaller is faster, as in the original TRPO)
     * @param targetKlFinal     trust-region size at the end of training: the size moves linearly from
     *                          {@code targetKl} to this over the run ({@code targetKl} = constant, published)
     */
    public record Config(int cgIterations, double cgDamping, double targetKl, int lineSearchSteps,
                         double lineSearchShrink, double criticLr, int criticEpochs, int batchSize,
                         double fisherFraction, double targetKlFinal) implements AlgorithmConfig {

        public Config {
            if (cgIterations < 1) {
                throw new IllegalArgumentException("cgIterations must be >= 1, got " + cgIterations);
            }
            if (!(targetKl > 0)) {
                throw new IllegalArgumentException("targetKl must be > 0, got " + targetKl);
            }
            if (!(targetKlFinal > 0)) {
                throw new IllegalArgumentException("targetKlFinal must be > 0, got " + targetKlFinal);
            }
            if (!(lineSearchShrink > 0 && lineSearchShrink < 1)) {
                throw new IllegalArgumentException("lineSearchShrink must be in (0, 1), got " + lineSearchShrink);
            }
            if (!(fisherFraction > 0 && fisherFraction <= 1)) {
                throw new IllegalArgumentException("fisherFraction must be in (0, 1], got " + fisherFraction);
            }
            if (batchSize < 1 || criticEpochs < 0 || lineSearchSteps < 1) {
                throw new IllegalArgumentException("batchSize and lineSearchSteps must be >= 1 and criticEpochs >= 0, got "
                        + batchSize + ", " + lineSearchSteps + ", " + criticEpochs);
            }
        }

        /** The same settings with another {@code fisherFraction}. */
        public Config withFisherFraction(double fraction) {
            return new Config(cgIterations, cgDamping, targetKl, lineSearchSteps, lineSearchShrink, criticLr,
                    criticEpochs, batchSize, fraction, targetKlFinal);
        }

        /** The same settings with another constant trust-region size. */
        public Config withTargetKl(double kl) {
            return new Config(cgIterations, cgDamping, kl, lineSearchSteps, lineSearchShrink, criticLr, criticEpochs,
                    batchSize, fisherFraction, kl);
        }

        /** The same settings with a trust region moving linearly from {@code start} to {@code end} over the run. */
        public Config withTargetKl(double start, double end) {
            return new Config(cgIterations, cgDamping, start, lineSearchSteps, lineSearchShrink, criticLr, criticEpochs,
                    batchSize, fisherFraction, end);
        }

        /** The trust-region size when {@code done} (0 at the start, 1 at the end) of the run has passed. */
        public double targetKlAt(double done) {
            double d = Math.max(0, Math.min(1, done));
            return targetKl + (targetKlFinal - targetKl) * d;
        }

        /** The same settings with another critic schedule. */
        public Config withCritic(int epochs, int batch) {
            return new Config(cgIterations, cgDamping, targetKl, lineSearchSteps, lineSearchShrink, criticLr, epochs,
                    batch, fisherFraction, targetKlFinal);
        }

        @Override
        public String name() {
            return Algorithms.TRPO;
        }

        @Override
        public Trpo create(VecEnv<double[], int[]> env, Common common) {
            return new Trpo(env, common, this);
        }

        /** The published agent's settings. */
        public static Config published() {
            return new Config(15, 0.1, 0.01, 10, 0.8, 3e-4, 10, 128, 1.0, 0.01);
        }
    }

    private final Config config;

    public Trpo(VecEnv<double[], int[]> env, Common common, Config config) {
        super(env, common, config.criticLr(), config.criticLr());
        this.config = config;
    }

    @Override
    public String name() {
        return config.name();
    }

    @Override
    public Map<String, String> hyperParameters() {
        Map<String, String> m = commonHyperParameters();
        m.put("cg_max_steps", Integer.toString(config.cgIterations()));
        m.put("cg_damping", Double.toString(config.cgDamping()));
        m.put("target_kl", Double.toString(config.targetKl()));
        if (config.targetKlFinal() != config.targetKl()) {
            m.put("target_kl_final", Double.toString(config.targetKlFinal()));
        }
        m.put("line_search_max_iter", Integer.toString(config.lineSearchSteps()));
        m.put("line_search_shrinking_factor", Double.toString(config.lineSearchShrink()));
        m.put("critic_learning_rate", Double.toString(config.criticLr()));
        m.put("n_critic_updates", Integer.toString(config.criticEpochs()));
        m.put("batch_size", Integer.toString(config.batchSize()));
        m.put("fisher_fraction", Double.toString(config.fisherFraction()));
        return m;
    }

    @Override
    protected Map<String, Double> update(Batch b) {
        int n = b.size();
        double[][] obs = b.observations();
        double[] adv = advantages(b);
        double[][] oldLogits = b.logits();
        double[][] oldProbs = new double[n][];
        for (int i = 0; i < n; i++) {
            oldProbs[i] = heads.probabilities(oldLogits[i]);
        }
        // surrogate gradient at the rollout policy (ratio = 1)
        double[][] dJ = new double[n][heads.width()];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            heads.addLogProbGradient(oldLogits[i], b.actions()[i], adv[i] / n, dJ[i]);
            sum += adv[i] / n;
        }
        double objective = sum;
        Updated<ActorStep> u = updateBesideCritic(b, config.criticEpochs(), config.batchSize(),
                () -> updateActor(b, obs, adv, oldLogits, oldProbs, dJ, objective));
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("train/policy_objective", u.actor().objective());
        m.put("train/approx_kl", u.actor().kl());
        m.put("train/target_kl", u.actor().targetKl());
        m.put("train/is_line_search_success", u.actor().accepted() ? 1.0 : 0.0);
        m.put("train/value_loss", u.criticLoss());
        m.put("train/explained_variance", explainedVariance(b.values(), b.returns()));
        return m;
    }

    /** The outcome of the actor's step: the surrogate objective, the mean KL moved, the trust region, success. */
    private record ActorStep(double objective, double kl, double targetKl, boolean accepted) {
    }

    /** The natural-gradient step of the actor (steps 1-3 above). */
    private ActorStep updateActor(Batch b, double[][] obs, double[] adv, double[][] oldLogits, double[][] oldProbs,
                                  double[][] dJ, double objective) {
        int n = b.size();
        double[] theta = nets.actorParams();
        // one pass over the batch gives the gradient (J^T dJ) and, on the whole batch, the Fisher products too
        ActorCritic.Jvp full = nets.jvp(obs);
        double[] g = full.transpose(dJ);
        double[][] fObs = obs;
        double[][] fProbs = oldProbs;
        if (config.fisherFraction() < 1) {
            int m = Math.max(1, (int) Math.round(n * config.fisherFraction()));
            int[] order = permutation(n);
            fObs = new double[m][];
            fProbs = new double[m][];
            for (int i = 0; i < m; i++) {
                fObs[i] = obs[order[i]];
                fProbs[i] = oldProbs[order[i]];
            }
        }
        final double[][] fo = fObs;
        final double[][] fp = fProbs;
        final ActorCritic.Jvp jvp = fObs == obs ? full : nets.jvp(fObs);
        java.util.function.UnaryOperator<double[]> fvp = v -> fisherVector(fo, fp, jvp, v);
        double[] x = ConjugateGradient.solve(fvp, g, config.cgIterations(), 1e-10);
        double xfx = ConjugateGradient.dot(x, fvp.apply(x));
        double targetKl = config.targetKlAt(progress());
        double stepScale = xfx > 0 ? Math.sqrt(2 * targetKl / xfx) : 0;
        boolean accepted = false;
        double kl = 0;
        double newObjective = objective;
        double size = 1;
        for (int k = 0; k < config.lineSearchSteps() && stepScale > 0; k++) {
            double[] candidate = new double[theta.length];
            for (int i = 0; i < theta.length; i++) {
                candidate[i] = theta[i] + size * stepScale * x[i];
            }
            nets.setActorParams(candidate);
            double[][] logits = nets.logits(obs);
            double klSum = 0;
            double obj = 0;
            for (int i = 0; i < n; i++) {
                klSum += heads.kl(oldLogits[i], logits[i]);
                double ratio = Math.exp(heads.logProb(logits[i], b.actions()[i]) - b.logProbs()[i]);
                obj += ratio * adv[i];
            }
            kl = klSum / n;
            obj /= n;
            if (kl < targetKl && obj > objective) {
                accepted = true;
                newObjective = obj;
                break;
            }
            size *= config.lineSearchShrink();
        }
        if (!accepted) {
            nets.setActorParams(theta);
            kl = 0;
        }
        return new ActorStep(newObjective, kl, targetKl, accepted);
    }

    /** {@code F v + damping v} at the rollout policy: {@code J^T M J v / n + damping v}. */
    private double[] fisherVector(double[][] obs, double[][] probs, ActorCritic.Jvp jvp, double[] v) {
        double[][] jv = jvp.apply(v);
        int n = obs.length;
        double[][] mjv = new double[n][];
        for (int s = 0; s < n; s++) {
            mjv[s] = heads.fisherLogits(probs[s], jv[s]);
            for (int k = 0; k < mjv[s].length; k++) {
                mjv[s][k] /= n;
            }
        }
        double[] fv = jvp.transpose(mjv);
        for (int i = 0; i < fv.length; i++) {
            fv[i] += config.cgDamping() * v[i];
        }
        return fv;
    }
}
