package dev.kdrl.train.nn;

import java.util.LinkedHashMap;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The forward pass, the parameter gradient and the forward-mode directional derivative (Jacobian-vector
 * product) of a DL4J dense network with tanh hidden layers and an identity output, computed with ND4J
 * operations on buffers that are allocated once per batch size and then reused.
 *
 * <p>Why: DL4J's {@code output} and {@code backpropGradient} allocate fresh native arrays for every
 * activation, error and gradient of every call. In a training loop of thousands of calls per second that
 * costs more than the arithmetic (page faults on fresh memory) and makes the process's memory grow until the
 * garbage collector frees the arrays' native memory. Here every pass writes into the same arrays (in-place
 * BLAS {@code gemm} with {@code beta}, in-place {@code tanh}), so a training run's native memory is bounded by
 * construction: a few arrays per batch size, for at most {@link #MAX_BATCH_SIZES} sizes.
 *
 * <p>The parameters are the network's own parameter views (DL4J's flat layout: per layer {@code W}, an
 * {@code [nIn, nOut]} matrix in column-major order, then {@code b}); gradients and directions use the same
 * flat layout, so DL4J's {@code params()}, {@code setParams} and the export to plain Java keep working. What
 * this computes is what DL4J computes (tested to 1e-12 in double precision).
 *
 * <p>A {@link Pass} holds one batch's activations; it stays valid until the next {@link #forward} with the
 * same batch size, and using it after that fails. Not thread-safe.
 */
public final class MlpOps {
    /** Batch sizes whose buffers are kept; the least recently used beyond this are dropped. */
    public static final int MAX_BATCH_SIZES = 8;

    private final MultiLayerNetwork net;
    private final DataType type;
    private final int layers;
    private final int[] sizes;
    private final INDArray[] w;
    private final INDArray[] b;
    private final INDArray grad;
    private final INDArray[] gradW;
    private final INDArray[] gradB;
    private final INDArray direction;
    private final INDArray[] dirW;
    private final INDArray[] dirB;
    private final Map<Integer, Buffers> buffers = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, Buffers> eldest) {
            return size() > MAX_BATCH_SIZES;
        }
    };

    /**
     * @throws IllegalArgumentException if a layer is not dense, a hidden layer is not tanh or the output is not the
     *                                  identity
     */
    public MlpOps(MultiLayerNetwork net) {
        this.net = net;
        this.layers = net.getnLayers();
        this.type = net.params().dataType();
        this.sizes = new int[layers + 1];
        this.w = new INDArray[layers];
        this.b = new INDArray[layers];
        this.gradW = new INDArray[layers];
        this.gradB = new INDArray[layers];
        this.dirW = new INDArray[layers];
        this.dirB = new INDArray[layers];
        long total = net.params().length();
        this.grad = Nd4j.zeros(type, 1, total);
        this.direction = Nd4j.zeros(type, 1, total);
        for (int l = 0; l < layers; l++) {
            boolean last = l == layers - 1;
            Object fn = Dl4jMlp.denseLayer(net, l).getActivationFn();
            if (last ? !(fn instanceof ActivationIdentity) : !(fn instanceof ActivationTanH)) {
                throw new IllegalArgumentException("layer " + l + " has activation " + fn + ", expected "
                        + (last ? "identity (output)" : "tanh (hidden)"));
            }
            w[l] = net.getLayer(l).getParam("W");
            b[l] = net.getLayer(l).getParam("b");
            int nIn = (int) w[l].rows();
            int nOut = (int) w[l].columns();
            sizes[l] = nIn;
            sizes[l + 1] = nOut;
            gradW[l] = sameView(grad, w[l]);
            gradB[l] = sameView(grad, b[l]);
            dirW[l] = sameView(direction, w[l]);
            dirB[l] = sameView(direction, b[l]);
        }
    }

    /** A view of {@code flat} with the offset, shape and order that {@code param} has in the network's parameters. */
    private INDArray sameView(INDArray flat, INDArray param) {
        long offset = param.offset() - net.params().offset();
        INDArray v = flat.get(NDArrayIndex.point(0), NDArrayIndex.interval(offset, offset + param.length()));
        return v.reshape(param.ordering(), param.shape());
    }

    /** How many batch sizes have buffers now (at most {@link #MAX_BATCH_SIZES}). */
    public int batchSizesKept() {
        return buffers.size();
    }

    /** Runs the network on {@code x} (one row per sample), keeping every activation for a backward or JVP pass. */
    public Pass forward(double[][] x) {
        int n = x.length;
        if (n == 0) {
            throw new IllegalArgumentException("an empty batch");
        }
        Buffers buf = buffers.computeIfAbsent(n, Buffers::new);
        NdCopy.write(buf.act[0], x, sizes[0]);
        for (int l = 0; l < layers; l++) {
            INDArray z = buf.act[l + 1];
            Nd4j.gemm(buf.act[l], w[l], z, false, false, 1.0, 0.0);
            z.addiRowVector(b[l]);
            if (l < layers - 1) {
                tanh(z);
            }
        }
        buf.generation++;
        return new Pass(buf);
    }

    /**
     * {@code tanh} in place as {@code 2 / (1 + exp(-2z)) - 1}: ND4J 1.0.0-M1.1's own {@code tanh} takes twice as long
     * here (6.7 ns against 3.4 ns an element for FLOAT on our machine; results agree to 2.4e-7 in FLOAT).
     */
    private static void tanh(INDArray z) {
        Transforms.exp(z.muli(-2.0), false);
        z.addi(1.0).rdivi(2.0).subi(1.0);
    }

    /** The activations of one batch, valid until the next {@link #forward} of the same size. */
    public final class Pass {
        private final Buffers buf;
        private final long generation;

        private Pass(Buffers buf) {
            this.buf = buf;
            this.generation = buf.generation;
        }

        private Buffers live() {
            if (buf.generation != generation) {
                throw new IllegalStateException("this pass's buffers were reused by a later forward pass of "
                        + buf.n + " samples");
            }
            return buf;
        }

        public int size() {
            return buf.n;
        }

        /** The outputs, {@code [n, outputSize]} (the reused buffer: read it before the next pass). */
        public INDArray output() {
            return live().act[layers];
        }

        /** The outputs as rows. */
        public double[][] outputRows() {
            return NdCopy.rows(output(), buf.n, sizes[layers]);
        }

        /**
         * The gradient of {@code sum(dOut * output)} with respect to the parameters, in the parameters' flat layout
         * (one reused array per network: read or use it before the next backward pass).
         *
         * @param dOut {@code [n, outputSize]} (the caller includes any averaging over the batch)
         */
        public INDArray backward(double[][] dOut) {
            Buffers s = live();
            NdCopy.write(s.delta[layers], dOut, sizes[layers]);
            return backwardFromBuffer();
        }

        /** As {@link #backward(double[][])}, with {@code dOut} already in {@link #outputError()}. */
        public INDArray backwardFromBuffer() {
            Buffers s = live();
            for (int l = layers - 1; l >= 0; l--) {
                INDArray d = s.delta[l + 1];
                Nd4j.gemm(s.act[l], d, gradW[l], true, false, 1.0, 0.0);
                d.sum(gradB[l], true, 0);
                if (l > 0) {
                    INDArray prev = s.delta[l];
                    Nd4j.gemm(d, w[l], prev, false, true, 1.0, 0.0);
                    // tanh'(z) = 1 - h^2
                    INDArray h = s.act[l];
                    INDArray t = s.tmp[l];
                    h.mul(h, t).rsubi(1.0);
                    prev.muli(t);
                }
            }
            return grad;
        }

        /** The buffer {@link #backwardFromBuffer()} reads {@code dOut} from, {@code [n, outputSize]}. */
        public INDArray outputError() {
            return live().delta[layers];
        }

        /**
         * {@code J v}: the directional derivative of the outputs along the parameter direction {@code v} (the
         * parameters' flat layout), by forward-mode differentiation: {@code dz = x dW + db + dx W},
         * {@code dh = (1 - h^2) dz}. Returns the reused {@code [n, outputSize]} buffer.
         */
        public INDArray jvp(double[] v) {
            Buffers s = live();
            NdCopy.write(direction, v);
            for (int l = 0; l < layers; l++) {
                INDArray dz = s.tangent[l + 1];
                Nd4j.gemm(s.act[l], dirW[l], dz, false, false, 1.0, 0.0);
                dz.addiRowVector(dirB[l]);
                if (l > 0) {
                    Nd4j.gemm(s.tangent[l], w[l], dz, false, false, 1.0, 1.0);
                }
                if (l < layers - 1) {
                    INDArray h = s.act[l + 1];
                    INDArray t = s.tmp[l + 1];
                    h.mul(h, t).rsubi(1.0);
                    dz.muli(t);
                }
            }
            return s.tangent[layers];
        }
    }

    /** The arrays of one batch size. */
    private final class Buffers {
        final int n;
        final INDArray[] act;
        final INDArray[] delta;
        final INDArray[] tangent;
        final INDArray[] tmp;
        long generation;

        Buffers(int n) {
            this.n = n;
            act = new INDArray[layers + 1];
            delta = new INDArray[layers + 1];
            tangent = new INDArray[layers + 1];
            tmp = new INDArray[layers + 1];
            for (int l = 0; l <= layers; l++) {
                act[l] = Nd4j.create(type, n, sizes[l]);
                if (l > 0) {
                    delta[l] = Nd4j.create(type, n, sizes[l]);
                    tangent[l] = Nd4j.create(type, n, sizes[l]);
                    tmp[l] = Nd4j.create(type, n, sizes[l]);
                }
            }
        }
    }
}
