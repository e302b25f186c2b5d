package dev.kdrl.core.predict;

import dev.kdrl.core.io.BinaryIo;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Inference-only stacked bidirectional LSTM regressor with a dense output of one value, in plain
 * Java (no ND4J), with Keras semantics:
 *
 * <pre>
 *   Bidirectional(LSTM(n, return_sequences=True)) ... → Bidirectional(LSTM(n)) → Dense(1)
 * </pre>
 *
 * <ul>
 *   <li>Every Bi-LSTM layer except the last returns a sequence: at each (original) time step
 *       {@code t} its output is the concatenation {@code [forward_t, backward_t]} (forward units
 *       first), where {@code backward_t} is the output of the backward LSTM after it has read the
 *       input from the last step down to {@code t}.
 *   <li>The last Bi-LSTM layer returns {@code [forward_{T-1}, backward_0]}: the forward LSTM's
 *       output at the last time step and the backward LSTM's output after it has read the whole
 *       window in reverse.
 *   <li>Dense: {@code y = denseBias + Σ_k denseWeights[k] · h[k]} over those {@code 2·nOut}
 *       values (identity activation).
 * </ul>
 *
 * <p>Each LSTM is the standard one without peepholes, zero initial state, sigmoid gates and tanh
 * block-input and output activations:
 *
 * <pre>
 *   z_t = x_t · W + h_{t-1} · RW + b                    (row vector of 4·nOut pre-activations)
 *   a_t = tanh(z_t[block input])    f_t = σ(z_t[forget])
 *   o_t = σ(z_t[output])            i_t = σ(z_t[input gate])
 *   c_t = f_t ⊙ c_{t-1} + i_t ⊙ a_t
 *   h_t = o_t ⊙ tanh(c_t)
 * </pre>
 *
 * <p>See {@link LstmParams} for the exact weight layout and gate order (DL4J's {@code LSTM} layer
 * layout, so the DL4J parameters {@code W}, {@code RW}, {@code b} copy over element by element).
 *
 * <p>Instances are immutable and thread-safe: {@link #predict(double[])} allocates its small
 * scratch buffers per call.
 */
public final class BiLstmNetwork {

    /** Magic number at the start of the binary format: ASCII {@code "KBLS"}. */
    public static final int MAGIC = 0x4B424C53;
    /** Current version of the binary format written by {@link #write(DataOutputStream)}. */
    public static final int FORMAT_VERSION = 1;

    /** Gate block index (in units of {@code nOut}) of the block input (candidate, tanh). */
    public static final int GATE_BLOCK_INPUT = 0;
    /** Gate block index of the forget gate (sigmoid). */
    public static final int GATE_FORGET = 1;
    /** Gate block index of the output gate (sigmoid). */
    public static final int GATE_OUTPUT = 2;
    /** Gate block index of the input gate (sigmoid; DL4J calls it the "input modulation gate"). */
    public static final int GATE_INPUT = 3;

    /**
     * Parameters of one unidirectional LSTM (no peepholes). Layout, identical to DL4J's {@code
     * LSTM} layer ({@code LSTMParamInitializer}), all arrays flat and row-major:
     *
     * <ul>
     *   <li>{@code inputWeights}: the {@code [nIn][4·nOut]} matrix {@code W} (DL4J key {@code "W"}),
     *       element {@code (i, g·nOut + j)} at index {@code i·4·nOut + g·nOut + j}: weight from input
     *       feature {@code i} to gate {@code g}, unit {@code j}.
     *   <li>{@code recurrentWeights}: the {@code [nOut][4·nOut]} matrix {@code RW} (DL4J key {@code
     *       "RW"}), element {@code (k, g·nOut + j)} at index {@code k·4·nOut + g·nOut + j}: weight
     *       from previous output unit {@code k} to gate {@code g}, unit {@code j}.
     *   <li>{@code bias}: the {@code [4·nOut]} vector {@code b} (DL4J key {@code "b"}), element
     *       {@code g·nOut + j}.
     * </ul>
     *
     * <p>Gate order {@code g} (DL4J's, <em>not</em> Keras' i,f,c,o): 0 = block input / cell
     * candidate (tanh), 1 = forget gate, 2 = output gate, 3 = input gate. See the {@code GATE_*}
     * constants of {@link BiLstmNetwork}. Keras' {@code kernel[:, k·n:(k+1)·n]} blocks (i, f, c, o)
     * map to DL4J blocks (3, 1, 0, 2).
     *
     * <p>The arrays are defensively copied in and out.
     */
    public record LstmParams(
            int nIn, int nOut, double[] inputWeights, double[] recurrentWeights, double[] bias) {

        public LstmParams {
            if (nIn <= 0) {
                throw new IllegalArgumentException("nIn must be > 0, got " + nIn);
            }
            if (nOut <= 0) {
                throw new IllegalArgumentException("nOut must be > 0, got " + nOut);
            }
            long gates = 4L * nOut;
            checkArray("inputWeights", inputWeights, nIn * gates, "nIn*4*nOut = " + nIn + "*4*" + nOut);
            checkArray(
                    "recurrentWeights", recurrentWeights, nOut * gates, "nOut*4*nOut = " + nOut + "*4*" + nOut);
            checkArray("bias", bias, gates, "4*nOut = 4*" + nOut);
            inputWeights = inputWeights.clone();
            recurrentWeights = recurrentWeights.clone();
            bias = bias.clone();
        }

        /** Returns a copy of {@code W}, layout {@code [nIn][4·nOut]} row-major. */
        @Override
        public double[] inputWeights() {
            return inputWeights.clone();
        }

        /** Returns a copy of {@code RW}, layout {@code [nOut][4·nOut]} row-major. */
        @Override
        public double[] recurrentWeights() {
            return recurrentWeights.clone();
        }

        /** Returns a copy of {@code b}, layout {@code [4·nOut]}. */
        @Override
        public double[] bias() {
            return bias.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof LstmParams p
                    && nIn == p.nIn
                    && nOut == p.nOut
                    && Arrays.equals(inputWeights, p.inputWeights)
                    && Arrays.equals(recurrentWeights, p.recurrentWeights)
                    && Arrays.equals(bias, p.bias);
        }

        @Override
        public int hashCode() {
            int h = 31 * nIn + nOut;
            h = 31 * h + Arrays.hashCode(inputWeights);
            h = 31 * h + Arrays.hashCode(recurrentWeights);
            return 31 * h + Arrays.hashCode(bias);
        }

        @Override
        public String toString() {
            return "LstmParams[nIn=" + nIn + ", nOut=" + nOut + "]";
        }
    }

    /** One bidirectional layer: both directions read the same input and have the same sizes. */
    public record Layer(LstmParams forward, LstmParams backward) {
        public Layer {
            Objects.requireNonNull(forward, "forward must not be null");
            Objects.requireNonNull(backward, "backward must not be null");
            if (forward.nIn() != backward.nIn() || forward.nOut() != backward.nOut()) {
                throw new IllegalArgumentException(
                        "forward and backward must have the same shape, got forward nIn="
                                + forward.nIn()
                                + " nOut="
                                + forward.nOut()
                                + ", backward nIn="
                                + backward.nIn()
                                + " nOut="
                                + backward.nOut());
            }
        }

        /** Units per direction; the layer's output has {@code 2·nOut()} features. */
        public int nOut() {
            return forward.nOut();
        }

        /** Input features per time step. */
        public int nIn() {
            return forward.nIn();
        }
    }

    private final List<Layer> layers;
    private final double[] denseWeights;
    private final double denseBias;
    /** {@code cells[k][0]} forward, {@code cells[k][1]} backward LSTM of layer {@code k}. */
    private final Cell[][] cells;

    /**
     * @param layers the Bi-LSTM layers, input side first; layer {@code k+1} must have {@code nIn =
     *     2·nOut(k)}
     * @param denseWeights {@code 2·nOut(last)} weights: forward units first, then backward units
     * @param denseBias the dense bias
     */
    public BiLstmNetwork(List<Layer> layers, double[] denseWeights, double denseBias) {
        Objects.requireNonNull(layers, "layers must not be null");
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("layers must not be empty");
        }
        List<Layer> copy = List.copyOf(layers); // also rejects null elements
        for (int k = 1; k < copy.size(); k++) {
            int expected = 2 * copy.get(k - 1).nOut();
            if (copy.get(k).nIn() != expected) {
                throw new IllegalArgumentException(
                        "layer "
                                + k
                                + " nIn must be 2*nOut of layer "
                                + (k - 1)
                                + " = "
                                + expected
                                + ", got "
                                + copy.get(k).nIn());
            }
        }
        int lastOut = copy.get(copy.size() - 1).nOut();
        checkArray("denseWeights", denseWeights, 2L * lastOut, "2*nOut(last layer) = 2*" + lastOut);
        if (!Double.isFinite(denseBias)) {
            throw new IllegalArgumentException("denseBias must be finite, got " + denseBias);
        }
        this.layers = copy;
        this.denseWeights = denseWeights.clone();
        this.denseBias = denseBias;
        this.cells = new Cell[copy.size()][];
        for (int k = 0; k < copy.size(); k++) {
            cells[k] = new Cell[] {new Cell(copy.get(k).forward), new Cell(copy.get(k).backward)};
        }
    }

    /** Units per direction of the first layer. */
    public int units() {
        return layers.get(0).nOut();
    }

    public int numLayers() {
        return layers.size();
    }

    /** Input features per time step (1 for the traffic predictor). */
    public int inputSize() {
        return layers.get(0).nIn();
    }

    /** The layers (immutable list of immutable records). */
    public List<Layer> layers() {
        return layers;
    }

    /** A copy of the dense weights (forward units first, then backward units). */
    public double[] denseWeights() {
        return denseWeights.clone();
    }

    public double denseBias() {
        return denseBias;
    }

    /**
     * One forward pass.
     *
     * @param window the (already scaled) input, oldest time step first; with {@link #inputSize()}
     *     features per step, step {@code t} feature {@code i} is at {@code window[t·inputSize + i]}.
     *     Any number of steps ≥ 1 is accepted (the trained models use 7).
     * @return the network output (scaled, like the inputs)
     */
    public double predict(double[] window) {
        Objects.requireNonNull(window, "window must not be null");
        int nIn0 = inputSize();
        if (window.length == 0 || window.length % nIn0 != 0) {
            throw new IllegalArgumentException(
                    "window length must be a positive multiple of inputSize "
                            + nIn0
                            + ", got "
                            + window.length);
        }
        for (int i = 0; i < window.length; i++) {
            if (!Double.isFinite(window[i])) {
                throw new IllegalArgumentException(
                        "window values must be finite, got " + window[i] + " at index " + i);
            }
        }
        int steps = window.length / nIn0;
        double[][] in = new double[steps][];
        for (int t = 0; t < steps; t++) {
            in[t] = Arrays.copyOfRange(window, t * nIn0, (t + 1) * nIn0);
        }
        int nLayers = cells.length;
        for (int k = 0; k < nLayers; k++) {
            Cell fwd = cells[k][0];
            Cell bwd = cells[k][1];
            int n = fwd.nOut;
            double[][] z = new double[steps][4 * n];
            double[] h = new double[n];
            double[] c = new double[n];
            if (k < nLayers - 1) {
                double[][] out = new double[steps][2 * n];
                fwd.run(in, false, out, 0, z, h, c);
                bwd.run(in, true, out, n, z, h, c);
                in = out;
            } else {
                double y = denseBias;
                fwd.run(in, false, null, 0, z, h, c);
                for (int j = 0; j < n; j++) {
                    y += denseWeights[j] * h[j];
                }
                bwd.run(in, true, null, 0, z, h, c);
                for (int j = 0; j < n; j++) {
                    y += denseWeights[n + j] * h[j];
                }
                return y;
            }
        }
        throw new AssertionError("unreachable");
    }

    /**
     * One LSTM direction prepared for fast inference: the weight matrices as arrays of rows (one
     * {@code double[4·nOut]} per row), which lets HotSpot vectorise the row-update loops (it does
     * not for several offset views into one flat array).
     */
    private static final class Cell {
        final int nIn;
        final int nOut;
        final double[][] w;
        final double[][] rw;
        final double[] b;

        Cell(LstmParams p) {
            nIn = p.nIn;
            nOut = p.nOut;
            w = rows(p.inputWeights, nIn, 4 * nOut);
            rw = rows(p.recurrentWeights, nOut, 4 * nOut);
            b = p.bias.clone();
        }

        private static double[][] rows(double[] flat, int rows, int cols) {
            double[][] m = new double[rows][];
            for (int r = 0; r < rows; r++) {
                m[r] = Arrays.copyOfRange(flat, r * cols, (r + 1) * cols);
            }
            return m;
        }

        /**
         * Runs over all steps of {@code in} ({@code [steps][nIn]}), forward or in reverse time order,
         * leaving the final output in {@code h}. If {@code out} is not null, writes the output of
         * original step {@code t} to {@code out[t][outOffset .. outOffset+nOut)}. {@code z} ({@code
         * [steps][4·nOut]}) is scratch.
         *
         * <p>The input projection {@code b + x_t·W} is done for all steps first, so each block of
         * {@code W} rows is used for every step while it is in cache.
         */
        void run(
                double[][] in, boolean reverse, double[][] out, int outOffset, double[][] z, double[] h,
                double[] c) {
            final int steps = in.length;
            final int n = nOut;
            final int g4 = 4 * n;
            for (int t = 0; t < steps; t++) {
                System.arraycopy(b, 0, z[t], 0, g4);
            }
            int k = 0;
            for (; k + 3 < nIn; k += 4) {
                double[] m0 = w[k];
                double[] m1 = w[k + 1];
                double[] m2 = w[k + 2];
                double[] m3 = w[k + 3];
                for (int t = 0; t < steps; t++) {
                    double[] x = in[t];
                    addRows(z[t], g4, x[k], m0, x[k + 1], m1, x[k + 2], m2, x[k + 3], m3);
                }
            }
            for (; k < nIn; k++) {
                double[] m0 = w[k];
                for (int t = 0; t < steps; t++) {
                    addRow(z[t], g4, in[t][k], m0);
                }
            }
            Arrays.fill(h, 0, n, 0.0);
            Arrays.fill(c, 0, n, 0.0);
            for (int s = 0; s < steps; s++) {
                int t = reverse ? steps - 1 - s : s;
                double[] zt = z[t];
                if (s > 0) { // h is all zero at the first step
                    int r = 0;
                    for (; r + 3 < n; r += 4) {
                        addRows(zt, g4, h[r], rw[r], h[r + 1], rw[r + 1], h[r + 2], rw[r + 2], h[r + 3], rw[r + 3]);
                    }
                    for (; r < n; r++) {
                        addRow(zt, g4, h[r], rw[r]);
                    }
                }
                for (int j = 0; j < n; j++) {
                    double a = tanh(zt[j]);
                    double f = sigmoid(zt[j + n]);
                    double o = sigmoid(zt[j + 2 * n]);
                    double ig = sigmoid(zt[j + 3 * n]);
                    double cj = f * c[j] + ig * a;
                    c[j] = cj;
                    h[j] = o * tanh(cj);
                }
                if (out != null) {
                    System.arraycopy(h, 0, out[t], outOffset, n);
                }
            }
        }
    }

    /** {@code z[0..len) += v0·m0 + v1·m1 + v2·m2 + v3·m3} (vectorised by HotSpot). */
    private static void addRows(
            double[] z,
            int len,
            double v0,
            double[] m0,
            double v1,
            double[] m1,
            double v2,
            double[] m2,
            double v3,
            double[] m3) {
        for (int q = 0; q < len; q++) {
            z[q] += v0 * m0[q] + v1 * m1[q] + v2 * m2[q] + v3 * m3[q];
        }
    }

    /** {@code z[0..len) += v·m}. */
    private static void addRow(double[] z, int len, double v, double[] m) {
        for (int q = 0; q < len; q++) {
            z[q] += v * m[q];
        }
    }

    private static double sigmoid(double x) {
        return 1.0 / (1.0 + Math.exp(-x));
    }

    /** tanh via exp (faster than Math.tanh); saturates cleanly to ±1, absolute error ~1e-16. */
    private static double tanh(double x) {
        return 1.0 - 2.0 / (Math.exp(2.0 * x) + 1.0);
    }

    // ---------------------------------------------------------------------------------------------
    // Binary format (big-endian, as DataOutputStream writes):
    //   int    MAGIC ("KBLS")
    //   int    FORMAT_VERSION (1)
    //   int    numLayers
    //   per layer, forward then backward LSTM:
    //     int nIn, int nOut
    //     double[nIn*4*nOut] inputWeights, double[nOut*4*nOut] recurrentWeights, double[4*nOut] bias
    //   int    denseWeights length (= 2*nOut of the last layer)
    //   double[...] denseWeights
    //   double denseBias
    // ---------------------------------------------------------------------------------------------

    /** Writes the network in the versioned binary format described above; does not close. */
    public void write(DataOutputStream out) throws IOException {
        Objects.requireNonNull(out, "out must not be null");
        out.writeInt(MAGIC);
        out.writeInt(FORMAT_VERSION);
        out.writeInt(layers.size());
        for (Layer layer : layers) {
            writeParams(out, layer.forward);
            writeParams(out, layer.backward);
        }
        out.writeInt(denseWeights.length);
        BinaryIo.writeDoubles(out, denseWeights);
        out.writeDouble(denseBias);
        out.flush();
    }

    /**
     * Reads a network written by {@link #write(DataOutputStream)}; does not close the stream.
     *
     * @throws IOException on a wrong magic number or version, a truncated stream, or inconsistent
     *     shapes
     */
    public static BiLstmNetwork read(DataInputStream in) throws IOException {
        Objects.requireNonNull(in, "in must not be null");
        try {
            int magic = in.readInt();
            if (magic != MAGIC) {
                throw new IOException(
                        String.format(
                                "not a BiLstmNetwork stream: bad magic 0x%08X, expected 0x%08X (\"KBLS\")",
                                magic, MAGIC));
            }
            int version = in.readInt();
            if (version != FORMAT_VERSION) {
                throw new IOException(
                        "unsupported BiLstmNetwork format version "
                                + version
                                + ", this reader supports version "
                                + FORMAT_VERSION);
            }
            int numLayers = in.readInt();
            if (numLayers <= 0 || numLayers > BinaryIo.MAX_LAYERS) {
                throw new IOException(
                        "corrupt BiLstmNetwork stream: numLayers must be in [1, "
                                + BinaryIo.MAX_LAYERS
                                + "], got "
                                + numLayers);
            }
            List<Layer> layers = new ArrayList<>(numLayers);
            for (int k = 0; k < numLayers; k++) {
                LstmParams fwd = readParams(in, k, "forward");
                LstmParams bwd = readParams(in, k, "backward");
                layers.add(new Layer(fwd, bwd));
            }
            int denseLen = in.readInt();
            if (denseLen <= 0 || denseLen > 2 * BinaryIo.MAX_SIZE) {
                throw new IOException(
                        "corrupt BiLstmNetwork stream: dense weight count out of range: " + denseLen);
            }
            double[] dense = BinaryIo.readDoubles(in, denseLen);
            double denseBias = in.readDouble();
            return new BiLstmNetwork(layers, dense, denseBias);
        } catch (EOFException e) {
            IOException ex = new IOException("truncated BiLstmNetwork stream: unexpected end of data");
            ex.initCause(e);
            throw ex;
        } catch (IllegalArgumentException e) {
            throw new IOException("corrupt BiLstmNetwork stream: " + e.getMessage(), e);
        }
    }

    private static void writeParams(DataOutputStream out, LstmParams p) throws IOException {
        out.writeInt(p.nIn);
        out.writeInt(p.nOut);
        BinaryIo.writeDoubles(out, p.inputWeights);
        BinaryIo.writeDoubles(out, p.recurrentWeights);
        BinaryIo.writeDoubles(out, p.bias);
    }

    private static LstmParams readParams(DataInputStream in, int layer, String direction)
            throws IOException {
        int nIn = in.readInt();
        int nOut = in.readInt();
        if (nIn <= 0 || nIn > 2 * BinaryIo.MAX_SIZE || nOut <= 0 || nOut > BinaryIo.MAX_SIZE) {
            throw new IOException(
                    "corrupt BiLstmNetwork stream: layer "
                            + layer
                            + " "
                            + direction
                            + " has implausible shape nIn="
                            + nIn
                            + " nOut="
                            + nOut);
        }
        long wLen = 4L * nIn * nOut;
        long rwLen = 4L * nOut * nOut;
        if (wLen > BinaryIo.MAX_ARRAY || rwLen > BinaryIo.MAX_ARRAY) {
            throw new IOException(
                    "corrupt BiLstmNetwork stream: layer "
                            + layer
                            + " "
                            + direction
                            + " is too large: nIn="
                            + nIn
                            + " nOut="
                            + nOut);
        }
        double[] w = BinaryIo.readDoubles(in, (int) wLen);
        double[] rw = BinaryIo.readDoubles(in, (int) rwLen);
        double[] b = BinaryIo.readDoubles(in, 4 * nOut);
        return new LstmParams(nIn, nOut, w, rw, b);
    }

    private static void checkArray(String name, double[] values, long expectedLength, String rule) {
        if (values == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        if (values.length != expectedLength) {
            throw new IllegalArgumentException(
                    name + " length must be " + rule + " = " + expectedLength + ", got " + values.length);
        }
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                throw new IllegalArgumentException(
                        name + " values must be finite, got " + values[i] + " at index " + i);
            }
        }
    }

    @Override
    public String toString() {
        return "BiLstmNetwork[layers="
                + layers.size()
                + ", units="
                + units()
                + ", inputSize="
                + inputSize()
                + "]";
    }
}
