package dev.kdrl.train.sweep;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.kdrl.core.io.ParserMessages;
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
 * tried (a grid, a seeded random sample of named options or an explicit list), the seeds, and the evaluation sets
 * each trained model is scored on; the sets marked {@code validation: true} rank the settings.
 *
 * <pre>{@code
 * base: {profile: paper, trace: datasets/paper/train-200.csv}   # or a list: [--profile, paper, ...]
 * grid: {afterstate-candidates: [2, 4]}                          # cartesian product of the lists
 * # or: random: {afterstate-lr: {min: 1e-4, max: 1e-2, log: true}, afterstate-epochs: [2, 4, 8]}
 * #     samples: 8
 * #     seed: 1
 * # or: settings:                                                # an explicit list, rows of any options
 * #       - {id: trpo-paper, options: {algo: trpo}}
 * #       - {id: trpo-full, options: {algo: trpo, observation: full}, seeds: [1, 2, 3, 4, 5]}
 * #       - {options: {afterstate-candidates: 4, timesteps: 160000}}   # id left out: made of the options
 * seeds: [1, 2, 3]
 * evaluate:
 *   - {name: test-20, traces: [datasets/paper/test-20.csv]}
 *   - {name: nasa-600, trace: datasets/nasa/nasa-http-1995-scaled100.csv, rows: "600:800"}
 *   - {name: nasa-600-cluster, trace: datasets/nasa/nasa-http-1995-scaled100.csv, rows: "600:800",
 *      options: {dynamics: cluster, min-scale: none}}              # extra drl evaluate options of the set
 *   - {name: valid-uniform, traces: ["runs/validation/uniform-*.csv"], validation: true}
 * }</pre>
 *
 * <p>Option names are {@code drl train}'s, with or without the leading {@code --}; a value {@code true} is the flag
 * alone, {@code false} its {@code --no-} form (negatable options) or nothing, a list is joined with commas.
 * {@code --seed} and {@code --out} belong to the sweep. At most one of {@code grid}, {@code random} and
 * {@code settings}; with none, the base alone is the one setting ({@code base}). A {@code settings} entry has its
 * {@code options} (left out: the base alone), an optional {@code id} (a directory name; by default made of the
 * options, as the grid's are; ids are unique) and optional {@code seeds} in place of the sweep's. An evaluation set's
 * {@code options} are {@code drl evaluate}'s, with the same value rules, except those the runner sets
 * ({@link #RUNNER_EVALUATE}). Relative paths (in options and traces, globs allowed in {@code traces}) are resolved
 * against the working directory {@code drl sweep run} is started in, as for every other {@code drl} option;
 * trial.json records them absolute.
 */
public final class SweepFile {

    /** The file as written. */
    record Raw(Object base, Map<String, Object> grid, Map<String, Object> random,
               @JsonPropertyDescription("a non-empty list of settings {id, options, seeds}") List<RawSetting> settings,
               @JsonPropertyDescription("an integer >= 1 (the number of random settings)") Integer samples,
               @JsonPropertyDescription("an integer (the seed of the random sample)") Long seed,
               @JsonPropertyDescription("a non-empty list of integer seeds") List<Long> seeds,
               @JsonPropertyDescription("a non-empty list of evaluation sets {name, traces or trace, rows, validation, "
                       + "options}")
               List<RawSet> evaluate) {
    }

    /** One entry of {@code settings} as written. */
    record RawSetting(@JsonPropertyDescription("a directory name (letters, digits and . _ = , + -)") String id,
                      @JsonPropertyDescription("a map of drl train options to values") Map<String, Object> options,
                      @JsonPropertyDescription("a non-empty list of integer seeds") List<Long> seeds) {
    }

    /** One evaluation set as written. */
    record RawSet(String name, List<String> traces, String trace, String rows, Boolean validation,
                  @JsonPropertyDescription("a map of drl evaluate options to values") Map<String, Object> options) {
    }

    /**
     * One evaluation set: traces (absolute), optional rows {@code FROM:TO}, whether it ranks settings, and the
     * {@code drl evaluate} options of the set (names without dashes, in order; empty for none).
     */
    public record EvalSet(String name, List<Path> traces, String rows, boolean validation, Map<String, Object> options) {

        /** The set's own {@code drl evaluate} arguments. */
        public List<String> args() {
            List<String> args = new ArrayList<>();
            for (Map.Entry<String, Object> e : options.entrySet()) {
                args.addAll(SweepFile.args(e.getKey(), e.getValue()));
            }
            return args;
        }
    }

    /**
     * One setting: its id (a directory name), the options that differ from the base, in order, and its own seeds
     * ({@code null}: the sweep's).
     */
    public record Setting(String id, Map<String, Object> options, List<Long> seeds) {
        public Setting(String id, Map<String, Object> options) {
            this(id, options, null);
        }
    }

    /** A parsed sweep: {@code baseArgs} and each setting's args are {@code drl train} arguments. */
    public record Sweep(Path file, List<String> baseArgs, List<Setting> settings, List<Long> seeds,
                        List<EvalSet> sets) {

        /** The seeds of one setting: its own, else the sweep's. */
        public List<Long> seeds(Setting s) {
            return s.seeds() != null ? s.seeds() : seeds;
        }

        /** Whether some setting has seeds of its own. */
        public boolean ownSeeds() {
            return settings.stream().anyMatch(s -> s.seeds() != null);
        }

        /** The number of trials (setting x seed). */
        public int trials() {
            return settings.stream().mapToInt(s -> seeds(s).size()).sum();
        }

        /** The {@code drl train} arguments of one trial, before {@code --seed} and {@code --out}. */
        public List<String> trainArgs(Setting s) {
            List<String> args = new ArrayList<>(baseArgs);
            for (Map.Entry<String, Object> e : s.options().entrySet()) {
                args.addAll(SweepFile.args(e.getKey(), e.getValue()));
            }
            return args;
        }
    }

    /** What the sweep may say about the options of a {@code drl} command: known, boolean, negatable. */
    public interface Options {
        /** Null when the command has no option {@code --name}; else whether it is a boolean flag, negatable. */
        Kind kind(String name);

        /** An option of the command. */
        record Kind(boolean flag, boolean negatable) {
        }
    }

    /** The {@code drl train} options the sweep sets itself. */
    private static final Set<String> RESERVED = Set.of("seed", "out");
    /**
     * The {@code drl evaluate} options the runner sets itself, refused in an evaluation set's {@code options}: the
     * model, the traces and rows, {@code --json}, and the baselines it leaves out or plays once per set.
     */
    public static final Set<String> RUNNER_EVALUATE = Set.of("model", "trace", "rows", "json", "no-optimum",
            "lookahead", "no-expected");

    private final String source;
    private final Command train;
    private final Command evaluate;
    private final Path cwd;

    /**
     * A {@code drl} command whose options the file names, those of them the sweep sets itself, and what is expected
     * instead of one of those.
     */
    private record Command(String name, Options options, Set<String> reserved, String notReserved) {
    }

    private SweepFile(String source, Options options, Options evaluateOptions, Path cwd) {
        this.source = source;
        this.train = new Command("train", options, RESERVED,
                "a drl train option other than --seed and --out (the sweep sets them)");
        this.evaluate = new Command("evaluate", evaluateOptions, RUNNER_EVALUATE, "a drl evaluate option other than --"
                + String.join(", --", RUNNER_EVALUATE.stream().sorted().toList())
                + " (the sweep sets them; traces and rows are the set's keys)");
        this.cwd = cwd;
    }

    /**
     * Reads {@code file}; {@code train} and {@code evaluate} are {@code drl train}'s and {@code drl evaluate}'s
     * options; relative paths in it resolve against {@code cwd}.
     */
    public static Sweep read(Path file, Options train, Options evaluate, Path cwd) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + ": no such sweep file");
        }
        return parse(CsvText.read(file, "sweep"), file.toString(), train, evaluate, cwd, file);
    }

    /** Parses sweep text named {@code source} in messages. */
    public static Sweep parse(String text, String source, Options train, Options evaluate, Path cwd, Path file) {
        Raw raw;
        try {
            raw = YamlReader.read(text, source, Raw.class, YamlReader.Nulls.AS_ABSENT);
        } catch (YamlException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return new SweepFile(source, train, evaluate, cwd.toAbsolutePath().normalize()).build(raw, file);
    }

    private Sweep build(Raw raw, Path file) {
        List<String> base = base(raw.base());
        List<String> given = new ArrayList<>();
        if (raw.grid() != null) {
            given.add("grid");
        }
        if (raw.random() != null) {
            given.add("random");
        }
        if (raw.settings() != null) {
            given.add("settings");
        }
        if (given.size() > 1) {
            throw error(given.get(0), (given.size() == 2 ? "both " : "all of ") + String.join(" and ", given),
                    "one of grid, random or settings");
        }
        List<Setting> settings;
        if (raw.settings() != null) {
            if (raw.samples() != null || raw.seed() != null) {
                throw error(raw.samples() != null ? "samples" : "seed",
                        raw.samples() != null ? raw.samples() : raw.seed(), "only with random");
            }
            settings = list(raw.settings());
        } else if (raw.random() != null) {
            if (raw.samples() == null || raw.samples() < 1 || raw.samples() > MAX_SETTINGS) {
                throw error("samples", raw.samples(), "an integer from 1 to " + MAX_SETTINGS + " (the number of random "
                        + "settings; needed with random)");
            }
            settings = random(raw.random(), raw.samples(), raw.seed() == null ? 0L : raw.seed());
        } else {
            if (raw.samples() != null || raw.seed() != null) {
                throw error(raw.samples() != null ? "samples" : "seed",
                        raw.samples() != null ? raw.samples() : raw.seed(), "only with random");
            }
            settings = grid(raw.grid() == null ? Map.of() : raw.grid());
        }
        seeds(raw.seeds(), "seeds");
        if (raw.evaluate() == null || raw.evaluate().isEmpty()) {
            throw error("evaluate", raw.evaluate(), "a non-empty list of evaluation sets {name, traces or trace, rows, "
                    + "validation, options}");
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

    /** A non-empty list of distinct integer seeds at {@code field}. */
    private List<Long> seeds(List<Long> seeds, String field) {
        if (seeds == null || seeds.isEmpty()) {
            throw error(field, seeds, "a non-empty list of integer seeds");
        }
        if (new LinkedHashSet<>(seeds).size() != seeds.size()) {
            throw error(field, seeds, "distinct seeds");
        }
        for (int i = 0; i < seeds.size(); i++) {
            if (seeds.get(i) == null) {
                throw error(field + "[" + i + "]", null, "an integer");
            }
        }
        return List.copyOf(seeds);
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
                    String known = name.startsWith("no-") && train.options().kind(name) == null ? name.substring(3) : name;
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
        return optionName(key, field, train);
    }

    /** The option's name without dashes, checked against {@code command}'s, refusing those the sweep sets. */
    private String optionName(String key, String field, Command command) {
        String name = key.startsWith("--") ? key.substring(2) : key;
        if (command.reserved().contains(name)) {
            throw error(field, key, command.notReserved());
        }
        if (command.options().kind(name) == null) {
            throw error(field, key, "a drl " + command.name() + " option (drl " + command.name()
                    + " --help lists them)");
        }
        return name;
    }

    /**
     * A map of {@code command}'s options to values as written at {@code field} ({@code null}: none), checked as the
     * grid's are: names known and not the sweep's, each given once, values of the option's kind.
     */
    private Map<String, Object> optionMap(Map<String, Object> given, String field, Command command) {
        Map<String, Object> o = new LinkedHashMap<>();
        if (given != null) {
            for (Map.Entry<String, Object> e : given.entrySet()) {
                String f = field + "." + e.getKey();
                String name = optionName(e.getKey(), f, command);
                if (o.containsKey(name)) {
                    throw error(f, e.getKey(), "an option given once (--" + name + " is there twice)");
                }
                o.put(name, value(e.getValue(), name, f, command.options()));
            }
        }
        return Collections.unmodifiableMap(o);
    }

    /** A {@code drl train} value for {@code --name}: a scalar or a list of scalars; booleans only for flags. */
    private Object value(Object v, String name, String field) {
        return value(v, name, field, train.options());
    }

    /** A value for the option {@code --name} of {@code command}: a scalar or a list of scalars; booleans only for flags. */
    private Object value(Object v, String name, String field, Options command) {
        Options.Kind kind = command.kind(name);
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

    /** The most settings a sweep file may make (each trains at least one model). */
    static final int MAX_SETTINGS = 1000;

    private List<Setting> grid(Map<String, Object> grid) {
        List<Map<String, Object>> combos = new ArrayList<>();
        combos.add(new LinkedHashMap<>());
        for (Map.Entry<String, Object> e : grid.entrySet()) {
            String field = "grid." + e.getKey();
            String name = optionName(e.getKey(), field);
            if (!(e.getValue() instanceof List<?> values) || values.isEmpty()) {
                throw error(field, e.getValue(), "a non-empty list of values for --" + name);
            }
            if ((long) combos.size() * values.size() > MAX_SETTINGS) {
                throw error(field, e.getValue(), "fewer values: with it the grid has " + (long) combos.size()
                        * values.size() + " settings, more than " + MAX_SETTINGS);
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
        if (train.options().kind(name).flag()) {
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

    /** The explicit list: each entry's options checked as the grid's values, its id given or made of them. */
    private List<Setting> list(List<RawSetting> entries) {
        if (entries.isEmpty()) {
            throw error("settings", entries, "a non-empty list of settings {id, options, seeds}");
        }
        Map<String, Setting> byId = new LinkedHashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            String field = "settings[" + i + "]";
            RawSetting e = entries.get(i);
            if (e == null) {
                throw error(field, null, "a setting {id, options, seeds}");
            }
            Map<String, Object> o = optionMap(e.options(), field + ".options", train);
            String id = e.id() != null ? e.id() : id(o);
            if (e.id() != null && (!id.matches("[A-Za-z0-9_=,+-][A-Za-z0-9._=,+-]*") || id.length() > 120)) {
                throw error(field + ".id", id, "a directory name of at most 120 letters, digits and . _ = , + - "
                        + "(not starting with .)");
            }
            if (byId.containsKey(id)) {
                throw error(field + ".id", id, "an id no other setting has (an id left out is made of the "
                        + "options: give one)");
            }
            List<Long> seeds = e.seeds() == null ? null : seeds(e.seeds(), field + ".seeds");
            byId.put(id, new Setting(id, o, seeds));
        }
        return List.copyOf(byId.values());
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
            throw error(field, null, "an evaluation set {name, traces or trace, rows, validation, options}");
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
                Boolean.TRUE.equals(raw.validation()), optionMap(raw.options(), field + ".options", evaluate));
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
        return new IllegalArgumentException(ParserMessages.oneLine(source + " " + field + ": " + v
                + " is not valid (expected " + expected + ")"));
    }
}
