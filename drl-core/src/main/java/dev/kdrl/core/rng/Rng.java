package dev.kdrl.core.rng;

import java.util.SplittableRandom;

/**
 * Explicitly seeded randomness. One seed goes in; every component that needs random numbers gets its
 * own stream from {@link #split()} (environment, exploration, minibatches, network init), so adding a
 * draw in one component never shifts another's. There is no global generator anywhere in the project.
 *
 * <p>Not thread-safe: give each thread its own split.
 */
public final class Rng {
    private final SplittableRandom random;

    private Rng(SplittableRandom random) {
        this.random = random;
    }

    /** A generator fully determined by {@code seed}. */
    public static Rng of(long seed) {
        return new Rng(new SplittableRandom(seed));
    }

    /** An independent child stream; deterministic given this generator's seed and its history. */
    public Rng split() {
        return new Rng(random.split());
    }

    /** A fresh seed drawn from this stream, e.g. to seed an environment's {@code reset}. */
    public long nextSeed() {
        return random.nextLong();
    }

    /** Uniform in {@code [0, bound)}. */
    public int nextInt(int bound) {
        return random.nextInt(bound);
    }

    /** Uniform in {@code [origin, bound)}. */
    public int nextInt(int origin, int bound) {
        return random.nextInt(origin, bound);
    }

    public long nextLong() {
        return random.nextLong();
    }

    /** Uniform in {@code [0, 1)}. */
    public double nextDouble() {
        return random.nextDouble();
    }

    /** Uniform in {@code [origin, bound)}. */
    public double nextDouble(double origin, double bound) {
        return random.nextDouble(origin, bound);
    }

    public boolean nextBoolean() {
        return random.nextBoolean();
    }

    /** Standard normal, by the polar method on this stream (no hidden state shared with other streams). */
    public double nextGaussian() {
        double v1;
        double v2;
        double s;
        do {
            v1 = 2 * random.nextDouble() - 1;
            v2 = 2 * random.nextDouble() - 1;
            s = v1 * v1 + v2 * v2;
        } while (s >= 1 || s == 0);
        return v1 * Math.sqrt(-2 * Math.log(s) / s);
    }
}
