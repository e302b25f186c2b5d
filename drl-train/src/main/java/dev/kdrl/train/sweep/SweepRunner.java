package dev.kdrl.train.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.kdrl.core.policy.PolicyFile;
import dev.kdrl.core.policy.SavedPolicy;
import dev.kdrl.env.value.AfterstatePolicy;
import dev.kdrl.env.value.SavedPolicies;
import dev.kdrl.train.cli.DrlCommand;
import dev.kdrl.train.sweep.SweepFile.EvalSet;
import dev.kdrl.train.sweep.SweepFile.Setting;
import dev.kdrl.train.sweep.SweepFile.Sweep;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Runs a sweep's trials on this machine: each trial (setting x seed) is a separate {@code java} process running
 * {@code drl train} with this JVM and class path, in {@code OUT/<setting>/seed-<s>/}, then its {@code model.zip} is
 * scored on every evaluation set (in this process, as {@code drl evaluate --json --no-optimum --lookahead 0} with
 * the set's own options, e.g. {@code --dynamics cluster}).
 * A trial is finished when its {@code done.json} exists (written last, atomically); a trial directory without it is
 * deleted and the trial run again.
 */
public final class SweepRunner {
    /** The completion marker of a trial, written last. */
    public static final String DONE = "done.json";
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Pattern FINAL = Pattern.compile("final deterministic return (-?[0-9.eE+-]+)|greedy return (-?[0-9.eE+-]+)");

    /** What a run did: trials trained, copied from a {@link #reusing} directory, finished before, failed. */
    public record Result(int trained, int reused, int skipped, int failed) {
    }

    private final Sweep sweep;
    private final Path out;
    private final int parallel;
    private final List<String> jvmOptions;
    private final PrintWriter log;
    private final Set<Process> running = ConcurrentHashMap.newKeySet();
    private List<Path> reuse = List.of();
    private final AtomicInteger reusedTrials = new AtomicInteger();

    public SweepRunner(Sweep sweep, Path out, int parallel, List<String> jvmOptions, PrintWriter log) {
        this.sweep = sweep;
        this.out = out.toAbsolutePath().normalize();
        this.parallel = Math.max(1, parallel);
        // an empty piece (--java-opts "" or two spaces) would be an empty argument to java: dropped
        this.jvmOptions = jvmOptions.stream().filter(o -> !o.isBlank()).toList();
        this.log = log;
    }

    /**
     * This runner taking finished trials of other sweep directories instead of training them again: a trial to run
     * whose {@code drl train} arguments equal, but for {@code --out}, those of a finished trial of one of {@code
     * dirs} (the first found, in order) is copied from it (its files; trial.json and done.json name it as {@code
     * reusedFrom}); of its evaluation, the sets whose name, traces, rows and options are those of a set of the other
     * sweep (its sweep.json) are taken as they are, the others played. The copied model is what that trial's {@code
     * drl} trained, whatever this one would train now.
     *
     * @throws IllegalArgumentException if a directory is not one {@code drl sweep run} wrote (no sweep.json) or is
     *                                  this runner's own
     */
    public SweepRunner reusing(List<Path> dirs) {
        List<Path> all = new ArrayList<>();
        for (Path d : dirs) {
            Path abs = d.toAbsolutePath().normalize();
            if (!Files.isRegularFile(abs.resolve("sweep.json"))) {
                throw new IllegalArgumentException("--reuse " + d + ": not a sweep directory (no sweep.json in it): "
                        + "expected a directory drl sweep run wrote");
            }
            if (abs.equals(out)) {
                throw new IllegalArgumentException("--reuse " + d + ": is --out itself; its finished trials are "
                        + "skipped anyway");
            }
            all.add(abs);
        }
        this.reuse = List.copyOf(all);
        return this;
    }

    /**
     * Refuses an {@code out} that cannot be a sweep directory: a file, or a path under a file (what creating it would
     * fail on, said before anything runs).
     */
    public static void checkOut(Path out) {
        Path abs = out.toAbsolutePath().normalize();
        for (Path p = abs; p != null; p = p.getParent()) {
            if (Files.exists(p)) {
                if (!Files.isDirectory(p)) {
                    throw new IllegalArgumentException("--out " + out + ": " + (p.equals(abs) ? "" : p + " is ")
                            + "a file, not a directory (expected a directory for the sweep's trials)");
                }
                return;
            }
        }
    }

    /** The directory of one trial. */
    public static Path trialDir(Path out, Setting s, long seed) {
        return out.resolve(s.id()).resolve("seed-" + seed);
    }

    /**
     * Runs every unfinished trial, {@code parallel} at a time. Refused, with the directory left as it was, while
     * another {@code drl sweep run} works in it, or when its finished trials were trained or evaluated otherwise than
     * the sweep file now says (an evaluation set changed or added: {@code --reuse} this directory from a new one
     * plays only what changed).
     */
    public Result run() throws Exception {
        checkOut(out);
        Files.createDirectories(out);
        try (java.nio.channels.FileChannel lockFile = java.nio.channels.FileChannel.open(out.resolve(LOCK),
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
             java.nio.channels.FileLock lock = lockFile.tryLock()) {
            if (lock == null) {
                throw new IllegalStateException("--out " + out + ": another drl sweep run is working in it; wait for "
                        + "it to end, or stop it");
            }
            return runLocked();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            throw new IllegalStateException("--out " + out + ": another drl sweep run is working in it", e);
        }
    }

    /**
     * What {@link #run} would do, without doing or writing anything: one line per trial (finished and skipped, or to
     * run), or the one line saying why the run would be refused.
     */
    public List<String> plan() throws IOException {
        checkOut(out);
        List<String> lines = new ArrayList<>();
        try {
            checkFinished();
            for (Setting s : sweep.settings()) {
                for (long seed : sweep.seeds(s)) {
                    Path dir = trialDir(out, s, seed);
                    boolean done = Files.isRegularFile(dir.resolve(DONE));
                    lines.add(s.id() + " seed " + seed + ": " + (done ? "finished, skipped" : Files.exists(dir)
                            ? "unfinished, deleted and run again" : "to run"));
                }
            }
        } catch (IllegalStateException e) {
            return List.of("refused: " + e.getMessage());
        }
        return lines;
    }

    /** The lock file of a running {@code drl sweep run} in its directory. */
    static final String LOCK = ".lock";

    /**
     * Refuses, before anything is written, a directory whose finished trials the sweep file no longer describes: the
     * evaluation sets ({@link #checkSets}) and each finished trial's {@code drl train} arguments ({@link #checkSame}).
     */
    private void checkFinished() throws IOException {
        checkSets();
        for (Setting s : sweep.settings()) {
            for (long seed : sweep.seeds(s)) {
                Path dir = trialDir(out, s, seed);
                if (Files.isRegularFile(dir.resolve(DONE))) {
                    checkFinishedTrial(dir, args(s, seed, dir));
                }
            }
        }
    }

    /**
     * Refuses a finished trial trained otherwise ({@link #checkSame}) or one whose trial.json, done.json or eval.json
     * is damaged, naming the file and field: it is neither skipped (the report could not read it) nor deleted (its
     * results would be lost).
     */
    private void checkFinishedTrial(Path dir, List<String> args) {
        try {
            checkSame(dir, args);
            SweepJson.trial(dir, sweep.sets().stream().map(EvalSet::name).toList());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(e.getMessage() + "; the trial is finished: repair the file, or delete "
                    + "its directory to train it again", e);
        }
    }

    private Result runLocked() throws Exception {
        checkFinished();
        writeAtomically(out.resolve("sweep.json"), JSON.writeValueAsString(describe()));
        List<Runnable> todo = new ArrayList<>();
        int skipped = 0;
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger trained = new AtomicInteger();
        int total = sweep.trials();
        AtomicInteger finished = new AtomicInteger();
        for (Setting s : sweep.settings()) {
            for (long seed : sweep.seeds(s)) {
                Path dir = trialDir(out, s, seed);
                List<String> args = args(s, seed, dir);
                if (Files.isRegularFile(dir.resolve(DONE))) { // checked above (checkFinished)
                    skipped++;
                    continue;
                }
                todo.add(() -> {
                    try {
                        String line = trial(s, seed, dir, args);
                        trained.incrementAndGet();
                        progress(finished.incrementAndGet(), total, line);
                    } catch (Exception e) {
                        failed.incrementAndGet();
                        progress(finished.incrementAndGet(), total, s.id() + " seed " + seed + ": FAILED: "
                                + DrlCommandMessage.of(e));
                    }
                });
            }
        }
        finished.addAndGet(skipped);
        if (skipped > 0) {
            progress(skipped, total, skipped + " finished trial" + (skipped == 1 ? "" : "s") + " skipped");
        }
        Thread hook = new Thread(() -> {
            running.forEach(Process::destroyForcibly);
            log.println("interrupted: the trials in progress were stopped (deleted and trained again at the next run); "
                    + "run the same command again to resume");
            log.flush();
        });
        Runtime.getRuntime().addShutdownHook(hook);
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (Runnable r : todo) {
                futures.add(pool.submit(r));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(1, TimeUnit.MINUTES);
            Runtime.getRuntime().removeShutdownHook(hook);
        }
        return new Result(trained.get() - reusedTrials.get(), reusedTrials.get(), skipped, failed.get());
    }

    /**
     * Runs one trial of the sweep as {@link #run} runs it (the unit a Kubernetes Job runs: {@code drl sweep trial}):
     * skipped when finished, else its directory cleaned, trained and evaluated; returns its progress line.
     */
    public String runOne(String settingId, long seed) throws Exception {
        Setting s = sweep.settings().stream().filter(x -> x.id().equals(settingId)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("--setting " + settingId + ": not a setting of the "
                        + "sweep (" + String.join(", ", sweep.settings().stream().map(Setting::id).toList()) + ")"));
        if (!sweep.seeds(s).contains(seed)) {
            throw new IllegalArgumentException("--seed " + seed + ": not a seed of the setting " + s.id() + " "
                    + sweep.seeds(s));
        }
        checkOut(out);
        Files.createDirectories(out);
        Path dir = trialDir(out, s, seed);
        List<String> args = args(s, seed, dir);
        // as run() checks before it writes anything: a changed sweep file is refused, not mixed in
        checkSets();
        if (Files.isRegularFile(dir.resolve(DONE))) {
            checkFinishedTrial(dir, args);
            return s.id() + " seed " + seed + ": finished before, skipped";
        }
        writeAtomically(out.resolve("sweep.json"), JSON.writeValueAsString(describe()));
        Thread hook = new Thread(() -> running.forEach(Process::destroyForcibly));
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return trial(s, seed, dir, args);
        } finally {
            Runtime.getRuntime().removeShutdownHook(hook);
        }
    }

    /**
     * Refuses a sweep file whose evaluation sets differ from those the finished trials of this directory were
     * evaluated on (its sweep.json): a set of the same name with other traces, rows or options, or a set they were
     * not evaluated on. A set removed is fine (the report reads the sets of the file).
     */
    private void checkSets() throws IOException {
        Path sweepJson = out.resolve("sweep.json");
        if (!Files.isRegularFile(sweepJson) || !anyFinished()) {
            return;
        }
        List<SweepJson.Value> before;
        try {
            before = SweepJson.read(sweepJson).get("sets").elements();
            for (SweepJson.Value theirs : before) {
                theirs.get("name").text();
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(e.getMessage() + "; the directory has finished trials, evaluated on "
                    + "the sets it lists: repair it", e);
        }
        for (EvalSet set : sweep.sets()) {
            JsonNode same = null;
            for (SweepJson.Value theirs : before) {
                if (set.name().equals(theirs.node().get("name").textValue())) {
                    same = theirs.node();
                }
            }
            if (same == null || !sameSet(set, same)) {
                throw new IllegalStateException("--out " + out + ": evaluation set " + set.name() + (same == null
                        ? " is new" : " changed (traces, rows, options, or how it is played)") + " since its finished "
                        + "trials were "
                        + "evaluated; use another --out with --reuse " + out + " (its trials are copied and only what "
                        + "changed is played)");
            }
        }
    }

    private boolean anyFinished() {
        for (Setting s : sweep.settings()) {
            for (long seed : sweep.seeds(s)) {
                if (Files.isRegularFile(trialDir(out, s, seed).resolve(DONE))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void checkSame(Path dir, List<String> args) {
        List<String> recorded = SweepJson.read(dir.resolve("trial.json")).get("args").texts();
        // a directory moved or copied elsewhere keeps its trials: --out is where, not how, a trial was trained
        if (!withoutOut(args).equals(withoutOut(recorded))) {
            throw new IllegalStateException(dir + " was trained with other options (" + String.join(" ", recorded)
                    + "); the sweep file changed: use another --out");
        }
    }

    private synchronized void progress(int done, int total, String line) {
        log.println("[" + done + "/" + total + "] " + line);
        log.flush();
    }

    /** The sweep as the report reads it: settings (with their own seeds, if any), seeds, sets. */
    private Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", sweep.file() == null ? null : sweep.file().toAbsolutePath().toString());
        m.put("base", sweep.baseArgs());
        List<Map<String, Object>> settings = new ArrayList<>();
        for (Setting s : sweep.settings()) {
            Map<String, Object> setting = new LinkedHashMap<>();
            setting.put("id", s.id());
            setting.put("options", s.options());
            if (s.seeds() != null) {
                setting.put("seeds", s.seeds());
            }
            settings.add(setting);
        }
        m.put("settings", settings);
        m.put("seeds", sweep.seeds());
        List<Map<String, Object>> sets = new ArrayList<>();
        for (EvalSet e : sweep.sets()) {
            Map<String, Object> set = new LinkedHashMap<>();
            set.put("name", e.name());
            set.put("traces", e.traces().stream().map(Path::toString).toList());
            set.put("rows", e.rows());
            set.put("validation", e.validation());
            if (!e.options().isEmpty()) {
                set.put("options", e.options());
            }
            set.put("played", PLAYED);
            sets.add(set);
        }
        m.put("sets", sets);
        return m;
    }

    /** {@code drl train} arguments of a trial, {@code --seed} and {@code --out} last. */
    private List<String> args(Setting s, long seed, Path dir) {
        List<String> args = new ArrayList<>();
        args.add("train");
        args.addAll(sweep.trainArgs(s));
        args.addAll(List.of("--seed", Long.toString(seed), "--out", dir.toString()));
        return args;
    }

    /** Trains and evaluates one trial; returns its progress line. */
    private String trial(Setting s, long seed, Path dir, List<String> args) throws Exception {
        if (Files.exists(dir)) {
            dev.kdrl.train.run.Trees.delete(dir);
        }
        Files.createDirectories(dir);
        Path from = reusable(args);
        if (from != null) {
            return reuseTrial(s, seed, dir, args, from);
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), DrlCommand.class.getName()));
        command.addAll(args);
        Map<String, Object> trial = new LinkedHashMap<>();
        trial.put("setting", s.id());
        trial.put("seed", seed);
        trial.put("options", s.options());
        trial.put("args", args);
        trial.put("command", command);
        trial.put("cwd", Path.of("").toAbsolutePath().toString());
        trial.put("OMP_NUM_THREADS", ompThreads());
        writeAtomically(dir.resolve("trial.json"), JSON.writeValueAsString(trial));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("train.log").toFile());
        pb.environment().put("OMP_NUM_THREADS", ompThreads());
        // the trial ends with this runner, even one killed with SIGKILL (no shutdown hook runs then)
        pb.environment().put(dev.kdrl.train.run.ParentWatch.VARIABLE, Long.toString(ProcessHandle.current().pid()));
        long start = System.nanoTime();
        Process p = pb.start();
        running.add(p);
        int code;
        try {
            code = p.waitFor();
        } finally {
            running.remove(p);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        String trainLog = Files.readString(dir.resolve("train.log"));
        if (code != 0) {
            String last = trainLog.strip().lines().reduce((a, b) -> b).orElse("");
            throw new IllegalStateException("drl train exited with " + code + " (" + dir.resolve("train.log") + "): "
                    + last);
        }
        Double finalReturn = null;
        Matcher m = FINAL.matcher(trainLog);
        if (m.find()) {
            finalReturn = Double.parseDouble(m.group(1) != null ? m.group(1) : m.group(2));
        }
        return finish(s, seed, dir, seconds, finalReturn, Map.of(), null);
    }

    /**
     * Evaluates a trained trial (the sets not in {@code known}, whose results are taken as they are), writes its
     * eval.json and then done.json; returns its progress line.
     */
    private String finish(Setting s, long seed, Path dir, double seconds, Double finalReturn, Map<String, Object> known,
                          Path reusedFrom) throws IOException {
        Map<String, Object> eval = evaluate(dir.resolve("model.zip"), known);
        writeAtomically(dir.resolve("eval.json"), JSON.writeValueAsString(eval));
        Map<String, Object> done = new LinkedHashMap<>();
        done.put("trainSeconds", seconds);
        done.put("finalReturn", finalReturn);
        done.put("finished", java.time.Instant.now().toString());
        if (reusedFrom != null) {
            done.put("reusedFrom", reusedFrom.toString());
        }
        writeAtomically(dir.resolve(DONE), JSON.writeValueAsString(done));
        String trained = String.format(Locale.ROOT, "%.1f s", seconds);
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%s seed %d: %s, final return %s", s.id(),
                seed, reusedFrom == null ? trained : "reused from " + reusedFrom + " (trained in " + trained + ")",
                finalReturn == null ? "?" : String.format(Locale.ROOT, "%,.2f", finalReturn)));
        for (EvalSet set : sweep.sets()) {
            if (set.validation()) {
                @SuppressWarnings("unchecked")
                Map<String, Object> r = (Map<String, Object>) ((Map<String, Object>) eval.get("sets")).get(set.name());
                line.append(String.format(Locale.ROOT, "; %s %.1f %% of greedy", set.name(),
                        100 * ((Number) r.get("model")).doubleValue() / ((Number) r.get("greedy")).doubleValue()));
            }
        }
        return line.toString();
    }

    private static String ompThreads() {
        String omp = System.getenv("OMP_NUM_THREADS");
        return omp == null || omp.isBlank() ? "1" : omp;
    }

    /**
     * The model's and the baselines' returns on every set: per trace, and the mean over the set's traces. expected-2
     * (most of the evaluation's time, and the same for every model of an environment) is played once per set and
     * environment: a trial whose greedy returns equal those of an earlier trial on the set takes that trial's
     * expected-2 returns (OUT/baselines.json, keyed by the set's name and its options). {@code --dynamics cluster}
     * has no expected-2: its sets give the model, greedy and Knative's default.
     */
    Map<String, Object> evaluate(Path model) throws IOException {
        return evaluate(model, Map.of());
    }

    /** {@link #evaluate(Path)}, taking the sets in {@code known} (by name) as they are. */
    private Map<String, Object> evaluate(Path model, Map<String, Object> known) throws IOException {
        Map<String, Object> sets = new LinkedHashMap<>();
        for (EvalSet set : sweep.sets()) {
            if (known.containsKey(set.name())) {
                sets.put(set.name(), known.get(set.name()));
                continue;
            }
            Played played = play(model, set, false);
            List<Map<String, Object>> traces = played.traces();
            if (played.cluster()) {
                addSet(sets, set, traces);
                continue;
            }
            List<Double> greedy = traces.stream().map(t -> (Double) t.get("greedy")).toList();
            String key = baselinesKey(set);
            // one trial at a time plays expected-2 on a set; the others wait for it and take its returns
            synchronized (setLocks.computeIfAbsent(key, k -> new Object())) {
                List<Double> expected = cachedExpected(set, key, greedy);
                if (expected == null) {
                    traces = play(model, set, true).traces();
                    remember(key, greedy, traces.stream().map(t -> (Double) t.get("expected-2")).toList());
                } else {
                    for (int i = 0; i < traces.size(); i++) {
                        traces.get(i).put("expected-2", expected.get(i));
                    }
                }
            }
            addSet(sets, set, traces);
        }
        return Map.of("sets", sets);
    }

    /**
     * The finished trial of the {@link #reusing} directories that a run would copy for this sweep's trial ({@code s},
     * {@code seed}) when it is not finished in {@code --out} yet, or null (what {@code --dry-run} prints).
     */
    public Path reusableTrial(Setting s, long seed) throws IOException {
        return reusable(args(s, seed, trialDir(out, s, seed)));
    }

    /** The first finished trial of the {@link #reusing} directories trained with {@code args} but for --out, or null. */
    private Path reusable(List<String> args) throws IOException {
        for (Path other : reuse) {
            List<Path> trials;
            try (Stream<Path> found = Files.find(other, 2, (p, a) -> p.getFileName().toString().startsWith("seed-")
                    && Files.isRegularFile(p.resolve(DONE)) && Files.isRegularFile(p.resolve("trial.json")))) {
                trials = found.sorted().toList();
            }
            List<String> mine = withoutOut(args);
            for (Path t : trials) {
                if (withoutOut(SweepJson.read(t.resolve("trial.json")).get("args").texts()).equals(mine)) {
                    return t;
                }
            }
        }
        return null;
    }

    /** {@code args} with the value of their last {@code --out} left out (blank), for comparing trials' arguments. */
    private static List<String> withoutOut(List<String> args) {
        List<String> copy = new ArrayList<>(args);
        int out = copy.lastIndexOf("--out");
        if (out >= 0 && out + 1 < copy.size()) {
            copy.set(out + 1, "");
        }
        return copy;
    }

    /** Copies the finished trial {@code from} into {@code dir} and evaluates what its sweep did not; returns the line. */
    private String reuseTrial(Setting s, long seed, Path dir, List<String> args, Path from) throws IOException {
        Set<Path> own = Set.of(from.resolve("trial.json"), from.resolve(DONE), from.resolve("eval.json"));
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.filter(Files::isRegularFile).filter(p -> !own.contains(p)).toList()) {
                Path target = dir.resolve(from.relativize(p).toString());
                Files.createDirectories(target.getParent());
                Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        reusedTrials.incrementAndGet();
        Map<String, Object> trial = SweepJson.read(from.resolve("trial.json")).map();
        trial.put("setting", s.id());
        trial.put("seed", seed);
        trial.put("options", s.options());
        trial.put("args", args);
        trial.put("reusedFrom", from.toString());
        writeAtomically(dir.resolve("trial.json"), JSON.writeValueAsString(trial));
        SweepJson.Value done = SweepJson.read(from.resolve(DONE));
        return finish(s, seed, dir, done.get("trainSeconds").number(), done.get("finalReturn").numberOrNone(),
                knownSets(from), from);
    }

    /**
     * The evaluated sets of the finished trial {@code from} that are sets of this sweep (the same name, traces, rows
     * and options in its sweep's sweep.json), by name.
     */
    private Map<String, Object> knownSets(Path from) throws IOException {
        Path sweepJson = from.getParent().getParent().resolve("sweep.json");
        Path evalJson = from.resolve("eval.json");
        if (!Files.isRegularFile(sweepJson) || !Files.isRegularFile(evalJson)) {
            return Map.of();
        }
        List<SweepJson.Value> theirSets = SweepJson.read(sweepJson).get("sets").elements();
        SweepJson.Value evaluated = SweepJson.read(evalJson).get("sets");
        Map<String, Object> known = new LinkedHashMap<>();
        for (EvalSet set : sweep.sets()) {
            for (SweepJson.Value theirs : theirSets) {
                if (sameSet(set, theirs.node()) && evaluated.has(set.name())) {
                    SweepJson.Value results = evaluated.get(set.name());
                    SweepJson.SetResult.of(results); // taken as it is: its returns checked first
                    known.put(set.name(), results.map());
                }
            }
        }
        return known;
    }

    /**
     * How sets are played, recorded with each set in sweep.json: 2 since a policy trained in the cluster model is
     * played in it with the settings it recorded ({@code drl evaluate}'s {@code min_scale}, {@code cluster_reward},
     * {@code predictor}) for the options a set does not give; before (no entry), with the options' defaults.
     */
    static final int PLAYED = 2;

    /**
     * Whether {@code theirs}, a set of another sweep's sweep.json, is {@code set}: the same name, traces, rows,
     * options, and for a set of the cluster model, played as today ({@link #PLAYED}).
     */
    static boolean sameSet(EvalSet set, JsonNode theirs) {
        JsonNode options = theirs.has("options") ? theirs.get("options") : JSON.createObjectNode();
        if ("cluster".equals(String.valueOf(set.options().get("dynamics"))) && theirs.path("played").asInt(1) < PLAYED) {
            return false;
        }
        return set.name().equals(theirs.path("name").asText())
                && JSON.valueToTree(set.traces().stream().map(Path::toString).toList()).equals(theirs.get("traces"))
                && JSON.valueToTree(set.rows()).equals(theirs.get("rows"))
                && JSON.valueToTree(set.options()).equals(options);
    }

    /**
     * A set's entry in baselines.json: its name, and its options after it when it has any (the same set played with
     * other options, e.g. another {@code --seed} of expected-2's draws, is another environment).
     */
    static String baselinesKey(EvalSet set) {
        return set.options().isEmpty() ? set.name() : set.name() + " " + String.join(" ", set.args());
    }

    /** Adds one set's returns: per trace, and the means over its traces (of the policies every trace has). */
    private static void addSet(Map<String, Object> sets, EvalSet set, List<Map<String, Object>> traces) {
        Map<String, Object> r = new LinkedHashMap<>();
        for (String k : POLICIES) {
            if (traces.stream().allMatch(t -> t.get(k) != null)) {
                r.put(k, traces.stream().mapToDouble(t -> (double) t.get(k)).average().orElse(Double.NaN));
            }
        }
        r.put("traces", traces);
        sets.put(set.name(), r);
    }

    /** The policies a set's entry in eval.json gives the mean of: those every trace of the set has. */
    private static final List<String> POLICIES = List.of("model", "greedy", "expected-2", "knative-first",
            "knative-best");

    /** One set played: per trace the returns by policy; {@code cluster}: played with {@code --dynamics cluster}. */
    record Played(List<Map<String, Object>> traces, boolean cluster) {
    }

    /**
     * {@code drl evaluate --json --no-optimum --lookahead 0} and the set's options on one set: per trace the model's,
     * greedy's and (with {@code expected}) expected-2's return; with {@code --dynamics cluster} (which plays neither
     * expected-2, the optimum nor the look-ahead, and so ignores those options) the model's, greedy's and Knative's
     * default (knative-first; knative-best with {@code --best-fixed}).
     */
    static Played play(Path model, EvalSet set, boolean expected) throws IOException {
        List<String> args = evaluateArgs(model, set, expected);
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        int code = DrlCommand.execute(new PrintWriter(o), new PrintWriter(e), args.toArray(String[]::new));
        if (code != 0) {
            throw new IllegalStateException("drl evaluate on set " + set.name() + ": " + e.toString().strip());
        }
        return parse(new ObjectMapper().readTree(o.toString()));
    }

    /** The {@code drl evaluate} arguments of one set: the runner's, then the set's own options. */
    static List<String> evaluateArgs(Path model, EvalSet set, boolean expected) {
        List<String> args = new ArrayList<>(List.of("evaluate", "--model", model.toString(), "--trace",
                String.join(",", set.traces().stream().map(Path::toString).toList())));
        if (set.rows() != null) {
            args.addAll(List.of("--rows", set.rows()));
        }
        args.addAll(List.of("--json", "--no-optimum", "--lookahead", "0"));
        if (expected) {
            args.addAll(set.args());
            return args;
        }
        // the set's expected-2 options are part of its baselines' key, not of this play, which leaves expected-2 out
        // (the traffic history stays when the model draws its next period's traffic from it)
        args.add("--no-expected");
        Map<String, Object> own = new LinkedHashMap<>(set.options());
        own.remove("expected-confidence");
        if (own.containsKey("traffic-history") && !searchesTwoSteps(model, set)) {
            own.remove("traffic-history");
        }
        own.forEach((k, v) -> args.addAll(SweepFile.args(k, v)));
        return args;
    }

    /**
     * Whether the saved model, played with the set's options, searches two steps (and so draws the next period's
     * traffic, from {@code --traffic-history} when given).
     */
    static boolean searchesTwoSteps(Path model, EvalSet set) {
        SavedPolicy saved = PolicyFile.load(model);
        if (!SavedPolicies.searches(saved)) {
            return false;
        }
        Object samples = set.options().get("afterstate-lookahead-samples");
        if (samples != null) {
            return !"0".equals(SweepFile.text(samples));
        }
        AfterstatePolicy.Lookahead lookahead = AfterstatePolicy.Lookahead.of(saved.hyperParameters());
        return lookahead != null && lookahead.samples() > 0;
    }

    /**
     * The rows of {@code drl evaluate --json} (of this build), one trace after the other, each starting with the
     * model's, its return as {@code return} and the cluster dynamics' rows marked {@code dynamics: cluster}.
     */
    static Played parse(JsonNode rows) {
        List<Map<String, Object>> traces = new ArrayList<>();
        Map<String, Object> current = null;
        boolean cluster = false;
        for (JsonNode row : rows) {
            String policy = row.get("policy").asText();
            cluster |= "cluster".equals(row.path("dynamics").asText());
            JsonNode ret = row.get("return");
            if (ret == null) {
                throw new IllegalStateException("drl evaluate --json: a row of " + policy + " without a return: " + row);
            }
            if (policy.startsWith("model")) {
                current = new LinkedHashMap<>();
                current.put("trace", row.get("trace").asText());
                current.put("model", ret.asDouble());
                current.put("greedy", null);
                current.put("expected-2", null);
                traces.add(current);
            } else if (current != null && (policy.equals("greedy") || policy.equals("expected-2"))) {
                current.put(policy, ret.asDouble());
            } else if (current != null && (policy.startsWith("knative-first") || policy.startsWith("knative-best"))) {
                String name = policy.startsWith("knative-first") ? "knative-first" : "knative-best";
                current.put(name, ret.asDouble());
                current.put(name + "-policy", policy);
            }
        }
        return new Played(traces, cluster);
    }

    private final Object baselinesLock = new Object();
    private final Map<String, Object> setLocks = new ConcurrentHashMap<>();

    /**
     * expected-2's returns on {@code set} (baselines.json's entry {@code key}) whose greedy returns are {@code greedy}:
     * this sweep's, else those of a {@code --reuse} directory that defines the set alike (then remembered here too),
     * else null.
     */
    private List<Double> cachedExpected(EvalSet set, String key, List<Double> greedy) throws IOException {
        synchronized (baselinesLock) {
            List<Double> own = expectedIn(out, key, greedy);
            if (own != null) {
                return own;
            }
            for (Path other : reuse) {
                Path sweepJson = other.resolve("sweep.json");
                if (!Files.isRegularFile(sweepJson)) {
                    continue;
                }
                boolean alike = false;
                for (SweepJson.Value theirs : SweepJson.read(sweepJson).get("sets").elements()) {
                    alike |= sameSet(set, theirs.node());
                }
                List<Double> found = alike ? expectedIn(other, key, greedy) : null;
                if (found != null) {
                    remember(key, greedy, found);
                    return found;
                }
            }
            return null;
        }
    }

    /** expected-2's returns in {@code dir}/baselines.json's entry {@code key} whose greedy returns are {@code greedy}. */
    private static List<Double> expectedIn(Path dir, String key, List<Double> greedy) throws IOException {
        Path file = dir.resolve("baselines.json");
        if (!Files.isRegularFile(file)) {
            return null;
        }
        SweepJson.Value entry = SweepJson.read(file).get(key);
        if (!entry.present()) {
            return null;
        }
        JsonNode entries = entry.node();
        if (!entries.isArray()) {
            throw entry.bad("a list of {\"greedy\": [...], \"expected-2\": [...]}");
        }
        for (int i = 0; i < entries.size(); i++) {
            List<Double> g = numbers(entries.get(i).get("greedy"), -1);
            List<Double> e = g == null ? null : numbers(entries.get(i).get("expected-2"), g.size());
            if (e == null) {
                throw new IllegalArgumentException(file + ": entry " + i + " of \"" + key + "\" is "
                        + entries.get(i) + ", expected {\"greedy\": [...], \"expected-2\": [...]}, two lists of as "
                        + "many numbers (one per trace of the set)");
            }
            if (g.equals(greedy)) {
                return e;
            }
        }
        return null;
    }

    /** {@code node}'s values if it is an array of numbers ({@code size} of them unless negative), else null. */
    private static List<Double> numbers(JsonNode node, int size) {
        if (node == null || !node.isArray() || size >= 0 && node.size() != size) {
            return null;
        }
        List<Double> out = new ArrayList<>();
        for (JsonNode v : node) {
            if (!v.isNumber()) {
                return null;
            }
            out.add(v.asDouble());
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private void remember(String set, List<Double> greedy, List<Double> expected) throws IOException {
        synchronized (baselinesLock) {
            Path file = out.resolve("baselines.json");
            Map<String, Object> all = Files.isRegularFile(file) ? SweepJson.read(file).map() : new LinkedHashMap<>();
            List<Object> entries = new ArrayList<>((List<Object>) all.getOrDefault(set, List.of()));
            entries.add(Map.of("greedy", greedy, "expected-2", expected));
            all.put(set, entries);
            writeAtomically(file, JSON.writeValueAsString(all));
        }
    }

    /** Writes {@code text} to a temporary sibling, then renames it over {@code file}. */
    static void writeAtomically(Path file, String text) throws IOException {
        Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), file.getFileName() + ".", ".tmp");
        Files.writeString(tmp, text);
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** A one-line message of an exception. */
    private static final class DrlCommandMessage {
        static String of(Throwable e) {
            Throwable t = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
            return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        }
    }
}
