package dev.kdrl.core.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.kdrl.core.predict.BiLstmNetwork.Layer;
import dev.kdrl.core.predict.BiLstmNetwork.LstmParams;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class BiLstmNetworkTest {

    private static double sig(double x) {
        return 1.0 / (1.0 + Math.exp(-x));
    }

    /**
     * 1 layer, 1 unit per direction, 1 input feature, window of 3: every gate written out by hand.
     * Gate order in the arrays: [block input, forget, output, input gate].
     */
    @Test
    void tinyNetworkMatchesHandComputation() {
        // forward LSTM
        double fWa = 0.5, fWf = -0.3, fWo = 0.8, fWi = 0.2;
        double fRa = 0.1, fRf = 0.4, fRo = -0.2, fRi = 0.3;
        double fBa = 0.05, fBf = 1.0, fBo = -0.1, fBi = 0.2;
        // backward LSTM
        double bWa = -0.7, bWf = 0.6, bWo = 0.3, bWi = -0.4;
        double bRa = 0.25, bRf = -0.15, bRo = 0.35, bRi = 0.45;
        double bBa = -0.05, bBf = 0.9, bBo = 0.15, bBi = -0.25;
        double dF = 1.5, dB = -0.75, dBias = 0.125;

        LstmParams fwd =
                new LstmParams(
                        1,
                        1,
                        new double[] {fWa, fWf, fWo, fWi},
                        new double[] {fRa, fRf, fRo, fRi},
                        new double[] {fBa, fBf, fBo, fBi});
        LstmParams bwd =
                new LstmParams(
                        1,
                        1,
                        new double[] {bWa, bWf, bWo, bWi},
                        new double[] {bRa, bRf, bRo, bRi},
                        new double[] {bBa, bBf, bBo, bBi});
        BiLstmNetwork net =
                new BiLstmNetwork(List.of(new Layer(fwd, bwd)), new double[] {dF, dB}, dBias);

        double[] x = {0.2, 0.5, 0.9};

        // forward direction: t = 0, 1, 2
        double h = 0, c = 0;
        for (int t = 0; t < 3; t++) {
            double a = Math.tanh(fWa * x[t] + fRa * h + fBa);
            double f = sig(fWf * x[t] + fRf * h + fBf);
            double o = sig(fWo * x[t] + fRo * h + fBo);
            double i = sig(fWi * x[t] + fRi * h + fBi);
            c = f * c + i * a;
            h = o * Math.tanh(c);
        }
        double hForwardLast = h;

        // backward direction: reads t = 2, 1, 0; its output "at original time 0" is the final one
        h = 0;
        c = 0;
        for (int t = 2; t >= 0; t--) {
            double a = Math.tanh(bWa * x[t] + bRa * h + bBa);
            double f = sig(bWf * x[t] + bRf * h + bBf);
            double o = sig(bWo * x[t] + bRo * h + bBo);
            double i = sig(bWi * x[t] + bRi * h + bBi);
            c = f * c + i * a;
            h = o * Math.tanh(c);
        }
        double hBackwardFirst = h;

        double expected = dBias + dF * hForwardLast + dB * hBackwardFirst;
        assertThat(net.predict(x)).isCloseTo(expected, within(1e-13));
        assertThat(net.units()).isEqualTo(1);
        assertThat(net.numLayers()).isEqualTo(1);
        assertThat(net.inputSize()).isEqualTo(1);

        // one step: both directions see only x0
        double a0 = Math.tanh(fWa * 0.3 + fBa);
        double c0 = sig(fWi * 0.3 + fBi) * a0;
        double hf = sig(fWo * 0.3 + fBo) * Math.tanh(c0);
        double ab = Math.tanh(bWa * 0.3 + bBa);
        double cb = sig(bWi * 0.3 + bBi) * ab;
        double hb = sig(bWo * 0.3 + bBo) * Math.tanh(cb);
        assertThat(net.predict(new double[] {0.3}))
                .isCloseTo(dBias + dF * hf + dB * hb, within(1e-13));
    }

    /** Two/three stacked layers against a naive, Keras-style reference written with 2-D arrays. */
    @Test
    void stackedLayersMatchNaiveReference() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (int nLayers = 1; nLayers <= 3; nLayers++) {
            BiLstmNetwork net = randomNetwork(rnd, nLayers, 5);
            for (int trial = 0; trial < 20; trial++) {
                double[] window = new double[1 + rnd.nextInt(9)];
                for (int t = 0; t < window.length; t++) {
                    window[t] = rnd.nextDouble();
                }
                assertThat(net.predict(window))
                        .as("layers=%d window=%s", nLayers, Arrays.toString(window))
                        .isCloseTo(reference(net, window), within(1e-12));
            }
        }
    }

    @Test
    void writeReadRoundTripGivesIdenticalPredictions() throws IOException {
        SplittableRandom rnd = new SplittableRandom(42);
        BiLstmNetwork net = randomNetwork(rnd, 2, 12);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        net.write(new DataOutputStream(bytes));
        BiLstmNetwork back =
                BiLstmNetwork.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));

        assertThat(back.numLayers()).isEqualTo(2);
        assertThat(back.units()).isEqualTo(12);
        assertThat(back.inputSize()).isEqualTo(1);
        assertThat(back.layers()).isEqualTo(net.layers());
        assertThat(back.denseWeights()).isEqualTo(net.denseWeights());
        assertThat(back.denseBias()).isEqualTo(net.denseBias());
        for (int trial = 0; trial < 50; trial++) {
            double[] window = new double[7];
            for (int t = 0; t < 7; t++) {
                window[t] = rnd.nextDouble();
            }
            assertThat(Double.doubleToRawLongBits(back.predict(window)))
                    .isEqualTo(Double.doubleToRawLongBits(net.predict(window)));
        }
    }

    @Test
    void readRejectsBadMagicVersionAndTruncation() throws IOException {
        BiLstmNetwork net = randomNetwork(new SplittableRandom(1), 1, 3);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        net.write(new DataOutputStream(bytes));
        byte[] good = bytes.toByteArray();

        byte[] badMagic = good.clone();
        badMagic[0] = 'X';
        assertThatThrownBy(() -> read(badMagic))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("bad magic");

        byte[] badVersion = good.clone();
        badVersion[7] = 99;
        assertThatThrownBy(() -> read(badVersion))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("unsupported BiLstmNetwork format version 99");

        byte[] truncated = Arrays.copyOf(good, good.length - 5);
        assertThatThrownBy(() -> read(truncated))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("truncated");

        assertThatThrownBy(() -> read(new byte[0]))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("truncated");

        byte[] hugeLayer = good.clone();
        // first nIn at offset 12: set it to a huge value
        hugeLayer[12] = 0x7F;
        assertThatThrownBy(() -> read(hugeLayer))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("corrupt");
    }

    private static BiLstmNetwork read(byte[] data) throws IOException {
        return BiLstmNetwork.read(new DataInputStream(new ByteArrayInputStream(data)));
    }

    @Test
    void shapeValidationMessages() {
        assertThatThrownBy(() -> new LstmParams(1, 2, new double[7], new double[16], new double[8]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("inputWeights length must be nIn*4*nOut = 1*4*2 = 8, got 7");
        assertThatThrownBy(() -> new LstmParams(1, 2, new double[8], new double[15], new double[8]))
                .hasMessage("recurrentWeights length must be nOut*4*nOut = 2*4*2 = 16, got 15");
        assertThatThrownBy(() -> new LstmParams(1, 2, new double[8], new double[16], new double[9]))
                .hasMessage("bias length must be 4*nOut = 4*2 = 8, got 9");
        assertThatThrownBy(() -> new LstmParams(1, 0, new double[0], new double[0], new double[0]))
                .hasMessage("nOut must be > 0, got 0");
        assertThatThrownBy(() -> new LstmParams(0, 1, new double[0], new double[4], new double[4]))
                .hasMessage("nIn must be > 0, got 0");
        double[] nan = new double[8];
        nan[3] = Double.NaN;
        assertThatThrownBy(() -> new LstmParams(1, 2, nan, new double[16], new double[8]))
                .hasMessage("inputWeights values must be finite, got NaN at index 3");

        LstmParams p12 = zeros(1, 2);
        LstmParams p13 = zeros(1, 3);
        assertThatThrownBy(() -> new Layer(p12, p13))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("forward and backward must have the same shape");

        Layer first = new Layer(p12, p12);
        Layer wrongSecond = new Layer(zeros(3, 2), zeros(3, 2));
        assertThatThrownBy(() -> new BiLstmNetwork(List.of(first, wrongSecond), new double[4], 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("layer 1 nIn must be 2*nOut of layer 0 = 4, got 3");
        assertThatThrownBy(() -> new BiLstmNetwork(List.of(first), new double[3], 0))
                .hasMessage("denseWeights length must be 2*nOut(last layer) = 2*2 = 4, got 3");
        assertThatThrownBy(() -> new BiLstmNetwork(List.of(), new double[0], 0))
                .hasMessage("layers must not be empty");

        BiLstmNetwork ok = new BiLstmNetwork(List.of(first), new double[4], 0);
        assertThatThrownBy(() -> ok.predict(new double[0]))
                .hasMessageContaining("window length must be a positive multiple of inputSize 1");
        assertThatThrownBy(() -> ok.predict(new double[] {0.1, Double.NaN}))
                .hasMessage("window values must be finite, got NaN at index 1");
    }

    @Test
    void isImmutable() {
        double[] w = new double[4];
        // non-zero gate biases: the hidden state is not 0, so the dense weights reach the output
        double[] bias = {0.5, 0.5, 0.5, 0.5};
        LstmParams p = new LstmParams(1, 1, w, new double[4], bias);
        double[] dense = {1.0, 1.0};
        BiLstmNetwork net = new BiLstmNetwork(List.of(new Layer(p, p)), dense, 0.5);
        double before = net.predict(new double[] {0.3, 0.6});
        // a network whose first dense weight is 10 predicts otherwise: the edits below would show
        assertThat(new BiLstmNetwork(List.of(new Layer(p, p)), new double[] {10, 1}, 0.5)
                .predict(new double[] {0.3, 0.6})).isNotEqualTo(before);
        w[0] = 10;
        bias[0] = -3;
        dense[0] = 10;
        p.inputWeights()[0] = 10;
        net.denseWeights()[0] = 10;
        assertThat(net.predict(new double[] {0.3, 0.6})).isEqualTo(before);
        assertThat(net.denseWeights()).containsExactly(1.0, 1.0);
    }

    @Test
    void concurrentPredictionsAreConsistent() throws Exception {
        SplittableRandom rnd = new SplittableRandom(3);
        BiLstmNetwork net = randomNetwork(rnd, 2, 16);
        double[][] windows = new double[64][7];
        double[] expected = new double[64];
        for (int k = 0; k < windows.length; k++) {
            for (int t = 0; t < 7; t++) {
                windows[k][t] = rnd.nextDouble();
            }
            expected[k] = net.predict(windows[k]);
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<double[]>> futures = new ArrayList<>();
            for (int th = 0; th < 4; th++) {
                futures.add(
                        pool.submit(
                                () -> {
                                    double[] got = new double[windows.length];
                                    for (int rep = 0; rep < 20; rep++) {
                                        for (int k = 0; k < windows.length; k++) {
                                            got[k] = net.predict(windows[k]);
                                        }
                                    }
                                    return got;
                                }));
            }
            for (Future<double[]> f : futures) {
                assertThat(f.get()).isEqualTo(expected);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * The production shape (2 layers x 100 units, window 7) predicts finite values, the same for the same window, and
     * leaves the window as it was. Its latency is a benchmark, not a test: {@code ./drl predictor bench}.
     */
    @Test
    void productionShapePredictsRepeatablyWithoutTouchingTheWindow() {
        SplittableRandom rnd = new SplittableRandom(11);
        BiLstmNetwork net = randomNetwork(rnd, 2, 100);
        for (int i = 0; i < 100; i++) {
            double[] window = new double[7];
            for (int t = 0; t < 7; t++) {
                window[t] = rnd.nextDouble();
            }
            double[] copy = window.clone();
            double first = net.predict(window);
            assertThat(Double.isFinite(first)).isTrue();
            assertThat(net.predict(window)).isEqualTo(first);
            assertThat(window).containsExactly(copy);
        }
    }

    // ---------------------------------------------------------------------------------------------

    private static LstmParams zeros(int nIn, int nOut) {
        return new LstmParams(
                nIn, nOut, new double[nIn * 4 * nOut], new double[nOut * 4 * nOut], new double[4 * nOut]);
    }

    static BiLstmNetwork randomNetwork(SplittableRandom rnd, int nLayers, int units) {
        List<Layer> layers = new ArrayList<>();
        int nIn = 1;
        for (int k = 0; k < nLayers; k++) {
            layers.add(new Layer(randomParams(rnd, nIn, units), randomParams(rnd, nIn, units)));
            nIn = 2 * units;
        }
        return new BiLstmNetwork(layers, uniform(rnd, 2 * units, 0.5), rnd.nextDouble(-0.1, 0.1));
    }

    private static LstmParams randomParams(SplittableRandom rnd, int nIn, int nOut) {
        double scale = 1.0 / Math.sqrt(nIn + nOut);
        return new LstmParams(
                nIn,
                nOut,
                uniform(rnd, nIn * 4 * nOut, 2 * scale),
                uniform(rnd, nOut * 4 * nOut, 2 * scale),
                uniform(rnd, 4 * nOut, 0.5));
    }

    private static double[] uniform(SplittableRandom rnd, int n, double scale) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = rnd.nextDouble(-scale, scale);
        }
        return v;
    }

    /** Naive reference: gates named, 2-D weights, Keras bidirectional semantics. */
    private static double reference(BiLstmNetwork net, double[] window) {
        int steps = window.length;
        double[][] seq = new double[steps][];
        for (int t = 0; t < steps; t++) {
            seq[t] = new double[] {window[t]};
        }
        List<Layer> layers = net.layers();
        for (int k = 0; k < layers.size(); k++) {
            Layer layer = layers.get(k);
            double[][] fwd = runNaive(layer.forward(), seq, false);
            double[][] bwd = runNaive(layer.backward(), seq, true);
            int n = layer.nOut();
            if (k < layers.size() - 1) {
                double[][] next = new double[steps][2 * n];
                for (int t = 0; t < steps; t++) {
                    System.arraycopy(fwd[t], 0, next[t], 0, n);
                    System.arraycopy(bwd[t], 0, next[t], n, n);
                }
                seq = next;
            } else {
                double[] dw = net.denseWeights();
                double y = net.denseBias();
                for (int j = 0; j < n; j++) {
                    y += dw[j] * fwd[steps - 1][j] + dw[n + j] * bwd[0][j];
                }
                return y;
            }
        }
        throw new AssertionError();
    }

    /** Returns the output at each original time step (for reverse: after reading T-1 down to t). */
    private static double[][] runNaive(LstmParams p, double[][] seq, boolean reverse) {
        int nIn = p.nIn();
        int n = p.nOut();
        double[] wFlat = p.inputWeights();
        double[] rFlat = p.recurrentWeights();
        double[] b = p.bias();
        double[][] w = new double[nIn][4 * n];
        double[][] r = new double[n][4 * n];
        for (int i = 0; i < nIn; i++) {
            w[i] = Arrays.copyOfRange(wFlat, i * 4 * n, (i + 1) * 4 * n);
        }
        for (int i = 0; i < n; i++) {
            r[i] = Arrays.copyOfRange(rFlat, i * 4 * n, (i + 1) * 4 * n);
        }
        int steps = seq.length;
        double[][] out = new double[steps][];
        double[] h = new double[n];
        double[] c = new double[n];
        for (int s = 0; s < steps; s++) {
            int t = reverse ? steps - 1 - s : s;
            double[] hNew = new double[n];
            for (int j = 0; j < n; j++) {
                double[] pre = new double[4]; // block input, forget, output, input gate
                for (int g = 0; g < 4; g++) {
                    double sum = b[g * n + j];
                    for (int i = 0; i < nIn; i++) {
                        sum += seq[t][i] * w[i][g * n + j];
                    }
                    for (int i = 0; i < n; i++) {
                        sum += h[i] * r[i][g * n + j];
                    }
                    pre[g] = sum;
                }
                double blockInput = Math.tanh(pre[0]);
                double forget = sig(pre[1]);
                double output = sig(pre[2]);
                double input = sig(pre[3]);
                c[j] = forget * c[j] + input * blockInput;
                hNew[j] = output * Math.tanh(c[j]);
            }
            h = hNew;
            out[t] = h;
        }
        return out;
    }
}
