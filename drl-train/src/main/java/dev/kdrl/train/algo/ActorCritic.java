package dev.kdrl.train.algo;

import dev.kdrl.core.rng.Rng;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Separate actor and critic MLPs on DL4J ({@code MultiLayerNetwork}, double precision). The actor
 * ends in a linear layer of logits and is trained from externally computed gradients
 * ({@code backpropGradient}); the critic ends in a linear output trained on squared error with Adam.
 * Weights start orthogonal (gain {@code sqrt 2} on hidden layers, 0.01 on the logits, 1 on the value),
 * biases at zero, as in stable-baselines3.
 */
public final class ActorCritic {
    private final MultiLayerNetwork actor;
    private final MultiLayerNetwork critic;
    private final int obsSize;
    private final int logits;
    private int actorIteration;

    /**
     * @param obsSize  observation length
     * @param hidden   hidden layer sizes (published: 128, 128)
     * @param logits   number of logits ({@code sum(nvec)})
     * @param actorLr  Adam learning rate of the actor (used by gradient-step algorithms such as PPO)
     * @param criticLr Adam learning rate of the critic
     * @param rng      weight initialisation stream
     */
    public ActorCritic(int obsSize, int[] hidden, int logits, double actorLr, double criticLr, Rng rng) {
        this.obsSize = obsSize;
        this.logits = logits;
        this.actor = build(obsSize, hidden, logits, false, actorLr);
        this.critic = build(obsSize, hidden, 1, true, criticLr);
        orthogonalInit(actor, hidden.length, 0.01, rng);
        orthogonalInit(critic, hidden.length, 1.0, rng);
    }

    private static MultiLayerNetwork build(int in, int[] hidden, int out, boolean regression, double lr) {
        NeuralNetConfiguration.ListBuilder b = new NeuralNetConfiguration.Builder()
                .dataType(DataType.DOUBLE)
                .updater(new Adam(lr))
                .list();
        int prev = in;
        int idx = 0;
        for (int h : hidden) {
            b.layer(idx++, new DenseLayer.Builder().nIn(prev).nOut(h).activation(Activation.TANH).build());
            prev = h;
        }
        if (regression) {
            b.layer(idx, new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(prev).nOut(out)
                    .activation(Activation.IDENTITY).build());
        } else {
            b.layer(idx, new DenseLayer.Builder().nIn(prev).nOut(out).activation(Activation.IDENTITY).build());
        }
        MultiLayerConfiguration conf = b.build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    private static void orthogonalInit(MultiLayerNetwork net, int hiddenLayers, double outGain, Rng rng) {
        for (int i = 0; i <= hiddenLayers; i++) {
            INDArray w = net.getLayer(i).getParam("W");
            int rows = (int) w.rows();
            int cols = (int) w.columns();
            double gain = i < hiddenLayers ? Math.sqrt(2) : outGain;
            double[][] q = Orthogonal.matrix(rows, cols, rng);
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    q[r][c] *= gain;
                }
            }
            net.getLayer(i).setParam("W", Nd4j.create(q));
            net.getLayer(i).setParam("b", Nd4j.zeros(DataType.DOUBLE, 1, cols));
        }
    }

    public int observationSize() {
        return obsSize;
    }

    public int logitCount() {
        return logits;
    }

    public MultiLayerNetwork actor() {
        return actor;
    }

    public MultiLayerNetwork critic() {
        return critic;
    }

    static INDArray matrix(double[][] rows) {
        return Nd4j.create(rows);
    }

    /** Logits of a batch of observations. */
    public double[][] logits(double[][] obs) {
        return actor.output(matrix(obs), false).toDoubleMatrix();
    }

    /** Values of a batch of observations. */
    public double[] values(double[][] obs) {
        INDArray v = critic.output(matrix(obs), false);
        return v.reshape(v.length()).toDoubleVector();
    }

    /** The actor's parameters as one flat vector (DL4J's layout). */
    public double[] actorParams() {
        return actor.params().toDoubleVector();
    }

    /** Sets the actor's parameters from a flat vector of {@link #actorParams()}'s layout. */
    public void setActorParams(double[] flat) {
        actor.setParams(Nd4j.createFromArray(flat).reshape(1, flat.length));
    }

    /**
     * {@code d L / d theta} of the actor, given {@code d L / d logits} per sample (the caller includes any
     * {@code 1/N} averaging).
     */
    public double[] actorGradient(double[][] obs, double[][] dLossDLogits) {
        return backprop(obs, dLossDLogits).gradient().toDoubleVector();
    }

    private Gradient backprop(double[][] obs, double[][] eps) {
        actor.setInput(matrix(obs));
        actor.feedForward(true, false);
        Pair<Gradient, INDArray> p = actor.backpropGradient(matrix(eps), LayerWorkspaceMgr.noWorkspaces());
        return p.getFirst();
    }

    /**
     * A batch prepared for exact Jacobian-vector products of the actor's logits at the current parameters
     * (the layer activations are computed once and reused by every product).
     */
    public final class Jvp {
        private final java.util.List<INDArray> activations;
        private final MultiLayerNetwork tangent;

        private Jvp(double[][] obs) {
            activations = actor.feedForward(matrix(obs), false);
            tangent = actor.clone();
        }

        /**
         * {@code J v}: the directional derivative of the logits (one row per observation) along the parameter
         * direction {@code v} (in {@link #actorParams()}'s layout), by forward-mode differentiation through the
         * tanh layers: {@code dz = dx W + x dW + db}, {@code dh = (1 - h^2) dz}.
         */
        public double[][] apply(double[] v) {
            tangent.setParams(Nd4j.createFromArray(v).reshape(1, v.length));
            int layers = actor.getnLayers();
            INDArray dx = null;
            for (int i = 0; i < layers; i++) {
                INDArray x = activations.get(i);
                INDArray w = actor.getLayer(i).getParam("W");
                INDArray dw = tangent.getLayer(i).getParam("W");
                INDArray db = tangent.getLayer(i).getParam("b");
                INDArray dz = x.mmul(dw).addiRowVector(db);
                if (dx != null) {
                    dz.addi(dx.mmul(w));
                }
                if (i < layers - 1) {
                    INDArray h = activations.get(i + 1);
                    // tanh'(z) = 1 - tanh(z)^2
                    dz.muli(h.mul(h).rsubi(1.0));
                }
                dx = dz;
            }
            return dx.toDoubleMatrix();
        }
    }

    /** Prepares exact Jacobian-vector products on {@code obs} at the actor's current parameters. */
    public Jvp jvp(double[][] obs) {
        return new Jvp(obs);
    }

    /**
     * One Adam step of the actor minimising a loss with gradient {@code d L / d logits}, the global
     * gradient norm first clipped to {@code maxGradNorm} (0: no clipping).
     */
    public void actorStep(double[][] obs, double[][] dLossDLogits, double maxGradNorm) {
        Gradient g = backprop(obs, dLossDLogits);
        INDArray flat = g.gradient();
        if (maxGradNorm > 0) {
            double norm = flat.norm2Number().doubleValue();
            if (norm > maxGradNorm) {
                flat.muli(maxGradNorm / norm);
            }
        }
        actor.getUpdater().update(actor, g, actorIteration++, 0, obs.length, LayerWorkspaceMgr.noWorkspaces());
        actor.params().subi(flat);
    }

    /** The actor as a plain-Java network (weights copied out of DL4J). */
    public dev.kdrl.core.policy.Mlp exportActor() {
        return dev.kdrl.train.nn.Dl4jMlp.export(actor);
    }

    /** The critic as a plain-Java network. */
    public dev.kdrl.core.policy.Mlp exportCritic() {
        return dev.kdrl.train.nn.Dl4jMlp.export(critic);
    }

    /** One Adam step of the critic on squared error to {@code targets}; returns the batch MSE before it. */
    public double criticStep(double[][] obs, double[] targets) {
        INDArray x = matrix(obs);
        INDArray y = Nd4j.createFromArray(targets).reshape(targets.length, 1);
        critic.fit(x, y);
        return critic.score();
    }
}
