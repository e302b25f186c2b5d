package dev.kdrl.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MlpTest {

    /**
     * 2→2→1, W0 = [[1, -1], [0.5, 2]] (row i = input i), b0 = [0, 0.5], W1 = [[2], [-1]], b1 = [0.25].
     * For x = [1, 2]: x·W0 + b0 = [1 + 1, -1 + 4 + 0.5] = [2, 3.5].
     */
    static Mlp handWorked(Activation hidden) {
        return Mlp.of(new int[] {2, 2, 1}, hidden,
                new double[][] {{1, -1, 0.5, 2}, {2, -1}},
                new double[][] {{0, 0.5}, {0.25}});
    }

    @Test
    void forwardMatchesHandComputation() {
        double[] x = {1, 2};
        assertThat(handWorked(Activation.TANH).forward(x))
                .containsExactly(new double[] {2 * Math.tanh(2) - Math.tanh(3.5) + 0.25}, within(1e-15));
        // relu keeps [2, 3.5]: 2·2 - 3.5 + 0.25
        assertThat(handWorked(Activation.RELU).forward(x)).containsExactly(0.75);
        // relu cuts negatives: x = [-1, 0] gives [-1, 1 + 0.5] → [0, 1.5] → -1.5 + 0.25
        assertThat(handWorked(Activation.RELU).forward(new double[] {-1, 0})).containsExactly(-1.25);
        assertThat(handWorked(Activation.IDENTITY).forward(new double[] {-1, 0})).containsExactly(-3.25);
    }

    @Test
    void accessorsReturnCopies() {
        Mlp m = handWorked(Activation.TANH);
        assertThat(m.inputSize()).isEqualTo(2);
        assertThat(m.outputSize()).isEqualTo(1);
        assertThat(m.numLayers()).isEqualTo(2);
        assertThat(m.layerSizes()).containsExactly(2, 2, 1);
        assertThat(m.parameterCount()).isEqualTo(4 + 2 + 2 + 1);
        assertThat(m.weights(0)).containsExactly(1, -1, 0.5, 2);
        assertThat(m.biases(1)).containsExactly(0.25);
        m.weights(0)[0] = 99;
        m.weights()[1][0] = 99;
        m.biases()[0][0] = 99;
        m.layerSizes()[0] = 99;
        assertThat(m).isEqualTo(handWorked(Activation.TANH));
        assertThat(m.forward(new double[] {1, 2})).containsExactly(handWorked(Activation.TANH)
                .forward(new double[] {1, 2}));
        assertThat(m.toString()).isEqualTo("Mlp[2-2-1, tanh]");
    }

    @Test
    void ofCopiesItsArguments() {
        double[][] w = {{1, -1, 0.5, 2}, {2, -1}};
        double[][] b = {{0, 0.5}, {0.25}};
        Mlp m = Mlp.of(new int[] {2, 2, 1}, Activation.TANH, w, b);
        w[0][0] = 7;
        b[1][0] = 7;
        assertThat(m).isEqualTo(handWorked(Activation.TANH));
    }

    @Test
    void shapeValidationNamesLayerExpectedAndActual() {
        assertThatThrownBy(() -> Mlp.of(new int[] {2, 2, 1}, Activation.TANH,
                new double[][] {{1, -1, 0.5}, {2, -1}}, new double[][] {{0, 0.5}, {0.25}}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("layer 0 weights: expected [2][2] = 4 values, got 3");
        assertThatThrownBy(() -> Mlp.of(new int[] {2, 2, 1}, Activation.TANH,
                new double[][] {{1, -1, 0.5, 2}, {2, -1}}, new double[][] {{0, 0.5}, {0.25, 1}}))
                .hasMessage("layer 1 biases: expected 1 values, got 2");
        assertThatThrownBy(() -> Mlp.of(new int[] {2, 2, 1}, Activation.TANH,
                new double[][] {{1, -1, 0.5, 2}}, new double[][] {{0, 0.5}, {0.25}}))
                .hasMessage("expected 2 weight matrices for layer sizes [2, 2, 1], got 1");
        assertThatThrownBy(() -> Mlp.of(new int[] {2, 0, 1}, Activation.TANH,
                new double[][] {{}, {}}, new double[][] {{}, {0.25}}))
                .hasMessage("layer sizes must be > 0, got 0 at index 1 of [2, 0, 1]");
        assertThatThrownBy(() -> Mlp.of(new int[] {2}, Activation.TANH, new double[0][], new double[0][]))
                .hasMessageContaining("at least 2 layer sizes");
        assertThatThrownBy(() -> Mlp.of(new int[] {2, 1}, Activation.TANH,
                new double[][] {{1, Double.NaN}}, new double[][] {{0}}))
                .hasMessage("layer 0 weights: values must be finite, got NaN at index 1");
        assertThatThrownBy(() -> handWorked(Activation.TANH).forward(new double[3]))
                .hasMessage("input has length 3, the network expects 2");
    }

    @Test
    void binaryRoundTripAndRejections() throws IOException {
        Mlp m = TestNets.random(new int[] {9, 16, 8, 37}, Activation.RELU, new SplittableRandom(3), 1);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        m.write(new DataOutputStream(buf));
        byte[] bytes = buf.toByteArray();
        Mlp back = Mlp.read(new DataInputStream(new ByteArrayInputStream(bytes)));
        assertThat(back).isEqualTo(m).hasSameHashCodeAs(m);
        assertThat(back.hiddenActivation()).isEqualTo(Activation.RELU);

        byte[] badMagic = bytes.clone();
        badMagic[0] = 'X';
        assertThatThrownBy(() -> Mlp.read(new DataInputStream(new ByteArrayInputStream(badMagic))))
                .isInstanceOf(IOException.class)
                .hasMessage("not an Mlp stream: bad magic 0x584D4C50, expected 0x4B4D4C50 (\"KMLP\")");
        byte[] badVersion = bytes.clone();
        badVersion[7] = 2;
        assertThatThrownBy(() -> Mlp.read(new DataInputStream(new ByteArrayInputStream(badVersion))))
                .hasMessage("unsupported Mlp format version 2, this reader supports version 1");
        byte[] truncated = Arrays.copyOf(bytes, bytes.length - 5);
        assertThatThrownBy(() -> Mlp.read(new DataInputStream(new ByteArrayInputStream(truncated))))
                .hasMessage("truncated Mlp stream: unexpected end of data");
        byte[] badActivation = bytes.clone();
        int activationAt = 4 * (3 + 4);
        badActivation[activationAt + 3] = 9;
        assertThatThrownBy(() -> Mlp.read(new DataInputStream(new ByteArrayInputStream(badActivation))))
                .hasMessageStartingWith("corrupt Mlp stream: unknown activation code 9");
    }

    @Test
    void forwardIsThreadSafe() throws InterruptedException {
        Mlp m = TestNets.random(new int[] {9, 32, 32, 37}, Activation.TANH, new SplittableRandom(5), 1);
        double[][] inputs = new double[64][9];
        double[][] expected = new double[64][];
        SplittableRandom r = new SplittableRandom(6);
        for (int k = 0; k < inputs.length; k++) {
            for (int i = 0; i < 9; i++) {
                inputs[k][i] = r.nextDouble(-3, 3);
            }
            expected[k] = m.forward(inputs[k]);
        }
        boolean[] ok = new boolean[4];
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            int id = t;
            threads[t] = new Thread(() -> {
                boolean same = true;
                for (int rep = 0; rep < 200; rep++) {
                    for (int k = 0; k < inputs.length; k++) {
                        same &= Arrays.equals(m.forward(inputs[k]), expected[k]);
                    }
                }
                ok[id] = same;
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(ok).containsOnly(true);
    }

    @Test
    void activationCodesAndLabelsAreStable() {
        assertThat(Activation.TANH.code()).isEqualTo(1);
        assertThat(Activation.RELU.code()).isEqualTo(2);
        assertThat(Activation.IDENTITY.code()).isEqualTo(3);
        assertThat(Activation.fromLabel("TanH")).isEqualTo(Activation.TANH);
        assertThat(Activation.fromCode(2)).isEqualTo(Activation.RELU);
        assertThatThrownBy(() -> Activation.fromLabel("sigmoid"))
                .hasMessage("unknown activation 'sigmoid' (expected tanh, relu or identity)");
    }

    /** The plain sum, as a network without the zero-weight skipping computes it. */
    private static double[] dense(Mlp m, double[] x) {
        double[] in = x;
        int[] sizes = m.layerSizes();
        for (int l = 0; l < m.numLayers(); l++) {
            double[] w = m.weights(l);
            double[] out = m.biases(l);
            for (int i = 0; i < sizes[l]; i++) {
                for (int j = 0; j < sizes[l + 1]; j++) {
                    out[j] += in[i] * w[i * sizes[l + 1] + j];
                }
            }
            if (l < m.numLayers() - 1) {
                for (int j = 0; j < out.length; j++) {
                    out[j] = m.hiddenActivation().apply(out[j]);
                }
            }
            in = out;
        }
        return in;
    }

    @Test
    void meanOfNetworksOutputsTheMeanOfTheirOutputs() {
        SplittableRandom r = new SplittableRandom(21);
        for (Activation act : new Activation[] {Activation.TANH, Activation.RELU, Activation.IDENTITY}) {
            for (int[] sizes : new int[][] {{7, 5, 3, 2}, {6, 4, 1}, {3, 2}}) {
                Mlp[] members = new Mlp[3];
                for (int k = 0; k < members.length; k++) {
                    members[k] = TestNets.random(sizes, act, r, 1);
                }
                Mlp mean = Mlp.mean(java.util.List.of(members));
                int[] expectedSizes = sizes.clone();
                for (int l = 1; l < sizes.length - 1; l++) {
                    expectedSizes[l] = 3 * sizes[l];
                }
                assertThat(mean.layerSizes()).containsExactly(expectedSizes);
                for (int t = 0; t < 20; t++) {
                    double[] x = new double[sizes[0]];
                    for (int i = 0; i < x.length; i++) {
                        x[i] = r.nextDouble(-3, 3);
                    }
                    double[] got = mean.forward(x);
                    for (int o = 0; o < got.length; o++) {
                        double want = (members[0].forward(x)[o] + members[1].forward(x)[o] + members[2].forward(x)[o])
                                / 3;
                        assertThat(got[o]).as("%s %s output %d", act, Arrays.toString(sizes), o)
                                .isCloseTo(want, within(1e-12 * (1 + Math.abs(want))));
                    }
                    // skipping the blocks' zero weights changes nothing: the full sums give the same bits
                    assertThat(got).containsExactly(dense(mean, x));
                }
            }
        }
        Mlp one = TestNets.random(new int[] {4, 3, 2}, Activation.TANH, r, 1);
        assertThat(Mlp.mean(java.util.List.of(one)).forward(new double[] {1, -2, 0.5, 3}))
                .containsExactly(one.forward(new double[] {1, -2, 0.5, 3}));
    }

    @Test
    void meanRefusesMembersOfAnotherShape() {
        SplittableRandom r = new SplittableRandom(22);
        Mlp a = TestNets.random(new int[] {4, 3, 2}, Activation.TANH, r, 1);
        Mlp b = TestNets.random(new int[] {4, 5, 2}, Activation.TANH, r, 1);
        Mlp c = TestNets.random(new int[] {4, 3, 2}, Activation.RELU, r, 1);
        assertThatThrownBy(() -> Mlp.mean(java.util.List.of(a, b))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("member 1 has layer sizes [4, 5, 2] and activation TANH; member 0 has [4, 3, 2] and TANH");
        assertThatThrownBy(() -> Mlp.mean(java.util.List.of(a, a, c))).hasMessageContaining("member 2");
        assertThatThrownBy(() -> Mlp.mean(java.util.List.of())).hasMessageContaining("at least one member");
    }
}
