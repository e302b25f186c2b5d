package dev.kdrl.train.rl4j;

import dev.kdrl.core.env.Env;
import dev.kdrl.core.env.StepResult;
import java.util.function.Supplier;
import org.deeplearning4j.rl4j.learning.configuration.QLearningConfiguration;
import org.deeplearning4j.rl4j.learning.sync.qlearning.discrete.QLearningDiscreteDense;
import org.deeplearning4j.rl4j.network.configuration.DQNDenseNetworkConfiguration;
import org.deeplearning4j.rl4j.policy.DQNPolicy;
import org.nd4j.linalg.learning.config.Adam;

/**
 * RL4J's DQN ({@code QLearningDiscreteDense}) on one of our environments through {@link QuotaMdp}, for
 * users of RL4J's learners. The Q-network is an MLP of two hidden layers of 128 units with one output
 * per joint action; rewards are scaled for learning like our trainers'. Settings are RL4J's usual ones.
 */
public final class Rl4jDqn {

    private Rl4jDqn() {
    }

    /** A trained DQN and what training took. */
    public record Result(DQNPolicy<QuotaMdp.Observation> policy, QuotaMdp mdp, int steps, double seconds) {
    }

    /**
     * @param factory     builds the environment (and the copies RL4J asks for)
     * @param steps       training steps
     * @param seed        RL4J's seed and the episodes' seed stream
     * @param rewardScale reward multiplier for learning
     * @param obsScale    observations are divided by this (100 for the paper's 0..100 values)
     */
    public static Result train(Supplier<? extends Env<double[], int[]>> factory, int steps, long seed,
                               double rewardScale, double obsScale) {
        QuotaMdp mdp = new QuotaMdp(factory, obsScale, seed);
        QLearningConfiguration conf = QLearningConfiguration.builder()
                .seed(seed)
                .maxEpochStep(1000)
                .maxStep(steps)
                .expRepMaxSize(50_000)
                .batchSize(64)
                .targetDqnUpdateFreq(500)
                .updateStart(1_000)
                .rewardFactor(rewardScale)
                .gamma(0.99)
                .errorClamp(1.0)
                .minEpsilon(0.05)
                .epsilonNbStep(Math.max(1, steps / 2))
                .doubleDQN(true)
                .build();
        DQNDenseNetworkConfiguration net = DQNDenseNetworkConfiguration.builder()
                .numLayers(2)
                .numHiddenNodes(128)
                .updater(new Adam(1e-3))
                .build();
        QLearningDiscreteDense<QuotaMdp.Observation> dql = new QLearningDiscreteDense<>(mdp, net, conf);
        long t0 = System.nanoTime();
        dql.train();
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new Result(dql.getPolicy(), mdp, dql.getStepCount(), seconds);
    }

    /** The greedy DQN policy's undiscounted return over one episode of {@code env}. */
    public static double greedyReturn(DQNPolicy<QuotaMdp.Observation> policy, QuotaMdp mdp, Env<double[], int[]> env,
                                      double obsScale) {
        double[] obs = env.reset(0L);
        double ret = 0;
        while (true) {
            double[] x = new double[obs.length];
            for (int i = 0; i < x.length; i++) {
                x[i] = obs[i] / obsScale;
            }
            int a = policy.nextAction(org.nd4j.linalg.factory.Nd4j.create(x).reshape(1, x.length));
            StepResult<double[]> r = env.step(mdp.jointAction(a));
            ret += r.reward();
            if (r.done()) {
                return ret;
            }
            obs = r.observation();
        }
    }
}
