package dev.kdrl.core.predict;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The published predictor: a {@link BiLstmNetwork} over the last {@code window} values, min-max scaled
 * with the scaler fitted on the training part, inverse-scaled and clamped at 0. Multi-step forecasts are
 * recursive. With fewer than {@code window} history points it falls back to the last value (0 for an
 * empty history) and says so in the {@link Forecast}; the published system predicted 0 there.
 *
 * <p>Plain Java: the live agent needs no deep-learning runtime. Thread-safe.
 */
public final class NeuralPredictor implements TrafficPredictor {
    private final BiLstmNetwork network;
    private final MinMaxScaler scaler;
    private final int window;
    private final Map<String, String> metadata;

    /**
     * @param network  the trained network
     * @param scaler   the scaler fitted on the training part
     * @param window   input window length
     * @param metadata training metadata (trace, columns, dates, metrics), kept in the saved file
     */
    public NeuralPredictor(BiLstmNetwork network, MinMaxScaler scaler, int window, Map<String, String> metadata) {
        if (window < 1) {
            throw new IllegalArgumentException("window must be >= 1, got " + window);
        }
        this.network = Objects.requireNonNull(network, "network");
        this.scaler = Objects.requireNonNull(scaler, "scaler");
        this.window = window;
        this.metadata = Map.copyOf(new TreeMap<>(metadata));
    }

    public BiLstmNetwork network() {
        return network;
    }

    public MinMaxScaler scaler() {
        return scaler;
    }

    public int window() {
        return window;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    @Override
    public String name() {
        return "bilstm(" + network.numLayers() + "x" + network.units() + ",w=" + window + ")";
    }

    @Override
    public Forecast forecast(double[] history, int k) {
        TrafficPredictor.validate(history);
        TrafficPredictor.validateSteps(k);
        if (history.length < window) {
            return LastValuePredictor.fallback(history, k, window, name());
        }
        double[] scaled = new double[window];
        for (int i = 0; i < window; i++) {
            scaled[i] = scaler.transform(history[history.length - window + i]);
        }
        double[] out = new double[k];
        for (int s = 0; s < k; s++) {
            double y = network.predict(scaled);
            out[s] = Math.max(0, scaler.inverse(y));
            System.arraycopy(scaled, 1, scaled, 0, window - 1);
            scaled[window - 1] = scaler.transform(out[s]);
        }
        return new Forecast(out, name(), null);
    }

    /**
     * Checks that this predictor suits a configuration.
     *
     * @param window   the window the caller will feed, or 0 for any
     * @param maxValue the largest load the caller expects; refused when more than 10 times larger or smaller
     *                 than the largest value the model was trained on (a model trained on another scale), or 0
     *                 to skip the check
     * @throws IllegalArgumentException saying what differs
     */
    public void checkCompatible(int window, double maxValue) {
        if (window > 0 && window != this.window) {
            throw new IllegalArgumentException("the predictor was trained with window " + this.window
                    + ", configured window is " + window);
        }
        double trainedMax = Math.max(scaler.max(), 1e-9);
        if (maxValue > 0 && (maxValue > 10 * trainedMax || maxValue < trainedMax / 10)) {
            throw new IllegalArgumentException("the predictor was trained on values in [" + scaler.min() + ", "
                    + scaler.max() + "], the configured scale goes up to " + maxValue
                    + " (more than 10x apart: trained for another scale?)");
        }
    }
}
