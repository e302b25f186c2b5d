package dev.kdrl.core.space;

import dev.kdrl.core.rng.Rng;

/** The integers {@code 0 .. n-1}. */
public record Discrete(int n) implements Space<Integer> {

    public Discrete {
        if (n <= 0) {
            throw new IllegalArgumentException("n must be > 0, got " + n);
        }
    }

    @Override
    public Integer sample(Rng rng) {
        return rng.nextInt(n);
    }

    @Override
    public boolean contains(Integer value) {
        return value != null && value >= 0 && value < n;
    }

    @Override
    public int flatSize() {
        return 1;
    }
}
