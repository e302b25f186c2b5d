package dev.kdrl.core.space;

import dev.kdrl.core.rng.Rng;
import java.util.Arrays;

/**
 * A vector of independent discrete choices: component {@code i} is in {@code 0 .. nvec[i]-1}.
 * The paper's action space is {@code MultiDiscrete(22, 7, 8)}: one configuration index per service.
 */
public final class MultiDiscrete implements Space<int[]> {
    private final int[] nvec;

    public MultiDiscrete(int... nvec) {
        if (nvec == null || nvec.length == 0) {
            throw new IllegalArgumentException("nvec must have at least one component, got "
                    + Arrays.toString(nvec));
        }
        for (int i = 0; i < nvec.length; i++) {
            if (nvec[i] <= 0) {
                throw new IllegalArgumentException("nvec[" + i + "] must be > 0, got " + nvec[i]);
            }
        }
        this.nvec = nvec.clone();
    }

    /** A copy of the number of choices per component. */
    public int[] nvec() {
        return nvec.clone();
    }

    /** Number of choices of component {@code i}. */
    public int n(int i) {
        return nvec[i];
    }

    /** Number of components. */
    public int size() {
        return nvec.length;
    }

    /** Number of joint values (the product of {@code nvec}). */
    public long cardinality() {
        long c = 1;
        for (int n : nvec) {
            c = Math.multiplyExact(c, n);
        }
        return c;
    }

    /**
     * The joint value with lexicographic rank {@code index} (component 0 most significant), the order
     * in which planners enumerate actions and break ties.
     */
    public int[] unflatten(long index) {
        if (index < 0 || index >= cardinality()) {
            throw new IllegalArgumentException("index must be in [0, " + cardinality() + "), got " + index);
        }
        int[] v = new int[nvec.length];
        for (int i = nvec.length - 1; i >= 0; i--) {
            v[i] = (int) (index % nvec[i]);
            index /= nvec[i];
        }
        return v;
    }

    /** Inverse of {@link #unflatten(long)}. */
    public long flatten(int[] value) {
        if (!contains(value)) {
            throw new IllegalArgumentException("value " + Arrays.toString(value) + " is not in " + this);
        }
        long index = 0;
        for (int i = 0; i < nvec.length; i++) {
            index = index * nvec[i] + value[i];
        }
        return index;
    }

    @Override
    public int[] sample(Rng rng) {
        int[] v = new int[nvec.length];
        for (int i = 0; i < nvec.length; i++) {
            v[i] = rng.nextInt(nvec[i]);
        }
        return v;
    }

    @Override
    public boolean contains(int[] value) {
        if (value == null || value.length != nvec.length) {
            return false;
        }
        for (int i = 0; i < nvec.length; i++) {
            if (value[i] < 0 || value[i] >= nvec[i]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int flatSize() {
        return nvec.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MultiDiscrete m && Arrays.equals(nvec, m.nvec);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(nvec);
    }

    @Override
    public String toString() {
        return "MultiDiscrete" + Arrays.toString(nvec);
    }
}
