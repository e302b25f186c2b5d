package dev.kdrl.train.predictor;

import dev.kdrl.core.predict.BiLstmNetwork;
import java.util.Objects;
import java.util.Random;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Trains the traffic predictor's stacked bidirectional LSTM with DL4J and returns it as an
 * ND4J-free {@link BiLstmNetwork} (weights copied out), so inference never needs DL4J.
 *
 * <p>Model (the published Keras one): {@code layers} × Bidirectional(LSTM(units)), all but the
 * last returning sequences, then Dense(1); MSE loss, Adam. See {@link BiLstmGraphs} for the DL4J
 * graph that reproduces Keras' bidirectional semantics exactly.
 *
 * <p>Training: each epoch shuffles the training windows with a {@link Random} seeded once from
 * {@code config.seed()} (no global RNG) and fits minibatches of {@code batchSize}; the validation
 * windows (the caller's chronologically last part) are never trained on nor shuffled. After each
 * epoch the validation MSE is measured; the weights of the best epoch (strictly lower MSE) are
 * kept, and training stops after {@code patience} consecutive epochs without improvement or
 * after {@code maxEpochs}.
 *
 * <p>Determinism: the DL4J network seed is {@code config.seed()}, 0 mapped to a constant ({@link
 * BiLstmGraphs#networkSeed}: DL4J takes 0 for no seed) (DL4J re-seeds its RNG from it
 * for weight initialisation), the shuffle RNG is derived from it, no dropout is used, and all
 * arithmetic is DOUBLE; the same seed gives bit-identical weights on the same machine with the
 * same ND4J/OpenMP thread count.
 *
 * <p>Cost (measured on the 2-core dev machine, DOUBLE): ~7 s per epoch for units 100, 2 layers
 * and ~2,700 training windows of 7 (~0.3 s per minibatch of 128); small models are dominated by
 * ND4J's per-op overhead (~60 ms per minibatch regardless of size). OMP_NUM_THREADS does not change
 * the results.
 *
 * <p>Each call builds its own graph; the trainer itself holds no mutable state.
 */
public final class BiLstmTrainer {

    /**
     * Hyper-parameters.
     *
     * @param units LSTM units per direction per layer (published: 100)
     * @param layers number of Bi-LSTM layers (published: 2)
     * @param batchSize minibatch size (published: 128)
     * @param maxEpochs epoch limit (published: 100)
     * @param patience epochs without validation improvement before stopping (published: 5)
     * @param learningRate Adam learning rate (published: Keras default 1e-3)
     * @param seed seed of weight initialisation and minibatch shuffling
     */
    public record Config(
            int units,
            int layers,
            int batchSize,
            int maxEpochs,
            int patience,
            double learningRate,
            long seed) {

        public Config {
            requirePositive("units", units);
            requirePositive("layers", layers);
            requirePositive("batchSize", batchSize);
            requirePositive("maxEpochs", maxEpochs);
            requirePositive("patience", patience);
            if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
                throw new IllegalArgumentException(
                        "learningRate must be finite and > 0, got " + learningRate);
            }
        }

        /** The published configuration: 100 units, 2 layers, batch 128, 100 epochs, patience 5. */
        public static Config defaults(long seed) {
            return new Config(100, 2, 128, 100, 5, 1e-3, seed);
        }

        public Config withUnits(int units) {
            return new Config(units, layers, batchSize, maxEpochs, patience, learningRate, seed);
        }

        public Config withLayers(int layers) {
            return new Config(units, layers, batchSize, maxEpochs, patience, learningRate, seed);
        }

        public Config withMaxEpochs(int maxEpochs) {
            return new Config(units, layers, batchSize, maxEpochs, patience, learningRate, seed);
        }

        public Config withPatience(int patience) {
            return new Config(units, layers, batchSize, maxEpochs, patience, learningRate, seed);
        }

        public Config withSeed(long seed) {
            return new Config(units, layers, batchSize, maxEpochs, patience, learningRate, seed);
        }

        private static void requirePositive(String name, int value) {
            if (value <= 0) {
                throw new IllegalArgumentException(name + " must be > 0, got " + value);
            }
        }
    }

    /**
     * Outcome of {@link #train}.
     *
     * @param network the network with the weights of the best validation epoch
     * @param epochsRun epochs actually trained (1-based count)
     * @param bestEpoch the 1-based epoch whose weights were kept
     * @param bestValidationMse validation MSE (scaled units) of the kept weights
     * @param trainMse MSE of the kept weights on the whole training set (scaled units)
     * @param seconds wall-clock training time, including graph construction and evaluation
     */
    public record Result(
            BiLstmNetwork network,
            int epochsRun,
            int bestEpoch,
            double bestValidationMse,
            double trainMse,
            double seconds) {
        public Result {
            Objects.requireNonNull(network, "network must not be null");
        }
    }

    /** The result together with the DL4J graph holding the same (best) weights; for tests. */
    record Trained(Result result, ComputationGraph graph) {}

    private final Config config;

    public BiLstmTrainer(Config config) {
        this.config = Objects.requireNonNull(config, "config must not be null");
    }

    public Config config() {
        return config;
    }

    /**
     * Trains on {@code (trainX, trainY)} with early stopping on {@code (valX, valY)}.
     *
     * @param trainX training windows (already scaled), one row per window, oldest value first; all
     *     rows (train and validation) must have the same length ≥ 1
     * @param trainY the value following each training window
     * @param valX validation windows (chronologically after the training ones)
     * @param valY the value following each validation window
     */
    public Result train(double[][] trainX, double[] trainY, double[][] valX, double[] valY) {
        return trainGraph(trainX, trainY, valX, valY).result();
    }

    Trained trainGraph(double[][] trainX, double[] trainY, double[][] valX, double[] valY) {
        long start = System.nanoTime();
        int steps = validate(trainX, trainY, valX, valY);

        ComputationGraph graph = BiLstmGraphs.build(config, steps);
        Random shuffle = new Random(config.seed());
        int n = trainX.length;
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }

        INDArray best = graph.params().dup();
        double bestMse = Double.POSITIVE_INFINITY;
        int bestEpoch = 0;
        int epoch = 0;
        int sinceBest = 0;
        while (epoch < config.maxEpochs() && sinceBest < config.patience()) {
            epoch++;
            shuffle(order, shuffle);
            for (int from = 0; from < n; from += config.batchSize()) {
                int to = Math.min(n, from + config.batchSize());
                graph.fit(
                        new INDArray[] {BiLstmGraphs.features(trainX, order, from, to)},
                        new INDArray[] {BiLstmGraphs.labels(trainY, order, from, to)});
            }
            double valMse = mse(BiLstmGraphs.predict(graph, valX), valY);
            if (!Double.isFinite(valMse)) {
                throw new IllegalStateException(
                        "validation MSE is not finite (" + valMse + ") after epoch " + epoch);
            }
            if (valMse < bestMse) {
                bestMse = valMse;
                bestEpoch = epoch;
                sinceBest = 0;
                best.assign(graph.params());
            } else {
                sinceBest++;
            }
        }
        graph.setParams(best);
        double trainMse = mse(BiLstmGraphs.predict(graph, trainX), trainY);
        BiLstmNetwork network = BiLstmGraphs.toNetwork(graph, config.layers());
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Trained(new Result(network, epoch, bestEpoch, bestMse, trainMse, seconds), graph);
    }

    /** Fisher–Yates with the given RNG. */
    private static void shuffle(int[] a, Random rnd) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int tmp = a[i];
            a[i] = a[j];
            a[j] = tmp;
        }
    }

    static double mse(double[] predicted, double[] actual) {
        double sum = 0;
        for (int i = 0; i < actual.length; i++) {
            double d = predicted[i] - actual[i];
            sum += d * d;
        }
        return sum / actual.length;
    }

    /** Checks shapes and values; returns the window length. */
    private static int validate(double[][] trainX, double[] trainY, double[][] valX, double[] valY) {
        Objects.requireNonNull(trainX, "trainX must not be null");
        Objects.requireNonNull(trainY, "trainY must not be null");
        Objects.requireNonNull(valX, "valX must not be null");
        Objects.requireNonNull(valY, "valY must not be null");
        if (trainX.length == 0) {
            throw new IllegalArgumentException("trainX must not be empty");
        }
        if (valX.length == 0) {
            throw new IllegalArgumentException("valX must not be empty (needed for early stopping)");
        }
        if (trainX.length != trainY.length) {
            throw new IllegalArgumentException(
                    "trainX and trainY must have the same length, got "
                            + trainX.length
                            + " and "
                            + trainY.length);
        }
        if (valX.length != valY.length) {
            throw new IllegalArgumentException(
                    "valX and valY must have the same length, got " + valX.length + " and " + valY.length);
        }
        Objects.requireNonNull(trainX[0], "trainX[0] must not be null");
        int steps = trainX[0].length;
        if (steps == 0) {
            throw new IllegalArgumentException("windows must have at least one value, got length 0");
        }
        checkRows("trainX", trainX, steps);
        checkRows("valX", valX, steps);
        checkFinite("trainY", trainY);
        checkFinite("valY", valY);
        return steps;
    }

    private static void checkRows(String name, double[][] x, int steps) {
        for (int r = 0; r < x.length; r++) {
            if (x[r] == null) {
                throw new IllegalArgumentException(name + "[" + r + "] must not be null");
            }
            if (x[r].length != steps) {
                throw new IllegalArgumentException(
                        name + "[" + r + "] must have the window length " + steps + ", got " + x[r].length);
            }
            for (int t = 0; t < steps; t++) {
                if (!Double.isFinite(x[r][t])) {
                    throw new IllegalArgumentException(
                            name + "[" + r + "][" + t + "] must be finite, got " + x[r][t]);
                }
            }
        }
    }

    private static void checkFinite(String name, double[] y) {
        for (int i = 0; i < y.length; i++) {
            if (!Double.isFinite(y[i])) {
                throw new IllegalArgumentException(name + "[" + i + "] must be finite, got " + y[i]);
            }
        }
    }
}
