package dev.kdrl.core.space;

import dev.kdrl.core.rng.Rng;

/**
 * A set of values an observation or action can take (Gymnasium's {@code Space}).
 *
 * @param <T> the value type, e.g. {@code int[]} for {@link MultiDiscrete}, {@code double[]} for {@link Box}
 */
public interface Space<T> {

    /** A uniformly drawn member (for unbounded {@link Box} dimensions: see that class). */
    T sample(Rng rng);

    /** Whether {@code value} is a member; {@code false} for {@code null} or a value of the wrong shape. */
    boolean contains(T value);

    /** Number of scalar components of one value (1 for {@link Discrete}). */
    int flatSize();
}
