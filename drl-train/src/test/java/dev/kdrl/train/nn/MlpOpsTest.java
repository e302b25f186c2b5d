package dev.kdrl.train.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.kdrl.core.rng.Rng;
import java.util.List;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

class MlpOpsTest {

    static MultiLayerNetwork net(DataType type, Activation hidden) {
        MultiLayerNetwork n = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .dataType(type)
                .seed(7)
                .list()
                .layer(0, new DenseLayer.Builder().nIn(3).nOut(6).activation(hidden).build())
                .layer(1, new DenseLayer.Builder().nIn(6).nOut(5).activation(hidden).build())
                .layer(2, type == DataType.FLOAT
                        // the critic's kind of last layer (DL4J cannot back-propagate an error through it)
                        ? new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(5).nOut(4)
                                .activation(Activation.IDENTITY).build()
                        : new DenseLayer.Builder().nIn(5).nOut(4).activation(Activation.IDENTITY).build())
                .build());
        n.init();
        // non-zero, distinct biases and weights large enough to leave tanh's linear range
        Rng rng = Rng.of(11);
        double[] p = new double[(int) n.params().length()];
        for (int i = 0; i < p.length; i++) {
            p[i] = 0.8 * rng.nextGaussian();
        }
        NdCopy.write(n.params(), p);
        return n;
    }

    static double[][] gaussian(int rows, int cols, long seed) {
        Rng rng = Rng.of(seed);
        double[][] x = new double[rows][cols];
        for (double[] r : x) {
            for (int k = 0; k < cols; k++) {
                r[k] = rng.nextGaussian();
            }
        }
        return x;
    }

    @Test
    void forwardAndGradientAreDl4jsInDoublePrecision() {
        MultiLayerNetwork n = net(DataType.DOUBLE, Activation.TANH);
        MlpOps ops = new MlpOps(n);
        double[][] x = gaussian(5, 3, 1);
        double[][] eps = gaussian(5, 4, 2);
        MlpOps.Pass pass = ops.forward(x);
        double[][] expected = n.output(Nd4j.create(x), false).toDoubleMatrix();
        double[][] got = pass.outputRows();
        for (int s = 0; s < x.length; s++) {
            assertThat(got[s]).containsExactly(expected[s], within(1e-12));
        }
        double[] mine = NdCopy.read(pass.backward(eps));
        n.setInput(Nd4j.create(x));
        n.feedForward(true, false);
        double[] dl4j = n.backpropGradient(Nd4j.create(eps), LayerWorkspaceMgr.noWorkspaces()).getFirst()
                .gradient().toDoubleVector();
        assertThat(mine).hasSize(dl4j.length).containsExactly(dl4j, within(1e-12));
    }

    @Test
    void floatPassesAgreeWithTheDoubleNetworkToSinglePrecision() {
        MultiLayerNetwork d = net(DataType.DOUBLE, Activation.TANH);
        MultiLayerNetwork f = net(DataType.FLOAT, Activation.TANH);
        double[][] x = gaussian(7, 3, 3);
        double[][] eps = gaussian(7, 4, 4);
        MlpOps od = new MlpOps(d);
        MlpOps of = new MlpOps(f);
        double[][] yd = od.forward(x).outputRows();
        MlpOps.Pass pf = of.forward(x);
        double[][] yf = pf.outputRows();
        for (int s = 0; s < x.length; s++) {
            assertThat(yf[s]).containsExactly(yd[s], within(1e-5));
        }
        double[] gd = NdCopy.read(od.forward(x).backward(eps));
        double[] gf = NdCopy.read(pf.backward(eps));
        assertThat(gf).containsExactly(gd, within(1e-4));
    }

    @Test
    void jvpIsTheDirectionalDerivative() {
        for (DataType type : List.of(DataType.DOUBLE, DataType.FLOAT)) {
            MultiLayerNetwork n = net(DataType.DOUBLE, Activation.TANH);
            MultiLayerNetwork typed = net(type, Activation.TANH);
            double[][] x = gaussian(4, 3, 5);
            double[] theta = NdCopy.read(n.params());
            double[] v = gaussian(1, theta.length, 6)[0];
            double[][] exact = NdCopy.rows(new MlpOps(typed).forward(x).jvp(v), 4, 4);
            double h = 1e-6;
            double[] plus = theta.clone();
            double[] minus = theta.clone();
            for (int i = 0; i < theta.length; i++) {
                plus[i] += h * v[i];
                minus[i] -= h * v[i];
            }
            MlpOps ops = new MlpOps(n);
            NdCopy.write(n.params(), plus);
            double[][] yp = ops.forward(x).outputRows();
            NdCopy.write(n.params(), minus);
            double[][] ym = ops.forward(x).outputRows();
            double tolerance = type == DataType.DOUBLE ? 1e-7 : 1e-4;
            for (int s = 0; s < 4; s++) {
                for (int k = 0; k < 4; k++) {
                    assertThat(exact[s][k]).as("%s sample %d output %d", type, s, k)
                            .isCloseTo((yp[s][k] - ym[s][k]) / (2 * h), within(tolerance));
                }
            }
        }
    }

    @Test
    void aPassIsRefusedOnceAnotherPassOfItsSizeReusedTheBuffers() {
        MlpOps ops = new MlpOps(net(DataType.DOUBLE, Activation.TANH));
        MlpOps.Pass first = ops.forward(gaussian(3, 3, 1));
        MlpOps.Pass other = ops.forward(gaussian(2, 3, 1));
        assertThat(first.outputRows()).hasNumberOfRows(3);
        ops.forward(gaussian(3, 3, 2));
        assertThatThrownBy(first::output).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("reused by a later forward pass of 3 samples");
        assertThat(other.outputRows()).hasNumberOfRows(2);
    }

    @Test
    void buffersAreKeptForABoundedNumberOfBatchSizes() {
        MlpOps ops = new MlpOps(net(DataType.FLOAT, Activation.TANH));
        MlpOps.Pass oldest = ops.forward(gaussian(1, 3, 1));
        for (int n = 2; n <= MlpOps.MAX_BATCH_SIZES + 1; n++) {
            ops.forward(gaussian(n, 3, n));
        }
        assertThat(ops.batchSizesKept()).isEqualTo(MlpOps.MAX_BATCH_SIZES);
        // the oldest size was dropped; its pass still reads its own (no longer shared) arrays
        assertThat(oldest.outputRows()).hasNumberOfRows(1);
    }

    @Test
    void onlyTanhHiddenLayersAndAnIdentityOutputAreTaken() {
        assertThatThrownBy(() -> new MlpOps(net(DataType.DOUBLE, Activation.RELU)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("layer 0 has activation")
                .hasMessageContaining("expected tanh (hidden)");
    }

    @Test
    void adamStepsAreNd4jsAdamUpdater() {
        for (DataType type : List.of(DataType.DOUBLE, DataType.FLOAT)) {
            INDArray mine = Nd4j.createFromArray(gaussian(1, 50, 8)[0]).reshape(1, 50).castTo(type);
            INDArray ref = mine.dup();
            AdamOps adam = new AdamOps(0.01, mine);
            GradientUpdater<?> nd4j = new Adam(0.01).instantiate(Nd4j.zeros(type, 1, 100), true);
            for (int step = 0; step < 5; step++) {
                INDArray g = Nd4j.createFromArray(gaussian(1, 50, 20 + step)[0]).reshape(1, 50).castTo(type);
                INDArray g2 = g.dup();
                adam.step(mine, g);
                nd4j.applyUpdater(g2, step, 0);
                ref.subi(g2);
                assertThat(g.toDoubleVector()).as("the gradient is left as it was")
                        .containsExactly(Nd4j.createFromArray(gaussian(1, 50, 20 + step)[0]).castTo(type).toDoubleVector());
            }
            assertThat(adam.steps()).isEqualTo(5);
            assertThat(mine.toDoubleVector()).containsExactly(ref.toDoubleVector(),
                    within(type == DataType.DOUBLE ? 1e-12 : 1e-6));
        }
    }

    @Test
    void copiesRoundTripAndRefuseViews() {
        for (DataType type : List.of(DataType.DOUBLE, DataType.FLOAT)) {
            INDArray a = Nd4j.create(type, 3, 2);
            double[][] rows = {{1, 2}, {3, 4.5}, {-6, 0.25}};
            NdCopy.write(a, rows, 2);
            assertThat(a.toDoubleMatrix()).isDeepEqualTo(rows);
            assertThat(NdCopy.rows(a, 2, 2)).isDeepEqualTo(new double[][] {{1, 2}, {3, 4.5}});
            assertThat(NdCopy.read(a)).containsExactly(1, 2, 3, 4.5, -6, 0.25);
            NdCopy.write(a, new double[] {6, 5, 4, 3, 2, 1});
            assertThat(a.reshape(6).toDoubleVector()).containsExactly(6, 5, 4, 3, 2, 1);
            assertThatThrownBy(() -> NdCopy.read(a.getRow(1))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not a whole contiguous row-major array");
            assertThatThrownBy(() -> NdCopy.write(a, new double[] {1})).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("1 values for an array of 6");
        }
    }
}
