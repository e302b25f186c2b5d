package dev.kdrl.train.nn;

import dev.kdrl.core.policy.Activation;
import dev.kdrl.core.policy.Mlp;
import java.util.Map;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Copies a DL4J fully connected network out to drl-core's plain-Java {@link Mlp}: dense layers ({@code
 * DenseLayer}, the last one may be an {@code OutputLayer}), one hidden activation (tanh, relu or identity)
 * shared by every layer but the last, an identity output, no input pre-processors. The layer activations are
 * read from the network's configuration, so what is exported is what the network computes; anything the plain
 * network cannot express is refused. Weights of a float network are widened to double exactly.
 */
public final class Dl4jMlp {

    private Dl4jMlp() {
    }

    /**
     * @throws IllegalArgumentException naming the layer and what {@link Mlp} cannot express
     */
    public static Mlp export(MultiLayerNetwork net) {
        int layers = net.getnLayers();
        if (layers == 0) {
            throw new IllegalArgumentException("the network has no layers");
        }
        if (!net.getLayerWiseConfigurations().getInputPreProcessors().isEmpty()) {
            throw new IllegalArgumentException("the network has input pre-processors "
                    + net.getLayerWiseConfigurations().getInputPreProcessors());
        }
        int[] sizes = new int[layers + 1];
        double[][] weights = new double[layers][];
        double[][] biases = new double[layers][];
        Activation hidden = null;
        for (int i = 0; i < layers; i++) {
            boolean last = i == layers - 1;
            Activation a = activation(i, denseLayer(net, i).getActivationFn());
            if (last) {
                if (a != Activation.IDENTITY) {
                    throw new IllegalArgumentException("the output layer " + i + " has activation " + a.label()
                            + ", only identity can be exported");
                }
            } else if (hidden == null) {
                hidden = a;
            } else if (a != hidden) {
                throw new IllegalArgumentException("hidden layer " + i + " has activation " + a.label()
                        + ", layer 0 has " + hidden.label() + " (one hidden activation only)");
            }
            Map<String, INDArray> params = net.getLayer(i).paramTable();
            INDArray wParam = params.get("W");
            if (wParam == null || wParam.rank() != 2) {
                throw new IllegalArgumentException("layer " + i + " has no 2-d weight matrix W: " + params.keySet());
            }
            double[][] w = wParam.toDoubleMatrix();
            int rows = w.length;
            int cols = w[0].length;
            if (i == 0) {
                sizes[0] = rows;
            } else if (rows != sizes[i]) {
                throw new IllegalArgumentException("layer " + i + " takes " + rows + " inputs, layer " + (i - 1)
                        + " gives " + sizes[i]);
            }
            sizes[i + 1] = cols;
            weights[i] = new double[rows * cols];
            for (int r = 0; r < rows; r++) {
                System.arraycopy(w[r], 0, weights[i], r * cols, cols);
            }
            INDArray b = params.get("b");
            biases[i] = b == null ? new double[cols] : b.toDoubleVector();
        }
        return Mlp.of(sizes, hidden == null ? Activation.IDENTITY : hidden, weights, biases);
    }

    /**
     * Layer {@code l}'s configuration, which must be a {@code DenseLayer}, or an {@code OutputLayer} if it is the last.
     *
     * @throws IllegalArgumentException naming the layer and its kind otherwise
     */
    static BaseLayer denseLayer(MultiLayerNetwork net, int l) {
        org.deeplearning4j.nn.conf.layers.Layer conf = net.getLayer(l).conf().getLayer();
        boolean last = l == net.getnLayers() - 1;
        if (!(conf instanceof DenseLayer || last && conf instanceof OutputLayer)) {
            throw new IllegalArgumentException("layer " + l + " is a " + conf.getClass().getSimpleName()
                    + ", only DenseLayer (and a final OutputLayer) is supported");
        }
        return (BaseLayer) conf;
    }

    private static Activation activation(int layer, IActivation fn) {
        if (fn instanceof ActivationTanH) {
            return Activation.TANH;
        }
        if (fn instanceof ActivationReLU relu) {
            // DL4J's ReLU may carry a cut-off, a threshold or a negative slope; only the plain max(0, x) maps
            if (relu.getMax() == null && zeroOrNull(relu.getThreshold()) && zeroOrNull(relu.getNegativeSlope())) {
                return Activation.RELU;
            }
            throw new IllegalArgumentException("layer " + layer + " has a modified ReLU " + fn
                    + ", only max(0, x) can be exported");
        }
        if (fn instanceof ActivationIdentity) {
            return Activation.IDENTITY;
        }
        throw new IllegalArgumentException("layer " + layer + " has activation " + fn
                + ", only tanh, relu and identity can be exported");
    }

    private static boolean zeroOrNull(Double d) {
        return d == null || d == 0;
    }
}
