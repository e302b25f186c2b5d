package dev.kdrl.train.predictor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kdrl.core.predict.BiLstmNetwork;
import dev.kdrl.train.predictor.BiLstmTrainer.Config;
import dev.kdrl.train.predictor.BiLstmTrainer.Result;
import dev.kdrl.train.predictor.BiLstmTrainer.Trained;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BiLstmTrainerTest {

    private static final int WINDOW = 7;

    /** Windows of {@code WINDOW} over a series, split chronologically 80/20. */
    private record Data(double[][] trainX, double[] trainY, double[][] valX, double[] valY) {
        static Data of(double[] series) {
            int n = series.length - WINDOW;
            double[][] x = new double[n][];
            double[] y = new double[n];
            for (int i = 0; i < n; i++) {
                x[i] = Arrays.copyOfRange(series, i, i + WINDOW);
                y[i] = series[i + WINDOW];
            }
            int split = (int) Math.round(n * 0.8);
            return new Data(
                    Arrays.copyOfRange(x, 0, split),
                    Arrays.copyOfRange(y, 0, split),
                    Arrays.copyOfRange(x, split, n),
                    Arrays.copyOfRange(y, split, n));
        }
    }

    private static double[] noise(long seed, int n) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] s = new double[n];
        for (int i = 0; i < n; i++) {
            s[i] = rnd.nextDouble();
        }
        return s;
    }

    private static double[] periodic(long seed, int n) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] s = new double[n];
        for (int t = 0; t < n; t++) {
            s[t] = 0.5 + 0.4 * Math.sin(2 * Math.PI * t / 24.0) + 0.02 * (rnd.nextDouble() * 2 - 1);
        }
        return s;
    }

    private static double[][] randomWindows(long seed, int count) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[][] w = new double[count][WINDOW];
        for (double[] row : w) {
            for (int t = 0; t < WINDOW; t++) {
                row[t] = rnd.nextDouble();
            }
        }
        return w;
    }

    private static Config small(int units, int layers, int maxEpochs, int patience, long seed) {
        return new Config(units, layers, 32, maxEpochs, patience, 5e-3, seed);
    }

    /** (a) The copied network reproduces the DL4J graph: proves the weight copy and semantics. */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void parityWithDl4jGraph(int layers) {
        Data d = Data.of(noise(100 + layers, 260));
        Trained trained =
                new BiLstmTrainer(small(6, layers, 2, 5, 17)).trainGraph(d.trainX, d.trainY, d.valX, d.valY);
        BiLstmNetwork net = trained.result().network();
        assertThat(net.numLayers()).isEqualTo(layers);
        assertThat(net.units()).isEqualTo(6);
        assertThat(net.inputSize()).isEqualTo(1);

        double[][] windows = randomWindows(5, 50);
        double[] dl4j = BiLstmGraphs.predict(trained.graph(), windows);
        double maxDiff = 0;
        for (int i = 0; i < windows.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(dl4j[i] - net.predict(windows[i])));
        }
        System.out.printf("parity (%d layer(s)): max |dl4j - BiLstmNetwork| = %.3e%n", layers, maxDiff);
        assertThat(maxDiff).isLessThan(1e-6);
        // the outputs are not trivially constant
        assertThat(Arrays.stream(dl4j).max().getAsDouble() - Arrays.stream(dl4j).min().getAsDouble())
                .isGreaterThan(1e-4);
        // the reported validation MSE is that of the returned weights
        double valMse = 0;
        for (int i = 0; i < d.valX.length; i++) {
            double e = net.predict(d.valX[i]) - d.valY[i];
            valMse += e * e;
        }
        assertThat(valMse / d.valX.length)
                .isCloseTo(trained.result().bestValidationMse(), org.assertj.core.api.Assertions.within(1e-9));
    }

    /** (b) On a periodic series the trained network beats the last-value baseline. */
    @Test
    void learnsPeriodicSeriesBetterThanLastValue() {
        Data d = Data.of(periodic(2024, 600));
        Config config = new Config(16, 1, 64, 40, 5, 1e-2, 7);
        Result r = new BiLstmTrainer(config).train(d.trainX, d.trainY, d.valX, d.valY);

        double netMse = 0;
        double lastValueMse = 0;
        for (int i = 0; i < d.valX.length; i++) {
            double e = r.network().predict(d.valX[i]) - d.valY[i];
            double b = d.valX[i][WINDOW - 1] - d.valY[i];
            netMse += e * e;
            lastValueMse += b * b;
        }
        netMse /= d.valX.length;
        lastValueMse /= d.valX.length;
        System.out.printf(
                "learning: val MSE %.6f vs last-value %.6f; epochs %d, best %d, train MSE %.6f, %.1f s%n",
                netMse, lastValueMse, r.epochsRun(), r.bestEpoch(), r.trainMse(), r.seconds());
        assertThat(netMse).isLessThan(lastValueMse);
        assertThat(r.bestValidationMse()).isCloseTo(netMse, org.assertj.core.api.Assertions.within(1e-9));
    }

    /** (c) The same seed gives bitwise-identical networks; another seed does not. */
    @Test
    void sameSeedIsBitwiseDeterministic() {
        Data d = Data.of(periodic(3, 200));
        Config config = small(8, 2, 3, 5, 99);
        BiLstmNetwork a = new BiLstmTrainer(config).train(d.trainX, d.trainY, d.valX, d.valY).network();
        BiLstmNetwork b = new BiLstmTrainer(config).train(d.trainX, d.trainY, d.valX, d.valY).network();
        BiLstmNetwork c =
                new BiLstmTrainer(config.withSeed(100)).train(d.trainX, d.trainY, d.valX, d.valY).network();

        assertThat(b.layers()).isEqualTo(a.layers());
        assertThat(b.denseWeights()).isEqualTo(a.denseWeights());
        boolean anyDifferent = false;
        for (double[] w : randomWindows(8, 10)) {
            assertThat(Double.doubleToRawLongBits(b.predict(w)))
                    .isEqualTo(Double.doubleToRawLongBits(a.predict(w)));
            anyDifferent |= a.predict(w) != c.predict(w);
        }
        assertThat(anyDifferent).as("a different seed changes the network").isTrue();
    }

    /** Seed 0, the command line's default: DL4J would take it for no seed and draw the weights from the clock. */
    @Test
    void seedZeroIsASeedToo() throws Exception {
        Config config = small(8, 2, 3, 5, 0);
        double first = BiLstmGraphs.build(config, 7).params().sumNumber().doubleValue();
        Thread.sleep(20); // another millisecond on the clock
        double second = BiLstmGraphs.build(config, 7).params().sumNumber().doubleValue();
        assertThat(second).isEqualTo(first);
        assertThat(BiLstmGraphs.build(config.withSeed(1), 7).params().sumNumber().doubleValue()).isNotEqualTo(first);
    }

    /** (d) Early stopping on pure noise with patience 1. */
    @Test
    void earlyStoppingStopsWhenValidationStopsImproving() {
        Data d = Data.of(noise(77, 300));
        Config config = new Config(8, 1, 32, 40, 1, 1e-2, 5);
        Result r = new BiLstmTrainer(config).train(d.trainX, d.trainY, d.valX, d.valY);
        System.out.printf(
                "early stopping: epochs %d, best %d, best val MSE %.5f%n",
                r.epochsRun(), r.bestEpoch(), r.bestValidationMse());
        assertThat(r.epochsRun()).isLessThan(config.maxEpochs());
        assertThat(r.bestEpoch()).isLessThan(r.epochsRun());
        assertThat(r.epochsRun()).isEqualTo(r.bestEpoch() + config.patience());
    }

    @Test
    void configValidation() {
        assertThat(Config.defaults(1)).isEqualTo(new Config(100, 2, 128, 100, 5, 1e-3, 1));
        assertThatThrownBy(() -> new Config(0, 2, 128, 100, 5, 1e-3, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("units must be > 0, got 0");
        assertThatThrownBy(() -> new Config(1, -1, 128, 100, 5, 1e-3, 1))
                .hasMessage("layers must be > 0, got -1");
        assertThatThrownBy(() -> new Config(1, 1, 0, 100, 5, 1e-3, 1))
                .hasMessage("batchSize must be > 0, got 0");
        assertThatThrownBy(() -> new Config(1, 1, 1, 0, 5, 1e-3, 1))
                .hasMessage("maxEpochs must be > 0, got 0");
        assertThatThrownBy(() -> new Config(1, 1, 1, 1, 0, 1e-3, 1))
                .hasMessage("patience must be > 0, got 0");
        assertThatThrownBy(() -> new Config(1, 1, 1, 1, 1, Double.NaN, 1))
                .hasMessage("learningRate must be finite and > 0, got NaN");
        assertThatThrownBy(() -> new Config(1, 1, 1, 1, 1, 0, 1))
                .hasMessage("learningRate must be finite and > 0, got 0.0");
    }

    @Test
    void inputValidation() {
        BiLstmTrainer trainer = new BiLstmTrainer(small(2, 1, 1, 1, 1));
        double[][] x = {{0.1, 0.2}, {0.3, 0.4}};
        double[] y = {0.5, 0.6};
        assertThatThrownBy(() -> trainer.train(x, new double[1], x, y))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("trainX and trainY must have the same length, got 2 and 1");
        assertThatThrownBy(() -> trainer.train(x, y, new double[0][], new double[0]))
                .hasMessageContaining("valX must not be empty");
        assertThatThrownBy(() -> trainer.train(x, y, new double[][] {{0.1, 0.2, 0.3}}, new double[1]))
                .hasMessage("valX[0] must have the window length 2, got 3");
        assertThatThrownBy(() -> trainer.train(new double[][] {{0.1, Double.NaN}, {0, 0}}, y, x, y))
                .hasMessage("trainX[0][1] must be finite, got NaN");
    }
}
