package dev.kdrl.train.predictor;

import dev.kdrl.core.predict.MinMaxScaler;
import dev.kdrl.core.predict.NeuralPredictor;
import dev.kdrl.env.trace.Trace;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Trains the published traffic predictor on trace columns: one model per column, or one shared model
 * over several columns (as the published system did), with the chronological split of
 * {@link SeriesSplit}, the scaler fitted on the training parts only, and early stopping on the
 * validation parts.
 */
public final class PredictorTraining {

    private PredictorTraining() {
    }

    /**
     * @param window       input window (published: 7)
     * @param testFraction share of each series kept as the test tail, never seen in training
     * @param valFraction  share of the rest used for early stopping (published: 0.2)
     * @param network      the network and optimiser settings
     */
    public record Options(int window, double testFraction, double valFraction, BiLstmTrainer.Config network) {

        public Options {
            if (window < 1) {
                throw new IllegalArgumentException("window must be >= 1, got " + window);
            }
        }

        /** Window 7, test tail 20 %, validation 20 % of the rest, the published network. */
        public static Options defaults(long seed) {
            return new Options(7, 0.2, 0.2, BiLstmTrainer.Config.defaults(seed));
        }
    }

    /** A trained predictor with what its training did. */
    public record Outcome(NeuralPredictor predictor, BiLstmTrainer.Result result, int trainWindows,
                          int validationWindows) {
    }

    /** Trains one model over {@code columns} of {@code trace} (one column: a per-service model). */
    public static Outcome train(Trace trace, List<String> columns, Options o) {
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("at least one column is needed");
        }
        List<double[]> series = new ArrayList<>();
        List<SeriesSplit> splits = new ArrayList<>();
        List<Double> trainValues = new ArrayList<>();
        for (String c : columns) {
            double[] s = trace.column(c);
            SeriesSplit split = SeriesSplit.of(s.length, o.testFraction(), o.valFraction(), o.window());
            series.add(s);
            splits.add(split);
            for (int t = 0; t < split.trainEnd(); t++) {
                trainValues.add(s[t]);
            }
        }
        MinMaxScaler scaler = MinMaxScaler.fit(trainValues.stream().mapToDouble(Double::doubleValue).toArray());
        List<double[]> tx = new ArrayList<>();
        List<Double> ty = new ArrayList<>();
        List<double[]> vx = new ArrayList<>();
        List<Double> vy = new ArrayList<>();
        int w = o.window();
        for (int k = 0; k < series.size(); k++) {
            double[] scaled = scaler.transform(series.get(k));
            SeriesSplit split = splits.get(k);
            for (int t = w; t < split.fitEnd(); t++) {
                double[] x = new double[w];
                System.arraycopy(scaled, t - w, x, 0, w);
                if (t < split.trainEnd()) {
                    tx.add(x);
                    ty.add(scaled[t]);
                } else {
                    vx.add(x);
                    vy.add(scaled[t]);
                }
            }
        }
        BiLstmTrainer.Result r = new BiLstmTrainer(o.network()).train(tx.toArray(double[][]::new),
                ty.stream().mapToDouble(Double::doubleValue).toArray(), vx.toArray(double[][]::new),
                vy.stream().mapToDouble(Double::doubleValue).toArray());
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("trace", trace.source());
        meta.put("columns", String.join(",", columns));
        meta.put("rows", Integer.toString(trace.length()));
        meta.put("testFraction", Double.toString(o.testFraction()));
        meta.put("valFraction", Double.toString(o.valFraction()));
        meta.put("trainWindows", Integer.toString(tx.size()));
        meta.put("validationWindows", Integer.toString(vx.size()));
        meta.put("created", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        meta.put("seed", Long.toString(o.network().seed()));
        meta.put("batchSize", Integer.toString(o.network().batchSize()));
        meta.put("learningRate", Double.toString(o.network().learningRate()));
        meta.put("maxEpochs", Integer.toString(o.network().maxEpochs()));
        meta.put("patience", Integer.toString(o.network().patience()));
        meta.put("epochsRun", Integer.toString(r.epochsRun()));
        meta.put("bestEpoch", Integer.toString(r.bestEpoch()));
        meta.put("validationMse", Double.toString(r.bestValidationMse()));
        meta.put("trainMse", Double.toString(r.trainMse()));
        meta.put("trainingSeconds", String.format(Locale.ROOT, "%.1f", r.seconds()));
        NeuralPredictor p = new NeuralPredictor(r.network(), scaler, w, meta);
        return new Outcome(p, r, tx.size(), vx.size());
    }
}
