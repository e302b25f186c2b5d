package dev.kdrl.train.sweep;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The finished trials of a sweep directory summed up per setting: for each evaluation set the mean, standard
 * deviation (over seeds, n - 1), worst and best of the model's return, the same as a share of the greedy planner's
 * and of expected-2's return (none on a {@code --dynamics cluster} set: its Knative default, knative-first, instead),
 * and the training time; settings ranked by their validation score, the mean over the validation sets of the mean
 * return as % of greedy (over every set when none is marked validation).
 */
public final class SweepReport {

    /** One number over seeds. */
    public record Stats(int n, double mean, double sd, double worst, double best, List<Double> perSeed) {
        static Stats of(List<Double> xs) {
            int n = xs.size();
            double mean = xs.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
            double ss = 0;
            for (double x : xs) {
                ss += (x - mean) * (x - mean);
            }
            double sd = n > 1 ? Math.sqrt(ss / (n - 1)) : 0;
            return new Stats(n, mean, sd, xs.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN),
                    xs.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN), List.copyOf(xs));
        }
    }

    /**
     * One evaluation set of one setting; {@code expected2} is NaN when not evaluated (cluster dynamics),
     * {@code knative} (Knative's default, knative-first) NaN when not played (paper dynamics).
     */
    public record SetStats(String name, boolean validation, Stats model, double greedy, double expected2,
                           double knative) {
        public double pctGreedy() {
            return 100 * model.mean() / greedy;
        }

        public double worstPctGreedy() {
            return 100 * model.worst() / greedy;
        }

        public double pctExpected2() {
            return 100 * model.mean() / expected2;
        }
    }

    /** One setting: its seeds found finished, per-set statistics, training seconds, validation score. */
    public record SettingStats(String id, Map<String, Object> options, List<Long> seeds, int seedsPlanned,
                               List<SetStats> sets, Stats trainSeconds, double score, Stats scorePerSeed) {
    }

    /**
     * One setting's score less a base setting's, seed by seed over the seeds both finished ({@code difference}: their
     * mean, standard deviation and the rest), the honest way to compare two settings trained on the same seeds.
     */
    public record Paired(String base, List<Long> seeds, Stats difference) {
        /** The standard error of the mean difference; NaN with fewer than two seeds. */
        public double se() {
            return difference.n() > 1 ? difference.sd() / Math.sqrt(difference.n()) : Double.NaN;
        }
    }

    /** {@code s} paired with {@code base} over their common seeds; null when they share none. */
    public static Paired paired(SettingStats s, SettingStats base) {
        List<Long> seeds = new ArrayList<>();
        List<Double> diffs = new ArrayList<>();
        for (int i = 0; i < s.seeds().size(); i++) {
            int j = base.seeds().indexOf(s.seeds().get(i));
            if (j >= 0) {
                seeds.add(s.seeds().get(i));
                diffs.add(s.scorePerSeed().perSeed().get(i) - base.scorePerSeed().perSeed().get(j));
            }
        }
        return seeds.isEmpty() ? null : new Paired(base.id(), seeds, Stats.of(diffs));
    }

    /** The finished setting {@code id} of {@code r}; refused, naming the settings there, when there is none. */
    public static SettingStats setting(Report r, String id) {
        for (SettingStats s : r.settings()) {
            if (s.id().equals(id)) {
                return s;
            }
        }
        throw new IllegalArgumentException("--paired-with " + id + ": no finished trial of a setting '" + id + "' in "
                + r.dir() + " (expected one of " + String.join(", ", r.settings().stream().map(SettingStats::id)
                .toList()) + ")");
    }

    /** The report: settings best first. */
    public record Report(Path dir, List<String> validationSets, List<String> rankedOn, List<SettingStats> settings) {
    }

    private SweepReport() {
    }

    /**
     * Reads {@code dir} (written by {@code drl sweep run}); settings without a finished trial are left out. A damaged
     * file (sweep.json, a finished trial's done.json or eval.json) is refused in one line naming it and the field.
     */
    public static Report read(Path dir) throws IOException {
        Path desc = dir.resolve("sweep.json");
        if (!Files.isRegularFile(desc)) {
            throw new IllegalArgumentException(dir + ": not a sweep directory (no sweep.json; drl sweep run writes it)");
        }
        SweepJson.Value sweep = SweepJson.read(desc);
        List<String> setNames = new ArrayList<>();
        List<String> validation = new ArrayList<>();
        for (SweepJson.Value s : sweep.get("sets").elements()) {
            String name = s.get("name").text();
            setNames.add(name);
            if (s.get("validation").bool()) {
                validation.add(name);
            }
        }
        List<String> rankedOn = validation.isEmpty() ? setNames : validation;
        List<Long> sweepSeeds = sweep.get("seeds").integers();
        List<SettingStats> out = new ArrayList<>();
        for (SweepJson.Value setting : sweep.get("settings").elements()) {
            String id = setting.get("id").text();
            List<Long> seeds = setting.has("seeds") ? setting.get("seeds").integers() : sweepSeeds;
            Map<String, Object> options = setting.get("options").map();
            List<Long> found = new ArrayList<>();
            List<Double> secs = new ArrayList<>();
            Map<String, List<Double>> model = new LinkedHashMap<>();
            Map<String, Double> greedy = new LinkedHashMap<>();
            Map<String, Double> expected = new LinkedHashMap<>();
            Map<String, Double> knative = new LinkedHashMap<>();
            for (long seed : seeds) {
                Path trial = dir.resolve(id).resolve("seed-" + seed);
                if (!Files.isRegularFile(trial.resolve(SweepRunner.DONE))) {
                    continue;
                }
                found.add(seed);
                SweepJson.Trial t = SweepJson.trial(trial, setNames);
                secs.add(t.trainSeconds());
                for (String name : setNames) {
                    SweepJson.SetResult r = t.sets().get(name);
                    model.computeIfAbsent(name, k -> new ArrayList<>()).add(r.model());
                    greedy.put(name, r.greedy());
                    expected.put(name, r.expected2());
                    knative.put(name, r.knative());
                }
            }
            if (found.isEmpty()) {
                continue;
            }
            List<SetStats> sets = new ArrayList<>();
            for (String name : setNames) {
                sets.add(new SetStats(name, validation.contains(name), Stats.of(model.get(name)), greedy.get(name),
                        expected.get(name), knative.get(name)));
            }
            List<Double> perSeed = new ArrayList<>();
            for (int i = 0; i < found.size(); i++) {
                double sum = 0;
                for (String name : rankedOn) {
                    sum += 100 * model.get(name).get(i) / greedy.get(name);
                }
                perSeed.add(sum / rankedOn.size());
            }
            double score = sets.stream().filter(s -> rankedOn.contains(s.name())).mapToDouble(SetStats::pctGreedy)
                    .average().orElse(Double.NaN);
            out.add(new SettingStats(id, options, found, seeds.size(), sets, Stats.of(secs), score,
                    Stats.of(perSeed)));
        }
        out.sort(Comparator.comparingDouble((SettingStats s) -> Double.isNaN(s.score()) ? Double.NEGATIVE_INFINITY
                : s.score()).reversed());
        return new Report(dir, validation, rankedOn, out);
    }

    /** The tables. */
    public static String text(Report r) {
        return text(r, null);
    }

    /** The tables, each setting's score paired with setting {@code pairedWith}'s when not null. */
    public static String text(Report r, String pairedWith) {
        SettingStats base = pairedWith == null ? null : setting(r, pairedWith);
        StringBuilder sb = new StringBuilder();
        sb.append(r.dir()).append(": ").append(r.settings().size()).append(" setting")
                .append(r.settings().size() == 1 ? "" : "s").append(", ranked by the mean over ")
                .append(r.validationSets().isEmpty() ? "EVERY set (none is marked validation: true): "
                        : "the validation sets only: ")
                .append(String.join(", ", r.rankedOn())).append(" of the mean return as % of greedy\n");
        int rank = 1;
        // without validation sets the score is every set's, and says so
        String scoreName = r.validationSets().isEmpty() ? "score over every set" : "validation score";
        for (SettingStats s : r.settings()) {
            sb.append('\n').append(String.format(Locale.ROOT, "#%d %s: %s %.2f %% of greedy "
                    + "(per seed sd %.2f, worst %.2f); seeds %s%s; training %.1f s per seed (sd %.1f)%n", rank++,
                    s.id(), scoreName, s.score(), s.scorePerSeed().sd(), s.scorePerSeed().worst(), join(s.seeds()),
                    s.seeds().size() < s.seedsPlanned() ? " (" + s.seeds().size() + " of " + s.seedsPlanned()
                            + " finished)" : "", s.trainSeconds().mean(), s.trainSeconds().sd()));
            if (base != null && s != base) {
                Paired p = paired(s, base);
                sb.append(p == null ? "paired with " + base.id() + ": no seed finished by both\n"
                        : String.format(Locale.ROOT, "paired with %s: %+.3f (sd %.3f, se %.3f) over seeds %s%n",
                        base.id(), p.difference().mean(), p.difference().sd(), p.se(), join(p.seeds())));
            }
            // Knative's default only when a set played it (cluster dynamics)
            boolean knative = s.sets().stream().anyMatch(t -> !Double.isNaN(t.knative()));
            List<String> header = new ArrayList<>(List.of("set", "greedy", "expected-2", "mean", "sd", "worst", "best",
                    "mean/gr", "worst/gr", "mean/e2", "per seed"));
            if (knative) {
                header.add(3, "knative");
            }
            List<List<String>> rows = new ArrayList<>();
            for (SetStats t : s.sets()) {
                List<String> row = new ArrayList<>(List.of(t.name() + (t.validation() ? " *" : ""), num(t.greedy()),
                        num(t.expected2()), num(t.model().mean()), num(t.model().sd()), num(t.model().worst()),
                        num(t.model().best()), pct(t.pctGreedy()), pct(t.worstPctGreedy()), pct(t.pctExpected2()),
                        String.join(" ", t.model().perSeed().stream().map(SweepReport::num).toList())));
                if (knative) {
                    row.add(3, num(t.knative()));
                }
                rows.add(row);
            }
            sb.append(table(header, rows));
        }
        if (!r.validationSets().isEmpty()) {
            sb.append("\n* validation set (ranks the settings)\n");
        }
        return sb.toString();
    }

    /** The report as plain maps for {@code --json}. */
    public static Map<String, Object> json(Report r) {
        return json(r, null);
    }

    /** The report as plain maps, each setting's score paired with setting {@code pairedWith}'s when not null. */
    public static Map<String, Object> json(Report r, String pairedWith) {
        SettingStats base = pairedWith == null ? null : setting(r, pairedWith);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dir", r.dir().toString());
        m.put("rankedBy", "mean over the sets in rankedOn of the mean return as % of greedy");
        m.put("rankedOn", r.rankedOn());
        m.put("validationSets", r.validationSets());
        List<Map<String, Object>> settings = new ArrayList<>();
        int rank = 1;
        for (SettingStats s : r.settings()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("rank", rank++);
            o.put("id", s.id());
            o.put("options", s.options());
            o.put("seeds", s.seeds());
            o.put("seedsPlanned", s.seedsPlanned());
            o.put("score", s.score());
            o.put("scorePerSeed", stats(s.scorePerSeed()));
            if (base != null && s != base) {
                Paired p = paired(s, base);
                Map<String, Object> x = new LinkedHashMap<>();
                x.put("base", base.id());
                x.put("seeds", p == null ? List.of() : p.seeds());
                x.put("mean", p == null ? null : p.difference().mean());
                x.put("sd", p == null ? null : p.difference().sd());
                x.put("se", p == null || Double.isNaN(p.se()) ? null : p.se());
                o.put("pairedWith", x);
            }
            Map<String, Object> secs = stats(s.trainSeconds());
            secs.put("min", secs.remove("worst"));
            secs.put("max", secs.remove("best"));
            o.put("trainSeconds", secs);
            Map<String, Object> sets = new LinkedHashMap<>();
            for (SetStats t : s.sets()) {
                Map<String, Object> x = stats(t.model());
                x.put("validation", t.validation());
                x.put("greedy", t.greedy());
                x.put("expected2", Double.isNaN(t.expected2()) ? null : t.expected2());
                x.put("pctGreedy", t.pctGreedy());
                x.put("worstPctGreedy", t.worstPctGreedy());
                x.put("pctExpected2", Double.isNaN(t.expected2()) ? null : t.pctExpected2());
                if (!Double.isNaN(t.knative())) {
                    x.put("knativeFirst", t.knative());
                }
                sets.put(t.name(), x);
            }
            o.put("sets", sets);
            settings.add(o);
        }
        m.put("settings", settings);
        return m;
    }

    private static Map<String, Object> stats(Stats s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("n", s.n());
        m.put("mean", s.mean());
        m.put("sd", s.sd());
        m.put("worst", s.worst());
        m.put("best", s.best());
        m.put("perSeed", s.perSeed());
        return m;
    }

    /** A PNG: per setting, each set's mean return as % of greedy with its worst and best seed, and the score. */
    public static void plot(Report r, Path png) {
        SpreadPlot.write(r, png);
    }

    private static String join(List<Long> xs) {
        return String.join(" ", xs.stream().map(String::valueOf).toList());
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%,.0f", v);
    }

    private static String pct(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.1f%%", v);
    }

    private static String table(List<String> header, List<List<String>> rows) {
        int[] w = new int[header.size()];
        for (int c = 0; c < w.length; c++) {
            w[c] = header.get(c).length();
            for (List<String> row : rows) {
                w[c] = Math.max(w[c], row.get(c).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        List<List<String>> all = new ArrayList<>();
        all.add(header);
        all.addAll(rows);
        for (List<String> row : all) {
            for (int c = 0; c < w.length; c++) {
                String v = row.get(c);
                String pad = " ".repeat(w[c] - v.length());
                sb.append(c == 0 ? "" : "  ").append(c == 0 || c == w.length - 1 ? v + pad : pad + v);
            }
            sb.append('\n');
        }
        return sb.toString().replaceAll(" +\n", "\n");
    }
}
