package dev.kdrl.core.policy;

import dev.kdrl.core.io.BinaryIo;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.Arrays;
import java.util.Objects;
import java.util.StringJoiner;

/**
 * An immutable fully connected network (multi-layer perceptron) for plain-Java inference: the live agent
 * runs trained policies without a deep-learning runtime.
 *
 * <p>Shape: {@code layerSizes() = {n0, n1, ..., nL}} describes {@code L} dense layers; layer {@code l}
 * maps {@code n_l} inputs to {@code n_(l+1)} outputs as
 *
 * <pre>
 *   y = x · W_l + b_l        (x a row vector of length n_l)
 * </pre>
 *
 * <p>where {@code W_l} is the {@code [n_l][n_(l+1)]} matrix stored <b>row-major and flat</b>: the weight
 * from input {@code i} to output {@code j} is at index {@code i·n_(l+1) + j} of {@code weights(l)}. This is
 * the layout of a DL4J {@code DenseLayer}'s {@code W} parameter (and of a Keras {@code kernel}); it is the
 * transpose of PyTorch's {@code nn.Linear.weight}. Every layer but the last is followed by the hidden
 * activation; the output layer is the identity.
 *
 * <p>Thread-safe: {@link #forward} allocates its small scratch buffers per call.
 */
public final class Mlp {
    /** Magic number at the start of the binary format: ASCII {@code "KMLP"}. */
    public static final int MAGIC = 0x4B4D4C50;
    /** Current version of the binary format written by {@link #write(DataOutputStream)}. */
    public static final int FORMAT_VERSION = 1;

    private final int[] sizes;
    private final Activation hidden;
    private final double[][] weights;
    private final double[][] biases;
    // per layer and input row: the first and one past the last output with a weight other than 0 (a row of zeros:
    // 0, 0); forward skips what lies outside, which adds nothing (a block network, mean(), computes its blocks only)
    private final int[][] rowFrom;
    private final int[][] rowTo;

    private Mlp(int[] sizes, Activation hidden, double[][] weights, double[][] biases) {
        this.sizes = sizes;
        this.hidden = hidden;
        this.weights = weights;
        this.biases = biases;
        int layers = weights.length;
        rowFrom = new int[layers][];
        rowTo = new int[layers][];
        for (int l = 0; l < layers; l++) {
            int nIn = sizes[l];
            int nOut = sizes[l + 1];
            rowFrom[l] = new int[nIn];
            rowTo[l] = new int[nIn];
            for (int i = 0; i < nIn; i++) {
                int row = i * nOut;
                int from = 0;
                while (from < nOut && weights[l][row + from] == 0) {
                    from++;
                }
                int to = nOut;
                while (to > from && weights[l][row + to - 1] == 0) {
                    to--;
                }
                rowFrom[l][i] = from;
                rowTo[l][i] = to;
            }
        }
    }

    /**
     * The network whose output is the mean of the members' outputs: the members side by side in each hidden layer
     * (block-diagonal weights between hidden layers, so no member reads another's units), the output layer's weights
     * and biases divided by their number. Its output equals the mean of the members' outputs up to rounding (the
     * sums run in another order); {@link #forward} computes the blocks only, so it costs about the members' sum.
     *
     * @param members at least one, all with the same layer sizes and hidden activation
     * @throws IllegalArgumentException naming the first member that differs
     */
    public static Mlp mean(java.util.List<Mlp> members) {
        Objects.requireNonNull(members, "members must not be null");
        if (members.isEmpty()) {
            throw new IllegalArgumentException("the mean of networks needs at least one member, got none");
        }
        Mlp first = members.get(0);
        for (int k = 1; k < members.size(); k++) {
            Mlp m = members.get(k);
            if (!Arrays.equals(m.sizes, first.sizes) || m.hidden != first.hidden) {
                throw new IllegalArgumentException("member " + k + " has layer sizes " + Arrays.toString(m.sizes)
                        + " and activation " + m.hidden + "; member 0 has " + Arrays.toString(first.sizes) + " and "
                        + first.hidden);
            }
        }
        int count = members.size();
        int layers = first.weights.length;
        int[] sizes = first.sizes.clone();
        for (int l = 1; l < layers; l++) {
            sizes[l] = first.sizes[l] * count;
        }
        double[][] w = new double[layers][];
        double[][] b = new double[layers][];
        for (int l = 0; l < layers; l++) {
            int nIn = first.sizes[l];
            int nOut = first.sizes[l + 1];
            boolean input = l == 0;
            boolean output = l == layers - 1;
            w[l] = new double[sizes[l] * sizes[l + 1]];
            b[l] = new double[sizes[l + 1]];
            for (int k = 0; k < count; k++) {
                Mlp m = members.get(k);
                int rowOffset = input ? 0 : k * nIn;
                int colOffset = output ? 0 : k * nOut;
                for (int i = 0; i < nIn; i++) {
                    for (int j = 0; j < nOut; j++) {
                        double v = m.weights[l][i * nOut + j];
                        w[l][(rowOffset + i) * sizes[l + 1] + colOffset + j] += output ? v / count : v;
                    }
                }
                for (int j = 0; j < nOut; j++) {
                    b[l][colOffset + j] += output ? m.biases[l][j] / count : m.biases[l][j];
                }
            }
        }
        return new Mlp(sizes, first.hidden, w, b);
    }

    /**
     * Creates a network, copying the arrays.
     *
     * @param sizes   layer sizes {@code {n0, ..., nL}}, at least two, all &gt; 0
     * @param hidden  activation after every layer but the last
     * @param weights {@code L} flat row-major matrices, {@code weights[l].length == n_l · n_(l+1)}
     * @param biases  {@code L} vectors, {@code biases[l].length == n_(l+1)}
     * @throws IllegalArgumentException naming the layer, the expected and the actual size, or a non-finite
     *                                  value
     */
    public static Mlp of(int[] sizes, Activation hidden, double[][] weights, double[][] biases) {
        Objects.requireNonNull(sizes, "sizes must not be null");
        Objects.requireNonNull(hidden, "hidden activation must not be null");
        Objects.requireNonNull(weights, "weights must not be null");
        Objects.requireNonNull(biases, "biases must not be null");
        if (sizes.length < 2) {
            throw new IllegalArgumentException("an Mlp needs at least 2 layer sizes (input and output), got "
                    + Arrays.toString(sizes));
        }
        for (int l = 0; l < sizes.length; l++) {
            if (sizes[l] <= 0) {
                throw new IllegalArgumentException("layer sizes must be > 0, got " + sizes[l] + " at index " + l
                        + " of " + Arrays.toString(sizes));
            }
        }
        int layers = sizes.length - 1;
        if (weights.length != layers) {
            throw new IllegalArgumentException("expected " + layers + " weight matrices for layer sizes "
                    + Arrays.toString(sizes) + ", got " + weights.length);
        }
        if (biases.length != layers) {
            throw new IllegalArgumentException("expected " + layers + " bias vectors for layer sizes "
                    + Arrays.toString(sizes) + ", got " + biases.length);
        }
        double[][] w = new double[layers][];
        double[][] b = new double[layers][];
        for (int l = 0; l < layers; l++) {
            long expectedW = (long) sizes[l] * sizes[l + 1];
            w[l] = checked("layer " + l + " weights", weights[l], expectedW,
                    "[" + sizes[l] + "][" + sizes[l + 1] + "] = " + expectedW);
            b[l] = checked("layer " + l + " biases", biases[l], sizes[l + 1], Integer.toString(sizes[l + 1]));
        }
        return new Mlp(sizes.clone(), hidden, w, b);
    }

    private static double[] checked(String what, double[] values, long expected, String rule) {
        if (values == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        if (values.length != expected) {
            throw new IllegalArgumentException(what + ": expected " + rule + " values, got " + values.length);
        }
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                throw new IllegalArgumentException(what + ": values must be finite, got " + values[i]
                        + " at index " + i);
            }
        }
        return values.clone();
    }

    /**
     * Computes the network's output for one input.
     *
     * @param x input of length {@link #inputSize()}
     * @return a new array of length {@link #outputSize()}
     * @throws IllegalArgumentException if {@code x} has the wrong length
     */
    public double[] forward(double[] x) {
        Objects.requireNonNull(x, "input must not be null");
        if (x.length != sizes[0]) {
            throw new IllegalArgumentException("input has length " + x.length + ", the network expects "
                    + sizes[0]);
        }
        double[] in = x;
        int last = weights.length - 1;
        for (int l = 0; l <= last; l++) {
            int nIn = sizes[l];
            int nOut = sizes[l + 1];
            double[] w = weights[l];
            double[] out = biases[l].clone();
            for (int i = 0; i < nIn; i++) {
                double xi = in[i];
                if (xi == 0) {
                    continue;
                }
                int row = i * nOut;
                for (int j = rowFrom[l][i], end = rowTo[l][i]; j < end; j++) {
                    out[j] += xi * w[row + j];
                }
            }
            if (l < last && hidden != Activation.IDENTITY) {
                for (int j = 0; j < nOut; j++) {
                    out[j] = hidden.apply(out[j]);
                }
            }
            in = out;
        }
        return in;
    }

    /** Length of the input, {@code layerSizes()[0]}. */
    public int inputSize() {
        return sizes[0];
    }

    /** Length of the output, the last layer size. */
    public int outputSize() {
        return sizes[sizes.length - 1];
    }

    /** A copy of the layer sizes {@code {n0, ..., nL}}. */
    public int[] layerSizes() {
        return sizes.clone();
    }

    /** Number of dense layers {@code L} (one less than the number of layer sizes). */
    public int numLayers() {
        return weights.length;
    }

    /** The activation after every layer but the last. */
    public Activation hiddenActivation() {
        return hidden;
    }

    /** The activation of the output layer: always {@link Activation#IDENTITY}. */
    public Activation outputActivation() {
        return Activation.IDENTITY;
    }

    /** A copy of the flat row-major {@code [n_l][n_(l+1)]} weight matrix of layer {@code l}. */
    public double[] weights(int l) {
        return weights[layerIndex(l)].clone();
    }

    /** A copy of the bias vector (length {@code n_(l+1)}) of layer {@code l}. */
    public double[] biases(int l) {
        return biases[layerIndex(l)].clone();
    }

    /** Copies of all weight matrices, in the layout of {@link #of}. */
    public double[][] weights() {
        double[][] copy = new double[weights.length][];
        for (int l = 0; l < weights.length; l++) {
            copy[l] = weights[l].clone();
        }
        return copy;
    }

    /** Copies of all bias vectors, in the layout of {@link #of}. */
    public double[][] biases() {
        double[][] copy = new double[biases.length][];
        for (int l = 0; l < biases.length; l++) {
            copy[l] = biases[l].clone();
        }
        return copy;
    }

    /** Total number of parameters (weights and biases). */
    public long parameterCount() {
        long n = 0;
        for (int l = 0; l < weights.length; l++) {
            n += weights[l].length + biases[l].length;
        }
        return n;
    }

    private int layerIndex(int l) {
        if (l < 0 || l >= weights.length) {
            throw new IndexOutOfBoundsException("layer must be in [0, " + weights.length + "), got " + l);
        }
        return l;
    }

    /**
     * Writes this network in the versioned binary format: magic {@code "KMLP"}, format version, number of
     * layers {@code L}, the {@code L+1} layer sizes, the hidden and output activation codes
     * ({@link Activation#code()}), then for each layer its weights (row-major) and biases as doubles.
     * Does not close the stream.
     */
    public void write(DataOutputStream out) throws IOException {
        Objects.requireNonNull(out, "out must not be null");
        out.writeInt(MAGIC);
        out.writeInt(FORMAT_VERSION);
        out.writeInt(weights.length);
        for (int s : sizes) {
            out.writeInt(s);
        }
        out.writeInt(hidden.code());
        out.writeInt(Activation.IDENTITY.code());
        for (int l = 0; l < weights.length; l++) {
            BinaryIo.writeDoubles(out, weights[l]);
            BinaryIo.writeDoubles(out, biases[l]);
        }
        out.flush();
    }

    /**
     * Reads a network written by {@link #write(DataOutputStream)}; does not close the stream.
     *
     * @throws IOException on a wrong magic number or version, a truncated stream, or implausible shapes
     */
    public static Mlp read(DataInputStream in) throws IOException {
        Objects.requireNonNull(in, "in must not be null");
        try {
            int magic = in.readInt();
            if (magic != MAGIC) {
                throw new IOException("not an Mlp stream: bad magic " + BinaryIo.hex(magic) + ", expected "
                        + BinaryIo.hex(MAGIC) + " (\"KMLP\")");
            }
            int version = in.readInt();
            if (version != FORMAT_VERSION) {
                throw new IOException("unsupported Mlp format version " + version + ", this reader supports version "
                        + FORMAT_VERSION);
            }
            int layers = in.readInt();
            if (layers < 1 || layers > BinaryIo.MAX_LAYERS) {
                throw new IOException("corrupt Mlp stream: number of layers must be in [1, " + BinaryIo.MAX_LAYERS
                        + "], got " + layers);
            }
            int[] sizes = new int[layers + 1];
            for (int l = 0; l <= layers; l++) {
                sizes[l] = in.readInt();
                if (sizes[l] <= 0 || sizes[l] > BinaryIo.MAX_SIZE) {
                    throw new IOException("corrupt Mlp stream: layer size " + l + " must be in [1, "
                            + BinaryIo.MAX_SIZE + "], got " + sizes[l]);
                }
            }
            Activation hidden;
            Activation output;
            try {
                hidden = Activation.fromCode(in.readInt());
                output = Activation.fromCode(in.readInt());
            } catch (IllegalArgumentException e) {
                throw new IOException("corrupt Mlp stream: " + e.getMessage(), e);
            }
            if (output != Activation.IDENTITY) {
                throw new IOException("unsupported Mlp output activation " + output.label()
                        + " (this reader supports identity)");
            }
            double[][] w = new double[layers][];
            double[][] b = new double[layers][];
            for (int l = 0; l < layers; l++) {
                long count = (long) sizes[l] * sizes[l + 1];
                if (count > BinaryIo.MAX_ARRAY) {
                    throw new IOException("corrupt Mlp stream: layer " + l + " is too large: " + sizes[l] + "x"
                            + sizes[l + 1]);
                }
                w[l] = BinaryIo.readDoubles(in, (int) count);
                b[l] = BinaryIo.readDoubles(in, sizes[l + 1]);
            }
            try {
                return new Mlp(sizes, hidden, w, b).validated();
            } catch (IllegalArgumentException e) {
                throw new IOException("corrupt Mlp stream: " + e.getMessage(), e);
            }
        } catch (EOFException e) {
            throw new IOException("truncated Mlp stream: unexpected end of data", e);
        }
    }

    private Mlp validated() {
        return of(sizes, hidden, weights, biases);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Mlp m
                && hidden == m.hidden
                && Arrays.equals(sizes, m.sizes)
                && Arrays.deepEquals(weights, m.weights)
                && Arrays.deepEquals(biases, m.biases);
    }

    @Override
    public int hashCode() {
        int h = 31 * Arrays.hashCode(sizes) + hidden.hashCode();
        h = 31 * h + Arrays.deepHashCode(weights);
        return 31 * h + Arrays.deepHashCode(biases);
    }

    /** For example {@code Mlp[9-128-128-37, tanh]}. */
    @Override
    public String toString() {
        StringJoiner j = new StringJoiner("-", "Mlp[", ", " + hidden.label() + "]");
        for (int s : sizes) {
            j.add(Integer.toString(s));
        }
        return j.toString();
    }
}
