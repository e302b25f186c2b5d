package dev.kdrl.train.predictor;

import dev.kdrl.core.predict.BiLstmNetwork;
import dev.kdrl.core.predict.BiLstmNetwork.Layer;
import dev.kdrl.core.predict.BiLstmNetwork.LstmParams;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.rnn.LastTimeStepVertex;
import org.deeplearning4j.nn.conf.graph.rnn.ReverseTimeSeriesVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.params.LSTMParamInitializer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Builds the DL4J {@link ComputationGraph} whose semantics equal {@link BiLstmNetwork}'s (Keras
 * {@code Bidirectional(LSTM)} stack), converts arrays, and copies the trained weights out.
 *
 * <p>Graph, per Bi-LSTM layer {@code k} reading {@code prev} (the input {@code "in"} for k = 0):
 *
 * <pre>
 *   "fwd{k}"     LSTM(prev)
 *   "revIn{k}"   ReverseTimeSeriesVertex(prev)
 *   "bwd{k}"     LSTM("revIn{k}")                 -- reads the window newest first
 *   non-last layer:
 *     "bwdSeq{k}"  ReverseTimeSeriesVertex("bwd{k}")   -- back to original time order
 *     "merge{k}"   MergeVertex("fwd{k}", "bwdSeq{k}") -- [forward_t, backward_t] per step
 *   last layer:
 *     "fwdLast"    LastTimeStepVertex("fwd{k}")        -- forward output at t = T-1
 *     "bwdLast"    LastTimeStepVertex("bwd{k}")        -- backward output after reading t = 0
 *     "merge{k}"   MergeVertex("fwdLast", "bwdLast")
 *   "out"        OutputLayer(2·units → 1, identity, MSE)
 * </pre>
 *
 * Data type DOUBLE throughout, so the copied network matches DL4J to ~1e-15.
 */
final class BiLstmGraphs {

    static final String INPUT = "in";
    static final String OUTPUT = "out";

    private BiLstmGraphs() {}

    static String forwardName(int layer) {
        return "fwd" + layer;
    }

    static String backwardName(int layer) {
        return "bwd" + layer;
    }

    /** The DL4J seed of {@code seed}: DL4J takes 0 for no seed (weights from the clock), so 0 maps to a constant. */
    static long networkSeed(long seed) {
        return seed == 0 ? 0x9E3779B97F4A7C15L : seed;
    }

    /** Builds and initialises the graph (weights drawn from {@code config.seed()}, {@link #networkSeed}). */
    static ComputationGraph build(BiLstmTrainer.Config config, int windowLength) {
        int units = config.units();
        ComputationGraphConfiguration.GraphBuilder g =
                new NeuralNetConfiguration.Builder()
                        .seed(networkSeed(config.seed()))
                        .dataType(DataType.DOUBLE)
                        .updater(new Adam(config.learningRate()))
                        .weightInit(WeightInit.XAVIER_UNIFORM)
                        .trainingWorkspaceMode(WorkspaceMode.ENABLED)
                        .inferenceWorkspaceMode(WorkspaceMode.ENABLED)
                        .graphBuilder()
                        .addInputs(INPUT)
                        .setInputTypes(InputType.recurrent(1, windowLength));
        String prev = INPUT;
        int nIn = 1;
        for (int k = 0; k < config.layers(); k++) {
            boolean last = k == config.layers() - 1;
            String fwd = forwardName(k);
            String bwd = backwardName(k);
            String revIn = "revIn" + k;
            String merge = "merge" + k;
            g.addLayer(fwd, lstm(nIn, units), prev);
            g.addVertex(revIn, new ReverseTimeSeriesVertex(), prev);
            g.addLayer(bwd, lstm(nIn, units), revIn);
            if (!last) {
                String bwdSeq = "bwdSeq" + k;
                g.addVertex(bwdSeq, new ReverseTimeSeriesVertex(), bwd);
                g.addVertex(merge, new MergeVertex(), fwd, bwdSeq);
            } else {
                // No masks are used: the mask-input name only matters when a mask is present.
                g.addVertex("fwdLast", new LastTimeStepVertex(INPUT), fwd);
                g.addVertex("bwdLast", new LastTimeStepVertex(INPUT), bwd);
                g.addVertex(merge, new MergeVertex(), "fwdLast", "bwdLast");
            }
            prev = merge;
            nIn = 2 * units;
        }
        g.addLayer(
                OUTPUT,
                new OutputLayer.Builder(LossFunctions.LossFunction.MSE)
                        .nIn(2 * units)
                        .nOut(1)
                        .activation(Activation.IDENTITY)
                        .build(),
                prev);
        g.setOutputs(OUTPUT);
        ComputationGraph graph = new ComputationGraph(g.build());
        graph.init();
        return graph;
    }

    private static LSTM lstm(int nIn, int nOut) {
        return new LSTM.Builder()
                .nIn(nIn)
                .nOut(nOut)
                .activation(Activation.TANH)
                .gateActivationFunction(Activation.SIGMOID)
                .forgetGateBiasInit(1.0) // Keras unit_forget_bias=True
                .build();
    }

    /** Features {@code [rows, 1, T]} (NCW, DOUBLE) for {@code x[order[from..to)]}. */
    static INDArray features(double[][] x, int[] order, int from, int to) {
        int rows = to - from;
        int steps = x[order[from]].length;
        double[] flat = new double[rows * steps];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(x[order[from + r]], 0, flat, r * steps, steps);
        }
        return Nd4j.create(flat, new long[] {rows, 1, steps}, DataType.DOUBLE);
    }

    /** Labels {@code [rows, 1]} (DOUBLE) for {@code y[order[from..to)]}. */
    static INDArray labels(double[] y, int[] order, int from, int to) {
        int rows = to - from;
        double[] flat = new double[rows];
        for (int r = 0; r < rows; r++) {
            flat[r] = y[order[from + r]];
        }
        return Nd4j.create(flat, new long[] {rows, 1}, DataType.DOUBLE);
    }

    /** DL4J inference on all windows, in chunks; returns one prediction per window. */
    static double[] predict(ComputationGraph graph, double[][] x) {
        int[] identity = new int[x.length];
        for (int i = 0; i < identity.length; i++) {
            identity[i] = i;
        }
        double[] result = new double[x.length];
        int chunk = 1024;
        for (int from = 0; from < x.length; from += chunk) {
            int to = Math.min(x.length, from + chunk);
            INDArray out = graph.output(false, features(x, identity, from, to))[0];
            for (int r = 0; r < to - from; r++) {
                result[from + r] = out.getDouble(r, 0);
            }
        }
        return result;
    }

    /** Copies the graph's weights into an ND4J-free {@link BiLstmNetwork}. */
    static BiLstmNetwork toNetwork(ComputationGraph graph, int numLayers) {
        List<Layer> layers = new ArrayList<>(numLayers);
        for (int k = 0; k < numLayers; k++) {
            layers.add(
                    new Layer(
                            lstmParams(graph, forwardName(k)), lstmParams(graph, backwardName(k))));
        }
        org.deeplearning4j.nn.api.Layer out = graph.getLayer(OUTPUT);
        double[][] w = out.getParam(DefaultParamInitializer.WEIGHT_KEY).toDoubleMatrix(); // [2n, 1]
        double[] dense = new double[w.length];
        for (int i = 0; i < w.length; i++) {
            dense[i] = w[i][0];
        }
        double bias = out.getParam(DefaultParamInitializer.BIAS_KEY).getDouble(0);
        return new BiLstmNetwork(layers, dense, bias);
    }

    /** DL4J's W [nIn, 4n], RW [n, 4n], b [1, 4n] flattened row-major: the LstmParams layout. */
    private static LstmParams lstmParams(ComputationGraph graph, String name) {
        org.deeplearning4j.nn.api.Layer layer = graph.getLayer(name);
        INDArray w = layer.getParam(LSTMParamInitializer.INPUT_WEIGHT_KEY);
        INDArray rw = layer.getParam(LSTMParamInitializer.RECURRENT_WEIGHT_KEY);
        INDArray b = layer.getParam(LSTMParamInitializer.BIAS_KEY);
        int nIn = (int) w.size(0);
        int nOut = (int) rw.size(0);
        if (w.size(1) != 4L * nOut || rw.size(1) != 4L * nOut || b.length() != 4L * nOut) {
            throw new IllegalStateException(
                    "unexpected LSTM parameter shapes in "
                            + name
                            + ": W "
                            + w.shapeInfoToString()
                            + ", RW "
                            + rw.shapeInfoToString()
                            + ", b "
                            + b.shapeInfoToString());
        }
        return new LstmParams(nIn, nOut, rowMajor(w), rowMajor(rw), rowMajor(b));
    }

    private static double[] rowMajor(INDArray matrix) {
        double[][] m = matrix.toDoubleMatrix();
        int cols = m[0].length;
        double[] flat = new double[m.length * cols];
        for (int r = 0; r < m.length; r++) {
            System.arraycopy(m[r], 0, flat, r * cols, cols);
        }
        return flat;
    }
}
