package dev.kdrl.train.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.kdrl.core.policy.Mlp;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

class Dl4jMlpTest {

    static MultiLayerNetwork net(Activation first, Activation second, Activation output) {
        MultiLayerNetwork n = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .dataType(DataType.DOUBLE)
                .seed(5)
                .list()
                .layer(0, new DenseLayer.Builder().nIn(3).nOut(6).activation(first).build())
                .layer(1, new DenseLayer.Builder().nIn(6).nOut(5).activation(second).build())
                .layer(2, new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(5).nOut(4)
                        .activation(output).build())
                .build());
        n.init();
        // non-zero biases, so that a bias left out would show
        n.params().addi(0.1);
        return n;
    }

    @Test
    void exportedNetworksComputeWhatDl4jComputes() {
        for (Activation a : new Activation[] {Activation.RELU, Activation.TANH, Activation.IDENTITY}) {
            MultiLayerNetwork n = net(a, a, Activation.IDENTITY);
            Mlp m = Dl4jMlp.export(n);
            assertThat(m.layerSizes()).containsExactly(3, 6, 5, 4);
            assertThat(m.hiddenActivation().name()).isEqualTo(a.name());
            double[][] inputs = {{0.3, -1.2, 2}, {-0.5, 0.1, 0}, {1, 1, 1}};
            for (double[] x : inputs) {
                double[] expected = n.output(Nd4j.create(x).reshape(1, 3)).toDoubleVector();
                double[] got = m.forward(x);
                for (int j = 0; j < 4; j++) {
                    assertThat(got[j]).as("%s output %d", a, j).isCloseTo(expected[j], within(1e-12));
                }
            }
        }
    }

    @Test
    void whatAnMlpCannotComputeIsRefused() {
        assertThatThrownBy(() -> Dl4jMlp.export(net(Activation.SIGMOID, Activation.SIGMOID, Activation.IDENTITY)))
                .hasMessageStartingWith("layer 0 has activation sigmoid");
        assertThatThrownBy(() -> Dl4jMlp.export(net(Activation.RELU, Activation.TANH, Activation.IDENTITY)))
                .hasMessage("hidden layer 1 has activation tanh, layer 0 has relu (one hidden activation only)");
        assertThatThrownBy(() -> Dl4jMlp.export(net(Activation.RELU, Activation.RELU, Activation.SOFTMAX)))
                .hasMessageStartingWith("layer 2 has activation softmax");
    }
}
