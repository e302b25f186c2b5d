package dev.kdrl.agent.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kdrl.agent.k8s.Crd;
import dev.kdrl.agent.k8s.MockKube;
import dev.kdrl.agent.k8s.ScaleActionWriter;
import dev.kdrl.agent.loop.AgentFixtures;
import dev.kdrl.agent.store.AgentState;
import dev.kdrl.env.profile.Profiles;
import dev.kdrl.env.quota.QuotaModel;
import dev.kdrl.env.trace.Trace;
import dev.kdrl.env.trace.TraceCsv;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The fault-injection soak (issue #14 item 6): the agent jar run again and again as a child process against a
 * {@link FaultyPrometheus} and the fabric8 mock API server behind a {@link FaultyApiProxy}, killed with SIGKILL at
 * seeded random moments, then checked from the outside:
 *
 * <ul>
 *   <li>every cycle a log shows has its history rows exactly once (one row at its time for each service it
 *       shows a value for, with that value; none for a service it shows FAILED), and every row in the files is
 *       the value served for its cycle's time slot, on the schedule's grid, in increasing time;</li>
 *   <li>no torn row is left unsealed once the agent has started again;</li>
 *   <li>after every restart the state restored is the one the files and the cluster held at the kill (the
 *       pending decision adopted when the cluster holds it);</li>
 *   <li>the cycle numbers logged continue the state's decision count: a process's first cycle is the decisions
 *       it restored plus one, and a number advances after a cycle logged as written only;</li>
 *   <li>no cycle's read phase is longer than its {@code schedule.deadline} (plus {@link #WAKE_ALLOWANCE_MS} for
 *       the waiting thread to wake up on 2 shared cores);</li>
 *   <li>RSS ({@code /proc/PID/status} VmRSS) and open descriptors ({@code /proc/PID/fd}) of the agent are flat
 *       over its longest uninterrupted run.</li>
 * </ul>
 *
 * The settings come from system properties ({@code soak.*}) so that scripts/soak.sh runs the same code longer.
 */
final class Soak {
    static final Trace TRACE = TraceCsv.read(Path.of("../datasets/paper/test-20.csv"));
    static final QuotaModel MODEL = Profiles.model("paper-general", null, null);
    static final List<String> SERVICES = MODEL.serviceNames();
    /** How much later than its deadline a read phase may be measured to end: the waiting thread's wake-up. */
    static final long WAKE_ALLOWANCE_MS = 100;
    /** Flat: the median of the last fifth of the samples against the median of the first fifth (after warm-up). */
    static final double RSS_GROWTH_ALLOWED = 0.10;
    static final int FD_GROWTH_ALLOWED = 5;

    /**
     * @param seed        every random choice (faults, kill moments) derives from it
     * @param restarts    SIGKILLs, each followed by a start
     * @param cycles      at least this many cycles logged over the run (the last killed run goes on until then)
     * @param longCycles  at least this many cycles in the last killed run (the one RSS and descriptors are
     *                    measured over)
     * @param periodMs    the agent's period
     */
    record Settings(long seed, int restarts, int cycles, int longCycles, long periodMs) {
        static Settings fromSystemProperties() {
            return new Settings(Long.getLong("soak.seed", 14), Integer.getInteger("soak.restarts", 12),
                    Integer.getInteger("soak.cycles", 120), Integer.getInteger("soak.longCycles", 70),
                    Long.getLong("soak.periodMs", 600));
        }

        long offsetMs() {
            return periodMs / 6;
        }

        long deadlineMs() {
            return periodMs * 2 / 3;
        }
    }

    /** One cycle as a log line shows it; {@code first}: its process's first. */
    record Cycle(int process, long cycle, boolean first, Instant time, Instant loggedAt,
                 Map<String, Double> observed, boolean written, String outcome) {
    }

    final Settings s;
    final Path dir;
    final List<String> violations = new CopyOnWriteArrayList<>();
    final Map<String, Object> figures = new LinkedHashMap<>();
    private final ObjectMapper json = new ObjectMapper();

    Soak(Settings s, Path dir) {
        this.s = s;
        this.dir = dir;
    }

    /** The load served for {@code job} ({@code generatorN}) in {@code slot}: the trace's value, the slot in its decimals. */
    static double value(String job, long slot) {
        int col = Integer.parseInt(job.substring("generator".length())) - 1;
        double base = TRACE.value((int) Math.floorMod(slot, (long) TRACE.length()), col);
        return base + Math.floorMod(slot, 1000L) / 1000.0;
    }

    /** The expected state at the next start: the files and the cluster at the kill. */
    record Expected(Long cycles, String time) {
    }

    void run() throws Exception {
        long started = System.nanoTime();
        long period = s.periodMs();
        long offset = s.offsetMs();
        // a request's slot is the cycle's when it comes between offset - (period - deadline)/2 and the deadline
        long shift = (period - s.deadlineMs()) / 2 - offset;
        SplittableRandom rnd = new SplittableRandom(s.seed());
        try (FaultyPrometheus prom = new FaultyPrometheus(s.seed(),
                new FaultyPrometheus.Mix(0.05, 0.04, 0.04, 0.04, 0.04, 0.04), period, shift, 2000,
                8000, Soak::value);
             MockKube kube = new MockKube();
             FaultyApiProxy api = new FaultyApiProxy("http://127.0.0.1:" + kube.server.getPort(), s.seed(), 0.15,
                     0.05, 20_000, 800)) {
            Crd.install(kube.client, false);
            AgentFixtures.randomPolicy(MODEL, "paper-general", s.seed(), dir.resolve("model.zip"));
            Path config = dir.resolve("agent.yaml");
            Files.writeString(config, AgentFixtures.config(prom.url(), "{model: model.zip}", "{kind: last-value}",
                    "schedule: {period: " + period + "ms, offset: " + offset + "ms, deadline: " + s.deadlineMs()
                            + "ms}")
                    .replace("timeout: 2s", "timeout: " + (s.deadlineMs() * 2 / 5) + "ms")
                    .replace("backoff: 50ms", "backoff: 20ms"));
            Path kubeconfig = dir.resolve("proxy.kubeconfig");
            Files.writeString(kubeconfig, Files.readString(MockKubeconfig.write(dir, kube))
                    .replace("http://127.0.0.1:" + kube.server.getPort(), api.url()));
            String[] args = {"--config", config.toString(), "--kubeconfig", kubeconfig.toString()};

            List<Path> logs = new ArrayList<>();
            List<Expected> expected = new ArrayList<>(); // at the start of process i
            expected.add(new Expected(null, null));
            int killedEarly = 0;
            int tornAtKill = 0;
            List<long[]> samples = new ArrayList<>(); // {ms, rssKb, fds} of the long run
            for (int i = 0; i < s.restarts(); i++) {
                Path log = dir.resolve(String.format(Locale.ROOT, "agent-%03d.log", i));
                logs.add(log);
                Process p = start(args, log);
                boolean last = i == s.restarts() - 1;
                if (!last && rnd.nextDouble() < 0.1) {
                    // during start-up: loading the model, settling a pending decision, sealing torn rows
                    Thread.sleep(rnd.nextLong(1500));
                    killedEarly++;
                } else {
                    awaitLog(p, log, " ready ", Duration.ofSeconds(90));
                    if (last) {
                        long pid = p.pid();
                        int before = cyclesIn(logs.subList(0, i));
                        while (true) {
                            int mine = cyclesIn(List.of(log));
                            if (mine >= s.longCycles() && before + mine >= s.cycles()) {
                                break;
                            }
                            if (!p.isAlive()) {
                                throw new AssertionError("the agent exited during the long run:\n" + tail(log));
                            }
                            samples.add(sample(pid, mine));
                            Thread.sleep(period / 2);
                        }
                        Thread.sleep(rnd.nextLong(period));
                    } else {
                        Thread.sleep(rnd.nextLong(6 * period));
                    }
                }
                if (!p.isAlive()) {
                    throw new AssertionError("the agent exited before it was killed (" + p.exitValue() + "):\n"
                            + tail(log));
                }
                p.destroyForcibly(); // SIGKILL
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    throw new AssertionError("the agent did not die of SIGKILL");
                }
                tornAtKill += unterminatedHistories();
                expected.add(expectedAfterKill(kube));
            }
            Path finalLog = dir.resolve(String.format(Locale.ROOT, "agent-%03d.log", s.restarts()));
            logs.add(finalLog);
            Process fin = start(concat(args, "--cycles", "3"), finalLog);
            if (!fin.waitFor(90, TimeUnit.SECONDS)) {
                fin.destroyForcibly();
                throw new AssertionError("the final run did not end:\n" + tail(finalLog));
            }
            if (fin.exitValue() != 0) {
                throw new AssertionError("the final run exited " + fin.exitValue() + ":\n" + tail(finalLog));
            }

            List<Cycle> cycles = new ArrayList<>();
            List<Long> readMs = new ArrayList<>();
            int restoresChecked = 0;
            int overruns = 0;
            int leftoversRemoved = 0;
            int tornSealed = 0;
            int adopted = 0;
            for (int i = 0; i < logs.size(); i++) {
                List<String> lines = Files.readAllLines(logs.get(i), StandardCharsets.UTF_8);
                restoresChecked += checkRestore(i, lines, expected.get(i));
                cycles.addAll(parseCycles(i, lines));
                for (String l : lines) {
                    Matcher m = READ.matcher(l);
                    if (m.find()) {
                        long ms = Long.parseLong(m.group(1));
                        long d = Long.parseLong(m.group(2));
                        readMs.add(ms);
                        if (ms > d + WAKE_ALLOWANCE_MS) {
                            violations.add("process " + i + ": read phase of " + ms + " ms, deadline " + d + " ms: "
                                    + l);
                        }
                    }
                    if (l.codePoints().anyMatch(c -> Character.isISOControl(c) && c != '\t')) {
                        violations.add("process " + i + ": a control character in the log: "
                                + l.replaceAll("\\p{Cntrl}", "?"));
                    }
                    overruns += l.contains("ended after the next was due") ? 1 : 0;
                    leftoversRemoved += l.contains("a temporary file left by a process") ? 1 : 0;
                    tornSealed += l.contains("skipped and sealed") ? 1 : 0;
                    adopted += l.contains("written but its state not saved: adopting") ? 1 : 0;
                    if (l.contains("Exception") && (l.contains(" ERROR ") || l.startsWith("Exception")
                            || l.startsWith("Caused by"))) {
                        violations.add("process " + i + ": " + l);
                    }
                }
            }
            int rows = checkHistories(cycles);
            long written = cycles.stream().filter(Cycle::written).count();
            checkFinalState(kube, written);
            checkFlat(samples);

            Map<FaultyPrometheus.Fault, Long> faults = prom.counts();
            figures.put("seed", s.seed());
            figures.put("period / offset / deadline (ms)", period + " / " + offset + " / " + s.deadlineMs());
            figures.put("processes", logs.size());
            figures.put("restarts (SIGKILL then start)", s.restarts());
            figures.put("killed during start-up", killedEarly);
            figures.put("restores checked", restoresChecked);
            figures.put("pending decisions adopted at start", adopted);
            figures.put("cycles logged", cycles.size());
            figures.put("cycles logged as written", written);
            figures.put("cycles logged as not written", cycles.size() - written);
            figures.put("service reads logged FAILED", cycles.stream().mapToLong(c -> c.observed().values().stream()
                    .filter(v -> v == null).count()).sum());
            figures.put("history rows checked", rows);
            figures.put("torn rows at a kill / sealed at a start", tornAtKill + " / " + tornSealed);
            figures.put("temporary files removed at start", leftoversRemoved);
            figures.put("prometheus requests answered right", prom.served());
            for (FaultyPrometheus.Fault f : FaultyPrometheus.Fault.values()) {
                if (f != FaultyPrometheus.Fault.NONE) {
                    figures.put("prometheus fault " + f.name().toLowerCase(Locale.ROOT)
                            + (f == FaultyPrometheus.Fault.REFUSED ? " (outage windows)" : ""), faults.get(f));
                }
            }
            figures.put("api writes answered 409 / 503 / forwarded", api.conflicts.get() + " / "
                    + api.unavailable.get() + " / " + api.forwardedWrites.get());
            figures.put("api conflict storms (every write 409 for 800 ms)", api.storms.get());
            figures.put("read phases measured", readMs.size());
            figures.put("max read phase (ms) vs deadline", readMs.stream().mapToLong(x -> x).max().orElse(-1) + " vs "
                    + s.deadlineMs());
            figures.put("max cycle, scheduled time to its log line (ms)", cycles.stream()
                    .mapToLong(c -> Duration.between(c.time(), c.loggedAt()).toMillis()).max().orElse(-1));
            figures.put("max cycle but a process's first (ms)", cycles.stream().filter(c -> !c.first())
                    .mapToLong(c -> Duration.between(c.time(), c.loggedAt()).toMillis()).max().orElse(-1));
            figures.put("cycles that ended after the next was due", overruns);
            figures.put("wall time (s)", (System.nanoTime() - started) / 1_000_000_000L);
        }
    }

    private static final Pattern READ = Pattern.compile("loads read in (\\d+) ms \\(deadline (\\d+) ms\\)");
    private static final Pattern CYCLE = Pattern.compile("^(\\S+) (INFO |ERROR) .* - cycle (\\d+) at (\\S+): "
            + "load\\(observed->predicted\\) (.*?) \\| action .* \\| (.*)$");
    private static final Pattern RESTORED = Pattern.compile("restored state from .*: (\\d+) decisions so far, last at "
            + "(\\S+)$");

    private Process start(String[] args, Path log) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xms128m", "-Xmx128m", "-XX:+AlwaysPreTouch",
                "-XX:+UseSerialGC", "-Xlog:gc:stdout", "-jar", AgentProcess.JAR.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("HOME", dir.toString());
        pb.environment().remove("KUBECONFIG");
        pb.environment().put("DRL_AGENT_LOG_LEVEL", "DEBUG"); // the read phase's duration
        return pb.start();
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static void awaitLog(Process p, Path log, String text, Duration timeout) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        while (!Files.readString(log).contains(text)) {
            if (!p.isAlive()) {
                throw new AssertionError("the agent exited (" + p.exitValue() + ") before '" + text + "':\n"
                        + tail(log));
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("no '" + text + "' within " + timeout + ":\n" + tail(log));
            }
            Thread.sleep(20);
        }
    }

    private static int cyclesIn(List<Path> logs) throws IOException {
        int n = 0;
        for (Path l : logs) {
            try (Stream<String> lines = Files.lines(l, StandardCharsets.UTF_8)) {
                n += (int) lines.filter(x -> CYCLE.matcher(x).matches()).count();
            }
        }
        return n;
    }

    static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    /** {ms, VmRSS in kB, open descriptors, cycles so far} of {@code pid}. */
    private static long[] sample(long pid, int cycles) throws IOException {
        long rss = -1;
        for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (l.startsWith("VmRSS:")) {
                rss = Long.parseLong(l.replaceAll("[^0-9]", ""));
            }
        }
        long fds;
        try (Stream<Path> f = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            fds = f.count();
        }
        return new long[] {System.currentTimeMillis(), rss, fds, cycles};
    }

    /** History files whose last line has no newline right now. */
    private int unterminatedHistories() throws IOException {
        int n = 0;
        for (String svc : SERVICES) {
            Path h = dir.resolve("data/history/" + svc + ".csv");
            if (Files.exists(h)) {
                byte[] b = Files.readAllBytes(h);
                n += b.length > 0 && b[b.length - 1] != '\n' ? 1 : 0;
            }
        }
        return n;
    }

    private AgentState readState(String file) throws IOException {
        Path f = dir.resolve("data/state/" + file);
        return Files.exists(f) ? json.readValue(f.toFile(), AgentState.class) : null;
    }

    /** What the next start must restore: the pending decision if the cluster holds its spec, else the state. */
    private Expected expectedAfterKill(MockKube kube) throws IOException {
        AgentState state = readState("state.json");
        AgentState pending = readState("pending.json");
        GenericKubernetesResource cr = kube.client.genericKubernetesResources(ScaleActionWriter.CONTEXT)
                .inNamespace("default").withName("drl-action").get();
        Map<String, String> live = null;
        if (cr != null && cr.getAdditionalProperties().get("spec") instanceof Map<?, ?> spec) {
            live = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : spec.entrySet()) {
                live.put(String.valueOf(e.getKey()), String.valueOf(e.getValue()));
            }
        }
        AgentState restored = pending != null && pending.spec().equals(live) ? pending : state;
        return restored == null ? new Expected(null, null) : new Expected(restored.cycles(), restored.time());
    }

    /** 1 when process {@code i} got far enough to restore (it opened the histories) and restored as expected. */
    private int checkRestore(int i, List<String> lines, Expected e) {
        boolean built = lines.stream().anyMatch(l -> l.contains("history of " + SERVICES.get(0) + ":"));
        if (!built) {
            return 0;
        }
        List<Matcher> restored = lines.stream().map(RESTORED::matcher).filter(Matcher::find).toList();
        if (e.cycles() == null) {
            if (!restored.isEmpty()) {
                violations.add("process " + i + " restored a state though none was saved: " + restored.get(0).group());
            }
        } else if (restored.size() != 1) {
            violations.add("process " + i + ": expected one restore of " + e + ", got " + restored.size());
        } else if (Long.parseLong(restored.get(0).group(1)) != e.cycles()
                || !restored.get(0).group(2).equals(e.time())) {
            violations.add("process " + i + " restored " + restored.get(0).group() + ", expected " + e);
        }
        return 1;
    }

    private List<Cycle> parseCycles(int process, List<String> lines) {
        List<Cycle> out = new ArrayList<>();
        // the number the next cycle logs: the decisions restored (or none) plus one, then one more per decision written
        long next = lines.stream().map(RESTORED::matcher).filter(Matcher::find).findFirst()
                .map(m -> Long.parseLong(m.group(1))).orElse(0L) + 1;
        for (String l : lines) {
            Matcher m = CYCLE.matcher(l);
            if (!m.matches()) {
                continue;
            }
            Map<String, Double> observed = new LinkedHashMap<>();
            for (String part : m.group(5).split(" ")) {
                int eq = part.indexOf('=');
                String v = part.substring(eq + 1, part.indexOf("->"));
                observed.put(part.substring(0, eq), v.equals("FAILED") ? null : Double.parseDouble(v));
            }
            String outcome = m.group(6);
            boolean written = m.group(2).startsWith("INFO");
            if (written != outcome.matches("(created|patched|unchanged) default/drl-action")) {
                violations.add("process " + process + ": level and outcome disagree: " + l);
            }
            long number = Long.parseLong(m.group(3));
            if (number != next) {
                violations.add("process " + process + ": cycle " + number + " logged where the state's count makes it"
                        + " cycle " + next + ": " + l);
            }
            next = number + (written ? 1 : 0);
            out.add(new Cycle(process, number, out.isEmpty(), Instant.parse(m.group(4)), Instant.parse(m.group(1)),
                    observed, written, outcome));
        }
        return out;
    }

    /** Checks every row of every history file and every logged cycle against them; returns the rows checked. */
    private int checkHistories(List<Cycle> cycles) throws IOException {
        int checked = 0;
        for (int col = 0; col < SERVICES.size(); col++) {
            String svc = SERVICES.get(col);
            String job = "generator" + (col + 1);
            Path f = dir.resolve("data/history/" + svc + ".csv");
            String text = Files.readString(f, StandardCharsets.UTF_8);
            if (!text.endsWith("\n")) {
                violations.add(f + " does not end with a newline after the final run: a torn row left unsealed");
            }
            String[] lines = text.split("\n");
            if (!lines[0].equals("timestamp,value")) {
                violations.add(f + ": header " + lines[0]);
            }
            Map<Instant, List<Double>> rows = new TreeMap<>();
            Instant prev = null;
            for (int k = 1; k < lines.length; k++) {
                String l = lines[k];
                if (l.endsWith(",torn")) {
                    continue;
                }
                String[] p = l.split(",");
                if (p.length != 2) {
                    violations.add(f + " line " + (k + 1) + " unreadable: " + l);
                    continue;
                }
                Instant t = Instant.parse(p[0]);
                double v = Double.parseDouble(p[1]);
                checked++;
                rows.computeIfAbsent(t, x -> new ArrayList<>()).add(v);
                if (prev != null && !t.isAfter(prev)) {
                    violations.add(f + " line " + (k + 1) + ": " + t + " not after " + prev);
                }
                prev = t;
                if (Math.floorMod(t.toEpochMilli(), s.periodMs()) != s.offsetMs()) {
                    violations.add(f + " line " + (k + 1) + ": " + t + " is not on the schedule");
                }
                long slot = Math.floorDiv(t.toEpochMilli(), s.periodMs());
                double want = value(job, slot);
                if (Math.abs(v - want) > 1e-9) {
                    violations.add(f + " line " + (k + 1) + ": " + l + ", served for that cycle: " + want);
                }
            }
            for (Cycle c : cycles) {
                Double logged = c.observed().get(svc);
                List<Double> at = rows.getOrDefault(c.time(), List.of());
                if (logged == null ? !at.isEmpty() : at.size() != 1 || Math.abs(at.get(0) - logged) > 1e-9) {
                    violations.add("process " + c.process() + " cycle " + c.cycle() + " at " + c.time() + " logged "
                            + svc + "=" + (logged == null ? "FAILED" : logged) + "; its rows: " + at);
                }
            }
        }
        return checked;
    }

    /** The final state is what the cluster holds; the decisions counted are those logged, plus at most one per kill. */
    private void checkFinalState(MockKube kube, long written) throws IOException {
        AgentState state = readState("state.json");
        if (state == null) {
            violations.add("no state.json after the run");
            return;
        }
        Map<String, Object> live = kube.client.genericKubernetesResources(ScaleActionWriter.CONTEXT)
                .inNamespace("default").withName("drl-action").get().get("spec");
        Map<String, String> liveText = new LinkedHashMap<>();
        live.forEach((k, v) -> liveText.put(k, String.valueOf(v)));
        if (!state.spec().equals(liveText)) {
            violations.add("state.json's spec " + state.spec() + " is not the cluster's " + liveText);
        }
        if (state.cycles() < written || state.cycles() > written + s.restarts()) {
            violations.add("state.json counts " + state.cycles() + " decisions; logged as written: " + written
                    + ", kills: " + s.restarts());
        }
        try (Stream<Path> files = Files.list(dir.resolve("data/state"))) {
            List<Path> tmp = files.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
            if (!tmp.isEmpty()) {
                violations.add("temporary files left after the final run: " + tmp);
            }
        }
        figures.put("decisions in state.json", state.cycles());
    }

    /** RSS and descriptors of the long run: the last fifth against the first fifth after its first 10 cycles. */
    private void checkFlat(List<long[]> samples) {
        List<long[]> warm = samples.stream().filter(x -> x[3] >= 10).toList();
        if (warm.size() < 10) {
            violations.add("only " + warm.size() + " RSS/fd samples after warm-up in the long run");
            return;
        }
        int w = warm.size() / 5;
        long rss0 = median(warm.subList(0, w), 1);
        long rss1 = median(warm.subList(warm.size() - w, warm.size()), 1);
        long fd0 = median(warm.subList(0, w), 2);
        long fd1 = median(warm.subList(warm.size() - w, warm.size()), 2);
        long fdMax = warm.stream().mapToLong(x -> x[2]).max().orElse(-1);
        long rssMax = warm.stream().mapToLong(x -> x[1]).max().orElse(-1);
        StringBuilder csv = new StringBuilder("epoch_ms,vmrss_kb,open_fds,cycles\n");
        samples.forEach(x -> csv.append(x[0]).append(',').append(x[1]).append(',').append(x[2]).append(',')
                .append(x[3]).append('\n'));
        try {
            Files.writeString(dir.resolve("long-run-samples.csv"), csv);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        figures.put("long run: cycles / samples", warm.get(warm.size() - 1)[3] + " / " + samples.size());
        figures.put("long run RSS kB, median first fifth -> last fifth (max)", rss0 + " -> " + rss1 + " (" + rssMax
                + ")");
        figures.put("long run open fds, median first fifth -> last fifth (max)", fd0 + " -> " + fd1 + " (" + fdMax
                + ")");
        if (rss1 > rss0 * (1 + RSS_GROWTH_ALLOWED)) {
            violations.add("RSS grew from " + rss0 + " kB to " + rss1 + " kB over the long run");
        }
        if (fd1 > fd0 + FD_GROWTH_ALLOWED) {
            violations.add("open descriptors grew from " + fd0 + " to " + fd1 + " over the long run");
        }
    }

    private static long median(List<long[]> xs, int k) {
        long[] v = xs.stream().mapToLong(x -> x[k]).sorted().toArray();
        return v[v.length / 2];
    }

    /** The figures, one {@code key: value} line each. */
    String report() {
        StringBuilder b = new StringBuilder();
        figures.forEach((k, v) -> b.append(k).append(": ").append(v).append('\n'));
        return b.toString();
    }
}
