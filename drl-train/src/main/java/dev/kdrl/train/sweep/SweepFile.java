package dev.kdrl.train.sweep;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.kdrl.env.io.CsvText;
import dev.kdrl.env.io.YamlException;
import dev.kdrl.env.io.YamlReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * A sweep file (YAML, read by {@link YamlReader}): the {@code drl train} options every trial shares, the settings
 * tried (a grid or a seeded random sample of named options), the seeds, and the evaluation sets each trained model
 * is scored on; the sets marked {@code validation: true} rank the settings.
 *
 * <pre>{@code
 * base: {profile: paper, trace: datasets/paper/train-200.csv}   # or a list: [--profile, paper, ...]
 * grid: {afterstate-candidates: [2, 4]}                          # cartesian product of the lists
 * # or: random: {afterstate-lr: {min: 1e-4, max: 1e-2, log: true}, afterstate-epochs: [2, 4, 8]}
 * #     samples: 8
 * #     seed: 1
 * seeds: [1, 2, 3]
 * evaluate:
 *   - {name: test-20, traces: [datasets/paper/test-20.csv]}
 *   - {name: nasa-600, trace: datasets/nasa/nasa-http-1995-scaled100.csv, rows: "600:800"}
 *   - {name: valid-uniform, traces: ["runs/validation/uniform-*.csv"], validation: true}
 * }</pre>
 *
 * <p>Option names are {@code drl train}'s, with or without the leading {@code --}; a value {@code true} is the flag
 * alone, {@code false} its {@code --no-} form (negatable options) or nothing, a list is joined with commas.
 * {@code --seed} and {@code --out} belong to the sweep. Relative paths (in options and traces, globs allowed in
 * {@code traces}) are resolved against the working directory {@code drl sweep run} is started in, as for every other
 * {@code drl} option; trial.json records them absolute.
 */
public final class SweepFile {

    /** The file as written. */
    record Raw(Object base, Map<String, Object> grid, Map<String, Object> random,
               @JsonPropertyDescription("an integer >= 1 (the number of random settings)") Integer samples,
               @JsonPropertyDescription("an integer (the seed of the random sample)") Long seed,
               @JsonPropertyDescription("a non-empty list of integer seeds") List<Long> seeds,
               @JsonPropertyDescription("a non-empty list of evaluation sets {name, traces or trace, rows, validation}")
               List<RawSet> evaluate) {
    }

    /** One evaluation set as written. */
    record RawSet(String name, List<String> traces, String trace, String rows, Boolean validation) {
    }

    /** One evaluation set: traces (absolute), optional rows {@code FROM:TO}, and whether it ranks settings. */
    public record EvalSet(String name, List<Path> traces, String rows, boolean validation) {
    }

    /** One setting: its id (a directory name) and the options that differ from the base, in order. */
    public record Setting(String id, Map<String, Object> options) {
    }

    /** A parsed sweep: {@code baseArgs} and each setting's args are {@code drl train} arguments. */
    public record Sweep(Path file, List<String> baseArgs, List<Setting> settings, List<Long> seeds,
                        List<EvalSet> sets) {

        /** The {@code drl train} arguments of one trial, before {@code --seed} and {@code --out}. */
        public List<String> trainArgs(Setting s) {
            List<String> args = new ArrayList<>(baseArgs);
            for (Map.Entry<String, Object> e : s.options().entrySet()) {
                args.addAll(SweepFile.args(e.getKey(), e.getValue()));
            }
            return args;
        }
    }

    /** What the sweep may say about a {@code drl train} option: known, boolean, negatable. */
    public interface TrainOptions {
        /** Null when {@code drl train} has no option {@code --name}; else whether it is a boolean flag, negatable. */
        Kind kind(String name);

        /** A {@code drl train} option. */
        record Kind(boolean flag, boolean negatable) {
        }
    }

    private static final Set<String> RESERVED = Set.of("seed", "out");

    private final String source;
    private final TrainOptions options;
    private final Path cwd;

    private SweepFile(String source, TrainOptions options, Path cwd) {
        this.source = source;
        this.options = options;
        this.cwd = cwd;
    }

    /** Reads {@code file}; relative paths in it resolve against {@code cwd}. */
    public static Sweep read(Path file, TrainOptions options, Path cwd) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + ": no such sweep file");
        }
        return parse(CsvText.read(file, "sweep"), file.toString(), options, cwd, file);
    }

    /** Parses sweep text named {@code source} in messages. */
    public static Sweep parse(String text, String source, TrainOptions options, Path cwd, Path file) {
        Raw raw;
        try {
            raw = YamlReader.read(text, source, Raw.class, YamlReader.Nulls.AS_ABSENT);
        } catch (YamlException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return new SweepFile(source, options, cwd.toAbsolutePath().normalize()).build(raw, file);
    }

    private Sweep build(Raw raw, Path file) {
        List<String> base = base(raw.base());
        if (raw.grid() != null && raw.random() != null) {
            throw error("grid", "both grid and random", "one of grid or random");
        }
        List<Setting> settings;
        if (raw.random() != null) {
            if (raw.samples() == null || raw.samples() < 1) {
                throw error("samples", raw.samples(), "an integer >= 1 (the number of random settings; needed with random)");
            }
            settings = random(raw.random(), raw.samples(), raw.seed() == null ? 0L : raw.seed());
        } else {
            if (raw.samples() != null || raw.seed() != null) {
                throw error(raw.samples() != null ? "samples" : "seed",
                        raw.samples() != null ? raw.samples() : raw.seed(), "only with random");
            }
            settings = grid(raw.grid() == null ? Map.of() : raw.grid());
        }
        if (raw.seeds() == null || raw.seeds().isEmpty()) {
            throw error("seeds", raw.seeds(), "a non-empty list of integer seeds");
        }
        if (new LinkedHashSet<>(raw.seeds()).size() != raw.seeds().size()) {
            throw error("seeds", raw.seeds(), "distinct seeds");
        }
        for (int i = 0; i < raw.seeds().size(); i++) {
            if (raw.seeds().get(i) == null) {
                throw error("seeds[" + i + "]", null, "an integer");
            }
        }
        if (raw.evaluate() == null || raw.evaluate().isEmpty()) {
            throw error("evaluate", raw.evaluate(), "a non-empty list of evaluation sets {name, traces or trace, rows, validation}");
        }
        List<EvalSet> sets = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        for (int i = 0; i < raw.evaluate().size(); i++) {
            EvalSet set = set(raw.evaluate().get(i), "evaluate[" + i + "]");
            if (!names.add(set.name())) {
                throw error("evaluate[" + i + "].name", set.name(), "a name no other set has");
            }
            sets.add(set);
        }
        return new Sweep(file, base, settings, List.copyOf(raw.seeds()), List.copyOf(sets));
    }

    // ---- options ----

    private List<String> base(Object base) {
        List<String> args = new ArrayList<>();
        if (base == null) {
            return args;
        }
        if (base instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                String name = optionName(String.valueOf(e.getKey()), "base." + e.getKey());
                args.addAll(args(name, value(e.getValue(), name, "base." + e.getKey())));
            }
            return args;
        }
        if (base instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                Object v = list.get(i);
                if (v == null || v instanceof Map || v instanceof List) {
                    throw error("base[" + i + "]", v, "a drl train argument (a scalar)");
                }
                String s = String.valueOf(v);
                if (s.startsWith("--")) {
                    String name = s.contains("=") ? s.substring(2, s.indexOf('=')) : s.substring(2);
                    String known = name.startsWith("no-") && options.kind(name) == null ? name.substring(3) : name;
                    optionName(known, "base[" + i + "]");
                }
                args.add(s);
            }
            return args;
        }
        throw error("base", base, "a map of drl train options to values, or a list of drl train arguments");
    }

    /** The option's name without dashes, checked against {@code drl train}'s. */
    private String optionName(String key, String field) {
        String name = key.startsWith("--") ? key.substring(2) : key;
        if (RESERVED.contains(name)) {
            throw error(field, key, "a drl train option other than --seed and --out (the sweep sets them)");
        }
        if (options.kind(name) == null) {
            throw error(field, key, "a drl train option (drl train --help lists them)");
        }
        return name;
    }

    /** A value for {@code --name}: a scalar or a list of scalars; booleans only for flags. */
    private Object value(Object v, String name, String field) {
        TrainOptions.Kind kind = options.kind(name);
        if (v == null) {
            throw error(field, null, "a value for --" + name);
        }
        if (v instanceof Boolean b) {
            if (!kind.flag()) {
                throw error(field, v, "a value for --" + name + " (true/false only for flags)");
            }
            if (!b && !kind.negatable()) {
                throw error(field, v, "true (--" + name + " is not negatable: leave it out for false)");
            }
            return b;
        }
        if (kind.flag()) {
            throw error(field, v, "true or false (--" + name + " is a flag)");
        }
        if (v instanceof Map) {
            throw error(field, v, "a scalar or a list of scalars for --" + name);
        }
        if (v instanceof List<?> list) {
            for (Object x : list) {
                if (x == null || x instanceof Map || x instanceof List) {
                    throw error(field, v, "a scalar or a list of scalars for --" + name);
                }
            }
        }
        return v;
    }

    /** {@code --name value} as arguments. */
    static List<String> args(String name, Object value) {
        if (value instanceof Boolean b) {
            return b ? List.of("--" + name) : List.of("--no-" + name);
        }
        if (value instanceof List<?> list) {
            return List.of("--" + name, String.join(",", list.stream().map(SweepFile::text).toList()));
        }
        return List.of("--" + name, text(value));
    }

    /** A value as the command line and the setting id write it: integers plain, doubles shortest. */
    static String text(Object v) {
        if (v instanceof Double d) {
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString(d.longValue()) : Double.toString(d);
        }
        return String.valueOf(v);
    }

    private List<Setting> grid(Map<String, Object> grid) {
        List<Map<String, Object>> combos = new ArrayList<>();
        combos.add(new LinkedHashMap<>());
        for (Map.Entry<String, Object> e : grid.entrySet()) {
            String field = "grid." + e.getKey();
            String name = optionName(e.getKey(), field);
            if (!(e.getValue() instanceof List<?> values) || values.isEmpty()) {
                throw error(field, e.getValue(), "a non-empty list of values for --" + name);
            }
            List<Map<String, Object>> next = new ArrayList<>();
            for (Map<String, Object> c : combos) {
                for (int i = 0; i < values.size(); i++) {
                    Map<String, Object> m = new LinkedHashMap<>(c);
                    m.put(name, value(values.get(i), name, field + "[" + i + "]"));
                    next.add(m);
                }
            }
            combos = next;
        }
        return settings(combos);
    }

    private List<Setting> random(Map<String, Object> random, int samples, long seed) {
        Map<String, Function<Random, Object>> draws = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : random.entrySet()) {
            String field = "random." + e.getKey();
            String name = optionName(e.getKey(), field);
            Object spec = e.getValue();
            if (spec instanceof List<?> values && !values.isEmpty()) {
                List<Object> checked = new ArrayList<>();
                for (int i = 0; i < values.size(); i++) {
                    checked.add(value(values.get(i), name, field + "[" + i + "]"));
                }
                draws.put(name, r -> checked.get(r.nextInt(checked.size())));
            } else if (spec instanceof Map<?, ?> range) {
                draws.put(name, range(range, name, field));
            } else {
                throw error(field, spec, "a non-empty list of values or {min, max[, log]}");
            }
        }
        if (draws.isEmpty()) {
            throw error("random", random, "a map of drl train options to lists or {min, max[, log]}");
        }
        Random rng = new Random(seed);
        List<Map<String, Object>> combos = new ArrayList<>();
        for (int k = 0; k < samples; k++) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (Map.Entry<String, Function<Random, Object>> d : draws.entrySet()) {
                m.put(d.getKey(), d.getValue().apply(rng));
            }
            combos.add(m);
        }
        return settings(combos);
    }

    private Function<Random, Object> range(Map<?, ?> range, String name, String field) {
        for (Object k : range.keySet()) {
            if (!Set.of("min", "max", "log").contains(String.valueOf(k))) {
                throw error(field + "." + k, range.get(k), "one of the keys min, max, log");
            }
        }
        Object lo = range.get("min");
        Object hi = range.get("max");
        Object log = range.get("log");
        if (!(lo instanceof Number a) || !Double.isFinite(a.doubleValue())) {
            throw error(field + ".min", lo, "a finite number");
        }
        if (!(hi instanceof Number b) || !(b.doubleValue() > a.doubleValue()) || !Double.isFinite(b.doubleValue())) {
            throw error(field + ".max", hi, "a finite number > min");
        }
        if (log != null && !(log instanceof Boolean)) {
            throw error(field + ".log", log, "true or false");
        }
        boolean isLog = Boolean.TRUE.equals(log);
        if (isLog && !(a.doubleValue() > 0)) {
            throw error(field + ".min", lo, "a number > 0 (log: true)");
        }
        if (options.kind(name).flag()) {
            throw error(field, range, "true or false (--" + name + " is a flag)");
        }
        boolean integer = isInteger(a) && isInteger(b);
        double x0 = isLog ? Math.log(a.doubleValue()) : a.doubleValue();
        double x1 = isLog ? Math.log(b.doubleValue()) : b.doubleValue();
        return r -> {
            double u = x0 + (x1 - x0) * r.nextDouble();
            double x = isLog ? Math.exp(u) : u;
            if (integer) {
                return Math.min(b.longValue(), Math.max(a.longValue(), Math.round(x)));
            }
            return Double.parseDouble(String.format(Locale.ROOT, "%.4g", x));
        };
    }

    private static boolean isInteger(Number n) {
        return n instanceof Integer || n instanceof Long || n instanceof BigInteger;
    }

    /** Settings with ids made of their options; duplicates (a random sample drawing twice) are kept once. */
    private static List<Setting> settings(List<Map<String, Object>> combos) {
        Map<String, Setting> byId = new LinkedHashMap<>();
        for (Map<String, Object> c : combos) {
            String id = id(c);
            Setting existing = byId.get(id);
            if (existing != null && !existing.options().equals(c)) {
                // two settings whose values differ only in characters a directory name cannot hold
                id = id + "-" + Integer.toHexString(c.toString().hashCode());
            }
            byId.putIfAbsent(id, new Setting(id, Collections.unmodifiableMap(new LinkedHashMap<>(c))));
        }
        return List.copyOf(byId.values());
    }

    /** {@code afterstate-candidates=2_gamma=0.9}: readable, a safe directory name; {@code base} for no options. */
    static String id(Map<String, Object> options) {
        if (options.isEmpty()) {
            return "base";
        }
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Object> e : options.entrySet()) {
            Object v = e.getValue();
            String value = v instanceof List<?> l ? String.join(",", l.stream().map(SweepFile::text).toList()) : text(v);
            sb.append(sb.length() == 0 ? "" : "_").append(e.getKey()).append('=').append(value);
        }
        String id = sb.toString().replaceAll("[^A-Za-z0-9._=,+-]", "-");
        if (id.length() > 120) {
            id = id.substring(0, 100) + "-" + Integer.toHexString(sb.toString().hashCode());
        }
        return id;
    }

    // ---- evaluation sets ----

    private EvalSet set(RawSet raw, String field) {
        if (raw == null) {
            throw error(field, null, "an evaluation set {name, traces or trace, rows, validation}");
        }
        if (raw.name() == null || !raw.name().matches("[A-Za-z0-9._-]+")) {
            throw error(field + ".name", raw.name(), "a name of letters, digits, '.', '_' and '-'");
        }
        if ((raw.traces() == null) == (raw.trace() == null)) {
            throw error(field + ".traces", raw.traces(), "either traces (a list) or trace (one file), not both or none");
        }
        List<String> given = raw.trace() != null ? List.of(raw.trace()) : raw.traces();
        if (given.isEmpty()) {
            throw error(field + ".traces", given, "a non-empty list of trace files (globs allowed)");
        }
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < given.size(); i++) {
            String f = raw.trace() != null ? field + ".trace" : field + ".traces[" + i + "]";
            if (given.get(i) == null) {
                throw error(f, null, "a trace file");
            }
            files.addAll(resolve(given.get(i), f));
        }
        if (raw.rows() != null && !raw.rows().matches("\\s*\\d+\\s*:\\s*\\d+\\s*")) {
            throw error(field + ".rows", raw.rows(), "FROM:TO (two row indices, e.g. \"600:800\")");
        }
        return new EvalSet(raw.name(), List.copyOf(files), raw.rows() == null ? null : raw.rows().replace(" ", ""),
                Boolean.TRUE.equals(raw.validation()));
    }

    /** A trace file or a glob ({@code *}, {@code ?}, {@code [..]} in the file name), against the working directory. */
    private List<Path> resolve(String pattern, String field) {
        Path p = cwd.resolve(pattern).normalize();
        String name = p.getFileName() == null ? "" : p.getFileName().toString();
        if (!name.matches(".*[*?\\[].*")) {
            if (!Files.isRegularFile(p)) {
                throw error(field, pattern, "an existing trace file (relative to the working directory " + cwd + ")");
            }
            return List.of(p);
        }
        PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + name);
        List<Path> found;
        try (Stream<Path> s = Files.isDirectory(p.getParent()) ? Files.list(p.getParent()) : Stream.empty()) {
            found = s.filter(f -> m.matches(f.getFileName()) && Files.isRegularFile(f)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (found.isEmpty()) {
            throw error(field, pattern, "a glob matching trace files (relative to the working directory " + cwd
                    + "; runs/validation comes from python3 scripts/validation-traces.py runs/validation)");
        }
        return found;
    }

    private IllegalArgumentException error(String field, Object value, String expected) {
        String v = value == null ? "an empty value (null)" : "'" + value + "'";
        return new IllegalArgumentException(YamlExceptionText.oneLine(source + " " + field + ": " + v
                + " is not valid (expected " + expected + ")"));
    }

    /** One-line messages. */
    private static final class YamlExceptionText {
        static String oneLine(String s) {
            return s.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
        }
    }
}
