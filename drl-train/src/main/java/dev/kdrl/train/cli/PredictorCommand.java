package dev.kdrl.train.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kdrl.core.predict.NeuralPredictor;
import dev.kdrl.core.predict.PredictorFile;
import dev.kdrl.env.trace.Trace;
import dev.kdrl.train.eval.LinePlot;
import dev.kdrl.train.predictor.BiLstmTrainer;
import dev.kdrl.train.predictor.PredictorEvaluation;
import dev.kdrl.train.predictor.PredictorTraining;
import dev.kdrl.train.predictor.SeriesSplit;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The traffic predictor: train the published Bi-LSTM on trace columns, evaluate it against baselines. */
@Command(name = "predictor", mixinStandardHelpOptions = true,
        description = "Train and evaluate the traffic predictor (the published Bi-LSTM) on recorded traces.",
        subcommands = {PredictorCommand.Train.class, PredictorCommand.Evaluate.class, PredictorCommand.Bench.class})
final class PredictorCommand {

    /**
     * Refuses a column of {@code rows} values too short for the chronological split (a training part of more than
     * one window, and with {@code testTail} a test tail of at least one value), naming the trace, the column, its
     * rows and the fewest rows it needs.
     *
     * @param windowSource what set the window, e.g. {@code --window 7}
     */
    static void requireLongEnough(Path trace, String column, int rows, double testFraction, double valFraction,
                                  int window, String windowSource, boolean testTail) {
        int trainEnd = SeriesSplit.trainEnd(rows, testFraction, valFraction);
        boolean noTail = testTail && SeriesSplit.fitEnd(rows, testFraction) == rows;
        if (trainEnd > window + 1L && !noTail) {
            return;
        }
        int least = SeriesSplit.minLength(testFraction, valFraction, window, testTail);
        String expected = least < 0 ? "more rows" : "at least " + least + " rows";
        String fractions = "test fraction " + testFraction + ", validation fraction " + valFraction;
        if (trainEnd > window + 1L) {
            throw new IllegalArgumentException("--trace " + trace + ": column " + column + " has " + rows + " rows, "
                    + "too few for a test tail of at least one row at " + fractions + " (expected " + expected + ")");
        }
        throw new IllegalArgumentException("--trace " + trace + ": column " + column + " has " + rows + " rows, of "
                + "which " + Math.max(0, trainEnd) + " are left for training after the test and validation parts ("
                + fractions + "): too few for " + windowSource + " (expected " + expected + ")");
    }

    static List<String> columns(Trace trace, List<String> asked) {
        if (asked.size() == 1 && asked.get(0).equals("all")) {
            return trace.columns();
        }
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String c : asked) {
            trace.columnIndex(c);
            if (!seen.add(c)) {
                throw new IllegalArgumentException("--column " + String.join(",", asked) + ": '" + c + "' is named "
                        + "twice (expected each column once: twice would count its windows twice)");
            }
        }
        return asked;
    }

    @Command(name = "train", mixinStandardHelpOptions = true,
            description = {"Train the Bi-LSTM on the columns of a trace and save it to one file.",
                "Chronological split: the last --test-fraction of each column is never seen; of the rest, the last "
                        + "--val-fraction drives early stopping; the scaler is fitted on the training part only."})
    static final class Train implements Callable<Integer> {
        @Option(names = "--trace", required = true, paramLabel = "FILE", description = "Traffic CSV.")
        Path trace;

        @Option(names = "--column", required = true, split = ",", paramLabel = "NAME",
                description = "Column(s) to train on: one per-service model, several (or 'all') for one shared model.")
        List<String> columns;

        @Option(names = "--out", required = true, paramLabel = "FILE.zip", description = "Where to save the predictor.")
        Path out;

        @Option(names = "--overwrite", description = "Replace the predictor already at --out (refused without it: "
                + "a trained predictor is not thrown away by a repeated command).")
        boolean overwrite;

        @Option(names = "--window", defaultValue = "7", description = "Input window. Default: ${DEFAULT-VALUE}.")
        int window;

        @Option(names = "--units", defaultValue = "100", description = "LSTM units per direction. Default: ${DEFAULT-VALUE}.")
        int units;

        @Option(names = "--layers", defaultValue = "2", description = "Bi-LSTM layers. Default: ${DEFAULT-VALUE}.")
        int layers;

        @Option(names = "--batch", defaultValue = "128", description = "Minibatch size. Default: ${DEFAULT-VALUE}.")
        int batch;

        @Option(names = "--epochs", defaultValue = "100", description = "Most epochs. Default: ${DEFAULT-VALUE}.")
        int epochs;

        @Option(names = "--patience", defaultValue = "5",
                description = "Early stopping: epochs without validation improvement. Default: ${DEFAULT-VALUE}.")
        int patience;

        @Option(names = "--lr", defaultValue = "0.001", description = "Adam learning rate. Default: ${DEFAULT-VALUE}.")
        double lr;

        @Option(names = "--seed", defaultValue = "0", description = "Seed of every random choice. Default: ${DEFAULT-VALUE}.")
        long seed;

        @Option(names = "--test-fraction", defaultValue = "0.2", description = "Default: ${DEFAULT-VALUE}.")
        double testFraction;

        @Option(names = "--val-fraction", defaultValue = "0.2", description = "Default: ${DEFAULT-VALUE}.")
        double valFraction;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            EnvOptions.requireNoEmptyElements(spec.commandLine().getParseResult(), "--column",
                    "comma-separated column names, or all");
            EnvOptions.requireAtLeast("--window", window, 1);
            EnvOptions.requireAtLeast("--units", units, 1);
            EnvOptions.requireAtLeast("--layers", layers, 1);
            EnvOptions.requireAtLeast("--batch", batch, 1);
            EnvOptions.requireAtLeast("--epochs", epochs, 1);
            EnvOptions.requireAtLeast("--patience", patience, 1);
            EnvOptions.requirePositive("--lr", lr);
            // named here as typed; the split's own checks name its fields
            if (!(testFraction >= 0 && testFraction < 1)) {
                throw new IllegalArgumentException("--test-fraction " + testFraction + ": expected a number >= 0 and "
                        + "< 1");
            }
            if (!(valFraction > 0 && valFraction < 1)) {
                throw new IllegalArgumentException("--val-fraction " + valFraction + ": expected a number > 0 and < 1");
            }
            EnvOptions.requireOutputFile("--out", out, List.of(".zip"), Map.of(trace, "--trace"));
            if (java.nio.file.Files.exists(out) && !overwrite) {
                // checked before training, not when saving: minutes of training are not lost to the refusal
                throw new IllegalArgumentException("--out " + out + ": exists (a predictor trained before?); pass "
                        + "--overwrite to replace it, or another --out");
            }
            Trace t = EnvOptions.trace(trace);
            List<String> cols = columns(t, columns);
            // every column of a trace has its length: the first one asked for is named
            requireLongEnough(trace, cols.get(0), t.length(), testFraction, valFraction, window, "--window " + window,
                    false);
            for (String c : cols) {
                double[] v = t.column(c);
                if (java.util.Arrays.stream(v).min().orElse(0) == java.util.Arrays.stream(v).max().orElse(0)) {
                    spec.commandLine().getErr().println("note: column " + c + " of " + trace + " is constant ("
                            + v[0] + "): the network learns nothing of how a load changes from it");
                    spec.commandLine().getErr().flush();
                }
            }
            BiLstmTrainer.Config net = new BiLstmTrainer.Config(units, layers, batch, epochs, patience, lr, seed);
            PredictorTraining.Outcome o = PredictorTraining.train(t, cols,
                    new PredictorTraining.Options(window, testFraction, valFraction, net));
            PredictorFile.save(o.predictor(), out);
            PrintWriter pw = spec.commandLine().getOut();
            BiLstmTrainer.Result r = o.result();
            pw.printf(Locale.ROOT, "trained %s on %s [%s]: %d training and %d validation windows of %d%n",
                    o.predictor().name(), trace, String.join(",", cols), o.trainWindows(), o.validationWindows(), window);
            pw.printf(Locale.ROOT, "epochs %d (best %d), validation MSE %.6f, training MSE %.6f (scaled), %.1f s%n",
                    r.epochsRun(), r.bestEpoch(), r.bestValidationMse(), r.trainMse(), r.seconds());
            pw.println("saved " + out);
            pw.flush();
            return 0;
        }
    }

    @Command(name = "evaluate", mixinStandardHelpOptions = true,
            description = {"One-step forecasts over the chronological test tail of each column, from the true "
                    + "history: MAE, RMSE and sMAPE of the model and of the baselines (last value, moving average, "
                    + "Holt fitted on the training part)."})
    static final class Evaluate implements Callable<Integer> {
        @Option(names = "--model", required = true, paramLabel = "FILE.zip", description = "A saved predictor.")
        Path model;

        @Option(names = "--trace", required = true, paramLabel = "FILE", description = "Traffic CSV.")
        Path trace;

        @Option(names = "--column", split = ",", paramLabel = "NAME",
                description = "Column(s) to evaluate ('all' for every one). Default: the model's training columns.")
        List<String> columns;

        @Option(names = "--ma", defaultValue = "3", description = "Span of the moving-average baseline. Default: ${DEFAULT-VALUE}.")
        int maSpan;

        @Option(names = "--json", description = "Print one JSON array of objects (series, model, mae, rmse, smape).")
        boolean json;

        @Option(names = "--plot", paramLabel = "FILE.png",
                description = "Write actual vs predicted over the test tail (one file per column: name-<column>.png when several).")
        Path plot;

        @Option(names = "--test-fraction", paramLabel = "F",
                description = "The last fraction of each column to evaluate on (in (0, 1)). Default: the one the model "
                        + "was trained with (0.2 unless --test-fraction was given to drl predictor train; a model "
                        + "trained on everything, 0, needs this on a trace of its own).")
        Double testFractionOption;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            EnvOptions.requireNoEmptyElements(spec.commandLine().getParseResult(), "--column",
                    "comma-separated column names, or all");
            EnvOptions.requireFile("--model", model, "");
            if (testFractionOption != null && !(testFractionOption > 0 && testFractionOption < 1)) {
                throw new IllegalArgumentException("--test-fraction " + testFractionOption + ": expected a number "
                        + "> 0 and < 1");
            }
            if (plot != null) {
                Map<Path, String> inputs = new LinkedHashMap<>();
                inputs.put(trace, "--trace");
                inputs.put(model, "--model");
                EnvOptions.requireOutputFile("--plot", plot, List.of(".png"), inputs);
            }
            NeuralPredictor p = PredictorFile.load(model);
            Trace t = EnvOptions.trace(trace);
            List<String> cols = columns != null ? columns(t, columns)
                    : columns(t, List.of(p.metadata().getOrDefault("columns", "all").split(",")));
            double testFraction = testFractionOption != null ? testFractionOption
                    : recordedFraction(p, "testFraction", 0, "a number >= 0 and < 1");
            if (testFraction == 0) {
                throw new IllegalArgumentException("--model " + model + " was trained on the whole of its columns "
                        + "(test fraction 0): give --test-fraction F to evaluate on the last F of " + trace);
            }
            double valFraction = recordedFraction(p, "valFraction", Double.MIN_VALUE, "a number > 0 and < 1");
            // every column of a trace has its length: the first one asked for is named
            requireLongEnough(trace, cols.get(0), t.length(), testFraction, valFraction, p.window(), "the window of "
                    + p.window() + " of --model " + model, true);
            List<PredictorEvaluation.Row> rows = new ArrayList<>();
            for (String c : cols) {
                PredictorEvaluation.Result r = PredictorEvaluation.evaluate(trace.getFileName() + ":" + c, t.column(c), p,
                        testFraction, valFraction, p.window(), maSpan);
                rows.addAll(r.rows());
                if (plot != null) {
                    writePlot(r, cols.size() == 1 ? plot : LinePlot.sibling(plot, c));
                }
            }
            PrintWriter pw = spec.commandLine().getOut();
            if (json) {
                List<Map<String, Object>> out = new ArrayList<>();
                for (PredictorEvaluation.Row r : rows) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("series", r.series());
                    m.put("model", r.model());
                    m.put("mae", r.errors().mae());
                    m.put("rmse", r.errors().rmse());
                    m.put("smape", r.errors().smape());
                    out.add(m);
                }
                pw.println(new ObjectMapper().writeValueAsString(out));
            } else {
                TextTable table = new TextTable(List.of("series", "model", "MAE", "RMSE", "sMAPE %"));
                for (PredictorEvaluation.Row r : rows) {
                    table.add(List.of(r.series(), r.model(), String.format(Locale.ROOT, "%.3f", r.errors().mae()),
                            String.format(Locale.ROOT, "%.3f", r.errors().rmse()),
                            String.format(Locale.ROOT, "%.2f", r.errors().smape())));
                }
                pw.print(table.render());
            }
            pw.flush();
            return 0;
        }

        /**
         * The fraction the predictor recorded under {@code meta.<key>} (0.2 when it recorded none, as before the
         * fractions were recorded), refused naming the file and the field unless a number from {@code min} and below
         * 1.
         */
        private double recordedFraction(NeuralPredictor p, String key, double min, String expected) {
            String v = p.metadata().getOrDefault(key, "0.2");
            double f;
            try {
                f = Double.parseDouble(v);
            } catch (NumberFormatException e) {
                f = Double.NaN;
            }
            if (!(f >= min && f < 1)) {
                throw new IllegalArgumentException(model + ": manifest field 'meta." + key + "' is '" + v + "' (expected "
                        + expected + ")");
            }
            return f;
        }

        private static void writePlot(PredictorEvaluation.Result r, Path file) {
            double[] x = new double[r.actual().length];
            for (int i = 0; i < x.length; i++) {
                x[i] = r.firstIndex() + i;
            }
            LinePlot plot = new LinePlot(r.series() + ": one-step forecasts on the test tail", "period", "load");
            plot.add("actual", x, r.actual());
            r.forecasts().forEach((name, f) -> {
                if (!name.startsWith("moving-average")) {
                    plot.add(name, x, f);
                }
            });
            plot.write(file, 1100, 500);
        }
    }

    @Command(name = "bench", mixinStandardHelpOptions = true,
            description = "Single-prediction latency of a saved predictor after warm-up: one next-value forecast from "
                    + "a history taken from the trace, as the live agent asks every period.")
    static final class Bench implements Callable<Integer> {
        @Option(names = "--model", required = true, paramLabel = "FILE.zip", description = "A saved predictor.")
        Path model;

        @Option(names = "--trace", required = true, paramLabel = "FILE", description = "Traffic CSV for histories.")
        Path trace;

        @Option(names = "--column", paramLabel = "NAME", description = "Column for histories. Default: the model's first.")
        String column;

        @Option(names = "--calls", defaultValue = "1000", description = "Timed calls (as many again to warm up). "
                + "Default: ${DEFAULT-VALUE}.")
        int calls;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            EnvOptions.requireAtLeast("--calls", calls, 1);
            NeuralPredictor p = PredictorFile.load(model);
            Trace t = EnvOptions.trace(trace);
            String c = column != null ? column : p.metadata().getOrDefault("columns", t.columns().get(0)).split(",")[0];
            double[] series = t.column(c);
            if (series.length < p.window()) {
                throw new IllegalArgumentException("--trace " + trace + ": column " + c + " has " + series.length
                        + " rows, fewer than the predictor's window of " + p.window() + " (it would time the "
                        + "last-value fallback, not the network)");
            }
            int history = Math.min(series.length, 120);
            double sink = 0;
            long[] nanos = new long[calls];
            for (int phase = 0; phase < 2; phase++) {
                for (int k = 0; k < calls; k++) {
                    int end = history + (k % Math.max(1, series.length - history + 1));
                    double[] h = java.util.Arrays.copyOfRange(series, end - history, Math.min(end, series.length));
                    long t0 = System.nanoTime();
                    sink += p.predict(h);
                    nanos[k] = System.nanoTime() - t0;
                }
            }
            java.util.Arrays.sort(nanos);
            PrintWriter pw = spec.commandLine().getOut();
            pw.printf(Locale.ROOT, "%s: %d single predictions after %d warm-up calls: p50 %.3f ms, p99 %.3f ms, max %.3f ms"
                    + " (checksum %.3f)%n", p.name(), calls, calls, nanos[calls / 2] / 1e6,
                    nanos[Math.min(calls - 1, (int) Math.ceil(calls * 0.99) - 1)] / 1e6, nanos[calls - 1] / 1e6, sink);
            pw.flush();
            return 0;
        }
    }
}
