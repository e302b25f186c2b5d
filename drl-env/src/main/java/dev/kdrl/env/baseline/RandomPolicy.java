package dev.kdrl.env.baseline;

import dev.kdrl.core.policy.Policy;
import dev.kdrl.core.rng.Rng;
import dev.kdrl.core.space.MultiDiscrete;

/** Uniformly random joint actions from a seeded stream; {@link #reset()} restarts the stream. */
public final class RandomPolicy implements Policy<double[], int[]> {
    private final MultiDiscrete space;
    private final long seed;
    private Rng rng;

    public RandomPolicy(MultiDiscrete space, long seed) {
        this.space = java.util.Objects.requireNonNull(space, "space");
        this.seed = seed;
        this.rng = Rng.of(seed);
    }

    @Override
    public void reset() {
        rng = Rng.of(seed);
    }

    @Override
    public int[] act(double[] observation) {
        return space.sample(rng);
    }

    @Override
    public String name() {
        return "random(seed=" + seed + ")";
    }
}
