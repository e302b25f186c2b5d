package dev.kdrl.train.rl4j;

import dev.kdrl.core.env.Env;
import dev.kdrl.core.env.StepResult;
import dev.kdrl.core.policy.ActorHead;
import dev.kdrl.core.policy.EnvSignature;
import dev.kdrl.core.policy.ObservationNormalizer;
import dev.kdrl.core.policy.SavedPolicy;
import dev.kdrl.train.nn.Dl4jMlp;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.rl4j.learning.configuration.QLearningConfiguration;
import org.deeplearning4j.rl4j.learning.sync.qlearning.discrete.QLearningDiscreteDense;
import org.deeplearning4j.rl4j.network.configuration.DQNDenseNetworkConfiguration;
import org.deeplearning4j.rl4j.network.dqn.DQN;
import org.deeplearning4j.rl4j.policy.DQNPolicy;
import org.nd4j.linalg.learning.config.Adam;

/**
 * RL4J's DQN ({@code QLearningDiscreteDense}) on one of our environments through {@link QuotaMdp}, for
 * users of RL4J's learners. The Q-network is an MLP of two hidden layers of 128 units with one output
 * per joint action; rewards are scaled for learning like our trainers'. Settings are RL4J's usual ones.
 * {@link #export} copies the trained Q-network out to our policy format ({@link ActorHead#JOINT_Q}), which {@code
 * drl evaluate} and the live agent read.
 */
public final class Rl4jDqn {

    private Rl4jDqn() {
    }

    /**
     * A trained DQN, the settings it was trained with and what training took.
     *
     * @param obsScale what observations were divided by before the network
     */
    public record Result(DQNPolicy<QuotaMdp.Observation> policy, QuotaMdp mdp, QLearningConfiguration conf,
                         DQNDenseNetworkConfiguration net, double obsScale, int steps, double seconds) {
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
        return train(factory, steps, seed, rewardScale, obsScale, null);
    }

    /**
     * As {@link #train(Supplier, int, long, double, double)}, telling {@code listener} (if not null) about every
     * finished training episode (RL4J's epoch): its step counter and return.
     */
    public static Result train(Supplier<? extends Env<double[], int[]>> factory, int steps, long seed,
                               double rewardScale, double obsScale,
                               org.deeplearning4j.rl4j.learning.listener.TrainingListener listener) {
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
        if (listener != null) {
            dql.addListener(listener);
        }
        long t0 = System.nanoTime();
        dql.train();
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new Result(dql.getPolicy(), mdp, conf, net, obsScale, dql.getStepCount(), seconds);
    }

    /** The Q-network of a DQN policy (observation / obsScale → one Q-value per flat action). */
    public static MultiLayerNetwork network(DQNPolicy<?> policy) {
        if (!(policy.getNeuralNet() instanceof DQN dqn)) {
            throw new IllegalArgumentException("expected RL4J's DQN network, got " + policy.getNeuralNet());
        }
        return (MultiLayerNetwork) dqn.getNeuralNetworks()[0];
    }

    /**
     * The trained policy in our format: algorithm {@code rl4j-dqn}, a {@link ActorHead#JOINT_Q joint-q} actor
     * copied from the Q-network (its flat outputs are {@link QuotaMdp#jointAction}'s order, that of {@code
     * MultiDiscrete.unflatten}), the division by {@code obsScale} as an {@link ObservationNormalizer}, no
     * critic, the hyper-parameters of {@link #hyperParameters}.
     *
     * @param signature the environment trained on (see {@code Signatures.of})
     */
    public static SavedPolicy export(Result r, EnvSignature signature) {
        return new SavedPolicy("rl4j-dqn", hyperParameters(r), signature, Dl4jMlp.export(network(r.policy())), null,
                scaling(signature.observationSize(), r.obsScale()), SavedPolicy.currentLibraryVersion(),
                ActorHead.JOINT_Q);
    }

    /**
     * RL4J's division of every observation by {@code obsScale}: mean 0, variance {@code obsScale^2}, epsilon 0
     * and no clipping (RL4J clips nothing), so {@code normalize(x) = x * (1 / obsScale)}.
     */
    public static ObservationNormalizer scaling(int size, double obsScale) {
        if (!(obsScale > 0) || Double.isInfinite(obsScale)) {
            throw new IllegalArgumentException("obsScale must be a finite number > 0, got " + obsScale);
        }
        double[] var = new double[size];
        Arrays.fill(var, obsScale * obsScale);
        return new ObservationNormalizer(new double[size], var, 0, 0, Double.POSITIVE_INFINITY);
    }

    /** The settings actually used, under RL4J's names ({@code QLearningConfiguration}, network configuration). */
    public static Map<String, String> hyperParameters(Result r) {
        QLearningConfiguration c = r.conf();
        Map<String, String> m = new LinkedHashMap<>();
        m.put("seed", String.valueOf(c.getSeed()));
        m.put("maxEpochStep", Integer.toString(c.getMaxEpochStep()));
        m.put("maxStep", Integer.toString(c.getMaxStep()));
        m.put("expRepMaxSize", Integer.toString(c.getExpRepMaxSize()));
        m.put("batchSize", Integer.toString(c.getBatchSize()));
        m.put("targetDqnUpdateFreq", Integer.toString(c.getTargetDqnUpdateFreq()));
        m.put("updateStart", Integer.toString(c.getUpdateStart()));
        m.put("rewardFactor", Double.toString(c.getRewardFactor()));
        m.put("gamma", Double.toString(c.getGamma()));
        m.put("errorClamp", Double.toString(c.getErrorClamp()));
        m.put("minEpsilon", Double.toString(c.getMinEpsilon()));
        m.put("epsilonNbStep", Integer.toString(c.getEpsilonNbStep()));
        m.put("doubleDQN", Boolean.toString(c.isDoubleDQN()));
        m.put("numLayers", Integer.toString(r.net().getNumLayers()));
        m.put("numHiddenNodes", Integer.toString(r.net().getNumHiddenNodes()));
        m.put("l2", Double.toString(r.net().getL2()));
        m.put("updater", String.valueOf(r.net().getUpdater()));
        m.put("observationScale", Double.toString(r.obsScale()));
        return m;
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
