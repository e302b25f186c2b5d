package dev.kdrl.train.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kdrl.env.baseline.Baselines;
import dev.kdrl.env.baseline.ExpectedValuePolicy;
import dev.kdrl.env.metrics.EpisodeMetrics;
import dev.kdrl.env.metrics.MetricsWriter;
import dev.kdrl.env.quota.QuotaModel;
import dev.kdrl.env.trace.Trace;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Every baseline policy and the exact optimum on one trace, with the episode metrics. */
@Command(name = "baselines", mixinStandardHelpOptions = true,
        description = {"Play every baseline policy (fixed-initial, fixed-best, usage-hybrid, random, greedy, "
                + "expected-2, lookahead-k) and the exact offline optimum on a trace; print their episode metrics."})
final class BaselinesCommand implements Callable<Integer> {
    @Mixin
    EnvOptions env;

    @Option(names = "--json", description = "Print one JSON array of objects instead of the table.")
    boolean json;

    @Option(names = "--seed", defaultValue = "0",
            description = "Seed of the random policy and of expected-2's traffic draws. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Mixin
    ExpectedOptions expected;

    @Option(names = "--lookahead", defaultValue = "3", paramLabel = "K",
            description = "Horizon of the look-ahead planner; 0 or 1 leaves it out. Default: ${DEFAULT-VALUE}.")
    int lookahead;

    @Option(names = "--rows", paramLabel = "FROM:TO",
            description = "Play rows FROM (inclusive) to TO (exclusive) of the trace, e.g. 600:800 for a 200-row "
                    + "window of a long trace (as drl evaluate --rows).")
    String rows;

    @Option(names = "--no-optimum", description = "Skip the exact optimum (and the %% of optimum column).")
    boolean noOptimum;

    @Option(names = "--out", paramLabel = "FILE", description = "Also write the metrics to FILE (.json or .csv), each policy's %% of the optimum among them "
                    + "(pct_of_optimum) unless --no-optimum.")
    Path out;

    @Option(names = "--overwrite", description = "Replace the file already at --out (refused without it: the "
            + "metrics written before are kept).")
    boolean overwrite;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        EnvOptions.requireAtLeast("--lookahead", lookahead, 0);
        if (out != null) {
            Map<Path, String> inputs = new LinkedHashMap<>();
            inputs.put(env.trace, "--trace");
            inputs.put(env.profileFile(), "--profile");
            inputs.put(expected.trafficHistory, "--traffic-history");
            EnvOptions.requireOutputFile("--out", out, List.of(".json", ".csv"), inputs);
            if (java.nio.file.Files.exists(out) && !overwrite) {
                throw new IllegalArgumentException("--out " + out + ": exists (metrics written before?); pass "
                        + "--overwrite to replace it, or another --out");
            }
        } else if (overwrite) {
            throw new IllegalArgumentException("--overwrite: there is no --out file to replace");
        }
        double confidence = expected.confidence();
        expected.refuseWhenSkipped(spec.commandLine().getParseResult());
        QuotaModel model = env.model();
        Trace trace = EvaluateCommand.slice(env.trace(), rows, "--rows");
        EnvOptions.noteUnlikelyUnits(env.profile, model, spec.commandLine().getErr());
        EnvOptions.noteUnusedColumns(trace, model, spec.commandLine().getErr());
        EnvOptions.noteUnplayedRows(trace, model, "--rows", spec.commandLine().getErr());
        Trace history = expected.history();
        List<EpisodeMetrics> metrics = Baselines.evaluate(model, trace,
                new Baselines.Options(seed, lookahead, !noOptimum, !expected.skip, history, confidence));
        Double optimum = noOptimum ? null : metrics.get(metrics.size() - 1).episodeReturn();
        PrintWriter pw = spec.commandLine().getOut();
        List<Map<String, Object>> rows = rows(metrics, optimum);
        if (json) {
            pw.println(new ObjectMapper().writeValueAsString(rows));
        } else {
            pw.println(traceHeader(trace, metrics.get(0).steps(), fmt(model.quota(), 1), env.profile));
            pw.print(table(metrics, optimum, model.serviceNames()));
            if (!expected.skip) {
                pw.println(expectedNote(history == null ? trace : history, confidence));
            }
        }
        pw.flush();
        if (out != null) {
            MetricsWriter.writeRows(rows, out);
        }
        return 0;
    }

    /** Where expected-2's traffic distribution came from, and how it chose, printed under the table. */
    static String expectedNote(Trace history, double confidence) {
        ExpectedValuePolicy.Settings s = ExpectedValuePolicy.Settings.defaults();
        return "expected-2: the next period's traffic from " + history.source() + " (AR(1) fit, its residuals; not "
                + "its order), " + s.candidates() + " candidates x " + s.samples() + " samples, confidence "
                + confidence;
    }

    static String table(List<EpisodeMetrics> metrics, Double optimum, List<String> services) {
        List<String> header = new ArrayList<>(List.of("policy", "return"));
        if (optimum != null) {
            header.add("% of opt");
        }
        header.addAll(List.of("over Q", "overlap>Q", "mean CPU", "max CPU"));
        for (String s : services) {
            header.add("lat/SLO " + s);
        }
        header.addAll(List.of("revisions", "pod changes"));
        TextTable t = new TextTable(header);
        for (EpisodeMetrics m : metrics) {
            List<String> row = new ArrayList<>(List.of(m.policy(), fmt(m.episodeReturn(), 2)));
            if (optimum != null) {
                row.add(fmt(100 * m.episodeReturn() / optimum, 1));
            }
            row.addAll(List.of(Integer.toString(m.overQuotaSteps()), Integer.toString(m.overlapOverQuotaSteps()),
                    fmt(m.meanCpu(), 2), fmt(m.maxCpu(), 1)));
            for (double v : m.meanLatencyToSlo()) {
                row.add(fmt(v, 3));
            }
            row.addAll(List.of(Integer.toString(m.revisionsCreated()), Integer.toString(m.podChanges())));
            t.add(row);
        }
        return t.render();
    }

    static String fmt(double v, int decimals) {
        return String.format(Locale.ROOT, "%,." + decimals + "f", v);
    }

    /** The line above a trace's table: {@code trace F, 200 steps, quota 40.0 cores, profile paper}. */
    static String traceHeader(Trace trace, int steps, String quota, String profile) {
        return "trace " + trace.source() + ", " + steps + (steps == 1 ? " step" : " steps") + ", quota " + quota
                + " cores, profile " + profile;
    }

    /**
     * The rows of {@code --json} (and {@code drl baselines --out}): each episode's metrics ({@link
     * EpisodeMetrics#toMap()}) and, when the optimum was played ({@code optimum} not null), its {@code pct_of_optimum}.
     */
    static List<Map<String, Object>> rows(List<EpisodeMetrics> metrics, Double optimum) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (EpisodeMetrics m : metrics) {
            Map<String, Object> row = m.toMap();
            if (optimum != null) {
                row.put("pct_of_optimum", 100 * m.episodeReturn() / optimum);
            }
            rows.add(row);
        }
        return rows;
    }
}
