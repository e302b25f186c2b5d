package dev.kdrl.core.space;

import dev.kdrl.core.rng.Rng;
import java.util.Arrays;

/**
 * A box {@code low[i] <= x[i] <= high[i]} of real vectors. Bounds may be infinite. Sampling is uniform
 * on bounded dimensions, exponential-tailed from the finite bound on half-bounded ones and standard
 * normal on unbounded ones (Gymnasium's convention).
 */
public final class Box implements Space<double[]> {
    private final double[] low;
    private final double[] high;

    public Box(double[] low, double[] high) {
        if (low == null || high == null || low.length != high.length || low.length == 0) {
            throw new IllegalArgumentException("low and high must be non-empty and of equal length, got "
                    + Arrays.toString(low) + " and " + Arrays.toString(high));
        }
        for (int i = 0; i < low.length; i++) {
            if (Double.isNaN(low[i]) || Double.isNaN(high[i]) || low[i] > high[i]
                    || (low[i] == high[i] && Double.isInfinite(low[i]))) {
                throw new IllegalArgumentException("bounds of dimension " + i
                        + " must satisfy low <= high and not be one infinite point, got [" + low[i] + ", " + high[i] + "]");
            }
        }
        this.low = low.clone();
        this.high = high.clone();
    }

    /** The same bounds on every one of {@code n} dimensions. */
    public static Box uniform(int n, double low, double high) {
        if (n <= 0) {
            throw new IllegalArgumentException("n must be > 0, got " + n);
        }
        double[] l = new double[n];
        double[] h = new double[n];
        Arrays.fill(l, low);
        Arrays.fill(h, high);
        return new Box(l, h);
    }

    public double[] low() {
        return low.clone();
    }

    public double[] high() {
        return high.clone();
    }

    public int dimension() {
        return low.length;
    }

    @Override
    public double[] sample(Rng rng) {
        double[] x = new double[low.length];
        for (int i = 0; i < x.length; i++) {
            boolean lo = Double.isFinite(low[i]);
            boolean hi = Double.isFinite(high[i]);
            if (lo && hi) {
                // written so that very wide finite bounds do not overflow to infinity
                double u = rng.nextDouble();
                x[i] = Math.min(high[i], Math.max(low[i], u * high[i] + (1 - u) * low[i]));
            } else if (lo) {
                x[i] = low[i] - Math.log1p(-rng.nextDouble());
            } else if (hi) {
                x[i] = high[i] + Math.log1p(-rng.nextDouble());
            } else {
                x[i] = rng.nextGaussian();
            }
        }
        return x;
    }

    @Override
    public boolean contains(double[] value) {
        if (value == null || value.length != low.length) {
            return false;
        }
        for (int i = 0; i < value.length; i++) {
            if (!(value[i] >= low[i] && value[i] <= high[i])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int flatSize() {
        return low.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Box b && Arrays.equals(low, b.low) && Arrays.equals(high, b.high);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(low) + Arrays.hashCode(high);
    }

    @Override
    public String toString() {
        return "Box(low=" + Arrays.toString(low) + ", high=" + Arrays.toString(high) + ")";
    }
}
