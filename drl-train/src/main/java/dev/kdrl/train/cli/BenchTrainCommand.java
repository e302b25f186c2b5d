package dev.kdrl.train.cli;

import dev.kdrl.train.algo.Cpu;
import dev.kdrl.train.run.TrainingRun;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/** Training throughput: environment steps per CPU-second of a {@code drl train} run, split by phase, and peak memory. */
@Command(name = "bench-train", mixinStandardHelpOptions = true,
        description = {"Benchmark training: runs drl train with its defaults (any drl train option may be added) for "
                + "--timesteps steps and prints environment steps per CPU-second of the training loop (rollouts and "
                + "updates; process CPU time of all threads, so JIT compilation and garbage collection during training "
                + "count; the evaluations and the start-up do not), the split rollout / policy update / critic update, "
                + "the whole process's CPU time and its peak resident memory (VmHWM).",
            "Example: ./drl bench-train --algo ppo --timesteps 300000"})
final class BenchTrainCommand implements Callable<Integer> {
    @Option(names = "--algo", defaultValue = "afterstate",
            description = "afterstate (drl train's default), trpo or ppo. Default: ${DEFAULT-VALUE}.")
    String algo;

    @Option(names = "--timesteps", defaultValue = "100000", description = "Environment steps. Default: ${DEFAULT-VALUE}.")
    long timesteps;

    @Option(names = "--trace", defaultValue = "datasets/paper/train-200.csv", paramLabel = "FILE",
            description = "Training trace. Default: ${DEFAULT-VALUE}.")
    Path trace;

    @Option(names = "--profile", defaultValue = "paper", description = "Profile. Default: ${DEFAULT-VALUE}.")
    String profile;

    @Option(names = "--out", paramLabel = "DIR", description = "Where the run writes (default: a temporary directory, removed).")
    Path out;

    @Unmatched
    List<String> trainOptions = new ArrayList<>();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (!algo.equals("trpo") && !algo.equals("ppo") && !algo.equals("afterstate")) {
            throw new IllegalArgumentException("--algo must be afterstate, trpo or ppo, got '" + algo + "'");
        }
        Path dir = out != null ? out : Files.createTempDirectory("drl-bench-train");
        try {
            return bench(dir);
        } finally {
            if (out == null) { // the temporary run, also when refused or failed
                try {
                    dev.kdrl.train.run.Trees.delete(dir);
                } catch (IOException e) { // not to hide the bench's own outcome
                    spec.commandLine().getErr().println("drl bench-train: warning: could not delete the temporary run "
                            + dir + ": " + e);
                    spec.commandLine().getErr().flush();
                }
            }
        }
    }

    private int bench(Path dir) throws IOException {
        List<String> args = new ArrayList<>(List.of("--profile", profile, "--trace", trace.toString(),
                "--timesteps", Long.toString(timesteps), "--eval-every", Integer.toString(Integer.MAX_VALUE),
                "--out", dir.toString()));
        if (spec.commandLine().getParseResult().hasMatchedOption("--algo")) {
            // passed on only when typed: its default is drl train's, and --published notes only what was typed
            args.addAll(List.of("--algo", algo));
        }
        args.addAll(trainOptions);
        TrainCommand train = new TrainCommand();
        CommandLine cl = new CommandLine(train);
        cl.parseArgs(args.toArray(String[]::new));
        // as drl train: the counts and lists, named as typed
        train.requireCounts();
        List<String> earlier = List.of();
        if (out != null) {
            // as drl train: a run already there is replaced only with --overwrite
            earlier = TrainCommand.earlierRun(out, train.overwrite);
        }
        train.applyPublished("drl bench-train", spec.commandLine().getErr());
        // as drl train: an option of another algorithm or of the cluster model would be ignored; --published trains
        // TRPO
        if ("cluster".equals(train.dynamics)) {
            throw new IllegalArgumentException("--dynamics cluster: drl bench-train measures training in the paper "
                    + "model only (drl train --dynamics cluster writes its time/fps to metrics.csv)");
        }
        train.acceptedDynamics();
        // as drl train: every input read before an earlier run is touched, which is set aside until this one has
        // written its files and put back if it fails or is interrupted
        train.checkInputs();
        PreviousRun previous = out == null ? null : PreviousRun.setAside("drl bench-train", out, earlier,
                spec.commandLine().getErr());
        String trained = train.algo;
        TrainingRun.Result r;
        boolean done = false;
        try {
            r = trained.equals("afterstate") ? train.runAfterstate(null) : TrainingRun.run(train.options(), null);
            done = true;
        } finally {
            if (previous != null) {
                previous.finish(done);
            }
        }
        Map<String, Double> m = r.lastMetrics();
        double rollout = m.get("time/rollout_cpu_s");
        double policy = m.get("time/policy_cpu_s");
        double critic = m.get("time/critic_cpu_s");
        double cpu = rollout + policy + critic;
        PrintWriter pw = spec.commandLine().getOut();
        pw.printf(Locale.ROOT, "%s, %,d environment steps (%s)%n", trained, r.timesteps(),
                String.join(" ", trainOptions.isEmpty() ? List.of("defaults") : trainOptions));
        pw.printf(Locale.ROOT, "training loop: %.1f CPU-s, %,.0f steps per CPU-second (%.1f s wall in the loop)%n", cpu,
                r.timesteps() / cpu, m.get("time/elapsed_s"));
        pw.printf(Locale.ROOT, "  rollout        %6.1f CPU-s  %5.1f %%  %,9.0f steps per CPU-second%n", rollout,
                100 * rollout / cpu, r.timesteps() / rollout);
        boolean value = trained.equals("afterstate");
        if (!value) {
            pw.printf(Locale.ROOT, "  policy update  %6.1f CPU-s  %5.1f %%%n", policy, 100 * policy / cpu);
        }
        pw.printf(Locale.ROOT, value ? "  value fit      %6.1f CPU-s  %5.1f %%%n" : "  critic update  %6.1f CPU-s  %5.1f %%%n",
                critic, 100 * critic / cpu);
        pw.printf(Locale.ROOT, "whole process: %.1f CPU-s (JVM start, evaluation and saving included), peak RSS %s%n",
                Cpu.processNanos() / 1e9, peakRss());
        pw.printf(Locale.ROOT, "final deterministic return on %s: %.2f%n", trace, r.finalEvalReturn());
        pw.printf(Locale.ROOT, "threads: OMP_NUM_THREADS=%s; OpenBLAS kernels: %s%n", envOr("OMP_NUM_THREADS", "unset"),
                envOr("OPENBLAS_CORETYPE", "OpenBLAS's own CPU detection (OPENBLAS_CORETYPE unset; ./drl sets it)"));
        pw.flush();
        return 0;
    }

    /** The process's peak resident set size from {@code /proc/self/status} ({@code VmHWM}), or "unknown". */
    static String peakRss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                    return String.format(Locale.ROOT, "%.0f MB", kb / 1024.0);
                }
            }
        } catch (IOException | RuntimeException e) {
            return "unknown (" + e.getMessage() + ")";
        }
        return "unknown";
    }

    private static String envOr(String name, String otherwise) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? otherwise : v;
    }
}
