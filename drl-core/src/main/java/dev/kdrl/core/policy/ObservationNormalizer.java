package dev.kdrl.core.policy;

import dev.kdrl.core.io.BinaryIo;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.Arrays;
import java.util.Objects;

/**
 * Frozen observation statistics, applied to every observation before the policy network (stable-baselines3's
 * {@code VecNormalize} at inference time):
 *
 * <pre>
 *   normalize(obs)[i] = clip((obs[i] - mean[i]) / sqrt(var[i] + epsilon), -clip, clip)
 * </pre>
 *
 * <p>Defaults are {@link #DEFAULT_EPSILON} and {@link #DEFAULT_CLIP}. {@link #identity(int)} leaves
 * observations unchanged. Statistics are gathered during training by a {@link RunningMeanStd} and frozen
 * with {@link RunningMeanStd#freeze()}. Immutable and thread-safe.
 */
public final class ObservationNormalizer {
    /** Magic number at the start of the binary format: ASCII {@code "KNRM"}. */
    public static final int MAGIC = 0x4B4E524D;
    /** Current version of the binary format written by {@link #write(DataOutputStream)}. */
    public static final int FORMAT_VERSION = 1;
    /** Added to the variance before the square root (stable-baselines3's value). */
    public static final double DEFAULT_EPSILON = 1e-8;
    /** Normalised values are clipped to {@code [-10, 10]} (stable-baselines3's {@code clip_obs}). */
    public static final double DEFAULT_CLIP = 10;

    private final double[] mean;
    private final double[] var;
    private final double count;
    private final double epsilon;
    private final double clip;
    private final double[] invStd;

    /**
     * @param mean    per-component mean, finite
     * @param var     per-component variance, finite and &gt;= 0, same length as {@code mean}
     * @param count   number of observations the statistics come from, &gt;= 0 (kept for resuming training)
     * @param epsilon added to the variance, &gt;= 0; with a zero variance it must be &gt; 0
     * @param clip    clipping bound, &gt; 0 (may be {@link Double#POSITIVE_INFINITY} for no clipping)
     * @throws IllegalArgumentException naming the field, the value and the rule
     */
    public ObservationNormalizer(double[] mean, double[] var, double count, double epsilon, double clip) {
        Objects.requireNonNull(mean, "mean must not be null");
        Objects.requireNonNull(var, "var must not be null");
        if (mean.length == 0) {
            throw new IllegalArgumentException("mean must have at least one component");
        }
        if (var.length != mean.length) {
            throw new IllegalArgumentException("var has length " + var.length + ", mean has length " + mean.length);
        }
        if (!(count >= 0) || Double.isInfinite(count)) {
            throw new IllegalArgumentException("count must be a finite number >= 0, got " + count);
        }
        if (!(epsilon >= 0) || Double.isInfinite(epsilon)) {
            throw new IllegalArgumentException("epsilon must be a finite number >= 0, got " + epsilon);
        }
        if (!(clip > 0)) {
            throw new IllegalArgumentException("clip must be > 0, got " + clip);
        }
        this.invStd = new double[mean.length];
        for (int i = 0; i < mean.length; i++) {
            if (!Double.isFinite(mean[i])) {
                throw new IllegalArgumentException("mean[" + i + "] must be finite, got " + mean[i]);
            }
            if (!(var[i] >= 0) || Double.isInfinite(var[i])) {
                throw new IllegalArgumentException("var[" + i + "] must be a finite number >= 0, got " + var[i]);
            }
            if (var[i] + epsilon == 0) {
                throw new IllegalArgumentException("var[" + i + "] + epsilon must be > 0, got var " + var[i]
                        + " and epsilon " + epsilon);
            }
            invStd[i] = 1 / Math.sqrt(var[i] + epsilon);
        }
        this.mean = mean.clone();
        this.var = var.clone();
        this.count = count;
        this.epsilon = epsilon;
        this.clip = clip;
    }

    /** Frozen statistics with the default epsilon and clip. */
    public static ObservationNormalizer of(double[] mean, double[] var, double count) {
        return new ObservationNormalizer(mean, var, count, DEFAULT_EPSILON, DEFAULT_CLIP);
    }

    /** No normalisation: mean 0, variance 1, epsilon 0, no clipping, so {@link #normalize} returns its input. */
    public static ObservationNormalizer identity(int n) {
        if (n <= 0) {
            throw new IllegalArgumentException("n must be > 0, got " + n);
        }
        double[] ones = new double[n];
        Arrays.fill(ones, 1);
        return new ObservationNormalizer(new double[n], ones, 0, 0, Double.POSITIVE_INFINITY);
    }

    /**
     * Normalises one observation.
     *
     * @return a new array; the input is not modified
     * @throws IllegalArgumentException if {@code obs} has the wrong length
     */
    public double[] normalize(double[] obs) {
        Objects.requireNonNull(obs, "observation must not be null");
        if (obs.length != mean.length) {
            throw new IllegalArgumentException("observation has length " + obs.length + ", the normalizer expects "
                    + mean.length);
        }
        double[] out = new double[obs.length];
        for (int i = 0; i < obs.length; i++) {
            double z = (obs[i] - mean[i]) * invStd[i];
            out[i] = z < -clip ? -clip : (z > clip ? clip : z);
        }
        return out;
    }

    /** True if {@link #normalize} returns its input unchanged (mean 0, variance 1, epsilon 0, no clipping). */
    public boolean isIdentity() {
        if (epsilon != 0 || clip != Double.POSITIVE_INFINITY) {
            return false;
        }
        for (int i = 0; i < mean.length; i++) {
            if (mean[i] != 0 || var[i] != 1) {
                return false;
            }
        }
        return true;
    }

    /** Number of observation components. */
    public int size() {
        return mean.length;
    }

    /** A copy of the per-component mean. */
    public double[] mean() {
        return mean.clone();
    }

    /** A copy of the per-component variance. */
    public double[] var() {
        return var.clone();
    }

    /** Number of observations the statistics come from (including a prior's pseudo-count). */
    public double count() {
        return count;
    }

    public double epsilon() {
        return epsilon;
    }

    public double clip() {
        return clip;
    }

    /**
     * Writes the statistics in the versioned binary format: magic {@code "KNRM"}, format version, size
     * {@code n}, count, epsilon, clip, then the {@code n} means and the {@code n} variances as doubles. Does
     * not close the stream.
     */
    public void write(DataOutputStream out) throws IOException {
        Objects.requireNonNull(out, "out must not be null");
        out.writeInt(MAGIC);
        out.writeInt(FORMAT_VERSION);
        out.writeInt(mean.length);
        out.writeDouble(count);
        out.writeDouble(epsilon);
        out.writeDouble(clip);
        BinaryIo.writeDoubles(out, mean);
        BinaryIo.writeDoubles(out, var);
        out.flush();
    }

    /**
     * Reads statistics written by {@link #write(DataOutputStream)}; does not close the stream.
     *
     * @throws IOException on a wrong magic number or version, a truncated stream, or invalid values
     */
    public static ObservationNormalizer read(DataInputStream in) throws IOException {
        Objects.requireNonNull(in, "in must not be null");
        try {
            int magic = in.readInt();
            if (magic != MAGIC) {
                throw new IOException("not an ObservationNormalizer stream: bad magic " + BinaryIo.hex(magic)
                        + ", expected " + BinaryIo.hex(MAGIC) + " (\"KNRM\")");
            }
            int version = in.readInt();
            if (version != FORMAT_VERSION) {
                throw new IOException("unsupported ObservationNormalizer format version " + version
                        + ", this reader supports version " + FORMAT_VERSION);
            }
            int n = in.readInt();
            if (n <= 0 || n > BinaryIo.MAX_SIZE) {
                throw new IOException("corrupt ObservationNormalizer stream: size must be in [1, "
                        + BinaryIo.MAX_SIZE + "], got " + n);
            }
            double count = in.readDouble();
            double epsilon = in.readDouble();
            double clip = in.readDouble();
            double[] mean = BinaryIo.readDoubles(in, n);
            double[] var = BinaryIo.readDoubles(in, n);
            try {
                return new ObservationNormalizer(mean, var, count, epsilon, clip);
            } catch (IllegalArgumentException e) {
                throw new IOException("corrupt ObservationNormalizer stream: " + e.getMessage(), e);
            }
        } catch (EOFException e) {
            throw new IOException("truncated ObservationNormalizer stream: unexpected end of data", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ObservationNormalizer n
                && Double.compare(count, n.count) == 0
                && Double.compare(epsilon, n.epsilon) == 0
                && Double.compare(clip, n.clip) == 0
                && Arrays.equals(mean, n.mean)
                && Arrays.equals(var, n.var);
    }

    @Override
    public int hashCode() {
        int h = Arrays.hashCode(mean);
        h = 31 * h + Arrays.hashCode(var);
        h = 31 * h + Double.hashCode(count);
        h = 31 * h + Double.hashCode(epsilon);
        return 31 * h + Double.hashCode(clip);
    }

    @Override
    public String toString() {
        return isIdentity() ? "ObservationNormalizer[identity, n=" + mean.length + "]"
                : "ObservationNormalizer[n=" + mean.length + ", count=" + count + ", epsilon=" + epsilon
                        + ", clip=" + clip + "]";
    }
}
