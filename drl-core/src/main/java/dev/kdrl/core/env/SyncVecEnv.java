package dev.kdrl.core.env;

import dev.kdrl.core.rng.Rng;
import dev.kdrl.core.space.Space;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntFunction;

/**
 * A {@link VecEnv} that steps its environments one after another on the calling thread (cheap
 * simulators gain nothing from threads; the batching pays off in the policy's forward pass).
 * Seeds of later episodes are drawn from a stream seeded by the {@link #reset(long)} seed.
 */
public final class SyncVecEnv<O, A> implements VecEnv<O, A> {
    private final List<Env<O, A>> envs;
    private Rng seeds;

    public SyncVecEnv(List<? extends Env<O, A>> envs) {
        if (envs == null || envs.isEmpty()) {
            throw new IllegalArgumentException("envs must hold at least one environment");
        }
        this.envs = List.copyOf(envs);
    }

    /** {@code n} environments made by {@code factory.apply(i)}. */
    public static <O, A> SyncVecEnv<O, A> of(int n, IntFunction<? extends Env<O, A>> factory) {
        if (n <= 0) {
            throw new IllegalArgumentException("n must be > 0, got " + n);
        }
        List<Env<O, A>> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(Objects.requireNonNull(factory.apply(i), "factory returned null for env " + i));
        }
        return new SyncVecEnv<>(list);
    }

    @Override
    public int numEnvs() {
        return envs.size();
    }

    /** Environment {@code i} itself (for planners and metrics that read its state). */
    public Env<O, A> env(int i) {
        return envs.get(i);
    }

    @Override
    public Space<O> observationSpace() {
        return envs.get(0).observationSpace();
    }

    @Override
    public Space<A> actionSpace() {
        return envs.get(0).actionSpace();
    }

    @Override
    public List<O> reset(long seed) {
        seeds = Rng.of(seed);
        List<O> obs = new ArrayList<>(envs.size());
        for (Env<O, A> env : envs) {
            obs.add(env.reset(seeds.nextSeed()));
        }
        return obs;
    }

    @Override
    public VecStepResult<O> step(List<A> actions) {
        if (seeds == null) {
            throw new IllegalStateException("step called before reset");
        }
        if (actions.size() != envs.size()) {
            throw new IllegalArgumentException("expected " + envs.size() + " actions, got " + actions.size());
        }
        int n = envs.size();
        List<O> obs = new ArrayList<>(n);
        List<O> finals = new ArrayList<>(Collections.nCopies(n, null));
        List<Map<String, Object>> infos = new ArrayList<>(n);
        double[] rewards = new double[n];
        boolean[] terminated = new boolean[n];
        boolean[] truncated = new boolean[n];
        for (int i = 0; i < n; i++) {
            Env<O, A> env = envs.get(i);
            StepResult<O> r = env.step(actions.get(i));
            rewards[i] = r.reward();
            terminated[i] = r.terminated();
            truncated[i] = r.truncated();
            infos.add(r.info());
            if (r.done()) {
                finals.set(i, r.observation());
                obs.add(env.reset(seeds.nextSeed()));
            } else {
                obs.add(r.observation());
            }
        }
        return new VecStepResult<>(obs, rewards, terminated, truncated, finals, infos);
    }
}
