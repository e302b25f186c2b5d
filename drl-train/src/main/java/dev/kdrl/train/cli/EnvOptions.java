package dev.kdrl.train.cli;

import dev.kdrl.env.profile.Profiles;
import dev.kdrl.env.quota.QuotaEnv;
import dev.kdrl.env.quota.QuotaModel;
import dev.kdrl.env.trace.Trace;
import dev.kdrl.env.trace.TraceCsv;
import dev.kdrl.env.trace.TraceFormatException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** Options shared by the commands that simulate: which cluster model, which trace. */
final class EnvOptions {
    @Option(names = "--profile", defaultValue = "paper", paramLabel = "PROFILE",
            description = "'paper' (the published environment, every quirk), 'paper-general' (the paper's services "
                    + "in the general model) or a profile file (.yaml/.yml, or .csv with --quota). Default: ${DEFAULT-VALUE}.")
    String profile;

    @Option(names = "--trace", required = true, paramLabel = "FILE",
            description = "Traffic CSV: a header of service names, one row of concurrent users per period.")
    Path trace;

    @Option(names = "--quota", paramLabel = "CORES",
            description = "Quota in cores (required for a CSV profile; overrides a YAML profile's).")
    Double quota;

    @Option(names = "--min-pods", paramLabel = "N",
            description = "Pods a service keeps at zero traffic in the general model (default 1).")
    Integer minPods;

    /** What {@link #model()} and {@link #trace()} read last, and from what: a command reads each input once. */
    private QuotaModel model;
    private java.util.List<Object> modelFrom;
    private Trace read;
    private Path readFrom;

    QuotaModel model() {
        java.util.List<Object> from = java.util.Arrays.asList(profile, quota, minPods);
        if (model == null || !from.equals(modelFrom)) {
            model = model(profile, quota, minPods);
            modelFrom = from;
        }
        return model;
    }

    /** The model a profile name stands for: see {@link Profiles#model}. */
    static QuotaModel model(String profile, Double quota, Integer minPods) {
        // the paper profile takes no --quota at all, which Profiles says first
        if (quota != null && !Profiles.PAPER.equals(profile) && !dev.kdrl.env.quota.Limit.QUOTA.contains(quota)) {
            throw new IllegalArgumentException("--quota " + quota + ": expected a number "
                    + dev.kdrl.env.quota.Limit.QUOTA.range());
        }
        return Profiles.model(profile, quota, minPods);
    }

    Trace trace() {
        if (read == null || !trace.equals(readFrom)) {
            read = trace(trace);
            readFrom = trace;
        }
        return read;
    }

    /**
     * Notes on {@code err} what a profile file's units may have got wrong: configurations whose one pod needs more
     * cores than the quota (never chosen: millicores written as cores?), and latencies or SLOs below 1 ms (seconds
     * written as milliseconds?). Nothing for the built-in profiles.
     */
    static void noteUnlikelyUnits(String profile, QuotaModel model, java.io.PrintWriter err) {
        if (Profiles.isBuiltIn(profile)) {
            return;
        }
        for (dev.kdrl.env.quota.ServiceProfile s : model.services()) {
            java.util.List<String> big = new java.util.ArrayList<>();
            java.util.List<String> fast = new java.util.ArrayList<>();
            for (int a = 0; a < s.numActions(); a++) {
                dev.kdrl.env.quota.ServiceConfig c = s.config(a);
                if (c.cpu() > model.quota()) {
                    big.add(a + " (cpu " + plain(c.cpu()) + ")");
                }
                if (c.latencyMs() < 1) {
                    fast.add(a + " (latencyMs " + plain(c.latencyMs()) + ")");
                }
            }
            if (!big.isEmpty()) {
                err.println("note: profile " + profile + ": service " + s.name() + "'s configuration" + (big.size() == 1
                        ? " " : "s ") + String.join(", ", big) + " need" + (big.size() == 1 ? "s" : "") + " more "
                        + "than the quota of " + plain(model.quota()) + " cores for one pod and can never be chosen "
                        + "(cpu is in cores per pod: 250m is 0.25)");
            }
            if (!fast.isEmpty() || s.sloMs() < 1) {
                err.println("note: profile " + profile + ": service " + s.name() + (fast.isEmpty() ? ""
                        : "'s configuration" + (fast.size() == 1 ? " " : "s ") + String.join(", ", fast))
                        + (s.sloMs() < 1 ? (fast.isEmpty() ? "" : " and") + " sloMs " + plain(s.sloMs()) : "")
                        + " below 1 ms: latencies and SLOs are in milliseconds (0.2 s is 200)");
            }
        }
        err.flush();
    }

    /** {@code v} as typed: no trailing zeros, no exponent ({@code 2} for 2.0); NaN and infinities as Java does. */
    static String plain(double v) {
        if (!Double.isFinite(v)) {
            return Double.toString(v);
        }
        return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    /**
     * Notes on {@code err} that the paper episode plays at most {@link QuotaEnv#PAPER_TIME_LIMIT} steps of a longer
     * trace ({@code option}, e.g. {@code --rows}, plays another window). Nothing in the general model, which plays
     * every row.
     */
    static void noteUnplayedRows(Trace trace, QuotaModel model, String option, java.io.PrintWriter err) {
        // nothing is asked of a shorter trace here: a trace too short or missing a column is refused when played
        int steps = QuotaEnv.PAPER_TIME_LIMIT;
        if (model.quirks().paperEpisode() && trace.length() > steps + 1) {
            err.println("note: the paper episode stops after " + steps + " steps: " + trace.source() + " has "
                    + trace.length() + " rows, the later ones are not played (" + option + " FROM:TO plays a window)");
            err.flush();
        }
    }

    /** Says on {@code err} which columns of {@code trace} no service of {@code model} reads (nothing if none). */
    static void noteUnusedColumns(Trace trace, QuotaModel model, java.io.PrintWriter err) {
        String unused = trace.unusedColumns(model.serviceNames());
        if (unused != null) {
            err.println("note: " + unused);
            err.flush();
        }
    }

    /**
     * Refuses {@code file}, given as {@code option}, unless it is a regular file: "no such file" (then {@code hint})
     * or "is a directory".
     */
    static void requireFile(String option, Path file, String hint) {
        if (file.toString().isEmpty()) { // read as the current directory
            throw new IllegalArgumentException(option + " '': empty (expected a file name)");
        }
        if (Files.isDirectory(file)) {
            throw new IllegalArgumentException(option + " " + file + ": is a directory (expected a file)");
        }
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(option + " " + file + ": no such file" + hint);
        }
    }

    /**
     * Refuses an empty element of the comma-separated list {@code option} as typed, e.g. {@code --trace ',a.csv':
     * element 1 is empty (expected comma-separated file names)}: picocli drops a trailing one silently and passes
     * another on as an empty value (as a file name, the current directory). {@code expected} says what the elements
     * are. Nothing when the option was not given.
     */
    static void requireNoEmptyElements(CommandLine.ParseResult parsed, String option, String expected) {
        List<String> args = parsed.originalArgs();
        for (int i = 0; i < args.size(); i++) {
            String value;
            if (args.get(i).equals(option) && i + 1 < args.size()) {
                value = args.get(++i);
            } else if (args.get(i).startsWith(option + "=")) {
                value = args.get(i).substring(option.length() + 1);
            } else {
                continue;
            }
            String[] elements = value.split(",", -1);
            for (int e = 0; e < elements.length; e++) {
                if (elements[e].isBlank()) {
                    throw new IllegalArgumentException(option + " '" + value + "': " + (elements.length == 1 ? "empty"
                            : "element " + (e + 1) + " is empty") + " (expected " + expected + ")");
                }
            }
        }
    }

    /** Refuses {@code value}, given as {@code option}, below {@code min}, naming both. */
    static void requireAtLeast(String option, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException(option + " " + value + ": expected a whole number >= " + min);
        }
    }

    /** Refuses {@code value}, given as {@code option}, unless it is a number in [0, 1], naming both. */
    static void requireProbability(String option, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(option + " " + value + ": expected a number >= 0 and <= 1");
        }
    }

    /** Refuses {@code value}, given as {@code option}, unless it is a finite number above 0, naming both. */
    static void requirePositive(String option, double value) {
        if (!(value > 0) || !Double.isFinite(value)) {
            throw new IllegalArgumentException(option + " " + value + ": expected a finite number > 0");
        }
    }

    /**
     * Checks an output file before any work: its name ends in one of {@code extensions} (e.g. {@code .png}), it is
     * not one of the command's {@code inputs} (file to the option that names it; an output named like an input would
     * replace it), and it can be written (see {@link #requireWritableFile}).
     */
    static void requireOutputFile(String option, Path file, java.util.List<String> extensions,
                                  java.util.Map<Path, String> inputs) {
        if (Files.isDirectory(file)) {
            requireWritableFile(option, file);
        }
        // as the writers read the name: case-sensitively (OUT.JSON would be written as CSV)
        String name = file.getFileName() == null ? "" : file.getFileName().toString();
        if (extensions.stream().noneMatch(name::endsWith)) {
            throw new IllegalArgumentException(option + " " + file + ": expected a file name ending in "
                    + String.join(" or ", extensions));
        }
        for (java.util.Map.Entry<Path, String> in : inputs.entrySet()) {
            if (in.getKey() != null && sameFile(file, in.getKey())) {
                throw new IllegalArgumentException(option + " " + file + ": is the " + in.getValue() + " input, "
                        + "which writing it would replace (expected another file)");
            }
        }
        requireWritableFile(option, file);
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b);
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** The profile as an input file ({@link #requireOutputFile}); null for a built-in profile. */
    Path profileFile() {
        return Profiles.isBuiltIn(profile) ? null : Path.of(profile);
    }

    /**
     * Refuses an output {@code file}, given as {@code option}, that cannot be written, before any work: a directory,
     * or one whose parent directory does not exist.
     */
    static void requireWritableFile(String option, Path file) {
        if (Files.isDirectory(file)) {
            throw new IllegalArgumentException(option + " " + file + ": is a directory (expected a file to write)");
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new IllegalArgumentException(option + " " + file + ": directory " + parent + " does not exist");
        }
    }

    static Trace trace(Path file) {
        return trace("--trace", file, "");
    }

    /**
     * The trace CSV {@code file} given as {@code option}; a missing file is named with the option, then {@code hint}.
     * Malformed content is reported as {@link TraceCsv} names it (file, line, column), preceded by the option unless
     * it is {@code --trace}, the trace every command reads.
     */
    static Trace trace(String option, Path file, String hint) {
        requireFile(option, file, hint);
        try {
            return TraceCsv.read(file);
        } catch (TraceFormatException e) {
            if ("--trace".equals(option)) {
                throw e;
            }
            throw new IllegalArgumentException(option + ": " + e.getMessage(), e);
        }
    }
}
