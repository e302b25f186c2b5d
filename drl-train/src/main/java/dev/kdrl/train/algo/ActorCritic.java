package dev.kdrl.train.algo;

import dev.kdrl.core.rng.Rng;
import dev.kdrl.train.nn.AdamOps;
import dev.kdrl.train.nn.MlpOps;
import dev.kdrl.train.nn.NdCopy;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Separate actor and critic MLPs on DL4J ({@code MultiLayerNetwork}, double or single precision). The actor
 * ends in a linear layer of logits and is trained from externally computed gradients; the critic ends in a
 * linear output trained on squared error. Both take Adam steps ({@link AdamOps}, on the flat parameter vector).
 * DL4J holds the parameters, their layout and initialisation; the passes themselves (forward, gradient,
 * Jacobian-vector product) run through {@link MlpOps} on reused buffers, so training allocates no native memory
 * per step. The actor's and the critic's methods may run on two threads at once (they share no arrays); each
 * network's own methods are not thread-safe. Weights start orthogonal (gain {@code sqrt 2} on hidden layers, 0.01
 * on the logits, 1 on the value), biases at zero, as in stable-baselines3.
 */
public final class ActorCritic {
    private final MultiLayerNetwork actor;
    private final MultiLayerNetwork critic;
    private final MlpOps actorOps;
    private final MlpOps criticOps;
    private final AdamOps actorAdam;
    private final AdamOps criticAdam;
    private final int obsSize;
    private final int logits;
    private volatile long criticCpuNanos;

    /** Double precision (what the exactness tests use). */
    public ActorCritic(int obsSize, int[] hidden, int logits, double actorLr, double criticLr, Rng rng) {
        this(obsSize, hidden, logits, actorLr, criticLr, rng, DataType.DOUBLE);
    }

    /**
     * @param obsSize  observation length
     * @param hidden   hidden layer sizes (published: 128, 128)
     * @param logits   number of logits ({@code sum(nvec)})
     * @param actorLr  Adam learning rate of the actor (used by gradient-step algorithms such as PPO)
     * @param criticLr Adam learning rate of the critic
     * @param rng      weight initialisation stream
     * @param type     the networks' floating-point type: DOUBLE or FLOAT
     */
    public ActorCritic(int obsSize, int[] hidden, int logits, double actorLr, double criticLr, Rng rng,
                       DataType type) {
        if (type != DataType.DOUBLE && type != DataType.FLOAT) {
            throw new IllegalArgumentException("the networks' type must be DOUBLE or FLOAT, got " + type);
        }
        this.obsSize = obsSize;
        this.logits = logits;
        this.actor = build(obsSize, hidden, logits, false, type);
        this.critic = build(obsSize, hidden, 1, true, type);
        orthogonalInit(actor, hidden.length, 0.01, rng);
        orthogonalInit(critic, hidden.length, 1.0, rng);
        this.actorOps = new MlpOps(actor);
        this.criticOps = new MlpOps(critic);
        this.actorAdam = new AdamOps(actorLr, actor.params());
        this.criticAdam = new AdamOps(criticLr, critic.params());
    }

    private static MultiLayerNetwork build(int in, int[] hidden, int out, boolean regression, DataType type) {
        NeuralNetConfiguration.ListBuilder b = new NeuralNetConfiguration.Builder()
                .dataType(type)
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
            DataType type = net.params().dataType();
            net.getLayer(i).setParam("W", Nd4j.create(q).castTo(type));
            net.getLayer(i).setParam("b", Nd4j.zeros(type, 1, cols));
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

    /** Logits of a batch of observations. */
    public double[][] logits(double[][] obs) {
        return actorOps.forward(obs).outputRows();
    }

    /** Values of a batch of observations. */
    public double[] values(double[][] obs) {
        return NdCopy.read(criticOps.forward(obs).output());
    }

    /** The actor's parameters as one flat vector (DL4J's layout). */
    public double[] actorParams() {
        return NdCopy.read(actor.params());
    }

    /** Sets the actor's parameters from a flat vector of {@link #actorParams()}'s layout. */
    public void setActorParams(double[] flat) {
        NdCopy.write(actor.params(), flat);
    }

    /**
     * A batch prepared for exact Jacobian-vector products of the actor's logits at the current parameters
     * (the layer activations are computed once and reused by every product; valid until the next actor pass
     * over as many observations).
     */
    public final class Jvp {
        private final MlpOps.Pass pass;

        private Jvp(double[][] obs) {
            pass = actorOps.forward(obs);
        }

        /**
         * {@code J v}: the directional derivative of the logits (one row per observation) along the parameter
         * direction {@code v} (in {@link #actorParams()}'s layout), by forward-mode differentiation
         * ({@link MlpOps.Pass#jvp}).
         */
        public double[][] apply(double[] v) {
            return NdCopy.rows(pass.jvp(v), pass.size(), logits);
        }

        /** {@code J^T u}: the actor's parameter gradient of {@code sum(u * logits)} over this batch. */
        public double[] transpose(double[][] u) {
            return NdCopy.read(pass.backward(u));
        }
    }

    /** Prepares exact Jacobian-vector products on {@code obs} at the actor's current parameters. */
    public Jvp jvp(double[][] obs) {
        return new Jvp(obs);
    }

    /** The actor's logits on a batch, kept for one Adam step on the same batch ({@link ActorBatch#step}). */
    public ActorBatch actorBatch(double[][] obs) {
        return new ActorBatch(actorOps.forward(obs));
    }

    /** One batch of the actor's logits; valid until the next actor pass over as many observations. */
    public final class ActorBatch {
        private final MlpOps.Pass pass;

        private ActorBatch(MlpOps.Pass pass) {
            this.pass = pass;
        }

        /** The logits, one row per observation. */
        public double[][] logits() {
            return pass.outputRows();
        }

        /**
         * One Adam step of the actor minimising a loss with gradient {@code d L / d logits} (the caller includes
         * any {@code 1/N} averaging), the global gradient norm first clipped to {@code maxGradNorm} (0: no clipping).
         */
        public void step(double[][] dLossDLogits, double maxGradNorm) {
            step(dLossDLogits, maxGradNorm, actorAdam);
        }

        /** {@link #step(double[][], double)} with another optimiser of the actor ({@link #actorOptimizer}). */
        public void step(double[][] dLossDLogits, double maxGradNorm, AdamOps adam) {
            INDArray g = pass.backward(dLossDLogits);
            if (maxGradNorm > 0) {
                double norm = g.norm2Number().doubleValue();
                if (norm > maxGradNorm) {
                    g.muli(maxGradNorm / norm);
                }
            }
            adam.step(actor.params(), g);
        }
    }

    /** A fresh Adam optimiser of the actor's parameters with learning rate {@code lr} (e.g. for behaviour cloning). */
    public AdamOps actorOptimizer(double lr) {
        return new AdamOps(lr, actor.params());
    }

    /** The actor as a plain-Java network (weights copied out of DL4J). */
    public dev.kdrl.core.policy.Mlp exportActor() {
        return dev.kdrl.train.nn.Dl4jMlp.export(actor);
    }

    /** The critic as a plain-Java network. */
    public dev.kdrl.core.policy.Mlp exportCritic() {
        return dev.kdrl.train.nn.Dl4jMlp.export(critic);
    }

    /**
     * One Adam step of the critic on the mean squared error to {@code targets} (DL4J's MSE loss: gradient
     * {@code 2 (v - y) / n}); returns the batch's mean squared error before the step.
     */
    public double criticStep(double[][] obs, double[] targets) {
        long t0 = Cpu.threadNanos();
        MlpOps.Pass pass = criticOps.forward(obs);
        double[] v = NdCopy.read(pass.output());
        int n = targets.length;
        double[] err = new double[n];
        double loss = 0;
        for (int i = 0; i < n; i++) {
            double d = v[i] - targets[i];
            loss += d * d;
            err[i] = 2 * d / n;
        }
        NdCopy.write(pass.outputError(), err);
        INDArray g = pass.backwardFromBuffer();
        criticAdam.step(critic.params(), g);
        criticCpuNanos += Cpu.threadNanos() - t0;
        return loss / n;
    }

    /** CPU time of the threads that ran {@link #criticStep} spent in it so far, in nanoseconds. */
    public long criticCpuNanos() {
        return criticCpuNanos;
    }
}
