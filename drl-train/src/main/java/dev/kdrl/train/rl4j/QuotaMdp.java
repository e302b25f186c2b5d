package dev.kdrl.train.rl4j;

import dev.kdrl.core.env.Env;
import dev.kdrl.core.env.StepResult;
import dev.kdrl.core.rng.Rng;
import dev.kdrl.core.space.MultiDiscrete;
import java.util.function.Supplier;
import org.deeplearning4j.gym.StepReply;
import org.deeplearning4j.rl4j.mdp.MDP;
import org.deeplearning4j.rl4j.space.ArrayObservationSpace;
import org.deeplearning4j.rl4j.space.DiscreteSpace;
import org.deeplearning4j.rl4j.space.Encodable;
import org.deeplearning4j.rl4j.space.ObservationSpace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One of our environments as an RL4J {@link MDP}: the multi-discrete joint action is flattened to one
 * discrete action ({@code MultiDiscrete.unflatten}, lexicographic; 1,232 for the paper), observations are
 * handed to RL4J's networks divided by {@code observationScale} (the paper's are 0..100). Episodes reset
 * with seeds drawn from one seeded stream. {@link #newInstance()} builds a fresh environment from the
 * same supplier.
 */
public final class QuotaMdp implements MDP<QuotaMdp.Observation, Integer, DiscreteSpace> {
    private final Supplier<? extends Env<double[], int[]>> factory;
    private final Env<double[], int[]> env;
    private final MultiDiscrete actions;
    private final DiscreteSpace actionSpace;
    private final ArrayObservationSpace<Observation> observationSpace;
    private final double observationScale;
    private final long seed;
    private final Rng seeds;
    private boolean done = true;

    /** An observation as RL4J wants it. */
    public static final class Observation implements Encodable {
        private final double[] values;

        Observation(double[] values) {
            this.values = values;
        }

        @Override
        public double[] toArray() {
            return values.clone();
        }

        @Override
        public boolean isSkipped() {
            return false;
        }

        @Override
        public INDArray getData() {
            return Nd4j.create(values).reshape(1, values.length);
        }

        @Override
        public Encodable dup() {
            return new Observation(values.clone());
        }
    }

    public QuotaMdp(Supplier<? extends Env<double[], int[]>> factory, double observationScale, long seed) {
        this.factory = factory;
        this.env = factory.get();
        if (!(env.actionSpace() instanceof MultiDiscrete md)) {
            throw new IllegalArgumentException("RL4J needs a MultiDiscrete action space, got " + env.actionSpace());
        }
        this.actions = md;
        this.actionSpace = new DiscreteSpace(Math.toIntExact(md.cardinality()));
        this.observationSpace = new ArrayObservationSpace<>(new int[] {env.observationSpace().flatSize()});
        this.observationScale = observationScale;
        this.seed = seed;
        this.seeds = Rng.of(seed);
    }

    private Observation observe(double[] raw) {
        double[] v = new double[raw.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = raw[i] / observationScale;
        }
        return new Observation(v);
    }

    @Override
    public ObservationSpace<Observation> getObservationSpace() {
        return observationSpace;
    }

    @Override
    public DiscreteSpace getActionSpace() {
        return actionSpace;
    }

    @Override
    public Observation reset() {
        done = false;
        return observe(env.reset(seeds.nextSeed()));
    }

    @Override
    public void close() {
    }

    @Override
    public StepReply<Observation> step(Integer action) {
        StepResult<double[]> r = env.step(actions.unflatten(action));
        done = r.done();
        return new StepReply<>(observe(r.observation()), r.reward(), done, null);
    }

    @Override
    public boolean isDone() {
        return done;
    }

    @Override
    public MDP<Observation, Integer, DiscreteSpace> newInstance() {
        return new QuotaMdp(factory, observationScale, seed + 1);
    }

    /** The joint action of a flat RL4J action. */
    public int[] jointAction(int flat) {
        return actions.unflatten(flat);
    }
}
